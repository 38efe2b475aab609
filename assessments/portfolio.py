"""The consultant workspace's reads of one organization: its teams side by side.

Queries live in the functions at the bottom of each section; everything they return is plain
dataclasses built by pure code from the rows read. Totals and bands come from the scoring rules
(catalogue.scoring, through assessments.selectors.assessment_summaries), never summed in SQL.
Every read costs a fixed number of queries, whatever the number of teams and quarters.

Stable API (imported by the client pack PDF):

    organization_heatmap(organization, teams, period) -> Heatmap

Only submitted assessments count: a draft is "not submitted". Teams are matched to the page's
columns by dimension code (VO, CX, AO, MP), which outlives model versions.
"""

from __future__ import annotations

import operator
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import reduce

from django.db.models import F, Q, Window
from django.db.models.functions import RowNumber

from assessments.charts import band_thresholds
from assessments.models import Action, Answer, Assessment
from assessments.periods import Quarter
from assessments.selectors import AssessmentSummary, assessment_summaries
from assessments.sparklines import describe, sparkline_svg
from catalogue.models import MaturityModel
from catalogue.scoring import (
    MAX_SCORE,
    BandRule,
    ModelSpec,
    ScoreResult,
    ScoringError,
    score_assessment,
)
from catalogue.selectors import (
    latest_published_model,
    model_spec,
    model_structure,
    question_codes_by_id,
)
from organizations.models import Organization, Team

TREND_QUARTERS = 8
NOT_SUBMITTED = "Not submitted"

# --- The heatmap: teams x dimensions for one quarter. -----------------------------------------


@dataclass(frozen=True)
class Column:
    """A dimension column of the heatmap."""

    code: str
    name: str
    max_total: int

    @property
    def sort_key(self) -> str:
        return self.code.lower()


@dataclass(frozen=True)
class HeatCell:
    """One team's total for one dimension in the quarter, None if it has none (no submitted
    assessment, or one of a model version without this dimension)."""

    code: str
    name: str
    total: int | None
    max_total: int
    band: BandRule | None
    previous_total: int | None  # the quarter before's, for the change

    @property
    def band_label(self) -> str:
        return self.band.label if self.band else NOT_SUBMITTED

    @property
    def tone(self) -> str:
        return self.band.tone if self.band else "none"

    @property
    def change(self) -> int | None:
        if self.total is None or self.previous_total is None:
            return None
        return self.total - self.previous_total


@dataclass(frozen=True)
class HeatRow:
    team: Team
    assessment: Assessment | None  # the team's submitted assessment of the quarter
    cells: tuple[HeatCell, ...]  # one per column, in column order
    overall: int | None  # the sum of the dimension totals; the model defines no band for it
    max_overall: int
    previous_overall: int | None

    @property
    def submitted(self) -> bool:
        return self.assessment is not None

    @property
    def change(self) -> int | None:
        """Overall change since the quarter before; None unless both quarters were submitted."""
        if self.overall is None or self.previous_overall is None:
            return None
        return self.overall - self.previous_overall

    def cell(self, code: str) -> HeatCell | None:
        for cell in self.cells:
            if cell.code.lower() == code.lower():
                return cell
        return None

    def sort_value(self, key: str) -> str | int | None:
        """What the row sorts by for a column key ("team", "overall", "change" or a dimension
        code in lower case); None sorts last whatever the direction."""
        if key == "team":
            return self.team.name.casefold()
        if key == "overall":
            return self.overall
        if key == "change":
            return self.change
        cell = self.cell(key)
        return cell.total if cell else None


SORT_KEYS_FIXED = ("team", "overall", "change")


@dataclass(frozen=True)
class Heatmap:
    """An organization's teams (rows) against the model's dimensions (columns) for a quarter.

    Rows come sorted by team name; `sorted_by` gives another order."""

    organization: Organization
    period: Quarter
    columns: tuple[Column, ...]
    bands: tuple[BandRule, ...]
    rows: tuple[HeatRow, ...]

    @property
    def previous_period(self) -> Quarter:
        return self.period.previous()

    @property
    def max_total(self) -> int:
        return max((column.max_total for column in self.columns), default=0)

    @property
    def sort_keys(self) -> tuple[str, ...]:
        return (SORT_KEYS_FIXED[0], *(c.sort_key for c in self.columns), *SORT_KEYS_FIXED[1:])

    @property
    def not_submitted(self) -> tuple[Team, ...]:
        """Teams without a submitted assessment for the quarter (a draft counts as none)."""
        return tuple(row.team for row in self.rows if not row.submitted)

    def sorted_by(self, key: str, *, descending: bool = False) -> Heatmap:
        """The same heatmap with rows ordered by a column; rows without a value come last, ties
        by team name. An unknown key sorts by team name."""
        if key not in self.sort_keys:
            key, descending = "team", False
        by_name = sorted(self.rows, key=lambda row: row.team.name.casefold())
        present = [row for row in by_name if row.sort_value(key) is not None]
        missing = [row for row in by_name if row.sort_value(key) is None]
        # Python's sort is stable with reverse=True too: ties keep the name order.
        present.sort(key=lambda row: row.sort_value(key), reverse=descending)
        return replace(self, rows=tuple(present + missing))


