from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from config import services


class Command(BaseCommand):
    help = "Report the services Lookalike uses (status) or stop the embedded ones (stop)."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["status", "stop"])

    def handle(self, *args, action: str, **options):
        if action == "status":
            self._status()
        else:
            self._stop()

    def _status(self) -> None:
        database = settings.DATABASES["default"]
        if settings.EMBEDDED_POSTGRES is not None:
            where = f"embedded, pid {settings.EMBEDDED_POSTGRES.pid}, socket {settings.EMBEDDED_POSTGRES.socket_dir}"
        else:
            where = "external (DATABASE_URL)"
        self.stdout.write(f"postgres   {services.url_redact(settings.DATABASE_URL)}  [{where}]  database {database['NAME']}")
        redis_state = "answering" if services.redis_answers(url=settings.REDIS_URL) else "NOT ANSWERING"
        self.stdout.write(f"redis      {services.url_redact(settings.REDIS_URL)}  [{redis_state}]")
        self.stdout.write(f"broker     {services.url_redact(settings.CELERY_BROKER_URL)}")
        self.stdout.write(f"model      {settings.EMBEDDINGS_MODEL} (weights: {settings.EMBEDDINGS_WEIGHTS or 'registry default'}, device {settings.EMBEDDINGS_DEVICE})")
        self.stdout.write(f"media      {settings.MEDIA_ROOT}")
        self.stdout.write(f"state      {settings.STATE_DIR}")

    def _stop(self) -> None:
        try:
            stopped_redis = services.embedded_redis_stop(state_dir=settings.STATE_DIR)
            stopped_postgres = services.embedded_postgres_stop(state_dir=settings.STATE_DIR)
        except Exception as error:
            raise CommandError(f"could not stop the embedded services: {error}") from error
        self.stdout.write(f"embedded redis: {'stopped' if stopped_redis else 'was not running'}")
        self.stdout.write(f"embedded postgres: {'stopped' if stopped_postgres else 'was not running'}")
