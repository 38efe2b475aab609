"""The CSV contract: one row per answer, the same format for export and import."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import IO

HEADER = ("organization", "team", "year", "quarter", "model_version", "question", "score", "note")
# Every response's answers instead of the agreed ones: who answered in a last column. Export only.
RESPONSES_HEADER = (*HEADER, "respondent")
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


def csv_lines(rows: Iterable[tuple], header: tuple[str, ...] = HEADER) -> Iterator[str]:
    """The header, then one line per answer: for streaming responses and the command alike."""
    # CRLF, as RFC 4180 has it: the writer then quotes any field holding a bare "\r" too.
    writer = csv.writer(_Echo(), lineterminator="\r\n")
    yield writer.writerow(header)
    for row in rows:
        yield writer.writerow([defuse(value) for value in row])


def responses_csv_lines(rows: Iterable[tuple]) -> Iterator[str]:
    """As csv_lines, for selectors.response_export_rows: one line per answer of a response."""
    return csv_lines(rows, RESPONSES_HEADER)


PLAN_HEADER = (
    "organization",
    "team",
    "year",
    "quarter",
    "theme",
    "action",
    "owner",
    "due_date",
    "status",
)


def plan_csv_lines(rows: Iterable[tuple]) -> Iterator[str]:
    """As csv_lines, for plan.plan_export_rows: one line per action. Export only."""
    return csv_lines(rows, PLAN_HEADER)


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


class RestUnread(Problem):
    """A problem after which the rest of the file cannot be read (nor its rows checked)."""


# The csv module ends a line at CRLF, LF or a lone CR (old Mac line endings) alike: a file opened
# with newline="" gives it the lines with their endings, so a line break inside a quoted value
# stays part of the value. The header line says which ending the file uses; a row that ends
# the other way is named (it usually means a line break that should have been quoted).
# Excel writes an optional first line "sep=," naming the separator; it is skipped (still counted
# as line 1, so every line number is the file's own).
KEEP_CHARACTERS = 256 * 1024  # of a row's raw text, to say where a quoting problem starts


def text_lines(binary: IO[bytes]) -> IO[str]:
    """The UTF-8 text of a binary file, read as it goes, for read_csv (a BOM is dropped)."""
    return io.TextIOWrapper(binary, encoding="utf-8-sig", newline="")


class _Lines:
    """The file's lines as the csv reader takes them: counted, the current row's kept."""

    def __init__(self, source: Iterable[str]) -> None:
        self._source = iter(source)
        self.number = 0  # lines read so far
        self.last = ""
        self.kept: list[str] = []  # raw lines of the row being read, up to KEEP_CHARACTERS
        self._kept_size = 0

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        line = next(self._source)
        self.number += 1
        self.last = line
        if self._kept_size < KEEP_CHARACTERS:
            self.kept.append(line)
            self._kept_size += len(line)
        return line

    def new_row(self) -> int:
        """Forget the previous row's lines; the number of the line the next row starts on."""
        self.kept.clear()
        self._kept_size = 0
        return self.number + 1


def _ends_in_cr(line: str) -> bool:
    return line.endswith("\r")  # a lone CR: a CRLF line ends in "\n"


