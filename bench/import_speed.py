"""Benchmark: a consultant's CSV upload, timed in-process, with rows per second.

Run:
    .venv/bin/python bench/import_speed.py                       # SQLite, throwaway file
    .venv/bin/python bench/import_speed.py \
        --database-url postgres://maturity:maturity-local-test@127.0.0.1:5432/maturity_bench_import

Each size is one file, generated here: N assessments of one organization (teams x quarters),
twenty answers each, every answer with a note of about 145 characters (some with commas and
quotes, so they are quoted), which makes 1,400 assessments just under 5 MB: the upload limit.
A last file fills 5 MB with answers without notes: the most assessments an upload can hold.
The file goes through the Django test client to the import page (multipart parsing, the
form, the CSV reader, validation, the writes and the redirect), as a signed-in consultant who
ticks "Create teams that do not exist yet", so team creation is timed too. The upload limit
is raised for the run so the 10,000-assessment file (about 37 MB) is accepted.

On PostgreSQL the named database must exist (the script migrates it and removes what it
imported afterwards); on SQLite a throwaway file is used.
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

CODES = [f"{d}-{n}" for d in ("VO", "CX", "AO", "MP") for n in range(1, 6)]
QUARTERS_PER_TEAM = 40  # 2030 Q1 to 2039 Q4
HEADER = "organization,team,year,quarter,model_version,question,score,note\r\n"
NOTE_WORDS = [
    "kickoff",
    "handover",
    "playbook",
    "milestone",
    "stakeholder",
    "champion",
    "adoption",
    "workshop",
    "integration",
    "sandbox",
    "timeline",
    "escalation",
    "training",
    "success-plan",
    "go-live",
]


def note_for(index: int) -> str:
    words = [NOTE_WORDS[(index * 7 + k * 3) % len(NOTE_WORDS)] for k in range(16)]
    text = " ".join(words)[:126]
    if index % 5 == 0:
        return f'"{text}, and a ""quoted"" remark"'
    return f"{text} (row {index % 1000})"


def generate(organization: str, assessments: int, notes: bool = True) -> bytes:
    lines = [HEADER]
    row = 0
    for n in range(assessments):
        team = f"Team {n // QUARTERS_PER_TEAM + 1:04d}"
        year, quarter = 2030 + (n % QUARTERS_PER_TEAM) // 4, n % 4 + 1
        for code in CODES:
            score = (n + row) % 5 + 1
            note = note_for(row) if notes else ""
            lines.append(f"{organization},{team},{year},{quarter},v0,{code},{score},{note}\r\n")
            row += 1
    return "".join(lines).encode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assessments", type=int, nargs="+", default=[1000, 1400, 10000])
    parser.add_argument("--database-url", default="")
    parser.add_argument(
        "--no-dense", action="store_true", help="skip the 5 MB file of answers without notes"
    )
    args = parser.parse_args()

    database_url = args.database_url or f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.sqlite3'}"
    os.environ.update(
        DJANGO_SETTINGS_MODULE="maturity.settings",
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY="bench-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz",
        DJANGO_ALLOWED_HOSTS="testserver",
        DJANGO_SECURE_SSL_REDIRECT="false",
        DATABASE_URL=database_url,
        DJANGO_LOG_LEVEL="WARNING",
        DJANGO_IMPORT_MAX_BYTES=str(64 * 1024 * 1024),
    )
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from assessments.models import Answer, Assessment
    from organizations.models import Organization, Team

    settings.STORAGES["staticfiles"]["BACKEND"] = (
        "django.contrib.staticfiles.storage.StaticFilesStorage"
    )
    call_command("migrate", verbosity=0)
    call_command("install_model", stdout=io.StringIO())
    consultant, _ = get_user_model().objects.get_or_create(username="bench-import-consultant")
    client = Client()
    client.force_login(consultant)

    runs = [(size, True) for size in args.assessments]
    if not args.no_dense:
        per_assessment = len(generate("Bench Import dense", 1, notes=False)) - len(HEADER)
        runs.append(((5 * 1024 * 1024 - len(HEADER)) // per_assessment, False))
    results = []
    for size, notes in runs:
        slug = f"bench-import-{size}"
        name = f"Bench Import {size}" if notes else "Bench Import dense"
        organization, _ = Organization.objects.get_or_create(slug=slug, defaults={"name": name})
        organization.consultants.add(consultant)
        body = generate(name, size, notes=notes)
        upload = SimpleUploadedFile("answers.csv", body, content_type="text/csv")
        url = reverse("assessments:import", args=[slug])
        start = time.perf_counter()
        response = client.post(url, {"file": upload, "create_teams": "on"})
        seconds = time.perf_counter() - start
        imported = Assessment.objects.filter(team__organization=organization).count()
        if response.status_code != 302 or imported != size:
            print(response.content.decode()[:3000], file=sys.stderr)
            raise SystemExit(f"{size}: status {response.status_code}, {imported} imported")
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        results.append((size, notes, len(body), size * len(CODES), seconds, peak))
        # Leave the database as it was, so the next run starts from the same state.
        Answer.objects.filter(assessment__team__organization=organization).delete()
        Assessment.objects.filter(team__organization=organization).delete()
        Team.objects.filter(organization=organization).delete()
        organization.delete()

    print(f"Import benchmark on {connection.vendor} (Django test client, one process)")
    print("| assessments | notes | file | rows | seconds | rows/s | peak RSS so far |")
    print("|---:|---|---:|---:|---:|---:|---:|")
    for size, notes, length, rows, seconds, peak in results:
        print(
            f"| {size:,} | {'yes' if notes else 'none'} | {length / 1024 / 1024:.2f} MiB "
            f"| {rows:,} | {seconds:.2f} | {rows / seconds:,.0f} | {peak:.0f} MiB |"
        )


if __name__ == "__main__":
    main()
