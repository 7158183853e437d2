from decimal import Decimal

import numpy as np
import pytest

from search.query import MAX_TEXT_CHARS, QueryInvalid, query_parse, text_normalise, vectors_mix, weight_parse


def test_text_normalise_folds_case_width_and_whitespace():
    assert text_normalise(text="  Red\tLEATHER\n\n ＨＡＮＤＢＡＧ  ") == "red leather handbag"


def test_text_normalise_casefolds_beyond_lower():
    assert text_normalise(text="Straße") == "strasse"


@pytest.mark.parametrize(("raw", "expected"), [(None, 0.5), ("", 0.5), ("0", 0.0), ("1", 1.0), ("0.25", 0.25), (0.7, 0.7)])
def test_weight_parse_accepts_zero_to_one(raw, expected):
    assert weight_parse(raw=raw) == expected


@pytest.mark.parametrize(("raw", "code"), [("-0.1", "weight_out_of_range"), ("1.01", "weight_out_of_range"), ("nan", "weight_out_of_range"), ("heavy", "weight_invalid")])
def test_weight_parse_rejects_outside_zero_to_one(raw, code):
    with pytest.raises(QueryInvalid) as raised:
        weight_parse(raw=raw)
    assert (raised.value.code, raised.value.field) == (code, "weight")


def test_query_parse_rejects_an_empty_query():
    with pytest.raises(QueryInvalid) as raised:
        query_parse(text="   ", photo=b"")
    assert raised.value.code == "empty_query"
    assert raised.value.message == "Type a description or add a photo to search."


def test_query_parse_clips_very_long_text_and_says_so():
    query = query_parse(text="bag " * 1000, photo=None)
    assert len(query.text) == MAX_TEXT_CHARS
    assert query.text_clipped


def test_query_parse_reads_filters_and_paging():
    query = query_parse(text="lamp", photo=None, category=" lamp ", price_min="10", price_max="50.5", k="5", page="3")
    assert (query.filters.category, query.filters.price_min, query.filters.price_max) == ("lamp", Decimal("10"), Decimal("50.5"))
    assert (query.k, query.page, query.offset) == (5, 3, 10)


@pytest.mark.parametrize(
    ("values", "code"),
    [
        ({"price_min": "50", "price_max": "10"}, "price_range_invalid"),
        ({"price_min": "-1"}, "price_invalid"),
        ({"price_max": "cheap"}, "price_invalid"),
        ({"k": "0"}, "k_out_of_range"),
        ({"page": "x"}, "page_invalid"),
        ({"price_min": "1e999999"}, "price_invalid"),
        ({"category": "mug\x00"}, "category_invalid"),
    ],
)
def test_query_parse_rejects_bad_filters(values, code):
    with pytest.raises(QueryInvalid) as raised:
        query_parse(text="lamp", photo=None, **values)
    assert raised.value.code == code


def test_more_like_this_cannot_be_combined_with_text():
    with pytest.raises(QueryInvalid) as raised:
        query_parse(text="lamp", photo=None, like_product_id="3")
    assert raised.value.code == "like_combined"


def test_vectors_mix_is_the_normalised_weighted_sum():
    text, photo = np.array([1.0, 0.0], dtype=np.float32), np.array([0.0, 1.0], dtype=np.float32)

    mixed = vectors_mix(text_vector=text, photo_vector=photo, weight=0.75)

    np.testing.assert_allclose(mixed, np.array([0.25, 0.75]) / np.hypot(0.25, 0.75), rtol=1e-6)


def test_vectors_mix_ends_are_one_part_alone():
    text, photo = np.array([1.0, 0.0], dtype=np.float32), np.array([0.6, 0.8], dtype=np.float32)

    np.testing.assert_allclose(vectors_mix(text_vector=text, photo_vector=photo, weight=0.0), text)
    np.testing.assert_allclose(vectors_mix(text_vector=text, photo_vector=photo, weight=1.0), photo)
    assert vectors_mix(text_vector=None, photo_vector=photo, weight=0.3) is photo
    assert vectors_mix(text_vector=text, photo_vector=None, weight=0.3) is text
