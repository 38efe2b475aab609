"""Reads of an assessment's respondents and their answers, side by side per question.

The lead's review and workshop compare the people who have answered so far with the agreed
scores being set; the report and exports compare the responses kept with a submitted
assessment. Names are shown unless the assessment is anonymous.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet

from assessments.agreement import Spread
from assessments.ids import parse_id
from assessments.models import Answer, Assessment, Respondent, RespondentAnswer
from catalogue.models import Question
from catalogue.selectors import model_structure
from organizations.selectors import managers_of

LEAD_KEY = "lead"


@dataclass(frozen=True)
class Voice:
    """One column of the comparison: a response, or the lead's working answers of a draft."""

    key: str  # the response's public id, or LEAD_KEY
    label: str  # a name, or "Respondent 2" when anonymous
    respondent: Respondent | None


@dataclass(frozen=True)
class QuestionAgreement:
    question: Question
    scores: tuple[int | None, ...]  # one per voice, in the voices' order; None: not scored
    notes: tuple[str, ...]
    spread: Spread | None  # None until somebody scored it
    agreed: int | None  # the agreed score: set by the lead, else the default from the spread
    agreed_by_lead: bool  # the lead set a score other than the default
    reason: str

    @property
    def to_discuss(self) -> bool:
        return self.spread is not None and self.spread.to_discuss

    def notes_by(self, voices) -> list[tuple[str, str]]:
        """(who, note) for every voice that left a note on this question."""
        return [(voice.label, note) for voice, note in zip(voices, self.notes, strict=True) if note]


@dataclass(frozen=True)
class TeamAnswers:
    assessment: Assessment
    respondents: tuple[Respondent, ...]  # every invited or kept response, removed ones too
    voices: tuple[Voice, ...]
    questions: tuple[QuestionAgreement, ...]  # in model order

    @cached_property
    def by_code(self) -> dict[str, QuestionAgreement]:
        return {item.question.code: item for item in self.questions}

    @property
    def invited(self) -> list[Respondent]:
        return [
            r for r in self.respondents if r.kind == Respondent.Kind.INVITED and not r.is_removed
        ]

    @property
    def removed(self) -> list[Respondent]:
        return [r for r in self.respondents if r.is_removed]

    @property
    def invited_submitted(self) -> list[Respondent]:
        return [r for r in self.invited if r.is_submitted]

    @property
    def counted(self) -> list[Respondent]:
        """The responses whose answers count: submitted and not removed."""
        return [r for r in self.respondents if r.is_submitted and not r.is_removed]

    @property
    def counted_ids(self) -> list[int]:
        return sorted(r.pk for r in self.counted)

    @property
    def is_team(self) -> bool:
        """Several people's answers to agree: somebody besides the lead has submitted."""
        if self.assessment.is_submitted:
            return len(self.voices) > 1
        return bool(self.invited_submitted)

    @property
    def answered_count(self) -> int:
        return len(self.voices)

    @property
    def to_discuss(self) -> list[QuestionAgreement]:
        return [item for item in self.questions if item.to_discuss]

    def notes(self, code: str) -> list[tuple[str, str]]:
        return self.by_code[code].notes_by(self.voices)

    @property
    def set_by_lead(self) -> list[QuestionAgreement]:
        return [item for item in self.questions if item.agreed_by_lead]

    @property
    def missing_agreed(self) -> list[QuestionAgreement]:
        return [item for item in self.questions if item.agreed is None]

    def range_by_dimension(self) -> dict[str, tuple[int, int]] | None:
        """Per dimension code, the lowest and highest total of the people who scored all of
        it; None unless at least two did."""
        totals: dict[str, list[int]] = defaultdict(list)
        by_dimension: dict[str, list[QuestionAgreement]] = defaultdict(list)
        for item in self.questions:
            by_dimension[item.question.dimension.code].append(item)
        for index in range(len(self.voices)):
            for code, items in by_dimension.items():
                scores = [item.scores[index] for item in items]
                if all(score is not None for score in scores):
                    totals[code].append(sum(scores))
        if not totals or min(len(v) for v in totals.values()) < 2:
            return None
        return {code: (min(v), max(v)) for code, v in totals.items()}


