import pytest
from django.core.management import CommandError, call_command


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--steps", "0"], "--steps must be at least 1"),
        (["--batch-size", "1"], "--batch-size at least 2"),
        (["--out", "/no/such/folder/model.safetensors"], "the folder for --out does not exist: /no/such/folder"),
    ],
)
def test_train_demo_model_rejects_bad_arguments_before_training(arguments, message):
    with pytest.raises(CommandError, match=message):
        call_command("train_demo_model", *arguments)
