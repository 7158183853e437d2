"""Benchmarks empty the tables they fill: make sure they only ever do that to their own database."""

import sys

from django.conf import settings


def bench_database_check(*, expected: str) -> None:
    """Exit unless Django is connected to the benchmark's own database.

    LOOKALIKE_DB_NAME only names the embedded server's database; with DATABASE_URL set, the
    benchmark would otherwise run against (and delete) the operator's catalogue.
    """
    name = settings.DATABASES["default"]["NAME"]
    if name != expected:
        sys.exit(f"refusing to run: this benchmark deletes products, and the database is {name!r}, not {expected!r}. "
                 f"Unset DATABASE_URL (or point it at a database named {expected!r}).")
