"""Vectorised date parsing: every form in the spec's checklist items 31-36, always Beijing time (Asia/Shanghai)."""
from __future__ import annotations

import re

import pandas as pd
import pyarrow.compute as pc

from ..distinct import on_distinct
from ..fastops import arrow_mask, arrow_text
from ..periods import TZ

_PATTERNS = [
    # 2026年05月19日15时39分28秒 / 2026年05月29日 12:40:34 / 2026年5月1日20时 / 2026年5月1日
    r"^(?P<Y>\d{4})年(?P<M>\d{1,2})月(?P<D>\d{1,2})日?(?:(?P<h>\d{1,2})(?:时|点|:)(?:(?P<m>\d{1,2})(?:分|:)?(?:(?P<s>\d{1,2})秒?)?)?)?$",
    # 2026-07-27 14:47:18 / 2026/5/29 / 2026.07.14 / 2026-07-27T14:47 (+ optional fraction)
    r"^(?P<Y>\d{4})[-/.](?P<M>\d{1,2})[-/.](?P<D>\d{1,2})(?:t?(?P<h>\d{1,2}):(?P<m>\d{1,2})(?::(?P<s>\d{1,2})(?:\.\d+)?)?)?$",
    # 20260911 (text, integer or float with .0) / 20260911 12:00:00 / 20260911120000
    r"^(?P<Y>(?:19|20)\d{2})(?P<M>[01]\d)(?P<D>[0-3]\d)(?:\.0+)?(?:(?P<h>[0-2]\d):?(?P<m>[0-5]\d):?(?P<s>[0-5]\d)?)?$",
]
_SERIAL = r"^(?P<serial>\d{5}(?:\.\d+)?)$"
_EPOCH = r"^(?P<epoch>1\d{9}|1\d{12})(?:\.0+)?$"
_RANGE_RE = re.compile(
    r"(\d{4})[.\-/年](\d{1,2})[.\-/月](\d{1,2})日?\s*(?:-|~|～|至|到|—)\s*(\d{4})[.\-/年](\d{1,2})[.\-/月](\d{1,2})")
# a banner stating when the data was taken: `数据统计截至2026-03-24`, `数据截止：2026年03月24日 12:00`
_AS_OF_RE = re.compile(
    r"(?:截至|截止)(?:到|于)?\s*[:：]?\s*(\d{4})[.\-/年](\d{1,2})[.\-/月](\d{1,2})日?"
    r"(?:\s*(\d{1,2})(?:[:时点])(\d{1,2})?(?:[:分](\d{1,2})秒?)?)?")
_UNIX_NAME_RE = re.compile(r"(?<!\d)(1\d{9})(?:\D+(1\d{9}))?(?!\d)")
_DATE_NAME_RE = re.compile(r"(?<!\d)(20\d{2})[-_.年]?([01]\d)[-_.月]?([0-3]\d)(?!\d)")


def _norm(s: pd.Series) -> pd.Series:
    t = s.astype("string").str.normalize("NFKC").str.strip().str.lower()
    return t.str.replace(r"\s+", "", regex=True)


