import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.search.conftest import CATALOGUE, jpeg_bytes, picture

pytestmark = pytest.mark.django_db
FRAGMENT = {"HTTP_X_LOOKALIKE_FRAGMENT": "1"}


def test_the_empty_page_shows_the_form_the_model_and_the_categories(client, catalogue):
    page = client.get("/").content.decode()

    assert 'name="text"' in page and 'capture="environment"' in page
    assert "model: lookalike-tiny" in page
    assert '<option value="lamp">lamp</option>' in page


def test_a_text_search_page_renders_results_in_a_fixed_number_of_queries(client, catalogue, django_assert_num_queries):
    # categories, then the ANN page (set_config + select, in a transaction); no query per result
    with django_assert_num_queries(3):
        response = client.get("/", {"text": "lamp", "category": "lamp"})

    page = response.content.decode()
    assert page.count('class="card"') == 2
    assert "Green desk lamp" in page and "Yellow floor lamp" in page


def test_the_fragment_shows_the_error_with_a_400(client):
    response = client.post("/", {"text": "lamp", "weight": "2"}, **FRAGMENT)

    assert response.status_code == 400
    assert response.content.decode().strip() == '<div id="search-error" class="error" role="alert">The weight must be between 0 and 1; got 2.</div>'


def test_a_photo_posted_through_the_camera_input_is_searched(client, catalogue):
    _, _, _, background, colour, shape = CATALOGUE[6]
    photo = SimpleUploadedFile("cam.jpg", jpeg_bytes(picture(background=background, colour=colour, shape=shape)))

    response = client.post("/", {"photo": [SimpleUploadedFile("empty.jpg", b""), photo]}, **FRAGMENT)

    assert response.status_code == 200
    assert response.content.decode().index("Striped scarf") < response.content.decode().index("similarity")


def test_more_like_this_links_search_by_the_stored_vector(client, catalogue, model_calls):
    response = client.get("/", {"like": catalogue[0].id})

    assert "More like <strong>Red leather handbag</strong>" in response.content.decode()
    assert response.content.decode().count('class="card"') == 7
    assert model_calls == {"text": 0, "photo": 0}


def test_metrics_are_in_prometheus_format(client, catalogue):
    client.get("/", {"text": "lamp"})
    client.get("/", {"text": "lamp"})

    body = client.get("/metrics").content.decode()

    assert 'lookalike_query_cache_hits_total{modality="text"}' in body
    assert "lookalike_query_cache_hit_rate " in body
    assert "lookalike_query_cache_keys 1.0" in body
    assert "lookalike_query_model_seconds_bucket" in body


def test_the_cache_dashboard_is_for_staff_only(client):
    assert client.get("/search/dashboard/").status_code == 302

    client.force_login(get_user_model().objects.create_user("staff", is_staff=True))
    page = client.get("/search/dashboard/").content.decode()

    assert "Query-embedding cache" in page and 'id="cache-hit-rate"' in page
