"""Pages and exports come gzipped to a browser that asks, with Django's BREACH padding; PDFs and
workbooks, compressed formats already, come as they are."""

from __future__ import annotations

import gzip

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from assessments.periods import Quarter
from maturity.compression import TextGZipMiddleware
from tests.conftest import submit

GZIP = {"Accept-Encoding": "gzip, deflate, br"}


@pytest.fixture
def report(model_v0, team_a, lead_a):
    return submit(team_a, lead_a, Quarter(2026, 2), 3, notes={"VO-1": "Kick-off calls"})


def test_pages_come_gzipped_when_asked_and_say_they_vary_by_encoding(client, lead_a, report):
    client.force_login(lead_a)
    for url in (reverse("assessments:dashboard"), reverse("assessments:report", args=[report.pk])):
        plain = client.get(url)
        zipped = client.get(url, headers=GZIP)
        assert zipped["Content-Encoding"] == "gzip"
        assert "Accept-Encoding" in zipped["Vary"]
        assert "Accept-Encoding" in plain["Vary"]  # a shared cache keeps the two apart
        assert not plain.has_header("Content-Encoding")
        assert gzip.decompress(zipped.content).startswith(b"<!doctype html>")


def test_two_responses_of_the_same_page_differ_in_bytes_and_in_length(client, lead_a, report):
    """Heal the BREACH: random padding in each gzip header, so the length leaks nothing."""
    client.force_login(lead_a)
    url = reverse("assessments:report", args=[report.pk])
    bodies = [client.get(url, headers=GZIP).content for _ in range(8)]
    assert len(set(bodies)) == len(bodies)
    assert len({len(body) for body in bodies}) > 1


def test_the_streamed_csv_export_comes_gzipped_and_whole(client, lead_a, report):
    client.force_login(lead_a)
    url = reverse("assessments:export-csv", args=[report.team.organization.slug])
    plain = client.get(url)
    zipped = client.get(url, headers=GZIP)
    assert zipped.streaming and zipped["Content-Encoding"] == "gzip"
    assert not zipped.has_header("Content-Length")
    body = gzip.decompress(b"".join(zipped.streaming_content))
    assert body == b"".join(plain.streaming_content)
    assert b"Kick-off calls" in body


def test_the_workbook_is_not_gzipped(client, lead_a, report):
    client.force_login(lead_a)
    url = reverse("assessments:export-xlsx", args=[report.team.organization.slug])
    response = client.get(url, headers=GZIP)
    assert response.status_code == 200
    assert not response.has_header("Content-Encoding")
    assert b"".join(response.streaming_content)[:2] == b"PK"  # the zip file as it was made


@pytest.mark.parametrize("content_type", ["application/pdf", "image/png", "application/zip"])
def test_compressed_formats_pass_through(content_type):
    body = b"%PDF-1.7 " + b"x" * 5000
    middleware = TextGZipMiddleware(lambda request: HttpResponse(body, content_type=content_type))
    response = middleware(RequestFactory().get("/", headers=GZIP))
    assert not response.has_header("Content-Encoding")
    assert response.content == body


@pytest.mark.parametrize("content_type", ["application/json", "image/svg+xml", "text/csv"])
def test_text_formats_are_compressed(content_type):
    body = b'{"a": "' + b"y" * 5000 + b'"}'
    middleware = TextGZipMiddleware(lambda request: HttpResponse(body, content_type=content_type))
    response = middleware(RequestFactory().get("/", headers=GZIP))
    assert response["Content-Encoding"] == "gzip"
    assert gzip.decompress(response.content) == body
