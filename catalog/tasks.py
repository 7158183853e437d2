import logging

from celery import shared_task

from catalog.imports.pipeline import ImportOutcome, catalog_import

logger = logging.getLogger(__name__)
# A redelivered import whose first delivery still runs waits this long before looking again.
IMPORT_BUSY_RETRY_S = 5


@shared_task(bind=True, ignore_result=True, max_retries=None)
def catalog_import_task(self, job_id: int) -> None:
    if catalog_import(job_id=job_id) is ImportOutcome.BUSY:
        raise self.retry(countdown=IMPORT_BUSY_RETRY_S)
