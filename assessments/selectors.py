"""Reads of assessments, scoped to what the user may see; plain typed data out.

Totals and bands come from the scoring rules (catalogue.scoring) applied to the stored
answers, through the one adapter catalogue.selectors.model_spec: never summed in SQL.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property

from django.contrib.auth import get_user_model
from django.db.models import F, Q, QuerySet, Window
from django.db.models.functions import RowNumber

from assessments.models import Answer, Assessment, Respondent, RespondentAnswer
from assessments.prepared import PreparedRead
from assessments.wizard import WizardSteps
from catalogue.models import Dimension, MaturityModel, Question
from catalogue.scoring import BandRule, ModelSpec, Progress, ScoreResult, progress, score_assessment
from catalogue.selectors import band_rules, model_spec, model_structure, question_codes_by_id
from organizations.models import Team
from organizations.selectors import sees_all_organizations, teams_visible_to


def assessments_visible_to(user) -> QuerySet[Assessment]:
    assessments = Assessment.objects.select_related(
        "team__organization", "model", "created_by", "submitted_by"
    )
    if sees_all_organizations(user):
        return assessments  # no team filter: at scale the subquery costs more than the page
    return assessments.filter(team__in=teams_visible_to(user).values("pk"))


def reports_visible_to(user) -> QuerySet[Assessment]:
    """What assessments_visible_to shows, and the submitted assessments the user was invited
    to answer: a respondent sees the team's report once it is submitted, never a draft's."""
    if not user.is_authenticated or sees_all_organizations(user):
        return assessments_visible_to(user)
    answered = Respondent.objects.filter(
        user=user,
        kind=Respondent.Kind.INVITED,
        removed_at__isnull=True,
        assessment__status=Assessment.Status.SUBMITTED,
    ).values("assessment_id")
    return Assessment.objects.select_related(
        "team__organization", "model", "created_by", "submitted_by"
    ).filter(Q(team__in=teams_visible_to(user).values("pk")) | Q(pk__in=answered))


def _stand_in_viewer(user_pk: int, sees_all: bool):
    """A user who stands for any viewer of the same kind while a prepared read is built."""
    return get_user_model()(pk=user_pk, is_staff=sees_all, is_superuser=sees_all)


_VISIBLE = PreparedRead(
    lambda sees_all, *, pk, user: (
        assessments_visible_to(_stand_in_viewer(user, sees_all)).filter(pk=pk).order_by()
    )
)
_READABLE = PreparedRead(
    lambda sees_all, *, pk, user: (
        reports_visible_to(_stand_in_viewer(user, sees_all)).filter(pk=pk).order_by()
    )
)


def visible_assessment(user, pk: int) -> Assessment | None:
    """assessments_visible_to(user).get(pk=pk), or None: one query, its SQL built once."""
    if not user.is_authenticated:
        return None
    found = _VISIBLE.fetch(sees_all_organizations(user), pk=pk, user=user.pk)
    return found[0] if found else None


def readable_report(user, pk: int) -> Assessment | None:
    """reports_visible_to(user).get(pk=pk), or None: one query, its SQL built once."""
    if not user.is_authenticated:
        return None
    found = _READABLE.fetch(sees_all_organizations(user), pk=pk, user=user.pk)
    return found[0] if found else None


# --- One assessment with everything its pages need. ------------------------------------------


@dataclass(frozen=True)
class QuestionRow:
    question: Question
    answer: Answer | None
    text: str  # as asked: frozen at submission, the current wording while a draft
    score_label: str | None

    @property
    def score(self) -> int | None:
        return self.answer.score if self.answer else None

    @property
    def note(self) -> str:
        return self.answer.note if self.answer else ""


@dataclass(frozen=True)
class DimensionRow:
    dimension: Dimension
    step: int
    answered: int
    total: int | None  # None until every question of the dimension is answered
    max_total: int
    band: BandRule | None
    items: tuple[QuestionRow, ...]


@dataclass(frozen=True)
class MissingAnswer:
    step: int
    question: Question


@dataclass(frozen=True)
class AssessmentSheet:
    """An assessment, its model version's structure and its answers, loaded once."""

    assessment: Assessment
    model: MaturityModel
    answers: dict[int, Answer]
    respondent: bool = False  # an invited person's own answers: no context or figures step

    @cached_property
    def spec(self) -> ModelSpec:
        return model_spec(self.model)

    @cached_property
    def dimensions(self) -> list[Dimension]:
        return list(self.model.dimensions.all())

    @cached_property
    def steps(self) -> WizardSteps:
        return WizardSteps(len(self.dimensions), respondent=self.respondent)

    @cached_property
    def scale(self) -> dict[int, str]:
        return {level.value: level.label for level in self.model.scale.all()}

    @cached_property
    def scores(self) -> dict[str, int]:
        return {
            q.code: self.answers[q.pk].score
            for dim in self.dimensions
            for q in dim.questions.all()
            if q.pk in self.answers and self.answers[q.pk].score is not None
        }

    @cached_property
    def progress(self) -> Progress:
        return progress(self.spec, self.scores)

    @cached_property
    def resume_step(self) -> int:
        """Where the wizard picks this draft up."""
        return _resume_step(self.progress)

    @cached_property
    def missing(self) -> list[MissingAnswer]:
        """Every question without a score, in model order, with the step that asks it."""
        return [
            MissingAnswer(self.steps.for_dimension(index), q)
            for index, dim in enumerate(self.dimensions)
            for q in dim.questions.all()
            if q.code not in self.scores
        ]

    @cached_property
    def result(self) -> ScoreResult | None:
        if self.missing:
            return None
        return score_assessment(self.spec, self.scores)

    @cached_property
    def rows(self) -> list[DimensionRow]:
        """Per dimension: its questions with their answers, and the total and band so far."""
        return [
            DimensionRow(
                dimension=dim,
                step=self.steps.for_dimension(index),
                answered=dim_progress.answered,
                total=dim_progress.total,
                max_total=dim_progress.max_total,
                band=dim_progress.band,
                items=tuple(self._question_row(q) for q in dim.questions.all()),
            )
            for index, (dim, dim_progress) in enumerate(
                zip(self.dimensions, self.progress.dimensions, strict=True)
            )
        ]

    @cached_property
    def unconfirmed(self) -> list[DimensionRow]:
        """Dimensions holding answers carried from an earlier quarter, not yet confirmed."""
        return [
            row
            for row in self.rows
            if any(getattr(item.answer, "carried_from", "") for item in row.items)
        ]

    def _question_row(self, question: Question) -> QuestionRow:
        answer = self.answers.get(question.pk)
        return QuestionRow(
            question=question,
            answer=answer,
            text=(answer.question_text if answer else "") or question.text,
            score_label=self.scale.get(self.scores.get(question.code)),
        )


