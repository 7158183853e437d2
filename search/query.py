"""What a shopper asked for, checked: pure functions, no I/O, so the rules are unit-testable.

Both the search page and the JSON API turn raw request values into a SearchQuery here, so
they reject the same inputs with the same messages.
"""

import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import numpy as np

DEFAULT_WEIGHT = 0.5
# Characters, not tokens: bounds the tokenizer's work on a pasted essay. CLIP's 77-token
# window rarely holds more than ~400 characters of English, so nothing useful is lost.
MAX_TEXT_CHARS = 1000
MAX_K = 100
MAX_PAGE = 50
# Product.price is NUMERIC(12, 2): a larger bound would overflow in PostgreSQL.
MAX_PRICE = 10**10


class QueryInvalid(ValueError):
    """A query the shopper can fix; `field` names the input, `message` is shown as is."""

    def __init__(self, *, code: str, field: str, message: str):
        super().__init__(message)
        self.code = code
        self.field = field
        self.message = message


@dataclass(frozen=True)
class SearchFilters:
    category: str = ""
    price_min: Decimal | None = None
    price_max: Decimal | None = None


@dataclass(frozen=True)
class SearchQuery:
    text: str = ""
    photo: bytes = b""
    like_product_id: int | None = None
    weight: float = DEFAULT_WEIGHT
    filters: SearchFilters = field(default_factory=SearchFilters)
    k: int = 24
    page: int = 1
    # Set when the text was cut to MAX_TEXT_CHARS before it reached the tokenizer.
    text_clipped: bool = False

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.k


def text_normalise(*, text: str) -> str:
    """NFKC, case-folded, whitespace collapsed: 'Red  BAG' and 'red bag' are one query."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def weight_parse(*, raw: str | float | None) -> float:
    if raw is None or raw == "":
        return DEFAULT_WEIGHT
    try:
        weight = float(raw)
    except (TypeError, ValueError):
        raise QueryInvalid(code="weight_invalid", field="weight", message="The weight must be a number between 0 and 1.") from None
    if not 0.0 <= weight <= 1.0:  # also false for NaN
        raise QueryInvalid(code="weight_out_of_range", field="weight", message=f"The weight must be between 0 and 1; got {raw}.")
    return weight


def _int_parse(*, raw: str | int | None, name: str, default: int, minimum: int, maximum: int) -> int:
    if raw is None or raw == "":
        return default
    try:
        number = int(raw)
    except (TypeError, ValueError):
        raise QueryInvalid(code=f"{name}_invalid", field=name, message=f"{name} must be a whole number.") from None
    if not minimum <= number <= maximum:
        raise QueryInvalid(code=f"{name}_out_of_range", field=name, message=f"{name} must be between {minimum} and {maximum}.")
    return number


def _price_parse(*, raw: str | Decimal | float | None, name: str) -> Decimal | None:
    if raw is None or raw == "":
        return None
    try:
        price = Decimal(str(raw))
    except InvalidOperation:
        raise QueryInvalid(code="price_invalid", field=name, message="Prices must be numbers, like 19.99.") from None
    if not price.is_finite() or price < 0:
        raise QueryInvalid(code="price_invalid", field=name, message="Prices must be zero or more.")
    if price >= MAX_PRICE:
        raise QueryInvalid(code="price_invalid", field=name, message=f"Prices must be below {MAX_PRICE:,}.")
    return price


def query_parse(
    *,
    text: str | None,
    photo: bytes | None,
    like_product_id: str | int | None = None,
    weight: str | float | None = None,
    category: str | None = None,
    price_min: str | Decimal | float | None = None,
    price_max: str | Decimal | float | None = None,
    k: str | int | None = None,
    default_k: int = 24,
    page: str | int | None = None,
) -> SearchQuery:
    """Check raw request values and build a SearchQuery, or raise QueryInvalid."""
    text = (text or "").strip()
    clipped = len(text) > MAX_TEXT_CHARS
    text = text[:MAX_TEXT_CHARS]
    like = _int_parse(raw=like_product_id, name="like", default=0, minimum=1, maximum=2**62) or None
    if not text and not photo and like is None:
        raise QueryInvalid(code="empty_query", field="text", message="Type a description or add a photo to search.")
    if like is not None and (text or photo):
        raise QueryInvalid(code="like_combined", field="like", message="“More like this” searches by the product alone; clear the text and photo.")
    category = (category or "").strip()
    if any(not character.isprintable() for character in category):
        raise QueryInvalid(code="category_invalid", field="category", message="That category name has characters no category has.")
    low = _price_parse(raw=price_min, name="price_min")
    high = _price_parse(raw=price_max, name="price_max")
    if low is not None and high is not None and low > high:
        raise QueryInvalid(code="price_range_invalid", field="price_min", message="The lowest price is above the highest price.")
    return SearchQuery(
        text=text,
        photo=photo or b"",
        like_product_id=like,
        weight=weight_parse(raw=weight),
        filters=SearchFilters(category=category, price_min=low, price_max=high),
        k=_int_parse(raw=k, name="k", default=default_k, minimum=1, maximum=MAX_K),
        page=_int_parse(raw=page, name="page", default=1, minimum=1, maximum=MAX_PAGE),
        text_clipped=clipped,
    )


def vectors_mix(*, text_vector: np.ndarray | None, photo_vector: np.ndarray | None, weight: float) -> np.ndarray:
    """normalize(w * photo + (1 - w) * text); either part alone is returned as it is."""
    if photo_vector is None:
        return text_vector
    if text_vector is None:
        return photo_vector
    mixed = weight * photo_vector.astype(np.float32) + (1.0 - weight) * text_vector.astype(np.float32)
    norm = float(np.linalg.norm(mixed))
    # Only exactly opposite parts at w = 0.5 cancel out; the text then stands for the query.
    return mixed / norm if norm > 1e-6 else text_vector.astype(np.float32)


def upload_read(*, upload, max_bytes: int) -> bytes:
    """An uploaded photo's bytes, refusing an oversized one before reading it into memory."""
    if upload.size > max_bytes:
        raise QueryInvalid(
            code="too_many_bytes",
            field="photo",
            message=f"The photo is {upload.size / 1e6:.1f} MB; the limit is {max_bytes / 1e6:.1f} MB.",
        )
    return upload.read()
