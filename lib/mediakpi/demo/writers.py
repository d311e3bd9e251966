"""Byte-deterministic file writers for the demo and scale generators.

Every writer takes a header (list of str) and rows (a DataFrame or a list of lists) and writes one file in the form a
platform back end or a team member would produce. Timestamps inside containers (xlsx zip entries, docProps) are set
from the `stamp` argument, so the same inputs always give the same bytes.
"""
from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np
import pandas as pd

BOM = "\ufeff"


def _rows(rows) -> Iterable[Sequence]:
    if isinstance(rows, pd.DataFrame):
        return rows.itertuples(index=False, name=None)
    return rows


def _plain_rows(df: pd.DataFrame) -> list[list]:
    """A frame as lists of plain Python values (None for missing), converted column-wise, not cell by cell."""
    cols = []
    for name in df.columns:
        s = df[name]
        if s.dtype.kind in "iub":
            cols.append(s.to_numpy().tolist())
        elif s.dtype.kind == "f":
            v = s.to_numpy()
            cols.append([None if x != x else x for x in v.tolist()])
        else:
            cols.append([_cell(x) for x in s.to_numpy(dtype=object).tolist()])
    return [list(r) for r in zip(*cols)] if cols else []


def _cell(v):
    """A Python scalar a spreadsheet writer accepts (None for missing)."""
    if v is None:
        return None
    if isinstance(v, float) and np.isnan(v):
        return None
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (np.floating,)):
        return None if np.isnan(v) else float(v)
    if v is pd.NA:
        return None
    return v


# ---------------------------------------------------------------- CSV


def write_csv(path: Path, header: Sequence[str], rows, *, encoding: str = "utf-8-sig",
              intro: Sequence[str] = (), sep: str = ",") -> None:
    """A CSV as the platforms write it: `utf-8-sig` gives the BOM; `gb18030` imitates an Excel re-save on Chinese
    Windows. `intro` lines (e.g. WeChat's `数据来源概况…`) come before the header."""
    df = rows if isinstance(rows, pd.DataFrame) else pd.DataFrame(list(rows), columns=list(header))
    df = df.set_axis(list(header), axis=1)
    buf = io.StringIO()
    for line in intro:
        buf.write(line + "\n")
    df.to_csv(buf, index=False, sep=sep, lineterminator="\r\n" if encoding == "gb18030" else "\n")
    text = buf.getvalue()
    if encoding == "utf-8-sig":
        data = (BOM + text).encode("utf-8")
    else:
        data = text.encode(encoding)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


# ---------------------------------------------------------------- XLSX

_CORE_TIME = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:(?:created|modified)>)")


def normalise_xlsx(data: bytes, stamp: datetime) -> bytes:
    """Rewrite an xlsx zip with fixed entry times and fixed docProps timestamps (openpyxl stamps `now`)."""
    iso = stamp.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    date_time = (max(stamp.year, 1980), stamp.month, stamp.day, stamp.hour, stamp.minute, stamp.second)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            body = zin.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = _CORE_TIME.sub(lambda m: m.group(1) + iso + m.group(2), body)
            zi = zipfile.ZipInfo(info.filename, date_time=date_time)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o600 << 16
            zout.writestr(zi, body)
    return out.getvalue()


def write_xlsx(path: Path, header: Sequence[str], rows, *, stamp: datetime, sheet: str = "Sheet1",
               banner: str | None = None, merge_banner: bool = True, number_formats: dict[int, str] | None = None,
               write_only: bool = False) -> None:
    """One-sheet xlsx. `banner` puts a note row above the header (merged across the columns, like Xiaohongshu's
    `最多导出排序后前1000条笔记`; in write-only mode it is repeated in every column instead, as some exports do).
    `number_formats` maps a 0-based column to an Excel number format (e.g. `0.00%` after a re-save)."""
    from openpyxl import Workbook

    write_only = write_only or (banner is None and not number_formats)  # faster, same cells
    wb = Workbook(write_only=write_only)
    wb.properties.creator = "openpyxl"
    wb.properties.created = stamp
    wb.properties.modified = stamp
    if write_only:
        ws = wb.create_sheet(sheet)
        if banner is not None:
            ws.append([banner] * len(header))
        ws.append(list(header))
        from openpyxl.cell import WriteOnlyCell

        def text_cell(v):  # a value starting with "=" stays text, never a formula
            c = WriteOnlyCell(ws, value=v)
            c.data_type = "s"
            return c
        for r in (_plain_rows(rows) if isinstance(rows, pd.DataFrame) else _rows(rows)):
            r = r if isinstance(rows, pd.DataFrame) else [_cell(v) for v in r]
            if any(isinstance(v, str) and v.startswith("=") for v in r):
                r = [text_cell(v) if isinstance(v, str) and v.startswith("=") else v for v in r]
            ws.append(r)
    else:
        ws = wb.active
        ws.title = sheet
        if banner is not None:
            ws.append([banner] + [None] * (len(header) - 1))
            if merge_banner and len(header) > 1:
                ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
        ws.append(list(header))
        start = ws.max_row + 1
        for r in _rows(rows):
            ws.append([_cell(v) for v in r])
        for row in ws.iter_rows(min_row=start):
            for c in row:
                if c.data_type == "f":  # a value starting with "=" stays text, never a formula
                    c.data_type = "s"
        for col, fmt in (number_formats or {}).items():
            for row in ws.iter_rows(min_row=start, min_col=col + 1, max_col=col + 1):
                for c in row:
                    c.number_format = fmt
    buf = io.BytesIO()
    wb.save(buf)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(normalise_xlsx(buf.getvalue(), stamp))


