"""The client pack: an organization's quarter as one branded, tagged PDF.

Gathered team by team (so a task can report "7 of 20 teams"), each team's section and appendix
rendered to HTML as it is gathered; then one WeasyPrint pass lays the whole document out, so the
contents page can number its pages with target-counter().
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from weasyprint import HTML

from assessments import benchmark_data, plan_views, selectors
from assessments import plan as plan_reads
from assessments.agreement import DISCUSS_SPREAD
from assessments.executive_summary import (
    DimensionFigures,
    ExecutiveSummary,
    TeamFigures,
    summarize,
)
from assessments.exports import pdf, svg_radar
from assessments.models import Assessment
from assessments.periods import Quarter
from assessments.reports import Report, build_report
from assessments.workspace_models import ClientPack
from organizations import selectors as scope
from organizations.logos import data_uri
from organizations.models import FirmProfile, Organization, Team

PACK_LIFETIME = timedelta(days=7)  # then prune_client_packs deletes the file
# 200 teams render in about 6 minutes on a loaded 2-core machine; far longer means a dead worker.
STALLED_AFTER = timedelta(minutes=30)
TREND_QUARTERS = 8
PDF_VARIANT = "pdf/ua-1"  # tagged: headings, lists and tables reach assistive technology


class PackError(Exception):
    """A pack that cannot be made, with the reason in words for the person who asked."""


# --- Who sees which pack ----------------------------------------------------------------------


def packs_visible_to(user) -> QuerySet[ClientPack]:
    """A pack shows the teams its requester could see; so the requester sees it, and so do the
    people who see every team of its organization (its consultants, platform admins). A team
    lead never sees another lead's pack. Both only while the organization is visible to them."""
    if not user.is_authenticated:
        return ClientPack.objects.none()
    return (
        ClientPack.objects.select_related("organization", "requested_by")
        .filter(organization__in=scope.organizations_visible_to(user))
        .filter(Q(requested_by=user) | Q(organization__in=scope.organizations_consulted_by(user)))
    )


def pack_teams(organization: Organization, user) -> QuerySet[Team]:
    """The teams a pack requested by `user` covers: those of the organization they may see."""
    if user is None:
        return Team.objects.none()
    return scope.teams_visible_to(user).filter(organization=organization).order_by("name", "pk")


def submitted_quarters(organization: Organization, user) -> list[Quarter]:
    """The quarters with at least one submitted assessment among the user's teams, newest first."""
    rows = (
        Assessment.objects.filter(
            team__in=pack_teams(organization, user).values("pk"),
            status=Assessment.Status.SUBMITTED,
        )
        .values_list("year", "quarter")
        .distinct()
        .order_by("-year", "-quarter")
    )
    return [Quarter(year, quarter) for year, quarter in rows]


def is_expired(pack: ClientPack, now=None) -> bool:
    now = now or timezone.now()
    return pack.status == ClientPack.Status.DONE and (
        not pack.file or (pack.expires_at is not None and pack.expires_at <= now)
    )


def is_stalled(pack: ClientPack, now=None) -> bool:
    """Queued or rendering for longer than any pack takes: its worker died or never ran, so
    it may be queued again."""
    now = now or timezone.now()
    in_flight = pack.status in (ClientPack.Status.QUEUED, ClientPack.Status.RUNNING)
    return in_flight and pack.requested_at <= now - STALLED_AFTER


def pack_filename(pack: ClientPack) -> str:
    organization = slugify(pack.organization.name) or "organization"
    return f"{organization}-{pack.year}Q{pack.quarter}-client-pack.pdf"


# --- The data ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TrendTable:
    quarters: tuple[str, ...]  # oldest first
    rows: tuple[tuple[str, tuple[str, ...]], ...]  # (dimension name or "Overall", totals)


@dataclass(frozen=True)
class HeatmapCell:
    total: int
    max_total: int
    band_label: str
    tone: str


@dataclass(frozen=True)
class HeatmapRow:
    team: str
    anchor: str
    cells: tuple[HeatmapCell, ...]
    overall: int
    max_overall: int
    change: str  # the overall's change since the quarter before: "+3", "-2", "0" or "–"


@dataclass(frozen=True)
class TeamPart:
    """One team's figures for the summary and heatmap, and its pre-rendered HTML."""

    figures: TeamFigures
    heatmap: HeatmapRow
    bands: tuple
    section: SafeString
    appendix: SafeString
    anchor: str
    name: str


