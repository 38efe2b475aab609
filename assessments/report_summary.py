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

from django.utils.translation import gettext, ngettext

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
    return gettext("%(items)s and %(last)s") % {"items": ", ".join(items[:-1]), "last": items[-1]}


def points(value: int) -> str:
    return ngettext("%(count)s point", "%(count)s points", abs(value)) % {"count": value}


def overall_sentence(result: ScoreResult) -> str:
    return gettext("Overall, the team scores %(total)s out of %(max)s.") % {
        "total": result.overall_total,
        "max": result.max_overall,
    }


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
            return gettext("Its one dimension is in the band “%(band)s”.") % {"band": labels[0]}
        return gettext("All %(count)s dimensions are in the band “%(band)s”.") % {
            "count": size,
            "band": labels[0],
        }
    parts = [
        gettext("%(count)s in the band “%(band)s”")
        % {"count": counts[labels[0]], "band": labels[0]}
    ]
    parts += [
        gettext("%(count)s in “%(band)s”") % {"count": counts[label], "band": label}
        for label in labels[1:]
    ]
    return gettext("Of its %(count)s dimensions, %(parts)s.") % {
        "count": size,
        "parts": names(parts),
    }


def _out_of(dims: Sequence[DimensionScore], each: bool) -> str:
    total = dims[0].total
    tops = {dim.max_total for dim in dims}
    figure = (
        gettext("%(total)s of %(top)s") % {"total": total, "top": tops.pop()}
        if len(tops) == 1
        else str(total)
    )
    return gettext("%(figure)s each") % {"figure": figure} if each else figure


def _extremes(strongest: Sequence[DimensionScore], weakest: Sequence[DimensionScore]) -> str:
    if len(strongest) == 1 and len(weakest) == 1:
        sentence = gettext(
            "The strongest dimension is %(strongest)s (%(high)s); "
            "the weakest dimension is %(weakest)s (%(low)s)."
        )
    elif len(strongest) == 1:
        sentence = gettext(
            "The strongest dimension is %(strongest)s (%(high)s); "
            "the weakest dimensions are %(weakest)s (%(low)s)."
        )
    elif len(weakest) == 1:
        sentence = gettext(
            "The strongest dimensions are %(strongest)s (%(high)s); "
            "the weakest dimension is %(weakest)s (%(low)s)."
        )
    else:
        sentence = gettext(
            "The strongest dimensions are %(strongest)s (%(high)s); "
            "the weakest dimensions are %(weakest)s (%(low)s)."
        )
    return sentence % {
        "strongest": names([d.name for d in strongest]),
        "high": _out_of(strongest, each=len(strongest) > 1),
        "weakest": names([d.name for d in weakest]),
        "low": _out_of(weakest, each=len(weakest) > 1),
    }


def extremes_sentence(result: ScoreResult) -> str:
    """The strongest and weakest dimension(s) by total, in model order within a tie."""
    totals = [dim.total for dim in result.dimensions]
    if len(set(totals)) == 1:
        if len(totals) == 1:
            return ""
        return gettext(
            "All %(count)s dimensions have the same total, %(total)s: none is stronger or "
            "weaker than another."
        ) % {"count": len(totals), "total": _out_of(result.dimensions, each=False)}
    strongest = [dim for dim in result.dimensions if dim.total == max(totals)]
    weakest = [dim for dim in result.dimensions if dim.total == min(totals)]
    return _extremes(strongest, weakest)