def _resume_step(progress: Progress) -> int:
    """Where the wizard picks a draft up, from how far each dimension is answered."""
    dims = progress.dimensions
    return WizardSteps(len(dims)).resume([d.answered for d in dims], [d.complete for d in dims])


def assessment_sheet(assessment: Assessment) -> AssessmentSheet:
    model = model_structure(assessment.model, assessment.language)
    answers = {a.question_id: a for a in assessment.answers.all()}
    return AssessmentSheet(assessment=assessment, model=model, answers=answers)


def response_sheet(assessment: Assessment, answers: dict) -> AssessmentSheet:
    """A respondent's own answers (by question id) laid out like the assessment's."""
    model = model_structure(assessment.model, assessment.language)
    return AssessmentSheet(assessment=assessment, model=model, answers=answers, respondent=True)


# --- Many assessments: totals and bands for dashboards and histories. -------------------------

DASHBOARD_QUARTERS = 4  # one year; the team page has every quarter


@dataclass(frozen=True)
class AssessmentSummary:
    assessment: Assessment
    progress: Progress
    resume_step: int  # where a draft picks up in the wizard

    @property
    def dimensions(self):
        return self.progress.dimensions

    @property
    def overall_total(self) -> int | None:
        return self.progress.overall_total

    @property
    def max_overall(self) -> int:
        return self.progress.max_overall

    @property
    def bands(self) -> list[tuple[str, BandRule | None]]:
        return [(dim.code, dim.band) for dim in self.progress.dimensions]


def _scores_by_assessment(assessments: list[Assessment]) -> dict[int, dict[str, int]]:
    """Each assessment's scores by question code: one query, whatever their number."""
    codes: dict[int, str] = {}
    for model in {a.model_id: a.model for a in assessments}.values():
        codes.update(question_codes_by_id(model_structure(model)))
    scores: dict[int, dict[str, int]] = defaultdict(dict)
    rows = (
        Answer.objects.filter(assessment__in=[a.pk for a in assessments], score__isnull=False)
        .order_by()  # Answer's default ordering joins two tables to sort what a dict forgets
        .values_list("assessment_id", "question_id", "score")
    )
    for assessment_id, question_id, score in rows:
        scores[assessment_id][codes[question_id]] = score
    return scores