def _columns_and_bands(
    specs: Sequence[ModelSpec], fallback: MaturityModel | None
) -> tuple[tuple[Column, ...], tuple[BandRule, ...]]:
    """Columns from the first spec (the newest version in use), then any dimension code only an
    older version has; bands of the first spec."""
    if not specs and fallback is not None:
        specs = [model_spec(model_structure(fallback))]
    if not specs:
        return (), ()
    columns: dict[str, Column] = {}
    for spec in specs:
        for dim in spec.dimensions:
            size = len(dim.question_codes) * MAX_SCORE
            columns.setdefault(dim.code, Column(dim.code, dim.name, size))
    return tuple(columns.values()), specs[0].bands


def _cells(
    columns: Sequence[Column],
    summary: AssessmentSummary | None,
    previous: AssessmentSummary | None,
) -> tuple[HeatCell, ...]:
    now = {d.code: d for d in summary.dimensions} if summary else {}
    before = {d.code: d for d in previous.dimensions} if previous else {}
    cells = []
    for column in columns:
        dim = now.get(column.code)
        earlier = before.get(column.code)
        cells.append(
            HeatCell(
                code=column.code,
                name=column.name,
                total=dim.total if dim else None,
                max_total=dim.max_total if dim else column.max_total,
                band=dim.band if dim else None,
                previous_total=earlier.total if earlier else None,
            )
        )
    return tuple(cells)


def _overall(summary: AssessmentSummary | None) -> int | None:
    return summary.overall_total if summary else None


def build_heatmap(
    organization: Organization,
    teams: Sequence[Team],
    period: Quarter,
    by_team_quarter: dict[tuple[int, Quarter], AssessmentSummary],
    fallback_model: MaturityModel | None = None,
) -> Heatmap:
    """The heatmap from each team's submitted summary per quarter (see _load). No query of its
    own once the summaries' model structures are in memory (as _load leaves them)."""
    current = [by_team_quarter[(t.pk, period)] for t in teams if (t.pk, period) in by_team_quarter]
    everything = sorted(
        by_team_quarter.values(), key=lambda s: (s.assessment.period, s.assessment.model_id)
    )
    ordered = [*current, *reversed(everything)]  # this quarter's versions first, then newest
    specs, seen = [], set()
    for summary in ordered:
        model = summary.assessment.model
        if model.pk not in seen:
            seen.add(model.pk)
            specs.append(model_spec(model_structure(model)))
    columns, bands = _columns_and_bands(specs, fallback_model)
    rows = []
    for team in sorted(teams, key=lambda t: t.name.casefold()):
        summary = by_team_quarter.get((team.pk, period))
        previous = by_team_quarter.get((team.pk, period.previous()))
        rows.append(
            HeatRow(
                team=team,
                assessment=summary.assessment if summary else None,
                cells=_cells(columns, summary, previous),
                overall=_overall(summary),
                max_overall=summary.max_overall if summary else sum(c.max_total for c in columns),
                previous_overall=_overall(previous),
            )
        )
    return Heatmap(organization, period, columns, bands, tuple(rows))


def _in_quarters(quarters: Iterable[Quarter]) -> Q:
    return reduce(operator.or_, (Q(year=q.year, quarter=q.quarter) for q in quarters), Q(pk=None))


def _load(teams: Sequence[Team], quarters: Sequence[Quarter]):
    """Each team's submitted summary per quarter: two queries (assessments, their answers),
    plus the model structure on a cold worker. With two submitted assessments of one quarter
    (two model versions), the later submission counts."""
    assessments = list(
        Assessment.objects.filter(
            team__in=[t.pk for t in teams], status=Assessment.Status.SUBMITTED
        )
        .filter(_in_quarters(quarters))
        .select_related("model")
        .order_by("team_id", "year", "quarter", "submitted_at", "pk")
    )
    summaries = assessment_summaries(assessments)
    by_team_quarter: dict[tuple[int, Quarter], AssessmentSummary] = {}
    for assessment in assessments:  # later submissions overwrite earlier ones
        by_team_quarter[(assessment.team_id, assessment.period)] = summaries[assessment.pk]
    return by_team_quarter


