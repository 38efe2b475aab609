"""The wizard's steps: context first, one step per dimension, then review. Pure Python.

Every step number the app shows or links to comes from here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

CONTEXT_STEP = 1
_FIRST_DIMENSION_STEP = 2
# Where an invited respondent starts: the first dimension (the context step is the lead's).
RESPONDENT_FIRST_STEP = _FIRST_DIMENSION_STEP


@dataclass(frozen=True)
class WizardSteps:
    dimension_count: int

    @property
    def review(self) -> int:
        return self.dimension_count + _FIRST_DIMENSION_STEP

    @property
    def last(self) -> int:
        return self.review

    def contains(self, step: int) -> bool:
        return CONTEXT_STEP <= step <= self.last

    def for_dimension(self, index: int) -> int:
        """The step of the dimension at `index` (0-based, in model order)."""
        if not 0 <= index < self.dimension_count:
            raise IndexError(index)
        return index + _FIRST_DIMENSION_STEP

    def dimension_index(self, step: int) -> int | None:
        """The 0-based dimension a step asks about; None for the context and review steps."""
        if _FIRST_DIMENSION_STEP <= step < self.review:
            return step - _FIRST_DIMENSION_STEP
        return None

    def previous(self, step: int) -> int:
        return max(CONTEXT_STEP, step - 1)

    def percent_done(self, step: int, *, skipped: int = 0) -> int:
        """How far through the wizard a step is, for the progress bar; `skipped` first steps
        are not shown (a respondent has no context step)."""
        return round(100 * (step - skipped) / (self.last - skipped))

    def is_review(self, step: int) -> bool:
        return step == self.review

    def has_back(self, step: int) -> bool:
        return step > CONTEXT_STEP

    def titles(self, dimension_names: Sequence[str]) -> list[tuple[int, str]]:
        names = ["Context", *dimension_names, "Review and submit"]
        return list(enumerate(names, CONTEXT_STEP))

    def after_save(self, step: int, *, nav: str = "", goto: str = "") -> int:
        """Where a save leads: a step link (goto), back, stay, or on to the next step."""
        if goto.isascii() and goto.isdigit() and len(goto) <= 4 and self.contains(int(goto)):
            return int(goto)
        if nav == "back":
            return self.previous(step)
        if nav == "save":
            return step
        return min(self.last, step + 1)

    def resume(self, answered: Sequence[int], complete: Sequence[bool]) -> int:
        """Where a draft picks up: the context if nothing is scored yet, else the first
        dimension with a question left, else the review."""
        if not any(answered):
            return CONTEXT_STEP
        for index, done in enumerate(complete):
            if not done:
                return self.for_dimension(index)
        return self.review
