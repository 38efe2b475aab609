"""Sign-in throttling on every path into authenticate(): our sign-in page and admin's.

Every request here posts what the page's own form posts (its CSRF token included, with CSRF
checks on), from a client address, as a browser behind that address would.
"""

from __future__ import annotations

import datetime
import io
import json
import logging
import os
import re
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.core import mail
from django.core.management import call_command
from django.db import connections
from django.test import Client
from django.utils import timezone

from organizations.signin import client_address, normalise_username
from organizations.throttle import guess_allowed
from tests.conftest import PASSWORD, make_user, page_form

REPO = Path(__file__).resolve().parent.parent

LOGIN = "/accounts/login/"
ADMIN_LOGIN = "/admin/login/"
HOME = "10.0.0.1"


def sign_in(client: Client, username: str, password: str, *, address=HOME, path=LOGIN, **meta):
    """Open the sign-in page, fill in its form and submit it, from one client address."""
    page = client.get(path, REMOTE_ADDR=address, **meta)
    assert page.status_code == 200, page.status_code
    fields = page_form(page, "login-form")
    fields.update(username=username, password=password)
    return client.post(path, fields, REMOTE_ADDR=address, **meta)


def signed_in(client: Client, response) -> bool:
    return response.status_code == 302 and "_auth_user_id" in client.session


def locked_out(client: Client, response) -> bool:
    return response.status_code == 429 and "_auth_user_id" not in client.session


def fresh() -> Client:
    return Client(enforce_csrf_checks=True)


# --- Finding: admin's sign-in had no throttle at all ------------------------------------------


def test_admin_sign_in_locks_after_five_wrong_passwords_even_for_the_right_one(admin_user):
    for _ in range(5):
        response = sign_in(fresh(), "admin", "wrong", path=ADMIN_LOGIN)
        assert response.status_code == 200
    browser = fresh()
    response = sign_in(browser, "admin", PASSWORD, path=ADMIN_LOGIN)
    assert locked_out(browser, response)
    assert "Too many failed sign-in attempts" in response.content.decode()


def test_wrong_passwords_on_admin_and_on_our_page_count_together(lead_a):
    for path in (ADMIN_LOGIN, LOGIN, ADMIN_LOGIN, LOGIN, ADMIN_LOGIN):
        sign_in(fresh(), "lead_a", "wrong", path=path)
    browser = fresh()
    assert locked_out(browser, sign_in(browser, "lead_a", PASSWORD))


# --- Finding: spaces, full-width letters or a no-break space gave a username a fresh count -----

VARIANTS = [
    " lead_a ",
    "\u00a0lead_a\u00a0",  # no-break spaces
    "\u3000lead_a",  # ideographic space
    "\uff4c\uff45\uff41\uff44\uff3f\uff41",  # full-width "lead_a"
    "LEAD_A",
    "Lead_A",
]


@pytest.mark.parametrize("variant", VARIANTS)
def test_a_variant_of_the_username_signs_in_to_the_same_account(lead_a, variant):
    browser = fresh()
    assert signed_in(browser, sign_in(browser, variant, PASSWORD))
    assert browser.session["_auth_user_id"] == str(lead_a.pk)


@pytest.mark.parametrize("variant", VARIANTS)
def test_variants_of_a_username_share_one_lock(lead_a, variant):
    for name in ("lead_a", variant, "lead_a", variant, variant):
        assert sign_in(fresh(), name, "wrong").status_code == 200
    for name in ("lead_a", variant):
        browser = fresh()
        assert locked_out(browser, sign_in(browser, name, PASSWORD)), name


# --- Finding: one client could lock out everyone behind the same proxy address ---------------


def test_failures_from_a_shared_address_never_lock_out_a_colleague_with_the_right_password(
    lead_a,
):
    """Past the address ceiling too: the colleague's account is not the one under attack."""
    for n in range(105):
        sign_in(fresh(), f"user{n}", "guess", address="10.9.9.9")
    browser = fresh()
    assert signed_in(browser, sign_in(browser, "lead_a", PASSWORD, address="10.9.9.9"))


# --- Finding: concurrent guesses slipped past the limit ---------------------------------------


