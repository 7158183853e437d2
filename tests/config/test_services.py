import os
import pwd

import pytest
import redis
from django.conf import settings

from config import services


@pytest.mark.skipif(settings.EMBEDDED_POSTGRES is None, reason="DATABASE_URL points at an external server")
def test_embedded_postgres_runs_as_an_unprivileged_user_and_leaves_nothing_world_writable():
    server = settings.EMBEDDED_POSTGRES
    owner = pwd.getpwuid(server.pgdata.stat().st_uid).pw_name

    if os.geteuid() == 0:
        assert owner == "embedded_postgres"
    assert services.world_writable_paths(root=settings.STATE_DIR) == []
    assert services.world_writable_paths(root=server.socket_dir) == []


@pytest.mark.skipif(settings.EMBEDDED_POSTGRES is None, reason="DATABASE_URL points at an external server")
def test_embedded_postgres_start_reuses_the_running_server():
    again = services.embedded_postgres_start(state_dir=settings.STATE_DIR, database=settings.DATABASE_NAME)

    assert again.pid == settings.EMBEDDED_POSTGRES.pid


def test_embedded_redis_starts_answers_and_stops(tmp_path):
    url = services.embedded_redis_start(state_dir=tmp_path)
    try:
        client = redis.Redis.from_url(url)
        client.set("lookalike:probe", b"1")
        assert client.get("lookalike:probe") == b"1"
        assert services.embedded_redis_start(state_dir=tmp_path) == url
        assert services.world_writable_paths(root=tmp_path) == []
    finally:
        assert services.embedded_redis_stop(state_dir=tmp_path) is True
    assert services.redis_answers(url=url) is False
    assert services.embedded_redis_stop(state_dir=tmp_path) is False


def test_redis_answers_is_false_for_a_closed_port():
    assert services.redis_answers(url="redis://127.0.0.1:1/0") is False


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("redis://:s3cret@cache:6379/0", "redis://:***@cache:6379/0"),
        ("postgresql://app:pw@db/lookalike", "postgresql://app:***@db/lookalike"),
        ("redis://127.0.0.1:6379/0", "redis://127.0.0.1:6379/0"),
    ],
)
def test_url_redact_hides_passwords(url, shown):
    assert services.url_redact(url) == shown
