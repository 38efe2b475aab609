"""Reads of the improvement loop: a team's targets, an assessment's plan (theme, actions,
suggested theme, recommendations), its figures, and the verdict on last quarter's theme."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import F, Q

from assessments import improvement
from assessments.models import Action, Assessment, DimensionTarget, OutcomeMetrics
from assessments.periods import Quarter
from assessments.plan_services import METRIC_RULES
from catalogue.models import Recommendation
from catalogue.scoring import ScoreResult
from organizations.models import Team


def targets_of(team: Team) -> dict[str, DimensionTarget]:
    return {t.dimension_code: t for t in DimensionTarget.objects.filter(team=team)}


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