class PasswordChecks:
    """Counts password checks. Each checking thread waits until every thread has been either
    let through to its check or turned away, so no guess has been recorded as a failure yet
    when the last one asks the throttle: the worst interleaving, on every run."""

    def __init__(self, threads: int):
        self.threads, self.decided, self.checked = threads, 0, 0
        self.condition = threading.Condition()
        self.original = AbstractBaseUser.check_password

    def _decide(self) -> None:
        with self.condition:
            self.decided += 1
            self.condition.notify_all()

    def turned_away(self) -> None:
        self._decide()

    def check_password(self, user, raw_password):
        with self.condition:
            self.checked += 1
        self._decide()
        with self.condition:
            everyone = self.condition.wait_for(lambda: self.decided >= self.threads, timeout=60)
        assert everyone, "a thread never reached the throttle"
        return self.original(user, raw_password)


def guess_together(monkeypatch, path: str, username: str, threads: int) -> tuple[int, list[int]]:
    """`threads` browsers, each with the page open, send a wrong password at the same moment,
    each over its own database connection. Returns (passwords checked, response statuses)."""
    checks = PasswordChecks(threads)
    monkeypatch.setattr(
        AbstractBaseUser, "check_password", lambda user, raw: checks.check_password(user, raw)
    )
    pages = []
    for _ in range(threads):  # every browser opens the page first: its own CSRF token
        client = fresh()
        fields = page_form(client.get(path, REMOTE_ADDR=HOME), "login-form")
        pages.append((client, {**fields, "username": username, "password": "wrong"}))
    start = threading.Barrier(threads)
    statuses: list[int] = []
    errors: list[BaseException] = []

    def guess(client: Client, fields: dict) -> None:
        try:
            start.wait(timeout=60)
            response = client.post(path, fields, REMOTE_ADDR=HOME)
            statuses.append(response.status_code)
            if response.status_code == 429:
                checks.turned_away()
        except BaseException as error:  # reported by the main thread
            errors.append(error)
            checks.turned_away()
        finally:
            connections.close_all()

    workers = [threading.Thread(target=guess, args=page) for page in pages]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    monkeypatch.undo()
    assert not any(worker.is_alive() for worker in workers)
    assert errors == []
    return checks.checked, statuses


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("path", [LOGIN, ADMIN_LOGIN])
def test_concurrent_wrong_passwords_get_no_more_than_five_checks(monkeypatch, path):
    threads = 8
    for round_ in range(3):  # bounded: the interleaving is the worst one every round
        username = f"racer{round_}"
        make_user(username, is_staff=True)
        checked, statuses = guess_together(monkeypatch, path, username, threads)
        assert checked <= 5, f"round {round_}: {checked} passwords checked"
        assert sorted(statuses) == [200] * checked + [429] * (threads - checked)
        assert AccessAttempt.objects.get(username=username).failures_since_start == checked
        browser = fresh()
        assert locked_out(browser, sign_in(browser, username, PASSWORD, path=path))


# --- The policy, one rule at a time ---------------------------------------------------------


def test_the_fifth_wrong_password_is_still_checked_and_the_sixth_guess_is_not(lead_a):
    for n in range(1, 6):
        response = sign_in(fresh(), "lead_a", "wrong")
        assert response.status_code == 200, n
        assert "Please enter a correct username and password" in response.content.decode()
    response = sign_in(fresh(), "lead_a", "wrong")
    assert response.status_code == 429
    html = response.content.decode()
    assert "Too many failed sign-in attempts. Wait 15 minutes" in html
    assert 'href="/accounts/password/reset/"' in html


def test_a_lock_holds_one_username_at_one_address_only(lead_a, lead_b):
    for _ in range(5):
        sign_in(fresh(), "lead_a", "wrong", address="10.6.6.6")
    browser = fresh()
    assert locked_out(browser, sign_in(browser, "lead_a", PASSWORD, address="10.6.6.6"))
    elsewhere = fresh()  # the same person from home: not locked out by the guesser
    assert signed_in(elsewhere, sign_in(elsewhere, "lead_a", PASSWORD, address="10.0.0.2"))
    colleague = fresh()  # another person behind the guesser's address
    assert signed_in(colleague, sign_in(colleague, "lead_b", PASSWORD, address="10.6.6.6"))


def test_the_right_password_wipes_its_own_failures_only(lead_a, lead_b):
    for _ in range(4):
        sign_in(fresh(), "lead_a", "wrong")
        sign_in(fresh(), "lead_b", "wrong")
    browser = fresh()
    assert signed_in(browser, sign_in(browser, "lead_a", PASSWORD))
    assert not AccessAttempt.objects.filter(username="lead_a").exists()
    assert AccessAttempt.objects.get(username="lead_b").failures_since_start == 4
    for _ in range(5):  # lead_a has all five tries again
        assert sign_in(fresh(), "lead_a", "wrong").status_code == 200


def test_the_lock_lifts_after_the_window_from_the_last_failure(lead_a, settings):
    for _ in range(5):
        sign_in(fresh(), "lead_a", "wrong")
    browser = fresh()
    assert locked_out(browser, sign_in(browser, "lead_a", PASSWORD))
    settings.SIGN_IN_WINDOW_SECONDS = 60
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(seconds=61))
    browser = fresh()
    assert signed_in(browser, sign_in(browser, "lead_a", PASSWORD))


def test_refused_guesses_do_not_extend_the_lock(lead_a):
    for _ in range(5):
        sign_in(fresh(), "lead_a", "wrong")
    last_failure = AccessAttempt.objects.get().attempt_time
    for _ in range(3):
        assert sign_in(fresh(), "lead_a", "wrong").status_code == 429
    attempt = AccessAttempt.objects.get()
    assert (attempt.attempt_time, attempt.failures_since_start) == (last_failure, 5)


def test_past_the_address_ceiling_each_username_gets_one_guess_and_no_second(
    lead_a, lead_b, settings
):
    settings.SIGN_IN_MAX_FAILURES_PER_ADDRESS = 3
    hot = "10.7.7.7"
    for name in ("user0", "user1", "user2", "lead_b"):  # the fourth is past the ceiling
        assert sign_in(fresh(), name, "guess", address=hot).status_code == 200
    for name in ("user0", "lead_b"):  # failed here before: no second guess
        assert sign_in(fresh(), name, "guess", address=hot).status_code == 429
    browser = fresh()  # even with the right password: lead_b's account was guessed at here
    assert locked_out(browser, sign_in(browser, "lead_b", PASSWORD, address=hot))
    browser = fresh()  # lead_a was not: the first try is theirs
    assert signed_in(browser, sign_in(browser, "lead_a", PASSWORD, address=hot))
    browser = fresh()  # and lead_b from elsewhere is untouched
    assert signed_in(browser, sign_in(browser, "lead_b", PASSWORD, address="10.0.0.2"))


def test_the_address_rule_on_its_own(settings):
    settings.SIGN_IN_MAX_FAILURES_PER_USERNAME_AND_ADDRESS = 5
    settings.SIGN_IN_MAX_FAILURES_PER_ADDRESS = 100
    assert guess_allowed(pair=5, address=5)
    assert not guess_allowed(pair=6, address=6)
    assert guess_allowed(pair=2, address=100)
    assert not guess_allowed(pair=2, address=101)
    assert guess_allowed(pair=1, address=10_000)


def test_usernames_normalise_to_one_key():
    assert {normalise_username(v) for v in [*VARIANTS, "lead_a"]} == {"lead_a"}
    assert normalise_username("Stra\u00dfe") == normalise_username("STRASSE") == "strasse"
    assert normalise_username("x" * 10_000) == "x" * 255


def test_two_accounts_differing_in_case_only_are_not_guessed_between(db):
    make_user("Alex")
    make_user("alex")
    for typed, expected in (("Alex", "Alex"), ("alex", "alex")):
        browser = fresh()
        assert signed_in(browser, sign_in(browser, typed, PASSWORD))
        assert browser.session["_auth_user_id"] == str(
            get_user_model().objects.get(username=expected).pk
        )
    browser = fresh()
    assert sign_in(browser, "ALEX", PASSWORD).status_code == 200
    assert "_auth_user_id" not in browser.session


def test_the_password_is_never_stored_with_a_failure(lead_a):
    sign_in(fresh(), "lead_a", "my-secret-guess")
    attempt = AccessAttempt.objects.get()
    assert "my-secret-guess" not in attempt.post_data
    assert (attempt.username, attempt.ip_address, attempt.path_info) == (
        "lead_a",
        HOME,
        LOGIN,
    )


# --- The client address behind a proxy -------------------------------------------------------


@pytest.fixture
def behind_one_proxy(settings):
    settings.SIGN_IN_CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    settings.SIGN_IN_TRUSTED_PROXIES = 1
    return "10.0.0.254"  # the proxy: every request's REMOTE_ADDR


def test_behind_a_proxy_each_client_has_its_own_count(lead_a, behind_one_proxy):
    for n in range(5):  # what the client puts in the header itself is not believed
        forwarded = f"198.51.100.{n}, 203.0.113.5"
        sign_in(
            fresh(), "lead_a", "wrong", address=behind_one_proxy, HTTP_X_FORWARDED_FOR=forwarded
        )
    guesser = fresh()
    response = sign_in(
        guesser,
        "lead_a",
        PASSWORD,
        address=behind_one_proxy,
        HTTP_X_FORWARDED_FOR="192.0.2.77, 203.0.113.5",
    )
    assert locked_out(guesser, response)
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.5"}
    owner = fresh()  # behind the same proxy, from another client address
    response = sign_in(
        owner, "lead_a", PASSWORD, address=behind_one_proxy, HTTP_X_FORWARDED_FOR="203.0.113.6"
    )
    assert signed_in(owner, response)


@pytest.mark.parametrize(
    ("header", "proxies", "forwarded", "expected"),
    [
        ("REMOTE_ADDR", 1, "203.0.113.5", "10.0.0.254"),  # header not configured: ignored
        ("HTTP_X_FORWARDED_FOR", 1, "1.1.1.1, 203.0.113.5", "203.0.113.5"),
        ("HTTP_X_FORWARDED_FOR", 2, "1.1.1.1, 203.0.113.5, 10.0.0.9", "203.0.113.5"),
        ("HTTP_X_FORWARDED_FOR", 2, "203.0.113.5", "10.0.0.254"),  # did not pass both proxies
        ("HTTP_X_FORWARDED_FOR", 1, "", "10.0.0.254"),
        ("HTTP_X_FORWARDED_FOR", 1, "not-an-address", "10.0.0.254"),
        ("HTTP_X_FORWARDED_FOR", 1, "203.0.113.5:4711", "203.0.113.5"),
        ("HTTP_X_FORWARDED_FOR", 1, "[2001:DB8::1]:443", "2001:db8::1"),
        ("HTTP_X_REAL_IP", 1, "203.0.113.5", "10.0.0.254"),  # X-Forwarded-For is not it
    ],
)
def test_the_client_address_comes_from_the_configured_header(
    rf, settings, header, proxies, forwarded, expected
):
    settings.SIGN_IN_CLIENT_IP_HEADER = header
    settings.SIGN_IN_TRUSTED_PROXIES = proxies
    request = rf.post(LOGIN, REMOTE_ADDR="10.0.0.254", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == expected


# --- Lockouts are logged, shown in admin, and an admin can clear them -------------------------


@pytest.fixture
def log_lines():
    """What the configured JSON handler writes, captured instead of stdout."""
    config = dict(django_settings.LOGGING["formatters"]["json"])
    formatter = config.pop("()")(**config)
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.addHandler(handler)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    root.removeHandler(handler)


def test_a_lockout_is_logged_with_the_username_and_the_address(lead_a, log_lines):
    for _ in range(5):
        sign_in(fresh(), " Lead_A", "wrong", address="10.6.6.6")
    sign_in(fresh(), "lead_a", PASSWORD, address="10.6.6.6")
    lines = [line for line in log_lines() if line.get("event", "").startswith("sign_in_")]
    assert [(line["event"], line["level"]) for line in lines] == [
        ("sign_in_lockout", "warning"),
        ("sign_in_refused", "warning"),
    ]
    assert all(
        (line["username"], line["address"], line["reason"])
        == ("lead_a", "10.6.6.6", "username_and_address")
        for line in lines
    )
    assert lines[0]["failures"] == 5


def test_admin_lists_lockouts_and_clearing_one_lets_the_person_sign_in(lead_a, admin_user):
    for _ in range(5):
        sign_in(fresh(), "lead_a", "wrong")
    browser = fresh()
    assert locked_out(browser, sign_in(browser, "lead_a", PASSWORD))

    staff = Client()
    staff.force_login(admin_user)
    listing = staff.get("/admin/axes/accessattempt/")
    assert listing.status_code == 200
    assert "lead_a" in listing.content.decode() and "Locked Out" in listing.content.decode()
    failures = staff.get("/admin/axes/accessfailurelog/").content.decode()
    assert failures.count("lead_a") >= 5
    attempt = AccessAttempt.objects.get(username="lead_a")
    delete = f"/admin/axes/accessattempt/{attempt.pk}/delete/"
    assert staff.get(delete).status_code == 200
    assert staff.post(delete, {"post": "yes"}).status_code == 302

    browser = fresh()
    assert signed_in(browser, sign_in(browser, "lead_a", PASSWORD))


def test_axes_reset_username_clears_a_lock_whichever_way_the_name_is_written(lead_a):
    for _ in range(5):
        sign_in(fresh(), "lead_a", "wrong")
    out = io.StringIO()
    call_command("axes_reset_username", "Lead_A", stdout=out)
    assert "1 attempts removed" in out.getvalue()
    browser = fresh()
    assert signed_in(browser, sign_in(browser, "lead_a", PASSWORD))


# --- Changing and resetting a password --------------------------------------------------------


def test_a_signed_in_person_changes_their_password_from_the_navbar(lead_a, model_v0):
    browser = fresh()
    sign_in(browser, "lead_a", PASSWORD)
    dashboard = browser.get("/")
    assert 'href="/accounts/password/change/"' in dashboard.content.decode()
    page = browser.get("/accounts/password/change/")
    assert page.status_code == 200
    fields = page_form(page, "password-change-form")
    fields.update(
        old_password=PASSWORD, new_password1="a-new-pass-phrase", new_password2="a-new-pass-phrase"
    )
    response = browser.post("/accounts/password/change/", fields)
    assert response.status_code == 302 and response["Location"] == "/accounts/password/change/done/"
    assert browser.get("/").status_code == 200  # still signed in here
    other = fresh()
    assert signed_in(other, sign_in(other, "lead_a", "a-new-pass-phrase"))
    assert sign_in(fresh(), "lead_a", PASSWORD).status_code == 200  # the old one is wrong now


def test_changing_a_password_needs_the_current_one(lead_a):
    browser = fresh()
    sign_in(browser, "lead_a", PASSWORD)
    fields = page_form(browser.get("/accounts/password/change/"), "password-change-form")
    fields.update(old_password="wrong", new_password1="a-new-pass-phrase")
    fields.update(new_password2="a-new-pass-phrase")
    response = browser.post("/accounts/password/change/", fields)
    assert response.status_code == 200
    assert "Your old password was entered incorrectly" in response.content.decode()


def reset_link_from_the_mail() -> str:
    (message,) = mail.outbox
    match = re.search(r"http://testserver(/accounts/password/reset/\S+/)", message.body)
    assert match, message.body
    return match.group(1)


def test_a_forgotten_password_is_reset_through_a_link_by_mail(lead_a):
    browser = fresh()
    login_page = browser.get(LOGIN).content.decode()
    assert '<a href="/accounts/password/reset/">Forgot your password?</a>' in login_page
    page = browser.get("/accounts/password/reset/")
    fields = {**page_form(page, "password-reset-form"), "email": "LEAD_A@example.com"}
    response = browser.post("/accounts/password/reset/", fields)
    assert response["Location"] == "/accounts/password/reset/sent/"
    (message,) = mail.outbox
    assert message.to == ["lead_a@example.com"]
    assert message.subject == "Reset your Onboarding Maturity password"
    assert "lead_a" in message.body

    link = reset_link_from_the_mail()
    form_page = browser.get(link, follow=True)
    assert form_page.status_code == 200
    fields = page_form(form_page, "password-set-form")
    fields.update(new_password1="a-new-pass-phrase", new_password2="a-new-pass-phrase")
    done = browser.post(form_page.redirect_chain[-1][0], fields)
    assert done["Location"] == "/accounts/password/reset/done/"
    assert "_auth_user_id" not in browser.session  # the link does not sign anyone in

    assert signed_in(browser, sign_in(browser, "lead_a", "a-new-pass-phrase"))
    used = fresh().get(link, follow=True)
    assert "This link does not work any more" in used.content.decode()


def test_a_reset_for_an_unknown_address_looks_the_same_and_sends_nothing(db):
    browser = fresh()
    fields = page_form(browser.get("/accounts/password/reset/"), "password-reset-form")
    response = browser.post("/accounts/password/reset/", {**fields, "email": "who@example.com"})
    assert response["Location"] == "/accounts/password/reset/sent/"
    assert mail.outbox == []


def test_a_password_reset_by_mail_lifts_the_lock(lead_a):
    for _ in range(5):
        sign_in(fresh(), "lead_a", "wrong")
    browser = fresh()
    fields = page_form(browser.get("/accounts/password/reset/"), "password-reset-form")
    browser.post("/accounts/password/reset/", {**fields, "email": "lead_a@example.com"})
    form_page = browser.get(reset_link_from_the_mail(), follow=True)
    fields = page_form(form_page, "password-set-form")
    fields.update(new_password1="a-new-pass-phrase", new_password2="a-new-pass-phrase")
    browser.post(form_page.redirect_chain[-1][0], fields)
    assert signed_in(browser, sign_in(browser, "lead_a", "a-new-pass-phrase"))


def test_a_reset_mail_that_cannot_be_sent_is_logged_and_the_page_is_the_usual_one(
    lead_a, settings, log_lines
):
    with socket.socket() as closed:  # a port nothing listens on: the connection is refused
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    browser = fresh()
    fields = page_form(browser.get("/accounts/password/reset/"), "password-reset-form")
    response = browser.post("/accounts/password/reset/", {**fields, "email": "lead_a@example.com"})
    assert response["Location"] == "/accounts/password/reset/sent/"
    (line,) = [line for line in log_lines() if "password reset email" in line.get("event", "")]
    assert line["level"] == "error" and "ConnectionRefusedError" in json.dumps(line)


# --- E-mail settings ----------------------------------------------------------------------------


def email_settings(**env: str) -> dict:
    code = (
        "import json; from django.conf import settings as s; print(json.dumps([s.EMAIL_BACKEND, "
        "s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_HOST_USER, s.EMAIL_HOST_PASSWORD, s.EMAIL_USE_TLS, "
        "s.DEFAULT_FROM_EMAIL]))"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "EMAIL_"))}
    clean.update({"DJANGO_SETTINGS_MODULE": "maturity.settings", **env})
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=REPO,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    keys = ["backend", "host", "port", "user", "password", "tls", "from"]
    return dict(zip(keys, json.loads(result.stdout.strip().splitlines()[-1]), strict=True))


