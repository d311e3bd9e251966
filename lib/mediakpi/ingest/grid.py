"""Any container (CSV/TSV text, BIFF .xls, .xlsx, HTML saved as .xls) -> sheets of text cells.

A sheet is a DataFrame of strings with positional columns; row i is row i+1 of the sheet or line i+1 of the text file
(1-based `source_row` = index + 1). Nothing is interpreted here: numbers and dates are parsed later by declared form.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd

from .sniff import Sniffed, Unreadable, decode_candidates, has_mojibake

DELIMITERS = [",", "\t", ";", "|"]


@dataclass
class Sheet:
    name: str
    cells: pd.DataFrame
    notes: list[str] = field(default_factory=list)  # plain-Chinese remarks (encoding repaired, fallback reader…)


def _cell(v) -> str:
    if v is None:
        return ""
    if isinstance(v, str):
        return v
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, float):
        return _float_cell(v)
    if isinstance(v, int):
        return str(v)
    if isinstance(v, dt.datetime):
        return v.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(v, dt.date):
        return v.strftime("%Y-%m-%d")
    if isinstance(v, dt.time):
        return v.strftime("%H:%M:%S")
    if isinstance(v, dt.timedelta):
        return repr(v.total_seconds())
    return str(v)


def _frame(rows: list[list]) -> pd.DataFrame:
    """Cell values from a reader (str, float, datetime, None …) -> a frame of text cells (one object block)."""
    width = max((len(r) for r in rows), default=0)
    if width == 0:
        return pd.DataFrame()
    if any(len(r) != width for r in rows):
        rows = [list(r) + [None] * (width - len(r)) for r in rows]
    arr = np.empty((len(rows), width), dtype=object)
    arr[:] = rows
    for j in range(width):
        col = arr[:, j]
        # infer_dtype is a C loop: most columns are all text and need no conversion; the others (Excel numbers and
        # dates) are turned into text cell by cell, since the cells of one column can hold any mix of types (text and
        # floats, Excel's numbers, are told apart inline: a function call per cell was most of the cost).
        if pd.api.types.infer_dtype(col, skipna=False) != "string":
            arr[:, j] = [v if (t := v.__class__) is str else _float_cell(v) if t is float else _cell(v)
                         for v in col.tolist()]
    return pd.DataFrame(arr, dtype=object)


def _float_cell(v: float) -> str:
    """A float cell as text: whole numbers without `.0` (Excel stores every number as a float), others as repr."""
    if v != v:
        return ""
    return str(int(v)) if v.is_integer() and abs(v) < 1e15 else repr(v)


# ---------------------------------------------------------------- text (CSV / TSV)
def _sniff_delimiter(text: str, score: Callable[[list[str]], int]) -> tuple[str, int]:
    lines = text.splitlines()[:30]
    sample = "\n".join(lines)
    best = (",", -1, 0)
    for d in DELIMITERS:
        if d != "," and d not in sample:
            continue  # splits nothing: one cell per line
        try:
            rows = list(csv.reader(lines, delimiter=d))
        except csv.Error:
            continue
        width = max((len(r) for r in rows), default=0)
        s = max((score(r) for r in rows), default=0)
        key = (s, width)
        if key > (best[1], best[2]):
            best = (d, s, width)
    return best[0], best[1]


def read_text(path: Path, score: Callable[[list[str]], int]) -> Sheet:
    data = path.read_bytes()
    best = None
    for enc, text in decode_candidates(data):
        delim, s = _sniff_delimiter(text, score)
        if best is None or s > best[2]:
            best = (enc, text, s, delim)
    enc, text, _, delim = best
    notes = []
    if enc.startswith("gb18030"):
        notes.append("文件是 GBK/GB18030 编码（Excel 另存），已按中文编码读取。")
    elif enc.startswith("utf-16"):
        notes.append("文件是 UTF-16 编码，已正确读取。")
    if has_mojibake(text[:20000]):
        notes.append("文件里有乱码字符（如“锟斤拷”或“�”），原文件已损坏，相关文字无法还原；建议重新导出。")
    if delim != ",":
        notes.append({"\t": "列之间用制表符分隔。", ";": "列之间用分号分隔。", "|": "列之间用竖线分隔。"}[delim])
    text = text.lstrip("\ufeff")
    try:
        # the csv module (C) straight into one object array: read_csv builds a typed column per field, which costs
        # ~1 ms per column on the many 10-row exports of a month (Bilibili, 30 columns)
        rows = list(csv.reader(io.StringIO(text), delimiter=delim))
    except csv.Error:
        rows = None
    if rows is not None:
        return Sheet(path.name, _grid(rows), notes)
    head = list(csv.reader(io.StringIO("\n".join(text.splitlines()[:50])), delimiter=delim))
    width = max((len(r) for r in head), default=0)
    if width == 0:
        return Sheet(path.name, pd.DataFrame(), notes)
    df = None
    for attempt in range(2):
        try:
            df = pd.read_csv(io.StringIO(text), sep=delim, header=None, names=range(width), dtype=object,
                             keep_default_na=False, na_filter=False, skip_blank_lines=False, engine="python")
            break
        except (pd.errors.ParserError, ValueError, csv.Error):
            if attempt == 0:  # a longer row further down: count every row once
                width = max((len(r) for r in text.splitlines()), default=0) + 1
    if df is None:
        raise Unreadable("这个文本文件的格式无法解析（引号或分隔符不成对）；请在 Excel 里打开后另存为 CSV 再放回来。")
    return Sheet(path.name, df.fillna("").astype(object), notes)


def _grid(rows: list[list[str]]) -> pd.DataFrame:
    """Text rows (all str) -> a frame of one object block, short rows padded with ""."""
    width = max((len(r) for r in rows), default=0)
    if width == 0:
        return pd.DataFrame()
    if any(len(r) != width for r in rows):
        rows = [r + [""] * (width - len(r)) for r in rows]
    return pd.DataFrame(np.array(rows, dtype=object).reshape(len(rows), width), dtype=object)


# ---------------------------------------------------------------- Excel
def _calamine(path: Path) -> list[Sheet]:
    from python_calamine import CalamineWorkbook
    wb = CalamineWorkbook.from_path(str(path))
    sheets = []
    for name in wb.sheet_names:
        rows = wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
        sheets.append(Sheet(name, _frame(rows)))
    return sheets


def _openpyxl(path: Path) -> list[Sheet]:
    import openpyxl
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        return [Sheet(ws.title, _frame([list(r) for r in ws.iter_rows(values_only=True)])) for ws in wb.worksheets]
    finally:
        wb.close()


_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"


def _col_index(ref: str) -> int:
    n = 0
    for ch in re.match(r"[A-Z]+", ref).group(0):
        n = n * 26 + ord(ch) - 64
    return n - 1


def _raw_xml(path: Path) -> list[Sheet]:
    """Last resort for xlsx files whose styles break the usual readers: read cell values straight from the XML."""
    from lxml import etree
    with zipfile.ZipFile(path) as zf:
        names = set(zf.namelist())
        shared: list[str] = []
        if "xl/sharedStrings.xml" in names:
            root = etree.fromstring(zf.read("xl/sharedStrings.xml"))
            for si in root.iter(f"{_NS}si"):
                shared.append("".join(t.text or "" for t in si.iter(f"{_NS}t")))
        order: list[tuple[str, str]] = []
        if "xl/workbook.xml" in names and "xl/_rels/workbook.xml.rels" in names:
            wb = etree.fromstring(zf.read("xl/workbook.xml"))
            rels = etree.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
            target = {r.get("Id"): r.get("Target") for r in rels}
            for s in wb.iter(f"{_NS}sheet"):
                t = target.get(s.get(f"{_REL}id"), "")
                t = t.lstrip("/")
                order.append((s.get("name"), t if t.startswith("xl/") else f"xl/{t}"))
        else:
            order = [(n.rsplit("/", 1)[-1], n) for n in sorted(names) if n.startswith("xl/worksheets/sheet")]
        sheets = []
        for sname, member in order:
            if member not in names:
                continue
            root = etree.fromstring(zf.read(member))
            rows: dict[int, dict[int, str]] = {}
            for c in root.iter(f"{_NS}c"):
                ref = c.get("r") or ""
                m = re.match(r"([A-Z]+)(\d+)", ref)
                if not m:
                    continue
                t = c.get("t")
                v = c.find(f"{_NS}v")
                if t == "s" and v is not None:
                    val = shared[int(v.text)]
                elif t == "inlineStr":
                    val = "".join(x.text or "" for x in c.iter(f"{_NS}t"))
                else:
                    val = v.text if v is not None and v.text is not None else ""
                    if t not in ("str", "e", "b") and val:
                        try:
                            val = _cell(float(val))
                        except ValueError:
                            pass
                rows.setdefault(int(m.group(2)) - 1, {})[_col_index(m.group(1))] = val
            if rows:
                nrow = max(rows) + 1
                ncol = max(max(r) for r in rows.values()) + 1
                grid = [[rows.get(i, {}).get(j, "") for j in range(ncol)] for i in range(nrow)]
            else:
                grid = []
            sheets.append(Sheet(sname, _frame(grid)))
        return sheets


def read_xlsx(path: Path) -> list[Sheet]:
    try:
        with zipfile.ZipFile(path):
            pass
    except (zipfile.BadZipFile, OSError, EOFError):
        raise Unreadable("这个 .xlsx 文件不完整（可能下载中断或被截断），打不开；请重新下载。") from None
    try:
        return _calamine(path)
    except Exception:  # noqa: BLE001 - diagnosed below, then the other readers are tried
        pass
    # only now check every member's checksum (testzip decompresses the whole file: too slow for every good file)
    try:
        with zipfile.ZipFile(path) as zf:
            bad = zf.testzip()
    except (zipfile.BadZipFile, OSError, EOFError):
        raise Unreadable("这个 .xlsx 文件不完整（可能下载中断或被截断），打不开；请重新下载。") from None
    if bad:
        raise Unreadable(f"这个 .xlsx 文件已损坏（内部文件 {bad} 校验失败）；请重新下载。")
    errors = []
    for reader, note in ((_calamine, None), (_openpyxl, "常规读取失败，已改用 openpyxl 读取。"),
                         (_raw_xml, "文件的样式表损坏，已直接读取单元格内容。")):
        try:
            sheets = reader(path)
        except Exception as exc:  # noqa: BLE001 - any reader failure moves on to the next reader
            errors.append(f"{type(exc).__name__}: {exc}")
            continue
        if note:
            for s in sheets:
                s.notes.append(note)
        return sheets
    raise Unreadable(f"这个 .xlsx 文件打不开（{errors[-1][:80]}）；请在 Excel 里打开后另存为 .xlsx，或重新下载。")


def read_xls(path: Path) -> list[Sheet]:
    try:
        return _calamine(path)
    except Exception:  # noqa: BLE001
        pass
    try:
        import xlrd
        book = xlrd.open_workbook(str(path), on_demand=True)
        sheets = []
        for sh in book.sheets():
            rows = []
            for r in range(sh.nrows):
                row = []
                for c in range(sh.ncols):
                    cell = sh.cell(r, c)
                    if cell.ctype == xlrd.XL_CELL_DATE:
                        row.append(xlrd.xldate.xldate_as_datetime(cell.value, book.datemode))
                    else:
                        row.append(cell.value)
                rows.append(row)
            sheets.append(Sheet(sh.name, _frame(rows)))
        return sheets
    except Exception as exc:  # noqa: BLE001
        raise Unreadable(f"这个 .xls 文件打不开（{type(exc).__name__}），可能已损坏；请重新下载。") from None


# ---------------------------------------------------------------- HTML saved as .xls
def read_html(path: Path) -> list[Sheet]:
    from lxml import html as lhtml
    data = path.read_bytes()
    m = re.search(rb"charset=[\"']?([A-Za-z0-9_\-]+)", data[:4096])
    text = None
    if m:
        try:
            text = data.decode(m.group(1).decode("ascii"), errors="strict")
        except (LookupError, UnicodeDecodeError):
            text = None
    if text is None:
        text = decode_candidates(data)[0][1]
    text = text.lstrip("\ufeff")
    try:
        doc = lhtml.fromstring(text)
    except Exception:  # noqa: BLE001
        raise Unreadable("这个网页格式的文件无法解析；请重新下载。") from None
    sheets = []
    for k, table in enumerate(doc.iter("table")):
        if table.getparent() is not None and any(a.tag == "table" for a in table.iterancestors()):
            continue  # nested tables are read as part of their parent
        grid: dict[tuple[int, int], str] = {}
        occupied: set[tuple[int, int]] = set()
        r = 0
        for tr in table.iter("tr"):
            c = 0
            for td in tr:
                if td.tag not in ("td", "th"):
                    continue
                while (r, c) in occupied:
                    c += 1
                rs = int(td.get("rowspan", "1") or 1)
                cs = int(td.get("colspan", "1") or 1)
                grid[(r, c)] = " ".join(td.text_content().split())
                for i in range(rs):
                    for j in range(cs):
                        occupied.add((r + i, c + j))
                c += cs
            r += 1
        if not grid:
            continue
        nrow = max(i for i, _ in occupied) + 1
        ncol = max(j for _, j in occupied) + 1
        rows = [[grid.get((i, j), "") for j in range(ncol)] for i in range(nrow)]
        name = table.get("class") or table.get("id") or f"table{k + 1}"
        sheets.append(Sheet(name, _frame(rows), ["这是网页格式的表格（扩展名是 .xls，实际是 HTML），已按网页读取。"]))
    return sheets


def read_grid(path: Path, sniffed: Sniffed, score: Callable[[list[str]], int]) -> list[Sheet]:
    if sniffed.kind == "xlsx":
        return read_xlsx(path)
    if sniffed.kind == "xls":
        return read_xls(path)
    if sniffed.kind == "html":
        return read_html(path)
    if sniffed.kind == "text":
        return [read_text(path, score)]
    raise Unreadable(f"不支持的文件类型：{sniffed.kind}")
