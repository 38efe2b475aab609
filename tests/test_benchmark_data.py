"""Peer benchmarks from real rows: the refresh, what a report shows, and what it never shows."""

from __future__ import annotations

import io
import re
from decimal import Decimal
from html import unescape

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.benchmark_data import (
    NOT_ENOUGH_PEERS,
    OPTED_OUT,
    benchmark_for,
    peer_benchmarks_refresh,
)
from assessments.benchmark_tasks import refresh_peer_benchmarks
from assessments.benchmarks import ALL, cohort_key
from assessments.periods import Quarter
from assessments.services import assessment_start, assessment_submit, assessment_update_context
from assessments.workspace_models import PeerBenchmark
from organizations.models import Organization, Team
from tests.conftest import fill, make_user
from tests.svg_chart import Radar

GROWTH_SMB_LOW = {"company_stage": "growth", "customer_segment": "smb", "touch_model": "low"}
SCALE_ENT_HIGH = {"company_stage": "scale", "customer_segment": "enterprise", "touch_model": "high"}
COHORT = cohort_key("growth", "smb", "low")
QUARTER = Quarter(2026, 2)
DIMENSIONS = ("VO", "CX", "AO", "MP")
# The peers' scores per question: peer n scores PEER_SCORES[n] on every question of a dimension,
# so its dimension totals are 5 times that.
PEER_SCORES = (1, 2, 4, 5, 5, 2, 4, 1)


def scores(per_dimension: dict[str, int]) -> dict[str, int]:
    return {f"{d}-{n}": per_dimension[d] for d in DIMENSIONS for n in range(1, 6)}


def submit_with_context(team, user, quarter, score, context) -> object:
    assessment, _ = assessment_start(team=team, period=quarter, user=user)
    assessment_update_context(assessment=assessment, **context)
    fill(assessment, score)
    return assessment_submit(assessment=assessment, user=user)


def add_peer(n: int, context=GROWTH_SMB_LOW, score: int | None = None, teams: int = 1):
    organization = Organization.objects.create(name=f"Secret Peer Co {n}", slug=f"peer-{n}")
    user = make_user(f"peer-lead-{n}")
    for t in range(teams):
        team = Team.objects.create(
            organization=organization, name=f"Hidden Team {n}-{t}", slug=f"team-{t}"
        )
        value = score if score is not None else PEER_SCORES[n % len(PEER_SCORES)]
        submit_with_context(team, user, QUARTER, value, context)
    return organization


@pytest.fixture
def own(model_v0, team_a, lead_a):
    """The viewing organization's report (Acme): 3 on every question, 15 per dimension."""
    return submit_with_context(team_a, lead_a, QUARTER, 3, GROWTH_SMB_LOW)


@pytest.fixture
def lead_client(client, lead_a):
    client.force_login(lead_a)
    return client


def report_html(client, assessment) -> str:
    response = client.get(reverse("assessments:report", args=[assessment.pk]))
    assert response.status_code == 200
    return response.content.decode()


def peer_section(html: str) -> str:
    match = re.search(r'<(section|p)[^>]*class="[^"]*peer-benchmark[^"]*".*?</\1>', html, re.S)
    assert match, "no peer benchmark section on the page"
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", match.group(0))).split())


def rows_of(cohort: str) -> dict[str, PeerBenchmark]:
    return {row.dimension_code: row for row in PeerBenchmark.objects.filter(cohort=cohort)}


# --- The refresh -----------------------------------------------------------------------------


def test_the_refresh_stores_each_cohort_and_all_per_dimension(own):
    for n in range(5):
        add_peer(n)

    written = peer_benchmarks_refresh()

    assert written == 8  # the cohort and "all", four dimensions each
    for cohort in (COHORT, ALL):
        rows = rows_of(cohort)
        assert sorted(rows) == sorted(DIMENSIONS)
        # Totals 5, 10, 15 (ours), 20, 25, 25: positions 1.25, 2.5 and 3.75.
        for row in rows.values():
            assert row.organizations == 6
            assert (row.lower_quartile, row.median, row.upper_quartile) == (
                Decimal("11.25"),
                Decimal("17.50"),
                Decimal("23.75"),
            )


