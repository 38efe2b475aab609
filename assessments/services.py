"""Writes. Each service validates first, then changes the database in one transaction."""

from __future__ import annotations

from collections.abc import Collection

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from assessments import edits, events
from assessments.benchmark_tasks import refresh_peer_benchmarks
from assessments.models import Answer, Assessment, Respondent, RespondentAnswer
from assessments.periods import Quarter
from assessments.team_answers import team_answers
from catalogue.models import MaturityModel, Question
from catalogue.scoring import MAX_SCORE, MIN_SCORE, ScoringError, score_assessment
from catalogue.selectors import (
    latest_published_model,
    model_spec,
    model_with_structure,
    source_language,
    translate_structure,
)
from catalogue.services import model_version_mark_in_use
from organizations.models import Team


class AssessmentError(ValueError):
    """The change was refused; nothing was saved. The message is meant for the user."""


class SaveConflict(AssessmentError):
    """Someone else changed what this save would overwrite; nothing was saved."""

    def __init__(self, conflicts: list[edits.Conflict]) -> None:
        self.conflicts = conflicts
        names = ", ".join(conflict.label for conflict in conflicts)
        super().__init__(
            gettext("Changed by someone else since this page was loaded: %(fields)s.")
            % {"fields": names}
        )


CONTEXT_FIELDS = ("company_stage", "customer_segment", "touch_model", "onboarding_weeks")


