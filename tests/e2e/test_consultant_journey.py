"""A consultant's quarter with a client, in a real browser: the organization page of 20 teams,
its heatmap sorted by keyboard, two teams compared, then a client pack asked for, watched while
a real `manage.py db_worker` renders it, downloaded, and read back with pypdf: its contents,
the executive summary's sentences, a section per team, and its tags."""

from __future__ import annotations

import io
import os
import re
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from assessments.periods import Quarter
from organizations.models import Team
from tests.conftest import PASSWORD, submit
from tests.e2e.conftest import assert_no_axe_violations

REPO = Path(__file__).resolve().parents[2]
THIS_QUARTER = Quarter.containing(timezone.localdate())
LAST_QUARTER = THIS_QUARTER.previous()
TEAMS = 20
DIMENSIONS = {
    "VO": "Value Orientation",
    "CX": "CX & Delivery",
    "AO": "Adaptability & Organization",
    "MP": "Manageability & Productivity",
}
# Rendering 20 teams with WeasyPrint takes about 30 s alone; on a loaded machine, much longer.
PACK_READY_TIMEOUT_MS = 240_000
WORKER_STOP_TIMEOUT = 20  # seconds: only an upper bound for a worker that ignores SIGTERM


def team_name(number: int) -> str:
    return f"Team {number:02d}"


# --- The seeded quarter ------------------------------------------------------------------------
# Teams 01-19 this quarter: VO 22-25 is always the strongest dimension and MP 5-8 always the
# weakest; CX (12-18) repeats every seven teams, so sorting by it also exercises the ties.
# Team 20 scores 3 on every question: every dimension at 15.
# Last quarter, by default VO was 2 lower and MP 1 higher; Team 07's CX was 6 lower (the one
# biggest gain) and Team 13's AO 4 higher (the one biggest drop). Team 20 is unchanged.
SPECIAL_TEAM = TEAMS
GAIN = (7, "CX", 6)
DROP = (13, "AO", -4)


def this_quarter_totals(number: int) -> dict[str, int]:
    if number == SPECIAL_TEAM:
        return dict.fromkeys(DIMENSIONS, 15)
    return {
        "VO": 25 - number % 4,
        "CX": 12 + number % 7,
        "AO": 10 + number % 5,
        "MP": 5 + number % 4,
    }


def last_quarter_totals(number: int) -> dict[str, int]:
    totals = this_quarter_totals(number)
    if number == SPECIAL_TEAM:
        return totals
    moved = {**totals, "VO": totals["VO"] - 2, "MP": totals["MP"] + 1}
    for team, code, change in (GAIN, DROP):
        if number == team:
            moved[code] -= change
    return moved


def scores_for(totals: dict[str, int]) -> dict[str, int]:
    """Five question scores (1-5) per dimension adding up to its total."""
    scores = {}
    for code, dimension_total in totals.items():
        base, extra = divmod(dimension_total, 5)
        for n in range(1, 6):
            scores[f"{code}-{n}"] = base + (1 if n <= extra else 0)
    return scores


def expected_summary() -> list[str]:
    this = {n: this_quarter_totals(n) for n in range(1, TEAMS + 1)}
    last = {n: last_quarter_totals(n) for n in range(1, TEAMS + 1)}
    overall = sum(sum(totals.values()) for totals in this.values())
    change = overall - sum(sum(totals.values()) for totals in last.values())
    # 1145 / 20 = 57.25 reads 57; (17 x 1 + 7 - 3 + 0) / 20 = 1.05 reads "up 1".
    assert (overall, change) == (1145, 21), "the seeded scores changed: redo the arithmetic"
    lines = [
        f"Across {TEAMS} teams, the average overall score is 57 / 100, "
        f"up 1 since {LAST_QUARTER.label}."
    ]
    for n in range(1, TEAMS + 1):
        if n == SPECIAL_TEAM:
            lines.append(f"{team_name(n)}: every dimension at 15 / 25.")
            continue
        lines.append(
            f"{team_name(n)}: strongest Value Orientation ({this[n]['VO']} / 25), "
            f"weakest Manageability & Productivity ({this[n]['MP']} / 25)."
        )
    gain_team, gain_code, _ = GAIN
    drop_team, drop_code, _ = DROP
    lines += [
        f"The biggest gain since {LAST_QUARTER.label}: {team_name(gain_team)}, "
        f"{DIMENSIONS[gain_code]}, up 6 "
        f"({last[gain_team][gain_code]} → {this[gain_team][gain_code]}).",
        f"The biggest drop since {LAST_QUARTER.label}: {team_name(drop_team)}, "
        f"{DIMENSIONS[drop_code]}, down 4 "
        f"({last[drop_team][drop_code]} → {this[drop_team][drop_code]}).",
        "No team has set targets yet.",
    ]
    return lines


