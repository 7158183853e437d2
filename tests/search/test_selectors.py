import io
from decimal import Decimal

import factory
import numpy as np
import pytest
from django.test import override_settings
from PIL import Image

from config.services import embedded_redis_start, embedded_redis_stop
from search.query import QueryInvalid, SearchFilters, query_parse
from search.selectors import product_search, products_nearest_page
from tests.factories import ProductFactory
from tests.search.conftest import CATALOGUE, jpeg_bytes, picture, png_bytes

pytestmark = pytest.mark.django_db


def _titles(result) -> list[str]:
    return [product.title for product in result.products]


def _exact_order(catalogue, vector) -> list[str]:
    stored = np.array([np.asarray(product.embedding, dtype=np.float32) for product in catalogue])
    distances = 1 - stored @ vector / np.linalg.norm(stored, axis=1) / np.linalg.norm(vector)
    return [catalogue[i].title for i in np.argsort(distances, kind="stable")]


def _lamp_photo_resized_as_jpeg() -> bytes:
    _, _, _, background, colour, shape = CATALOGUE[2]
    return jpeg_bytes(picture(background=background, colour=colour, shape=shape).resize((150, 150), Image.BICUBIC))


def test_a_photo_re_encoded_as_jpeg_at_another_size_finds_its_product_first(catalogue, model_calls):
    result = product_search(query=query_parse(text="", photo=_lamp_photo_resized_as_jpeg(), k="3"))

    assert _titles(result)[0] == "Green desk lamp"
    assert result.products[0].score > 0.9
    assert result.cached == {"photo": False}
    assert model_calls == {"text": 0, "photo": 1}


def test_text_search_returns_products_in_exact_cosine_order(catalogue, tiny_encoder):
    expected = _exact_order(catalogue, tiny_encoder.encode_texts(["red leather handbag"])[0])

    result = product_search(query=query_parse(text="Red leather  handbag", photo=None, k="8"))

    assert _titles(result) == expected
    assert result.cached == {"text": False}


def test_mixed_search_ranks_by_the_weighted_mix(catalogue, tiny_encoder):
    photo = _lamp_photo_resized_as_jpeg()
    text_vector = tiny_encoder.encode_texts(["striped scarf"])[0]
    photo_vector = tiny_encoder.encode_images([Image.open(io.BytesIO(photo)).convert("RGB")])[0]

    result = product_search(query=query_parse(text="striped scarf", photo=photo, weight="0.3", k="8"))

    assert _titles(result) == _exact_order(catalogue, 0.3 * photo_vector + 0.7 * text_vector)
    assert product_search(query=query_parse(text="striped scarf", photo=photo, weight="1", k="1")).products[0].title == "Green desk lamp"


def test_a_second_identical_query_is_a_cache_hit_without_a_model_call(catalogue, model_calls):
    first = product_search(query=query_parse(text="desk lamp", photo=png_bytes(picture(background=(0, 0, 0), colour=(255, 0, 0), shape="ellipse")), k="8"))
    second = product_search(query=query_parse(text="  DESK lamp", photo=png_bytes(picture(background=(0, 0, 0), colour=(255, 0, 0), shape="ellipse")), k="8"))

    assert first.cached == {"text": False, "photo": False}
    assert second.cached == {"text": True, "photo": True}
    assert model_calls == {"text": 1, "photo": 1}
    assert _titles(second) == _titles(first)
    assert [p.distance for p in second.products] == [p.distance for p in first.products]


def test_moving_the_weight_changes_results_without_a_model_call(catalogue, model_calls):
    photo = _lamp_photo_resized_as_jpeg()
    orders = {weight: _titles(product_search(query=query_parse(text="striped scarf", photo=photo, weight=weight, k="8"))) for weight in ("0", "0.5", "1")}

    assert model_calls == {"text": 1, "photo": 1}
    assert orders["1"][0] == "Green desk lamp"
    assert orders["0"] != orders["1"]