def test_a_refresh_replaces_the_figures_and_drops_gone_cohorts(own):
    add_peer(0, context=SCALE_ENT_HIGH)
    peer_benchmarks_refresh()
    assert PeerBenchmark.objects.filter(cohort=cohort_key("scale", "enterprise", "high")).exists()

    Organization.objects.filter(slug="peer-0").update(benchmark_opt_out=True)
    peer_benchmarks_refresh()

    assert set(PeerBenchmark.objects.values_list("cohort", flat=True)) == {COHORT, ALL}
    assert {row.organizations for row in PeerBenchmark.objects.all()} == {1}


def test_only_each_teams_latest_submitted_quarter_counts(own, team_a, lead_a):
    add_peer(0, score=5)
    peer_team = Team.objects.get(organization__slug="peer-0")
    peer_lead = peer_team.assessments.get().created_by
    # An older quarter of the peer and a newer draft of ours: neither is read.
    submit_with_context(peer_team, peer_lead, Quarter(2025, 4), 1, GROWTH_SMB_LOW)
    draft, _ = assessment_start(team=team_a, period=Quarter(2026, 3), user=lead_a)
    fill(draft, 1)

    peer_benchmarks_refresh()

    row = rows_of(ALL)["VO"]
    assert row.organizations == 2
    assert (row.lower_quartile, row.upper_quartile) == (Decimal("17.50"), Decimal("22.50"))


def test_an_organization_with_many_teams_counts_once_with_their_median(own, acme, lead_a):
    for slug, score in (("second", 1), ("third", 5)):
        team = Team.objects.create(organization=acme, name=slug, slug=slug)
        submit_with_context(team, lead_a, QUARTER, score, GROWTH_SMB_LOW)

    peer_benchmarks_refresh()

    row = rows_of(COHORT)["VO"]
    assert row.organizations == 1
    assert row.median == Decimal("15")  # the median of 15, 5 and 25


def test_an_opted_out_organization_feeds_nothing(own):
    for n in range(5):
        add_peer(n)
    Organization.objects.filter(slug="peer-4").update(benchmark_opt_out=True)

    peer_benchmarks_refresh()

    assert {row.organizations for row in PeerBenchmark.objects.all()} == {5}
    assert not benchmark_for(own).shown  # 4 others left


def test_the_refresh_costs_the_same_queries_for_few_or_many_organizations(own):
    for n in range(2):
        add_peer(n)
    with CaptureQueriesContext(connection) as few:
        peer_benchmarks_refresh()
    for n in range(2, 12):
        add_peer(n, teams=2)
    with CaptureQueriesContext(connection) as many:
        peer_benchmarks_refresh()
    assert len(many) == len(few)


def test_the_task_and_the_command_refresh(own):
    for n in range(5):
        add_peer(n)

    assert refresh_peer_benchmarks.call() == 8
    PeerBenchmark.objects.all().delete()
    out = io.StringIO()
    call_command("refresh_benchmarks", stdout=out)

    assert PeerBenchmark.objects.count() == 8
    assert "8 figures written" in out.getvalue()
    result = refresh_peer_benchmarks.enqueue()  # the worker's job, queued in the database
    assert result.id


# --- What a report shows -----------------------------------------------------------------------


def test_four_other_organizations_show_nothing(own):
    for n in range(4):
        add_peer(n)
    peer_benchmarks_refresh()

    view = benchmark_for(own)

    assert not view.shown and view.message == NOT_ENOUGH_PEERS
    assert view.rows == () and view.band is None and view.document() is None


def test_five_other_organizations_show_the_cohort(own):
    for n in range(5):
        add_peer(n)
    peer_benchmarks_refresh()

    view = benchmark_for(own)

    assert view.shown and view.exact_cohort
    assert view.description == "6 growth-stage, SMB, low-touch organizations"
    assert [row.code for row in view.rows] == sorted(DIMENSIONS)  # without a result: by code
    assert view.band["VO"] == (Decimal("11.25"), Decimal("23.75"))


