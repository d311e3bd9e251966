"""The scoreboard workbook for HR (scoreboard.xlsx), safe to open.

Text that a spreadsheet could take for a formula (OWASP CSV/formula injection: a cell beginning with `=`, `+`, `-`, `@`,
tab or carriage return) is prefixed with an apostrophe and written as a plain string. Real numbers stay numeric, so
negative numbers remain negative numbers.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
MAX_CELL_CHARS = 32767  # Excel's limit for one cell


def neutralise(value: object) -> object:
    """A cell value that cannot run as a formula: numbers, booleans and dates unchanged; text starting with a
    trigger character gets a leading apostrophe; characters Excel cannot store are removed; None for nulls."""
    if value is None or value is pd.NA:
        return None
    if isinstance(value, (bool, int, float)) and not isinstance(value, str):
        try:
            return None if pd.isna(value) else value
        except (TypeError, ValueError):
            return value
    if isinstance(value, pd.Timestamp):
        if pd.isna(value):
            return None
        return value.tz_localize(None).to_pydatetime() if value.tzinfo else value.to_pydatetime()
    if hasattr(value, "item") and not isinstance(value, str):  # numpy scalar
        return neutralise(value.item())
    text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
    if text.startswith(FORMULA_TRIGGERS):
        text = "'" + text
    return text[:MAX_CELL_CHARS]


def _width(texts: list[str]) -> float:
    """A column width that fits the longest of `texts` (CJK characters count double), between 8 and 60."""
    return min(60, max(8, max(sum(2 if ord(ch) > 0x2E80 else 1 for ch in s) for s in texts) + 2))


def _write_sheet(ws, frame: pd.DataFrame, headers: list[str], formats: dict[str, str] | None = None,
                 yes_no: tuple[str, str] = ("是", "否")) -> None:
    """Write one sheet of a write-only workbook: the layout (column widths, frozen header, autofilter) first, then the
    rows streamed (a normal openpyxl workbook keeps a Python object per cell; streaming is about twice as fast).
    `formats`: Excel number formats by column name (`0.0` for scores, `0.0%` for rates), or a list of one format per
    row; booleans become 是/否."""
    formats = formats or {}
    for j, h in enumerate(headers, start=1):
        sample = [str(h)] + [str(x) for x in frame.iloc[:200, j - 1].tolist()] if len(frame.columns) >= j else [str(h)]
        ws.column_dimensions[get_column_letter(j)].width = _width(sample)
    ws.freeze_panes = "B2"  # the header row and the first column (the person) stay in view
    # printed for an appraisal file: landscape, as wide as the page, the header row on every page
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = "9"  # A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.print_title_rows = "1:1"
    if headers:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{max(1, len(frame) + 1)}"
    head_font, head_fill = Font(bold=True), PatternFill("solid", fgColor="DDE7F3")
    head = []
    for h in headers:
        cell = WriteOnlyCell(ws, value=neutralise(h))
        cell.font, cell.fill = head_font, head_fill
        head.append(cell)
    ws.append(head)
    col_formats = [formats.get(str(c)) for c in frame.columns]
    for i, rec in enumerate(frame.itertuples(index=False, name=None)):
        row = []
        for value, number_format in zip(rec, col_formats):
            if isinstance(number_format, list):  # one format per row (actual and target in each row's unit)
                number_format = number_format[i]
            v = neutralise(value)
            if isinstance(v, bool):
                v = yes_no[0] if v else yes_no[1]
            cell = _cell(ws, v)
            if number_format and isinstance(v, (int, float)) and not isinstance(v, bool):
                cell = WriteOnlyCell(ws, value=v)
                cell.number_format = number_format
            row.append(cell)
        ws.append(row)


def _cell(ws, value: object) -> object:
    """A value for a write-only row. neutralise() never returns text starting with "=", so no text becomes a formula;
    text that reads like an error code (#N/A, #DIV/0! …) is pinned as text too, never an error cell."""
    if isinstance(value, str) and value in ERROR_CODES:
        cell = WriteOnlyCell(ws, value=value)
        cell.data_type = "s"
        return cell
    return value


def write_scoreboard(path: Path, sheets: list[tuple], note: str = "", note_title: str = "说明",
                     note_blocks: list[tuple[str, pd.DataFrame, list[str]]] | None = None,
                     yes_no: tuple[str, str] = ("是", "否")) -> Path:
    """Write `sheets` (title, frame, header labels[, number formats by column]) to an .xlsx at `path`, then a
    `note_title` sheet holding `note_blocks`: (heading, frame, header labels) tables one under the other (grade
    cut-offs, dimension weights, indicator definitions), and `note` (one line of text) at the end."""
    note_blocks = list(note_blocks or []) + ([(note, pd.DataFrame(), [])] if note else [])
    wb = Workbook(write_only=True)
    for spec in sheets:
        title, frame, headers = spec[:3]
        formats = spec[3] if len(spec) > 3 else None
        ws = wb.create_sheet(title=str(title)[:31])
        _write_sheet(ws, frame, headers, formats, yes_no)
    if note_blocks:
        ws = wb.create_sheet(title=str(note_title)[:31])
        widths = [30, 16, 70]
        for j, w in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(j)].width = w
        ws.freeze_panes = "A2"
        ws.auto_filter.ref = f"A1:C{1 + sum(len(f) + 3 for _, f, _ in note_blocks)}"
        first = True
        for heading, frame, headers in note_blocks:
            if not first:
                ws.append([])
            first = False
            title_cell = WriteOnlyCell(ws, value=neutralise(heading))
            title_cell.font = Font(bold=True, size=12)
            ws.append([title_cell])
            if headers:
                head = []
                for h in headers:
                    cell = WriteOnlyCell(ws, value=neutralise(h))
                    cell.font, cell.fill = Font(bold=True), PatternFill("solid", fgColor="DDE7F3")
                    head.append(cell)
                ws.append(head)
            for rec in frame.itertuples(index=False, name=None):
                ws.append([_cell(ws, neutralise(v)) for v in rec])
    if not wb.sheetnames:
        wb.create_sheet("Sheet1")
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path
