"""Writes. Each service validates first, then changes the database in one transaction."""

from __future__ import annotations

import re

from django.db import IntegrityError, transaction
from django.utils import timezone

from assessments.models import (
    Answer,
    Assessment,
    Band,
    Dimension,
    MaturityModel,
    Question,
    ScaleLevel,
    Team,
)
from assessments.periods import Quarter
from assessments.scoring import MAX_SCORE, MIN_SCORE, ScoringError, check_bands, score_assessment
from assessments.selectors import latest_published_model, model_spec, model_with_structure

_NUMBERED_VERSION = re.compile(r"^v(\d+)$")


def next_free_version(model: MaturityModel) -> str:
    """v0 -> v1 (or the next number nobody has taken yet); anything else gets "-draft"."""
    taken = set(MaturityModel.objects.filter(code=model.code).values_list("version", flat=True))
    match = _NUMBERED_VERSION.match(model.version)
    if match:
        number = int(match.group(1)) + 1
        while f"v{number}" in taken:
            number += 1
        return f"v{number}"
    candidate, n = f"{model.version}-draft", 2
    while candidate in taken:
        candidate, n = f"{model.version}-draft{n}", n + 1
    return candidate


@transaction.atomic
def model_version_duplicate(*, source: MaturityModel, version: str | None = None) -> MaturityModel:
    """Copy a version's dimensions, questions, bands and scale into a new draft version."""
    copy = MaturityModel.objects.create(
        code=source.code,
        version=version or next_free_version(source),
        title=source.title,
        source_credit=source.source_credit,
        status=MaturityModel.Status.DRAFT,
    )
    for dim in source.dimensions.prefetch_related("questions"):
        new_dim = Dimension.objects.create(
            model=copy, code=dim.code, order=dim.order, name=dim.name, description=dim.description
        )
        Question.objects.bulk_create(
            Question(
                dimension=new_dim, code=q.code, order=q.order, text=q.text, guidance=q.guidance
            )
            for q in dim.questions.all()
        )
    Band.objects.bulk_create(
        Band(model=copy, min_total=b.min_total, max_total=b.max_total, label=b.label, tone=b.tone)
        for b in source.bands.all()
    )
    ScaleLevel.objects.bulk_create(
        ScaleLevel(model=copy, value=s.value, label=s.label) for s in source.scale.all()
    )
    return copy


class ModelVersionError(ValueError):
    """A model version cannot be published as it stands; the message says why."""


@transaction.atomic
def model_version_publish(*, model: MaturityModel) -> MaturityModel:
    """Publish a version once its structure can score every possible answer."""
    structured = model_with_structure(model.pk)
    spec = model_spec(structured)
    if not spec.dimensions or any(not dim.question_codes for dim in spec.dimensions):
        raise ModelVersionError(f"{model}: every dimension needs at least one question.")
    if sorted(level.value for level in structured.scale.all()) != [1, 2, 3, 4, 5]:
        raise ModelVersionError(f"{model}: the scale needs a label for each value 1 to 5.")
    try:
        check_bands(spec)
    except ScoringError as error:
        raise ModelVersionError(f"{model}: {error}") from error
    model.status = MaturityModel.Status.PUBLISHED
    model.published_at = timezone.now()
    model.save(update_fields=["status", "published_at"])
    return model


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
    locked.refresh_from_db()
    return locked


def _questions(model: MaturityModel) -> list[Question]:
    return [q for dim in model.dimensions.all() for q in dim.questions.all()]
