from celery import shared_task

from embeddings.services import BatchOutcome, embedding_batch_run

# A redelivered batch whose first delivery still runs looks again after this long; by then
# the first has written it (and this copy ends) or died (and this copy does the work).
BATCH_BUSY_RETRY_S = 5


@shared_task(bind=True, ignore_result=True, max_retries=None)
def embedding_batch_task(self, batch_id: int) -> None:
    if embedding_batch_run(batch_id=batch_id) is BatchOutcome.BUSY:
        raise self.retry(countdown=BATCH_BUSY_RETRY_S)