def _own_teams(organization: Organization, teams: Iterable[Team]) -> list[Team]:
    # Defensive: a caller passing another organization's team must not leak it into the page.
    return [team for team in teams if team.organization_id == organization.pk]


def organization_heatmap(
    organization: Organization, teams: Iterable[Team], period: Quarter
) -> Heatmap:
    """Teams x dimensions of `organization` for `period`.

    `teams`: the teams to show, already scoped to who is asking (teams_visible_to); teams of
    another organization are ignored. Rows are sorted by team name, one per team, submitted or
    not; each holds a HeatCell per column (code, name, total or None, band label and tone, the
    previous quarter's total), the overall total and the change since `period.previous()`.
    A fixed number of queries (three, plus the model structure on a cold worker)."""
    teams = _own_teams(organization, teams)
    by_team_quarter = _load(teams, [period.previous(), period])
    fallback = None if by_team_quarter else latest_published_model()
    return build_heatmap(organization, teams, period, by_team_quarter, fallback)


# --- Trends: a sparkline per team and dimension. ---------------------------------------------


@dataclass(frozen=True)
class TrendLine:
    code: str
    name: str
    team_name: str
    max_total: int
    quarters: tuple[Quarter, ...]  # oldest first
    totals: tuple[int | None, ...]
    thresholds: tuple[int, ...]

    @property
    def latest(self) -> int | None:
        return self.totals[-1] if self.totals else None

    @property
    def description(self) -> str:
        return describe(
            f"{self.name} for {self.team_name}", [q.label for q in self.quarters], self.totals
        )

    @property
    def svg(self):
        return sparkline_svg(
            self.totals,
            low=0,
            high=self.max_total,
            label=self.description,
            thresholds=self.thresholds,
        )


@dataclass(frozen=True)
class TeamTrend:
    team: Team
    lines: tuple[TrendLine, ...]  # one per heatmap column

    @property
    def has_data(self) -> bool:
        return any(total is not None for line in self.lines for total in line.totals)


def trend_quarters(period: Quarter, count: int = TREND_QUARTERS) -> tuple[Quarter, ...]:
    quarters = [period]
    while len(quarters) < count:
        quarters.insert(0, quarters[0].previous())
    return tuple(quarters)


def build_trends(
    heatmap: Heatmap,
    quarters: Sequence[Quarter],
    by_team_quarter: dict[tuple[int, Quarter], AssessmentSummary],
) -> tuple[TeamTrend, ...]:
    """Pure: per heatmap row, each column's total over `quarters` (oldest first)."""
    thresholds = tuple(band_thresholds(heatmap.bands)) if heatmap.bands else ()
    trends = []
    for row in heatmap.rows:
        totals_by_code: dict[str, list[int | None]] = defaultdict(list)
        for quarter in quarters:
            summary = by_team_quarter.get((row.team.pk, quarter))
            dims = {d.code: d.total for d in summary.dimensions} if summary else {}
            for column in heatmap.columns:
                totals_by_code[column.code].append(dims.get(column.code))
        lines = tuple(
            TrendLine(
                code=column.code,
                name=column.name,
                team_name=row.team.name,
                max_total=column.max_total,
                quarters=tuple(quarters),
                totals=tuple(totals_by_code[column.code]),
                thresholds=thresholds,
            )
            for column in heatmap.columns
        )
        trends.append(TeamTrend(row.team, lines))
    return tuple(trends)


# --- Themes and open actions. -----------------------------------------------------------------


@dataclass(frozen=True)
class TeamPlan:
    team: Team
    theme_name: str | None  # the latest theme chosen up to the quarter
    theme_chosen_in: Quarter | None  # the quarter whose assessment chose it (for the next one)
    open_actions: tuple[Action, ...]  # planned or doing, now, soonest due first


