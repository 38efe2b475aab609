"""Settings read the environment; /healthz answers for the app and its database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from django.db.utils import OperationalError

REPO = Path(__file__).resolve().parent.parent


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    clean.pop("DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO,
        env={**clean, "DJANGO_SETTINGS_MODULE": "maturity.settings", **env},
        capture_output=True,
        text=True,
        timeout=300,  # generous: the suite runs in parallel on machines that may be busy
    )


def test_production_start_up_without_a_secret_key_fails_clearly():
    result = run_manage("check")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_settings_read_lists_blanks_and_secrets_as_people_write_them():
    """Spaces after commas, blank values (meaning: the default), a key starting with "$"."""
    result = run_manage(
        "shell",
        "-c",
        "import json; from django.conf import settings as s; print(json.dumps([s.ALLOWED_HOSTS, "
        "s.CSRF_TRUSTED_ORIGINS, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_PRELOAD, "
        "s.SECURE_HSTS_SECONDS, s.TIME_ZONE, s.SECRET_KEY]))",
        DJANGO_SECRET_KEY="$ecret-key-starting-with-a-dollar-0123456789abcdefghijklmnop",
        DJANGO_ALLOWED_HOSTS=" a.example, b.example ,,",
        DJANGO_CSRF_TRUSTED_ORIGINS="https://a.example, https://b.example",
        DJANGO_SECURE_SSL_REDIRECT="",
        DJANGO_HSTS_PRELOAD=" ",
        DJANGO_HSTS_SECONDS="",
        DJANGO_TIME_ZONE="",
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == [
        ["a.example", "b.example"],
        ["https://a.example", "https://b.example"],
        True,
        True,
        31536000,
        "UTC",
        "$ecret-key-starting-with-a-dollar-0123456789abcdefghijklmnop",
    ]


def test_database_url_selects_the_database():
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings; d = settings.DATABASES['default']; "
        "print(d['ENGINE'], d['NAME'])",
        DJANGO_DEBUG="true",
        DATABASE_URL="sqlite:////tmp/elsewhere.sqlite3",
    )
    assert result.stdout.split()[-2:] == ["django.db.backends.sqlite3", "/tmp/elsewhere.sqlite3"]


def test_postgresql_connections_get_statement_and_lock_timeouts():
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.DATABASES['default']['OPTIONS'])",
        DJANGO_DEBUG="true",
        DATABASE_URL="postgres://u:p@127.0.0.1:5432/db",
        DJANGO_DB_LOCK_TIMEOUT_MS="2500",
    )
    assert result.stdout.strip().splitlines()[-1] == (
        "{'options': '-c statement_timeout=20000 -c lock_timeout=2500'}"
    )


def test_development_defaults_to_a_local_sqlite_file():
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.DATABASES['default']['NAME'])",
        DJANGO_DEBUG="true",
    )
    assert result.stdout.strip().splitlines()[-1] == str(REPO / "db.sqlite3")


@pytest.mark.django_db
def test_healthz_is_public_and_checks_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


@pytest.mark.django_db
def test_healthz_answers_503_when_the_database_fails(client):
    with mock.patch("django.db.backends.utils.CursorWrapper.execute", side_effect=OperationalError):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"