# ---------------------------------------------------------------- XLS (BIFF8)


def write_xls_blocks(path: Path, blocks: list[tuple[int, int, list[list]]], sheet: str = "New Sheet1") -> None:
    """A genuine BIFF8 .xls (OLE2 magic D0CF11E0) written with xlwt, as WeChat's xlslib back end does.
    `blocks` = [(first_row, first_col, rows)], so several tables can sit side by side on one sheet."""
    import xlwt

    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet(sheet)
    for r0, c0, rows in blocks:
        for i, row in enumerate(rows):
            for j, v in enumerate(row):
                v = _cell(v)
                if v is None or v == "":
                    continue
                ws.write(r0 + i, c0 + j, v)
    buf = io.BytesIO()
    wb.save(buf)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buf.getvalue())


def write_xls(path: Path, header: Sequence[str], rows, *, title: str | None = None, first_col: int = 1,
              sheet: str = "New Sheet1") -> None:
    """WeChat-style .xls: column A empty, a title row and a blank row above the header (data from row index 3)."""
    body = [list(header)] + [list(r) for r in _rows(rows)]
    blocks = [(0, first_col, [[title]])] if title else []
    blocks.append((2 if title else 0, first_col, body))
    write_xls_blocks(path, blocks, sheet=sheet)


# ---------------------------------------------------------------- HTML disguised as .xls


def write_html_xls(path: Path, title: str, header: Sequence[str], rows) -> None:
    """WeChat 用户分析 → 用户增长: an HTML page saved as `.xls`, table class `tb`, a big title row, a header with
    `rowspan=2` that leaves an empty `<tr>`, data from the 4th `<tr>`."""
    from html import escape

    n = len(header)
    out = ['<html>\n<head>\n<meta http-equiv="Content-Type" content="text/html; charset=utf-8">\n</head>\n<body>\n',
           '<table class="tb" border="1" cellspacing="0" cellpadding="0">\n',
           f'<tr><td colspan="{n}" align="center"><b>{escape(title)}</b></td></tr>\n<tr>']
    out += [f'<th rowspan="2">{escape(h)}</th>' for h in header]
    out.append("</tr>\n<tr></tr>\n")
    for r in _rows(rows):
        out.append("<tr>" + "".join(f"<td>{escape(str(_cell(v) if _cell(v) is not None else '-'))}</td>"
                                    for v in r) + "</tr>\n")
    out.append("</table>\n</body>\n</html>\n")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes("".join(out).encode("utf-8"))


# ---------------------------------------------------------------- fast XLSX for the scale generator
#
# openpyxl (and xlsxwriter, measured too) build every cell as a Python object: about 3 µs a cell on an idle machine,
# far more on a busy one, i.e. minutes for the benchmark's ~6 million xlsx cells. The benchmark only needs valid
# SpreadsheetML with the right cell values, so the scale generator builds the sheet XML column-wise with vectorised
# string operations (inline strings, explicit cell references) and zips it with the fixed package parts below.
# Tests check that openpyxl reads these files back cell for cell.

_CT = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
       '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
       '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
       '<Default Extension="xml" ContentType="application/xml"/>'
       '<Override PartName="/xl/workbook.xml" '
       'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
       '<Override PartName="/xl/worksheets/sheet1.xml" '
       'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
       '<Override PartName="/xl/styles.xml" '
       'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
       '<Override PartName="/docProps/core.xml" '
       'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
       '<Override PartName="/docProps/app.xml" '
       'ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/></Types>')
_RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
         '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
         '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
         'officeDocument" Target="xl/workbook.xml"/>'
         '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/'
         'core-properties" Target="docProps/core.xml"/>'
         '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
         'extended-properties" Target="docProps/app.xml"/></Relationships>')
_WB_RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'worksheet" Target="worksheets/sheet1.xml"/>'
            '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'styles" Target="styles.xml"/></Relationships>')
_STYLES = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
           '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
           '<fonts count="1"><font><sz val="11"/><name val="宋体"/></font></fonts>'
           '<fills count="2"><fill><patternFill patternType="none"/></fill>'
           '<fill><patternFill patternType="gray125"/></fill></fills>'
           '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
           '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
           '<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>'
           '<cellStyles count="1"><cellStyle name="常规" xfId="0" builtinId="0"/></cellStyles></styleSheet>')
