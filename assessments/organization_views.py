"""The consultant workspace's organization pages: the heatmap of teams for a quarter with
trends, who has not submitted, themes and open actions; and a comparison of teams or quarters.

Whoever may see a team of the organization may open its pages, and sees only the teams they may
see (a team lead: their own; a consultant: all of their client's). Reads go through
assessments.portfolio.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext
from django.views.decorators.http import require_GET

from assessments import portfolio
from assessments.charts import compare_radar_figure
from assessments.ids import parse_id
from assessments.periods import Quarter
from organizations.models import Organization, Team
from organizations.selectors import organizations_visible_to, teams_visible_to

_YEAR_DASH_QUARTER = re.compile(r"^\s*(\d{4})-([1-4])\s*$")


def parse_quarter(value: str | None) -> Quarter | None:
    """A quarter from a query string: "2026Q3" (Quarter.key), "2026 Q3", or "2026-3"."""
    if not value:
        return None
    try:
        return Quarter.parse(value)
    except ValueError:
        pass
    match = _YEAR_DASH_QUARTER.match(value)
    if not match:
        return None
    try:
        return Quarter(int(match.group(1)), int(match.group(2)))
    except ValueError:  # a year out of range
        return None


def _organization_and_teams(request: HttpRequest, slug: str) -> tuple[Organization, list[Team]]:
    organization = get_object_or_404(organizations_visible_to(request.user), slug=slug)
    teams = list(teams_visible_to(request.user).filter(organization=organization).order_by("name"))
    return organization, teams


def _quarter_choices(teams: list[Team]) -> tuple[list[Quarter], Quarter]:
    """The quarters to offer (those with a submission, and the current one), newest first, and
    the default: the latest with a submission, else the current quarter."""
    current = Quarter.containing(timezone.localdate())
    submitted = portfolio.submitted_quarters(teams)
    default = submitted[0] if submitted else current
    return sorted({current, *submitted}, reverse=True), default


# --- The organization page --------------------------------------------------------------------


@dataclass(frozen=True)
class SortHeader:
    key: str
    label: str
    aria_sort: str  # "ascending", "descending" or "none"
    href: str  # the server-side sort, for browsers without the script


def _sort_headers(heatmap: portfolio.Heatmap, key: str, descending: bool) -> list[SortHeader]:
    labels = {"team": gettext("Team"), "overall": gettext("Overall"), "change": gettext("Change")}
    labels.update({column.sort_key: column.name for column in heatmap.columns})
    headers = []
    for sort_key in heatmap.sort_keys:
        active = sort_key == key
        # A second click on the sorted column turns it round; numbers start highest first.
        if active:
            next_dir = "asc" if descending else "desc"
        else:
            next_dir = "asc" if sort_key == "team" else "desc"
        query = urlencode({"quarter": heatmap.period.key, "sort": sort_key, "dir": next_dir})
        aria = ("descending" if descending else "ascending") if active else "none"
        headers.append(SortHeader(sort_key, labels[sort_key], aria, f"?{query}#heatmap"))
    return headers


@login_required
@require_GET
def organization_page(request: HttpRequest, slug: str) -> HttpResponse:
    organization, teams = _organization_and_teams(request, slug)
    quarters, default = _quarter_choices(teams)
    period = parse_quarter(request.GET.get("quarter")) or default
    if period not in quarters:
        quarters = sorted({period, *quarters}, reverse=True)
    data = portfolio.organization_portfolio(organization, teams, period)
    sort_key = request.GET.get("sort", "team")
    descending = request.GET.get("dir") == "desc"
    if sort_key not in data.heatmap.sort_keys:
        sort_key, descending = "team", False
    heatmap = data.heatmap.sorted_by(sort_key, descending=descending)
    ctx = {
        "organization": organization,
        "period": period,
        "quarters": quarters,
        "heatmap": heatmap,
        "sort_headers": _sort_headers(heatmap, sort_key, descending),
        "sort_key": sort_key,
        "sort_dir": "desc" if descending else "asc",
        "portfolio": data,
    }
    return render(request, "assessments/organization.html", ctx)


# --- Compare ----------------------------------------------------------------------------------


class BadCompare(Exception):
    """The comparison asked for cannot be made; the message says what to pick instead."""


@dataclass(frozen=True)
class CompareRequest:
    team_ids: list[int]
    quarters: list[Quarter]
    empty: bool  # nothing picked yet: show the form


def _read_compare(request: HttpRequest, visible: dict[int, Team]) -> CompareRequest:
    """The teams and quarters asked for. Raises BadCompare for values that cannot name a team or
    quarter, and Http404 for a team the user may not see in this organization."""
    raw_teams = [value for value in request.GET.getlist("team") if value.strip()]
    raw_quarters = [value for value in request.GET.getlist("quarter") if value.strip()]
    if not raw_teams and not raw_quarters:
        return CompareRequest([], [], empty=True)
    team_ids = []
    for value in raw_teams:
        team_id = parse_id(value.strip())
        if team_id is None:
            raise BadCompare("Pick teams from the list.")
        if team_id not in visible:
            raise Http404("No such team in this organization.")
        if team_id not in team_ids:
            team_ids.append(team_id)
    quarters = []
    for value in raw_quarters:
        quarter = parse_quarter(value)
        if quarter is None:
            raise BadCompare(
                gettext("%(value)s is not a quarter; pick one from the list.")
                % {"value": repr(value[:20])}
            )
        if quarter not in quarters:
            quarters.append(quarter)
    return CompareRequest(team_ids, quarters, empty=False)


def _pairs(
    asked: CompareRequest, visible: dict[int, Team], default: Quarter
) -> list[tuple[str, Team, Quarter]]:
    """(label, team, quarter) per compared thing: teams in one quarter, or a team's quarters."""
    if len(asked.team_ids) == 1 and len(asked.quarters) == 2:
        team = visible[asked.team_ids[0]]
        older, newer = sorted(asked.quarters)
        return [(quarter.label, team, quarter) for quarter in (older, newer)]
    if len(asked.quarters) > 1:
        raise BadCompare(
            "Compare either two to four teams in one quarter, or one team's two quarters."
        )
    if len(asked.team_ids) < portfolio.MIN_COMPARED:
        raise BadCompare("Pick two to four teams, or one team and two quarters.")
    if len(asked.team_ids) > portfolio.MAX_COMPARED:
        raise BadCompare("Pick at most four teams.")
    period = asked.quarters[0] if asked.quarters else default
    return [(visible[pk].name, visible[pk], period) for pk in asked.team_ids]


