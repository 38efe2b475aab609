"""The CSV contract: one row per answer, the same format for export and import."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

HEADER = ("organization", "team", "year", "quarter", "model_version", "question", "score", "note")
# A spreadsheet runs a cell starting with one of these as a formula; export defuses them with a
# leading apostrophe (which spreadsheets hide), and import takes that apostrophe off again.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def defuse(value: object) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def restore(value: str) -> str:
    if value.startswith("'") and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(rows: Iterable[tuple]) -> Iterator[str]:
    """The header, then one line per answer: for streaming responses and the command alike."""
    # CRLF, as RFC 4180 has it: the writer then quotes any field holding a bare "\r" too.
    writer = csv.writer(_Echo(), lineterminator="\r\n")
    yield writer.writerow(HEADER)
    for row in rows:
        yield writer.writerow([defuse(value) for value in row])


@dataclass(frozen=True)
class CsvRow:
    line: int
    organization: str
    team: str
    year: str
    quarter: str
    model_version: str
    question: str
    score: str
    note: str


@dataclass(frozen=True)
class Problem:
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"line {self.line}, column {self.column}: {self.message}"


def read_csv(text: str) -> tuple[list[CsvRow], list[Problem]]:
    """Parse the file's rows, each with its line number; structural problems come back listed."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    try:
        header = next(reader)
    except StopIteration:
        return [], [Problem(1, "header", "the file is empty")]
    except csv.Error as error:
        return [], [Problem(1, "header", f"not a readable CSV file ({error})")]
    if tuple(h.strip() for h in header) != HEADER:
        expected = f"expected exactly: {','.join(HEADER)}"
        if len(header) == 1 and ";" in header[0]:
            expected += " (columns are separated by semicolons; save the file as CSV with commas)"
        return [], [Problem(1, "header", expected)]
    rows, problems = [], []
    line = reader.line_num
    try:
        for values in reader:
            start, line = line + 1, reader.line_num
            if not any(v.strip() for v in values):
                continue
            if len(values) != len(HEADER):
                problems.append(
                    Problem(start, "row", f"expected {len(HEADER)} columns, found {len(values)}")
                )
                continue
            *fields, note = values
            note = note.replace("\r\n", "\n").strip()
            rows.append(CsvRow(start, *(restore(v.strip()) for v in fields), restore(note)))
    except csv.Error as error:
        problems.append(Problem(line + 1, "row", f"unreadable CSV ({error})"))
    return rows, problems
