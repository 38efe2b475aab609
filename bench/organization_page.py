"""Benchmark: the consultant's organization page with 200 teams x 8 quarters.

Builds a scratch SQLite database as bench/load.py does (migrate, generate_dataset's bulk_create),
with two organizations: one of 200 teams and one of 20, each team with eight submitted quarters,
and a theme with open actions on every tenth team. Then:

- serves it with gunicorn and measures the organization page of 200 teams, and of 20, with wrk,
  each right after the trivial view (/healthz) on the same server, so the ratio depends neither
  on the machine nor on its drift during the run;
- counts the page's queries in-process (django.test.Client and CaptureQueriesContext) for 20
  and for 200 teams: the page's reads are bounded, so both counts should be the same.

    .venv/bin/python bench/organization_page.py [--seconds 10] [--connections 4]

Needs wrk (Debian package "wrk"). Prints a markdown table; about two minutes.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from load import REPO, environment, manage, page_kib, start_gunicorn, wrk

PY = sys.executable
QUARTERS = 8
SIZES = {"big": 200, "small": 20}  # generate_dataset prefix -> teams
THEMED_EVERY = 10  # every tenth team has a theme and two open actions on its latest quarter


def org_slug(prefix: str) -> str:
    return f"{prefix}-org-00000"  # generate_dataset's slug of its first organization


def prepare(env) -> dict[str, str]:
    manage(env, "migrate", "--noinput")
    manage(env, "collectstatic", "--noinput")
    for prefix, teams in SIZES.items():
        print(
            manage(
                env,
                "generate_dataset",
                "--organizations",
                "1",
                "--teams",
                str(teams),
                "--quarters",
                str(QUARTERS),
                "--prefix",
                prefix,
            ).strip()
        )
    out = subprocess.run(
        [PY, str(Path(__file__).resolve()), "--setup"],
        cwd=REPO,
        env={**env, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return dict(
        line.split(" ", 1) for line in out.strip().splitlines() if line.split(" ", 1)[0].isupper()
    )


def setup() -> None:
    """Run by prepare() inside the benchmark's environment: a consultant of both organizations
    with a signed-in session, themes and actions, and the page's query count per size."""
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from assessments import plan_services
    from assessments.models import Assessment
    from organizations.models import Organization

    consultant = get_user_model().objects.create_user(
        "bench-consultant", first_name="Casey", last_name="Consultant"
    )
    with transaction.atomic():
        for prefix in SIZES:
            organization = Organization.objects.get(slug=org_slug(prefix))
            organization.consultants.add(consultant)
            teams = list(organization.teams.order_by("name"))[::THEMED_EVERY]
            for team in teams:
                latest = team.assessments.filter(status=Assessment.Status.SUBMITTED).latest(
                    "year", "quarter"
                )
                dimension = latest.model.dimensions.order_by("order").last()
                plan_services.theme_choose(
                    assessment=latest, user=consultant, dimension=dimension, reason="Lowest"
                )
                for title in ("Measure time per milestone", "One owner per onboarding"):
                    plan_services.action_save(
                        assessment=latest,
                        user=consultant,
                        wanted=plan_services.ActionInput(title=title, owner_name="Dana Ops"),
                        people_ids=set(),
                    )

    session = SessionStore()
    session[SESSION_KEY] = str(consultant.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]  # the password backend
    session[HASH_SESSION_KEY] = consultant.get_session_auth_hash()
    session.create()
    print("SESSION", session.session_key)

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(consultant)
    for prefix in SIZES:
        url = reverse("assessments:organization", args=[org_slug(prefix)])
        assert client.get(url).status_code == 200  # warm: templates, the model's structure
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, response.status_code
        print(f"QUERIES_{prefix.upper()}", len(queries))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--setup", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.setup:
        setup()
        return
    if not shutil.which("wrk"):
        raise SystemExit('wrk is missing: install the Debian package "wrk".')

    scratch = Path(tempfile.mkdtemp(prefix="maturity-bench-org-"))
    env = environment(f"sqlite:///{scratch / 'bench.sqlite3'}", scratch / "static")
    ids = prepare(env)
    session = ids["SESSION"]
    server = start_gunicorn(env, args.port, args.workers)
    base = f"http://127.0.0.1:{args.port}"
    rows = []
    try:
        for prefix in ("big", "small"):
            path = f"/organizations/{org_slug(prefix)}/"
            size = page_kib(base + path, session)
            # The trivial view right before: a machine that drifts moves both figures together.
            trivial = wrk(f"{base}/healthz", session, args.seconds, args.connections)
            result = wrk(base + path, session, args.seconds, args.connections)
            rows.append(
                (SIZES[prefix], result, trivial, int(ids[f"QUERIES_{prefix.upper()}"]), size)
            )
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait()
        shutil.rmtree(scratch, ignore_errors=True)

    print(
        f"\nSQLite, one organization of {SIZES['big']} teams and one of {SIZES['small']}, "
        f"{QUARTERS} submitted quarters each; gunicorn {args.workers} workers, wrk "
        f"{min(2, args.connections)} threads x {args.connections} connections x {args.seconds} s, "
        f"on {os.cpu_count()} cores\n"
    )
    print(
        "| organization page | req/s | trivial req/s (just before) | ratio to trivial "
        "| p50 ms | p95 ms | queries | HTML KiB | errors |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for teams, r, t, queries, size in rows:
        print(
            f"| {teams} teams | {r['rps']:.1f} | {t['rps']:.1f} | {r['rps'] / t['rps']:.3f} "
            f"| {r['p50']:.1f} | {r['p95']:.1f} | {queries} | {size:.0f} "
            f"| {int(r['errors'] + t['errors'])} |"
        )
    counts = {teams: queries for teams, _, _, queries, _ in rows}
    verdict = "bounded" if len(set(counts.values())) == 1 else "NOT bounded"
    print(
        f"\nQueries: {counts[SIZES['small']]} for {SIZES['small']} teams, "
        f"{counts[SIZES['big']]} for {SIZES['big']} teams: {verdict}."
    )


if __name__ == "__main__":
    main()
