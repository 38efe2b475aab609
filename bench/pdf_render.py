"""Benchmark: the full-report PDF request, median time and peak memory.

Run: .venv/bin/python bench/pdf_render.py [--runs 15]
Uses a throwaway SQLite database with the demo data; prints a table.
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()

    database = Path(tempfile.mkdtemp()) / "bench.sqlite3"
    os.environ.update(
        DJANGO_SETTINGS_MODULE="maturity.settings",
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY="bench-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz",
        DJANGO_ALLOWED_HOSTS="testserver",
        DJANGO_SECURE_SSL_REDIRECT="false",
        DATABASE_URL=f"sqlite:///{database}",
        DJANGO_LOG_LEVEL="WARNING",
    )
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse

    from assessments.models import Assessment

    settings.STORAGES["staticfiles"]["BACKEND"] = (
        "django.contrib.staticfiles.storage.StaticFilesStorage"
    )
    call_command("migrate", verbosity=0)
    call_command("seed_demo", stdout=io.StringIO())
    client = Client()
    client.force_login(get_user_model().objects.get(username="consultant"))
    assessment = Assessment.objects.filter(status="submitted").order_by("-year", "-quarter")[0]
    url = reverse("assessments:report-pdf", args=[assessment.pk])

    client.get(url)  # warm-up: fonts and templates load once per process
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    timings, size, pages = [], 0, 0
    for _ in range(args.runs):
        start = time.perf_counter()
        response = client.get(url)
        timings.append(time.perf_counter() - start)
        size = len(response.content)
    from io import BytesIO

    from pypdf import PdfReader

    pages = len(PdfReader(BytesIO(response.content)).pages)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    rows = [
        ("runs", f"{args.runs}"),
        ("pages", f"{pages}"),
        ("PDF size", f"{size / 1024:.1f} KiB"),
        ("median request", f"{statistics.median(timings) * 1000:.0f} ms"),
        ("p95 request", f"{sorted(timings)[int(0.95 * (len(timings) - 1))] * 1000:.0f} ms"),
        ("fastest / slowest", f"{min(timings) * 1000:.0f} / {max(timings) * 1000:.0f} ms"),
        ("peak RSS (process)", f"{peak:.0f} MiB (after warm-up: {rss_before:.0f} MiB)"),
    ]
    title = "PDF report benchmark"
    width = max(len(title), *(len(name) for name, _ in rows))
    print(f"{title.ljust(width)} | value")
    print(f"{'-' * width}-|-{'-' * 30}")
    for name, value in rows:
        print(f"{name.ljust(width)} | {value}")


if __name__ == "__main__":
    main()
