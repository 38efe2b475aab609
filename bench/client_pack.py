"""Benchmark: a client pack of N teams (default 20), time and peak memory per team.

Run: .venv/bin/python bench/client_pack.py [--teams 20] [--variant pdf/ua-1]
Uses a throwaway SQLite database seeded through the services, as the tests do: each team has
eight submitted quarters (the trend), targets, a theme and an action. Prints a table: each team's
gathering time (queries, radar, its section's HTML) and the process's peak memory after it,
then the one WeasyPrint layout of the whole document.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def seed(teams: int):
    from django.contrib.auth import get_user_model

    from assessments import plan_services
    from assessments.periods import Quarter
    from assessments.services import answers_save, assessment_start, assessment_submit
    from catalogue.models import Dimension, MaturityModel, Question
    from organizations.models import Organization, Team

    model = MaturityModel.objects.get_by_natural_key("customer-onboarding", "v0")
    questions = list(Question.objects.filter(dimension__model=model).select_related("dimension"))
    consultant = get_user_model().objects.create_user(
        "bench-consultant", first_name="Casey", last_name="Consultant"
    )
    organization = Organization.objects.create(name="Bench Corp", slug="bench")
    organization.consultants.add(consultant)
    quarters = [Quarter(2025, 1)]
    while len(quarters) < 8:
        quarters.append(quarters[-1].next())
    mp = Dimension.objects.get(model=model, code="MP")
    for index in range(teams):
        team = Team.objects.create(
            organization=organization, name=f"Team {index + 1:02d}", slug=f"team-{index + 1}"
        )
        for step, quarter in enumerate(quarters):
            assessment, _ = assessment_start(team=team, period=quarter, user=consultant)
            answers = {
                q: (1 + (index + step + position) % 5, "A note." if position % 7 == 0 else "")
                for position, q in enumerate(questions)
            }
            answers_save(assessment=assessment, answers=answers)
            assessment = assessment_submit(assessment=assessment, user=consultant)
        plan_services.targets_save(
            team=team,
            user=consultant,
            targets={"CX": plan_services.TargetInput(18), "MP": plan_services.TargetInput(15)},
            codes=["VO", "CX", "AO", "MP"],
        )
        plan_services.theme_choose(assessment=assessment, user=consultant, dimension=mp)
        plan_services.action_save(
            assessment=assessment,
            user=consultant,
            wanted=plan_services.ActionInput(title="Measure time per milestone"),
            people_ids=set(),
        )
    return organization, consultant, quarters[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--teams", type=int, default=20)
    parser.add_argument("--variant", default="pdf/ua-1", help='"none" for an untagged PDF')
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
        DJANGO_MEDIA_ROOT=str(database.parent / "media"),
    )
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, reset_queries
    from weasyprint import HTML

    from assessments import client_pack
    from assessments.exports import pdf

    settings.STORAGES["staticfiles"]["BACKEND"] = (
        "django.contrib.staticfiles.storage.StaticFilesStorage"
    )
    call_command("migrate", verbosity=0)
    call_command("install_model", verbosity=0)
    started = time.perf_counter()
    organization, consultant, period = seed(args.teams)
    print(f"seeded {args.teams} teams x 8 quarters in {time.perf_counter() - started:.1f} s")

    # Warm-up: fonts, templates and the model's structure load once per worker process.
    warm = client_pack.build_pack(organization, period, consultant)
    warm.parts[1:] = []
    client_pack.render_pack_pdf(warm)

    settings.DEBUG = True  # count queries
    reset_queries()
    rss_start = peak_rss_mb()
    tracemalloc.start()
    marks = [(time.perf_counter(), 0)]

    def progress(done: int, total: int) -> None:
        marks.append((time.perf_counter(), len(connection.queries)))
        rss.append(peak_rss_mb())

    rss: list[float] = []
    document = client_pack.build_pack(organization, period, consultant, on_progress=progress)
    gathered = time.perf_counter()
    _, python_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    settings.DEBUG = False
    html = client_pack.pack_html(document)
    options = {} if args.variant == "none" else {"pdf_variant": args.variant, "pdf_tags": True}
    layout_start = time.perf_counter()
    content = HTML(
        string=html, base_url=pdf.BASE_URL, url_fetcher=pdf.embedded_image_or_static_fetcher
    ).write_pdf(**options)
    finished = time.perf_counter()
    from io import BytesIO

    from pypdf import PdfReader

    pages = len(PdfReader(BytesIO(content)).pages)

    print()
    print(f"{'team':<10}{'gather ms':>11}{'queries':>9}{'peak RSS MB':>13}")
    # marks[1] is the on_progress(0, total) call: before the first team.
    for index in range(2, len(marks)):
        (t0, q0), (t1, q1) = marks[index - 1], marks[index]
        name = document.parts[index - 2].name
        print(f"{name:<10}{(t1 - t0) * 1000:>11.0f}{q1 - q0:>9}{rss[index - 1]:>13.0f}")
    teams = len(document.parts)
    gather = gathered - marks[1][0]
    layout = finished - layout_start
    print()
    rows = [
        ("teams", f"{teams}"),
        ("pages", f"{pages}"),
        ("PDF size", f"{len(content) / 1024:.0f} KiB ({args.variant})"),
        ("gather, all teams", f"{gather:.2f} s ({gather / teams * 1000:.0f} ms a team)"),
        ("layout (WeasyPrint)", f"{layout:.2f} s ({layout / teams * 1000:.0f} ms a team)"),
        ("total", f"{gather + layout:.2f} s ({(gather + layout) / teams * 1000:.0f} ms a team)"),
        ("Python peak while gathering", f"{python_peak / 2**20:.1f} MB"),
        ("process peak RSS before / after", f"{rss_start:.0f} / {peak_rss_mb():.0f} MB"),
        (
            "peak RSS growth a team",
            f"{(peak_rss_mb() - rss_start) / teams:.1f} MB",
        ),
    ]
    width = max(len(label) for label, _ in rows)
    for label, value in rows:
        print(f"{label:<{width}}  {value}")


if __name__ == "__main__":
    main()
