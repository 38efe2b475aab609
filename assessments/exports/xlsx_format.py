"""The organization workbook (export.xlsx): Scores, Heatmap and Plan sheets.

Scores is export.csv as a sheet (the CSV contract's header and rows, defused the same way), Plan
is plan.csv's; Heatmap shows each team's dimension totals in their band's colour, with the band's
label beside each total (never colour alone). The workbook is written in openpyxl's write-only
mode, row by row, so a large organization's answers are never all in memory.

Every text cell is stored as text (an inline string), whatever it starts with: Excel never
evaluates one as a formula, an error value (#N/A) or a number. Text that a spreadsheet would
take for a formula also gets csv_format's leading apostrophe, so the sheet saved as CSV reads
back as the CSV export does.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import IO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from assessments.exports.csv_format import HEADER, PLAN_HEADER, defuse
from catalogue.scoring import BandRule, DimensionProgress

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_CELL_CHARACTERS = 32_767  # Excel's limit; a longer text is cut (notes are far shorter)
SPOOL_BYTES = 8 * 1024 * 1024  # the finished workbook stays in memory up to this, then on disk

# The band colours of the app and the PDF (static/css/app.css), with a readable text colour.
BAND_COLOURS = {
    "critical": ("B02A37", "FFFFFF"),
    "caution": ("FFD166", "212529"),
    "good": ("1E7B4D", "FFFFFF"),
}
HEADER_FONT = Font(bold=True)


@dataclass(frozen=True)
class HeatmapRow:
    team: str
    quarter: str  # "2026 Q3", or why there are no totals ("Not submitted")
    model_version: str
    dimensions: dict[str, DimensionProgress]  # by dimension code; missing when not submitted


@dataclass(frozen=True)
class Heatmap:
    caption: str  # which quarters the totals are of
    dimensions: Sequence[tuple[str, str]]  # (code, name), in column order
    rows: Sequence[HeatmapRow]
    bands: Sequence[BandRule]  # for the legend


def organization_workbook(
    *, scores: Iterable[tuple], heatmap: Heatmap, plan: Iterable[tuple]
) -> IO[bytes]:
    """The workbook as a file positioned at its start: `scores` are selectors.export_rows,
    `plan` plan.plan_export_rows. The caller closes it (a FileResponse does)."""
    workbook = Workbook(write_only=True)
    _table_sheet(workbook, "Scores", HEADER, scores)
    _heatmap_sheet(workbook, heatmap)
    _table_sheet(workbook, "Plan", PLAN_HEADER, plan)
    # Handed to the response open, which closes it once sent.
    output = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115
    try:
        workbook.save(output)
    except BaseException:
        output.close()
        raise
    output.seek(0)
    return output


def _cell(sheet, value, *, font=None, fill=None, alignment=None) -> WriteOnlyCell:
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub(" ", defuse(value))[:MAX_CELL_CHARACTERS]
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # text, whatever it looks like ("=...", "#N/A", "1e5")
    if font is not None:
        cell.font = font
    if fill is not None:
        cell.fill = fill
    if alignment is not None:
        cell.alignment = alignment
    return cell


def _header_row(sheet, header: Sequence[str]) -> list[WriteOnlyCell]:
    return [_cell(sheet, name, font=HEADER_FONT) for name in header]


def _table_sheet(workbook: Workbook, title: str, header: Sequence[str], rows: Iterable[tuple]):
    sheet = workbook.create_sheet(title)
    sheet.freeze_panes = "A2"
    sheet.append(_header_row(sheet, header))
    for row in rows:
        sheet.append([_cell(sheet, value) for value in row])


def _band_style(band: BandRule | None) -> tuple[PatternFill | None, Font | None]:
    if band is None or band.tone not in BAND_COLOURS:
        return None, None
    background, text = BAND_COLOURS[band.tone]
    opaque = "FF" + background  # ARGB: openpyxl would make "B02A37" fully transparent
    fill = PatternFill(fill_type="solid", start_color=opaque, end_color=opaque)
    return fill, Font(color="FF" + text)


def _heatmap_sheet(workbook: Workbook, heatmap: Heatmap) -> None:
    sheet = workbook.create_sheet("Heatmap")
    sheet.freeze_panes = "B2"
    sheet.column_dimensions["A"].width = 32
    for index in range(len(heatmap.dimensions)):
        column = 4 + 2 * index
        sheet.column_dimensions[get_column_letter(column)].width = 14
        sheet.column_dimensions[get_column_letter(column + 1)].width = 26
    header = ["team", "quarter", "model_version"]
    for _code, name in heatmap.dimensions:
        header += [name, f"{name}: band"]
    sheet.append(_header_row(sheet, header))
    centred = Alignment(horizontal="center")
    for row in heatmap.rows:
        cells = [
            _cell(sheet, row.team),
            _cell(sheet, row.quarter),
            _cell(sheet, row.model_version),
        ]
        for code, _name in heatmap.dimensions:
            dimension = row.dimensions.get(code)
            band = dimension.band if dimension is not None else None
            fill, font = _band_style(band)
            total = dimension.total if dimension is not None else None
            cells.append(_cell(sheet, total, fill=fill, font=font, alignment=centred))
            cells.append(_cell(sheet, band.label if band else "", fill=fill, font=font))
        sheet.append(cells)
    sheet.append([])
    sheet.append([_cell(sheet, heatmap.caption)])
    for band in heatmap.bands:
        fill, font = _band_style(band)
        sheet.append(
            [_cell(sheet, f"{band.min_total}-{band.max_total}: {band.label}", fill=fill, font=font)]
        )
