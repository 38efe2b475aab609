"""Writes of the improvement loop: targets, the theme, its actions, the quarter's figures.

Each validates everything first and then writes in one transaction: a refusal names every
problem and changes nothing. Who may do them (a team's leads and consultants) is the views'
scope check; these check what the data must be.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from assessments import events
from assessments.models import Action, Assessment, DimensionTarget, OutcomeMetrics
from assessments.periods import Quarter
from assessments.plan_models import TARGET_RANGE
from assessments.services import AssessmentError
from catalogue.models import Dimension, Question, Recommendation
from organizations.models import Team

STAGE_REASON_MAX = 300


class PlanError(AssessmentError):
    """Refused; nothing was saved. The message names every problem."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(
            gettext("Nothing was saved: %(problems)s.") % {"problems": "; ".join(problems)}
        )


@dataclass(frozen=True)
class TargetInput:
    target: int | None
    for_stage: bool = False
    reason: str = ""


@transaction.atomic
def targets_save(*, team: Team, user, targets: dict[str, TargetInput], codes: list[str]) -> int:
    """Set the team's target and stage mark per dimension code; returns how many changed.

    `codes` are the dimension codes the team's model has: any other is refused.
    """
    problems = []
    low, high = TARGET_RANGE
    for code, wanted in targets.items():
        if code not in codes:
            problems.append(gettext("%(code)s is not a dimension of this model") % {"code": code})
        if wanted.target is not None and not low <= wanted.target <= high:
            problems.append(
                gettext("%(code)s: a target must be a total from %(low)s to %(high)s")
                % {"code": code, "low": low, "high": high}
            )
        if wanted.for_stage and not wanted.reason.strip():
            problems.append(
                gettext("%(code)s: say why this level is right for your stage") % {"code": code}
            )
        if len(wanted.reason) > STAGE_REASON_MAX:
            problems.append(
                gettext("%(code)s: keep the reason under %(max)s characters")
                % {"code": code, "max": STAGE_REASON_MAX}
            )
    if problems:
        raise PlanError(problems)
    existing = {
        t.dimension_code: t for t in DimensionTarget.objects.select_for_update().filter(team=team)
    }
    changed = 0
    for code, wanted in targets.items():
        row = existing.get(code) or DimensionTarget(team=team, dimension_code=code)
        new = (wanted.target, wanted.for_stage, wanted.reason.strip() if wanted.for_stage else "")
        if row.pk and (row.target_total, row.right_for_stage, row.stage_reason) == new:
            continue
        row.target_total, row.right_for_stage, row.stage_reason = new
        row.updated_by = user
        row._history_user = user
        row.save()
        changed += 1
    return changed


@transaction.atomic
def theme_choose(
    *,
    assessment: Assessment,
    user,
    dimension: Dimension,
    questions: list[Question] = (),
    reason: str = "",
) -> Assessment:
    """Next quarter's theme: one dimension of the assessment's model version, and optionally
    some of its questions to work on. Only once the assessment is submitted."""
    locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
    problems = []
    if not locked.is_submitted:
        problems.append(gettext("submit the assessment before choosing next quarter's theme"))
    if dimension.model_id != locked.model_id:
        problems.append(
            gettext("%(code)s is not a dimension of %(model)s")
            % {"code": dimension.code, "model": locked.model}
        )
    strays = [q.code for q in questions if q.dimension_id != dimension.pk]
    if strays:
        problems.append(
            gettext("%(codes)s not part of %(dimension)s")
            % {"codes": ", ".join(strays), "dimension": dimension.name}
        )
    if len(reason) > STAGE_REASON_MAX:
        problems.append(
            gettext("keep the reason under %(max)s characters") % {"max": STAGE_REASON_MAX}
        )
    if problems:
        raise PlanError(problems)
    locked.theme_dimension = dimension
    locked.theme_reason = reason.strip()
    locked.theme_chosen_by = user
    locked.theme_chosen_at = timezone.now()
    locked._history_user = user
    locked.save(
        update_fields=[
            "theme_dimension",
            "theme_reason",
            "theme_chosen_by",
            "theme_chosen_at",
            "updated_at",
        ]
    )
    locked.theme_questions.set(questions)
    return locked


@dataclass(frozen=True)
class ActionInput:
    title: str
    owner: object | None = None  # a user of the team's organization
    owner_name: str = ""  # or a name, for someone without an account
    due_date: datetime.date | None = None
    status: str = Action.Status.PLANNED
    recommendation: Recommendation | None = None


