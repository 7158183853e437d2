from collections.abc import Iterator

from django.utils import timezone

from catalog.models import ImportJob


# A cell starting with one of these is run as a formula by spreadsheet programs (OWASP "CSV injection").
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def import_job_progress(*, job: ImportJob) -> dict:
    """What the admin's progress bar polls: counts, percent finished and an estimate of the time left."""
    finished_rows = job.done + job.failed
    percent = 100.0 if job.is_finished else (100.0 * finished_rows / job.total if job.total else 0.0)
    eta_s = None
    if not job.is_finished and job.started_at and finished_rows:
        elapsed = (timezone.now() - job.started_at).total_seconds()
        eta_s = round(elapsed / finished_rows * (job.total - finished_rows), 1)
    return {
        "id": job.pk,
        "status": job.status,
        "finished": job.is_finished,
        "error": job.error,
        "total": job.total,
        "done": job.done,
        "failed": job.failed,
        "created": job.created,
        "updated": job.updated,
        "unchanged": job.unchanged,
        "embedded": job.embedded,
        "percent": round(percent, 1),
        "eta_s": eta_s,
        "images_per_second": job.images_per_second,
    }


def import_failures_csv_rows(*, job: ImportJob) -> Iterator[list[str]]:
    """The failed rows as CSV cells, header first, each cell safe to open in a spreadsheet."""
    yield ["row", "sku", "message"]
    for failure in job.failures.order_by("row", "id"):
        yield [str(failure.row or ""), _cell_safe(failure.sku), _cell_safe(failure.message)]


def _cell_safe(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_STARTS) else value
