import shutil
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from catalog.models import ImportJob
from catalog.selectors import import_job_progress
from catalog.services import demo_catalog_import
from embeddings.selectors import encoder_get

POLL_S = 0.5
# With no progress for this long the likeliest cause is that no worker is consuming.
STALL_HINT_S = 30


class Command(BaseCommand):
    help = "Generate the demo catalogue (deterministic by seed) and import it through the real pipeline, with a progress bar."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=10_000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--no-wait", action="store_true", help="queue the import and return")

    def handle(self, *args, count: int, seed: int, no_wait: bool, **options):
        if count < 1:
            raise CommandError("--count must be at least 1")
        model_id = encoder_get().model_id
        self.stdout.write(f"demo catalogue: {count:,} products, seed {seed}, model {model_id}")
        self.stdout.write("  (a new archive renders every product image first: about 90 s for 10,000)")
        job = demo_catalog_import(count=count, seed=seed, folder=settings.STATE_DIR / "demo", model_id=model_id)
        if job is None:
            self.stdout.write(self.style.SUCCESS("demo catalogue already loaded"))
            return
        self.stdout.write(f"import job {job.pk} queued")
        if not no_wait:
            self._watch(job=job)

    def _watch(self, *, job: ImportJob) -> None:
        width = max(10, min(40, shutil.get_terminal_size().columns - 60))
        last_change, last_seen = time.monotonic(), None
        while True:
            job.refresh_from_db()
            progress = import_job_progress(job=job)
            filled = int(width * progress["percent"] / 100)
            eta = f"ETA {progress['eta_s']:.0f}s" if progress["eta_s"] is not None else "ETA --"
            line = f"\r[{'#' * filled}{'.' * (width - filled)}] {progress['percent']:5.1f}%  {progress['done'] + progress['failed']:,}/{progress['total']:,} rows  {progress['status']:<9} {eta:<9}"
            self.stdout.write(line, ending="")
            self.stdout.flush()
            seen = (progress["status"], progress["done"], progress["failed"])
            if seen != last_seen:
                last_change, last_seen = time.monotonic(), seen
            elif time.monotonic() - last_change > STALL_HINT_S:
                self.stdout.write(f"\nno progress for {STALL_HINT_S}s: is a Celery worker running? (make worker; log in .state/worker.log)")
                last_change = time.monotonic()
            if progress["finished"]:
                break
            time.sleep(POLL_S)
        self.stdout.write("")
        if job.status == ImportJob.Status.FAILED:
            raise CommandError(f"demo import failed: {job.error}")
        self.stdout.write(self.style.SUCCESS(f"demo catalogue imported: {job.done:,} rows done, {job.failed:,} failed, {job.images_per_second or 0:.0f} images/s"))