def assessment_summaries(assessments: list[Assessment]) -> dict[int, AssessmentSummary]:
    """Totals and bands for many assessments (select_related("model") on the way in)."""
    scores = _scores_by_assessment(assessments)
    models = {a.model_id: a.model for a in assessments}  # a version's spec is built once
    specs = {model_id: model_spec(model_structure(model)) for model_id, model in models.items()}
    summaries = {}
    for assessment in assessments:
        assessment_progress = progress(specs[assessment.model_id], scores[assessment.pk])
        resume = _resume_step(assessment_progress)
        summaries[assessment.pk] = AssessmentSummary(assessment, assessment_progress, resume)
    return summaries


# What the dashboard's cards show of an assessment (period, status, links) and what scoring it
# needs (model_structure reads the version's structure_version). Reading any other field of these
# assessments costs a query each.
DASHBOARD_FIELDS = ("team_id", "year", "quarter", "status", "model__structure_version")


def recent_assessments_by_team(teams: list[Team]) -> dict[int, list[AssessmentSummary]]:
    """Each team's latest quarters; the database keeps only those rows, however long the history.
    The assessments carry only DASHBOARD_FIELDS."""
    newest_first = Window(
        RowNumber(), partition_by=F("team_id"), order_by=[F("year").desc(), F("quarter").desc()]
    )
    assessments = list(
        Assessment.objects.filter(team__in=teams)
        .annotate(recency=newest_first)
        .filter(recency__lte=DASHBOARD_QUARTERS)
        .select_related("model")
        .only(*DASHBOARD_FIELDS)
        .order_by("team_id", "-year", "-quarter")
    )
    summaries = assessment_summaries(assessments)
    by_team: dict[int, list[AssessmentSummary]] = defaultdict(list)
    for assessment in assessments:
        by_team[assessment.team_id].append(summaries[assessment.pk])
    return by_team


def previous_submitted(assessment: Assessment) -> Assessment | None:
    """The same team's latest submitted assessment of the same model version before this one."""
    return (
        Assessment.objects.filter(
            team_id=assessment.team_id,
            model_id=assessment.model_id,
            status=Assessment.Status.SUBMITTED,
        )
        .filter(
            Q(year__lt=assessment.year) | Q(year=assessment.year, quarter__lt=assessment.quarter)
        )
        .order_by("-year", "-quarter")
        .first()
    )


def previous_result(
    assessment: Assessment, sheet: AssessmentSheet
) -> tuple[Assessment, ScoreResult] | None:
    """The previous submitted assessment and its scores, reusing the sheet's model structure."""
    previous = previous_submitted(assessment)
    if previous is None:
        return None
    codes = question_codes_by_id(sheet.model)
    scores = {
        codes[question_id]: score
        for question_id, score in Answer.objects.filter(
            assessment=previous, score__isnull=False
        ).values_list("question_id", "score")
    }
    return previous, score_assessment(sheet.spec, scores)


@dataclass(frozen=True)
class TeamHistory:
    summaries: list[AssessmentSummary]  # oldest first
    bands: tuple[BandRule, ...]  # of the latest assessment's model version

    @property
    def submitted(self) -> list[AssessmentSummary]:
        return [s for s in self.summaries if s.assessment.is_submitted]


def team_history(team: Team) -> TeamHistory:
    """Every quarter of a team, oldest first, with totals: a fixed number of queries."""
    assessments = list(
        Assessment.objects.filter(team=team).select_related("model").order_by("year", "quarter")
    )
    summaries = assessment_summaries(assessments)
    bands = band_rules(model_structure(assessments[-1].model)) if assessments else ()
    return TeamHistory([summaries[a.pk] for a in assessments], bands)


# --- Exports ----------------------------------------------------------------------------------

EXPORT_COLUMNS = (
    "assessment__team__organization__name",
    "assessment__team__name",
    "assessment__year",
    "assessment__quarter",
    "assessment__model__version",
    "question__code",
    "score",
    "note",
)


def export_rows(assessments: QuerySet[Assessment]):
    """One tuple per answer of the submitted assessments, in a stable order, streamed."""
    return (
        Answer.objects.filter(
            assessment__in=assessments.filter(status=Assessment.Status.SUBMITTED).values("pk")
        )
        .order_by(
            "assessment__team__organization__name",
            "assessment__team__name",
            "assessment__year",
            "assessment__quarter",
            "assessment__model__version",
            "question__dimension__order",
            "question__order",
        )
        .values_list(*EXPORT_COLUMNS)
        .iterator(chunk_size=2000)
    )


IMPORTED_EXPORT_ID = "imported"


def respondent_export_id(
    *, anonymous: bool, kind: str, public_id: str, username: str | None, name: str = ""
) -> str:
    """Who gave a response, in exports: an opaque id that never changes when the assessment is
    anonymous (for everyone, the lead too), "imported" for a file's, else the user name."""
    if anonymous:
        return f"anon-{public_id}"
    if kind == Respondent.Kind.IMPORTED:
        return IMPORTED_EXPORT_ID
    # Without an account (deleted since, or a lead's second response): the name they gave.
    return username or name or public_id