def _themes(teams: Sequence[Team], period: Quarter) -> dict[int, Assessment]:
    """Each team's latest submitted assessment up to `period` with a theme: one query."""
    newest_first = Window(
        RowNumber(), partition_by=F("team_id"), order_by=[F("year").desc(), F("quarter").desc()]
    )
    themed = (
        Assessment.objects.filter(
            team__in=[t.pk for t in teams],
            status=Assessment.Status.SUBMITTED,
            theme_dimension__isnull=False,
        )
        .filter(Q(year__lt=period.year) | Q(year=period.year, quarter__lte=period.quarter))
        .annotate(recency=newest_first)
        .filter(recency=1)
        .select_related("theme_dimension")
    )
    return {assessment.team_id: assessment for assessment in themed}


def _open_actions(teams: Sequence[Team]) -> dict[int, list[Action]]:
    """Every team's planned and doing actions: one query."""
    actions = (
        Action.objects.filter(
            assessment__team__in=[t.pk for t in teams],
            status__in=[Action.Status.PLANNED, Action.Status.DOING],
        )
        .select_related("assessment", "owner")
        .order_by(F("due_date").asc(nulls_last=True), "pk")
    )
    by_team: dict[int, list[Action]] = defaultdict(list)
    for action in actions:
        by_team[action.assessment.team_id].append(action)
    return by_team


def team_plans(teams: Sequence[Team], period: Quarter) -> tuple[TeamPlan, ...]:
    themes = _themes(teams, period)
    actions = _open_actions(teams)
    plans = []
    for team in sorted(teams, key=lambda t: t.name.casefold()):
        themed = themes.get(team.pk)
        plans.append(
            TeamPlan(
                team=team,
                theme_name=themed.theme_dimension.name if themed else None,
                theme_chosen_in=themed.period if themed else None,
                open_actions=tuple(actions.get(team.pk, ())),
            )
        )
    return tuple(plans)


# --- The organization page: all of the above from one load. ----------------------------------


@dataclass(frozen=True)
class Portfolio:
    heatmap: Heatmap
    trend_quarters: tuple[Quarter, ...]
    trends: tuple[TeamTrend, ...]
    plans: tuple[TeamPlan, ...]
    drafts: frozenset[int]  # ids of teams with a draft (not submitted) for the quarter

    @property
    def not_submitted(self) -> tuple[tuple[Team, bool], ...]:
        """(team, has a draft started) for each team without a submission for the quarter."""
        return tuple((team, team.pk in self.drafts) for team in self.heatmap.not_submitted)


def submitted_quarters(teams: Iterable[Team]) -> list[Quarter]:
    """Quarters in which any of the teams submitted an assessment, newest first: one query."""
    rows = (
        Assessment.objects.filter(
            team__in=[t.pk for t in teams], status=Assessment.Status.SUBMITTED
        )
        .order_by("-year", "-quarter")
        .values_list("year", "quarter")
        .distinct()
    )
    return [Quarter(year, quarter) for year, quarter in rows]


def organization_portfolio(
    organization: Organization, teams: Iterable[Team], period: Quarter
) -> Portfolio:
    """Everything the organization page shows for a quarter, in a fixed number of queries
    (five, plus the model structure on a cold worker), whatever the teams and quarters."""
    teams = _own_teams(organization, teams)
    quarters = trend_quarters(period)
    by_team_quarter = _load(teams, quarters)
    fallback = None if by_team_quarter else latest_published_model()
    heatmap = build_heatmap(organization, teams, period, by_team_quarter, fallback)
    drafts = frozenset(
        Assessment.objects.filter(
            team__in=[t.pk for t in teams],
            year=period.year,
            quarter=period.quarter,
            status=Assessment.Status.DRAFT,
        ).values_list("team_id", flat=True)
    )
    return Portfolio(
        heatmap=heatmap,
        trend_quarters=quarters,
        trends=build_trends(heatmap, quarters, by_team_quarter),
        plans=team_plans(teams, period),
        drafts=drafts,
    )


# --- Compare: two to four teams in a quarter, or one team's two quarters. --------------------

MIN_COMPARED = 2
MAX_COMPARED = 4


@dataclass(frozen=True)
class CompareEntry:
    label: str  # the team's name, or the quarter's label when comparing one team's quarters
    team: Team
    period: Quarter
    assessment: Assessment | None  # its submitted assessment, None if there is none
    result: ScoreResult | None
    scores: dict[str, int]  # by question code


@dataclass(frozen=True)
class DifferenceRow:
    """A dimension's totals, or a question's scores, per entry (None where it has none)."""

    code: str
    label: str
    values: tuple[int | None, ...]
    bands: tuple[BandRule | None, ...] = ()  # for dimensions
    dimension: str = ""  # for questions: its dimension's name

    @property
    def spread(self) -> int | None:
        """Highest minus lowest, over the entries that have a value (two at least)."""
        present = [v for v in self.values if v is not None]
        if len(present) < 2:
            return None
        return max(present) - min(present)

    @property
    def cells(self) -> tuple[tuple[int | None, BandRule | None], ...]:
        bands = self.bands or (None,) * len(self.values)
        return tuple(zip(self.values, bands, strict=True))