def parse_datetimes(s: pd.Series, placeholders: frozenset[str] = frozenset()) -> tuple[pd.Series, pd.Series]:
    """Text cells -> (tz-aware Asia/Shanghai timestamps, bad mask). Date-only values are at 00:00."""
    out = pd.Series(pd.NaT, index=s.index, dtype=f"datetime64[ns, {TZ}]")
    raw = s.astype(object)
    filled, todo_fast = _iso_like(raw)
    # exact common forms at C speed, the one the first cell has first (each miss costs a pass); everything else below.
    # The forms are disjoint (exact matching), so their order does not change the result. Only cells that begin like
    # them (`2026-`) are tried: a failed match costs pandas ~2 µs a cell (Bilibili's `2026年10月04日 …` tried three
    # times was a tenth of ingest's parsing).
    first = len(raw[todo_fast].iloc[0]) if todo_fast.any() and isinstance(raw[todo_fast].iloc[0], str) else -1
    parsed = pd.Series(False, index=s.index)
    for fmt in sorted(_FAST_FORMATS, key=lambda f: _FAST_LENGTHS[f] != first):
        if not todo_fast.any():
            break
        ts = pd.to_datetime(raw[todo_fast], format=fmt, errors="coerce")
        ok = ts.notna()
        if ok.any():
            idx = ts.index[ok]
            out.loc[idx] = ts[ok].dt.tz_localize(TZ, ambiguous="NaT", nonexistent="NaT")
            todo_fast.loc[idx] = False
            parsed.loc[idx] = True
    todo = filled & ~parsed
    if not todo.any():
        return out, pd.Series(False, index=s.index)
    rest = s[todo]
    # once per distinct text (a month repeats its slot times and date forms)
    sub, bad = on_distinct(rest, lambda u: _parse_slow(u, placeholders))
    out.loc[sub.index] = sub
    full_bad = pd.Series(False, index=s.index)
    full_bad.loc[bad.index] = bad
    return out, full_bad


