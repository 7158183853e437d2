"""The import task's work: rows → validated products → stored images → upserts → embedding batches."""

import enum
import hashlib
import io
import logging
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.utils import timezone
from PIL import Image

from catalog.imports.fetch import image_fetch
from catalog.imports.rows import ProductRow, product_row_parse
from catalog.imports.sources import ImportLimits, ImportRejected, ImportSource, RowError, import_source_open
from catalog.models import EmbeddingBatch, ImportFailure, ImportJob, Product
from catalog.services import import_job_fail, import_job_progress_add
from embeddings.images import ImageRejected, image_load
from embeddings.selectors import encoder_get
from embeddings.services import embedding_batches_queue

logger = logging.getLogger(__name__)

# Rows per upsert transaction: big enough that per-transaction cost vanishes (about 40 ms
# for 256 rows here), small enough that each chunk's embedding batches are queued early (a
# second worker process, or a worker with --concurrency 2, starts them during the import).
IMPORT_CHUNK_ROWS = 256
# Namespace for the import's session advisory lock (the second key is the job id).
_ADVISORY_LOCK_CLASS = 0x1A3F
_IMAGE_EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "GIF": "gif", "WEBP": "webp", "BMP": "bmp", "TIFF": "tiff", "MPO": "jpg"}


class ImportOutcome(enum.Enum):
    RAN = "ran"
    BUSY = "busy"
    FINISHED_BEFORE = "finished before"
    GONE = "gone"


@dataclass(frozen=True)
class StoredImage:
    name: str
    sha256: str


def catalog_import(*, job_id: int) -> ImportOutcome:
    """Run (or, after a killed worker, rerun) one import job; safe to call twice."""
    with _job_lock(job_id=job_id) as locked:
        if not locked:
            return ImportOutcome.BUSY
        job = ImportJob.objects.filter(pk=job_id).first()
        if job is None:
            logger.warning("import job %s vanished; skipped", job_id)
            return ImportOutcome.GONE
        if job.status != ImportJob.Status.PENDING:
            if job.status != ImportJob.Status.IMPORTING:
                return ImportOutcome.FINISHED_BEFORE
            _job_restart(job=job)
        ImportJob.objects.filter(pk=job_id).update(status=ImportJob.Status.IMPORTING, started_at=timezone.now())
        try:
            source = import_source_open(path=Path(job.source.path), name=job.source_name, limits=_limits())
            try:
                rows = source.rows()
                ImportJob.objects.filter(pk=job_id).update(total=len(rows))
                _rows_import(job_id=job_id, source=source, rows=rows)
            finally:
                source.close()
        except ImportRejected as rejected:
            import_job_fail(job_id=job_id, error=str(rejected))
            return ImportOutcome.RAN
        except Exception as error:
            # A job left "importing" would keep its progress bar spinning forever: fail it
            # with the reason, then let the task error be logged as usual.
            logger.exception("import job %s failed", job_id)
            import_job_fail(job_id=job_id, error=f"The import stopped on an unexpected error: {error}")
            raise
        # Batches may already have finished the job; only a job still importing moves on.
        ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.IMPORTING).update(status=ImportJob.Status.EMBEDDING)
        import_job_progress_add(job_id=job_id)
    return ImportOutcome.RAN


def import_jobs_requeue(*, older_than_s: float) -> list[int]:
    """Re-send unfinished imports older than `older_than_s` that no worker is running (see embedding_batches_requeue)."""
    from catalog.tasks import catalog_import_task  # tasks import this module: queue lazily to avoid the cycle

    cutoff = timezone.now() - timezone.timedelta(seconds=older_than_s)
    unfinished = ImportJob.objects.filter(status__in=[ImportJob.Status.PENDING, ImportJob.Status.IMPORTING], created_at__lt=cutoff)
    abandoned = []
    for job_id in unfinished.values_list("id", flat=True):
        with _job_lock(job_id=job_id) as free:
            if free:
                abandoned.append(job_id)
    for job_id in abandoned:
        catalog_import_task.delay(job_id)
    if abandoned:
        logger.warning("re-sent %d abandoned import jobs", len(abandoned))
    return abandoned


@contextmanager
def _job_lock(*, job_id: int) -> Iterator[bool]:
    """A session advisory lock: held while the import runs, gone with a killed worker's connection."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [_ADVISORY_LOCK_CLASS, job_id])
        locked = cursor.fetchone()[0]
    try:
        yield locked
    finally:
        if locked:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [_ADVISORY_LOCK_CLASS, job_id])


def _job_restart(*, job: ImportJob) -> None:
    """Forget a killed attempt's counts; its finished batches left current vectors, counted again as done."""
    logger.warning("import job %s: restarting after an interrupted attempt", job.pk)
    with transaction.atomic():
        ImportFailure.objects.filter(job=job).delete()
        EmbeddingBatch.objects.filter(job=job, status=EmbeddingBatch.Status.PENDING).delete()
        ImportJob.objects.filter(pk=job.pk).update(done=0, failed=0, embedded=0, created=0, updated=0, unchanged=0)


def _limits() -> ImportLimits:
    return ImportLimits(
        archive_bytes=settings.IMPORT_MAX_ARCHIVE_BYTES,
        uncompressed_bytes=settings.IMPORT_MAX_UNCOMPRESSED_BYTES,
        members=settings.IMPORT_MAX_MEMBERS,
        rows=settings.IMPORT_MAX_ROWS,
        image_bytes=settings.IMAGE_MAX_BYTES,
    )