@pytest.fixture
def twenty_teams(model_v0, acme, consultant) -> list[Team]:
    teams = []
    for number in range(1, TEAMS + 1):
        team = Team.objects.create(
            organization=acme, name=team_name(number), slug=f"team-{number:02d}"
        )
        submit(team, consultant, LAST_QUARTER, scores_for(last_quarter_totals(number)))
        submit(team, consultant, THIS_QUARTER, scores_for(this_quarter_totals(number)))
        teams.append(team)
    return teams


# --- A real task worker ------------------------------------------------------------------------


def _database_url() -> str:
    """The URL of the database this test (and its live server) uses, for another process."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        assert not connection.is_in_memory_db(), "the worker needs the test database in a file"
        return f"sqlite:///{db['NAME']}"
    user, password = quote(db["USER"], safe=""), quote(db["PASSWORD"], safe="")
    return f"postgres://{user}:{password}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def pack_worker(transactional_db, tmp_path) -> Iterator[Callable[[], subprocess.Popen]]:
    """Start `manage.py db_worker` in its own process on the test's database and media folder,
    as production runs it beside the web server. Stopped before the database is emptied."""
    log = tmp_path / "db_worker.log"
    started: list[subprocess.Popen] = []

    def start() -> subprocess.Popen:
        env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
        env.update(
            DJANGO_SETTINGS_MODULE="maturity.settings",
            DJANGO_SECRET_KEY=settings.SECRET_KEY,
            DJANGO_DEBUG="false",
            DJANGO_SECURE_SSL_REDIRECT="false",
            DJANGO_LOG_LEVEL="WARNING",
            DJANGO_MEDIA_ROOT=str(settings.MEDIA_ROOT),
            DATABASE_URL=_database_url(),
        )
        command = [sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay"]
        with log.open("ab") as output:
            worker = subprocess.Popen(
                [*command, "--interval", "0.5"],
                cwd=REPO,
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        started.append(worker)
        return worker

    start.log = log  # type: ignore[attr-defined]
    yield start
    for worker in started:
        if worker.poll() is None:
            worker.send_signal(signal.SIGTERM)  # finishes the task at hand, then stops
            try:
                worker.wait(timeout=WORKER_STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()


def worker_log(start) -> str:
    return start.log.read_text(errors="replace") if start.log.exists() else "(no output)"


# --- The browser -------------------------------------------------------------------------------


def sign_in(page: Page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Password").press("Enter")
    expect(page.get_by_role("heading", name="Client organizations and teams")).to_be_visible()


def heatmap_rows(page: Page) -> list[str]:
    return page.locator("#heatmap-table tbody th a").all_inner_texts()


# --- The PDF -----------------------------------------------------------------------------------


def page_text(reader: PdfReader, index: int) -> str:
    return " ".join(reader.pages[index].extract_text().split())


def contents_entries(reader: PdfReader, titles: list[str]) -> list[tuple[str, int]]:
    """(title, page number) as the contents page lists them, in the contents' order."""
    contents = page_text(reader, 1)
    assert contents.startswith("Contents"), contents[:200]
    entries = []
    for title in titles:
        # The title, its leader dots, then its page number: "Team 07 .......... 12".
        match = re.search(re.escape(title) + r"[ .]*?(\d+)", contents)
        assert match, f"{title} is not in the contents: {contents}"
        entries.append((match.start(), title, int(match.group(1))))
    return [(title, number) for _, title, number in sorted(entries)]


# --- The journey -------------------------------------------------------------------------------


