"""Team tables: empty templates with the Chinese headers of config/team_tables.yaml (xlsx + csv)."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..catalog import team_tables

_EXAMPLES = {
    "roster": ["张三", "微信公众号", "示例公众号", "E001", "新媒体运营", "2026-01-01", ""],
}


def template_frame(table: str) -> pd.DataFrame:
    cols = team_tables()[table]["columns"]
    return pd.DataFrame(columns=[cs["header"] for cs in cols.values()])


def write_templates(folder: str | Path) -> list[Path]:
    """Write one empty template per team table as `<标题>.xlsx` and `<标题>.csv` (UTF-8 with BOM, opens in Excel).

    The xlsx has the headers on row 1 (bold, frozen) and a second sheet `说明` listing each column: header, type,
    required, accepted aliases. Returns the written paths.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    kinds = {"text": "文字", "int": "整数", "float": "数字", "rating": "评分（数字）", "bool": "是/否",
             "date": "日期（如 2026-10-08）", "datetime": "日期时间（如 2026-10-08 20:00）"}
    written = []
    for name, spec in team_tables().items():
        title = spec["title"]
        frame = template_frame(name)
        csv_path = folder / f"{title}.csv"
        frame.to_csv(csv_path, index=False, encoding="utf-8-sig")
        wb = Workbook()
        ws = wb.active
        ws.title = title[:31].replace("（", "(").replace("）", ")")
        ws.append(list(frame.columns))
        for cell in ws[1]:
            cell.font = Font(bold=True)
        ws.freeze_panes = "A2"
        for i, h in enumerate(frame.columns, start=1):
            ws.column_dimensions[ws.cell(1, i).column_letter].width = max(12, 2 * len(h) + 4)
        info = wb.create_sheet("说明")
        info.append(["表头", "类型", "必填", "也接受的表头", "取值范围"])
        for cs in spec["columns"].values():
            rng = cs.get("range")
            rtxt = "" if not rng else f"{'' if rng[0] is None else rng[0]} ~ {'' if rng[1] is None else rng[1]}"
            info.append([cs["header"], kinds[cs["type"]], "是" if cs.get("required") else "", "、".join(map(str, cs.get("aliases", []))), rtxt])
        xlsx_path = folder / f"{title}.xlsx"
        wb.save(xlsx_path)
        written += [xlsx_path, csv_path]
    return written


# ----- reading team-table cells (issue 22): one bad cell sets aside that cell, identical rows count once ------------

UNREAD = "unread_cells"   # catalog: every team table has it (`column=raw；…` of the cells set aside)


def set_aside_cells(table: str, df: pd.DataFrame, reasons: pd.Series, cells: dict) -> tuple[pd.DataFrame, pd.Series]:
    """One unreadable cell sets aside that cell, not the row: a cell of an optional column that could not be read
    becomes empty and is named in `unread_cells` (`veto=有点；…`), and the row's other cells still count. A row
    whose REQUIRED cell cannot be read keeps its quarantine reason (without it the row says nothing: whose, when).
    `cells`: column -> (bad mask, raw values) from parse_columns. Scoring reads `unread_cells` where an unreadable
    cell must not count as a blank (an unreadable 重大违规 keeps the cap)."""
    spec = team_tables()[table]["columns"]
    out = df.copy() if cells else df
    unread = pd.Series(pd.NA, index=df.index, dtype="string")
    hard = pd.Series(False, index=df.index)
    for col, (bad, raw) in cells.items():
        bad = pd.Series(bad, index=df.index).fillna(False).astype(bool)
        if spec.get(col, {}).get("type") == "date" and bad.any():   # dates written in words: 二〇二六年十月八日, 8号
            read = date_in_words(raw.where(bad))
            got = read.notna() & bad
            if got.any():
                out.loc[got.to_numpy(), col] = read[got].to_numpy()
                bad = bad & ~got
        if not bad.any():
            continue
        if spec.get(col, {}).get("required"):
            hard |= bad
            continue
        text = (col + "=" + raw.astype("string").fillna("").str.slice(0, 30)).where(bad)
        unread = unread.mask(bad & unread.isna(), text).mask(bad & unread.notna(), unread + "；" + text)
        out.loc[bad.to_numpy(), col] = pd.NA
    # a value outside its declared range in an optional column is set aside like an unreadable one (the row stays)
    for col, cs in spec.items():
        rng = cs.get("range")
        if not rng or cs.get("required") or col not in out.columns:
            continue
        v = pd.to_numeric(out[col], errors="coerce")
        lo, hi = rng
        off = pd.Series(False, index=out.index)
        if lo is not None:
            off |= (v < lo).fillna(False)
        if hi is not None:
            off |= (v > hi).fillna(False)
        if off.any():
            text = (col + "=" + v.astype("string").fillna("")).where(off)
            unread = unread.mask(off & unread.isna(), text).mask(off & unread.notna(), unread + "；" + text)
            out.loc[off.to_numpy(), col] = pd.NA
    out[UNREAD] = unread
    return out, reasons.where(hard)