def _rows_import(*, job_id: int, source: ImportSource, rows) -> None:
    model_id = encoder_get().model_id
    first_seen: dict[str, int] = {}
    with ThreadPoolExecutor(max_workers=settings.IMPORT_FETCH_CONCURRENCY, thread_name_prefix="import-image") as pool:
        for start in range(0, len(rows), IMPORT_CHUNK_ROWS):
            parsed, failures = [], []
            for raw in rows[start : start + IMPORT_CHUNK_ROWS]:
                try:
                    if raw.values is None:
                        raise RowError(raw.error)
                    row = product_row_parse(line=raw.line, values=raw.values)
                    if row.sku in first_seen:
                        raise RowError(f"sku {row.sku!r} already appeared on row {first_seen[row.sku]}.")
                    first_seen[row.sku] = row.line
                    parsed.append(row)
                except RowError as error:
                    failures.append((raw.line, str((raw.values or {}).get("sku") or "")[:200], str(error)))
            images = list(pool.map(lambda row: _image_store_or_error(source=source, row=row), parsed))
            ready = []
            for row, image in zip(parsed, images, strict=True):
                if isinstance(image, RowError):
                    failures.append((row.line, row.sku, str(image)))
                else:
                    ready.append((row, image))
            _chunk_upsert(job_id=job_id, rows=ready, failures=failures, model_id=model_id)


def _image_store_or_error(*, source: ImportSource, row: ProductRow) -> StoredImage | RowError | None:
    if not row.image:
        return None
    try:
        if row.is_image_url:
            data = image_fetch(
                url=row.image,
                connect_timeout_s=settings.IMPORT_FETCH_CONNECT_TIMEOUT_S,
                read_timeout_s=settings.IMPORT_FETCH_READ_TIMEOUT_S,
                max_bytes=settings.IMAGE_MAX_BYTES,
            )
        else:
            data = source.image_read(path=row.image)
        # Decoded once here so a broken image fails its row now, with its row number.
        image_load(data=data, max_pixels=settings.IMAGE_MAX_PIXELS, max_bytes=settings.IMAGE_MAX_BYTES)
    except RowError as error:
        return error
    except ImageRejected as rejected:
        return RowError(f"image {row.image!r}: {rejected.message}")
    return image_store(data=data)


def image_store(*, data: bytes) -> StoredImage:
    """Content-addressed: the same bytes are stored once, however many imports name them."""
    sha256 = hashlib.sha256(data).hexdigest()
    extension = _IMAGE_EXTENSIONS.get(Image.open(io.BytesIO(data)).format, "img")
    name = f"products/{sha256[:2]}/{sha256}.{extension}"
    if not default_storage.exists(name):
        name = default_storage.save(name, ContentFile(data))
    return StoredImage(name=name, sha256=sha256)


def _chunk_upsert(*, job_id: int, rows: list[tuple[ProductRow, StoredImage | None]], failures: list, model_id: str) -> None:
    now = timezone.now()
    with transaction.atomic():
        existing = {
            product.sku: product
            for product in Product.objects.select_for_update().filter(sku__in=[row.sku for row, _ in rows]).order_by("id").defer("embedding")
        }
        to_create, to_update, changed_fields, unchanged = [], [], set(), 0
        for row, image in rows:
            values = {
                "title": row.title,
                "description": row.description,
                "category": row.category,
                "brand": row.brand,
                "price": row.price,
                "currency": row.currency,
                "attributes": row.attributes,
                "image": image.name if image else "",
                "image_sha256": image.sha256 if image else "",
            }
            product = existing.get(row.sku)
            if product is None:
                to_create.append(Product(sku=row.sku, **values))
                continue
            changed = [name for name, value in values.items() if _stored(product, name) != value]
            if not changed:
                unchanged += 1
                continue
            for name in changed:
                setattr(product, name, values[name])
            if "image_sha256" in changed and not product.image_sha256:
                # The picture is gone: its vector would keep matching searches by it.
                product.embedding, product.embedding_model, product.embedding_image_sha256 = None, "", ""
                changed += ["embedding", "embedding_model", "embedding_image_sha256"]
            product.updated_at = now
            changed_fields.update(changed)
            to_update.append(product)
        Product.objects.bulk_create(to_create)
        if to_update:
            Product.objects.bulk_update(to_update, sorted(changed_fields | {"updated_at"}))
        products = to_create + [existing[row.sku] for row, _ in rows if row.sku in existing]
        to_embed = [product.pk for product in products if product.image_sha256 and not _is_current(product, model_id)]
        embedding_batches_queue(product_ids=sorted(to_embed), model_id=model_id, job_id=job_id)
        import_job_progress_add(
            job_id=job_id,
            done=len(rows) - len(to_embed),
            failed=len(failures),
            created=len(to_create),
            updated=len(to_update),
            unchanged=unchanged,
            failures=failures,
        )


def _stored(product: Product, name: str):
    value = getattr(product, name)
    return value.name if name == "image" else value


def _is_current(product: Product, model_id: str) -> bool:
    return product.embedding_model == model_id and product.embedding_image_sha256 == product.image_sha256
