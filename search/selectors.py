"""Search reads: the ANN query over products, and the whole search path with its timings."""

import time
from dataclasses import dataclass, field

import numpy as np
from django.conf import settings
from django.db import connection, transaction
from pgvector import HalfVector
from pgvector.django import CosineDistance

from catalog.models import Product
from embeddings.selectors import encoder_get
from search import metrics
from search.embedding import query_embed
from search.query import QueryInvalid, SearchFilters, SearchQuery


@dataclass
class SearchTimings:
    embed_s: float = 0.0
    cache_s: float = 0.0
    ann_s: float = 0.0
    total_s: float = 0.0


@dataclass
class SearchResult:
    query: SearchQuery
    # Products nearest first, each with `.distance` (cosine) and `.score` (1 - distance).
    products: list[Product]
    has_next: bool
    cached: dict[str, bool] = field(default_factory=dict)
    text_truncated: bool = False
    timings: SearchTimings = field(default_factory=SearchTimings)
    like_product: Product | None = None


RESULT_FIELDS = ("id", "sku", "title", "category", "brand", "price", "currency", "image", "attributes")


def _filtered(*, filters: SearchFilters, model_id: str, exclude_id: int | None):
    # Only vectors from the active model are comparable with the query vector.
    queryset = Product.objects.filter(embedding__isnull=False, embedding_model=model_id)
    if filters.category:
        queryset = queryset.filter(category=filters.category)
    if filters.price_min is not None:
        queryset = queryset.filter(price__gte=filters.price_min)
    if filters.price_max is not None:
        queryset = queryset.filter(price__lte=filters.price_max)
    if exclude_id is not None:
        queryset = queryset.exclude(id=exclude_id)
    return queryset


def products_nearest_sql(
    *, vector: np.ndarray, limit: int, filters: SearchFilters, model_id: str, exclude_id: int | None = None
) -> tuple[str, tuple]:
    """The ANN query: ordered by the cosine distance alone, so PostgreSQL walks the HNSW index."""
    inner = (
        _filtered(filters=filters, model_id=model_id, exclude_id=exclude_id)
        # Only what a result shows: parsing 24 stored 512-d vectors back into Python cost 10x
        # the index scan, and each further column costs a converter call per row.
        .only(*RESULT_FIELDS)
        .annotate(distance=CosineDistance("embedding", HalfVector(vector)))
        .order_by("distance")[:limit]
    )
    return inner.query.sql_with_params()


def products_nearest_page(
    *,
    vector: np.ndarray,
    k: int,
    offset: int = 0,
    filters: SearchFilters = SearchFilters(),
    model_id: str,
    exclude_id: int | None = None,
    ef_search: int | None = None,
) -> tuple[list[Product], bool]:
    """Products offset..offset+k nearest to `vector` (nearest first), and whether more follow.

    With an iterative scan (pgvector 0.8) the index keeps yielding candidates until
    enough rows pass the filters, instead of stopping after ef_search of them and
    returning too few; `relaxed_order` lets those later candidates come slightly out of
    order, so the outer query sorts the few rows exactly. Two statements in one
    transaction: the settings are SET LOCAL, gone when it ends.
    """
    sql, params = products_nearest_sql(vector=vector, limit=offset + k + 1, filters=filters, model_id=model_id, exclude_id=exclude_id)
    # No savepoint inside an outer transaction: the two SET LOCAL values are the same for every
    # search, so outliving this block until the outer transaction ends changes nothing.
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        # Pipelined: BEGIN and the SET LOCAL travel in one round trip instead of two.
        with connection.connection.pipeline():
            search_settings_apply(cursor=cursor, ef_search=ef_search or settings.SEARCH_HNSW_EF_SEARCH)
        rows = list(Product.objects.raw(f"SELECT * FROM ({sql}) AS nearest ORDER BY distance OFFSET %s", [*params, offset]))
    for product in rows:
        product.score = 1.0 - product.distance
    return rows[:k], len(rows) > k


def search_settings_apply(*, cursor, ef_search: int) -> None:
    """SET LOCAL the HNSW search settings for the rest of the current transaction."""
    cursor.execute(
        "SELECT set_config('hnsw.ef_search', %s, true), set_config('hnsw.iterative_scan', 'relaxed_order', true)",
        [str(ef_search)],
    )


def search_categories() -> list[str]:
    return list(Product.objects.exclude(category="").order_by("category").values_list("category", flat=True).distinct())


def product_search(*, query: SearchQuery) -> SearchResult:
    """Run a search end to end; raises QueryInvalid for a photo that is not usable or an unknown product."""
    started = time.perf_counter()
    model_id = encoder_get().model_id
    timings = SearchTimings()
    like_product = None
    cached: dict[str, bool] = {}
    truncated = False
    if query.like_product_id is not None:
        like_product = Product.objects.filter(id=query.like_product_id, embedding__isnull=False, embedding_model=model_id).first()
        if like_product is None:
            raise QueryInvalid(code="like_unknown", field="like", message="That product is gone or has no image to compare with.")
        vector = np.asarray(like_product.embedding, dtype=np.float32)
    else:
        embedded = query_embed(query=query)
        vector, cached, truncated = embedded.vector, embedded.cached, embedded.text_truncated
        timings.embed_s, timings.cache_s = embedded.embed_s, embedded.cache_s
    ann_started = time.perf_counter()
    products, has_next = products_nearest_page(
        vector=vector, k=query.k, offset=query.offset, filters=query.filters, model_id=model_id, exclude_id=query.like_product_id
    )
    timings.ann_s = time.perf_counter() - ann_started
    timings.total_s = time.perf_counter() - started
    metrics.ANN_SECONDS.observe(timings.ann_s)
    metrics.SEARCH_SECONDS.observe(timings.total_s)
    return SearchResult(
        query=query,
        products=products,
        has_next=has_next,
        cached=cached,
        text_truncated=truncated or query.text_clipped,
        timings=timings,
        like_product=like_product,
    )