_APP = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
        '<Application>Microsoft Excel</Application></Properties>')


def _col_letter(j: int) -> str:
    s = ""
    j += 1
    while j:
        j, r = divmod(j - 1, 26)
        s = chr(65 + r) + s
    return s


def _xml_escape(s: pd.Series) -> pd.Series:
    return s.str.replace("&", "&amp;", regex=False).str.replace("<", "&lt;", regex=False) \
        .str.replace(">", "&gt;", regex=False)


def _is_numeric(s: pd.Series) -> bool:
    if s.dtype.kind in "iuf":
        return True
    if s.dtype == object:
        vals = s.dropna()
        return len(vals) > 0 and all(isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool)
                                     for v in vals.iloc[:50]) and \
            pd.to_numeric(vals, errors="coerce").notna().all()
    return False


def sheet_rows_xml(df: pd.DataFrame, row_numbers: np.ndarray) -> np.ndarray:
    """The `<row>` XML of every row of `df`, numbered by `row_numbers` (1-based sheet rows), built column-wise."""
    rn = pd.Series(np.asarray(row_numbers), index=df.index).astype(str).astype("string")
    out = '<row r="' + rn + '">'
    for j, name in enumerate(df.columns):
        s = df[name]
        ref = '<c r="' + _col_letter(j) + rn
        if _is_numeric(s):
            v = pd.to_numeric(s, errors="coerce")
            txt = v.astype("Int64").astype("string") if (v.dropna() % 1 == 0).all() else v.astype("string")
            cell = ref + '"><v>' + txt + "</v></c>"
        else:
            txt = s.astype("string")
            cell = ref + '" t="inlineStr"><is><t xml:space="preserve">' + _xml_escape(txt) + "</t></is></c>"
        out = out + cell.fillna("")
    return (out + "</row>").to_numpy(dtype=object)


def _header_xml(row: int, values: Sequence) -> str:
    from html import escape
    cells = "".join(f'<c r="{_col_letter(j)}{row}" t="inlineStr"><is><t>{escape(str(v), quote=False)}</t></is></c>'
                    for j, v in enumerate(values) if v is not None)
    return f'<row r="{row}">{cells}</row>'


def write_xlsx_fast(path: Path, header: Sequence[str], rows_xml: Sequence[str], *, stamp: datetime,
                    sheet: str = "Sheet1", banner: str | None = None, compresslevel: int = 1) -> None:
    """An xlsx from pre-built row XML (see `sheet_rows_xml`, numbered from 2, or 3 under a banner)."""
    from html import escape
    top = []
    merge = ""
    if banner is not None:
        top.append(_header_xml(1, [banner]))
        merge = f'<mergeCells count="1"><mergeCell ref="A1:{_col_letter(len(header) - 1)}1"/></mergeCells>'
    top.append(_header_xml(len(top) + 1, header))
    body = "".join(rows_xml)
    sheet_xml = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                 '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
                 + "".join(top) + body + "</sheetData>" + merge + "</worksheet>")
    iso = stamp.strftime("%Y-%m-%dT%H:%M:%SZ")
    core = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            f'<dcterms:created xsi:type="dcterms:W3CDTF">{iso}</dcterms:created>'
            f'<dcterms:modified xsi:type="dcterms:W3CDTF">{iso}</dcterms:modified></cp:coreProperties>')
    wb = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
          '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
          'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
          f'<sheets><sheet name="{escape(sheet)}" sheetId="1" r:id="rId1"/></sheets></workbook>')
    date_time = (stamp.year, stamp.month, stamp.day, stamp.hour, stamp.minute, stamp.second)
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=compresslevel) as z:
        for name, text in [("[Content_Types].xml", _CT), ("_rels/.rels", _RELS), ("docProps/app.xml", _APP),
                           ("docProps/core.xml", core), ("xl/workbook.xml", wb),
                           ("xl/_rels/workbook.xml.rels", _WB_RELS), ("xl/styles.xml", _STYLES),
                           ("xl/worksheets/sheet1.xml", sheet_xml)]:
            zi = zipfile.ZipInfo(name, date_time=date_time)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o600 << 16
            z.writestr(zi, text.encode("utf-8"), compresslevel=compresslevel)


def csv_lines(df: pd.DataFrame) -> list[str]:
    """Every row of `df` as one CSV line (quoted as needed), formatted in one pandas call; records end in CRLF so a
    field may hold a bare newline."""
    text = df.to_csv(index=False, header=False, lineterminator="\r\n")
    lines = text.split("\r\n")
    return lines[:-1]


def write_csv_lines(path: Path, header: Sequence[str], lines: Sequence[str], *, encoding: str = "utf-8-sig",
                    intro: Sequence[str] = ()) -> None:
    head = ",".join(header)
    text = "\r\n".join([*intro, head, *lines]) + "\r\n"
    data = (BOM + text).encode("utf-8") if encoding == "utf-8-sig" else text.encode(encoding)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
