"""What a report shows, gathered once for the page and the PDF alike, as rows ready to render."""

from __future__ import annotations

from dataclasses import dataclass

from assessments import selectors
from assessments.models import Assessment
from catalogue.scoring import Comparison, DimensionChange, DimensionScore, ScoreResult, compare


@dataclass(frozen=True)
class SummaryRow:
    """A dimension's total and band, with its change since the previous quarter if any."""

    score: DimensionScore
    change: DimensionChange | None


@dataclass(frozen=True)
class FocusDimension:
    """A lowest-total dimension with the answers to its weakest questions."""

    score: DimensionScore
    weakest: tuple[selectors.QuestionRow, ...]


@dataclass(frozen=True)
class Report:
    assessment: Assessment
    sheet: selectors.AssessmentSheet
    result: ScoreResult | None
    previous: Assessment | None = None
    previous_result: ScoreResult | None = None
    comparison: Comparison | None = None

    @property
    def summary_rows(self) -> list[SummaryRow]:
        if self.result is None:
            return []
        changes = {c.code: c for c in self.comparison.dimensions} if self.comparison else {}
        return [SummaryRow(dim, changes.get(dim.code)) for dim in self.result.dimensions]

    @property
    def focus(self) -> list[FocusDimension]:
        if self.result is None:
            return []
        rows = {row.dimension.code: row for row in self.sheet.rows}
        return [
            FocusDimension(
                score=dim,
                weakest=tuple(
                    item
                    for item in rows[dim.code].items
                    if item.question.code in dim.weakest_questions
                ),
            )
            for dim in self.result.focus
        ]


def build_report(assessment: Assessment) -> Report:
    sheet = selectors.assessment_sheet(assessment)
    if not assessment.is_submitted or sheet.result is None:
        return Report(assessment=assessment, sheet=sheet, result=sheet.result)
    before = selectors.previous_result(assessment, sheet)
    if before is None:
        return Report(assessment=assessment, sheet=sheet, result=sheet.result)
    previous, previous_result = before
    return Report(
        assessment=assessment,
        sheet=sheet,
        result=sheet.result,
        previous=previous,
        previous_result=previous_result,
        comparison=compare(sheet.result, previous_result),
    )
