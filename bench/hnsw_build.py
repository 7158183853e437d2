"""HNSW build cost and recall for the Product index parameters (m, ef_construction).

    DJANGO_DEBUG=1 .venv/bin/python bench/hnsw_build.py [--n 20000] [--queries 100]

Works in its own database (lookalike_bench_hnsw) so the dev catalogue is untouched.
"""

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("LOOKALIKE_DB_NAME", "lookalike_bench_hnsw")
os.environ.setdefault("DJANGO_DEBUG", "1")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

import django  # noqa: E402

django.setup()

from bench.guard import bench_database_check  # noqa: E402

bench_database_check(expected="lookalike_bench_hnsw")

import numpy as np  # noqa: E402
from django.db import connection  # noqa: E402
from pgvector import HalfVector  # noqa: E402

from bench.synthetic import DIMENSIONS, clustered_vectors  # noqa: E402

PARAMETERS = ((16, 64), (16, 128), (32, 64))
EF_SEARCH = 40


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=20_000)
    parser.add_argument("--queries", type=int, default=100)
    args = parser.parse_args()
    rng = np.random.default_rng(7)
    data, queries = clustered_vectors(count=args.n, rng=rng), clustered_vectors(count=args.queries, rng=rng)
    with connection.cursor() as cursor:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS vector")
        cursor.execute("DROP TABLE IF EXISTS bench_items")
        cursor.execute(f"CREATE TABLE bench_items (id bigint PRIMARY KEY, embedding halfvec({DIMENSIONS}))")
        with cursor.copy("COPY bench_items (id, embedding) FROM STDIN") as copy:
            for row_id, vector in enumerate(data):
                copy.write_row((row_id, HalfVector(vector).to_text()))
        exact = []
        for query in queries:
            cursor.execute("SELECT id FROM bench_items ORDER BY embedding <=> %s::halfvec LIMIT 10", [HalfVector(query).to_text()])
            exact.append({row[0] for row in cursor.fetchall()})
        print(f"{args.n} clustered {DIMENSIONS}-d halfvec rows, {args.queries} queries, ef_search {EF_SEARCH}")
        print(f"{'m':>4}{'ef_construction':>17}{'build s':>10}{'index MB':>10}{'recall@10':>11}")
        for m, ef_construction in PARAMETERS:
            cursor.execute("DROP INDEX IF EXISTS bench_items_hnsw")
            started = time.perf_counter()
            cursor.execute(
                f"CREATE INDEX bench_items_hnsw ON bench_items USING hnsw (embedding halfvec_cosine_ops) "
                f"WITH (m = {m}, ef_construction = {ef_construction})"
            )
            build_s = time.perf_counter() - started
            cursor.execute("SELECT pg_relation_size('bench_items_hnsw')")
            size_mb = cursor.fetchone()[0] / 1e6
            hits = 0
            cursor.execute(f"SET hnsw.ef_search = {EF_SEARCH}")
            for query, truth in zip(queries, exact, strict=True):
                cursor.execute("SELECT id FROM bench_items ORDER BY embedding <=> %s::halfvec LIMIT 10", [HalfVector(query).to_text()])
                hits += len(truth & {row[0] for row in cursor.fetchall()})
            print(f"{m:>4}{ef_construction:>17}{build_s:>10.1f}{size_mb:>10.1f}{hits / (10 * len(queries)):>11.3f}")
        cursor.execute("DROP TABLE bench_items")


if __name__ == "__main__":
    main()
