"""End-to-end import throughput through a real Celery worker, next to the raw encoder in the same run.

    DJANGO_DEBUG=1 EMBEDDINGS_MODEL=ViT-B-32 EMBEDDINGS_WEIGHTS=random .venv/bin/python bench/import.py [--n 500]

Uses a throwaway database (`lookalike_bench`) on the embedded PostgreSQL and a temporary
media folder. A warm-up import of one batch loads the model in the worker first, so the
timed import measures the pipeline, not start-up. Per-stage times come from the batches'
recorded timings (summed over batches; preprocessing overlaps the model unless
EMBEDDINGS_DECODE_THREADS=0).
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from config import services  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
# A private broker: on a shared one other people's workers would take our tasks.
_REDIS_DIR = Path(tempfile.mkdtemp(prefix="lookalike-bench-redis-"))
os.environ["REDIS_URL"] = services.embedded_redis_start(state_dir=_REDIS_DIR)
os.environ.setdefault("LOOKALIKE_DB_NAME", "lookalike_bench")
os.environ.setdefault("LOOKALIKE_MEDIA_ROOT", tempfile.mkdtemp(prefix="lookalike-bench-media-"))

import django  # noqa: E402

django.setup()

from bench.guard import bench_database_check  # noqa: E402

from django.conf import settings  # noqa: E402
from django.core.files.base import ContentFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from PIL import Image  # noqa: E402

from catalog.models import EmbeddingBatch, ImportJob, Product  # noqa: E402
from catalog.services import import_job_create  # noqa: E402
from embeddings.selectors import encoder_get  # noqa: E402
from tests.support.catalogue import catalogue_zip, image_bytes, product_rows  # noqa: E402
from tests.support.workers import CeleryWorker, worker_env  # noqa: E402

IMAGE_SIZE = (640, 480)


# A worker that cannot load the model leaves the job waiting: give up rather than hang.
IMPORT_TIMEOUT_S = 1800


def _import(path: Path) -> tuple[ImportJob, float]:
    started = time.perf_counter()
    job = import_job_create(file=ContentFile(path.read_bytes()), name=path.name)
    while not job.is_finished:
        if time.perf_counter() - started > IMPORT_TIMEOUT_S:
            raise SystemExit(f"import {job.pk} not finished after {IMPORT_TIMEOUT_S} s ({job.done}/{job.total}); see the worker log")
        time.sleep(0.05)
        job.refresh_from_db()
    return job, time.perf_counter() - started


def _raw_throughput(*, count: int, batch_size: int) -> tuple[float, float]:
    """Images/s for preprocess + model (as bench/encoder.py measures it) and for the model alone."""
    import io

    encoder = encoder_get()
    encoder.load()
    images = [Image.open(io.BytesIO(image_bytes(seed=n, size=IMAGE_SIZE))).convert("RGB") for n in range(count)]
    encoder.encode_images(images[:2])
    started = time.perf_counter()
    model_s = 0.0
    for start in range(0, count, batch_size):
        pixels = encoder.images_preprocess(images[start : start + batch_size])
        model_started = time.perf_counter()
        encoder.encode_pixels(pixels)
        model_s += time.perf_counter() - model_started
    return count / (time.perf_counter() - started), count / model_s


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=500)
    parser.add_argument("--raw-n", type=int, default=128, help="images for the raw encoder measurement")
    args = parser.parse_args()
    batch_size = settings.EMBEDDINGS_BATCH_SIZE
    bench_database_check(expected="lookalike_bench")
    call_command("migrate", verbosity=0)
    Product.objects.all().delete()
    ImportJob.objects.all().delete()

    work = Path(tempfile.mkdtemp(prefix="lookalike-bench-"))
    warm = catalogue_zip(work / "warm.zip", rows=product_rows(count=batch_size, start=1_000_000), image_size=IMAGE_SIZE)
    timed = catalogue_zip(work / "bench.zip", rows=product_rows(count=args.n), image_size=IMAGE_SIZE)
    # Raw throughput before and after the import (never beside it), averaged: on a shared
    # machine the CPU available drifts during a run.
    raw_before = _raw_throughput(count=args.raw_n, batch_size=batch_size)
    worker = CeleryWorker(env=worker_env(database_name=settings.DATABASES["default"]["NAME"]), log_dir=work, pool="solo")
    try:
        worker.wait_ready()
        _import(warm)
        job, wall_s = _import(timed)
    finally:
        worker.stop()
        services.embedded_redis_stop(state_dir=_REDIS_DIR)
    assert job.embedded == args.n, f"embedded {job.embedded} of {args.n}: {job.status} {job.error}"
    timings = [batch.timings for batch in EmbeddingBatch.objects.filter(job=job)]
    stage = {key: sum(t[key] for t in timings) for key in ("read_decode_s", "preprocess_s", "model_s", "wait_s", "db_write_s")}
    raw_s, model_only_s = (sum(pair) / 2 for pair in zip(raw_before, _raw_throughput(count=args.raw_n, batch_size=batch_size), strict=True))
    end_to_end = args.n / wall_s
    print(f"model {encoder_get().model_id}, batch {batch_size}, decode threads {settings.EMBEDDINGS_DECODE_THREADS}, "
          f"{args.n} images {IMAGE_SIZE[0]}x{IMAGE_SIZE[1]} JPEG in a ZIP")
    print(f"{'measure':<44}{'images/s':>10}{'vs raw':>9}")
    print(f"{'raw encoder: preprocess + model':<44}{raw_s:>10.1f}{'100%':>9}")
    print(f"{'raw encoder: model only':<44}{model_only_s:>10.1f}{model_only_s / raw_s * 100:>8.0f}%")
    print(f"{'end to end: upload -> all vectors written':<44}{end_to_end:>10.1f}{end_to_end / raw_s * 100:>8.0f}%")
    print(f"{'  (job images_per_second, from job start)':<44}{job.images_per_second:>10.1f}{job.images_per_second / raw_s * 100:>8.0f}%")
    print(f"{'model busy share of the import wall time':<44}{stage['model_s'] / wall_s * 100:>18.0f}%")
    print(f"\nstage (summed over {len(timings)} batches)       seconds   ms/image")
    for key, label in (("read_decode_s", "read + decode"), ("preprocess_s", "preprocess"), ("model_s", "model"),
                       ("wait_s", "model waiting for pixels"), ("db_write_s", "database write")):
        print(f"{label:<40}{stage[key]:>10.2f}{stage[key] / args.n * 1000:>10.1f}")
    print(f"{'wall, whole import':<40}{wall_s:>10.2f}{wall_s / args.n * 1000:>10.1f}")


if __name__ == "__main__":
    main()
