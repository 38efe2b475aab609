"""Reads. Every view gets its data through here, scoped to what the user may see."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property
from uuid import UUID

from django.db.models import Count, F, Prefetch, Q, QuerySet, Sum, Window
from django.db.models.functions import RowNumber
from django.shortcuts import get_object_or_404

from assessments.models import (
    Answer,
    Assessment,
    Band,
    Dimension,
    MaturityModel,
    Organization,
    Question,
    Team,
)
from assessments.scoring import (
    MAX_SCORE,
    BandRule,
    DimensionSpec,
    ModelSpec,
    ScoreResult,
    band_for,
    partial_totals,
    score_assessment,
)


def latest_published_model() -> MaturityModel | None:
    return (
        MaturityModel.objects.published()
        .order_by(F("published_at").desc(nulls_last=True), "-created_at", "-pk")
        .first()
    )


def model_with_structure(model_id: int) -> MaturityModel:
    """A model version with its dimensions, questions, bands and scale in four queries."""
    return (
        MaturityModel.objects.prefetch_related(
            Prefetch(
                "dimensions",
                queryset=Dimension.objects.order_by("order").prefetch_related(
                    Prefetch("questions", queryset=Question.objects.order_by("order"))
                ),
            ),
            Prefetch("bands", queryset=Band.objects.order_by("min_total")),
            "scale",
        )
    ).get(pk=model_id)


# model id -> (structure_version, the version with its structure prefetched). Per process, one
# entry per version; signals.py gives a version a new structure_version whenever it changes.
_structures: dict[int, tuple[UUID, MaturityModel]] = {}


def model_structure(model: MaturityModel) -> MaturityModel:
    """The version's structure for reading, from memory while its structure_version is current.

    Pass the model row as just read with the page's other data (select_related), so a current
    copy costs no query. Writes that freeze wording use model_with_structure directly.
    """
    cached = _structures.get(model.pk)
    if cached and cached[0] == model.structure_version:
        return cached[1]
    structured = model_with_structure(model.pk)
    _structures[model.pk] = (structured.structure_version, structured)
    return structured


def forget_model_structures() -> None:
    _structures.clear()


def model_spec(model: MaturityModel) -> ModelSpec:
    """The pure scoring view of a model version (prefetch with model_with_structure)."""
    return ModelSpec(
        dimensions=tuple(
            DimensionSpec(
                code=dim.code,
                name=dim.name,
                question_codes=tuple(q.code for q in dim.questions.all()),
            )
            for dim in model.dimensions.all()
        ),
        bands=tuple(
            BandRule(min_total=b.min_total, max_total=b.max_total, label=b.label, tone=b.tone)
            for b in model.bands.all()
        ),
    )


# --- Scoping: what a user may see. Anything outside these querysets is a 404. ---------------


def teams_visible_to(user) -> QuerySet[Team]:
    """Admins see every team; team leads the teams they lead; consultants their clients' teams."""
    if not user.is_authenticated:
        return Team.objects.none()
    teams = Team.objects.select_related("organization")
    if user.is_staff:
        return teams
    return teams.filter(
        Q(pk__in=user.led_teams.values("pk"))
        | Q(organization_id__in=user.client_organizations.values("pk"))
    )


def organizations_consulted_by(user) -> QuerySet[Organization]:
    """Organizations whose answers the user may import: consultants' clients; all for admins."""
    if not user.is_authenticated:
        return Organization.objects.none()
    if user.is_staff:
        return Organization.objects.all()
    return user.client_organizations.all()


def assessments_visible_to(user) -> QuerySet[Assessment]:
    assessments = Assessment.objects.select_related(
        "team__organization", "model", "created_by", "submitted_by"
    )
    if user.is_authenticated and user.is_staff:
        return assessments  # no team filter: at scale the subquery costs more than the page
    return assessments.filter(team__in=teams_visible_to(user).values("pk"))


def is_consultant(user) -> bool:
    return user.is_authenticated and user.client_organizations.exists()


# --- One assessment with everything its pages need. ------------------------------------------


