import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


def test_staff_ensure_creates_the_user_once(capsys):
    call_command("staff_ensure", "--username", "boss")
    call_command("staff_ensure", "--username", "boss")

    output = capsys.readouterr().out
    assert output.count("staff user created: boss / ") == 1
    assert "staff user 'boss' exists" in output


def test_staff_ensure_refuses_an_empty_username():
    with pytest.raises(CommandError, match="--username must not be empty"):
        call_command("staff_ensure", "--username", " ")
