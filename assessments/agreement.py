"""Agreeing one score from several people's answers to a question. Pure Python.

The default agreed score is the median, and a median that falls between two scores goes to
the lower one: a team that is split between 2 and 3 has not yet shown it works at 3, and an
assessment that errs low points the next quarter's work at the right place.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import median

DISCUSS_SPREAD = 2  # a spread (max - min) of this or more is worth talking through
SCALE = (1, 2, 3, 4, 5)


@dataclass(frozen=True)
class Spread:
    """What several people scored one question."""

    scores: tuple[int, ...]

    def __post_init__(self) -> None:
        if not self.scores:
            raise ValueError("A spread needs at least one score.")
        if any(score not in SCALE for score in self.scores):
            raise ValueError(f"Scores must be from 1 to 5, not {list(self.scores)}.")

    @property
    def count(self) -> int:
        return len(self.scores)

    @property
    def median(self) -> float:
        return median(self.scores)

    @property
    def default_agreed(self) -> int:
        """The median, with a half going to the lower score."""
        return conservative_median(self.scores)

    @property
    def spread(self) -> int:
        return max(self.scores) - min(self.scores)

    @property
    def lowest(self) -> int:
        return min(self.scores)

    @property
    def highest(self) -> int:
        return max(self.scores)

    @property
    def to_discuss(self) -> bool:
        return self.spread >= DISCUSS_SPREAD

    @property
    def distribution(self) -> tuple[tuple[int, int], ...]:
        """(score, how many gave it) for every score given, lowest first."""
        counts = Counter(self.scores)
        return tuple((score, counts[score]) for score in SCALE if counts[score])


def conservative_median(scores: Sequence[int]) -> int:
    """The median rounded to a whole score; exactly half-way goes down (2.5 -> 2)."""
    ordered = sorted(scores)
    if not ordered:
        raise ValueError("No scores to take the median of.")
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    low, high = ordered[middle - 1], ordered[middle]
    # The mean of the two middle scores, rounded half down: (2, 3) -> 2, (2, 4) -> 3.
    return (low + high) // 2