@dataclass(frozen=True)
class AssessmentSheet:
    """An assessment, its model version's structure and its answers, loaded once."""

    assessment: Assessment
    model: MaturityModel
    answers: dict[int, Answer]

    @cached_property
    def spec(self) -> ModelSpec:
        return model_spec(self.model)

    @cached_property
    def dimensions(self) -> list[Dimension]:
        return list(self.model.dimensions.all())

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
    def missing(self) -> list[tuple[int, Question]]:
        """(wizard step, question) for every question without a score, in model order."""
        return [
            (index + 2, q)
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
    def rows(self) -> list[dict]:
        """Per dimension: its questions with their answers, and the total and band so far."""
        totals = partial_totals(self.spec, self.scores)
        rows = []
        for index, dim in enumerate(self.dimensions):
            total = totals[dim.code]
            questions = list(dim.questions.all())
            rows.append(
                {
                    "dimension": dim,
                    "step": index + 2,
                    "total": total,
                    "max_total": len(questions) * 5,
                    "band": band_for(total, self.spec.bands) if total is not None else None,
                    "answered": sum(1 for q in questions if q.code in self.scores),
                    "items": [
                        {
                            "question": q,
                            "answer": self.answers.get(q.pk),
                            "text": self.answers[q.pk].asked_text
                            if q.pk in self.answers
                            else q.text,
                            "score_label": self.scale.get(self.scores.get(q.code)),
                        }
                        for q in questions
                    ],
                }
            )
        return rows


def assessment_sheet(assessment: Assessment) -> AssessmentSheet:
    model = model_structure(assessment.model)
    answers = {a.question_id: a for a in assessment.answers.select_related("question")}
    return AssessmentSheet(assessment=assessment, model=model, answers=answers)


# --- Dashboard: a page of teams with their recent quarters, in a fixed number of queries. ----

DASHBOARD_QUARTERS = 4  # one year; the team page has every quarter


@dataclass(frozen=True)
class DimensionSummary:
    code: str
    name: str
    total: int | None  # None until every question of the dimension is answered
    max_total: int
    band: BandRule | None
    answered: int = 0


@dataclass(frozen=True)
class AssessmentSummary:
    assessment: Assessment
    overall_total: int | None
    dimensions: list[DimensionSummary]

    @property
    def max_overall(self) -> int:
        return sum(dim.max_total for dim in self.dimensions)

    @property
    def bands(self) -> list[tuple[str, BandRule | None]]:
        return [(dim.code, dim.band) for dim in self.dimensions]

    @property
    def resume_step(self) -> int:
        """Where a draft picks up: context if nothing is scored yet, else the first
        dimension with a question left, else the review."""
        if not any(dim.answered for dim in self.dimensions):
            return 1
        for index, dim in enumerate(self.dimensions):
            if dim.total is None:
                return index + 2
        return len(self.dimensions) + 2


def assessment_summaries(assessments: list[Assessment]) -> dict[int, AssessmentSummary]:
    """Totals and bands for many assessments: three queries, whatever their number."""
    model_ids = {a.model_id for a in assessments}
    dimensions_by_model: dict[int, list[Dimension]] = defaultdict(list)
    for dim in (
        Dimension.objects.filter(model_id__in=model_ids)
        .annotate(size=Count("questions"))
        .order_by("model_id", "order", "code")
    ):
        dimensions_by_model[dim.model_id].append(dim)
    bands_by_model: dict[int, list[BandRule]] = defaultdict(list)
    for band in Band.objects.filter(model_id__in=model_ids).order_by("min_total"):
        bands_by_model[band.model_id].append(
            BandRule(band.min_total, band.max_total, band.label, band.tone)
        )
    totals: dict[int, dict[str, tuple[int, int]]] = defaultdict(dict)
    rows = (
        Answer.objects.filter(assessment__in=[a.pk for a in assessments], score__isnull=False)
        .values_list("assessment_id", "question__dimension__code")
        .annotate(total=Sum("score"), answered=Count("score"))
        .order_by()
    )
    for assessment_id, code, total, answered in rows:
        totals[assessment_id][code] = (total, answered)

    summaries = {}
    for assessment in assessments:
        dimensions = []
        for dim in dimensions_by_model[assessment.model_id]:
            total, answered = totals[assessment.pk].get(dim.code, (0, 0))
            complete = answered == dim.size
            dimensions.append(
                DimensionSummary(
                    code=dim.code,
                    name=dim.name,
                    total=total if complete else None,
                    max_total=dim.size * MAX_SCORE,
                    band=band_for(total, bands_by_model[assessment.model_id]) if complete else None,
                    answered=answered,
                )
            )
        complete = all(dim.total is not None for dim in dimensions)
        overall = sum(dim.total for dim in dimensions) if complete else None
        summaries[assessment.pk] = AssessmentSummary(assessment, overall, dimensions)
    return summaries


def recent_assessments_by_team(teams: list[Team]) -> dict[int, list[AssessmentSummary]]:
    """Each team's latest quarters; the database keeps only those rows, however long the history."""
    newest_first = Window(
        RowNumber(), partition_by=F("team_id"), order_by=[F("year").desc(), F("quarter").desc()]
    )
    assessments = list(
        Assessment.objects.filter(team__in=teams)
        .annotate(recency=newest_first)
        .filter(recency__lte=DASHBOARD_QUARTERS)
        .select_related("model")
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
    scores = dict(
        Answer.objects.filter(assessment=previous, score__isnull=False).values_list(
            "question__code", "score"
        )
    )
    return previous, score_assessment(sheet.spec, scores)


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


def organization_for_export(user, slug: str) -> Organization:
    """An organization in which the user may see at least one team (else 404)."""
    teams = teams_visible_to(user)
    return get_object_or_404(
        Organization.objects.filter(pk__in=teams.values("organization_id")), slug=slug
    )


@dataclass(frozen=True)
class TeamHistory:
    summaries: list[AssessmentSummary]  # oldest first
    bands: list[BandRule]

    @property
    def submitted(self) -> list[AssessmentSummary]:
        return [s for s in self.summaries if s.assessment.is_submitted]


def team_history(team: Team) -> TeamHistory:
    """Every quarter of a team, oldest first, with totals: a fixed number of queries."""
    assessments = list(
        Assessment.objects.filter(team=team).select_related("model").order_by("year", "quarter")
    )
    summaries = assessment_summaries(assessments)
    latest = assessments[-1].model_id if assessments else None
    bands = [
        BandRule(b.min_total, b.max_total, b.label, b.tone)
        for b in Band.objects.filter(model_id=latest).order_by("min_total")
    ]
    return TeamHistory([summaries[a.pk] for a in assessments], bands)
