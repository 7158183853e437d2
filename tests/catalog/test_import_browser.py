import pytest
from django.contrib.auth import get_user_model

from tests.support.catalogue import catalogue_zip, product_rows

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_staff_uploads_a_zip_in_the_admin_and_watches_the_progress_bar_reach_100(live_server, page, celery_workers, tmp_path):
    celery_workers(EMBEDDINGS_BATCH_SIZE="4")
    get_user_model().objects.create_superuser("staff", "staff@example.com", "correct horse")
    path = catalogue_zip(tmp_path / "catalogue.zip", rows=product_rows(count=12))

    page.goto(f"{live_server.url}/admin/login/?next=/admin/catalog/importjob/add/")
    page.fill("#id_username", "staff")
    page.fill("#id_password", "correct horse")
    page.click("input[type=submit]")
    page.set_input_files("#id_file", str(path))
    page.click("text=Start import")

    page.wait_for_function("document.getElementById('progress-bar').getAttribute('aria-valuenow') === '100.0'", timeout=60_000)
    assert page.locator("#progress-percent").inner_text() == "100.0%"
    assert page.locator("#progress-eta").inner_text() == "finished"
    assert page.locator("#progress-upserts").inner_text() == "12 / 0 / 0"
    assert page.locator("#progress-embedded").inner_text() == "12"
