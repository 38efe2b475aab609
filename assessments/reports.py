"""What a report shows, gathered once for the page and the PDF alike, as rows ready to render."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from assessments import selectors
from assessments.agreement import Spread
from assessments.models import Assessment, Respondent
from assessments.team_answers import QuestionAgreement, TeamAnswers, team_answers
from catalogue.models import Question
from catalogue.scoring import Comparison, DimensionChange, DimensionScore, ScoreResult, compare

BAR = "\u25ae"  # ▮, one per person who gave a score


def distribution_bars(spread: Spread) -> str:
    """Each score given and a bar per person who gave it: "1 ▮ 3 ▮▮ 5 ▮"."""
    return " ".join(f"{score} {BAR * count}" for score, count in spread.distribution)


def distribution_sentence(spread: Spread) -> str:
    """The bars in words, for screen readers: "1 person scored 1, 2 scored 3, 1 scored 5"."""
    parts = []
    for index, (score, count) in enumerate(spread.distribution):
        who = f"{count} {'person' if count == 1 else 'people'}" if index == 0 else str(count)
        parts.append(f"{who} scored {score}")
    return ", ".join(parts)


def median_text(spread: Spread) -> str:
    """The median as people read it: "3", or "2.5" between two scores."""
    value = spread.median
    return str(int(value)) if value == int(value) else f"{value:g}"


@dataclass(frozen=True)
class SummaryRow:
    """A dimension's total and band, with its change since the previous quarter if any, and
    the lowest and highest total of the people who answered when several did."""

    score: DimensionScore
    change: DimensionChange | None
    answer_range: tuple[int, int] | None = None


@dataclass(frozen=True)
class AnswerLine:
    """One question of the answers table: the agreed answer, and how everyone scored it."""

    item: selectors.QuestionRow
    agreement: QuestionAgreement | None  # None for a draft

    @property
    def question(self) -> Question:
        return self.item.question

    @property
    def text(self) -> str:
        return self.item.text

    @property
    def score(self) -> int | None:
        return self.item.score

    @property
    def score_label(self) -> str | None:
        return self.item.score_label

    @property
    def note(self) -> str:
        return self.item.note

    @property
    def spread(self) -> Spread | None:
        return self.agreement.spread if self.agreement else None

    @property
    def to_discuss(self) -> bool:
        return bool(self.agreement and self.agreement.to_discuss)

    @property
    def set_by_lead(self) -> bool:
        return bool(self.agreement and self.agreement.agreed_by_lead)

    @property
    def reason(self) -> str:
        return self.agreement.reason if self.agreement else ""

    @property
    def bars(self) -> str:
        return distribution_bars(self.spread) if self.spread else ""

    @property
    def distribution_words(self) -> str:
        return distribution_sentence(self.spread) if self.spread else ""

    @property
    def median(self) -> str:
        return median_text(self.spread) if self.spread else ""


@dataclass(frozen=True)
class AnswerSection:
    """A dimension's answers, shaped like selectors.DimensionRow for the answers table."""

    row: selectors.DimensionRow
    items: tuple[AnswerLine, ...]

    @property
    def dimension(self):
        return self.row.dimension

    @property
    def total(self) -> int | None:
        return self.row.total

    @property
    def max_total(self) -> int:
        return self.row.max_total


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
    team: TeamAnswers | None = None  # the responses kept with a submitted assessment

    @property
    def answered_count(self) -> int:
        return self.team.answered_count if self.team else 0

    @property
    def answers_imported(self) -> bool:
        """Every answer came from an import, which records no one's name or number."""
        voices = self.team.voices if self.team else ()
        return bool(voices) and all(
            v.respondent is not None and v.respondent.kind == Respondent.Kind.IMPORTED
            for v in voices
        )

    @property
    def several_answered(self) -> bool:
        return self.answered_count > 1

    @cached_property
    def answer_range(self) -> dict[str, tuple[int, int]] | None:
        """Per dimension code, the lowest and highest total of the people who answered, when
        at least two answered every dimension; else None (nothing to draw a band from)."""
        if self.team is None or self.result is None:
            return None
        ranges = self.team.range_by_dimension()
        if not ranges or any(dim.code not in ranges for dim in self.result.dimensions):
            return None
        return ranges

    @property
    def summary_rows(self) -> list[SummaryRow]:
        if self.result is None:
            return []
        changes = {c.code: c for c in self.comparison.dimensions} if self.comparison else {}
        ranges = self.answer_range or {}
        return [
            SummaryRow(dim, changes.get(dim.code), ranges.get(dim.code))
            for dim in self.result.dimensions
        ]

    @cached_property
    def answer_sections(self) -> list[AnswerSection]:
        by_code = self.team.by_code if self.team else {}
        return [
            AnswerSection(
                row=row,
                items=tuple(
                    AnswerLine(item, by_code.get(item.question.code)) for item in row.items
                ),
            )
            for row in self.sheet.rows
        ]

    @property
    def discussed(self) -> list[AnswerLine]:
        """Questions worth a word: those people scored far apart and those whose agreed score
        the lead set, in the model's order."""
        return [
            line
            for section in self.answer_sections
            for line in section.items
            if line.to_discuss or line.set_by_lead
        ]

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
    team = team_answers(assessment)
    before = selectors.previous_result(assessment, sheet)
    if before is None:
        return Report(assessment=assessment, sheet=sheet, result=sheet.result, team=team)
    previous, previous_result = before
    return Report(
        assessment=assessment,
        sheet=sheet,
        result=sheet.result,
        previous=previous,
        previous_result=previous_result,
        comparison=compare(sheet.result, previous_result),
        team=team,
    )
