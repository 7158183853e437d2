"""The import through real Celery workers on the real broker, including a worker killed mid-batch."""

import re
import time
from collections import Counter

import pytest
from django.core.files.base import ContentFile
from django.db import transaction

from catalog.models import EmbeddingBatch, ImportJob, Product
from catalog.services import import_job_create
from embeddings.selectors import encoder_get
from tests.support.catalogue import catalogue_zip, image_bytes, product_rows

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
JOB_TIMEOUT_S = 90


def _import_and_wait(path) -> ImportJob:
    job = import_job_create(file=ContentFile(path.read_bytes()), name=path.name)
    deadline = time.monotonic() + JOB_TIMEOUT_S
    while not job.is_finished:
        assert time.monotonic() < deadline, f"job still {job.status}: {job.done}/{job.total}"
        time.sleep(0.2)
        job.refresh_from_db()
    return job


def _counts(job: ImportJob) -> dict:
    return {name: getattr(job, name) for name in ("status", "total", "done", "failed", "created", "updated", "unchanged", "embedded")}


def _embeddings_written() -> Counter:
    """How many finished batches wrote each product's vector (exactly once is the contract)."""
    return Counter(pk for ids in EmbeddingBatch.objects.filter(status="done").values_list("embedded_ids", flat=True) for pk in ids)


def _a_batch_is_being_embedded(job: ImportJob) -> bool:
    """True while a worker holds a pending batch's row lock, i.e. is inside embedding_batch_run."""
    with transaction.atomic():
        pending = EmbeddingBatch.objects.filter(job=job, status="pending")
        return pending.count() > len(pending.select_for_update(skip_locked=True).values_list("id", flat=True))


def test_fifty_images_import_through_a_worker_then_reimport_is_a_no_op(tmp_path, celery_workers):
    celery_workers(EMBEDDINGS_BATCH_SIZE="16")
    rows = product_rows(count=52)
    images = {row["image"]: image_bytes(seed=n) for n, row in enumerate(rows)}
    rows[10]["price"] = "=1+1"
    rows[20]["image"] = "images/nope.jpg"
    path = catalogue_zip(tmp_path / "c.zip", rows=rows, images=images)

    job = _import_and_wait(path)

    assert _counts(job) == {"status": "done", "total": 52, "done": 50, "failed": 2, "created": 50, "updated": 0, "unchanged": 0, "embedded": 50}
    assert list(job.failures.values_list("row", "sku", "message")) == [
        (12, "SKU-00010", "price '=1+1' is not a number."),
        (22, "SKU-00020", "image 'images/nope.jpg' is not in the archive."),
    ]
    model_id = encoder_get().model_id
    assert Product.objects.filter(embedding__isnull=False, embedding_model=model_id).count() == 50
    assert all(product.is_embedding_current for product in Product.objects.defer("embedding"))
    assert set(_embeddings_written().values()) == {1}

    again = _import_and_wait(path)

    assert _counts(again) == {"status": "done", "total": 52, "done": 50, "failed": 2, "created": 0, "updated": 0, "unchanged": 50, "embedded": 0}
    assert again.batches.count() == 0


def test_a_worker_killed_mid_import_loses_nothing_and_embeds_nothing_twice(tmp_path, celery_workers):
    # Redis hands a task unacknowledged for this long to the next worker that checks.
    visibility_timeout_s = 2
    env = {"EMBEDDINGS_BATCH_SIZE": "6", "CELERY_VISIBILITY_TIMEOUT_S": str(visibility_timeout_s)}
    first = celery_workers(**env)
    path = catalogue_zip(tmp_path / "c.zip", rows=product_rows(count=60), image_size=(800, 600))
    job = import_job_create(file=ContentFile(path.read_bytes()), name=path.name)
    deadline = time.monotonic() + JOB_TIMEOUT_S
    while EmbeddingBatch.objects.filter(job=job, status="done").count() < 2 or not _a_batch_is_being_embedded(job):
        assert time.monotonic() < deadline
        time.sleep(0.01)

    first.kill()
    killed_with = EmbeddingBatch.objects.filter(job=job, status="done").count()
    # A starting worker looks for abandoned work at once (Redis, then Lookalike's own check), then only every ~100 s.
    time.sleep(visibility_timeout_s + 1)
    celery_workers(**env)
    while not job.is_finished:
        assert time.monotonic() < deadline, f"job still {job.status}: {job.done}/{job.total}"
        time.sleep(0.2)
        job.refresh_from_db()

    # It died holding a batch (the loop above saw its row lock held): a batch task it took never finished.
    # (More than one can be unfinished: the probe's own brief lock can send a batch to retry later.)
    log = first.log()
    received = set(re.findall(r"embedding_batch_task\[([0-9a-f-]+)\] received", log))
    succeeded = set(re.findall(r"embedding_batch_task\[([0-9a-f-]+)\] succeeded", log))
    assert received - succeeded
    assert killed_with < 10
    assert _counts(job) == {"status": "done", "total": 60, "done": 60, "failed": 0, "created": 60, "updated": 0, "unchanged": 0, "embedded": 60}
    assert _embeddings_written() == Counter(Product.objects.values_list("id", flat=True))
    assert Product.objects.filter(embedding__isnull=True).count() == 0
