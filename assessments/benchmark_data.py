"""Peer benchmarks against the database: refresh the stored figures, and read what a report
shows. Every query of the feature is here; the rules are in assessments.benchmarks.

Refreshing reads every team's latest submitted assessment per model version (one query), their
answers (one query) and each version's structure, and replaces every PeerBenchmark row in one
transaction: a fixed number of queries whatever the number of organizations. Reading for a
report is one query. Neither ever returns an organization's name or its own figures: only
cohort aggregates, and only over enough organizations (benchmarks.MIN_OTHERS besides the
viewer's).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import F, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from assessments import benchmarks
from assessments.models import Assessment
from assessments.selectors import assessment_summaries
from assessments.workspace_models import PeerBenchmark
from catalogue.scoring import ScoreResult

NOT_ENOUGH_PEERS = "Not enough peers yet"
OPTED_OUT = "Peer benchmarks are off for this organization."


def latest_submitted_for_benchmarks() -> list[Assessment]:
    """Each team's latest submitted assessment per model version, of every organization that
    takes part in benchmarks."""
    newest_first = Window(
        RowNumber(),
        partition_by=[F("team_id"), F("model_id")],
        order_by=[F("year").desc(), F("quarter").desc()],
    )
    return list(
        Assessment.objects.filter(
            status=Assessment.Status.SUBMITTED, team__organization__benchmark_opt_out=False
        )
        .annotate(recency=newest_first)
        .filter(recency=1)
        .select_related("model", "team")
        .order_by("pk")
    )


def compute_figures() -> dict[int, list[benchmarks.CohortFigures]]:
    """Every cohort's figures, per model version id, from the database as it is now."""
    assessments = latest_submitted_for_benchmarks()
    summaries = assessment_summaries(assessments)
    teams_by_model: dict[int, list[benchmarks.TeamTotals]] = defaultdict(list)
    for assessment in assessments:
        totals = {
            dim.code: dim.total
            for dim in summaries[assessment.pk].dimensions
            if dim.total is not None
        }
        if not totals:
            continue
        teams_by_model[assessment.model_id].append(
            benchmarks.TeamTotals(
                organization_id=assessment.team.organization_id,
                cohort=benchmarks.cohort_key(
                    assessment.company_stage, assessment.customer_segment, assessment.touch_model
                ),
                totals=totals,
            )
        )
    return {
        model_id: benchmarks.cohort_figures(teams) for model_id, teams in teams_by_model.items()
    }


@transaction.atomic
def peer_benchmarks_refresh() -> int:
    """Replace every stored benchmark with figures computed now; the number of rows written.

    Cohorts that no longer exist (an organization opted out, a team moved) disappear."""
    now = timezone.now()
    rows = [
        PeerBenchmark(
            cohort=figure.cohort,
            model_id=model_id,
            dimension_code=figure.dimension_code,
            organizations=figure.organizations,
            lower_quartile=figure.quartiles.lower,
            median=figure.quartiles.median,
            upper_quartile=figure.quartiles.upper,
            computed_at=now,
        )
        for model_id, figures in compute_figures().items()
        for figure in figures
    ]
    PeerBenchmark.objects.all().delete()
    PeerBenchmark.objects.bulk_create(rows)
    return len(rows)


# --- What a report shows -------------------------------------------------------------------


@dataclass(frozen=True)
class BenchmarkRow:
    code: str
    name: str
    total: int | None  # the team's own, from the report being viewed
    lower: Decimal
    median: Decimal
    upper: Decimal

    @property
    def figures(self) -> str:
        """ "11.25 – 17.5 – 23.75": lower quartile, median, upper quartile."""
        return " – ".join(benchmarks.plain(v) for v in (self.lower, self.median, self.upper))


@dataclass(frozen=True)
class PeerView:
    """What the report's peer benchmark section shows. `shown` False: only `message`."""

    shown: bool
    message: str = ""
    opted_out: bool = False
    cohort: str = ""
    exact_cohort: bool = False  # False: fell back to all organizations
    description: str = ""  # "12 growth-stage, SMB, low-touch organizations"
    rows: tuple[BenchmarkRow, ...] = ()
    computed_at: object = None

    @property
    def band(self) -> dict[str, tuple[Decimal, Decimal]] | None:
        """Per dimension code, (lower quartile, upper quartile): the radar's shaded band."""
        if not self.shown:
            return None
        return {row.code: (row.lower, row.upper) for row in self.rows}

    def document(self) -> dict | None:
        """Cohort figures only, for exports: never a name, never one organization's score."""
        if not self.shown:
            return None
        return {
            "cohort": self.cohort,
            "description": self.description,
            "dimensions": {
                row.code: {
                    "lower_quartile": str(row.lower),
                    "median": str(row.median),
                    "upper_quartile": str(row.upper),
                }
                for row in self.rows
            },
        }


def benchmark_for(assessment: Assessment, *, result: ScoreResult | None = None) -> PeerView:
    """The benchmark a report of `assessment` shows: one query (none for an opted-out
    organization). `result`, the assessment's scores, puts the team's totals in the rows and
    orders them as the model does. No rows stored yet reads as not enough peers."""
    if assessment.team.organization.benchmark_opt_out:
        return PeerView(shown=False, opted_out=True, message=OPTED_OUT)
    own = benchmarks.cohort_key(
        assessment.company_stage, assessment.customer_segment, assessment.touch_model
    )
    cohorts = [benchmarks.ALL] if own is None else [own, benchmarks.ALL]
    stored = list(PeerBenchmark.objects.filter(model_id=assessment.model_id, cohort__in=cohorts))
    # Every dimension of a cohort is fed by the same organizations; the smallest is the safe one.
    counts: dict[str, int] = {}
    for row in stored:
        counts[row.cohort] = min(counts.get(row.cohort, row.organizations), row.organizations)
    chosen = benchmarks.choose_cohort(counts, own)
    if chosen is None:
        return PeerView(shown=False, message=NOT_ENOUGH_PEERS)
    by_code = {row.dimension_code: row for row in stored if row.cohort == chosen}
    if result is not None:
        order = [(dim.code, dim.name, dim.total) for dim in result.dimensions]
    else:
        order = [(code, code, None) for code in sorted(by_code)]
    rows = tuple(
        BenchmarkRow(
            code=code,
            name=name,
            total=total,
            lower=by_code[code].lower_quartile,
            median=by_code[code].median,
            upper=by_code[code].upper_quartile,
        )
        for code, name, total in order
        if code in by_code
    )
    if not rows:
        return PeerView(shown=False, message=NOT_ENOUGH_PEERS)
    return PeerView(
        shown=True,
        cohort=chosen,
        exact_cohort=chosen != benchmarks.ALL,
        description=benchmarks.describe(chosen, counts[chosen]),
        rows=rows,
        computed_at=max(row.computed_at for row in by_code.values()),
    )
