import threading

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from catalog.imports.pipeline import image_store
from catalog.models import EmbeddingBatch, ImportJob
from embeddings.services import BatchOutcome, embedding_batch_run
from tests.factories import ProductFactory
from tests.support.catalogue import image_bytes

pytestmark = pytest.mark.django_db(transaction=True)


def _product_with_image(seed: int, **fields):
    stored = image_store(data=image_bytes(seed=seed))
    return ProductFactory(image=stored.name, image_sha256=stored.sha256, **fields)


def test_a_batch_queued_for_another_model_writes_nothing_and_fails_its_rows(tiny_encoder):
    job = ImportJob.objects.create(source_name="c.zip", status="embedding", total=1)
    product = _product_with_image(1, sku="A-1")
    batch = EmbeddingBatch.objects.create(job=job, product_ids=[product.pk], model_id="ViT-B-32:old")

    assert embedding_batch_run(batch_id=batch.pk) is BatchOutcome.STALE

    product.refresh_from_db()
    batch.refresh_from_db()
    job.refresh_from_db()
    assert (product.embedding, product.embedding_model, batch.status) == (None, "", "stale")
    assert (job.status, job.failed) == ("done", 1)
    assert job.failures.get().message == (
        f"not embedded: the worker's model is {tiny_encoder.model_id}, the import was queued for ViT-B-32:old; "
        "run `manage.py embed_products` once every worker runs the same model"
    )


def test_a_batch_another_worker_holds_is_busy_and_not_embedded_twice(tiny_encoder):
    product = _product_with_image(1)
    batch = EmbeddingBatch.objects.create(product_ids=[product.pk], model_id=tiny_encoder.model_id)
    held, release = threading.Event(), threading.Event()

    def other_worker():
        with transaction.atomic():
            EmbeddingBatch.objects.select_for_update().get(pk=batch.pk)
            held.set()
            release.wait(10)
        connection.close()

    thread = threading.Thread(target=other_worker)
    thread.start()
    held.wait(10)
    try:
        assert embedding_batch_run(batch_id=batch.pk) is BatchOutcome.BUSY
    finally:
        release.set()
        thread.join()
    assert embedding_batch_run(batch_id=batch.pk) is BatchOutcome.WRITTEN
    assert embedding_batch_run(batch_id=batch.pk) is BatchOutcome.ALREADY_DONE
    assert embedding_batch_run(batch_id=batch.pk + 1000) is BatchOutcome.GONE


def test_an_unreadable_stored_image_fails_its_product_only(tiny_encoder):
    job = ImportJob.objects.create(source_name="c.zip", status="embedding", total=2)
    good = _product_with_image(1)
    bad = ProductFactory(sku="BAD-1", image="products/gone.jpg", image_sha256="0" * 64)
    batch = EmbeddingBatch.objects.create(job=job, product_ids=[good.pk, bad.pk], model_id=tiny_encoder.model_id)

    assert embedding_batch_run(batch_id=batch.pk) is BatchOutcome.WRITTEN

    job.refresh_from_db()
    batch.refresh_from_db()
    assert (job.status, job.done, job.failed, job.embedded, batch.embedded_ids) == ("done", 1, 1, 1, [good.pk])
    assert job.failures.values_list("row", "sku").get() == (None, "BAD-1")
    assert job.failures.get().message.startswith("stored image 'products/gone.jpg' cannot be read")


def test_embed_products_queues_missing_and_other_model_vectors_and_force_queues_all(tiny_encoder, capsys):
    products = [_product_with_image(seed) for seed in range(3)]
    ProductFactory(sku="NO-IMAGE")
    call_command("embed_products")
    assert capsys.readouterr().out == "queued 3 products in 1 batches\n"
    call_command("embed_products")
    assert capsys.readouterr().out == "queued 0 products in 0 batches\n"
    type(products[0]).objects.filter(pk=products[0].pk).update(embedding_model="other-model")

    call_command("embed_products")
    assert capsys.readouterr().out == "queued 1 products in 1 batches\n"
    call_command("embed_products", "--force")
    assert capsys.readouterr().out == "queued 3 products in 1 batches\n"

    written = [ids for ids in EmbeddingBatch.objects.order_by("id").values_list("embedded_ids", flat=True)]
    assert written == [[p.pk for p in products], [products[0].pk], [p.pk for p in products]]


def test_abandoned_pending_batches_are_re_sent_and_held_or_recent_ones_are_not(tiny_encoder):
    from django.utils import timezone

    from embeddings.services import embedding_batches_requeue

    old = timezone.now() - timezone.timedelta(seconds=60)
    abandoned = EmbeddingBatch.objects.create(product_ids=[_product_with_image(1).pk], model_id=tiny_encoder.model_id)
    recent = EmbeddingBatch.objects.create(product_ids=[_product_with_image(2).pk], model_id=tiny_encoder.model_id)
    done = EmbeddingBatch.objects.create(product_ids=[], model_id=tiny_encoder.model_id, status="done")
    EmbeddingBatch.objects.filter(pk__in=[abandoned.pk, done.pk]).update(created_at=old)

    assert embedding_batches_requeue(older_than_s=30) == [abandoned.pk]

    assert list(EmbeddingBatch.objects.order_by("id").values_list("status", flat=True)) == ["done", "pending", "done"]


@pytest.fixture
def unloadable_model(settings, tmp_path):
    from embeddings.selectors import encoder_get

    settings.EMBEDDINGS_WEIGHTS = str(tmp_path / "missing.safetensors")
    encoder_get.cache_clear()
    yield
    encoder_get.cache_clear()


def test_a_worker_that_cannot_load_the_model_fails_the_import_with_the_reason(unloadable_model):
    job = ImportJob.objects.create(source_name="c.zip", status="embedding", total=1)
    batch = EmbeddingBatch.objects.create(job=job, product_ids=[_product_with_image(1).pk], model_id="any")

    assert embedding_batch_run(batch_id=batch.pk) is BatchOutcome.NO_MODEL

    job.refresh_from_db()
    batch.refresh_from_db()
    assert (job.status, batch.status) == ("failed", "pending")
    assert job.error.startswith("A worker cannot load the embedding model, so images are not embedded: could not load embedding model 'lookalike-tiny'")
