"""The scoreboard workbook for HR (scoreboard.xlsx), safe to open.

Text that a spreadsheet could take for a formula (OWASP CSV/formula injection: a cell beginning with `=`, `+`, `-`, `@`,
tab or carriage return) is prefixed with an apostrophe and written as a plain string. Real numbers stay numeric, so
negative numbers remain negative numbers.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
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


def _write_sheet(ws, frame: pd.DataFrame, headers: list[str]) -> None:
    head_font, head_fill = Font(bold=True), PatternFill("solid", fgColor="DDE7F3")
    for j, h in enumerate(headers, start=1):
        cell = ws.cell(row=1, column=j, value=neutralise(h))
        cell.font, cell.fill = head_font, head_fill
    for i, rec in enumerate(frame.itertuples(index=False, name=None), start=2):
        for j, value in enumerate(rec, start=1):
            v = neutralise(value)
            cell = ws.cell(row=i, column=j)
            cell.value = v
            if isinstance(v, str):
                cell.data_type = "s"  # never "f", whatever the text
    for j, h in enumerate(headers, start=1):
        sample = [str(h)] + [str(x) for x in frame.iloc[:200, j - 1].tolist()] if len(frame.columns) >= j else [str(h)]
        width = min(60, max(8, max(sum(2 if ord(ch) > 0x2E80 else 1 for ch in s) for s in sample) + 2))
        ws.column_dimensions[get_column_letter(j)].width = width
    ws.freeze_panes = "B2"


def write_scoreboard(path: Path, sheets: list[tuple[str, pd.DataFrame, list[str]]], note: str = "") -> Path:
    """Write `sheets` (title, frame, header labels) to an .xlsx at `path`; an optional note sheet at the end."""
    wb = Workbook()
    wb.remove(wb.active)
    for title, frame, headers in sheets:
        ws = wb.create_sheet(title=str(title)[:31])
        _write_sheet(ws, frame, headers)
    if note:
        ws = wb.create_sheet(title="说明" if not note.isascii() else "About")
        ws.cell(row=1, column=1, value=neutralise(note))
        ws.column_dimensions["A"].width = 100
    if not wb.sheetnames:
        wb.create_sheet("Sheet1")
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path