def _key_text(s: pd.Series) -> pd.Series:
    """Text for the duplicate key: NFKC, white space removed (spaces typed around or inside a name do not make a
    different row)."""
    import unicodedata
    t = s.astype("string")
    uniq = pd.unique(t.dropna())          # once per distinct text (a calendar repeats its names and accounts)
    table = {x: "".join(unicodedata.normalize("NFKC", x).split()) for x in uniq}
    return t.map(table)


def identical_rows(df: pd.DataFrame, content: list[str]) -> pd.Series:
    """True for every row that repeats an earlier row of the same table (any file) in every content column, text
    compared after normalising spaces: it is merged into the first (duplicates count once: an adopted suggestion
    pasted twice is one suggestion)."""
    key = pd.DataFrame({c: (_key_text(df[c]) if (pd.api.types.is_string_dtype(df[c].dtype)
                                                 or df[c].dtype == object) else df[c]) for c in content},
                       index=df.index)
    return key.duplicated(keep="first")


_CN_NUM = {"〇": 0, "零": 0, "○": 0, "Ｏ": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
           "八": 8, "九": 9}


def _cn_number(text: str) -> str:
    """Chinese numerals in a date as digits: 二〇二六 → 2026 (digit by digit), 十 → 10, 十八 → 18, 二十一 → 21."""
    import re

    def one(m):
        t = m.group(0)
        if "十" not in t:
            return "".join(str(_CN_NUM[c]) for c in t)
        a, _, b = t.partition("十")
        return str((_CN_NUM[a] if a else 1) * 10 + (_CN_NUM[b] if b else 0))
    return re.sub(r"[〇零○Ｏ一二两三四五六七八九十]+", one, text)


def date_in_words(raw: pd.Series) -> pd.Series:
    """Team-table dates written in words, read once per distinct cell: Chinese numerals (二〇二六年十月八日), 号 for 日
    (2026年10月8号), a trailing weekday (2026年10月8日 周四). Only full dates with a year; anything else stays
    unread (null)."""
    import re

    def read(x):
        if not isinstance(x, str):
            return pd.NaT
        t = _cn_number(x.strip().replace("号", "日"))
        t = re.sub(r"[（(]?(星期|周|礼拜)[日天1-7]?[)）]?$", "", t).strip()
        m = re.fullmatch(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?", t)
        if not m:
            return pd.NaT
        try:
            return pd.Timestamp(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            return pd.NaT
    values = raw.astype(object)
    uniq = {v: read(v) for v in pd.unique(values.dropna())}
    return pd.Series([uniq.get(v, pd.NaT) if isinstance(v, str) else pd.NaT for v in values], index=raw.index,
                     dtype="datetime64[ns]")
