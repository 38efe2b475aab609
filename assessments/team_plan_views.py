"""The team page and its plan: every quarter's totals, the team's targets per dimension, and
its outcome figures per quarter. Whoever may see the team (its leads, its organization's
consultants, platform admins) may set them; anyone else gets a 404 and nothing is saved."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_POST

from assessments import charts, metric_charts, plan, plan_services, selectors
from assessments.models import DimensionTarget, OutcomeMetrics
from assessments.periods import Quarter
from assessments.plan_services import METRIC_RULES
from assessments.selectors import AssessmentSummary, TeamHistory
from assessments.team_plan_forms import MetricsForm, QuarterChoiceForm, TargetsForm
from catalogue.models import Dimension
from catalogue.selectors import latest_published_model, model_structure
from organizations import selectors as scope
from organizations.models import Team


@dataclass(frozen=True)
class TeamPage:
    """What the team page shows, read in a fixed number of queries."""

    team: Team
    history: TeamHistory
    dimensions: list[Dimension]  # of the team's latest model version: the targets' rows
    targets: dict[str, DimensionTarget]
    metrics: dict[Quarter, OutcomeMetrics]
    themes: dict[int, Dimension]  # assessment pk -> the theme chosen on it
    current: Quarter

    @property
    def metric_quarters(self) -> list[Quarter]:
        """The quarters figures can be entered for, newest first: those assessed, the current
        one, and any already holding figures (to correct them)."""
        assessed = {s.assessment.period for s in self.history.summaries}
        return sorted({*assessed, self.current, *self.metrics}, reverse=True)

    def theme_marks(self) -> list[metric_charts.ThemeMark]:
        return [
            metric_charts.ThemeMark(s.assessment.period, dim.code, dim.name)
            for s in self.history.summaries
            if (dim := self.themes.get(s.assessment.pk)) is not None
        ]


def team_page_data(team: Team) -> TeamPage:
    history = selectors.team_history(team)
    summaries = history.summaries
    model = summaries[-1].assessment.model if summaries else latest_published_model()
    dimensions = list(model_structure(model).dimensions.all()) if model else []
    return TeamPage(
        team=team,
        history=history,
        dimensions=dimensions,
        targets=plan.targets_of(team),
        metrics=plan.metrics_by_quarter(team),
        themes=_themes(summaries),
        current=Quarter.containing(timezone.localdate()),
    )


def _themes(summaries: list[AssessmentSummary]) -> dict[int, Dimension]:
    """Each assessment's theme, found in its version's structure (already in memory)."""
    themes = {}
    for summary in summaries:
        assessment = summary.assessment
        if assessment.theme_dimension_id is None:
            continue
        dims = {d.pk: d for d in model_structure(assessment.model).dimensions.all()}
        if assessment.theme_dimension_id in dims:
            themes[assessment.pk] = dims[assessment.theme_dimension_id]
    return themes


def _targets_form(page: TeamPage, data=None) -> TargetsForm:
    return TargetsForm(data, dimensions=page.dimensions, targets=page.targets)


def _metrics_form(page: TeamPage, quarter: Quarter, data=None) -> MetricsForm:
    row = page.metrics.get(quarter)
    initial = {"quarter": quarter.key} | MetricsForm.initial_from(row)
    return MetricsForm(data, quarters=page.metric_quarters, initial=initial)


def _picked_quarter(request: HttpRequest, page: TeamPage) -> Quarter:
    """The quarter whose figures the form shows: ?quarter=2026Q3, else the current one."""
    try:
        picked = Quarter.parse(request.GET.get("quarter", ""))
    except ValueError:
        return page.current
    return picked if picked in page.metric_quarters else page.current


def render_team_page(
    request: HttpRequest,
    page: TeamPage,
    *,
    targets_form: TargetsForm | None = None,
    metrics_form: MetricsForm | None = None,
    metrics_quarter: Quarter | None = None,
    status: int = 200,
) -> HttpResponse:
    quarter = metrics_quarter or _picked_quarter(request, page)
    targets = {code: t.target_total for code, t in page.targets.items()}
    charts_of_metrics = metric_charts.metric_charts(page.metrics, page.theme_marks())
    ctx = {
        "team": page.team,
        "history": page.history,
        "history_rows": [
            (summary, page.themes.get(summary.assessment.pk))
            for summary in reversed(page.history.summaries)
        ],
        "history_figures": charts.history_figures(page.history, targets),
        "trend_targets": targets,
        "targets_form": targets_form or _targets_form(page),
        "metrics_form": metrics_form or _metrics_form(page, quarter),
        "metrics_quarter": quarter,
        "quarter_form": QuarterChoiceForm(
            initial={"quarter": quarter.key}, quarters=page.metric_quarters
        ),
        "metric_labels": [label for label, _, _ in METRIC_RULES.values()],
        "metric_rows": [
            (q, [_shown(getattr(row, field)) for field in METRIC_RULES])
            for q, row in sorted(page.metrics.items(), reverse=True)
        ],
        "metric_charts": charts_of_metrics,
        "metric_figures": [chart.figure for chart in charts_of_metrics],
    }
    return render(request, "assessments/team_history.html", ctx, status=status)


def _visible_team(request: HttpRequest, pk: int) -> Team:
    return get_object_or_404(scope.teams_visible_to(request.user), pk=pk)


def _team_url(team: Team, anchor: str, query: str = "") -> str:
    return f"{reverse('assessments:team', args=[team.pk])}{query}#{anchor}"


@login_required
@require_POST
def team_targets(request: HttpRequest, pk: int) -> HttpResponse:
    team = _visible_team(request, pk)
    page = team_page_data(team)
    form = _targets_form(page, request.POST)
    if form.is_valid():
        try:
            changed = plan_services.targets_save(
                team=team,
                user=request.user,
                targets=form.wanted(),
                codes=[dim.code for dim in page.dimensions],
            )
        except plan_services.PlanError as refused:
            for problem in refused.problems:
                form.add_error(None, problem)
        else:
            if changed:
                messages.success(
                    request,
                    ngettext(
                        "Targets saved: %(count)s dimension(s) changed.",
                        "Targets saved: %(count)s dimension(s) changed.",
                        changed,
                    )
                    % {"count": changed},
                )
            else:
                messages.info(request, gettext("The targets were already so: nothing changed."))
            return redirect(_team_url(team, "targets"))
    return render_team_page(request, page, targets_form=form, status=400)


@login_required
@require_POST
def team_metrics(request: HttpRequest, pk: int) -> HttpResponse:
    team = _visible_team(request, pk)
    page = team_page_data(team)
    form = MetricsForm(request.POST, quarters=page.metric_quarters)
    if form.is_valid():
        quarter = form.cleaned_data["quarter"]
        try:
            plan_services.metrics_save(
                team=team, period=quarter, user=request.user, values=form.figures()
            )
        except plan_services.PlanError as refused:
            for problem in refused.problems:
                form.add_error(None, problem)
        else:
            messages.success(
                request, gettext("Figures for %(quarter)s saved.") % {"quarter": quarter.label}
            )
            return redirect(_team_url(team, "metrics", f"?quarter={quarter.key}"))
    posted = form.cleaned_data.get("quarter") if hasattr(form, "cleaned_data") else None
    return render_team_page(
        request, page, metrics_form=form, metrics_quarter=posted or page.current, status=400
    )


def _shown(value) -> str | None:
    return None if value is None else plan.figure_text(float(value))
