"""Peer benchmarks: the rules, as pure functions over plain data (no database).

- Cohort: comparable organizations are those with the same company stage, customer segment and
  touch model (the context of an assessment). An assessment missing any of the three has no
  exact cohort. Every organization is also in the cohort "all", the fallback.
- What an organization contributes: one value per dimension and cohort, the median of its
  teams' latest submitted totals in that cohort (one team: its total). Counting organizations,
  not teams, keeps "5 other organizations" meaningful: a client with twelve teams is one peer.
- Quartiles: linear interpolation between the sorted values, the "inclusive" method of
  statistics.quantiles (numpy's default): the value at position (n - 1) * p, p = 1/4, 1/2, 3/4.
  One value is its own lower quartile, median and upper quartile.
- The minimum: figures are stored per cohort over every organization that fed them, the
  viewing one included. They are shown only when at least MIN_OTHERS organizations besides the
  viewer's fed them. The viewer is always assumed to be one of them (its figures may be from
  before it moved cohort or submitted): at worst a benchmark shows one refresh later, never
  with fewer than MIN_OTHERS others. The exact cohort first; if too small, "all"; else nothing.
- Opted-out organizations neither feed nor see benchmarks (the callers filter them out).
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

MIN_OTHERS = 5
ALL = "all"
CENT = Decimal("0.01")

# Words for the cohort description ("growth-stage, SMB, low-touch organizations"). Kept here,
# not read from the model's choices, so the rules stay free of the ORM.
STAGE_WORDS = {
    "early": "early-stage",
    "growth": "growth-stage",
    "scale": "scale-up",
    "mature": "mature",
}
SEGMENT_WORDS = {
    "smb": "SMB",
    "mid-market": "mid-market",
    "enterprise": "enterprise",
    "mixed": "mixed-segment",
}
TOUCH_WORDS = {"high": "high-touch", "medium": "medium-touch", "low": "low-touch"}


def cohort_key(stage: str, segment: str, touch: str) -> str | None:
    """The exact cohort of a context, or None when any part of it is missing."""
    if not (stage and segment and touch):
        return None
    return f"stage={stage}|segment={segment}|touch={touch}"


def cohort_words(cohort: str) -> str:
    """'growth-stage, SMB, low-touch' for an exact cohort; '' for "all"."""
    if cohort == ALL:
        return ""
    parts = dict(part.split("=", 1) for part in cohort.split("|"))
    return ", ".join(
        (
            STAGE_WORDS.get(parts["stage"], parts["stage"]),
            SEGMENT_WORDS.get(parts["segment"], parts["segment"]),
            TOUCH_WORDS.get(parts["touch"], parts["touch"]),
        )
    )


def describe(cohort: str, organizations: int) -> str:
    """'12 growth-stage, SMB, low-touch organizations' or 'all 40 organizations'."""
    noun = "organization" if organizations == 1 else "organizations"
    if cohort == ALL:
        return f"all {organizations} {noun}"
    return f"{organizations} {cohort_words(cohort)} {noun}"


@dataclass(frozen=True)
class Quartiles:
    lower: Decimal
    median: Decimal
    upper: Decimal


def _at(ordered: Sequence[Fraction], position: Fraction) -> Fraction:
    below = int(position)  # floor: positions are never negative
    if below + 1 >= len(ordered):
        return ordered[-1]
    return ordered[below] + (position - below) * (ordered[below + 1] - ordered[below])


def _cents(value: Fraction) -> Decimal:
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(
        CENT, rounding=ROUND_HALF_UP
    )


def plain(value: Decimal) -> str:
    """A figure as the report prints it: 17.5, 11.25, 20 (no trailing zeros)."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def quartiles(values: Iterable[int | Fraction]) -> Quartiles:
    """Lower quartile, median and upper quartile by linear interpolation (see the module)."""
    ordered = sorted(Fraction(v) for v in values)
    if not ordered:
        raise ValueError("Quartiles need at least one value.")
    last = len(ordered) - 1
    lower, median, upper = (_at(ordered, Fraction(last * k, 4)) for k in (1, 2, 3))
    return Quartiles(_cents(lower), _cents(median), _cents(upper))


@dataclass(frozen=True)
class TeamTotals:
    """A team's latest submitted assessment of one model version: who, where, what."""

    organization_id: int
    cohort: str | None  # cohort_key of the assessment's context
    totals: Mapping[str, int]  # dimension code -> total


@dataclass(frozen=True)
class CohortFigures:
    cohort: str
    dimension_code: str
    organizations: int  # how many organizations fed it
    quartiles: Quartiles


def cohort_figures(teams: Iterable[TeamTotals]) -> list[CohortFigures]:
    """Every cohort's figures per dimension, "all" included, from the teams' latest totals.

    Pass only teams of organizations that take part (not opted out) and of one model version.
    Sorted by cohort, then dimension code, for a stable result."""
    # cohort -> dimension -> organization -> its teams' totals
    grouped: dict[str, dict[str, dict[int, list[int]]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(list))
    )
    for team in teams:
        cohorts = [ALL] if team.cohort is None else [ALL, team.cohort]
        for cohort in cohorts:
            for code, total in team.totals.items():
                grouped[cohort][code][team.organization_id].append(total)
    figures = []
    for cohort in sorted(grouped):
        for code in sorted(grouped[cohort]):
            by_organization = grouped[cohort][code]
            values = [
                Fraction(statistics.median(sorted(totals))).limit_denominator()
                for totals in by_organization.values()
            ]
            figures.append(CohortFigures(cohort, code, len(by_organization), quartiles(values)))
    return figures


def others(organizations: int) -> int:
    """Organizations besides the viewer's among those that fed a cohort's figures."""
    return max(organizations - 1, 0)


def enough_peers(organizations: int) -> bool:
    return others(organizations) >= MIN_OTHERS


def choose_cohort(organizations_by_cohort: Mapping[str, int], own_cohort: str | None) -> str | None:
    """Which cohort's figures a viewer in `own_cohort` sees: its own when it has enough other
    organizations, else "all" when that has, else None ("not enough peers yet")."""
    for cohort in (own_cohort, ALL):
        if cohort is not None and enough_peers(organizations_by_cohort.get(cohort, 0)):
            return cohort
    return None
