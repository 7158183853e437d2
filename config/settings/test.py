"""Test settings: the same settings module, with the environment pointed at throwaway services.

Values are set as environment defaults before base.py reads them, so Celery workers started
by end-to-end tests inherit exactly what the test process uses.
"""

import atexit
import os
import tempfile
from pathlib import Path

from config import services

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-secret-key")
# Forced, not defaulted: a shell that exports another model must not change what tests embed with.
os.environ["EMBEDDINGS_MODEL"] = "lookalike-tiny"
os.environ.pop("EMBEDDINGS_WEIGHTS", None)
# Production's 5 ms is a latency budget; on a busy CI machine it turns cache hits into misses
# at random. Tests of a dead Redis still fail fast: a refused connection does not wait.
os.environ.setdefault("SEARCH_QUERY_CACHE_TIMEOUT_S", "0.5")
os.environ.setdefault("LOOKALIKE_MEDIA_ROOT", tempfile.mkdtemp(prefix="lookalike-media-"))
if "LOOKALIKE_TEST_REDIS_URL" not in os.environ:
    # A private server per test run, whatever REDIS_URL says: tests flush and stop it, so it
    # must never be anyone's real cache or broker. Workers started by the tests inherit it.
    _redis_dir = Path(tempfile.mkdtemp(prefix="lookalike-redis-"))
    os.environ["LOOKALIKE_TEST_REDIS_URL"] = services.embedded_redis_start(state_dir=_redis_dir)
    atexit.register(services.embedded_redis_stop, state_dir=_redis_dir)
os.environ["REDIS_URL"] = os.environ["LOOKALIKE_TEST_REDIS_URL"]
os.environ.pop("CELERY_BROKER_URL", None)
os.environ.pop("CELERY_RESULT_BACKEND", None)

from config.settings.base import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