def _action_problems(
    assessment: Assessment, wanted: ActionInput, people_ids: set[int]
) -> list[str]:
    problems = []
    title = wanted.title.strip()
    if not title:
        problems.append(gettext("give the action a title"))
    if len(title) > 200:
        problems.append(gettext("keep the title under 200 characters"))
    if wanted.owner is not None and wanted.owner.pk not in people_ids:
        problems.append(gettext("the owner must be a person of this organization"))
    if wanted.due_date is not None and wanted.due_date < assessment.period.first_day:
        problems.append(
            gettext("the due date cannot be before %(quarter)s (%(date)s)")
            % {
                "quarter": assessment.period.label,
                "date": f"{assessment.period.first_day:%d %b %Y}",
            }
        )
    if wanted.status not in Action.Status.values:
        problems.append(gettext("the status must be planned, doing, done or dropped"))
    if wanted.recommendation is not None and wanted.recommendation.model_id != assessment.model_id:
        problems.append(gettext("that recommendation belongs to another model version"))
    return problems


@transaction.atomic
def action_save(
    *, assessment: Assessment, user, wanted: ActionInput, people_ids: set[int], action=None
) -> Action:
    """Add an action under the assessment's theme, or change one (`action`)."""
    locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
    problems = _action_problems(locked, wanted, people_ids)
    if locked.theme_dimension_id is None:
        problems.insert(0, gettext("choose the theme first"))
    if action is not None and action.assessment_id != locked.pk:
        problems.append(gettext("that action belongs to another assessment"))
    if problems:
        raise PlanError(problems)
    row = action or Action(assessment=locked, created_by=user)
    row.title = wanted.title.strip()
    row.owner = wanted.owner
    row.owner_name = "" if wanted.owner is not None else wanted.owner_name.strip()[:150]
    row.due_date = wanted.due_date
    row.status = wanted.status
    row.recommendation = wanted.recommendation if action is None else row.recommendation
    row._history_user = user
    row.save()
    events.send(events.action_updated, action=row, user=user, created=action is None)
    return row


METRIC_RULES = {
    # field: (label, lowest, highest)
    "time_to_first_value_days": (_("Time to first value (days)"), 0, 3650),
    "time_to_value_days": (_("Time to value (days)"), 0, 3650),
    "onboarding_duration_days": (_("Onboarding duration (days)"), 0, 3650),
    "csat": (_("Onboarding CSAT (1-5)"), 1, 5),
    "nps": (_("Post-onboarding NPS (-100 to 100)"), -100, 100),
    "milestones_on_time_pct": (_("Milestones on time (%)"), 0, 100),
    "customers_onboarded": (_("Customers onboarded"), 0, 1_000_000),
}
WHOLE_NUMBER_METRICS = set(METRIC_RULES) - {"csat"}  # the others are days, points, % or counts


def _metric_problem(field: str, value) -> str | None:
    label, low, high = METRIC_RULES[field]
    # A string, a bool or NaN would fail the range check with a TypeError or compare oddly;
    # a fraction of a day would be cut silently by the integer column.
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return gettext("%(figure)s must be a number") % {"figure": label}
    if not Decimal(value).is_finite():
        return gettext("%(figure)s must be a number") % {"figure": label}
    if field in WHOLE_NUMBER_METRICS and Decimal(value) != Decimal(value).to_integral_value():
        return gettext("%(figure)s must be a whole number") % {"figure": label}
    if not low <= value <= high:
        return gettext("%(figure)s must be from %(low)s to %(high)s") % {
            "figure": label,
            "low": low,
            "high": high,
        }
    return None


@transaction.atomic
def metrics_save(
    *, team: Team, period: Quarter, user, values: dict[str, Decimal | int | None]
) -> OutcomeMetrics:
    """Record (or correct) a team's figures for a quarter; None clears a figure."""
    problems = []
    for field, value in values.items():
        if field not in METRIC_RULES:
            problems.append(gettext("%(field)s is not a recorded figure") % {"field": field})
            continue
        problem = None if value is None else _metric_problem(field, value)
        if problem:
            problems.append(problem)
    if problems:
        raise PlanError(problems)
    row, _ = OutcomeMetrics.objects.select_for_update().get_or_create(
        team=team, year=period.year, quarter=period.quarter
    )
    for field, value in values.items():
        setattr(row, field, value)
    row.updated_by = user
    row._history_user = user
    row.save()
    return row
