"""What a report shows, gathered once for the page and the PDF alike."""

from __future__ import annotations

from dataclasses import dataclass

from assessments import selectors
from assessments.models import Assessment
from assessments.scoring import Comparison, ScoreResult, compare


@dataclass(frozen=True)
class Report:
    assessment: Assessment
    sheet: selectors.AssessmentSheet
    result: ScoreResult | None
    previous: Assessment | None = None
    previous_result: ScoreResult | None = None
    comparison: Comparison | None = None

    @property
    def context(self) -> dict:
        return {
            "assessment": self.assessment,
            "sheet": self.sheet,
            "result": self.result,
            "previous": self.previous,
            "comparison": self.comparison,
        }


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
