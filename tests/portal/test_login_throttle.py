"""Login throttling: per account and per client, on the portal's and the admin's login, with
the attempts in PostgreSQL (portal.login_throttle)."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client, RequestFactory
from django.utils import timezone, translation

from portal import login_throttle
from portal.forms import throttled_message
from portal.models import LoginAttempt
from tests.factories import PASSWORD, login

pytestmark = pytest.mark.django_db

REFUSED_DE = "Zu viele fehlgeschlagene Anmeldeversuche"
REFUSED_EN = "Too many failed login attempts"


@pytest.fixture(autouse=True)
def limits(settings):
    settings.LOGIN_THROTTLE_ACCOUNT_LIMIT = 5
    settings.LOGIN_THROTTLE_CLIENT_LIMIT = 20
    settings.LOGIN_THROTTLE_WINDOW_SECONDS = 15 * 60
    settings.LOGIN_TRUSTED_PROXIES = 0
    return settings


def post_login(client: Client, username: str, password: str, *, url: str = "/login/", **extra):
    return client.post(url, {"username": username, "password": password}, **extra)


def logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def fail(client: Client, username: str, times: int, **extra) -> None:
    for _ in range(times):
        response = post_login(client, username, "falsch", **extra)
        assert response.status_code == 200


def age(**delta) -> None:
    """Move every recorded attempt back in time: the window is controlled without sleeping."""
    LoginAttempt.objects.update(created_at=timezone.now() - timedelta(**delta))


# --- per account ---------------------------------------------------------------------------------


def test_wrong_passwords_then_the_right_one_is_refused(client, analyst):
    fail(client, analyst.username, 5)
    response = post_login(client, analyst.username, PASSWORD)
    assert response.status_code == 200
    assert not logged_in(client)
    page = response.content.decode()
    assert REFUSED_DE in page
    assert "auch mit dem richtigen Passwort" in page
    # Not the wrong-password message: the user must know that waiting, not retyping, helps.
    assert "passen nicht zusammen" not in page
    outcomes = list(LoginAttempt.objects.order_by("created_at", "pk").values_list("outcome", flat=True))
    assert outcomes == ["failed"] * 5 + ["refused"]


def test_four_failures_still_let_the_right_password_in(client, analyst):
    fail(client, analyst.username, 4)
    response = post_login(client, analyst.username, PASSWORD)
    assert response.status_code == 302
    assert logged_in(client)


def test_a_success_starts_the_account_count_afresh(client, analyst):
    fail(client, analyst.username, 4)
    assert post_login(client, analyst.username, PASSWORD).status_code == 302
    client.post("/logout/")
    fail(client, analyst.username, 4)
    assert post_login(client, analyst.username, PASSWORD).status_code == 302


def test_the_account_limit_ignores_case_and_other_clients(analyst):
    first, second = Client(REMOTE_ADDR="198.51.100.1"), Client(REMOTE_ADDR="198.51.100.2")
    fail(first, analyst.username.upper(), 3)
    fail(second, analyst.username, 2)
    response = post_login(Client(REMOTE_ADDR="198.51.100.3"), analyst.username, PASSWORD)
    assert REFUSED_DE in response.content.decode()


def test_the_message_says_when_to_try_again(client, analyst):
    fail(client, analyst.username, 5)
    oldest = LoginAttempt.objects.order_by("created_at").first().created_at
    retry_at = timezone.localtime(oldest + timedelta(minutes=15) + timedelta(seconds=59))
    page = post_login(client, analyst.username, PASSWORD).content.decode()
    assert "Bitte versuchen Sie es in 15 Minuten erneut" in page
    assert f"um {retry_at:%H:%M} Uhr" in page


def test_the_message_in_english(client, analyst):
    client.post("/i18n/setlang/", {"language": "en", "next": "/login/"})
    fail(client, analyst.username, 5)
    page = post_login(client, analyst.username, PASSWORD).content.decode()
    assert REFUSED_EN in page and "even with the correct password" in page


def test_throttled_message_counts_minutes_up():
    now = timezone.now()
    with translation.override("en"):
        assert "in 1 minute (" in throttled_message(now + timedelta(seconds=5), now=now)
        assert "in 2 minutes (" in throttled_message(now + timedelta(seconds=61), now=now)
    with translation.override("de"):
        assert "in 1 Minute erneut" in throttled_message(now + timedelta(seconds=5), now=now)


# --- the window ----------------------------------------------------------------------------------


def test_the_lock_ends_when_the_failures_leave_the_window(client, analyst):
    fail(client, analyst.username, 5)
    age(minutes=14, seconds=50)
    assert REFUSED_DE in post_login(client, analyst.username, PASSWORD).content.decode()
    age(minutes=15, seconds=1)
    assert post_login(client, analyst.username, PASSWORD).status_code == 302
    assert logged_in(client)


def test_refused_attempts_do_not_prolong_the_lock(client, analyst):
    fail(client, analyst.username, 5)
    age(minutes=15, seconds=1)
    LoginAttempt.objects.create(
        username=analyst.username,
        client_address="127.0.0.1",
        outcome=LoginAttempt.Outcome.REFUSED,
        place=LoginAttempt.Place.PORTAL,
        created_at=timezone.now(),
    )
    assert post_login(client, analyst.username, PASSWORD).status_code == 302


def test_a_refused_attempt_does_not_check_the_password(analyst):
    checked: list[bool] = []
    for _ in range(5):
        login_throttle.login_attempt(
            username=analyst.username, address="192.0.2.7", place="portal", check_password=lambda: False
        )
    decision = login_throttle.login_attempt(
        username=analyst.username,
        address="192.0.2.7",
        place="portal",
        check_password=lambda: checked.append(True),
    )
    assert decision.refused and checked == []
    assert decision.retry_at is not None


# --- per client ----------------------------------------------------------------------------------


def test_one_client_trying_many_user_names_is_refused(analyst):
    attacker = Client(REMOTE_ADDR="203.0.113.50")
    for n in range(20):
        fail(attacker, f"user{n}", 1)
    response = post_login(attacker, analyst.username, PASSWORD)
    assert REFUSED_DE in response.content.decode()
    assert not logged_in(attacker)
    # The account itself is not locked: from elsewhere its owner logs in.
    elsewhere = Client(REMOTE_ADDR="203.0.113.51")
    assert post_login(elsewhere, analyst.username, PASSWORD).status_code == 302


def test_the_client_count_is_not_reset_by_a_success(analyst, editor):
    attacker = Client(REMOTE_ADDR="203.0.113.60")
    for n in range(19):
        fail(attacker, f"user{n}", 1)
    assert post_login(attacker, editor.username, PASSWORD).status_code == 302  # one known account
    attacker.post("/logout/")
    fail(attacker, "user-x", 1)  # the 20th failure
    assert REFUSED_DE in post_login(attacker, analyst.username, PASSWORD).content.decode()


def test_parallel_attempts_cannot_slip_past_the_limit(transactional_db, settings):
    """Ten requests at once (other processes, in effect: each thread has its own connection)."""
    settings.LOGIN_THROTTLE_ACCOUNT_LIMIT = 3
    start = threading.Barrier(10)
    outcomes: list[str] = []

    def slow_wrong_password() -> bool:
        threading.Event().wait(0.05)  # a password hash takes a while
        return False

    def attempt() -> None:
        try:
            start.wait()
            decision = login_throttle.login_attempt(
                username="target", address="192.0.2.1", place="portal", check_password=slow_wrong_password
            )
            outcomes.append(decision.outcome)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["failed"] * 3 + ["refused"] * 7


# --- the admin login -----------------------------------------------------------------------------


def test_the_admin_login_is_throttled_too(client, admin_user):
    fail(client, admin_user.username, 5, url="/admin/login/")
    response = post_login(client, admin_user.username, PASSWORD, url="/admin/login/")
    assert response.status_code == 200
    assert REFUSED_DE in response.content.decode()
    assert not logged_in(client)
    assert set(LoginAttempt.objects.values_list("place", flat=True)) == {"admin"}


def test_failures_on_either_login_count_together(client, admin_user):
    fail(client, admin_user.username, 3, url="/admin/login/")
    fail(client, admin_user.username, 2)
    assert REFUSED_DE in post_login(client, admin_user.username, PASSWORD).content.decode()


def test_the_admin_login_still_works(client, admin_user):
    response = post_login(client, admin_user.username, PASSWORD, url="/admin/login/")
    assert response.status_code == 302 and logged_in(client)


# --- a normal login ------------------------------------------------------------------------------


def test_a_normal_login_is_unaffected_and_recorded(client, analyst):
    response = post_login(client, analyst.username, PASSWORD, REMOTE_ADDR="192.0.2.44")
    assert response.status_code == 302 and response["Location"] == "/"
    assert logged_in(client)
    attempt = LoginAttempt.objects.get()
    assert (attempt.username, attempt.client_address, attempt.outcome, attempt.place) == (
        analyst.username,
        "192.0.2.44",
        "succeeded",
        "portal",
    )


def test_an_empty_password_is_a_form_error_not_an_attempt(client, analyst):
    response = post_login(client, analyst.username, "")
    assert response.status_code == 200
    assert LoginAttempt.objects.count() == 0


# --- what admins see -----------------------------------------------------------------------------


def test_admins_read_the_attempts_in_the_admin(client, admin_user, analyst):
    fail(Client(REMOTE_ADDR="203.0.113.9"), "mallory", 2)
    login(client, admin_user)
    page = client.get("/admin/portal/loginattempt/").content.decode()
    assert "mallory" in page and "203.0.113.9" in page
    filtered = client.get("/admin/portal/loginattempt/?outcome__exact=succeeded")
    assert filtered.status_code == 200 and "mallory" not in filtered.content.decode()
    # Read-only: no adding, and a row's page shows no save button.
    assert client.get("/admin/portal/loginattempt/add/").status_code == 403
    row = LoginAttempt.objects.first()
    detail = client.get(f"/admin/portal/loginattempt/{row.pk}/change/").content.decode()
    assert 'name="_save"' not in detail


def test_analysts_do_not_see_the_attempts(client, analyst):
    fail(Client(REMOTE_ADDR="203.0.113.9"), "mallory", 1)
    login(client, analyst)
    response = client.get("/admin/portal/loginattempt/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


# --- client address and pruning ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "198.51.100.1", "192.0.2.10"),  # no trusted proxy: the header is ignored
        (1, "6.6.6.6, 198.51.100.1", "198.51.100.1"),  # the client wrote 6.6.6.6 itself
        (2, "198.51.100.1, 192.0.2.20", "198.51.100.1"),
        (2, "198.51.100.1", "192.0.2.10"),  # fewer entries than proxies: not trusted
        (1, "not-an-address", "192.0.2.10"),
        (1, "", "192.0.2.10"),
    ],
)
def test_the_client_address(settings, proxies, forwarded, expected):
    settings.LOGIN_TRUSTED_PROXIES = proxies
    request = RequestFactory().post("/login/", REMOTE_ADDR="192.0.2.10", HTTP_X_FORWARDED_FOR=forwarded)
    assert login_throttle.client_address(request) == expected


def test_behind_a_trusted_proxy_clients_are_told_apart(settings, analyst):
    settings.LOGIN_TRUSTED_PROXIES = 1
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    for n in range(20):
        fail(Client(**proxy, HTTP_X_FORWARDED_FOR="203.0.113.7"), f"user{n}", 1)
    other = Client(**proxy, HTTP_X_FORWARDED_FOR="203.0.113.8")
    assert post_login(other, analyst.username, PASSWORD).status_code == 302


def test_old_attempts_are_pruned(settings):
    settings.LOGIN_ATTEMPTS_KEEP_DAYS = 30
    now = timezone.now()
    for days in (31, 29):
        LoginAttempt.objects.create(
            username=f"u{days}", client_address="192.0.2.1", outcome="failed", place="portal",
            created_at=now - timedelta(days=days),
        )  # fmt: skip
    assert login_throttle.prune_login_attempts(now=now) == 1
    assert list(LoginAttempt.objects.values_list("username", flat=True)) == ["u29"]
