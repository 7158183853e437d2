import pytest
from django.db import connection

from catalog.models import Product

pytestmark = pytest.mark.django_db


def test_migrations_create_the_vector_extension_and_hnsw_cosine_index():
    with connection.cursor() as cursor:
        cursor.execute("SELECT extversion FROM pg_extension WHERE extname = 'vector'")
        (version,) = cursor.fetchone()
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'product_embedding_hnsw'")
        (definition,) = cursor.fetchone()

    assert tuple(int(part) for part in version.split(".")[:2]) >= (0, 8)
    assert "USING hnsw (embedding halfvec_cosine_ops)" in definition
    assert "m='16'" in definition and "ef_construction='64'" in definition


def test_is_embedding_current_follows_image_and_model():
    product = Product(image_sha256="abc", embedding_model="m", embedding_image_sha256="abc")
    assert product.is_embedding_current
    product.image_sha256 = "def"
    assert not product.is_embedding_current
