from django.contrib.postgres.fields import ArrayField
from django.db import models
from pgvector.django import HalfVectorField, HnswIndex

from embeddings.registry import EMBEDDING_DIMENSIONS

# HNSW build parameters: pgvector's defaults. bench/hnsw_build.py on 20k clustered 512-d
# halfvec rows, 2 cores: m=16/ef_construction=64 built in 6.9 s (27 MB); ef_construction 128
# took 14.1 s and m=32 14.9 s (33 MB), with no recall@10 gain at ef_search 40 (1.000 each).
HNSW_M = 16
HNSW_EF_CONSTRUCTION = 64


class Product(models.Model):
    sku = models.CharField(max_length=64, unique=True)
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    category = models.CharField(max_length=100, blank=True, db_index=True)
    brand = models.CharField(max_length=100, blank=True)
    price = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, default="EUR")
    # Columns an import carried beyond the known ones, kept rather than dropped.
    attributes = models.JSONField(default=dict, blank=True)
    image = models.ImageField(upload_to="products/", max_length=300, blank=True)
    image_sha256 = models.CharField(max_length=64, blank=True)
    # halfvec, not vector: a 512-d float32 vector is 2,056 bytes, just over PostgreSQL's
    # TOAST threshold, so it would be stored out of line and every exact re-check would
    # pay a detoast. halfvec(512) is 1,032 bytes, stays in the row, halves the HNSW index
    # and measured the same recall@10 (0.982 vs 0.981 at 100k products).
    embedding = HalfVectorField(dimensions=EMBEDDING_DIMENSIONS, null=True, blank=True)
    # What made the stored vector: a vector is current only while both still match.
    embedding_model = models.CharField(max_length=200, blank=True)
    embedding_image_sha256 = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            HnswIndex(
                name="product_embedding_hnsw",
                fields=["embedding"],
                m=HNSW_M,
                ef_construction=HNSW_EF_CONSTRUCTION,
                opclasses=["halfvec_cosine_ops"],
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sku} {self.title}"

    @property
    def is_embedding_current(self) -> bool:
        return bool(self.embedding_model) and bool(self.image_sha256) and self.embedding_image_sha256 == self.image_sha256


class ImportJob(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        IMPORTING = "importing", "Importing"
        EMBEDDING = "embedding", "Embedding"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    source = models.FileField(upload_to="imports/", max_length=300)
    source_name = models.CharField(max_length=300)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    # A whole-file problem (zip-slip, no manifest, over a limit): nothing was imported.
    error = models.TextField(blank=True)
    # Rows in the manifest; a row is done once its product is stored and, if it has an
    # image, embedded. done + failed == total finishes the job.
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    embedded = models.PositiveIntegerField(default=0)
    images_per_second = models.FloatField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"import {self.pk} of {self.source_name}"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)


class ImportFailure(models.Model):
    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="failures")
    # The manifest line (CSV header is line 1); null for a failure after the row was read.
    row = models.PositiveIntegerField(null=True)
    sku = models.CharField(max_length=200, blank=True)
    message = models.TextField()

    class Meta:
        ordering = ["row", "id"]


class EmbeddingBatch(models.Model):
    """One embedding task's product ids; its row lock is the claim on the work.

    The task holds `SELECT ... FOR UPDATE SKIP LOCKED` on this row while it embeds and
    marks it done in the transaction that writes the vectors, so a killed worker's claim
    ends with its connection and a batch is written at most once.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        DONE = "done", "Done"
        STALE = "stale", "Model changed; not written"

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, null=True, blank=True, related_name="batches")
    product_ids = ArrayField(models.BigIntegerField())
    # The model the batch was queued for: a worker running another one must not write.
    model_id = models.CharField(max_length=200)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    # Which products this batch actually wrote a vector for (the rest were already current).
    embedded_ids = ArrayField(models.BigIntegerField(), default=list, blank=True)
    # Seconds per stage (read_decode, preprocess, model, wait, db_write) of the run that wrote it.
    timings = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