@dataclass
class PackDocument:
    organization: Organization
    period: Quarter
    prepared_by: str
    prepared_on: date
    firm: FirmProfile | None
    firm_logo: str | None
    client_logo: str | None
    accent: str
    dimension_names: tuple[str, ...] = ()
    bands: tuple = ()  # the first team's model version's bands, for the heatmap's legend
    parts: list[TeamPart] = field(default_factory=list)
    missing: tuple[str, ...] = ()  # teams without a submitted assessment this quarter

    @property
    def summary(self) -> ExecutiveSummary:
        return summarize(
            tuple(part.figures for part in self.parts),
            period=self.period.label,
            previous_period=self.period.previous().label,
            not_submitted=self.missing,
        )


def _quarter_q(quarters: list[Quarter]) -> Q:
    condition = Q(pk__in=[])
    for quarter in quarters:
        condition |= Q(year=quarter.year, quarter=quarter.quarter)
    return condition


def _trend_quarters(period: Quarter) -> list[Quarter]:
    quarters = [period]
    while len(quarters) < TREND_QUARTERS:
        quarters.insert(0, quarters[0].previous())
    return quarters


def _history(teams: list[Team], period: Quarter):
    """Each team's submitted quarters among the eight up to the pack's, oldest first, with
    totals: three queries for every team together."""
    assessments = list(
        Assessment.objects.filter(team__in=teams, status=Assessment.Status.SUBMITTED)
        .filter(_quarter_q(_trend_quarters(period)))
        .select_related("model", "team__organization", "submitted_by", "theme_dimension")
        .order_by("team_id", "year", "quarter", "-submitted_at")
    )
    summaries = selectors.assessment_summaries(assessments)
    by_team: dict[int, dict[Quarter, selectors.AssessmentSummary]] = defaultdict(dict)
    for assessment in assessments:
        # Two model versions in one quarter: the one submitted last speaks for it.
        by_team[assessment.team_id].setdefault(assessment.period, summaries[assessment.pk])
    return by_team


def _trend(history: dict[Quarter, selectors.AssessmentSummary], report: Report) -> TrendTable:
    quarters = sorted(history)
    rows = []
    for dim in report.result.dimensions:
        totals = []
        for quarter in quarters:
            found = [d for d in history[quarter].dimensions if d.code == dim.code]
            totals.append(str(found[0].total) if found and found[0].total is not None else "–")
        rows.append((dim.name, tuple(totals)))
    rows.append((_("Overall"), tuple(str(history[q].overall_total or "–") for q in quarters)))
    return TrendTable(tuple(q.label for q in quarters), tuple(rows))


def _context_lines(assessment: Assessment) -> list[tuple[str, str]]:
    lines = [
        (_("Company stage"), assessment.get_company_stage_display()),
        (_("Customer segment"), assessment.get_customer_segment_display()),
        (_("Touch model"), assessment.get_touch_model_display()),
        (
            _("Onboarding length"),
            ngettext("%(counter)s week", "%(counter)s weeks", assessment.onboarding_weeks)
            % {"counter": assessment.onboarding_weeks}
            if assessment.onboarding_weeks
            else "",
        ),
    ]
    return [(label, value or _("Not given")) for label, value in lines]


def _score_rows(report: Report, targets: dict[str, int]) -> list[tuple]:
    """(dimension score, change since the previous quarter as "+3", target or None)."""
    return [
        (row.score, _signed(row.change.delta if row.change else None), targets.get(row.score.code))
        for row in report.summary_rows
    ]


def _signed(delta: int | None) -> str:
    if delta is None:
        return "–"
    return f"+{delta}" if delta > 0 else str(delta)


