"""Carry forward: start a quarter from the team's last submitted answers.

Each carried answer is marked with the quarter it came from ("2026 Q3") until the lead touches
it or confirms its dimension step; a draft cannot be submitted while any mark remains.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from assessments.models import Answer, Assessment
from assessments.periods import Quarter
from assessments.services import AssessmentError, _lock_draft
from catalogue.models import MaturityModel, Question
from organizations.models import Team

# A carried score changed by this much or more asks "what changed?".
MOVED_BY = 2


def _submitted_before(period: Quarter | None = None):
    earlier = Q()
    if period is not None:
        earlier = Q(year__lt=period.year) | Q(year=period.year, quarter__lt=period.quarter)
    return Assessment.objects.filter(earlier, status=Assessment.Status.SUBMITTED).order_by(
        "-year", "-quarter"
    )


def carry_source(assessment: Assessment) -> Assessment | None:
    """The latest submission of the same team and model version before this quarter."""
    return (
        _submitted_before(assessment.period)
        .filter(team_id=assessment.team_id, model_id=assessment.model_id)
        .first()
    )


def carry_offers(
    teams: Iterable[Team], model: MaturityModel | None
) -> dict[int, tuple[str, Quarter]]:
    """Per team id, its name and the quarter of its latest submission on `model`: one query."""
    if model is None:
        return {}
    offers: dict[int, tuple[str, Quarter]] = {}
    rows = (
        _submitted_before()
        .filter(team__in=teams, model=model)
        .values_list("team_id", "team__name", "year", "quarter")
    )
    for team_id, name, year, quarter in rows:
        offers.setdefault(team_id, (name, Quarter(year, quarter)))  # newest first
    return offers


@transaction.atomic
def assessment_carry_forward(*, assessment: Assessment, source: Assessment, user) -> int:
    """Copy every agreed answer (score and note) of `source` into the empty draft `assessment`,
    each marked as carried from `source`'s quarter. Returns how many were copied.

    Refused (nothing written) unless `source` is an earlier submission of the same team and
    model version, and the draft has no answers yet: carrying never overwrites anything.
    """
    locked = _lock_draft(assessment)
    if (
        not source.is_submitted
        or source.team_id != locked.team_id
        or source.model_id != locked.model_id
        or (source.year, source.quarter) >= (locked.year, locked.quarter)
    ):
        raise AssessmentError(
            "Answers can only be carried from an earlier submitted quarter of the same team "
            "and model version."
        )
    if locked.answers.exists():
        raise AssessmentError(
            "This draft already has answers: nothing was carried forward, so none is overwritten."
        )
    label = source.period.label
    carried = [
        Answer(
            assessment=locked,
            question_id=answer.question_id,
            score=answer.score,
            note=answer.note,
            carried_from=label,
        )
        for answer in source.answers.filter(score__isnull=False)
    ]
    bulk_create_with_history(carried, Answer, default_user=user)
    Assessment.objects.filter(pk=locked.pk).update(updated_at=timezone.now())
    return len(carried)


@dataclass(frozen=True)
class Moved:
    """A carried score the lead changed by MOVED_BY or more, with no new note saying why."""

    code: str
    label: str  # the quarter it was carried from
    was: int
    now: int


CarriedRow = tuple[int, int | None, str, str]  # question id, score, note, carried from


def carried_rows(assessment: Assessment, questions: list[Question]) -> list[CarriedRow]:
    """The answers carried into `assessment` for these questions, as carrying created them
    (the audit trail's first rows): one query. Saving a step never changes them."""
    return list(
        Answer.history.filter(
            assessment_id=assessment.pk,
            question_id__in=[q.pk for q in questions],
            history_type="+",
        )
        .exclude(carried_from="")
        .values_list("question_id", "score", "note", "carried_from")
    )


def moved_without_note(
    assessment: Assessment,
    questions: list[Question],
    answers: dict[int, Answer],
    carried: list[CarriedRow] | None = None,
) -> dict[str, Moved]:
    """Per question code: carried answers (by the audit trail) whose score has since moved by
    MOVED_BY or more while their note is empty or still the carried one. One query, carried
    or not; none when `carried` (carried_rows of the same questions) is given."""
    if carried is None:
        carried = carried_rows(assessment, questions)
    codes = {q.pk: q.code for q in questions}
    moved = {}
    for question_id, was, carried_note, label in carried:
        answer = answers.get(question_id)
        if answer is None or answer.carried_from or answer.score is None or was is None:
            continue
        unexplained = not answer.note.strip() or answer.note == carried_note
        if abs(answer.score - was) >= MOVED_BY and unexplained:
            code = codes[question_id]
            moved[code] = Moved(code=code, label=label, was=was, now=answer.score)
    return moved
