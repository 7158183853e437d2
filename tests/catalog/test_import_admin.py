import csv
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile

from catalog.models import ImportJob

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    client.force_login(get_user_model().objects.create_superuser("staff", "staff@example.com", "pw"))
    return client


def _job(**fields) -> ImportJob:
    job = ImportJob(source_name="c.csv", **fields)
    job.source.save("c.csv", ContentFile(b"sku,title\n"), save=False)
    job.save()
    return job


def test_failed_rows_download_as_csv_with_formulas_defused(staff_client):
    job = _job(status="done", total=3, done=1, failed=2)
    job.failures.create(row=3, sku="=HYPERLINK(\"http://evil\")", message="title is required.")
    job.failures.create(row=2, sku="A-1", message="-2+3 is not a price")

    response = staff_client.get(f"/admin/catalog/importjob/{job.pk}/failures.csv")

    assert response["Content-Disposition"] == f'attachment; filename="import-{job.pk}-failures.csv"'
    assert list(csv.reader(io.StringIO(response.content.decode()))) == [
        ["row", "sku", "message"],
        ["2", "A-1", "'-2+3 is not a price"],
        ["3", "'=HYPERLINK(\"http://evil\")", "title is required."],
    ]


def test_progress_json_reports_counts_and_an_estimate(staff_client):
    from django.utils import timezone

    job = _job(status="embedding", total=10, done=4, failed=1, created=5, embedded=3, started_at=timezone.now() - timezone.timedelta(seconds=10))

    progress = staff_client.get(f"/admin/catalog/importjob/{job.pk}/progress.json").json()

    assert {key: progress[key] for key in ("status", "finished", "total", "done", "failed", "percent", "embedded")} == {
        "status": "embedding", "finished": False, "total": 10, "done": 4, "failed": 1, "percent": 50.0, "embedded": 3,
    }
    assert 9.9 <= progress["eta_s"] <= 11


def test_only_staff_reach_the_import_pages(client):
    client.force_login(get_user_model().objects.create_user("shopper", "s@example.com", "pw"))
    job = _job()

    for url in ("/admin/catalog/importjob/add/", f"/admin/catalog/importjob/{job.pk}/progress.json", f"/admin/catalog/importjob/{job.pk}/failures.csv"):
        assert client.get(url).status_code == 302


def test_an_upload_over_the_size_limit_is_refused_in_the_form(staff_client, settings):
    settings.IMPORT_MAX_ARCHIVE_BYTES = 5

    response = staff_client.post("/admin/catalog/importjob/add/", {"file": ContentFile(b"sku,title\n", name="c.csv")})

    assert response.context["form"].errors == {"file": ["The file is 0.0 MB; the limit is 0.0 MB."]}
    assert ImportJob.objects.count() == 0


def test_an_upload_creates_a_job_and_shows_its_progress_page(staff_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = staff_client.post("/admin/catalog/importjob/add/", {"file": ContentFile(b"sku,title\nA,B\n", name="c.csv")})

    job = ImportJob.objects.get()
    assert (response.status_code, response["Location"]) == (302, f"/admin/catalog/importjob/{job.pk}/change/")
    assert (job.source_name, job.status, len(callbacks)) == ("c.csv", "pending", 1)
    assert staff_client.get(response["Location"]).context["progress"]["status"] == "pending"
