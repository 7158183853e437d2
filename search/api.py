"""The JSON search API; django-ninja builds its OpenAPI schema (/api/openapi.json, docs at /api/docs)."""

from decimal import Decimal

from django.conf import settings
from ninja import File, Form, NinjaAPI, Schema
from ninja.errors import ValidationError
from ninja.files import UploadedFile

from search.presenters import result_notices, timings_ms
from search.query import DEFAULT_WEIGHT, MAX_K, QueryInvalid, query_parse, upload_read
from search.selectors import product_search

API_DEFAULT_K = 10

api = NinjaAPI(
    title="Lookalike search",
    version="1",
    description="Find products by a description, a photo, or a weighted mix of both.",
    urls_namespace="search-api",
)


class ErrorOut(Schema):
    code: str
    field: str
    message: str


class ProductOut(Schema):
    id: int
    sku: str
    title: str
    category: str
    brand: str
    price: Decimal | None
    currency: str
    image_url: str | None
    score: float
    distance: float


class TimingsOut(Schema):
    embed: float
    cache: float
    ann: float
    total: float


class SearchOut(Schema):
    results: list[ProductOut]
    page: int
    k: int
    has_next: bool
    cached: dict[str, bool]
    text_truncated: bool
    notices: list[str]
    timings_ms: TimingsOut


@api.exception_handler(ValidationError)
def _validation_error(request, error: ValidationError):
    # Shoppers' clients get the same 400 shape for a mistyped field as for a rule we check.
    first = error.errors[0]
    field = str(first.get("loc", ["", "?"])[-1])
    return api.create_response(request, {"code": "invalid", "field": field, "message": f"{field}: {first.get('msg', 'invalid value')}"}, status=400)


@api.exception_handler(QueryInvalid)
def _query_invalid(request, error: QueryInvalid):
    return api.create_response(request, {"code": error.code, "field": error.field, "message": error.message}, status=400)


@api.post("/search", response={200: SearchOut, 400: ErrorOut}, summary="Search by text, photo, both, or a product")
def search(
    request,
    text: str = Form("", description="What the shopper typed; cut at the model's token limit (`text_truncated` says so)."),
    photo: UploadedFile | None = File(None, description="A photo (JPEG, PNG, GIF, WebP, BMP, TIFF)."),
    weight: float = Form(DEFAULT_WEIGHT, description="With text and photo: 0 is text only, 1 photo only."),
    like: int | None = Form(None, description="“More like this”: a product id; uses its stored vector, alone."),
    category: str = Form(""),
    price_min: Decimal | None = Form(None),
    price_max: Decimal | None = Form(None),
    k: int = Form(API_DEFAULT_K, description=f"Results per page, 1 to {MAX_K}."),
    page: int = Form(1),
):
    query = query_parse(
        text=text,
        photo=upload_read(upload=photo, max_bytes=settings.IMAGE_MAX_BYTES) if photo else None,
        like_product_id=like,
        weight=weight,
        category=category,
        price_min=price_min,
        price_max=price_max,
        k=k,
        page=page,
    )
    result = product_search(query=query)
    return {
        "results": [
            {
                "id": product.id,
                "sku": product.sku,
                "title": product.title,
                "category": product.category,
                "brand": product.brand,
                "price": product.price,
                "currency": product.currency,
                "image_url": product.image.url if product.image else None,
                "score": product.score,
                "distance": product.distance,
            }
            for product in result.products
        ],
        "page": query.page,
        "k": query.k,
        "has_next": result.has_next,
        "cached": result.cached,
        "text_truncated": result.text_truncated,
        "notices": result_notices(result=result),
        "timings_ms": timings_ms(result=result),
    }
