"""Real Celery worker processes for end-to-end tests, on the test run's private Redis and test database.

The worker runs the production settings module with the environment the test settings
set up (private Redis, media folder, tiny model), pointed at pytest-django's test database.
"""

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent.parent
_READY_TIMEOUT_S = 60
_STOP_TIMEOUT_S = 15


def worker_env(*, database_name: str, **overrides: str) -> dict[str, str]:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.base", "LOOKALIKE_DB_NAME": database_name, **overrides}
    if env.get("DATABASE_URL"):
        env["DATABASE_URL"] = urlunsplit(urlsplit(env["DATABASE_URL"])._replace(path=f"/{database_name}"))
    return env


class CeleryWorker:
    """One `celery worker` in its own process group, so SIGKILL takes its children with it."""

    def __init__(self, *, env: dict[str, str], log_dir: Path, pool: str = "solo", concurrency: int = 1):
        self.name = f"test-{uuid.uuid4().hex[:8]}@%h"
        self.log_path = log_dir / f"{self.name.split('@')[0]}.log"
        self._log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            [
                sys.executable, "-m", "celery", "-A", "config", "worker",
                f"--pool={pool}", f"--concurrency={concurrency}", "--loglevel=INFO",
                "--without-gossip", "--without-mingle", "--without-heartbeat", "-n", self.name,
            ],
            cwd=ROOT,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_ready(self) -> None:
        deadline = time.monotonic() + _READY_TIMEOUT_S
        while b" ready." not in self.log_path.read_bytes():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"celery worker did not start; log:\n{self.log()[-3000:]}")
            time.sleep(0.1)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def kill(self) -> None:
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(_STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                self.kill()
        self._log.close()
