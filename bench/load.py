"""Load benchmark: gunicorn on 127.0.0.1, wrk as the load generator, on the same machine.

Each endpoint is measured right after a trivial view (/healthz: one SELECT 1) served by the same
server and settings, so the ratio depends neither on the machine nor on its drift during the run.
The report page is measured twice: on a generated assessment (one person's answers) and on one
answered by ten people, invited, answered, agreed and submitted through the services.

    .venv/bin/python bench/load.py --assessments 1000
    .venv/bin/python bench/load.py --assessments 100000 --database-url postgres://...

Needs wrk (Debian package "wrk"; installed if missing and running as root). Prints a table.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PY = sys.executable
TEAMS_PER_ORG, QUARTERS = 10, 10
RESPONDENTS = 10  # people who answered the team report's assessment, the lead included
TEAM_REPORT_QUARTER = (2091, 1)  # after every generated quarter: the team's latest


def environment(database_url: str, static_root: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DJANGO_SETTINGS_MODULE="maturity.settings",
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SECURE_SSL_REDIRECT="false",
        DJANGO_STATIC_ROOT=str(static_root),
        DJANGO_LOG_LEVEL="WARNING",
        DATABASE_URL=database_url,
    )
    return env


def manage(env, *args: str) -> str:
    result = subprocess.run(
        [PY, "manage.py", *args], cwd=REPO, env=env, capture_output=True, text=True, check=True
    )
    return result.stdout


def prepare(env, assessments: int) -> dict[str, str]:
    manage(env, "migrate", "--noinput")
    manage(env, "collectstatic", "--noinput")
    existing = int(
        manage(
            env,
            "shell",
            "-c",
            "from assessments.models import Assessment as A; print(A.objects.count())",
        ).split()[-1]
    )
    organizations = max(1, -(-(assessments - existing) // (TEAMS_PER_ORG * QUARTERS)))
    if existing < assessments:
        print(
            manage(
                env,
                "generate_dataset",
                "--organizations",
                str(organizations),
                "--teams",
                str(TEAMS_PER_ORG),
                "--quarters",
                str(QUARTERS),
                "--prefix",
                f"b{existing}",
            ).strip()
        )
    out = subprocess.run(
        [PY, str(REPO / "bench" / "bench_setup.py")],
        cwd=REPO,
        env={**env, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    out += subprocess.run(
        [PY, str(Path(__file__).resolve()), "--setup-plan-report"],
        cwd=REPO,
        env={**env, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    out += subprocess.run(
        [PY, str(Path(__file__).resolve()), "--setup-team-report"],
        cwd=REPO,
        env={**env, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return dict(
        line.split(" ", 1) for line in out.strip().splitlines() if line.split(" ", 1)[0].isupper()
    )


def setup_team_report() -> None:
    """Run by prepare() inside the benchmark's environment: prints TEAM_REPORT, the id of a
    submitted assessment answered by RESPONDENTS people (made once; PostgreSQL keeps it)."""
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from assessments.models import Assessment
    from assessments.periods import Quarter
    from assessments.services import answers_save, assessment_start, assessment_submit
    from assessments.team_answers import team_answers
    from assessments.team_services import (
        agreed_scores_save,
        respondents_invite,
        response_answers_save,
        response_submit,
    )
    from catalogue.selectors import model_with_structure
    from organizations.models import Team

    users = get_user_model().objects
    period = Quarter(*TEAM_REPORT_QUARTER)
    assessment = Assessment.objects.filter(
        year=period.year, quarter=period.quarter, status=Assessment.Status.SUBMITTED
    ).first()
    if assessment is None:
        # The team before the one-person report's (bench_setup.py takes the last team's latest
        # quarter): the same history behind it, and never the same assessment on a later run.
        team = Team.objects.order_by("-pk")[1]
        rng = random.Random(2026)
        with transaction.atomic():  # all of it or, after a failure, nothing to trip over
            lead = users.get_or_create(
                username="bench-lead", defaults={"first_name": "Bench", "last_name": "Lead"}
            )[0]
            team.leads.add(lead)
            people = [
                users.get_or_create(
                    username=f"bench-respondent-{number}",
                    defaults={
                        "first_name": "Respondent",
                        "last_name": f"No. {number}",
                        "email": f"bench-respondent-{number}@example.com",
                    },
                )[0]
                for number in range(1, RESPONDENTS)
            ]
            assessment, _ = assessment_start(team=team, period=period, user=lead)
            model = model_with_structure(assessment.model_id)
            questions = [q for dim in model.dimensions.all() for q in dim.questions.all()]
            # Mostly within a point of each other, now and then two apart: some to discuss.
            typical = {question: rng.randint(2, 4) for question in questions}

            def answers() -> dict:
                return {
                    question: (
                        min(5, max(1, score + rng.choice((-2, -1, 0, 0, 0, 1, 1, 2)))),
                        "Seen on most of my accounts this quarter." if rng.random() < 0.2 else "",
                    )
                    for question, score in typical.items()
                }

            answers_save(assessment=assessment, answers=answers())
            for respondent in respondents_invite(
                assessment=assessment, users=people, invited_by=lead
            ):
                response_answers_save(respondent=respondent, answers=answers())
                response_submit(respondent=respondent)
            discussed = team_answers(assessment).to_discuss[:3]
            agreed_scores_save(
                assessment=assessment,
                agreed={
                    item.question: (
                        item.spread.highest,
                        "Agreed in the team meeting: the low scores were about last quarter.",
                    )
                    for item in discussed
                    if item.spread.highest != item.spread.default_agreed
                },
            )
            assessment = assessment_submit(assessment=assessment, user=lead)
    counted = team_answers(assessment).counted
    if len(counted) != RESPONDENTS:
        raise SystemExit(f"The team report has {len(counted)} responses, not {RESPONDENTS}.")
    print("TEAM_REPORT", assessment.pk)
    print("COUNT", Assessment.objects.count())


def setup_plan_report() -> None:
    """Run by prepare(): prints PLAN_REPORT, the id of a submitted assessment whose report shows
    a full plan: targets on every dimension (one marked right for the team's stage), the verdict
    on the quarter before's theme, its own theme with actions, and four quarters of figures."""
    import datetime

    import django

    django.setup()
    from django.contrib.auth import get_user_model

    from assessments import plan_services
    from assessments.models import Assessment
    from assessments.plan_services import ActionInput, TargetInput
    from organizations.models import Team

    team = Team.objects.order_by("-pk")[2]
    latest, before, *earlier = Assessment.objects.filter(
        team=team, status=Assessment.Status.SUBMITTED
    ).order_by("-year", "-quarter")[:4]
    if latest.theme_dimension_id is None:
        lead = get_user_model().objects.get_or_create(username="bench-planner")[0]
        dimensions = list(latest.model.dimensions.all())
        codes = [dim.code for dim in dimensions]
        plan_services.targets_save(
            team=team,
            user=lead,
            targets={
                **{code: TargetInput(20) for code in codes[1:]},
                codes[0]: TargetInput(None, for_stage=True, reason="Early stage: few customers"),
            },
            codes=codes,
        )
        statuses = ("done", "doing", "planned", "dropped", "done", "planned")
        for assessment, dimension in ((before, dimensions[-1]), (latest, dimensions[1])):
            plan_services.theme_choose(
                assessment=assessment, user=lead, dimension=dimension, reason="Largest gap"
            )
            for number, status in enumerate(statuses, 1):
                plan_services.action_save(
                    assessment=assessment,
                    user=lead,
                    wanted=ActionInput(
                        title=f"Planned step {number} for the theme",
                        owner_name="Dana Ops",
                        due_date=datetime.date(2095, 1, number),
                        status=status,
                    ),
                    people_ids=set(),
                )
        for offset, assessment in enumerate((latest, before, *earlier)):
            plan_services.metrics_save(
                team=team,
                period=assessment.period,
                user=lead,
                values={
                    "time_to_first_value_days": 20 + offset * 3,
                    "time_to_value_days": 45 + offset * 5,
                    "csat": 4 - offset / 10,
                    "nps": 30 - offset * 4,
                    "customers_onboarded": 12 + offset,
                },
            )
    print("PLAN_REPORT", latest.pk)


def start_gunicorn(env, port: int, workers: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [
            PY,
            "-m",
            "gunicorn",
            "maturity.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--log-level",
            "warning",
        ],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("gunicorn did not start")


def wrk(
    url: str, session: str, seconds: int, connections: int, method=None, body=None, header=None
) -> dict:
    """Run wrk against one URL, signed in (the session, or `header`, e.g. a bearer token);
    returns req/s and latency percentiles in ms."""
    env = dict(os.environ)
    if method:
        env.update(WRK_METHOD=method, WRK_BODY=body or "")
    command = [
        "wrk",
        f"-t{min(2, connections)}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "10s",
        "-s",
        str(REPO / "bench" / "wrk_stats.lua"),
        "-H",
        header or f"Cookie: sessionid={session}",
        url,
    ]
    output = subprocess.run(command, capture_output=True, text=True, env=env, check=True).stdout
    match = re.search(r"RESULT (.*)", output)
    return {k: float(v) for k, v in (pair.split("=") for pair in match.group(1).split())}


def page_kib(url: str, session: str) -> float:
    request = urllib.request.Request(url, headers={"Cookie": f"sessionid={session}"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return len(response.read()) / 1024


def worker_peak_mib(server: subprocess.Popen) -> float:
    children = subprocess.run(
        ["pgrep", "-P", str(server.pid)], capture_output=True, text=True
    ).stdout.split()
    peaks = []
    for pid in children:
        status = Path(f"/proc/{pid}/status").read_text()
        peaks.append(int(re.search(r"VmHWM:\s+(\d+)", status).group(1)) / 1024)
    return max(peaks)


def main() -> None:
    parser = argparse.ArgumentParser(description="Load benchmark")
    parser.add_argument("--assessments", type=int, default=1000)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument(
        "--pdf-connections",
        type=int,
        default=1,
        help="the PDF is measured as a consultant sees it: one request at a time",
    )
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--no-report-cache",
        action="store_true",
        help="serve reports and PDFs without the report cache: every request renders afresh",
    )
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--setup-team-report", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--setup-plan-report", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.setup_plan_report:
        setup_plan_report()
        return
    if args.setup_team_report:
        setup_team_report()
        return
    if not shutil.which("wrk"):
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True)

    scratch = Path(tempfile.mkdtemp(prefix="maturity-bench-"))
    database_url = args.database_url or f"sqlite:///{scratch / 'bench.sqlite3'}"
    env = environment(database_url, scratch / "static")
    # The report cache's files live in the scratch folder: a run never reads another run's.
    env["DJANGO_CACHE_DIR"] = str(scratch / "report-cache")
    if args.no_report_cache:
        env["DJANGO_CACHE_URL"] = "dummycache://"
    ids = prepare(env, args.assessments)
    server = start_gunicorn(env, args.port, args.workers)
    base = f"http://127.0.0.1:{args.port}"
    step_body = f"csrfmiddlewaretoken={'b' * 32}&VO-1=4&VO-1-note=bench&nav=save"
    endpoints = [
        ("trivial view (/healthz)", "/healthz", None, None),
        ("dashboard", "/", None, None),
        ("report page", f"/assessments/{ids['REPORT']}/", None, None),
        (
            f"report page, {RESPONDENTS} respondents",
            f"/assessments/{ids['TEAM_REPORT']}/",
            None,
            None,
        ),
        ("report page with plan", f"/assessments/{ids['PLAN_REPORT']}/", None, None),
        ("PDF with plan", f"/assessments/{ids['PLAN_REPORT']}/report.pdf", None, None),
        ("wizard step POST", f"/assessments/{ids['DRAFT']}/step/2/", "POST", step_body),
        ("JSON export", f"/assessments/{ids['REPORT']}/export.json", None, None),
        ("PDF", f"/assessments/{ids['REPORT']}/report.pdf", None, None),
    ]
    connections = {"PDF": args.pdf_connections, "PDF with plan": args.pdf_connections}
    try:
        # What the two report pages weigh, as served in this run: says what they contained.
        sizes = {
            key: page_kib(f"{base}/assessments/{ids[key]}/", ids["SESSION"])
            for key in ("REPORT", "TEAM_REPORT", "PLAN_REPORT")
        }
        rows = []
        trivial_path = endpoints[0][1]
        for name, path, method, body in endpoints[1:]:
            # The trivial view runs right before each endpoint, so a machine that speeds up or
            # slows down during the run moves both figures of a ratio together.
            trivial = wrk(base + trivial_path, ids["SESSION"], args.seconds, args.connections)
            result = wrk(
                base + path,
                ids["SESSION"],
                args.seconds,
                connections.get(name, args.connections),
                method,
                body,
            )
            rows.append((name, result, trivial))
        pdf_peak = worker_peak_mib(server)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait()

    engine = "PostgreSQL" if database_url.startswith("postgres") else "SQLite"
    print(
        f"\n{engine}, {ids['COUNT']} assessments, gunicorn {args.workers} workers, "
        f"wrk 2 threads x {args.connections} connections (PDF: {args.pdf_connections}) "
        f"x {args.seconds} s, "
        f"on {os.cpu_count()} cores\n"
    )
    print(
        "| endpoint | req/s | trivial req/s (just before) | ratio to trivial "
        "| p50 ms | p95 ms | p99 ms | trivial p50 ms | errors |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name, r, t in rows:
        print(
            f"| {name} | {r['rps']:.1f} | {t['rps']:.1f} | {r['rps'] / t['rps']:.2f} "
            f"| {r['p50']:.1f} | {r['p95']:.1f} | {r['p99']:.1f} | {t['p50']:.1f} "
            f"| {int(r['errors'] + t['errors'])} |"
        )
    ratios = {name: r["rps"] / t["rps"] for name, r, t in rows}
    print(
        f"\nReport page with {RESPONDENTS} respondents against the one-person report page "
        f"(ratios to trivial): "
        f"{ratios[f'report page, {RESPONDENTS} respondents'] / ratios['report page']:.2f}"
    )
    print(
        "Report page with plan against the report page without (ratios to trivial): "
        f"{ratios['report page with plan'] / ratios['report page']:.2f}; "
        f"PDF with plan against without: {ratios['PDF with plan'] / ratios['PDF']:.2f}"
    )
    print(
        f"Report page HTML: {sizes['REPORT']:.1f} KiB (one person), "
        f"{sizes['TEAM_REPORT']:.1f} KiB ({RESPONDENTS} respondents), "
        f"{sizes['PLAN_REPORT']:.1f} KiB (with plan)"
    )
    print(f"Peak gunicorn worker memory (VmHWM) after the run: {pdf_peak:.0f} MiB")


if __name__ == "__main__":
    main()
