"""Several servers share one report cache in Redis (DJANGO_CACHE_URL=redis://...): what one
server renders, another serves; a change shows on all of them; `clear_report_cache` run on one
clears it for all. Against a real redis-server that this module starts and stops."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from unittest import mock

import pytest
import redis
from django.core.cache import caches
from django.urls import reverse

from assessments import plan_services, plan_views
from assessments.periods import Quarter
from assessments.plan_services import TargetInput
from tests.conftest import submit

BASE_DIR = Path(__file__).resolve().parents[1]
REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    """A redis-server of our own on loopback, nothing persisted. `make test` installs it
    (scripts/system-packages.sh --test)."""
    assert Path(REDIS_SERVER).exists(), (
        "redis-server is missing: `./scripts/system-packages.sh --test` installs it"
    )
    port = _free_port()
    workdir = tmp_path_factory.mktemp("redis")
    server = subprocess.Popen(
        [REDIS_SERVER, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", workdir],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    client = redis.Redis(host="127.0.0.1", port=port)
    deadline = time.monotonic() + 30
    while True:
        try:
            client.ping()
            break
        except redis.ConnectionError:
            assert server.poll() is None, "redis-server exited at start"
            assert time.monotonic() < deadline, "redis-server did not answer within 30 s"
            time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}/1"
    server.terminate()
    server.wait(timeout=30)


@pytest.fixture(autouse=True)
def reports_in_redis(settings, redis_url):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "reports": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url,
        },
    }
    caches["reports"].clear()
    yield
    caches["reports"].clear()


@pytest.fixture
def renders():
    with mock.patch.object(plan_views, "report_context", wraps=plan_views.report_context) as spy:
        yield spy


@pytest.fixture
def report(model_v0, team_a, lead_a):
    return submit(team_a, lead_a, Quarter(2026, 2), 3)


def stored_keys(redis_url) -> list[bytes]:
    return redis.Redis.from_url(redis_url).keys("*report:*")


def other_server(redis_url, code: str) -> str:
    """Run `code` in a second process configured from the environment, as another server of
    the same deployment would be: its own settings, its own connection to the same Redis."""
    env = {
        **os.environ,
        "DJANGO_CACHE_URL": redis_url,
        "DJANGO_SETTINGS_MODULE": "maturity.settings",
    }
    env.pop("REDIS_URL", None)
    done = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()\n" + code],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return done.stdout.strip()


def test_the_environment_selects_django_redis_cache(redis_url):
    backend = other_server(
        redis_url, "from django.core.cache import caches; print(type(caches['reports']).__name__)"
    )
    assert backend == "RedisCache"


def test_a_page_rendered_once_is_served_from_redis(client, lead_a, report, renders, redis_url):
    client.force_login(lead_a)
    url = reverse("assessments:report", args=[report.pk])
    first = client.get(url)
    assert first.status_code == 200
    assert renders.call_count == 1
    assert any(b"report:page:" in key for key in stored_keys(redis_url))
    again = client.get(url)
    assert again.status_code == 200
    assert renders.call_count == 1  # from Redis
    assert again.content.count(b"Value Orientation") == first.content.count(b"Value Orientation")


def test_another_server_reads_the_page_this_one_cached(client, lead_a, report, redis_url):
    client.force_login(lead_a)
    client.get(reverse("assessments:report", args=[report.pk]))
    (page_key,) = [k.decode() for k in stored_keys(redis_url) if b"report:page:" in k]
    # Django's key is ":<version>:<key>"; the other server asks by the key alone.
    key = page_key.split(":", 2)[2]
    content = other_server(
        redis_url,
        f"from django.core.cache import caches; print(caches['reports'].get({key!r})['content'])",
    )
    assert "Value Orientation" in content


def test_a_change_made_through_any_server_shows_at_once(client, lead_a, report, renders, model_v0):
    client.force_login(lead_a)
    url = reverse("assessments:report", args=[report.pk])
    client.get(url)
    plan_services.targets_save(
        team=report.team,
        user=lead_a,
        targets={"VO": TargetInput(22)},
        codes=["VO", "CX", "AO", "MP"],
    )
    changed = client.get(url)
    assert renders.call_count == 2
    assert b"22" in changed.content


def test_clear_report_cache_on_one_server_clears_it_for_all(
    client, lead_a, report, renders, redis_url
):
    client.force_login(lead_a)
    url = reverse("assessments:report", args=[report.pk])
    client.get(url)
    assert stored_keys(redis_url)
    assert (
        other_server(
            redis_url,
            "from django.core.management import call_command; call_command('clear_report_cache')",
        )
        == "Report cache cleared."
    )
    assert stored_keys(redis_url) == []
    client.get(url)
    assert renders.call_count == 2
