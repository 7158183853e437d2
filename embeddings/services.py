import enum
import logging
import time
from dataclasses import asdict
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from pgvector import HalfVector

from catalog.models import EmbeddingBatch, Product
from catalog.services import import_job_fail, import_job_progress_add
from embeddings.encoder import EncoderLoadError
from embeddings.pipeline import images_embed
from embeddings.selectors import encoder_get

logger = logging.getLogger(__name__)


class BatchOutcome(enum.Enum):
    WRITTEN = "written"
    # Another worker holds the batch (a redelivered copy of a task still running).
    BUSY = "busy"
    ALREADY_DONE = "already done"
    GONE = "gone"
    STALE = "model changed"
    NO_MODEL = "model cannot load"


def embedding_batches_queue(*, product_ids: list[int], model_id: str, job_id: int | None = None) -> list[EmbeddingBatch]:
    """Split `product_ids` into batches and queue one task per batch once the caller commits."""
    from embeddings.tasks import embedding_batch_task  # tasks import services: queue lazily to avoid the cycle

    size = settings.EMBEDDINGS_BATCH_SIZE
    batches = EmbeddingBatch.objects.bulk_create(
        EmbeddingBatch(job_id=job_id, product_ids=product_ids[start : start + size], model_id=model_id)
        for start in range(0, len(product_ids), size)
    )
    for batch in batches:
        transaction.on_commit(partial(embedding_batch_task.delay, batch.pk))
    return batches


def embedding_batch_run(*, batch_id: int) -> BatchOutcome:
    """Embed one batch and write its vectors, all in the transaction that holds the batch's row lock.

    A worker killed mid-batch rolls back with its connection, so nothing is half-written and
    the redelivered task starts clean; a batch already done is never written again.
    """
    encoder = encoder_get()
    try:
        encoder.load()
    except EncoderLoadError as error:
        return _batch_model_missing(batch_id=batch_id, error=error)
    with transaction.atomic():
        batch = EmbeddingBatch.objects.select_for_update(skip_locked=True).filter(pk=batch_id).first()
        if batch is None:
            if EmbeddingBatch.objects.filter(pk=batch_id).exists():
                return BatchOutcome.BUSY
            logger.warning("embedding batch %s vanished; skipped", batch_id)
            return BatchOutcome.GONE
        if batch.status != EmbeddingBatch.Status.PENDING:
            return BatchOutcome.ALREADY_DONE
        if batch.model_id != encoder.model_id:
            return _batch_stale(batch=batch, model_id=encoder.model_id)
        # Locked in id order so batches sharing a product wait for each other, then see its vector.
        products = list(
            Product.objects.select_for_update()
            .filter(pk__in=batch.product_ids)
            .order_by("id")
            .only("id", "sku", "image", "image_sha256", "embedding_model", "embedding_image_sha256")
        )
        todo = {p.pk: p for p in products if p.image_sha256 and not (p.embedding_model == batch.model_id and p.embedding_image_sha256 == p.image_sha256)}
        result = images_embed(
            encoder=encoder,
            images={pk: product.image.name for pk, product in todo.items()},
            decode_threads=settings.EMBEDDINGS_DECODE_THREADS,
        )
        write_started = time.perf_counter()
        for pk, vector in result.vectors.items():
            product = todo[pk]
            product.embedding = HalfVector(vector)
            product.embedding_model = batch.model_id
            product.embedding_image_sha256 = product.image_sha256
        written_products = [todo[pk] for pk in sorted(result.vectors)]
        Product.objects.bulk_update(written_products, ["embedding", "embedding_model", "embedding_image_sha256"])
        batch.status = EmbeddingBatch.Status.DONE
        batch.embedded_ids = [product.pk for product in written_products]
        batch.finished_at = timezone.now()
        batch.timings = {**asdict(result.times), "db_write_s": time.perf_counter() - write_started}
        batch.save(update_fields=["status", "embedded_ids", "finished_at", "timings"])
        if batch.job_id:
            by_pk = {product.pk: product for product in products}
            import_job_progress_add(
                job_id=batch.job_id,
                done=len(batch.product_ids) - len(result.errors),
                failed=len(result.errors),
                embedded=len(written_products),
                failures=[(None, by_pk[pk].sku, message) for pk, message in sorted(result.errors.items())],
            )
    logger.info("embedding batch %s: %d written, %d failed, %s", batch_id, len(written_products), len(result.errors), batch.timings)
    return BatchOutcome.WRITTEN


def _batch_model_missing(*, batch_id: int, error: EncoderLoadError) -> BatchOutcome:
    """Fail the batch's import where staff will see why; the batch stays pending for a fixed worker."""
    logger.error("embedding batch %s: %s", batch_id, error)
    job_id = EmbeddingBatch.objects.filter(pk=batch_id).values_list("job_id", flat=True).first()
    if job_id is not None:
        import_job_fail(job_id=job_id, error=f"A worker cannot load the embedding model, so images are not embedded: {error}")
    return BatchOutcome.NO_MODEL


def _batch_stale(*, batch: EmbeddingBatch, model_id: str) -> BatchOutcome:
    logger.warning("embedding batch %s was queued for %s but this worker runs %s; not written", batch.pk, batch.model_id, model_id)
    batch.status = EmbeddingBatch.Status.STALE
    batch.finished_at = timezone.now()
    batch.save(update_fields=["status", "finished_at"])
    if batch.job_id:
        skus = Product.objects.filter(pk__in=batch.product_ids).order_by("id").values_list("sku", flat=True)
        message = (
            f"not embedded: the worker's model is {model_id}, the import was queued for {batch.model_id}; "
            "run `manage.py embed_products` once every worker runs the same model"
        )
        import_job_progress_add(
            job_id=batch.job_id,
            failed=len(batch.product_ids),
            failures=[(None, sku, message) for sku in skus],
        )
    return BatchOutcome.STALE


def products_embed_stale(*, force: bool = False) -> list[EmbeddingBatch]:
    """Queue every product with an image whose vector is missing, outdated or (force) any."""
    model_id = encoder_get().model_id
    products = Product.objects.exclude(image_sha256="")
    if not force:
        products = products.filter(Q(embedding__isnull=True) | ~Q(embedding_model=model_id) | ~Q(embedding_image_sha256=F("image_sha256")))
    ids = list(products.order_by("id").values_list("id", flat=True))
    with transaction.atomic():
        if force:
            # Forcing means: these vectors no longer count as current, so the batches rewrite them.
            Product.objects.filter(pk__in=ids).update(embedding_image_sha256="")
        return embedding_batches_queue(product_ids=ids, model_id=model_id)


def embedding_batches_requeue(*, older_than_s: float) -> list[int]:
    """Re-send pending batches older than `older_than_s` that no worker holds; returns their ids.

    Redis's transport can lose a task that a worker had taken off the queue but not yet
    recorded as unacknowledged when it was killed. A re-sent batch that turns out to be
    still queued costs its duplicate one SELECT (it finds the batch done).
    """
    from embeddings.tasks import embedding_batch_task  # tasks import services: queue lazily to avoid the cycle

    cutoff = timezone.now() - timezone.timedelta(seconds=older_than_s)
    with transaction.atomic():
        ids = list(
            EmbeddingBatch.objects.select_for_update(skip_locked=True)
            .filter(status=EmbeddingBatch.Status.PENDING, created_at__lt=cutoff)
            .values_list("id", flat=True)
        )
        for batch_id in ids:
            transaction.on_commit(partial(embedding_batch_task.delay, batch_id))
    if ids:
        logger.warning("re-sent %d abandoned embedding batches", len(ids))
    return ids
