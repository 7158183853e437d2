import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_choice, env_float, env_int, env_url

ROOT = Path(__file__).resolve().parent.parent.parent


@pytest.mark.parametrize(
    ("reader", "value", "message"),
    [
        (lambda: env_int("LOOKALIKE_X", default=1), "ten", "LOOKALIKE_X must be an integer, got 'ten'"),
        (lambda: env_int("LOOKALIKE_X", default=1, minimum=1), "0", "LOOKALIKE_X must be at least 1, got 0"),
        (lambda: env_float("LOOKALIKE_X", default=1.0, maximum=5), "9", "LOOKALIKE_X must be at most 5, got 9.0"),
        (lambda: env_float("LOOKALIKE_X", default=1.0, minimum=0), "nan", "LOOKALIKE_X must be a finite number, got 'nan'"),
        (lambda: env_bool("LOOKALIKE_X", default=False), "maybe", "LOOKALIKE_X must be a boolean"),
        (lambda: env_choice("LOOKALIKE_X", default="a", choices={"a", "b"}), "c", "LOOKALIKE_X must be one of a, b; got 'c'"),
        (lambda: env_url("LOOKALIKE_X", schemes={"redis"}), "http://x", "LOOKALIKE_X must be a URL with scheme redis"),
    ],
)
def test_env_readers_name_the_variable_and_the_bad_value(monkeypatch, reader, value, message):
    monkeypatch.setenv("LOOKALIKE_X", value)

    with pytest.raises(ImproperlyConfigured) as error:
        reader()

    assert str(error.value).startswith(message)


def test_env_readers_fall_back_to_defaults(monkeypatch):
    monkeypatch.delenv("LOOKALIKE_X", raising=False)

    assert env_int("LOOKALIKE_X", default=7) == 7
    assert env_bool("LOOKALIKE_X", default=True) is True
    assert env_url("LOOKALIKE_X", schemes={"redis"}) is None


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.base", "DJANGO_DEBUG": "1", **env}
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("EMBEDDINGS_MODEL", "ViT-Z-99"),
        ("EMBEDDINGS_DEVICE", "tpu"),
        ("SEARCH_HNSW_EF_SEARCH", "lots"),
        ("DATABASE_URL", "mysql://localhost/x"),
    ],
)
def test_a_bad_value_stops_start_up_naming_the_variable(variable, value):
    result = _manage("check", **{variable: value})

    assert result.returncode != 0
    assert result.stderr.strip().splitlines()[-1].startswith(f"Configuration error: {variable} must")


def test_production_without_a_secret_key_refuses_to_start():
    result = _manage("check", DJANGO_DEBUG="0", DJANGO_SECRET_KEY="")

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr
