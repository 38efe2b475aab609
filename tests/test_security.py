"""Protections that must not quietly go away."""

from __future__ import annotations

import datetime
import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from assessments.periods import Quarter
from assessments.services import assessment_start, assessment_submit
from organizations.models import Organization, Team
from tests.conftest import PASSWORD, fill, make_user, page_form

REPO = Path(__file__).resolve().parent.parent
LOGIN = "/accounts/login/"
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "maturity.settings",
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "prod-like-" + "k3y-0f-fifty-plus-random-characters-for-the-deploy-check",
    "DJANGO_ALLOWED_HOSTS": "maturity.example.com,testserver",
    "DJANGO_LOG_LEVEL": "WARNING",
}


# --- Sign-in throttling (more in test_sign_in.py) --------------------------------------------


def sign_in(client, username, password, address="10.0.0.1"):
    """Submit the sign-in page's own form (CSRF token included) from one client address."""
    fields = page_form(client.get(LOGIN, REMOTE_ADDR=address), "login-form")
    fields.update(username=username, password=password)
    return client.post(LOGIN, fields, REMOTE_ADDR=address)


@pytest.fixture
def visitor():
    return Client(enforce_csrf_checks=True)


def test_five_wrong_passwords_lock_the_username_even_for_the_right_one(visitor, lead_a):
    for _ in range(5):
        assert sign_in(visitor, "lead_a", "wrong").status_code == 200
    response = sign_in(visitor, "lead_a", PASSWORD)
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.content.decode()
    assert "_auth_user_id" not in visitor.session


def test_the_lock_lifts_after_the_window(visitor, lead_a):
    for _ in range(5):
        sign_in(visitor, "lead_a", "wrong")
    AccessAttempt.objects.update(attempt_time=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC))
    assert sign_in(visitor, "lead_a", PASSWORD).status_code == 302


def test_one_address_guessing_many_usernames_gets_no_second_guess_at_any(visitor, lead_a, settings):
    settings.SIGN_IN_MAX_FAILURES_PER_ADDRESS = 20
    for n in range(20):
        sign_in(visitor, f"user{n}", "guess", address="10.9.9.9")
    assert sign_in(visitor, "user0", "guess", address="10.9.9.9").status_code == 429
    colleague = Client(enforce_csrf_checks=True)  # behind the same address, not under attack
    assert sign_in(colleague, "lead_a", PASSWORD, address="10.9.9.9").status_code == 302


def test_a_successful_sign_in_clears_earlier_failures(visitor, lead_a):
    for _ in range(4):
        sign_in(visitor, "lead_a", "wrong")
    assert sign_in(visitor, "lead_a", PASSWORD).status_code == 302
    assert not AccessAttempt.objects.filter(username="lead_a").exists()


# --- Escaping -------------------------------------------------------------------------------

HOSTILE = "<script>alert('x')</script>"


@pytest.fixture
def hostile(model_v0, lead_a, consultant):
    organization = Organization.objects.create(name=f"Org {HOSTILE}", slug="hostile")
    organization.consultants.add(consultant)
    team = Team.objects.create(organization=organization, name=f"Team {HOSTILE}", slug="t")
    team.leads.add(lead_a)
    assessment, _ = assessment_start(team=team, period=Quarter(2026, 3), user=lead_a)
    fill(assessment, 3, {"VO-1": f"Note {HOSTILE} <img src=x onerror=alert(1)>"})
    assessment = assessment_submit(assessment=assessment, user=lead_a)
    draft, _ = assessment_start(team=team, period=Quarter(2026, 4), user=lead_a)
    fill(draft, 2, {"CX-1": f"Draft {HOSTILE}"})
    return assessment, draft


def test_user_text_is_escaped_on_every_page(client, hostile, consultant):
    report, draft = hostile
    client.force_login(consultant)
    pages = [
        reverse("assessments:dashboard"),
        reverse("assessments:report", args=[report.pk]),
        reverse("assessments:team", args=[report.team_id]),
        reverse("assessments:step", args=[draft.pk, 3]),
        reverse("assessments:step", args=[draft.pk, 6]),  # outcome figures
        reverse("assessments:step", args=[draft.pk, 7]),  # review
        reverse("assessments:report", args=[draft.pk]),
        reverse("assessments:new"),
        reverse("assessments:import", args=["hostile"]),
    ]
    for url in pages:
        html = client.get(url).content.decode()
        assert HOSTILE not in html, url
        assert "<img src=x" not in html, url
        assert "&lt;script&gt;" in html, url


def test_user_text_is_plain_text_in_the_pdf(client, hostile, consultant):
    report, _ = hostile
    client.force_login(consultant)
    response = client.get(reverse("assessments:report-pdf", args=[report.pk]))
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)

    def unwrapped(value: str) -> str:  # table columns wrap long text after "/" and spaces
        return "".join(value.split())

    assert unwrapped(f"Org {HOSTILE}") in unwrapped(text)
    assert unwrapped("Note <script>alert('x')</script> <img src=x onerror=alert(1)>") in (
        unwrapped(text)
    )


# --- Headers, cookies, deployment settings ---------------------------------------------------


def test_every_page_sends_a_csp_without_inline_scripts(client, lead_a, model_v0):
    client.force_login(lead_a)
    for url in (LOGIN, reverse("assessments:dashboard"), "/healthz"):
        policy = client.get(url)["Content-Security-Policy"]
        script_src = re.search(r"script-src ([^;]+)", policy).group(1)
        assert script_src.strip() == "'self'"
        assert "frame-ancestors 'none'" in policy


def test_no_template_has_an_inline_script():
    inline = []
    for template in (REPO / "templates").rglob("*.html"):
        for tag in re.findall(r"<script\b[^>]*>", template.read_text(encoding="utf-8")):
            if "src=" not in tag:
                inline.append(f"{template.name}: {tag}")
    assert inline == []


def run_production(*args: str, code: str | None = None, tmp: Path | None = None):
    """Run manage.py or a script under production settings (a scratch database in tmp)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.pop("DATABASE_URL", None)
    env.update(PRODUCTION_ENV)
    if tmp:
        env["DATABASE_URL"] = f"sqlite:///{tmp / 'prod.sqlite3'}"
        env["DJANGO_STATIC_ROOT"] = str(tmp / "static")
    command = [sys.executable, "manage.py", *args] if code is None else [sys.executable, "-c", code]
    # Generous: these start Django (and may collect static files) on a machine that may be busy.
    return subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=300)


# Prepended to a script run with run_production(code=...) before django.setup(): static files
# are stored as production stores them (hashed names, a manifest) but not gzip/brotli
# compressed, which takes most of a minute for plotly.js, Bootstrap and the admin's files and
# is not what these tests check.
STATIC_WITHOUT_COMPRESSION = """
import maturity.settings as production
from django.contrib.staticfiles.storage import ManifestStaticFilesStorage
from django.utils.module_loading import import_string
backend = import_string(production.STORAGES["staticfiles"]["BACKEND"])
assert issubclass(backend, ManifestStaticFilesStorage), backend
production.STORAGES["staticfiles"] = {
    "BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
}
"""


def test_check_deploy_is_clean_under_production_settings():
    result = run_production("check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_cookies_are_secure_and_http_only(tmp_path):
    code = (
        STATIC_WITHOUT_COMPRESSION
        + """
import django; django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
call_command("collectstatic", interactive=False, verbosity=0)
from django.contrib.auth import get_user_model
from django.test import Client
get_user_model().objects.create_user("lead", password="a-long-test-password")
client = Client(HTTP_HOST="maturity.example.com", HTTP_X_FORWARDED_PROTO="https", secure=True)
client.get("/accounts/login/")
response = client.post("/accounts/login/", {"username": "lead", "password": "a-long-test-password"})
response = client.get("/", follow=True)
assert response.status_code == 200, response.status_code
assert "/static/vendor/plotly/" not in response.content.decode()  # dashboard loads no plotly
for name, morsel in client.cookies.items():
    print(name, bool(morsel["secure"]), bool(morsel["httponly"]))
"""
    )
    result = run_production(code=code, tmp=tmp_path)
    assert result.returncode == 0, result.stderr
    cookies = {line.split()[0]: line.split()[1:] for line in result.stdout.strip().splitlines()}
    # The CSRF token lives in the session (CSRF_USE_SESSIONS): the session is the only cookie.
    assert set(cookies) == {"sessionid"}, cookies
    assert all(flags == ["True", "True"] for flags in cookies.values()), cookies


def test_production_redirects_plain_http_to_https():
    code = """
import django; django.setup()
from django.test import Client
print(Client(HTTP_HOST="maturity.example.com").get("/healthz").status_code)
secure = Client(HTTP_HOST="maturity.example.com", HTTP_X_FORWARDED_PROTO="https")
print(secure.get("/healthz")["Strict-Transport-Security"])
"""
    result = run_production(code=code)
    assert result.returncode == 0, result.stderr
    status, hsts = result.stdout.split("\n")[:2]
    assert status == "301"
    assert "max-age=31536000" in hsts and "includeSubDomains" in hsts


def test_a_non_staff_user_never_reaches_admin_data(client, model_v0):
    client.force_login(make_user("plain"))
    for url in ("/admin/", "/admin/assessments/assessment/", "/admin/auth/user/"):
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
