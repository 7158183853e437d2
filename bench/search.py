"""Server-side search latency and HNSW recall on synthetic clustered catalogues.

    DJANGO_DEBUG=1 .venv/bin/python bench/search.py [--sizes 10000,100000] [--model ViT-B-32]

Uses its own database (LOOKALIKE_DB_NAME, default lookalike_bench), so the dev catalogue is
untouched. Vectors are clustered (products come in families), as real catalogues are; on
uniform random vectors HNSW recall looks worse than anything a shopper would meet.
Random weights cost exactly what trained ones do, so the model runs offline.
"""

import argparse
import io
import os
import sys
import time
import uuid
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("LOOKALIKE_DB_NAME", "lookalike_bench")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

EF_SEARCH_TRIED = (10, 20, 40, 64, 100)
RECALL_TARGET = 0.98
CATEGORIES = 20
RECALL_QUERIES = 200
COPY_BATCH = 10_000


def _args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000", help="catalogue sizes, comma-separated")
    parser.add_argument("--model", default="ViT-B-32")
    parser.add_argument("--weights", default="random")
    parser.add_argument("--repeats", type=int, default=30, help="searches per latency row (photo misses: a third)")
    return parser.parse_args()


def _catalogue_load(*, vectors, model_id: str) -> float:
    """Empty the table, COPY `vectors` in, then build the HNSW index once (faster than growing it)."""
    from django.db import connection
    from pgvector import HalfVector
    from pgvector.psycopg import register_vector

    from catalog.models import HNSW_EF_CONSTRUCTION, HNSW_M

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE catalog_product")
        cursor.execute("DROP INDEX IF EXISTS product_embedding_hnsw")
    raw = connection.connection
    register_vector(raw)
    columns = "sku, title, description, category, brand, price, currency, attributes, image, image_sha256, embedding, embedding_model, embedding_image_sha256, created_at, updated_at"
    now = datetime.now(UTC)
    with raw.cursor() as cursor:
        for start in range(0, len(vectors), COPY_BATCH):
            with cursor.copy(f"COPY catalog_product ({columns}) FROM STDIN WITH (FORMAT BINARY)") as copy:
                copy.set_types(["text", "text", "text", "text", "text", "numeric", "text", "jsonb", "text", "text", "halfvec", "text", "text", "timestamptz", "timestamptz"])
                for n in range(start, min(start + COPY_BATCH, len(vectors))):
                    copy.write_row([f"B{n:07d}", f"Product {n}", "", f"category-{n % CATEGORIES}", "Bench", Decimal(n % 500) + Decimal("0.99"), "EUR", "{}", "", "", HalfVector(vectors[n]), model_id, "", now, now])
        raw.commit()
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '1GB'")
        cursor.execute(
            f"CREATE INDEX product_embedding_hnsw ON catalog_product USING hnsw (embedding halfvec_cosine_ops) WITH (m = {HNSW_M}, ef_construction = {HNSW_EF_CONSTRUCTION})"
        )
        cursor.execute("ANALYZE catalog_product")
    return time.perf_counter() - started


def _recall(*, stored, queries, model_id: str, filters=None, categories=None):
    from search.query import SearchFilters
    from search.selectors import products_nearest_page

    rows = {}
    for ef in EF_SEARCH_TRIED:
        found = 0
        returned = 0
        for index, query in enumerate(queries):
            mask = None if categories is None else categories == index % CATEGORIES
            scores = stored @ query if mask is None else np.where(mask, stored @ query, -np.inf)
            exact = set((np.argsort(-scores, kind="stable")[:10] + 1).tolist())
            products, _ = products_nearest_page(
                vector=query,
                k=10,
                filters=SearchFilters(category=f"category-{index % CATEGORIES}") if categories is not None else SearchFilters(),
                model_id=model_id,
                ef_search=ef,
            )
            returned += len(products)
            found += len(exact & {product.id - _ID_OFFSET for product in products})
        rows[ef] = (found / (10 * len(queries)), returned / len(queries))
    return rows


def _percentiles(values):
    return np.percentile(np.array(values) * 1000, [50, 95, 99])


