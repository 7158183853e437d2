import pytest
from django.core.management import CommandError, call_command

from catalog.models import ImportJob, Product
from catalog.services import demo_catalog_import
from embeddings.selectors import encoder_get

# Eager Celery with real commits: the import runs inside the call, through the real pipeline.
pytestmark = pytest.mark.django_db(transaction=True)


def test_demo_catalog_import_loads_through_the_pipeline_once(tmp_path):
    model_id = encoder_get().model_id

    job = demo_catalog_import(count=12, seed=3, folder=tmp_path, model_id=model_id)
    again = demo_catalog_import(count=12, seed=3, folder=tmp_path, model_id=model_id)

    job.refresh_from_db()
    assert (job.status, job.done, job.failed, job.created) == (ImportJob.Status.DONE, 12, 0, 12)
    assert Product.objects.filter(sku__startswith="DEMO-", embedding_model=model_id).count() == 12
    assert again is None
    assert [path.name for path in tmp_path.iterdir()] == ["demo-catalog-seed3-12.zip"]


def test_demo_catalog_import_reimports_for_another_model(tmp_path):
    demo_catalog_import(count=12, seed=3, folder=tmp_path, model_id=encoder_get().model_id)

    job = demo_catalog_import(count=12, seed=3, folder=tmp_path, model_id="another-model")

    assert job is not None


def test_demo_load_prints_a_finished_progress_bar(tmp_path, settings, capsys):
    settings.STATE_DIR = tmp_path

    call_command("demo_load", "--count", "6", "--seed", "2")

    output = capsys.readouterr().out
    assert "100.0%" in output
    assert "demo catalogue imported: 6 rows done, 0 failed" in output


def test_demo_load_refuses_a_count_below_one():
    with pytest.raises(CommandError, match="--count must be at least 1"):
        call_command("demo_load", "--count", "0")
