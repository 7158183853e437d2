from collections.abc import Sequence

from django.db.models import QuerySet
from pgvector.django import CosineDistance

from catalog.models import Product


def products_nearest(*, vector: Sequence[float], k: int, queryset: QuerySet[Product] | None = None) -> QuerySet[Product]:
    """The k products closest to `vector` by cosine distance, nearest first, with `.distance`.

    Ordered by the distance alone: a second ORDER BY key stops pgvector from using the
    HNSW index and silently turns the query into an exact scan.
    """
    base = Product.objects.all() if queryset is None else queryset
    return base.annotate(distance=CosineDistance("embedding", vector)).order_by("distance")[:k]
