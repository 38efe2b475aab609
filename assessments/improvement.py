"""The quarterly improvement loop's rules: gaps to target, the suggested theme, the verdict on
last quarter's theme, and which scores a recorded figure should back. Pure Python.

Targets and "right for our stage" marks never change a total or a band: they only say where
the team wants to be, and so which dimension is worth a quarter's work.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class DimensionGoal:
    """A dimension's total this quarter beside the team's target for it."""

    code: str
    total: int
    target: int | None = None
    for_stage: bool = False  # "right for our stage": never suggested as the theme

    @property
    def gap(self) -> int | None:
        """How far below target (positive), at it (0) or above it (negative); None: no target."""
        return None if self.target is None else self.target - self.total

    @property
    def below_target(self) -> bool:
        return self.gap is not None and self.gap > 0


def suggested_by_gap(goals) -> bool:
    """Whether the suggestion follows a gap to target (some dimension not marked for the stage
    is below its target) rather than the lowest total. Anything with `gap` and `for_stage`."""
    return any(g.gap is not None and g.gap > 0 and not g.for_stage for g in goals)


def suggest_theme(goals: Sequence[DimensionGoal]) -> str | None:
    """The dimension to work on next quarter, in model order on ties.

    The largest gap below target, skipping dimensions marked right for the stage; when no
    dimension is below its target (or none has one), the lowest total, as the model advises.
    None when every dimension is marked right for the stage.
    """
    candidates = [(index, goal) for index, goal in enumerate(goals) if not goal.for_stage]
    if not candidates:
        return None
    if suggested_by_gap(goals):
        below = [(index, goal) for index, goal in candidates if goal.below_target]
        _, chosen = min(below, key=lambda pair: (-pair[1].gap, pair[1].total, pair[0]))
    else:
        _, chosen = min(candidates, key=lambda pair: (pair[1].total, pair[0]))
    return chosen.code


@dataclass(frozen=True)
class ActionCounts:
    done: int = 0
    dropped: int = 0
    open: int = 0  # planned or doing

    @property
    def total(self) -> int:
        return self.done + self.dropped + self.open


@dataclass(frozen=True)
class MetricChange:
    name: str
    before: float | None
    after: float | None

    @property
    def delta(self) -> float | None:
        if self.before is None or self.after is None:
            return None
        return self.after - self.before


@dataclass(frozen=True)
class Verdict:
    """What became of last quarter's theme, read on this quarter's report."""

    dimension_code: str
    before: int
    after: int
    band_before: str
    band_after: str
    actions: ActionCounts
    metrics: tuple[MetricChange, ...] = ()

    @property
    def delta(self) -> int:
        return self.after - self.before

    @property
    def band_changed(self) -> bool:
        return self.band_before != self.band_after


def action_counts(statuses: Sequence[str]) -> ActionCounts:
    """Counts of actions by outcome: done, dropped, and open (planned or doing)."""
    return ActionCounts(
        done=sum(1 for s in statuses if s == "done"),
        dropped=sum(1 for s in statuses if s == "dropped"),
        open=sum(1 for s in statuses if s in ("planned", "doing")),
    )


# A score of 4 or 5 on these questions says the team measures something: without the figure
# recorded for the quarter, nothing backs the score.
EVIDENCE = {
    "VO-3": ("time_to_value_days",),
    "CX-4": ("csat", "milestones_on_time_pct"),
    "MP-1": ("time_to_value_days", "csat"),
}
EVIDENCED_FROM = 4


def unbacked_scores(scores: Mapping[str, int], recorded: set[str]) -> list[str]:
    """Question codes scored 4 or 5 whose figures (any of them) were not recorded."""
    return [
        code
        for code, metrics in EVIDENCE.items()
        if scores.get(code, 0) >= EVIDENCED_FROM and not recorded.intersection(metrics)
    ]
