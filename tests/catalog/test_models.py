import numpy as np
import pytest
from django.db import connection, transaction

from catalog.models import Product
from catalog.selectors import products_nearest
from tests.factories import ProductFactory

pytestmark = pytest.mark.django_db


def _unit(values) -> list[float]:
    vector = np.zeros(512, dtype=np.float32)
    vector[: len(values)] = values
    return (vector / np.linalg.norm(vector)).tolist()


def test_migrations_create_the_vector_extension_and_hnsw_cosine_index():
    with connection.cursor() as cursor:
        cursor.execute("SELECT extversion FROM pg_extension WHERE extname = 'vector'")
        (version,) = cursor.fetchone()
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'product_embedding_hnsw'")
        (definition,) = cursor.fetchone()

    assert tuple(int(part) for part in version.split(".")[:2]) >= (0, 8)
    assert "USING hnsw (embedding halfvec_cosine_ops)" in definition
    assert "m='16'" in definition and "ef_construction='64'" in definition


def test_products_nearest_orders_by_cosine_distance():
    ProductFactory(sku="A", embedding=_unit([1, 0]))
    ProductFactory(sku="B", embedding=_unit([1, 1]))
    ProductFactory(sku="C", embedding=_unit([0, 1]))
    ProductFactory(sku="D", embedding=None)

    nearest = list(products_nearest(vector=_unit([1, 0.1]), k=3))

    assert [product.sku for product in nearest] == ["A", "B", "C"]
    # halfvec stores about three significant digits
    expected = [1 - 1 / 1.01**0.5, 1 - 1.1 / (1.01**0.5 * 2**0.5), 1 - 0.1 / 1.01**0.5]
    assert [product.distance for product in nearest] == pytest.approx(expected, abs=1e-3)


def test_products_nearest_emits_a_single_order_by_key():
    sql = str(products_nearest(vector=_unit([1]), k=5).query)

    order_by = sql.split("ORDER BY", 1)[1].split("LIMIT")[0]
    assert "," not in order_by
    assert order_by.count("ASC") == 1


def test_explain_of_the_cosine_query_uses_the_hnsw_index():
    ProductFactory.create_batch(20, embedding=_unit([1, 2, 3]))
    queryset = products_nearest(vector=_unit([3, 2, 1]), k=5)

    with transaction.atomic(), connection.cursor() as cursor:
        # Twenty rows are cheaper to scan than to index; forbid the scan to see the plan the
        # query takes on a real catalogue.
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = queryset.explain()

    assert "Index Scan using product_embedding_hnsw" in plan


def test_is_embedding_current_follows_image_and_model():
    product = Product(image_sha256="abc", embedding_model="m", embedding_image_sha256="abc")
    assert product.is_embedding_current
    product.image_sha256 = "def"
    assert not product.is_embedding_current
