"""The single-assessment PDF's executive summary and trend, worked out from scoring results.

Pure Python: ScoreResults, a targets dict and plain numbers in; sentences and rows out, the
same every time (no database, no templates, no randomness). The sentence rules:

- overall: the overall total out of its maximum;
- bands: how many dimensions fall in each band, best band first;
- extremes: the strongest and the weakest dimension, every tied one named; none when all are
  equal;
- change: since the previous quarter's result, the overall change, the biggest gain and the
  biggest drop (ties named together), or a sentence saying there is nothing to compare with;
- targets: the dimensions below the team's target with their gap, or that every target is met,
  or that none is set;
- theme: the theme chosen for next quarter, or that none is chosen yet (with the suggestion).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from catalogue.scoring import DimensionScore, ScoreResult

TREND_QUARTERS = 8  # two years: enough to see a direction, narrow enough for one table


@dataclass(frozen=True)
class ExecutiveSummary:
    overall: str
    bands: str
    extremes: str
    change: str
    targets: str
    theme: str

    @property
    def headline(self) -> str:
        return f"{self.overall} {self.bands}"

    @property
    def sentences(self) -> tuple[str, ...]:
        return tuple(
            s
            for s in (
                self.overall,
                self.bands,
                self.extremes,
                self.change,
                self.targets,
                self.theme,
            )
            if s
        )


def names(items: Sequence[str]) -> str:
    """ "A", "A and B", "A, B and C"."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


def points(value: int) -> str:
    return f"{value} point{'' if abs(value) == 1 else 's'}"


def overall_sentence(result: ScoreResult) -> str:
    return f"Overall, the team scores {result.overall_total} out of {result.max_overall}."


def band_sentence(result: ScoreResult) -> str:
    """How many dimensions fall in each band, the best band (highest totals) first."""
    counts: dict[str, int] = {}
    order: dict[str, int] = {}
    for dim in result.dimensions:
        counts[dim.band.label] = counts.get(dim.band.label, 0) + 1
        order[dim.band.label] = dim.band.min_total
    labels = sorted(counts, key=lambda label: -order[label])
    size = len(result.dimensions)
    if len(labels) == 1:
        if size == 1:
            return f"Its one dimension is in the band “{labels[0]}”."
        return f"All {size} dimensions are in the band “{labels[0]}”."
    parts = [f"{counts[labels[0]]} in the band “{labels[0]}”"]
    parts += [f"{counts[label]} in “{label}”" for label in labels[1:]]
    return f"Of its {size} dimensions, {names(parts)}."


def _out_of(dims: Sequence[DimensionScore], each: bool) -> str:
    total = dims[0].total
    tops = {dim.max_total for dim in dims}
    figure = f"{total} of {tops.pop()}" if len(tops) == 1 else str(total)
    return f"{figure} each" if each else figure


def _extreme(kind: str, dims: Sequence[DimensionScore]) -> str:
    if len(dims) == 1:
        return f"the {kind} dimension is {dims[0].name} ({_out_of(dims, each=False)})"
    return f"the {kind} dimensions are {names([d.name for d in dims])} ({_out_of(dims, True)})"


def extremes_sentence(result: ScoreResult) -> str:
    """The strongest and weakest dimension(s) by total, in model order within a tie."""
    totals = [dim.total for dim in result.dimensions]
    if len(set(totals)) == 1:
        if len(totals) == 1:
            return ""
        return (
            f"All {len(totals)} dimensions have the same total, "
            f"{_out_of(result.dimensions, each=False)}: none is stronger or weaker than another."
        )
    strongest = [dim for dim in result.dimensions if dim.total == max(totals)]
    weakest = [dim for dim in result.dimensions if dim.total == min(totals)]
    sentence = f"{_extreme('strongest', strongest)}; {_extreme('weakest', weakest)}."
    return sentence[0].upper() + sentence[1:]


def change_sentence(
    result: ScoreResult, previous: ScoreResult | None, previous_label: str = ""
) -> str:
    """The overall change since the previous result and its biggest gain and drop, comparing
    the dimensions both results have (by code)."""
    if previous is None:
        return "There is no earlier submitted quarter to compare with yet."
    since = f"Since {previous_label}" if previous_label else "Since the previous quarter"
    delta = result.overall_total - previous.overall_total
    if delta > 0:
        overall = f"{since} the overall total rose by {points(delta)}, from "
        overall += f"{previous.overall_total} to {result.overall_total}."
    elif delta < 0:
        overall = f"{since} the overall total fell by {points(-delta)}, from "
        overall += f"{previous.overall_total} to {result.overall_total}."
    else:
        overall = f"{since} the overall total is unchanged at {result.overall_total}."
    before = {dim.code: dim.total for dim in previous.dimensions}
    changes = [
        (dim, dim.total - before[dim.code]) for dim in result.dimensions if dim.code in before
    ]
    if not changes:
        return overall
    if all(change == 0 for _, change in changes):
        return f"{overall} No dimension's total changed."
    return f"{overall} {_movement('gain', changes, before)} {_movement('drop', changes, before)}"


