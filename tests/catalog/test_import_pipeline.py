"""The import end to end in one process: Celery eager, real PostgreSQL, the tiny real model."""

import io

import numpy as np
import pytest
from PIL import Image
from django.core.files.base import ContentFile
from django.core.management import call_command

from catalog.models import EmbeddingBatch, ImportJob, Product
from catalog.services import import_job_create
from tests.support.catalogue import catalogue_zip, image_bytes, product_rows

pytestmark = pytest.mark.django_db(transaction=True)


def _import(path) -> ImportJob:
    job = import_job_create(file=ContentFile(path.read_bytes()), name=path.name)
    job.refresh_from_db()
    return job


def _counts(job: ImportJob) -> dict:
    return {name: getattr(job, name) for name in ("status", "total", "done", "failed", "created", "updated", "unchanged", "embedded")}


def test_a_zip_import_stores_products_images_and_vectors_from_the_configured_model(tmp_path, tiny_encoder, settings):
    settings.EMBEDDINGS_BATCH_SIZE = 2
    path = catalogue_zip(tmp_path / "c.zip", rows=product_rows(count=5))

    job = _import(path)

    assert _counts(job) == {"status": "done", "total": 5, "done": 5, "failed": 0, "created": 5, "updated": 0, "unchanged": 0, "embedded": 5}
    assert job.images_per_second > 0
    assert list(job.batches.values_list("product_ids", flat=True)) == [
        list(Product.objects.filter(sku__in=skus).order_by("id").values_list("id", flat=True))
        for skus in (["SKU-00000", "SKU-00001"], ["SKU-00002", "SKU-00003"], ["SKU-00004"])
    ]
    product = Product.objects.get(sku="SKU-00001")
    assert (product.title, product.category, str(product.price), product.attributes) == ("Product 1", "bag", "11.50", {"colour": "green"})
    assert product.is_embedding_current and product.embedding_model == tiny_encoder.model_id
    assert product.image.read() == image_bytes(seed=1)
    assert product.image.name == f"products/{product.image_sha256[:2]}/{product.image_sha256}.jpg"
    expected = tiny_encoder.encode_images([Image.open(io.BytesIO(image_bytes(seed=1))).convert("RGB")])[0]
    assert np.array(product.embedding) == pytest.approx(expected, abs=2e-3)


def test_reimporting_the_same_file_changes_and_embeds_nothing(tmp_path):
    path = catalogue_zip(tmp_path / "c.zip", rows=product_rows(count=3))
    _import(path)
    before = list(Product.objects.order_by("id").values_list("updated_at", flat=True))

    job = _import(path)

    assert _counts(job) == {"status": "done", "total": 3, "done": 3, "failed": 0, "created": 0, "updated": 0, "unchanged": 3, "embedded": 0}
    assert job.batches.count() == 0
    assert list(Product.objects.order_by("id").values_list("updated_at", flat=True)) == before


def test_a_changed_image_is_re_embedded_and_a_changed_title_is_not(tmp_path):
    rows = product_rows(count=3)
    _import(catalogue_zip(tmp_path / "a.zip", rows=rows))
    old_vector = np.array(Product.objects.get(sku="SKU-00001").embedding)
    rows[0]["title"] = "Renamed"
    images = {row["image"]: image_bytes(seed=n) for n, row in enumerate(rows)}
    images["images/00001.jpg"] = image_bytes(seed=99)

    job = _import(catalogue_zip(tmp_path / "b.zip", rows=rows, images=images))

    assert _counts(job) == {"status": "done", "total": 3, "done": 3, "failed": 0, "created": 0, "updated": 2, "unchanged": 1, "embedded": 1}
    assert list(job.batches.values_list("embedded_ids", flat=True)) == [[Product.objects.get(sku="SKU-00001").pk]]
    changed = Product.objects.get(sku="SKU-00001")
    assert changed.is_embedding_current and (np.array(changed.embedding) != old_vector).any()
    assert Product.objects.get(sku="SKU-00000").title == "Renamed"


def test_a_reimport_without_an_image_drops_the_old_vector(tmp_path):
    rows = product_rows(count=2)
    _import(catalogue_zip(tmp_path / "a.zip", rows=rows))
    rows[0]["image"] = ""

    job = _import(catalogue_zip(tmp_path / "b.zip", rows=rows))

    assert (job.status, job.updated, job.unchanged) == ("done", 1, 1)
    gone = Product.objects.get(sku="SKU-00000")
    assert (gone.embedding, gone.embedding_model, gone.image_sha256) == (None, "", "")
    assert Product.objects.get(sku="SKU-00001").embedding is not None