def test_mail_goes_to_the_console_in_development():
    found = email_settings(DJANGO_DEBUG="true")
    assert found["backend"] == "django.core.mail.backends.console.EmailBackend"


def test_mail_goes_over_smtp_from_an_email_url_or_the_email_variables():
    secret = {"DJANGO_SECRET_KEY": "k" * 50}
    found = email_settings(
        **secret,
        DJANGO_EMAIL_URL="smtp+tls://mailer:pa55@mail.example.com:587",
        DJANGO_DEFAULT_FROM_EMAIL="Maturity <maturity@example.com>",
    )
    assert found == {
        "backend": "django.core.mail.backends.smtp.EmailBackend",
        "host": "mail.example.com",
        "port": 587,
        "user": "mailer",
        "password": "pa55",
        "tls": True,
        "from": "Maturity <maturity@example.com>",
    }
    found = email_settings(
        **secret,
        DJANGO_EMAIL_HOST="smtp.example.com",
        DJANGO_EMAIL_PORT="2525",
        DJANGO_EMAIL_HOST_USER="mailer",
        DJANGO_EMAIL_HOST_PASSWORD="$tarts-with-a-dollar",
        DJANGO_EMAIL_USE_TLS="true",
    )
    assert found["backend"] == "django.core.mail.backends.smtp.EmailBackend"
    assert (found["host"], found["port"], found["password"], found["tls"]) == (
        "smtp.example.com",
        2525,
        "$tarts-with-a-dollar",
        True,
    )


def test_the_old_per_username_setting_stops_start_up_with_a_clear_message():
    with pytest.raises(AssertionError, match="DJANGO_SIGN_IN_MAX_PER_USERNAME_AND_ADDRESS"):
        email_settings(DJANGO_DEBUG="true", DJANGO_SIGN_IN_MAX_PER_USERNAME="5")
