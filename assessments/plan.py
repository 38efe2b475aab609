"""Reads of the improvement loop: a team's targets, an assessment's plan (theme, actions,
suggested theme, recommendations), its figures, and the verdict on last quarter's theme."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import F, Q
from django.utils.translation import gettext

from assessments import improvement
from assessments.models import Action, Answer, Assessment, DimensionTarget, OutcomeMetrics
from assessments.periods import Quarter
from assessments.plan_services import METRIC_RULES
from catalogue.models import Recommendation
from catalogue.scoring import ScoreResult, score_assessment
from catalogue.selectors import model_spec, model_structure, question_codes_by_id
from organizations.models import Team


def targets_of(team: Team) -> dict[str, DimensionTarget]:
    targets = DimensionTarget.objects.filter(team=team).select_related("updated_by")
    return {t.dimension_code: t for t in targets}


def goals(
    result: ScoreResult, targets: dict[str, DimensionTarget]
) -> list[improvement.DimensionGoal]:
    """Each dimension's total beside the team's target and stage mark, in model order."""
    return [
        improvement.DimensionGoal(
            code=dim.code,
            total=dim.total,
            target=targets[dim.code].target_total if dim.code in targets else None,
            for_stage=dim.code in targets and targets[dim.code].right_for_stage,
        )
        for dim in result.dimensions
    ]


@dataclass(frozen=True)
class GoalRow:
    """A dimension on the report: its total, target, gap and the stage mark's reason."""

    code: str
    name: str
    total: int
    target: int | None
    gap: int | None
    for_stage: bool
    stage_reason: str


@dataclass(frozen=True)
class Plan:
    assessment: Assessment
    goals: tuple[GoalRow, ...]
    suggested_code: str | None
    actions: tuple[Action, ...]
    recommendations: tuple[Recommendation, ...]  # for the theme's dimension in its band

    @property
    def has_targets(self) -> bool:
        return any(goal.target is not None for goal in self.goals)

    @property
    def theme(self):
        return self.assessment.theme_dimension


def plan_of(assessment: Assessment, result: ScoreResult) -> Plan:
    """A submitted assessment's plan: four queries, whatever the number of actions."""
    targets = targets_of(assessment.team)
    team_goals = goals(result, targets)
    rows = tuple(
        GoalRow(
            code=dim.code,
            name=dim.name,
            total=goal.total,
            target=goal.target,
            gap=goal.gap,
            for_stage=goal.for_stage,
            stage_reason=targets[dim.code].stage_reason if goal.for_stage else "",
        )
        for dim, goal in zip(result.dimensions, team_goals, strict=True)
    )
    actions = tuple(
        Action.objects.filter(assessment=assessment).select_related("owner", "recommendation")
    )
    return Plan(
        assessment=assessment,
        goals=rows,
        suggested_code=improvement.suggest_theme(team_goals),
        actions=actions,
        recommendations=tuple(_recommendations(assessment, result)),
    )


def _recommendations(assessment: Assessment, result: ScoreResult):
    """Starting actions for the theme's dimension in the band its total fell in."""
    theme = assessment.theme_dimension
    if theme is None:
        return Recommendation.objects.none()
    total = next(d.total for d in result.dimensions if d.code == theme.code)
    questions = list(assessment.theme_questions.values_list("pk", flat=True))
    found = Recommendation.objects.filter(
        dimension=theme, band__min_total__lte=total, band__max_total__gte=total
    ).select_related("question")
    if questions:  # the chosen questions' own first, then the dimension's
        found = found.filter(Q(question__isnull=True) | Q(question__in=questions))
    # Question-specific ones first, in the questions' model order; then the dimension's.
    return found.order_by(F("question__order").asc(nulls_last=True), "order", "key")


def metrics_by_quarter(team: Team) -> dict[Quarter, OutcomeMetrics]:
    return {Quarter(m.year, m.quarter): m for m in OutcomeMetrics.objects.filter(team=team)}


def recorded_metrics(metrics: OutcomeMetrics | None) -> set[str]:
    """The figures a quarter's row holds."""
    if metrics is None:
        return set()
    return {field for field in METRIC_RULES if getattr(metrics, field) is not None}


# --- The verdict on last quarter's theme --------------------------------------------------------


def theme_before(assessment: Assessment, codes: list[str]) -> Assessment | None:
    """The team's latest submitted assessment before this one with a theme chosen, of the same
    model version or with a theme whose dimension code this assessment's model has."""
    return (
        Assessment.objects.filter(
            team_id=assessment.team_id,
            status=Assessment.Status.SUBMITTED,
            theme_dimension__isnull=False,
        )
        .filter(Q(model_id=assessment.model_id) | Q(theme_dimension__code__in=codes))
        .filter(
            Q(year__lt=assessment.year) | Q(year=assessment.year, quarter__lt=assessment.quarter)
        )
        .select_related("model", "theme_dimension")
        .order_by("-year", "-quarter")
        .first()
    )


def _dimension_then(previous: Assessment, code: str):
    """The theme dimension's score on the earlier assessment, under its own model version."""
    structure = model_structure(previous.model)
    codes = question_codes_by_id(structure)
    scores = {
        codes[question_id]: score
        for question_id, score in Answer.objects.filter(
            assessment=previous, score__isnull=False
        ).values_list("question_id", "score")
    }
    return score_assessment(model_spec(structure), scores).dimension(code)