def test_too_small_a_cohort_falls_back_to_all_organizations(own):
    for n in range(3):
        add_peer(n)
    for n in range(3, 6):
        add_peer(n, context=SCALE_ENT_HIGH)
    peer_benchmarks_refresh()

    view = benchmark_for(own)

    assert view.shown and not view.exact_cohort and view.cohort == ALL
    assert view.description == "all 7 organizations"


def test_an_assessment_without_full_context_compares_with_all(model_v0, team_a, lead_a):
    own = submit_with_context(team_a, lead_a, QUARTER, 3, {"company_stage": "growth"})
    for n in range(5):
        add_peer(n)
    peer_benchmarks_refresh()

    view = benchmark_for(own)

    assert view.shown and view.cohort == ALL


def test_nothing_computed_yet_reads_as_not_enough_peers(own):
    for n in range(8):
        add_peer(n)
    assert not PeerBenchmark.objects.exists()

    assert benchmark_for(own).message == NOT_ENOUGH_PEERS


def test_an_opted_out_organization_sees_that_benchmarks_are_off(own, acme):
    for n in range(8):
        add_peer(n)
    peer_benchmarks_refresh()
    acme.benchmark_opt_out = True
    acme.save()
    own.team.organization.benchmark_opt_out = True

    view = benchmark_for(own)

    assert view.opted_out and not view.shown and view.message == OPTED_OUT


# --- The report page -----------------------------------------------------------------------------


def test_with_four_peers_the_page_shows_none_of_their_names_or_totals(lead_client, own):
    for n in range(4):
        add_peer(n)
    peer_benchmarks_refresh()

    response = lead_client.get(reverse("assessments:report", args=[own.pk]))
    html = response.content.decode()

    assert "Secret Peer Co" not in html and "Hidden Team" not in html
    section = peer_section(html)
    assert NOT_ENOUGH_PEERS in section
    assert not re.search(r"\d", section)
    figure = Radar.of_page(html)
    assert figure.peer("lower") == [] and figure.peer("upper") == []
    assert not figure.elements("polygon", **{"class": "peer-band"})


def test_with_five_peers_the_page_shows_only_the_aggregates(lead_client, own):
    for n in range(5):
        add_peer(n)
    peer_benchmarks_refresh()

    response = lead_client.get(reverse("assessments:report", args=[own.pk]))
    html = response.content.decode()

    assert "Secret Peer Co" not in html and "Hidden Team" not in html
    section = peer_section(html)
    assert "6 growth-stage, SMB, low-touch organizations" in section
    # Per dimension: our 15, then the quartiles; no other number (no peer's 5, 10, 20 or 25).
    assert section.count("15 11.25 – 17.5 – 23.75") == 4
    numbers = set(re.findall(r"\d+(?:\.\d+)?", section))
    period = set(re.findall(r"\d+", own.period.label))
    assert numbers <= {"6", "15", "11.25", "17.5", "23.75"} | period
    radar = Radar.of_page(html)
    # Each of the 4 segments between neighbouring dimensions, at the quartiles at both ends.
    assert radar.peer("lower") == [[11.25, 11.25]] * 4
    assert radar.peer("upper") == [[23.75, 23.75]] * 4
    assert len(radar.elements("polygon", **{"class": "peer-band"})) == 4  # filled between
    assert "Peers: lower to upper quartile" in [e.label for e in response.context["radar"].legend]


def test_the_json_export_carries_no_peer_name_or_total(lead_client, own):
    for n in range(5):
        add_peer(n)
    peer_benchmarks_refresh()

    response = lead_client.get(reverse("assessments:export-json", args=[own.pk]))

    body = response.content.decode()
    assert response.status_code == 200
    assert "Secret Peer Co" not in body and "Hidden Team" not in body
    peers = response.json()["peer_benchmark"]
    assert peers["description"] == "6 growth-stage, SMB, low-touch organizations"
    assert peers["dimensions"]["VO"] == {
        "lower_quartile": "11.25",
        "median": "17.50",
        "upper_quartile": "23.75",
    }