RESPONSE_EXPORT_COLUMNS = (
    *(f"respondent__{column}" for column in EXPORT_COLUMNS[:5]),
    "question__code",
    "score",
    "note",
)


def response_export_rows(assessments: QuerySet[Assessment]) -> Iterator[tuple]:
    """One tuple per scored answer of every counted response (submitted, not removed) of the
    submitted assessments: export_rows' columns, then who answered (respondent_export_id).
    In export_rows' order, then the order the responses were made in; streamed."""
    rows = (
        RespondentAnswer.objects.filter(
            respondent__assessment__in=assessments.filter(
                status=Assessment.Status.SUBMITTED
            ).values("pk"),
            respondent__status=Respondent.Status.SUBMITTED,
            respondent__removed_at__isnull=True,
            score__isnull=False,
        )
        .order_by(
            "respondent__assessment__team__organization__name",
            "respondent__assessment__team__name",
            "respondent__assessment__year",
            "respondent__assessment__quarter",
            "respondent__assessment__model__version",
            "question__dimension__order",
            "question__order",
            "respondent__created_at",
            "respondent_id",
        )
        .values_list(
            *RESPONSE_EXPORT_COLUMNS,
            "respondent__assessment__anonymous_responses",
            "respondent__kind",
            "respondent__public_id",
            "respondent__user__username",
            "respondent__name",
        )
        .iterator(chunk_size=2000)
    )
    for *columns, anonymous, kind, public_id, username, name in rows:
        yield (
            *columns,
            respondent_export_id(
                anonymous=anonymous, kind=kind, public_id=public_id, username=username, name=name
            ),
        )


# --- Change history (the audit trail, django-simple-history) ----------------------------------


@dataclass(frozen=True)
class Change:
    at: datetime.datetime
    who: str
    what: str  # "VO-1 score", "VO-1 note", "Touch model", "Status"
    before: str
    after: str


CONTEXT_LABELS = {
    "status": "Status",
    "company_stage": "Company stage",
    "customer_segment": "Customer segment",
    "touch_model": "Touch model",
    "onboarding_weeks": "Typical onboarding length (weeks)",
}


def assessment_changes(sheet: AssessmentSheet) -> list[Change]:
    """Who changed which answer, note or context field of the assessment, when, from what to
    what: newest first. Two queries, whatever the length of the history."""
    assessment = sheet.assessment
    codes = question_codes_by_id(sheet.model)
    changes = []
    answer_rows = (
        Answer.history.filter(assessment_id=assessment.pk)
        .select_related("history_user")
        .order_by("question_id", "history_date", "history_id")
    )
    previous: dict[int, object] = {}
    for row in answer_rows:
        before = previous.get(row.question_id)
        code = codes.get(row.question_id, "?")
        for field, label in (("score", f"{code} score"), ("note", f"{code} note")):
            old = getattr(before, field) if before and before.history_type != "-" else None
            new = getattr(row, field) if row.history_type != "-" else None
            if (old or None) != (new or None):
                changes.append(
                    Change(
                        row.history_date,
                        _who(row),
                        label,
                        _shown(sheet, field, old),
                        _shown(sheet, field, new),
                    )
                )
        previous[row.question_id] = row
    assessment_rows = (
        Assessment.history.filter(id=assessment.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    before = None
    for row in assessment_rows:
        for field, label in CONTEXT_LABELS.items():
            old = getattr(before, field) if before else None
            new = getattr(row, field)
            if before is None and field != "status" and not new:
                continue  # a new draft's empty context is not a change
            if (before is None and field == "status") or (old or None) != (new or None):
                changes.append(
                    Change(
                        row.history_date,
                        _who(row),
                        label,
                        _display(assessment, field, old),
                        _display(assessment, field, new),
                    )
                )
        before = row
    return sorted(changes, key=lambda change: change.at, reverse=True)


def _who(row) -> str:
    user = row.history_user
    if user is None:
        return "an import or the system"
    return user.get_full_name() or user.get_username()


def _shown(sheet: AssessmentSheet, field: str, value) -> str:
    if value in (None, ""):
        return "—"
    if field == "score":
        return f"{value} – {sheet.scale.get(value, '')}".rstrip(" –")
    return str(value)


def _display(assessment: Assessment, field: str, value) -> str:
    if value in (None, ""):
        return "—"
    choices = dict(Assessment._meta.get_field(field).choices or ())
    return str(choices.get(value, value))