def metric_changes(
    before: OutcomeMetrics | None, after: OutcomeMetrics | None
) -> tuple[improvement.MetricChange, ...]:
    """Each figure recorded in either quarter, in METRIC_RULES order, with both values."""
    changes = []
    for field, (label, _, _) in METRIC_RULES.items():
        then = getattr(before, field) if before is not None else None
        now = getattr(after, field) if after is not None else None
        if then is None and now is None:
            continue
        changes.append(
            improvement.MetricChange(
                name=label,
                before=None if then is None else float(then),
                after=None if now is None else float(now),
            )
        )
    return tuple(changes)


def verdict_for(assessment: Assessment, result: ScoreResult) -> improvement.Verdict | None:
    """What became of the last theme, read on a submitted assessment's report; None without
    one. A fixed number of queries, whatever the number of actions and figures."""
    found = _verdict_and_theme(assessment, result)
    return found[0] if found else None


def _verdict_and_theme(assessment: Assessment, result: ScoreResult):
    if not assessment.is_submitted:
        return None
    codes = [dim.code for dim in result.dimensions]
    previous = theme_before(assessment, codes)
    if previous is None:
        return None
    code = previous.theme_dimension.code
    then = _dimension_then(previous, code)
    now = result.dimension(code)
    statuses = list(Action.objects.filter(assessment=previous).values_list("status", flat=True))
    quarters = (previous.period, assessment.period)
    rows = {
        Quarter(m.year, m.quarter): m
        for m in OutcomeMetrics.objects.filter(team_id=assessment.team_id).filter(
            Q(year=quarters[0].year, quarter=quarters[0].quarter)
            | Q(year=quarters[1].year, quarter=quarters[1].quarter)
        )
    }
    verdict = improvement.Verdict(
        dimension_code=code,
        before=then.total,
        after=now.total,
        band_before=then.band.label,
        band_after=now.band.label,
        actions=improvement.action_counts(statuses),
        metrics=metric_changes(rows.get(quarters[0]), rows.get(quarters[1])),
    )
    return verdict, previous


@dataclass(frozen=True)
class VerdictView:
    """A verdict as the report and the PDF word it."""

    verdict: improvement.Verdict
    name: str  # the dimension's name in this assessment's model version
    since: Assessment  # the quarter whose theme it was

    @property
    def change(self) -> str:
        delta = self.verdict.delta
        return f"+{delta}" if delta > 0 else str(delta)

    @property
    def band_text(self) -> str:
        if not self.verdict.band_changed:
            return gettext("band unchanged")
        return f"{self.verdict.band_before} → {self.verdict.band_after}"

    @property
    def headline(self) -> str:
        """ "Manageability & Productivity 9 → 12, +3, band unchanged"."""
        v = self.verdict
        return f"{self.name} {v.before} → {v.after}, {self.change}, {self.band_text}"

    @property
    def metric_lines(self) -> list[tuple[str, str, str, str]]:
        """(figure, then, now, change) with "not recorded" where a quarter has no figure."""
        return [
            (m.name, figure_text(m.before), figure_text(m.after), _signed(m.delta))
            for m in self.verdict.metrics
        ]


def figure_text(value: float | None) -> str:
    """A recorded figure as people write it: 4.25, 3.8, 45."""
    if value is None:
        return gettext("not recorded")
    return f"{value:g}" if value == int(value) else f"{value:.2f}".rstrip("0")


def _signed(value: float | None) -> str:
    if value is None:
        return "–"
    text = figure_text(value)
    return f"+{text}" if value > 0 else text


def verdict_view(assessment: Assessment, result: ScoreResult) -> VerdictView | None:
    found = _verdict_and_theme(assessment, result)
    if found is None:
        return None
    verdict, previous = found
    return VerdictView(verdict, result.dimension(verdict.dimension_code).name, previous)


def figure_lines(metrics: OutcomeMetrics | None) -> list[tuple[str, str]]:
    """The quarter's recorded figures as (label, value), in METRIC_RULES order."""
    if metrics is None:
        return []
    return [
        (label, figure_text(float(getattr(metrics, field))))
        for field, (label, _, _) in METRIC_RULES.items()
        if getattr(metrics, field) is not None
    ]


def metrics_by_quarter_of(team_id: int, period: Quarter) -> OutcomeMetrics | None:
    """One quarter's figures of a team, or None."""
    return OutcomeMetrics.objects.filter(
        team_id=team_id, year=period.year, quarter=period.quarter
    ).first()


PLAN_EXPORT_ORDER = (
    "assessment__team__organization__name",
    "assessment__team__name",
    "assessment__year",
    "assessment__quarter",
    "due_date",
    "pk",
)


def plan_export_rows(assessments):
    """One tuple per action of the submitted assessments given, for plan.csv: organization,
    team, year, quarter, theme, action, owner, due date, status. Streamed in chunks."""
    actions = (
        Action.objects.filter(
            assessment__in=assessments.filter(status=Assessment.Status.SUBMITTED).values("pk")
        )
        .select_related("assessment__team__organization", "assessment__theme_dimension", "owner")
        .order_by(*PLAN_EXPORT_ORDER)
    )
    for action in actions.iterator(chunk_size=2000):
        assessment = action.assessment
        theme = assessment.theme_dimension
        yield (
            assessment.team.organization.name,
            assessment.team.name,
            assessment.year,
            assessment.quarter,
            theme.code if theme is not None else "",
            action.title,
            action.owner_label,
            action.due_date.isoformat() if action.due_date else "",
            action.status,
        )
