"""The wizard's steps: context, one step per dimension, outcome figures, then review.
Pure Python.

The context and figures steps are the lead's: an invited respondent goes from the first
dimension straight through to the review, and sees their steps numbered from 1.
Every step number the app shows or links to comes from here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext

CONTEXT_STEP = 1
_FIRST_DIMENSION_STEP = 2
# Where an invited respondent starts: the first dimension (the context step is the lead's).
RESPONDENT_FIRST_STEP = _FIRST_DIMENSION_STEP


@dataclass(frozen=True)
class StepEntry:
    """A step in the wizard's step list; a dimension step knows how many of its questions are
    answered, so the list can mark the steps still to finish."""

    number: int
    position: int  # as this person sees it: 1 for their first step
    title: str
    answered: int | None = None
    size: int | None = None

    @property
    def complete(self) -> bool:
        return self.size is not None and self.answered == self.size


def answered_percent(answered: int, total: int) -> int:
    """How much of the questionnaire is answered, for the progress bar (never 100 too early)."""
    if total <= 0:
        return 0
    percent = round(100 * answered / total)
    return 99 if percent == 100 and answered < total else percent


@dataclass(frozen=True)
class WizardSteps:
    dimension_count: int
    respondent: bool = False  # an invited person answering on their own

    @property
    def figures(self) -> int:
        """The quarter's outcome figures: optional, after the last dimension."""
        return self.dimension_count + _FIRST_DIMENSION_STEP

    @property
    def review(self) -> int:
        return self.figures + 1

    @property
    def last(self) -> int:
        return self.review

    @property
    def first(self) -> int:
        return RESPONDENT_FIRST_STEP if self.respondent else CONTEXT_STEP

    def contains(self, step: int) -> bool:
        return CONTEXT_STEP <= step <= self.last

    def is_shown(self, step: int) -> bool:
        """Whether this person has the step (a respondent has no context or figures step)."""
        lead_only = step in (CONTEXT_STEP, self.figures)
        return self.contains(step) and not (self.respondent and lead_only)

    def shown(self) -> list[int]:
        return [step for step in range(CONTEXT_STEP, self.last + 1) if self.is_shown(step)]

    def for_dimension(self, index: int) -> int:
        """The step of the dimension at `index` (0-based, in model order)."""
        if not 0 <= index < self.dimension_count:
            raise IndexError(index)
        return index + _FIRST_DIMENSION_STEP

    def dimension_index(self, step: int) -> int | None:
        """The 0-based dimension a step asks about; None for the other steps."""
        if _FIRST_DIMENSION_STEP <= step < self.figures:
            return step - _FIRST_DIMENSION_STEP
        return None

    def is_figures(self, step: int) -> bool:
        return step == self.figures

    def is_review(self, step: int) -> bool:
        return step == self.review

    def previous(self, step: int) -> int:
        earlier = [shown for shown in self.shown() if shown < step]
        return earlier[-1] if earlier else self.first

    def next(self, step: int) -> int:
        later = [shown for shown in self.shown() if shown > step]
        return later[0] if later else self.last

    def position(self, step: int) -> int:
        """The step's number as this person sees it (1 for their first step)."""
        return sum(1 for shown in self.shown() if shown <= step)

    def has_back(self, step: int) -> bool:
        return step > self.first

    def titles(self, dimension_names: Sequence[str]) -> list[tuple[int, str]]:
        names = [
            gettext("Context"),
            *dimension_names,
            gettext("Outcome figures"),
            gettext("Review and submit"),
        ]
        numbered = enumerate(names, CONTEXT_STEP)
        return [(step, name) for step, name in numbered if self.is_shown(step)]

    def entries(self, dimensions: Sequence[tuple[str, int, int]]) -> list[StepEntry]:
        """The step list, from each dimension's (name, answered, size) in model order."""
        counts = {self.for_dimension(i): (a, s) for i, (_n, a, s) in enumerate(dimensions)}
        titles = self.titles([name for name, _answered, _size in dimensions])
        return [
            StepEntry(number, position, title, *counts.get(number, (None, None)))
            for position, (number, title) in enumerate(titles, 1)
        ]

    def after_save(self, step: int, *, nav: str = "", goto: str = "") -> int:
        """Where a save leads: a step link (goto), back, stay, or on to the next step."""
        if goto.isascii() and goto.isdigit() and len(goto) <= 4 and self.is_shown(int(goto)):
            return int(goto)
        if nav == "back":
            return self.previous(step)
        if nav == "save":
            return step
        return self.next(step)

    def resume(self, answered: Sequence[int], complete: Sequence[bool]) -> int:
        """Where a draft picks up: the context if nothing is scored yet, else the first
        dimension with a question left, else the review."""
        if not any(answered):
            return self.first
        for index, done in enumerate(complete):
            if not done:
                return self.for_dimension(index)
        return self.review