def test_with_redis_stopped_search_still_answers(catalogue, model_calls, tmp_path):
    url = embedded_redis_start(state_dir=tmp_path)
    embedded_redis_stop(state_dir=tmp_path)

    with override_settings(REDIS_URL=url):
        first = product_search(query=query_parse(text="", photo=_lamp_photo_resized_as_jpeg(), k="3"))
        second = product_search(query=query_parse(text="", photo=_lamp_photo_resized_as_jpeg(), k="3"))

    assert _titles(first)[0] == _titles(second)[0] == "Green desk lamp"
    assert second.cached == {"photo": False}
    assert model_calls["photo"] == 2


def test_more_like_this_uses_the_stored_vector_without_the_model(catalogue, model_calls):
    lamp = catalogue[2]

    result = product_search(query=query_parse(text="", photo=None, like_product_id=str(lamp.id), k="7"))

    assert _titles(result) == [title for title in _exact_order(catalogue, np.asarray(lamp.embedding, dtype=np.float32)) if title != lamp.title]
    assert model_calls == {"text": 0, "photo": 0}


def test_a_file_that_is_not_an_image_is_rejected_with_a_message(catalogue, fixture_bytes):
    with pytest.raises(QueryInvalid) as raised:
        product_search(query=query_parse(text="", photo=fixture_bytes("images/text.jpg")))
    assert (raised.value.field, raised.value.code) == ("photo", "not_an_image")


def test_over_long_text_is_flagged_truncated(catalogue):
    result = product_search(query=query_parse(text="red leather handbag with gold buckle " * 20, photo=None, k="1"))
    assert result.text_truncated


@pytest.fixture
def lamps_among_many(tiny_encoder):
    """240 products from varied pictures, every 20th a lamp (4 of the 12 lamps at 10 EUR), with vectors from the tiny model."""
    rng = np.random.default_rng(7)
    shapes = ["ellipse", "rectangle", "triangle", "stripes", "checks"]
    pictures = [
        picture(background=tuple(rng.integers(0, 256, 3).tolist()), colour=tuple(rng.integers(0, 256, 3).tolist()), shape=shapes[n % 5], size=(48, 48))
        for n in range(240)
    ]
    vectors = tiny_encoder.encode_images(pictures)
    return ProductFactory.create_batch(
        240,
        category=factory.Iterator(["lamp"] + ["mug"] * 19),
        price=factory.Iterator([Decimal("10"), Decimal("30"), Decimal("30")]),
        embedding=factory.Iterator(list(vectors)),
        embedding_model=tiny_encoder.model_id,
    )


def test_filtered_search_returns_exactly_k_when_enough_match(lamps_among_many, tiny_encoder, django_assert_num_queries):
    query_vector = lamps_among_many[0].embedding
    lamps = [product for product in lamps_among_many if product.category == "lamp"]
    expected = [lamps[i].id for i in np.argsort([1 - np.dot(query_vector, p.embedding) / np.linalg.norm(p.embedding) for p in lamps], kind="stable")][:10]

    with django_assert_num_queries(2):
        products, has_next = products_nearest_page(
            vector=np.array(query_vector), k=10, filters=SearchFilters(category="lamp"), model_id=tiny_encoder.model_id, ef_search=10
        )

    assert [product.id for product in products] == expected
    assert has_next


def test_filters_combine_and_paging_continues_where_the_last_page_ended(lamps_among_many, tiny_encoder):
    vector = np.array(lamps_among_many[0].embedding)
    filters = SearchFilters(category="lamp", price_max=Decimal("20"))

    first, more = products_nearest_page(vector=vector, k=3, filters=filters, model_id=tiny_encoder.model_id)
    second, last = products_nearest_page(vector=vector, k=3, offset=3, filters=filters, model_id=tiny_encoder.model_id)

    assert len(first) == 3 and more
    assert len(second) == 1 and not last
    assert {p.category for p in first + second} == {"lamp"} and max(p.price for p in first + second) == Decimal("10")
    assert first[-1].distance <= second[0].distance
