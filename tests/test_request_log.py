"""One JSON line per request on stdout, written by django-structlog with our duration."""

from __future__ import annotations

import io
import json
import logging

import pytest
from django.conf import settings


@pytest.fixture
def log_lines():
    """What the configured JSON handler writes, captured instead of stdout."""
    config = dict(settings.LOGGING["formatters"]["json"])
    formatter = config.pop("()")(**config)
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.addHandler(handler)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    root.removeHandler(handler)


def test_each_request_logs_one_json_line_with_status_user_and_duration(
    client, lead_a, model_v0, log_lines
):
    client.force_login(lead_a)
    assert client.get("/?page=2").status_code == 200
    requests = [entry for entry in log_lines() if entry.get("event", "").startswith("request_")]
    assert len(requests) == 1, requests
    entry = requests[0]
    assert entry["event"] == "request_finished"
    assert (entry["request"], entry["code"], entry["user_id"]) == ("GET /?page=2", 200, lead_a.pk)
    assert isinstance(entry["duration_ms"], float) and entry["duration_ms"] >= 0
    assert entry["level"] == "info" and entry["timestamp"].endswith("Z")
    assert "ip" not in entry  # the proxy's address, and personal data: not logged


def test_a_refused_request_logs_a_warning_line(client, lead_a, log_lines):
    client.force_login(lead_a)
    assert client.get("/assessments/999999/").status_code == 404
    (entry,) = [e for e in log_lines() if e.get("event") == "request_finished"]
    assert (entry["code"], entry["level"]) == (404, "warning")


def test_a_plain_logging_call_is_a_json_line_too(log_lines):
    logging.getLogger("maturity.test").warning("disk %s full", "/tmp", extra={"free_mb": 3})
    (entry,) = [e for e in log_lines() if e.get("logger") == "maturity.test"]
    assert (entry["event"], entry["level"], entry["free_mb"]) == ("disk /tmp full", "warning", 3)


def test_stdout_writes_through_the_json_formatter():
    handler = settings.LOGGING["handlers"]["stdout"]
    assert (handler["class"], handler["formatter"]) == ("logging.StreamHandler", "json")
    assert settings.LOGGING["root"]["handlers"] == ["stdout"]


def test_an_error_logged_with_its_exception_carries_the_traceback_as_text(log_lines):
    try:
        1 / 0  # noqa: B018
    except ZeroDivisionError:
        logging.getLogger("django.request").error("Internal Server Error: /x", exc_info=True)
    (entry,) = [e for e in log_lines() if e.get("logger") == "django.request"]
    assert entry["level"] == "error"
    assert "Traceback (most recent call last)" in entry["exception"]
    assert "ZeroDivisionError: division by zero" in entry["exception"]