def _iso_like(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(non-empty cells, cells that begin with four digits and a hyphen: the only ones _FAST_FORMATS can match),
    computed on an Arrow view of the column; cells that are not all text are all tried."""
    arr = arrow_text(raw)
    if arr is None:
        filled = (raw.notna() & raw.ne("")).astype(bool)
        return filled, filled.copy()
    return (arrow_mask(pc.not_equal(arr, ""), raw.index),
            arrow_mask(pc.match_substring_regex(arr, "^[0-9]{4}-"), raw.index))


_FAST_FORMATS = ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d", "%Y-%m-%d %H:%M"]
_FAST_LENGTHS = {"%Y-%m-%d %H:%M:%S": 19, "%Y-%m-%d": 10, "%Y-%m-%d %H:%M": 16}


def _parse_slow(s: pd.Series, placeholders: frozenset[str]) -> tuple[pd.Series, pd.Series]:
    t = _norm(s)
    # white space was removed by _norm: the patterns accept the time glued to the date
    missing = t.isna() | (t == "") | t.isin(placeholders).fillna(False).astype(bool)
    out = pd.Series(pd.NaT, index=s.index, dtype=f"datetime64[ns, {TZ}]")
    todo = ~missing
    for pat in _PATTERNS:
        if not todo.any():
            break
        m = t.where(todo).str.extract(pat)
        hit = m["Y"].notna()
        if not hit.any():
            continue
        parts = pd.DataFrame({
            "year": pd.to_numeric(m.loc[hit, "Y"]), "month": pd.to_numeric(m.loc[hit, "M"]),
            "day": pd.to_numeric(m.loc[hit, "D"]),
            "hour": pd.to_numeric(m.loc[hit, "h"]).fillna(0), "minute": pd.to_numeric(m.loc[hit, "m"]).fillna(0),
            "second": pd.to_numeric(m.loc[hit, "s"]).fillna(0),
        })
        # a clock reading past 23:59:59 is not a time (to_datetime would roll `25:00` into the next day)
        clock_ok = (parts["hour"] < 24) & (parts["minute"] < 60) & (parts["second"] < 60)
        ts = pd.to_datetime(parts, errors="coerce").where(clock_ok)
        good = ts.notna()
        idx = ts.index[good]
        out.loc[idx] = ts[good].dt.tz_localize(TZ, ambiguous="NaT", nonexistent="NaT")
        todo.loc[idx] = False
    if todo.any():  # Excel serial numbers (1900 date system), e.g. 46233 = 2026-07-30
        m = t.where(todo).str.extract(_SERIAL)["serial"]
        v = pd.to_numeric(m, errors="coerce")
        v = v.where((v > 20000) & (v < 80000))
        if v.notna().any():
            ts = pd.Timestamp("1899-12-30") + pd.to_timedelta((v[v.notna()] * 86400).round(), unit="s")
            out.loc[ts.index] = ts.dt.tz_localize(TZ)
            todo.loc[ts.index] = False
    if todo.any():  # unix timestamps (seconds or milliseconds): an instant, shown in Beijing time
        m = t.where(todo).str.extract(_EPOCH)["epoch"]
        v = pd.to_numeric(m, errors="coerce")
        if v.notna().any():
            v = v[v.notna()]
            v = v.where(v < 1e11, v / 1000.0)
            ts = pd.to_datetime(v, unit="s", utc=True).dt.tz_convert(TZ)
            out.loc[ts.index] = ts
            todo.loc[ts.index] = False
    if todo.any():  # ISO strings with an explicit offset (2026-07-27t14:47:18+08:00, ...z)
        cand = t.where(todo & t.str.contains(r"(?:[+-]\d{2}:?\d{2}|z)$", regex=True).fillna(False))
        cand = cand[cand.notna()]
        if len(cand):
            ts = pd.to_datetime(cand.str.upper(), errors="coerce", utc=True, format="ISO8601")
            ok = ts.notna()
            out.loc[ts.index[ok]] = ts[ok].dt.tz_convert(TZ)
            todo.loc[ts.index[ok]] = False
    bad = todo & ~missing
    return out, bad.fillna(False).astype(bool)


def parse_dates(s: pd.Series, placeholders: frozenset[str] = frozenset()) -> tuple[pd.Series, pd.Series]:
    """Calendar dates (naive datetime64 at midnight, meaning a Beijing day)."""
    ts, bad = parse_datetimes(s, placeholders)
    return ts.dt.tz_localize(None).dt.normalize().astype("datetime64[ns]"), bad


def range_in_text(texts: list[str]) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """A date range written in title cells, e.g. `数据趋势概况(2026.07.14-2026.08.12)` -> (start, end) days."""
    import unicodedata
    for text in texts:
        m = _RANGE_RE.search(unicodedata.normalize("NFKC", str(text)))
        if m:
            try:
                a = pd.Timestamp(int(m[1]), int(m[2]), int(m[3]), tz=TZ)
                b = pd.Timestamp(int(m[4]), int(m[5]), int(m[6]), tz=TZ)
            except ValueError:
                continue
            return a, b
    return None


def as_of_in_text(texts: list[str]) -> pd.Timestamp | None:
    """The instant a banner says the data was taken (`数据统计截至2026-03-24` -> 2026-03-25 00:00, the end of that
    day; with a time, that time), Beijing time; None when no banner says so."""
    import unicodedata
    for text in texts:
        m = _AS_OF_RE.search(unicodedata.normalize("NFKC", str(text)))
        if not m:
            continue
        try:
            day = pd.Timestamp(int(m[1]), int(m[2]), int(m[3]), tz=TZ)
            if m[4] is None:
                return day + pd.Timedelta(days=1)
            return day + pd.Timedelta(hours=int(m[4]), minutes=int(m[5] or 0), seconds=int(m[6] or 0))
        except ValueError:
            continue
    return None


def snapshot_from_name(name: str) -> pd.Timestamp | None:
    """The export's own time from a file name: `total_1774668963_1777260963.xls` (the later unix time), or a date
    such as `抖音作品列表_2026-11-02.xlsx` (end of that day)."""
    stamps = [int(x) for m in _UNIX_NAME_RE.finditer(name) for x in m.groups() if x]
    if stamps:
        return pd.Timestamp(max(stamps), unit="s", tz="UTC").tz_convert(TZ)
    matches = list(_DATE_NAME_RE.finditer(name))
    m = matches[-1] if matches else None  # the last date in the name
    if m:
        try:
            return pd.Timestamp(int(m[1]), int(m[2]), int(m[3]), tz=TZ) + pd.Timedelta(days=1)
        except ValueError:
            return None
    return None


__all__ = ["parse_datetimes", "parse_dates", "range_in_text", "as_of_in_text", "snapshot_from_name"]