def test_the_json_export_has_no_peer_figures_with_four_peers(lead_client, own):
    for n in range(4):
        add_peer(n)
    peer_benchmarks_refresh()
    response = lead_client.get(reverse("assessments:export-json", args=[own.pk]))
    assert response.json()["peer_benchmark"] is None
    assert "Secret Peer Co" not in response.content.decode()


def test_an_opted_out_organizations_page_says_only_that_benchmarks_are_off(lead_client, own, acme):
    for n in range(8):
        add_peer(n)
    peer_benchmarks_refresh()
    acme.benchmark_opt_out = True
    acme.save()

    response = lead_client.get(reverse("assessments:report", args=[own.pk]))
    html = response.content.decode()

    assert peer_section(html).strip() == OPTED_OUT
    assert 'id="peers-heading"' not in html
    assert Radar.of_page(html).peer("upper") == []


def test_the_report_costs_one_query_more_for_the_benchmark(lead_client, own):
    from catalogue.selectors import forget_model_structures

    for n in range(8):
        add_peer(n)
    url = reverse("assessments:report", args=[own.pk])
    lead_client.get(url)

    def count() -> int:
        forget_model_structures()
        with CaptureQueriesContext(connection) as queries:
            assert lead_client.get(url).status_code == 200
        return len(queries)

    before = count()
    peer_benchmarks_refresh()
    assert count() == before  # stored rows or none: the same single read


def test_the_radar_without_a_benchmark_is_unchanged(own):
    from assessments.exports.svg_radar import page_radar
    from assessments.selectors import assessment_sheet

    sheet = assessment_sheet(own)
    plain = page_radar(sheet.result, sheet.spec.bands)
    assert page_radar(sheet.result, sheet.spec.bands, benchmark=None) == plain
    assert page_radar(sheet.result, sheet.spec.bands, benchmark={}) == plain
    banded = page_radar(
        sheet.result, sheet.spec.bands, benchmark={"VO": (Decimal("10"), Decimal("20"))}
    )
    # Only VO has peers: no segment joins it to a neighbour, so nothing is drawn but the key.
    assert Radar.of_page(banded.svg).peer("upper") == []
    two = page_radar(
        sheet.result,
        sheet.spec.bands,
        benchmark={"VO": (Decimal("10"), Decimal("20")), "CX": (Decimal("5"), Decimal("15"))},
    )
    figure = Radar.of_page(two.svg)
    assert (figure.peer("lower"), figure.peer("upper")) == ([[10, 5]], [[20, 15]])


# --- In the PDFs ------------------------------------------------------------------------------


def test_the_pdf_report_shows_the_cohort_figures_and_no_peer(lead_client, own):
    from tests.test_pdf import read, text_of

    for n in range(5):
        add_peer(n)
    peer_benchmarks_refresh()
    response = lead_client.get(reverse("assessments:report-pdf", args=[own.pk]))
    text = text_of(read(response))
    assert "Peer benchmark" in text and "6 growth-stage, SMB, low-touch organizations" in text
    assert text.count("15 11.25 – 17.5 – 23.75") == 4
    assert "Secret Peer Co" not in text and "Hidden Team" not in text


def test_the_pdf_report_says_when_there_are_not_enough_peers(lead_client, own):
    from tests.test_pdf import read, text_of

    for n in range(4):
        add_peer(n)
    peer_benchmarks_refresh()
    text = text_of(read(lead_client.get(reverse("assessments:report-pdf", args=[own.pk]))))
    assert f"{NOT_ENOUGH_PEERS}: peer figures appear once at least five" in text
    assert "Secret Peer Co" not in text


def test_a_client_pack_team_section_shows_the_cohort_figures(own, acme, lead_a):
    from assessments import client_pack

    for n in range(5):
        add_peer(n)
    peer_benchmarks_refresh()
    document = client_pack.build_pack(acme, QUARTER, lead_a)
    (part,) = document.parts
    section = " ".join(unescape(re.sub(r"<[^>]+>", " ", part.section)).split())
    assert "Peer benchmark" in section
    assert section.count("15 11.25 – 17.5 – 23.75") == 4
    assert "Secret Peer Co" not in section
