"""The ANN query itself: order, the plan PostgreSQL picks, and the SQL the code emits."""

import numpy as np
import pytest
from django.db import connection, transaction

from search.query import SearchFilters
from search.selectors import products_nearest_page, products_nearest_sql, search_settings_apply
from tests.factories import ProductFactory

pytestmark = pytest.mark.django_db
MODEL = "test-model"


def _unit(values) -> np.ndarray:
    vector = np.zeros(512, dtype=np.float32)
    vector[: len(values)] = values
    return vector / np.linalg.norm(vector)


def test_products_nearest_page_orders_by_cosine_distance():
    ProductFactory(sku="A", embedding=_unit([1, 0]), embedding_model=MODEL)
    ProductFactory(sku="B", embedding=_unit([1, 1]), embedding_model=MODEL)
    ProductFactory(sku="C", embedding=_unit([0, 1]), embedding_model=MODEL)
    ProductFactory(sku="D", embedding=None)
    ProductFactory(sku="E", embedding=_unit([1, 0]), embedding_model="another-model")

    nearest, has_next = products_nearest_page(vector=_unit([1, 0.1]), k=3, model_id=MODEL)

    assert [product.sku for product in nearest] == ["A", "B", "C"]
    # halfvec stores about three significant digits
    expected = [1 - 1 / 1.01**0.5, 1 - 1.1 / (1.01**0.5 * 2**0.5), 1 - 0.1 / 1.01**0.5]
    assert [product.distance for product in nearest] == pytest.approx(expected, abs=1e-3)
    assert has_next is False


def test_the_ann_query_orders_by_the_distance_alone():
    sql, _ = products_nearest_sql(vector=_unit([1]), limit=5, filters=SearchFilters(category="mug"), model_id=MODEL)

    order_by = sql.split("ORDER BY", 1)[1].split("LIMIT")[0]
    assert "," not in order_by
    assert order_by.count("ASC") == 1


def test_explain_of_the_ann_query_uses_the_hnsw_index():
    # Unfiltered: with a very selective filter the planner may rightly prefer the category
    # index and an exact sort of the few rows it finds.
    ProductFactory.create_batch(20, embedding=_unit([1, 2, 3]), embedding_model=MODEL)
    sql, params = products_nearest_sql(vector=_unit([3, 2, 1]), limit=5, filters=SearchFilters(), model_id=MODEL)

    with transaction.atomic(), connection.cursor() as cursor:
        search_settings_apply(cursor=cursor, ef_search=40)
        # Twenty rows are cheaper to scan than to index; forbid the scan to see the plan the
        # query takes on a real catalogue.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert "Index Scan using product_embedding_hnsw" in plan