def change_sentence(
    result: ScoreResult, previous: ScoreResult | None, previous_label: str = ""
) -> str:
    """The overall change since the previous result and its biggest gain and drop, comparing
    the dimensions both results have (by code)."""
    if previous is None:
        return gettext("There is no earlier submitted quarter to compare with yet.")
    delta = result.overall_total - previous.overall_total
    values = {
        "quarter": previous_label,
        "points": points(abs(delta)),
        "before": previous.overall_total,
        "after": result.overall_total,
    }
    if delta > 0:
        overall = (
            gettext(
                "Since %(quarter)s the overall total rose by %(points)s, from %(before)s to "
                "%(after)s."
            )
            if previous_label
            else gettext(
                "Since the previous quarter the overall total rose by %(points)s, from "
                "%(before)s to %(after)s."
            )
        )
    elif delta < 0:
        overall = (
            gettext(
                "Since %(quarter)s the overall total fell by %(points)s, from %(before)s to "
                "%(after)s."
            )
            if previous_label
            else gettext(
                "Since the previous quarter the overall total fell by %(points)s, from "
                "%(before)s to %(after)s."
            )
        )
    else:
        overall = (
            gettext("Since %(quarter)s the overall total is unchanged at %(after)s.")
            if previous_label
            else gettext("Since the previous quarter the overall total is unchanged at %(after)s.")
        )
    overall = overall % values
    before = {dim.code: dim.total for dim in previous.dimensions}
    changes = [
        (dim, dim.total - before[dim.code]) for dim in result.dimensions if dim.code in before
    ]
    if not changes:
        return overall
    if all(change == 0 for _, change in changes):
        return overall + " " + gettext("No dimension's total changed.")
    return f"{overall} {_movement('gain', changes, before)} {_movement('drop', changes, before)}"


def _movement(kind: str, changes: list[tuple[DimensionScore, int]], before: dict) -> str:
    sign = 1 if kind == "gain" else -1
    moved = [(dim, sign * change) for dim, change in changes if sign * change > 0]
    if not moved:
        return gettext("No dimension rose.") if kind == "gain" else gettext("No dimension fell.")
    biggest = max(size for _, size in moved)
    top = [dim for dim, size in moved if size == biggest]
    if len(top) == 1:
        dim = top[0]
        one = (
            gettext(
                "The biggest gain is in %(dimension)s, up %(points)s from %(before)s to %(after)s."
            )
            if kind == "gain"
            else gettext(
                "The biggest drop is in %(dimension)s, down %(points)s from %(before)s to "
                "%(after)s."
            )
        )
        return one % {
            "dimension": dim.name,
            "points": points(biggest),
            "before": before[dim.code],
            "after": dim.total,
        }
    several = (
        gettext("The biggest gains, up %(points)s each, are in %(names)s.")
        if kind == "gain"
        else gettext("The biggest drops, down %(points)s each, are in %(names)s.")
    )
    return several % {"points": points(biggest), "names": names([dim.name for dim in top])}


def targets_sentence(result: ScoreResult, targets: Mapping[str, int]) -> str:
    """`targets`: the team's target total by dimension code, only for the dimensions with one."""
    with_target = [dim for dim in result.dimensions if targets.get(dim.code) is not None]
    if not with_target:
        return gettext("The team has set no targets yet.")
    below = [dim for dim in with_target if dim.total < targets[dim.code]]
    if not below:
        if len(with_target) == len(result.dimensions):
            return gettext("Every dimension has reached the team's target.")
        if len(with_target) == 1:
            return gettext("The one dimension with a target, %(dimension)s, has reached it.") % {
                "dimension": with_target[0].name
            }
        return gettext("All %(count)s dimensions with a target have reached it.") % {
            "count": len(with_target)
        }
    gaps = [
        gettext("%(dimension)s (%(total)s, target %(target)s, %(short)s short)")
        % {
            "dimension": dim.name,
            "total": dim.total,
            "target": targets[dim.code],
            "short": targets[dim.code] - dim.total,
        }
        for dim in below
    ]
    return ngettext(
        "%(count)s dimension is below the team's target: %(gaps)s.",
        "%(count)s dimensions are below the team's target: %(gaps)s.",
        len(below),
    ) % {"count": len(below), "gaps": names(gaps)}


def theme_sentence(theme: str | None, suggested: str | None = None) -> str:
    if theme:
        return gettext("The theme chosen for next quarter is %(theme)s.") % {"theme": theme}
    if suggested:
        return gettext(
            "No theme has been chosen for next quarter yet; the suggested one is %(suggested)s."
        ) % {"suggested": suggested}
    return gettext("No theme has been chosen for next quarter yet.")


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
