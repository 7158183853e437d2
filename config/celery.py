import os

from celery import Celery
from celery.signals import worker_ready

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

app = Celery("lookalike")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_ready.connect
def _abandoned_work_requeue(**kwargs) -> None:
    # A worker killed between taking a task off Redis and recording it as unacknowledged
    # loses that task (kombu's BRPOP and its unacked bookkeeping are not atomic): a starting
    # worker re-sends imports and batches nobody holds that are older than Redis's own
    # redelivery delay. Both are idempotent, so a needless re-send costs one query.
    from django.conf import settings

    from catalog.imports.pipeline import import_jobs_requeue
    from embeddings.services import embedding_batches_requeue

    import_jobs_requeue(older_than_s=settings.CELERY_VISIBILITY_TIMEOUT_S)
    embedding_batches_requeue(older_than_s=settings.CELERY_VISIBILITY_TIMEOUT_S)
