import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from tests.search.conftest import CATALOGUE, jpeg_bytes, picture

pytestmark = pytest.mark.django_db


def _photo(name="lamp.jpg") -> SimpleUploadedFile:
    _, _, _, background, colour, shape = CATALOGUE[2]
    return SimpleUploadedFile(name, jpeg_bytes(picture(background=background, colour=colour, shape=shape, size=(120, 90))), content_type="image/jpeg")


def test_photo_search_returns_results_scores_cache_flags_and_timings(client, catalogue):
    response = client.post("/api/search", {"photo": _photo(), "k": "2"})

    body = response.json()
    assert response.status_code == 200
    assert [result["title"] for result in body["results"]][0] == "Green desk lamp"
    assert len(body["results"]) == 2 and body["has_next"]
    assert body["cached"] == {"photo": False}
    assert set(body["timings_ms"]) == {"embed", "cache", "ann", "total"}
    assert body["results"][0]["image_url"].startswith("/media/products/")


def test_second_mixed_request_reads_both_parts_from_the_cache(client, catalogue, model_calls):
    client.post("/api/search", {"text": "lamp", "photo": _photo(), "weight": "0.2"})
    body = client.post("/api/search", {"text": "LAMP", "photo": _photo(), "weight": "0.8"}).json()

    assert body["cached"] == {"text": True, "photo": True}
    assert body["timings_ms"]["embed"] == 0
    assert model_calls == {"text": 1, "photo": 1}


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"text": "  "}, "text", "Type a description or add a photo to search."),
        ({"text": "lamp", "weight": "1.5"}, "weight", "The weight must be between 0 and 1; got 1.5."),
        ({"text": "lamp", "weight": "lots"}, "weight", "weight: Input should be a valid number, unable to parse string as a number"),
    ],
)
def test_invalid_requests_get_a_400_with_a_message(client, data, field, message):
    response = client.post("/api/search", data)

    assert response.status_code == 400
    assert (response.json()["field"], response.json()["message"]) == (field, message)


def test_a_file_that_is_not_an_image_gets_a_400(client, catalogue, fixture_bytes):
    response = client.post("/api/search", {"photo": SimpleUploadedFile("list.jpg", fixture_bytes("images/text.jpg"))})

    assert response.status_code == 400
    assert response.json()["code"] == "not_an_image"


@override_settings(IMAGE_MAX_BYTES=100)
def test_a_photo_over_the_size_limit_gets_a_400_before_decoding(client, model_calls):
    response = client.post("/api/search", {"photo": _photo()})

    assert response.status_code == 400
    assert response.json()["code"] == "too_many_bytes"
    assert model_calls == {"text": 0, "photo": 0}


def test_over_long_text_is_answered_and_flagged(client, catalogue):
    body = client.post("/api/search", {"text": "a very long description of a lamp " * 30}).json()

    assert body["text_truncated"] is True
    assert body["notices"] == ["Your description was longer than the model reads; only its beginning was used."]


def test_the_openapi_schema_documents_the_search_endpoint(client):
    schema = client.get("/api/openapi.json").json()

    operation = schema["paths"]["/api/search"]["post"]
    assert set(operation["responses"]) == {"200", "400"}
    assert "multipart/form-data" in operation["requestBody"]["content"]


def test_filters_postgresql_cannot_store_are_a_400_not_a_500(client):
    for field, value in (("category", "mug\x00"), ("price_min", "1e999999")):
        response = client.post("/api/search", {"text": "lamp", field: value})

        assert response.status_code == 400
        assert response.json()["field"] == field