def test_a_consultant_reads_the_quarter_compares_teams_and_downloads_the_client_pack(
    live_server, page: Page, twenty_teams, consultant, pack_worker
):
    names = [team.name for team in twenty_teams]

    # The organization page: 20 rows, sorted by team name.
    sign_in(page, live_server, "consultant")
    page.get_by_role("link", name="Overview of Acme Corp").press("Enter")
    expect(page.get_by_role("heading", name=f"Acme Corp: {THIS_QUARTER.label}")).to_be_visible()
    expect(page.locator("#heatmap-table tbody tr")).to_have_count(TEAMS)
    assert heatmap_rows(page) == names
    assert_no_axe_violations(page, "organization page")

    # Sorted by CX & Delivery from the keyboard: highest first, ties by name; again, lowest.
    cx_header = page.locator('#heatmap-table th[data-sort-key="cx"]')
    cx_header.get_by_role("button", name="CX & Delivery").focus()
    page.keyboard.press("Enter")
    expect(cx_header).to_have_attribute("aria-sort", "descending")
    expect(page.locator("#heatmap-status")).to_have_text("Sorted by CX & Delivery, highest first.")
    cx = {team_name(n): this_quarter_totals(n)["CX"] for n in range(1, TEAMS + 1)}
    assert heatmap_rows(page) == sorted(names, key=lambda name: (-cx[name], name))
    page.keyboard.press("Enter")
    expect(cx_header).to_have_attribute("aria-sort", "ascending")
    assert heatmap_rows(page) == sorted(names, key=lambda name: (cx[name], name))
    first_row = page.locator("#heatmap-table tbody tr").first
    expect(first_row.locator("th")).to_have_text(team_name(7))  # CX 12, the lowest
    expect(first_row.locator("td").nth(1)).to_have_text("12 Room for improvement")

    # Compare Team 07 with Team 13 this quarter: VO 22 against 24, both Excellent.
    page.get_by_role("link", name="Compare teams or quarters").press("Enter")
    expect(page.get_by_role("heading", name="Compare teams or quarters")).to_be_visible()
    page.get_by_label(team_name(7), exact=True).check()
    page.get_by_label(team_name(13), exact=True).check()
    page.get_by_role("button", name="Compare").press("Enter")
    expect(
        page.get_by_role("heading", name=f"Teams compared, {THIS_QUARTER.label}")
    ).to_be_visible()
    table = page.locator("#compare-dimensions")
    expect(table.locator("thead th")).to_have_text(
        ["Dimension", team_name(7), team_name(13), "Difference"]
    )
    first = table.locator("tbody tr").first
    expect(first.locator("th")).to_have_text("Value Orientation")
    expect(first.locator("td")).to_have_text(["22 Excellent", "24 Excellent", "2"])
    expect(page.locator("#radar-chart svg.main-svg").first).to_be_visible()
    assert_no_axe_violations(page, "compare page")

    # Ask for the pack of this quarter, from the organization page.
    page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name="Acme Corp").press(
        "Enter"
    )
    expect(page.get_by_role("heading", name=f"Acme Corp: {THIS_QUARTER.label}")).to_be_visible()
    page.get_by_role("link", name="Client pack (PDF)").press("Enter")
    expect(page.get_by_role("heading", name="Client packs")).to_be_visible()
    expect(page.get_by_label("Quarter")).to_have_value(THIS_QUARTER.key)
    assert_no_axe_violations(page, "pack start page")
    page.get_by_role("button", name="Make the pack").press("Enter")
    expect(page.get_by_role("heading", name=f"Client pack, {THIS_QUARTER.label}")).to_be_visible()
    progress = page.locator("#pack-progress-text")
    expect(progress).to_have_text("Waiting for a worker to start.")
    assert_no_axe_violations(page, "pack status page, queued")

    # A worker starts while the page is open: the page follows it without being reloaded.
    page.evaluate("window.statusPageUntouched = true")
    navigations: list[str] = []
    page.on("framenavigated", lambda frame: navigations.append(frame.url))
    worker = pack_worker()
    try:
        page.wait_for_function(
            """(total) => window.statusPageUntouched === true
                && document.getElementById("pack-status-label").textContent === "Rendering"
                && document.getElementById("pack-progress-bar").max === total
                && new RegExp(`^\\\\d+ of ${total} teams`).test(
                    document.getElementById("pack-progress-text").textContent)""",
            arg=TEAMS,
        )
    except Exception as error:
        raise AssertionError(
            f"the status page never showed the worker's progress (worker exit code "
            f"{worker.poll()}):\n{worker_log(pack_worker)}"
        ) from error
    assert navigations == [], navigations

    # Done: the page reloads itself once, to offer the download.
    finished = page.locator("#pack-download").or_(page.locator("#pack-error"))
    expect(finished).to_be_visible(timeout=PACK_READY_TIMEOUT_MS)
    assert not page.locator("#pack-error").is_visible(), (
        page.locator("#pack-error").inner_text() + "\n" + worker_log(pack_worker)
    )
    expect(page.get_by_text(f"Ready: {TEAMS} teams.")).to_be_visible()
    assert_no_axe_violations(page, "pack status page, ready")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the PDF").press("Enter")
    download = download_info.value
    assert download.suggested_filename == f"acme-corp-{THIS_QUARTER.key}-client-pack.pdf"
    reader = PdfReader(io.BytesIO(Path(download.path()).read_bytes()))

    # The contents list every part, in order, each on the page it names.
    titles = ["Executive summary", "Heatmap: teams by dimension", *names]
    titles.append("Appendix: every answer")
    entries = contents_entries(reader, titles)
    assert [title for title, _ in entries] == titles
    numbers = [number for _, number in entries]
    assert numbers == sorted(numbers)
    for title, number in entries:
        assert page_text(reader, number - 1).startswith(title), (title, number)
    # One section per team: each team's heading opens its own page.
    team_pages = {number for title, number in entries if title in names}
    assert len(team_pages) == TEAMS

    # The executive summary, sentence by sentence, with the seeded numbers.
    pages = dict(entries)
    summary = " ".join(
        page_text(reader, i)
        for i in range(pages["Executive summary"] - 1, pages["Heatmap: teams by dimension"] - 1)
    )
    for sentence in expected_summary():
        assert sentence in summary, sentence
    assert "not submitted" not in summary  # every team submitted this quarter

    # Tagged for assistive technology.
    catalog = reader.trailer["/Root"]
    assert "/StructTreeRoot" in catalog
    assert bool(catalog["/MarkInfo"]["/Marked"]) is True