def _latency(*, label: str, queries, rows: list):
    from search.selectors import product_search

    results = [product_search(query=query) for query in queries]
    for part in ("embed", "cache", "ann", "total"):
        p50, p95, p99 = _percentiles([getattr(result.timings, f"{part}_s") for result in results])
        rows.append((label, part, p50, p95, p99))
    return results


def _jpeg(rng) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(rng.integers(0, 255, (480, 640, 3), dtype=np.uint8)).save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def main() -> None:
    args = _args()
    os.environ.setdefault("EMBEDDINGS_MODEL", args.model)
    os.environ.setdefault("EMBEDDINGS_WEIGHTS", args.weights)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from bench.synthetic import clustered_vectors
    from embeddings.selectors import encoder_get
    from search.query import query_parse

    global _ID_OFFSET
    from bench.guard import bench_database_check

    bench_database_check(expected="lookalike_bench")
    call_command("migrate", verbosity=0)
    encoder = encoder_get()
    encoder.load()
    model_id = encoder.model_id
    rng = np.random.default_rng(0)
    print(f"model {model_id}; database {settings.DATABASES['default']['NAME']}; cache timeout {settings.SEARCH_QUERY_CACHE_TIMEOUT_S * 1000:.0f} ms")
    for size in (int(part) for part in args.sizes.split(",")):
        vectors = clustered_vectors(count=size, rng=rng)
        build_s = _catalogue_load(vectors=vectors, model_id=model_id)
        with connection.cursor() as cursor:
            cursor.execute("SELECT min(id) FROM catalog_product")
            _ID_OFFSET = cursor.fetchone()[0] - 1
        stored = vectors.astype(np.float16).astype(np.float32)
        # Rounded as PostgreSQL rounds them (to halfvec), so exact and HNSW rank the same numbers.
        queries = clustered_vectors(count=RECALL_QUERIES, rng=np.random.default_rng(size)).astype(np.float16).astype(np.float32)
        categories = np.arange(size) % CATEGORIES
        print(f"\n== {size:,} products (HNSW build {build_s:.1f} s) ==")
        plain = _recall(stored=stored, queries=queries, model_id=model_id)
        filtered = _recall(stored=stored, queries=queries, model_id=model_id, categories=categories)
        print("ef_search  recall@10  filtered(1 in 20) recall@10  rows returned")
        for ef in EF_SEARCH_TRIED:
            print(f"{ef:>9}  {plain[ef][0]:>9.3f}  {filtered[ef][0]:>27.3f}  {filtered[ef][1]:>12.1f}")
        enough = next((ef for ef in EF_SEARCH_TRIED if plain[ef][0] >= RECALL_TARGET), None)
        print(f"smallest ef_search with recall@10 >= {RECALL_TARGET}: {enough}; latency below at the configured SEARCH_HNSW_EF_SEARCH={settings.SEARCH_HNSW_EF_SEARCH}")

        run = uuid.uuid4().hex[:8]
        texts = [f"red leather handbag {run} {n}" for n in range(args.repeats)]
        # Seeded by the run id: photos from an earlier run would still sit in the cache.
        photo_rng = np.random.default_rng(int(run, 16))
        photos = [_jpeg(photo_rng) for _ in range(max(args.repeats // 3, 5))]
        rows: list = []
        _latency(label="text miss", queries=[query_parse(text=text, photo=None, k=24) for text in texts], rows=rows)
        _latency(label="text hit", queries=[query_parse(text=text, photo=None, k=24) for text in texts], rows=rows)
        _latency(label="photo miss", queries=[query_parse(text="", photo=photo, k=24) for photo in photos], rows=rows)
        _latency(label="photo hit", queries=[query_parse(text="", photo=photo, k=24) for photo in photos * 3], rows=rows)
        mixes = [query_parse(text=texts[n % len(texts)], photo=photos[n % len(photos)], weight=str(round((n % 21) / 20, 2)), k=24) for n in range(args.repeats)]
        _latency(label="mix (both cached)", queries=mixes, rows=rows)
        print("search             part       p50 ms   p95 ms   p99 ms")
        for label, part, p50, p95, p99 in rows:
            print(f"{label:<18} {part:<8} {p50:>8.2f} {p95:>8.2f} {p99:>8.2f}")


_ID_OFFSET = 0

if __name__ == "__main__":
    import numpy as np

    main()
