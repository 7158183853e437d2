import os
import shutil
from pathlib import Path

import pytest

from embeddings.encoder import ClipEncoder
from embeddings.registry import model_spec_get

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make
# around it are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-gpu",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def tiny_encoder() -> ClipEncoder:
    encoder = ClipEncoder(spec=model_spec_get(name="lookalike-tiny"))
    encoder.load()
    return encoder


@pytest.fixture
def fixture_bytes():
    def read(relative: str) -> bytes:
        return (FIXTURES / relative).read_bytes()

    return read


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium driven by Playwright (Playwright cannot download its own browser here)."""
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium") or "/usr/bin/chromium"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    opened = context.new_page()
    opened.set_default_timeout(15_000)
    yield opened
    context.close()


@pytest.fixture
def celery_workers(transactional_db, tmp_path):
    """Start real Celery workers: `celery_workers(**env)`; tasks sent from the test go to the broker.

    Needs django_db(transaction=True): the worker is another process and sees only committed rows.
    """
    from django.db import connection

    from config.celery import app
    from tests.support.workers import CeleryWorker, worker_env

    started: list[CeleryWorker] = []
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    app.control.purge()

    def start(**env: str) -> CeleryWorker:
        worker = CeleryWorker(env=worker_env(database_name=connection.settings_dict["NAME"], **env), log_dir=tmp_path)
        started.append(worker)
        worker.wait_ready()
        return worker

    yield start
    for worker in started:
        worker.stop()
    app.control.purge()
    app.conf.task_always_eager = eager