def _team_part(
    team: Team,
    assessment: Assessment,
    history: dict[Quarter, selectors.AssessmentSummary],
    period: Quarter,
) -> TeamPart:
    report = build_report(assessment)
    result = report.result
    plan = plan_reads.plan_of(assessment, result)
    verdict = plan_reads.verdict_view(assessment, result)
    targets = {goal.code: goal.target for goal in plan.goals if goal.target is not None}
    before = history.get(period.previous())
    previous_totals = (
        {d.code: d.total for d in before.dimensions if d.total is not None} if before else {}
    )
    figures = TeamFigures(
        name=team.name,
        overall=result.overall_total,
        max_overall=result.max_overall,
        previous_overall=before.overall_total if before else None,
        dimensions=tuple(
            DimensionFigures(
                code=dim.code,
                name=dim.name,
                total=dim.total,
                max_total=dim.max_total,
                previous=previous_totals.get(dim.code),
                target=targets.get(dim.code),
            )
            for dim in result.dimensions
        ),
    )
    anchor = f"team-{team.pk}"
    heatmap = HeatmapRow(
        team=team.name,
        anchor=anchor,
        cells=tuple(
            HeatmapCell(dim.total, dim.max_total, dim.band.label, dim.band.tone)
            for dim in result.dimensions
        ),
        overall=result.overall_total,
        max_overall=result.max_overall,
        change=_signed(
            result.overall_total - figures.previous_overall
            if figures.previous_overall is not None
            else None
        ),
    )
    radar = svg_radar.radar_svg(
        result,
        report.sheet.spec.bands,
        previous=report.previous_result,
        current_label=assessment.period.label,
        previous_label=report.previous.period.label if report.previous else "",
        answer_range=report.answer_range,
        targets=targets,
    )
    ctx = {
        "team": team,
        "anchor": anchor,
        "assessment": assessment,
        "report": report,
        "result": result,
        # Built by us from numbers; every label in it is escaped.
        "radar_svg": mark_safe(radar),  # noqa: S308
        "score_rows": _score_rows(report, targets),
        "trend": _trend(history, report),
        "context_lines": _context_lines(assessment),
        "plan": plan,
        "plan_goal_lines": [plan_views.GoalLine(goal, "", 0) for goal in plan.goals],
        "theme_questions": list(assessment.theme_questions.all()) if plan.theme else [],
        "verdict": verdict,
        "peer_benchmark": benchmark_data.benchmark_for(assessment, result=result),
        "discussed": report.discussed if report.several_answered else [],
        "discuss_spread": DISCUSS_SPREAD,
        "show_spread": report.several_answered,
    }
    return TeamPart(
        figures=figures,
        heatmap=heatmap,
        bands=report.sheet.spec.bands,
        section=mark_safe(render_to_string("assessments/pdf/pack/team.html", ctx)),  # noqa: S308
        appendix=mark_safe(  # noqa: S308
            render_to_string("assessments/pdf/pack/appendix_team.html", ctx)
        ),
        anchor=anchor,
        name=team.name,
    )


def build_pack(
    organization: Organization,
    period: Quarter,
    requested_by,
    *,
    on_progress: Callable[[int, int], None] | None = None,
) -> PackDocument:
    """Gather and render each team's part in name order, calling on_progress(done, total)
    before the first team and after each. Raises PackError when there is nothing to show."""
    teams = list(pack_teams(organization, requested_by))
    history = _history(teams, period)
    latest = {
        a.team_id: a
        for a in Assessment.objects.filter(
            team__in=teams,
            status=Assessment.Status.SUBMITTED,
            year=period.year,
            quarter=period.quarter,
        )
        .select_related("model", "team__organization", "submitted_by", "theme_dimension")
        .order_by("submitted_at")  # the one submitted last wins, as in _history
    }
    assessed = [team for team in teams if team.pk in latest]
    if not assessed:
        raise PackError(
            _(
                "No team you can see has a submitted assessment for %(quarter)s, so there is "
                "nothing to put in a pack."
            )
            % {"quarter": period.label}
        )
    firm = FirmProfile.objects.first()
    document = PackDocument(
        organization=organization,
        period=period,
        prepared_by=(requested_by.get_full_name() or requested_by.get_username()),
        prepared_on=timezone.localdate(),
        firm=firm,
        firm_logo=data_uri(firm.logo) if firm else None,
        client_logo=data_uri(organization.logo),
        accent=pdf.accent_colour(firm),
        missing=tuple(team.name for team in teams if team.pk not in latest),
    )
    if on_progress:
        on_progress(0, len(assessed))
    for done, team in enumerate(assessed, start=1):
        part = _team_part(team, latest[team.pk], history[team.pk], period)
        document.parts.append(part)
        if on_progress:
            on_progress(done, len(assessed))
    document.dimension_names = tuple(d.name for d in document.parts[0].figures.dimensions)
    document.bands = document.parts[0].bands
    return document


# --- The PDF -----------------------------------------------------------------------------------


def pack_html(document: PackDocument) -> str:
    return render_to_string(
        "assessments/pdf/pack/pack.html", {"doc": document, "summary": document.summary}
    )


def render_pack_pdf(document: PackDocument) -> bytes:
    return HTML(
        string=pack_html(document),
        base_url=pdf.BASE_URL,
        url_fetcher=pdf.embedded_image_or_static_fetcher,
    ).write_pdf(pdf_variant=PDF_VARIANT, pdf_tags=True)