@login_required
@require_GET
def compare(request: HttpRequest, slug: str) -> HttpResponse:
    organization, teams = _organization_and_teams(request, slug)
    visible = {team.pk: team for team in teams}
    quarters, default = _quarter_choices(teams)
    ctx = {
        "organization": organization,
        "teams": teams,
        "quarters": quarters,
        "default_quarter": default,
        "picked_teams": set(),
        "picked_quarters": [default],
        "error": None,
        "comparison": None,
    }
    try:
        asked = _read_compare(request, visible)
        if asked.empty:
            return render(request, "assessments/compare.html", ctx)
        ctx["picked_teams"] = set(asked.team_ids)
        ctx["picked_quarters"] = asked.quarters or [default]
        pairs = _pairs(asked, visible, default)
    except BadCompare as problem:
        ctx["error"] = str(problem)
        return render(request, "assessments/compare.html", ctx, status=400)
    comparison = portfolio.compare_entries(pairs)
    scored = [(entry.label, entry.result) for entry in comparison.scored]
    ctx.update(
        {
            "comparison": comparison,
            "by_quarter": len({period for _, _, period in pairs}) > 1,
            "period": pairs[0][2],
            "radar_figure": (
                compare_radar_figure(scored, comparison.bands) if len(scored) >= 2 else None
            ),
        }
    )
    return render(request, "assessments/compare.html", ctx)
