from pathlib import Path

from django.core.files import File
from django.core.management.base import BaseCommand, CommandError

from catalog.services import import_job_create


class Command(BaseCommand):
    help = "Queue a catalogue import (ZIP with products.csv/.jsonl and images, or a CSV/JSONL with image URLs) and return."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)

    def handle(self, *args, path: Path, **options):
        if not path.is_file():
            raise CommandError(f"{path} is not a file")
        with path.open("rb") as handle:
            job = import_job_create(file=File(handle), name=path.name)
        self.stdout.write(f"import job {job.pk} queued for {path.name}; follow it in the admin under Import jobs")