def test_bad_rows_fail_alone_with_their_row_number_and_reason(tmp_path):
    rows = product_rows(count=6)
    images = {row["image"]: image_bytes(seed=n) for n, row in enumerate(rows)}
    images["images/00004.jpg"] = image_bytes(seed=4)[:200]
    rows[1]["image"] = "images/missing.jpg"
    rows[2]["price"] = "cheap"
    rows[3]["sku"] = ""
    rows[5]["sku"] = rows[0]["sku"]

    job = _import(catalogue_zip(tmp_path / "c.zip", rows=rows, images=images))

    assert _counts(job) == {"status": "done", "total": 6, "done": 1, "failed": 5, "created": 1, "updated": 0, "unchanged": 0, "embedded": 1}
    assert list(job.failures.values_list("row", "sku", "message")) == [
        (3, "SKU-00001", "image 'images/missing.jpg' is not in the archive."),
        (4, "SKU-00002", "price 'cheap' is not a number."),
        (5, "", "sku is required."),
        (6, "SKU-00004", "image 'images/00004.jpg': The image is truncated or corrupt (Truncated File Read)."),
        (7, "SKU-00000", "sku 'SKU-00000' already appeared on row 2."),
    ]
    assert list(Product.objects.values_list("sku", flat=True)) == ["SKU-00000"]


def test_a_rejected_archive_fails_the_job_with_its_message_and_imports_nothing(tmp_path):
    path = catalogue_zip(tmp_path / "c.zip", rows=product_rows(count=2), extra={"../../etc/cron.d/evil": b"x"})

    job = _import(path)

    assert (job.status, job.error, job.total) == (
        "failed",
        "The archive member '../../etc/cron.d/evil' points outside the archive (zip-slip); the file is refused.",
        0,
    )
    assert Product.objects.count() == 0


def test_a_jsonl_archive_imports_like_a_csv_one(tmp_path):
    job = _import(catalogue_zip(tmp_path / "c.zip", rows=product_rows(count=2), manifest="products.jsonl"))

    assert _counts(job) == {"status": "done", "total": 2, "done": 2, "failed": 0, "created": 2, "updated": 0, "unchanged": 0, "embedded": 2}


def test_rows_without_images_finish_without_embedding(tmp_path):
    path = tmp_path / "products.csv"
    path.write_bytes(b"sku,title\nA,Alpha\nB,Beta\n")

    job = _import(path)

    assert _counts(job) == {"status": "done", "total": 2, "done": 2, "failed": 0, "created": 2, "updated": 0, "unchanged": 0, "embedded": 0}
    assert job.images_per_second is None


def test_import_catalog_command_queues_a_job(tmp_path, capsys):
    path = catalogue_zip(tmp_path / "c.zip", rows=product_rows(count=2))

    call_command("import_catalog", str(path))

    job = ImportJob.objects.get()
    assert capsys.readouterr().out == f"import job {job.pk} queued for c.zip; follow it in the admin under Import jobs\n"
    assert (job.status, job.done) == ("done", 2)


def test_import_catalog_command_refuses_a_missing_file(tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="missing.zip is not a file$"):
        call_command("import_catalog", str(tmp_path / "missing.zip"))


def test_a_killed_import_attempt_is_rerun_from_a_clean_count(tmp_path):
    from catalog.imports.pipeline import catalog_import

    path = catalogue_zip(tmp_path / "c.zip", rows=product_rows(count=2))
    job = ImportJob.objects.create(source_name="c.zip", status=ImportJob.Status.IMPORTING, done=7, failed=3, total=10)
    job.source.save("c.zip", ContentFile(path.read_bytes()))
    job.failures.create(row=1, message="from the killed attempt")
    EmbeddingBatch.objects.create(job=job, product_ids=[12345], model_id="x")

    catalog_import(job_id=job.pk)

    job.refresh_from_db()
    assert _counts(job) == {"status": "done", "total": 2, "done": 2, "failed": 0, "created": 2, "updated": 0, "unchanged": 0, "embedded": 2}
    assert job.failures.count() == 0
    assert job.batches.exclude(status="done").count() == 0


def test_a_finished_or_vanished_job_is_not_run_again():
    from catalog.imports.pipeline import ImportOutcome, catalog_import

    job = ImportJob.objects.create(source_name="c.zip", status=ImportJob.Status.DONE)

    assert catalog_import(job_id=job.pk) is ImportOutcome.FINISHED_BEFORE
    assert catalog_import(job_id=job.pk + 1) is ImportOutcome.GONE


def test_an_abandoned_import_is_re_sent_and_runs(tmp_path):
    from django.utils import timezone

    from catalog.imports.pipeline import import_jobs_requeue

    path = catalogue_zip(tmp_path / "c.zip", rows=product_rows(count=2))
    job = ImportJob(source_name="c.zip")
    job.source.save("c.zip", ContentFile(path.read_bytes()), save=False)
    job.save()
    ImportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - timezone.timedelta(seconds=60))
    ImportJob.objects.create(source_name="recent.zip")

    assert import_jobs_requeue(older_than_s=30) == [job.pk]

    job.refresh_from_db()
    assert (job.status, job.done) == ("done", 2)


def test_an_unexpected_error_fails_the_job_with_its_reason_instead_of_leaving_it_importing(tmp_path, monkeypatch):
    from catalog.imports import pipeline

    def broken(**kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(pipeline, "_rows_import", broken)
    path = catalogue_zip(tmp_path / "c.zip", rows=product_rows(count=2))

    with pytest.raises(RuntimeError):
        _import(path)

    job = ImportJob.objects.get()
    assert (job.status, job.error) == ("failed", "The import stopped on an unexpected error: disk on fire")
    assert job.finished_at is not None