@dataclass(frozen=True)
class Comparison:
    entries: tuple[CompareEntry, ...]
    dimensions: tuple[DifferenceRow, ...]  # in model order
    questions: tuple[DifferenceRow, ...]  # largest spread first, then model order
    overall: DifferenceRow
    bands: tuple[BandRule, ...]

    @property
    def scored(self) -> tuple[CompareEntry, ...]:
        return tuple(entry for entry in self.entries if entry.result is not None)

    @property
    def missing(self) -> tuple[CompareEntry, ...]:
        return tuple(entry for entry in self.entries if entry.result is None)


def build_comparison(entries: Sequence[CompareEntry], model: MaturityModel | None) -> Comparison:
    """Pure (given a structured model): the differences between the entries, by dimension and
    by question code of `model` (the newest version among them)."""
    if model is None:
        empty = DifferenceRow("overall", "Overall", tuple(None for _ in entries))
        return Comparison(tuple(entries), (), (), empty, ())
    spec = model_spec(model)
    dimension_rows = []
    for dim in spec.dimensions:
        values, bands = [], []
        for entry in entries:
            score = _dimension_of(entry.result, dim.code)
            values.append(score.total if score else None)
            bands.append(score.band if score else None)
        dimension_rows.append(DifferenceRow(dim.code, dim.name, tuple(values), tuple(bands)))
    question_rows = [
        DifferenceRow(
            question.code,
            question.text,
            tuple(entry.scores.get(question.code) for entry in entries),
            dimension=dimension.name,
        )
        for dimension in model.dimensions.all()
        for question in dimension.questions.all()
    ]
    # Stable: equal spreads keep the model's order; questions without a spread come last.
    question_rows.sort(key=lambda row: -1 if row.spread is None else row.spread, reverse=True)
    overall = DifferenceRow(
        "overall",
        "Overall",
        tuple(entry.result.overall_total if entry.result else None for entry in entries),
    )
    return Comparison(
        tuple(entries), tuple(dimension_rows), tuple(question_rows), overall, spec.bands
    )


def _dimension_of(result: ScoreResult | None, code: str):
    if result is None:
        return None
    return next((dim for dim in result.dimensions if dim.code == code), None)


def compare_entries(pairs: Sequence[tuple[str, Team, Quarter]]) -> Comparison:
    """Each (label, team, quarter)'s submitted assessment and scores: two queries, plus the
    model structure on a cold worker."""
    wanted = reduce(
        operator.or_,
        (Q(team_id=team.pk, year=q.year, quarter=q.quarter) for _, team, q in pairs),
        Q(pk=None),
    )
    assessments = list(
        Assessment.objects.filter(wanted, status=Assessment.Status.SUBMITTED)
        .select_related("model")
        .order_by("submitted_at", "pk")
    )
    chosen = {(a.team_id, a.period): a for a in assessments}  # the later submission wins
    structures = {a.model_id: model_structure(a.model) for a in chosen.values()}
    codes = {pk: question_codes_by_id(model) for pk, model in structures.items()}
    scores: dict[int, dict[str, int]] = defaultdict(dict)
    rows = Answer.objects.filter(
        assessment__in=[a.pk for a in chosen.values()], score__isnull=False
    ).values_list("assessment_id", "assessment__model_id", "question_id", "score")
    for assessment_id, model_id, question_id, score in rows:
        scores[assessment_id][codes[model_id][question_id]] = score
    entries = []
    for label, team, quarter in pairs:
        assessment = chosen.get((team.pk, quarter))
        result = None
        if assessment is not None:
            try:
                result = score_assessment(
                    model_spec(structures[assessment.model_id]), scores[assessment.pk]
                )
            except ScoringError:
                result = None  # an incomplete submission (imported data): shown as missing
        entries.append(
            CompareEntry(
                label=label,
                team=team,
                period=quarter,
                assessment=assessment,
                result=result,
                scores=dict(scores[assessment.pk]) if assessment else {},
            )
        )
    newest = max(
        (entry.assessment for entry in entries if entry.result is not None),
        key=lambda a: (a.period, a.model_id),
        default=None,
    )
    return build_comparison(entries, structures[newest.model_id] if newest else None)
