"""One manifest row to the product fields it sets, or a RowError saying what is wrong."""

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from catalog.imports.sources import RowError
from catalog.models import Product

KNOWN_COLUMNS = ("sku", "title", "description", "category", "brand", "price", "currency", "image")
DEFAULT_CURRENCY = "EUR"
_CURRENCY = re.compile(r"^[A-Z]{3}$")
_PRICE_PLACES = Decimal("0.01")
_PRICE_FIELD = Product._meta.get_field("price")
_MAX_PRICE = Decimal(10) ** (_PRICE_FIELD.max_digits - _PRICE_FIELD.decimal_places)


@dataclass(frozen=True)
class ProductRow:
    line: int
    sku: str
    title: str
    description: str = ""
    category: str = ""
    brand: str = ""
    price: Decimal | None = None
    currency: str = DEFAULT_CURRENCY
    image: str = ""
    attributes: dict = field(default_factory=dict)

    @property
    def is_image_url(self) -> bool:
        return self.image.lower().startswith(("http://", "https://"))


def product_row_parse(*, line: int, values: dict) -> ProductRow:
    sku = _text(values, "sku", required=True)
    title = _text(values, "title", required=True)
    return ProductRow(
        line=line,
        sku=sku,
        title=title,
        description=_text(values, "description"),
        category=_text(values, "category"),
        brand=_text(values, "brand"),
        price=_price(values.get("price")),
        currency=_currency(values.get("currency")),
        image=_text(values, "image", max_length=Product._meta.get_field("image").max_length),
        attributes={key: value for key, value in values.items() if key not in KNOWN_COLUMNS},
    )


def _text(values: dict, name: str, *, required: bool = False, max_length: int | None = None) -> str:
    value = values.get(name)
    if value is None:
        value = ""
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        raise RowError(f"{name} must be text, got {type(value).__name__}.")
    value = str(value).strip()
    if required and not value:
        raise RowError(f"{name} is required.")
    if "\x00" in value:
        # PostgreSQL text cannot hold NUL; caught here it fails one row, not the whole import.
        raise RowError(f"{name} contains a NUL character.")
    if max_length is None:
        model_field = Product._meta.get_field(name)
        max_length = model_field.max_length
    if max_length is not None and len(value) > max_length:
        raise RowError(f"{name} is {len(value)} characters; the limit is {max_length}.")
    return value


def _price(value) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise RowError(f"price {value!r} is not a number.")
    try:
        price = Decimal(str(value).strip())
    except InvalidOperation:
        raise RowError(f"price {value!r} is not a number.") from None
    if not price.is_finite() or price < 0:
        raise RowError(f"price {value!r} must be zero or more.")
    # Size first: quantize() of a huge number raises instead of rounding.
    if price >= _MAX_PRICE:
        raise RowError(f"price {value!r} is too large.")
    if price != price.quantize(_PRICE_PLACES):
        raise RowError(f"price {value!r} has more than 2 decimal places.")
    return price.quantize(_PRICE_PLACES)


def _currency(value) -> str:
    if value is None or (isinstance(value, str) and not value.strip()):
        return DEFAULT_CURRENCY
    currency = str(value).strip().upper()
    if not _CURRENCY.match(currency):
        raise RowError(f"currency {value!r} is not a three-letter ISO 4217 code.")
    return currency