def read_csv(source: Iterable[str]) -> Iterator[CsvRow | Problem]:
    """Read the file in one pass: each row with its line number, and each problem of the file's
    structure, in file order. `source` gives the file's lines with their endings (text_lines, or
    a file opened with newline="")."""
    lines = _Lines(source)
    reader = csv.reader(lines, strict=True)
    start = 1
    try:
        header = next(reader)
        if lines.number == 1 and _is_sep_line(lines.last):
            separator = lines.last.lstrip("\ufeff").strip()[4:]
            if separator != ",":
                yield Problem(
                    1,
                    "header",
                    f"the first line, {lines.last.strip()}, says the columns are separated by "
                    f"{separator!r}; save the file as CSV with commas between the columns",
                )
                return
            start = lines.new_row()
            header = next(reader)
    except StopIteration:
        yield Problem(1, "header", "the file is empty")
        return
    except csv.Error as error:
        yield Problem(start, "header", f"not a readable CSV file ({error})")
        return
    except UnicodeDecodeError:
        yield Problem(start, "header", NOT_UTF8)
        return
    if tuple(h.strip().lstrip("\ufeff") for h in header) != HEADER:
        expected = f"expected exactly: {','.join(HEADER)}"
        if len(header) == 1 and ";" in header[0]:
            expected += " (columns are separated by semicolons; save the file as CSV with commas)"
        yield Problem(lines.number, "header", expected)
        return
    header_in_cr = _ends_in_cr(lines.last)
    while True:
        start = lines.new_row()
        try:
            values = next(reader)
        except StopIteration:
            return
        except UnicodeDecodeError:
            yield RestUnread(lines.number + 1, "row", NOT_UTF8)
            return
        except csv.Error as error:
            problem = _unreadable(error, start, lines)
            yield problem
            if isinstance(problem, RestUnread):
                return
            continue
        if not any(v.strip() for v in values):
            continue
        ending_in_cr = _ends_in_cr(lines.last)
        if ending_in_cr != header_in_cr and lines.last.endswith(("\r", "\n")):
            yield Problem(lines.number, "row", _MIXED_ENDINGS[header_in_cr])
        if len(values) != len(HEADER):
            yield Problem(start, "row", f"expected {len(HEADER)} columns, found {len(values)}")
            continue
        *fields, note = values
        note = note.replace("\r\n", "\n").strip()
        yield CsvRow(start, *(restore(v.strip()) for v in fields), restore(note))


NOT_UTF8 = (
    "the file is not UTF-8 text (the first byte that is not is on this line or a few after it): "
    "save it as CSV (UTF-8) and try again"
)

_MIXED_ENDINGS = {
    False: "this line ends with a carriage return alone (CR, old Mac line endings) but the "
    "header line ends with a line feed; a line break inside a value must be in double quotes. "
    "Save the file as CSV again so that every line ends the same way",
    True: "this line ends with a line feed but the header line ends with a carriage return alone "
    "(CR, old Mac line endings); a line break inside a value must be in double quotes. Save "
    "the file as CSV again so that every line ends the same way",
}


def _is_sep_line(line: str) -> bool:
    text = line.lstrip("\ufeff").strip()
    return len(text) == 5 and text[:4].lower() == "sep="


def _unreadable(error: csv.Error, start: int, lines: _Lines) -> Problem:
    """The problem the csv module found in the row starting on line `start`: a RestUnread if
    reading cannot go on with the next line."""
    trouble = _quote_trouble(lines.kept)
    if trouble is not None:
        offset, field, unclosed = trouble
        line = start + offset
        column = HEADER[field] if field < len(HEADER) else "row"
        if unclosed:
            return RestUnread(
                line,
                column,
                "the double quote that starts this value is never closed, so every line after "
                f"it (to line {lines.number}) was read as part of the value: add the closing "
                "quote, or remove the opening one",
            )
        return Problem(
            line,
            column,
            "the value goes on after its closing double quote: put the whole value in double "
            'quotes, and write a double quote inside it as two ("")',
        )
    if "field limit" in str(error):
        return RestUnread(
            lines.number,
            "row",
            f"a value is longer than {csv.field_size_limit():,} characters; nothing this long "
            "fits any column",
        )
    return RestUnread(start, "row", f"unreadable CSV ({error})")


def _quote_trouble(raw_lines: list[str]) -> tuple[int, int, bool] | None:
    """Where quoting goes wrong in a row's raw lines, as the csv module reads them: (line
    offset, field index, True for a quote never closed or False for text after a closing
    quote), or None if it does not."""
    opened: tuple[int, int] | None = None
    field, state = 0, "start"
    for offset, line in enumerate(raw_lines):
        for char in line:
            if state == "start":
                if char == '"':
                    state, opened = "quoted", (offset, field)
                elif char == ",":
                    field += 1
                elif char not in "\r\n":
                    state = "unquoted"
            elif state == "unquoted":
                if char == ",":
                    field, state = field + 1, "start"
            elif state == "quoted":
                if char == '"':
                    state = "quote in quoted"
            elif char == '"':  # a doubled quote inside a quoted value
                state = "quoted"
            elif char == ",":
                field, state = field + 1, "start"
            elif char not in "\r\n":
                return offset, field, False
    if state == "quoted" and opened is not None:
        return (*opened, True)
    return None
