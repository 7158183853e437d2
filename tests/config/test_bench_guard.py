import pytest

from bench.guard import bench_database_check


def test_a_benchmark_refuses_any_database_but_its_own(settings):
    name = settings.DATABASES["default"]["NAME"]

    with pytest.raises(SystemExit, match=f"refusing to run: .* the database is '{name}', not 'lookalike_bench'"):
        bench_database_check(expected="lookalike_bench")


def test_a_benchmark_runs_on_its_own_database(settings):
    bench_database_check(expected=settings.DATABASES["default"]["NAME"])