def _movement(kind: str, changes: list[tuple[DimensionScore, int]], before: dict) -> str:
    sign = 1 if kind == "gain" else -1
    moved = [(dim, sign * change) for dim, change in changes if sign * change > 0]
    if not moved:
        return "No dimension rose." if kind == "gain" else "No dimension fell."
    biggest = max(size for _, size in moved)
    top = [dim for dim, size in moved if size == biggest]
    direction = "up" if kind == "gain" else "down"
    if len(top) == 1:
        dim = top[0]
        return (
            f"The biggest {kind} is in {dim.name}, {direction} {points(biggest)} "
            f"from {before[dim.code]} to {dim.total}."
        )
    return (
        f"The biggest {kind}s, {direction} {points(biggest)} each, are in "
        f"{names([dim.name for dim in top])}."
    )


def targets_sentence(result: ScoreResult, targets: Mapping[str, int]) -> str:
    """`targets`: the team's target total by dimension code, only for the dimensions with one."""
    with_target = [dim for dim in result.dimensions if targets.get(dim.code) is not None]
    if not with_target:
        return "The team has set no targets yet."
    below = [dim for dim in with_target if dim.total < targets[dim.code]]
    if not below:
        if len(with_target) == len(result.dimensions):
            return "Every dimension has reached the team's target."
        if len(with_target) == 1:
            return f"The one dimension with a target, {with_target[0].name}, has reached it."
        return f"All {len(with_target)} dimensions with a target have reached it."
    gaps = [
        f"{dim.name} ({dim.total}, target {targets[dim.code]}, "
        f"{targets[dim.code] - dim.total} short)"
        for dim in below
    ]
    if len(below) == 1:
        return f"1 dimension is below the team's target: {gaps[0]}."
    return f"{len(below)} dimensions are below the team's target: {names(gaps)}."


def theme_sentence(theme: str | None, suggested: str | None = None) -> str:
    if theme:
        return f"The theme chosen for next quarter is {theme}."
    if suggested:
        return f"No theme has been chosen for next quarter yet; the suggested one is {suggested}."
    return "No theme has been chosen for next quarter yet."


def executive_summary(
    result: ScoreResult,
    *,
    targets: Mapping[str, int] | None = None,
    previous: ScoreResult | None = None,
    previous_label: str = "",
    theme: str | None = None,
    suggested: str | None = None,
) -> ExecutiveSummary:
    """The summary's sentences: `previous` is the previous quarter's result (None: none to
    compare with); `theme` and `suggested` are dimension names."""
    return ExecutiveSummary(
        overall=overall_sentence(result),
        bands=band_sentence(result),
        extremes=extremes_sentence(result),
        change=change_sentence(result, previous, previous_label),
        targets=targets_sentence(result, targets or {}),
        theme=theme_sentence(theme, suggested),
    )


# --- The trend: the last quarters' totals per dimension ----------------------------------------


@dataclass(frozen=True)
class TrendQuarter:
    """One quarter's totals: `totals` by dimension code (None: not scored then)."""

    label: str
    totals: Mapping[str, int | None]
    overall: int | None


@dataclass(frozen=True)
class TrendRow:
    name: str
    cells: tuple[int | None, ...]  # oldest quarter first

    @property
    def change(self) -> int | None:
        """From the first quarter with a total to the last one, when both have one."""
        known = [cell for cell in self.cells if cell is not None]
        if len(known) < 2 or self.cells[-1] is None:
            return None
        return known[-1] - known[0]


@dataclass(frozen=True)
class Trend:
    labels: tuple[str, ...]  # oldest first
    rows: tuple[TrendRow, ...]  # the current result's dimensions, in model order
    overall: TrendRow

    @property
    def has_history(self) -> bool:
        return len(self.labels) > 1


def trend(result: ScoreResult, quarters: Sequence[TrendQuarter]) -> Trend:
    """The last TREND_QUARTERS of `quarters` (oldest first), a row per dimension of `result`
    matched by code, and the overall totals."""
    shown = list(quarters)[-TREND_QUARTERS:]
    rows = tuple(
        TrendRow(dim.name, tuple(quarter.totals.get(dim.code) for quarter in shown))
        for dim in result.dimensions
    )
    overall = TrendRow("Overall", tuple(quarter.overall for quarter in shown))
    return Trend(tuple(quarter.label for quarter in shown), rows, overall)
