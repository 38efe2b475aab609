"""Writes. Each service validates first, then changes the database in one transaction."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from assessments.models import Answer, Assessment
from assessments.periods import Quarter
from catalogue.models import MaturityModel, Question
from catalogue.scoring import MAX_SCORE, MIN_SCORE, ScoringError, score_assessment
from catalogue.selectors import latest_published_model, model_spec, model_with_structure
from catalogue.services import model_version_mark_in_use
from organizations.models import Team


class AssessmentError(ValueError):
    """The change was refused; nothing was saved. The message is meant for the user."""


class AlreadySubmitted(AssessmentError):
    def __init__(self, assessment: Assessment) -> None:
        self.assessment = assessment
        super().__init__(
            f"{assessment.team.name} already submitted its {assessment.period.label} assessment."
        )


@transaction.atomic
def assessment_start(
    *, team: Team, period: Quarter, user, model: MaturityModel | None = None
) -> tuple[Assessment, bool]:
    """The team's draft for the period (created if need be); refuses if it was submitted.

    A quarter has one assessment per team: an existing draft or submission on an older model
    version counts, so publishing a new version never splits a quarter in two.
    """
    model = model or latest_published_model()
    if model is None:
        raise AssessmentError("No published model version is installed yet.")
    same_quarter = Assessment.objects.filter(team=team, year=period.year, quarter=period.quarter)
    existing = same_quarter.order_by("-status", "-created_at").first()  # submitted first
    if existing is None:
        key = {"team": team, "year": period.year, "quarter": period.quarter, "model": model}
        try:
            with transaction.atomic():
                return Assessment.objects.create(**key, created_by=user), True
        except IntegrityError:
            # Someone started the same assessment a moment ago: use theirs.
            existing = Assessment.objects.get(**key)
    if existing.is_submitted:
        raise AlreadySubmitted(existing)
    return existing, False


def _lock_draft(assessment: Assessment) -> Assessment:
    locked = Assessment.objects.select_for_update().select_related("team").get(pk=assessment.pk)
    if locked.is_submitted:
        raise AlreadySubmitted(locked)
    return locked


@transaction.atomic
def assessment_update_context(*, assessment: Assessment, **context) -> Assessment:
    allowed = {"company_stage", "customer_segment", "touch_model", "onboarding_weeks"}
    unknown = set(context) - allowed
    if unknown:
        raise AssessmentError(f"Unknown context field(s): {', '.join(sorted(unknown))}.")
    locked = _lock_draft(assessment)
    for field, value in context.items():
        setattr(locked, field, value)
    locked.save(update_fields=[*context, "updated_at"])
    return locked


@transaction.atomic
def answers_save(
    *, assessment: Assessment, answers: dict[Question, tuple[int | None, str | None]]
) -> None:
    """Save each answer on its own row; None leaves that part of the answer as it was.

    Scores cannot be cleared (a radio choice cannot be unpicked); an answer left with neither
    a score nor a note is removed.
    """
    locked = _lock_draft(assessment)
    for question, (score, _note) in answers.items():
        if question.dimension.model_id != locked.model_id:
            raise AssessmentError(f"{question.code} is not part of {locked.model}.")
        if score is not None and not MIN_SCORE <= score <= MAX_SCORE:
            raise AssessmentError(f"The score for {question.code} must be from 1 to 5.")
    existing = {a.question_id: a for a in locked.answers.filter(question__in=list(answers))}
    for question, (score, note) in answers.items():
        answer = existing.get(question.pk) or Answer(assessment=locked, question=question)
        before = (answer.score, answer.note)
        if score is not None:
            answer.score = score
        if note is not None:
            answer.note = note
        if answer.score is None and not answer.note:
            if answer.pk:
                answer.delete()
            continue
        if answer.pk is None or (answer.score, answer.note) != before:
            answer.save()
    Assessment.objects.filter(pk=locked.pk).update(updated_at=timezone.now())


@transaction.atomic
def assessment_submit(*, assessment: Assessment, user) -> Assessment:
    """Freeze each question's wording into its answer and mark the assessment submitted."""
    locked = _lock_draft(assessment)
    model = model_with_structure(locked.model_id)
    questions = _questions(model)
    answers = {a.question_id: a for a in locked.answers.all()}
    missing = [
        f"{q.code} ({q.text})"
        for q in questions
        if q.pk not in answers or answers[q.pk].score is None
    ]
    if missing:
        raise AssessmentError(
            "Answer every question before submitting. Missing: " + "; ".join(missing) + "."
        )
    try:
        score_assessment(model_spec(model), {q.code: answers[q.pk].score for q in questions})
    except ScoringError as error:
        raise AssessmentError(f"This assessment cannot be scored: {error}") from error
    for question in questions:
        answers[question.pk].question_text = question.text
    Answer.objects.bulk_update(answers.values(), ["question_text"])
    now = timezone.now()
    updated = Assessment.objects.filter(pk=locked.pk, status=Assessment.Status.DRAFT).update(
        status=Assessment.Status.SUBMITTED, submitted_by=user, submitted_at=now, updated_at=now
    )
    if updated != 1:
        raise AlreadySubmitted(locked)
    model_version_mark_in_use(model=model)
    locked.refresh_from_db()
    return locked


def _questions(model: MaturityModel) -> list[Question]:
    return [q for dim in model.dimensions.all() for q in dim.questions.all()]
