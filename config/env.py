"""Typed readers for environment variables.

Every reader fails with ImproperlyConfigured naming the variable, so a bad deployment
stops at start-up with a message an operator can act on instead of failing on first use.
"""

import math
import os
from collections.abc import Collection
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _raw(name: str) -> str | None:
    value = os.environ.get(name)
    return None if value is None else value.strip()


def env_str(name: str, *, default: str) -> str:
    value = _raw(name)
    return default if value is None or value == "" else value


def env_optional_str(name: str) -> str | None:
    value = _raw(name)
    return value or None


def env_bool(name: str, *, default: bool) -> bool:
    value = _raw(name)
    if value is None:
        return default
    if value.lower() in _TRUE:
        return True
    if value.lower() in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false, yes/no, on/off), got {value!r}")


def env_int(name: str, *, default: int, minimum: int | None = None, maximum: int | None = None) -> int:
    return _env_number(name, default=default, minimum=minimum, maximum=maximum, parse=int, kind="an integer")


def env_float(name: str, *, default: float, minimum: float | None = None, maximum: float | None = None) -> float:
    return _env_number(name, default=default, minimum=minimum, maximum=maximum, parse=float, kind="a number")


def _env_number(name: str, *, default, minimum, maximum, parse, kind: str):
    value = _raw(name)
    if value is None or value == "":
        number = default
    else:
        try:
            number = parse(value)
        except ValueError:
            raise ImproperlyConfigured(f"{name} must be {kind}, got {value!r}") from None
        if not math.isfinite(number):
            raise ImproperlyConfigured(f"{name} must be a finite number, got {value!r}")
    _check_range(name, number, minimum, maximum)
    return number


def env_choice(name: str, *, default: str, choices: Collection[str]) -> str:
    value = env_str(name, default=default)
    if value not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(sorted(choices))}; got {value!r}")
    return value


def env_list(name: str, *, default: list[str]) -> list[str]:
    value = _raw(name)
    if value is None or value == "":
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


def env_url(name: str, *, schemes: Collection[str]) -> str | None:
    value = env_optional_str(name)
    if value is None:
        return None
    scheme = urlsplit(value).scheme
    if scheme not in schemes:
        raise ImproperlyConfigured(
            f"{name} must be a URL with scheme {', '.join(sorted(schemes))}; got scheme {scheme!r}"
        )
    return value


def _check_range(name: str, number: float, minimum: float | None, maximum: float | None) -> None:
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, got {number}")
    if maximum is not None and number > maximum:
        raise ImproperlyConfigured(f"{name} must be at most {maximum}, got {number}")
