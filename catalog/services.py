from pathlib import Path

from django.core.files import File
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from catalog.models import ImportFailure, ImportJob, Product


def import_job_create(*, file: File, name: str) -> ImportJob:
    """Store the uploaded file and queue its import; returns at once."""
    from catalog.tasks import catalog_import_task  # tasks import services: queue lazily to avoid the cycle

    with transaction.atomic():
        job = ImportJob(source_name=name[:300])
        job.source.save(name, file, save=False)
        job.save()
        transaction.on_commit(lambda: catalog_import_task.delay(job.pk))
    return job


def import_job_progress_add(
    *,
    job_id: int,
    done: int = 0,
    failed: int = 0,
    embedded: int = 0,
    created: int = 0,
    updated: int = 0,
    unchanged: int = 0,
    failures: list[tuple[int | None, str, str]] = (),
) -> ImportJob:
    """Count rows finished (and failed, with (row, sku, message)); finish the job on its last row.

    Called from the import and from every embedding batch; the job row lock serialises them.
    """
    with transaction.atomic():
        ImportJob.objects.filter(pk=job_id).update(
            done=F("done") + done,
            failed=F("failed") + failed,
            embedded=F("embedded") + embedded,
            created=F("created") + created,
            updated=F("updated") + updated,
            unchanged=F("unchanged") + unchanged,
        )
        ImportFailure.objects.bulk_create(
            ImportFailure(job_id=job_id, row=row, sku=sku[:200], message=message) for row, sku, message in failures
        )
        job = ImportJob.objects.select_for_update().get(pk=job_id)
        if job.status in (ImportJob.Status.IMPORTING, ImportJob.Status.EMBEDDING) and job.done + job.failed >= job.total:
            _job_finish(job=job, status=ImportJob.Status.DONE)
    return job


def import_job_fail(*, job_id: int, error: str) -> ImportJob:
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job_id)
        if job.is_finished:
            return job
        job.error = error
        _job_finish(job=job, status=ImportJob.Status.FAILED)
    return job


def _job_finish(*, job: ImportJob, status: str) -> None:
    job.status = status
    job.finished_at = timezone.now()
    started = job.started_at or job.created_at
    seconds = (job.finished_at - started).total_seconds()
    job.images_per_second = job.embedded / seconds if job.embedded and seconds > 0 else None
    job.save(update_fields=["status", "error", "finished_at", "images_per_second"])


DEMO_SKU_PREFIX = "DEMO-"


def demo_catalog_import(*, count: int, seed: int, folder: Path, model_id: str) -> ImportJob | None:
    """Queue the generated demo catalogue through the real import pipeline.

    Returns the job to watch: a running demo import if there is one, else a new one; None
    when `count` demo products already carry vectors from `model_id`, so a second
    `make run` starts in seconds.
    """
    from catalog.demo import demo_catalog_write_zip

    name = f"demo-catalog-seed{seed}-{count}.zip"
    running = ImportJob.objects.filter(source_name=name).exclude(status__in=[ImportJob.Status.DONE, ImportJob.Status.FAILED]).first()
    if running is not None:
        return running
    current = Product.objects.filter(sku__startswith=DEMO_SKU_PREFIX, embedding_model=model_id).count()
    if current >= count:
        return None
    archive = folder / name
    if not archive.exists():
        folder.mkdir(parents=True, exist_ok=True)
        partial = archive.with_suffix(".partial")
        demo_catalog_write_zip(path=partial, count=count, seed=seed)
        # Renamed only once complete: an interrupted run never leaves a truncated archive to reuse.
        partial.rename(archive)
    with archive.open("rb") as handle:
        return import_job_create(file=File(handle), name=name)
