"""Scoring rules of the maturity model. Pure Python: plain data in, plain data out.

A dimension's total is the sum of its questions' 1-5 scores and falls into one of the model
version's bands. The overall total has no band (the source defines none). The focus theme is
the lowest-scoring dimension (every tied one, in model order), with its lowest-scored questions.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

MIN_SCORE = 1
MAX_SCORE = 5


class ScoringError(ValueError):
    """The answers cannot be scored as given; the message says why."""


@dataclass(frozen=True)
class BandRule:
    min_total: int
    max_total: int
    label: str
    tone: str = ""

    def contains(self, total: int) -> bool:
        return self.min_total <= total <= self.max_total


@dataclass(frozen=True)
class DimensionSpec:
    code: str
    name: str
    question_codes: tuple[str, ...]


@dataclass(frozen=True)
class ModelSpec:
    """The structure of one model version: its dimensions in order, and its bands."""

    dimensions: tuple[DimensionSpec, ...]
    bands: tuple[BandRule, ...]

    @property
    def question_codes(self) -> tuple[str, ...]:
        return tuple(code for dim in self.dimensions for code in dim.question_codes)

    @property
    def max_overall(self) -> int:
        return len(self.question_codes) * MAX_SCORE

    @property
    def min_overall(self) -> int:
        return len(self.question_codes) * MIN_SCORE


@dataclass(frozen=True)
class DimensionScore:
    code: str
    name: str
    total: int
    max_total: int
    band: BandRule
    scores: tuple[tuple[str, int], ...]

    @property
    def weakest_questions(self) -> tuple[str, ...]:
        """Codes of the questions with the lowest score, unless every one scored the maximum."""
        lowest = min(score for _, score in self.scores)
        if lowest == MAX_SCORE:
            return ()
        return tuple(code for code, score in self.scores if score == lowest)


@dataclass(frozen=True)
class ScoreResult:
    dimensions: tuple[DimensionScore, ...]
    overall_total: int
    max_overall: int

    @property
    def focus(self) -> tuple[DimensionScore, ...]:
        lowest = min(dim.total for dim in self.dimensions)
        return tuple(dim for dim in self.dimensions if dim.total == lowest)

    def dimension(self, code: str) -> DimensionScore:
        for dim in self.dimensions:
            if dim.code == code:
                return dim
        raise KeyError(code)


@dataclass(frozen=True)
class DimensionChange:
    code: str
    name: str
    previous_total: int
    current_total: int
    previous_band: BandRule
    current_band: BandRule

    @property
    def delta(self) -> int:
        return self.current_total - self.previous_total

    @property
    def band_changed(self) -> bool:
        return self.previous_band.label != self.current_band.label


@dataclass(frozen=True)
class Comparison:
    dimensions: tuple[DimensionChange, ...]
    previous_overall: int
    current_overall: int

    @property
    def overall_delta(self) -> int:
        return self.current_overall - self.previous_overall


def band_for(total: int, bands: Sequence[BandRule]) -> BandRule:
    for band in bands:
        if band.contains(total):
            return band
    raise ScoringError(f"No band covers a dimension total of {total}.")


def check_bands(spec: ModelSpec) -> None:
    """Every possible dimension total must fall in exactly one band."""
    for dim in spec.dimensions:
        low, high = len(dim.question_codes) * MIN_SCORE, len(dim.question_codes) * MAX_SCORE
        for total in range(low, high + 1):
            matching = [band for band in spec.bands if band.contains(total)]
            if len(matching) != 1:
                raise ScoringError(
                    f"A {dim.code} total of {total} falls in {len(matching)} bands; it needs one."
                )


def _validated_score(code: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ScoringError(
            f"The score for {code} must be a whole number from 1 to 5, not {value!r}."
        )
    if not MIN_SCORE <= value <= MAX_SCORE:
        raise ScoringError(f"The score for {code} must be from 1 to 5, not {value}.")
    return value


def score_assessment(spec: ModelSpec, scores: Mapping[str, int]) -> ScoreResult:
    """Total each dimension, band it, and total the whole; raise ScoringError on bad input."""
    known = set(spec.question_codes)
    unknown = sorted(set(scores) - known)
    if unknown:
        raise ScoringError(
            f"Unknown question code(s) for this model version: {', '.join(unknown)}."
        )
    missing = [code for code in spec.question_codes if code not in scores]
    if missing:
        raise ScoringError(f"No score yet for: {', '.join(missing)}.")

    dimensions = []
    for dim in spec.dimensions:
        dim_scores = tuple(
            (code, _validated_score(code, scores[code])) for code in dim.question_codes
        )
        total = sum(score for _, score in dim_scores)
        dimensions.append(
            DimensionScore(
                code=dim.code,
                name=dim.name,
                total=total,
                max_total=len(dim.question_codes) * MAX_SCORE,
                band=band_for(total, spec.bands),
                scores=dim_scores,
            )
        )
    return ScoreResult(
        dimensions=tuple(dimensions),
        overall_total=sum(dim.total for dim in dimensions),
        max_overall=spec.max_overall,
    )


@dataclass(frozen=True)
class DimensionProgress:
    """A dimension of an assessment that may be unfinished: its total once every answer is in."""

    code: str
    name: str
    answered: int
    size: int
    max_total: int
    total: int | None  # None until every question of the dimension has a score
    band: BandRule | None

    @property
    def complete(self) -> bool:
        return self.total is not None


@dataclass(frozen=True)
class Progress:
    dimensions: tuple[DimensionProgress, ...]

    @property
    def complete(self) -> bool:
        return all(dim.complete for dim in self.dimensions)

    @property
    def overall_total(self) -> int | None:
        return sum(dim.total for dim in self.dimensions) if self.complete else None

    @property
    def max_overall(self) -> int:
        return sum(dim.max_total for dim in self.dimensions)

    @property
    def answered(self) -> int:
        return sum(dim.answered for dim in self.dimensions)


def progress(spec: ModelSpec, scores: Mapping[str, int | None]) -> Progress:
    """Each dimension's answered count, and its total and band once it is complete."""
    dimensions = []
    for dim in spec.dimensions:
        given = [
            _validated_score(code, scores[code])
            for code in dim.question_codes
            if scores.get(code) is not None
        ]
        complete = len(given) == len(dim.question_codes)
        total = sum(given) if complete else None
        dimensions.append(
            DimensionProgress(
                code=dim.code,
                name=dim.name,
                answered=len(given),
                size=len(dim.question_codes),
                max_total=len(dim.question_codes) * MAX_SCORE,
                total=total,
                band=band_for(total, spec.bands) if total is not None else None,
            )
        )
    return Progress(tuple(dimensions))


def compare(current: ScoreResult, previous: ScoreResult) -> Comparison:
    """Change per dimension and overall; both results must come from the same model version."""
    if [d.code for d in current.dimensions] != [d.code for d in previous.dimensions]:
        raise ScoringError("Only assessments of the same model version can be compared.")
    changes = tuple(
        DimensionChange(
            code=now.code,
            name=now.name,
            previous_total=before.total,
            current_total=now.total,
            previous_band=before.band,
            current_band=now.band,
        )
        for now, before in zip(current.dimensions, previous.dimensions, strict=True)
    )
    return Comparison(
        dimensions=changes,
        previous_overall=previous.overall_total,
        current_overall=current.overall_total,
    )