class AlreadySubmitted(AssessmentError):
    def __init__(self, assessment: Assessment) -> None:
        self.assessment = assessment
        super().__init__(
            gettext("%(team)s already submitted its %(quarter)s assessment.")
            % {"team": assessment.team.name, "quarter": assessment.period.label}
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
        raise AssessmentError(gettext("No published model version is installed yet."))
    same_quarter = Assessment.objects.filter(team=team, year=period.year, quarter=period.quarter)
    existing = same_quarter.order_by("-status", "-created_at").first()  # submitted first
    if existing is None:
        key = {"team": team, "year": period.year, "quarter": period.quarter, "model": model}
        try:
            with transaction.atomic():
                draft = Assessment(**key, created_by=user, language=_asking_language())
                draft._history_user = user  # the audit trail names who started it
                draft.save(force_insert=True)
                return draft, True
        except IntegrityError:
            # Someone started the same assessment a moment ago: use theirs.
            existing = Assessment.objects.get(**key)
    if existing.is_submitted:
        raise AlreadySubmitted(existing)
    return existing, False


def _asking_language() -> str:
    """The language the person starting an assessment uses, if the app speaks it."""
    language = (translation.get_language() or "").split("-")[0]
    return language if language in dict(settings.LANGUAGES) else source_language()


def _lock_draft(assessment: Assessment) -> Assessment:
    locked = Assessment.objects.select_for_update().select_related("team").get(pk=assessment.pk)
    if locked.is_submitted:
        raise AlreadySubmitted(locked)
    return locked


@transaction.atomic
def assessment_update_context(
    *, assessment: Assessment, shown: dict[str, object] | None = None, **context
) -> Assessment:
    """Write the given context fields; `shown` as for answers_save, per field name."""
    unknown = set(context) - set(CONTEXT_FIELDS)
    if unknown:
        raise AssessmentError(
            gettext("Unknown context field(s): %(fields)s.")
            % {"fields": ", ".join(sorted(unknown))}
        )
    locked = _lock_draft(assessment)
    shown = shown or {}
    _refuse_conflicts(
        [
            edits.FieldEdit(
                field,
                str(Assessment._meta.get_field(field).verbose_name),
                shown.get(field, edits.UNKNOWN),
                value,
                getattr(locked, field),
            )
            for field, value in context.items()
        ]
    )
    changed = [field for field, value in context.items() if getattr(locked, field) != value]
    for field in changed:
        setattr(locked, field, context[field])
    if changed:
        locked.save(update_fields=[*changed, "updated_at"])
    return locked


@transaction.atomic
def answers_save(
    *,
    assessment: Assessment,
    answers: dict[Question, tuple[int | None, str | None]],
    shown: dict[Question, tuple[object, object]] | None = None,
    confirmed: Collection[Question] = (),
) -> None:
    """Save a step's answers; None leaves that part of the answer as it was.

    `shown` holds, per question, the (score, note) the person's page showed (edits.UNKNOWN where
    it did not say). If any part being written was changed by someone else since then, nothing
    is saved and SaveConflict names each such part with both values.
    Scores cannot be cleared (a radio choice cannot be unpicked); an answer left with neither
    a score nor a note is removed.
    Writing a score or note confirms an answer carried from an earlier quarter; so does
    naming its question in `confirmed` (the lead checked that step's carried answers).
    A fixed number of queries, however many answers: one upsert and the audit trail's rows.
    """
    locked = _lock_draft(assessment)
    _write_answers(
        locked.model_id,
        existing=locked.answers,
        new_row=lambda question: Answer(assessment=locked, question=question),
        answers=answers,
        shown=shown,
        confirmed=confirmed,
    )
    Assessment.objects.filter(pk=locked.pk).update(updated_at=timezone.now())


def _write_answers(
    model_id, *, existing, new_row, answers, shown, confirmed: Collection[Question] = ()
) -> None:
    """Check, then write the answers of a sheet: the assessment's own or one response's.

    `existing` is the sheet's related manager (assessment.answers, respondent.answers). Every
    new or changed row goes to the database in one upsert; for Answer, the audit trail
    (django-simple-history) gets one row per created or changed answer, naming the request's
    user as a save() would. `confirmed` (Answer only): carried answers the person confirmed.
    """
    for question, (score, _note) in answers.items():
        if question.dimension.model_id != model_id:
            raise AssessmentError(
                gettext("%(code)s is not part of this model version.") % {"code": question.code}
            )
        if score is not None and not MIN_SCORE <= score <= MAX_SCORE:
            raise AssessmentError(
                gettext("The score for %(code)s must be from 1 to 5.") % {"code": question.code}
            )
    model = existing.model
    carries = any(field.name == "carried_from" for field in model._meta.concrete_fields)
    rows = {
        a.question_id: a for a in existing.filter(question__in=[*answers, *confirmed]).order_by()
    }
    _refuse_conflicts(_answer_edits(answers, shown or {}, rows))
    created, changed, removed = [], [], []
    for question, (score, note) in answers.items():
        answer = rows.get(question.pk) or new_row(question)
        before = (answer.score, answer.note, getattr(answer, "carried_from", ""))
        if score is not None:
            answer.score = score
        if note is not None:
            answer.note = note
        if (score is not None or note is not None) and carries:
            answer.carried_from = ""  # touched: no longer an unconfirmed carried answer
        if (
            answer.score is None
            and not answer.note
            and getattr(answer, "agreed_score", None) is None
        ):
            if answer.pk:
                removed.append(answer)
            continue
        if answer.pk is None:
            created.append(answer)
        elif (answer.score, answer.note, getattr(answer, "carried_from", "")) != before:
            changed.append(answer)
    if carries:
        pending = {answer.question_id for answer in (*created, *changed, *removed)}
        for question in confirmed:
            answer = rows.get(question.pk)
            if answer is not None and answer.carried_from and question.pk not in pending:
                answer.carried_from = ""
                changed.append(answer)
    for answer in removed:
        answer.delete()  # rare (a note cleared on an unscored answer); the trail records it
    if not created and not changed:
        return
    owner = existing.field.name  # "assessment" or "respondent"
    written = ["score", "note", *(["carried_from"] if carries else [])]
    # The changed rows go in as new objects without a primary key, so the conflict on
    # (owner, question) is the only one the database meets; it updates only `written`.
    model.objects.bulk_create(
        [
            *created,
            *(
                model(
                    **{f"{owner}_id": getattr(a, f"{owner}_id"), "question_id": a.question_id},
                    **{field: getattr(a, field) for field in written},
                )
                for a in changed
            ),
        ],
        update_conflicts=True,
        unique_fields=[owner, "question"],
        update_fields=written,
    )
    history = getattr(model, "history", None)
    if history is not None:
        # bulk_create gave the created answers their ids (RETURNING: SQLite 3.35+, PostgreSQL).
        if created:
            history.bulk_history_create(created)
        if changed:
            history.bulk_history_create(changed, update=True)


def _answer_edits(answers, shown, existing) -> list[edits.FieldEdit]:
    found = []
    for question, (score, note) in answers.items():
        answer = existing.get(question.pk)
        current_score, current_note = (answer.score, answer.note) if answer else (None, "")
        shown_score, shown_note = shown.get(question, (edits.UNKNOWN, edits.UNKNOWN))
        if score is not None:
            found.append(
                edits.FieldEdit(
                    question.code,
                    gettext("%(code)s score") % {"code": question.code},
                    shown_score,
                    score,
                    current_score,
                )
            )
        if note is not None:
            found.append(
                edits.FieldEdit(
                    f"{question.code}-note",
                    gettext("%(code)s note") % {"code": question.code},
                    shown_note,
                    note,
                    current_note,
                )
            )
    return found


def _refuse_conflicts(field_edits: list[edits.FieldEdit]) -> None:
    found = edits.conflicts(field_edits)
    if found:
        raise SaveConflict(found)


class ResponsesChanged(AssessmentError):
    """Someone submitted (or was removed) after the lead's page was loaded."""

    def __init__(self) -> None:
        super().__init__(
            gettext(
                "The team's answers changed since this page was loaded: somebody submitted their "
                "response or was removed. Check the agreed scores again; nothing was submitted."
            )
        )


@transaction.atomic
def assessment_submit(
    *, assessment: Assessment, user, seen_responses: Collection[int] | None = None
) -> Assessment:
    """Agree every score, freeze each question's wording and mark the assessment submitted.

    Alone, the lead's answers are the agreed scores. With other people's responses in, each
    agreed score is the one the lead set, else the default from everyone's scores.
    `seen_responses`, the responses the lead's page showed, must still be the ones that count:
    so the agreed scores are exactly those the lead saw.
    """
    locked = _lock_draft(assessment)
    team = team_answers(locked)
    if seen_responses is not None and sorted(seen_responses) != team.counted_ids:
        raise ResponsesChanged()
    model = model_with_structure(locked.model_id)
    if locked.language != source_language():  # freeze the wording as it was asked
        translate_structure(model, locked.language)
    questions = _questions(model)
    answers = {a.question_id: a for a in locked.answers.all()}
    _refuse_unconfirmed(model, answers.values())
    agreed = {item.question.pk: item for item in team.questions}
    if team.is_team:
        scores = {q.pk: agreed[q.pk].agreed for q in questions}
    else:
        scores = {q.pk: answers[q.pk].score if q.pk in answers else None for q in questions}
    missing = [f"{q.code} ({q.text})" for q in questions if scores[q.pk] is None]
    if missing:
        raise AssessmentError(
            gettext("Answer every question before submitting. Missing: %(questions)s.")
            % {"questions": "; ".join(missing)}
        )
    try:
        score_assessment(model_spec(model), {q.code: scores[q.pk] for q in questions})
    except ScoringError as error:
        raise AssessmentError(
            gettext("This assessment cannot be scored: %(error)s") % {"error": error}
        ) from error
    _keep_lead_response(locked, user, answers)
    unchanged = []
    for question in questions:
        answer = answers.get(question.pk) or Answer(assessment=locked, question=question)
        rescored = answer.score != scores[question.pk]
        answer.score = scores[question.pk]
        answer.question_text = question.text
        set_by_lead = team.is_team and agreed[question.pk].agreed_by_lead
        answer.agreed_reason = answer.agreed_reason if set_by_lead else ""
        answer.agreed_score = None
        if answer.pk is None or rescored:
            answer._history_user = user
            answer.save()  # the audit trail shows the agreed score replacing the lead's own
        else:
            unchanged.append(answer)
    Answer.objects.bulk_update(unchanged, ["question_text", "agreed_reason", "agreed_score"])
    # Still a draft: _lock_draft holds the row (PostgreSQL) or the write lock (SQLite).
    locked.status = Assessment.Status.SUBMITTED
    locked.submitted_by = user
    locked.submitted_at = timezone.now()
    locked._history_user = user  # the audit trail names who submitted, request or not
    locked.save(update_fields=["status", "submitted_by", "submitted_at", "updated_at"])
    model_version_mark_in_use(model=model)
    transaction.on_commit(refresh_peer_benchmarks.enqueue)  # new totals feed the benchmarks
    events.send(events.assessment_submitted, assessment=locked, user=user)
    return locked


def _refuse_unconfirmed(model: MaturityModel, answers) -> None:
    """Carried answers must be checked, step by step, before the quarter is submitted."""
    carried = {a.question_id: a.carried_from for a in answers if a.carried_from}
    if not carried:
        return
    steps = [
        dim.name
        for dim in model.dimensions.all()
        if any(q.pk in carried for q in dim.questions.all())
    ]
    since = sorted(set(carried.values()))
    raise AssessmentError(
        gettext("Confirm the answers carried from %(quarters)s on: %(steps)s.")
        % {"quarters": ", ".join(since), "steps": ", ".join(steps)}
    )


def _keep_lead_response(assessment: Assessment, user, answers: dict[int, Answer]) -> None:
    """The lead's own answers, as they stood before agreeing, kept as the lead's response."""
    scored = [a for a in answers.values() if a.score is not None]
    if not scored:
        return  # a consultant's workshop: the lead gave no answers of their own
    user = _last_to_score(assessment) or user
    taken = Respondent.objects.filter(assessment=assessment, user=user).exists()
    lead = Respondent.objects.create(
        assessment=assessment,
        user=None if taken else user,
        name=user.get_full_name() or user.get_username(),
        kind=Respondent.Kind.LEAD,
        status=Respondent.Status.SUBMITTED,
        submitted_at=timezone.now(),
    )
    RespondentAnswer.objects.bulk_create(
        RespondentAnswer(respondent=lead, question_id=a.question_id, score=a.score, note=a.note)
        for a in scored
    )


def _last_to_score(assessment: Assessment):
    """Who last gave one of the lead's own scores (the audit trail): the answers are theirs,
    whoever submits."""
    record = (
        Answer.history.filter(assessment_id=assessment.pk, score__isnull=False)
        .exclude(history_user=None)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")
        .first()
    )
    return record.history_user if record else None


def _questions(model: MaturityModel) -> list[Question]:
    return [q for dim in model.dimensions.all() for q in dim.questions.all()]