def team_answers(assessment: Assessment) -> TeamAnswers:
    """Three queries: the respondents, their answers, and (for a draft) the lead's answers."""
    model = model_structure(assessment.model)
    questions = [q for dim in model.dimensions.all() for q in dim.questions.all()]
    respondents = tuple(
        Respondent.objects.filter(assessment=assessment)
        .select_related("user")
        .annotate(answered=Count("answers", filter=Q(answers__score__isnull=False)))
        .order_by("created_at", "pk")
    )
    counted = [r for r in respondents if r.is_submitted and not r.is_removed]
    scores: dict[int, dict[int, RespondentAnswer]] = defaultdict(dict)
    for row in RespondentAnswer.objects.filter(respondent__in=[r.pk for r in counted]):
        scores[row.respondent_id][row.question_id] = row
    agreed_rows = {a.question_id: a for a in Answer.objects.filter(assessment=assessment)}

    columns: list[tuple[Voice, dict[int, object]]] = []
    if not assessment.is_submitted:
        lead_rows = {qid: a for qid, a in agreed_rows.items() if a.score is not None}
        if lead_rows:
            columns.append((Voice(LEAD_KEY, "Lead", None), lead_rows))
    if assessment.anonymous_responses:  # an order that says nothing about who is who
        counted = sorted(counted, key=lambda respondent: respondent.public_id)
    for number, respondent in enumerate(counted, 1):
        label = (
            f"Respondent {number}" if assessment.anonymous_responses else respondent.display_name
        )
        columns.append((Voice(respondent.public_id, label, respondent), scores[respondent.pk]))

    items = []
    for question in questions:
        given = [rows.get(question.pk) for _voice, rows in columns]
        values = tuple(row.score if row is not None else None for row in given)
        notes = tuple(row.note if row is not None else "" for row in given)
        scored = [v for v in values if v is not None]
        spread = Spread(tuple(scored)) if scored else None
        answer = agreed_rows.get(question.pk)
        if assessment.is_submitted:
            agreed = answer.score if answer else None
            by_lead = bool(answer and answer.agreed_reason) or (
                spread is not None and agreed is not None and agreed != spread.default_agreed
            )
        else:
            override = answer.agreed_score if answer else None
            agreed = (
                override if override is not None else (spread.default_agreed if spread else None)
            )
            by_lead = override is not None
        items.append(
            QuestionAgreement(
                question=question,
                scores=values,
                notes=notes,
                spread=spread,
                agreed=agreed,
                agreed_by_lead=by_lead,
                reason=answer.agreed_reason if answer else "",
            )
        )
    return TeamAnswers(
        assessment=assessment,
        respondents=respondents,
        voices=tuple(voice for voice, _rows in columns),
        questions=tuple(items),
    )


def own_response(user, assessment_pk: int) -> Respondent | None:
    """The user's own, not removed, response to an assessment they are invited to."""
    if not user.is_authenticated or parse_id(str(assessment_pk)) is None:
        return None  # no id that long names a row (and SQLite cannot even compare it)
    return (
        Respondent.objects.filter(
            user=user,
            assessment_id=assessment_pk,
            removed_at__isnull=True,
            kind=Respondent.Kind.INVITED,
        )
        .select_related("assessment__team__organization", "assessment__model")
        .first()
    )


def invitations_of(user) -> QuerySet[Respondent]:
    """The assessments the user is invited to answer, newest quarter first."""
    return (
        Respondent.objects.filter(user=user, removed_at__isnull=True, kind=Respondent.Kind.INVITED)
        .select_related("assessment__team__organization")
        .order_by("-assessment__year", "-assessment__quarter", "assessment__team__name")
    )


def response_answers(respondent: Respondent) -> dict[int, RespondentAnswer]:
    return {a.question_id: a for a in respondent.answers.all()}


def people_of(organization) -> QuerySet:
    """Everyone known to an organization: its teams' leads, its consultants, and the people
    who were invited to one of its assessments."""
    return (
        get_user_model()
        .objects.filter(
            Q(led_teams__organization=organization)
            | Q(client_organizations=organization)
            | Q(responses__assessment__team__organization=organization),
            is_active=True,
        )
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def people_to_invite(assessment: Assessment) -> QuerySet:
    """People of the organization who can still be invited: not managing the team (their
    answers are the lead's) and not invited already."""
    return (
        people_of(assessment.team.organization)
        .exclude(pk__in=managers_of(assessment.team).values("pk"))
        .exclude(
            pk__in=Respondent.objects.filter(
                assessment=assessment, removed_at__isnull=True, user__isnull=False
            ).values("user_id")
        )
    )
