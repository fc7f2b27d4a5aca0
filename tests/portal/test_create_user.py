import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


def test_it_creates_a_user_with_a_role():
    call_command("create_user", "bert", "--role", "editor", "--password", "ein-gutes-Passwort-9")
    user = User.objects.get(username="bert")
    assert list(user.groups.values_list("name", flat=True)) == ["editor"]
    assert user.check_password("ein-gutes-Passwort-9")
    assert not user.is_staff


def test_admins_get_admin_site_access():
    call_command("create_user", "ada", "--role", "admin", "--password", "ein-gutes-Passwort-9")
    assert User.objects.get(username="ada").is_staff


def test_it_refuses_an_unknown_role():
    with pytest.raises(CommandError):
        call_command("create_user", "x", "--role", "king", "--password", "ein-gutes-Passwort-9")


def test_it_refuses_a_weak_password():
    with pytest.raises(CommandError, match="password rejected"):
        call_command("create_user", "x", "--role", "analyst", "--password", "123")
    assert not User.objects.filter(username="x").exists()


def test_it_refuses_an_existing_name(analyst):
    with pytest.raises(CommandError, match="already exists"):
        call_command("create_user", analyst.username, "--role", "admin", "--password", "ein-gutes-Passwort-9")


def test_it_asks_for_the_password_when_none_is_given(monkeypatch):
    answers = iter(["ein-gutes-Passwort-9", "ein-gutes-Passwort-9"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    call_command("create_user", "clara", "--role", "analyst")
    assert User.objects.get(username="clara").check_password("ein-gutes-Passwort-9")
