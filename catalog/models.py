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
