"""Vectorised number parsing by a column's declared form (pandas string ops, no Python loop per cell)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..distinct import on_distinct
from ..fastops import arrow_mask, arrow_text

_NUM = (
    r"^(?P<cmp>[<>≤≥]=?)?(?P<sign>[+-])?(?P<num>\d+(?:\.\d*)?|\.\d+)(?:e(?P<exp>[+-]?\d+))?"
    r"(?P<mag>万|w|亿|千|k)?(?P<plus>\+)?(?P<unit>%|‰|秒|s|sec|星|次播放|次|条|个|人|元|分钟|min|分)?(?P<plus2>\+)?$"
)
_CLOCK = r"^(?:(?P<h>\d+):)?(?P<m>\d{1,3}):(?P<s>\d{1,2}(?:\.\d+)?)$"
_CN_DUR = r"^(?=\d)(?:(?P<h>\d+(?:\.\d+)?)(?:小时|时|h))?(?:(?P<m>\d+(?:\.\d+)?)(?:分钟|分|m))?(?:(?P<s>\d+(?:\.\d+)?)(?:秒|s))?$"
_MAG = {"万": 1e4, "w": 1e4, "亿": 1e8, "千": 1e3, "k": 1e3}
_COUNT_UNITS = {"", "次播放", "次", "条", "个", "人"}


@dataclass
class Parsed:
    values: pd.Series        # float64, NaN where missing or bad
    bad: pd.Series           # bool: a non-empty cell that is not a placeholder and could not be read
    lower_bound: pd.Series   # bool: written as 10万+ / >… (the true value is at least this)


def _fields(p: Parsed) -> tuple[pd.Series, pd.Series, pd.Series]:
    return p.values, p.bad, p.lower_bound


def normalise_text(s: pd.Series) -> pd.Series:
    """NFKC, strip, lower case, no inner spaces, no thousands separators."""
    t = s.astype("string").str.normalize("NFKC").str.strip().str.lower()
    t = t.str.replace(r"\s+", "", regex=True).str.replace("\u2212", "-", regex=False)  # U+2212 minus sign
    t = t.str.replace(r"(?<=\d),(?=\d{3}(?:\D|$))", "", regex=True)
    return t


def placeholder_mask(t: pd.Series, placeholders: frozenset[str], sentinels: list[str] | None = None) -> pd.Series:
    empty = t.isna() | (t == "")
    marks = set(placeholders) | {str(x).strip().lower() for x in (sentinels or [])}
    return empty | t.isin(marks).fillna(False).astype(bool)


_FAST_SCALE = {"int": 1.0, "float": 1.0, "fraction": 1.0, "percent": 0.01, "seconds": 1.0, "stars": 1.0, "fen": 0.01}


def parse_numbers(s: pd.Series, form: str, placeholders: frozenset[str], sentinels: list[str] | None = None,
                  unit_hint: str | None = None) -> Parsed:
    """Parse a column of text cells as `form` (int, float, fraction, percent, seconds, stars, fen).

    Plain numbers (the bulk of every export) take a C-speed path; only the other cells go through the full grammar."""
    if form not in _FAST_SCALE:
        raise ValueError(f"unknown number form {form!r}")
    raw = s.astype(object)
    fast, filled, other = _plain_numbers(raw)
    if other.any():   # not a plain decimal, but maybe a number pandas reads (` 12`, `1e5`, `-3`)
        fast[other] = pd.to_numeric(raw[other], errors="coerce").astype("float64")
    fast = fast.where(np.isfinite(fast))
    rest = fast.isna() & filled
    hint = (unit_hint or "").lower()
    scale = _FAST_SCALE[form]
    if form == "fraction" and hint == "%":
        scale = 0.01
    if form == "seconds" and hint in ("分", "min", "分钟"):
        scale = 60.0
    values = (fast * scale).astype("float64")
    if sentinels:
        for x in sentinels:
            try:
                values = values.mask(fast.eq(float(x)))
            except ValueError:
                continue
    if not rest.any():
        false = pd.Series(False, index=s.index)
        return Parsed(values, false, false.copy())
    slow = Parsed(*on_distinct(raw[rest], lambda u: _fields(_parse_slow(u, form, placeholders, sentinels, unit_hint))))
    values = values.copy()
    values[rest] = slow.values
    bad = pd.Series(False, index=s.index)
    bad[rest] = slow.bad
    lower = pd.Series(False, index=s.index)
    lower[rest] = slow.lower_bound
    return Parsed(values, bad, lower)


# A plain decimal number, as exports write most cells (`14029`, `0.128`): ASCII digits and at most one point. Arrow
# reads these bit for bit as pandas.to_numeric and float() do (tests/ingest/test_fast_paths.py), at C speed and without a
# Python object per cell. Cells with one of _NOT_PANDAS can be no number pandas reads (`12.5%`, `4星`, `1.2万`,
# `2026年…`): they skip pandas' reader, where each failure is slow, and go straight to the full grammar.
_PLAIN = r"^[0-9]{1,15}(?:\.[0-9]{1,15})?$"
_NOT_PANDAS = "[%‰星万亿年月日时秒:：]"


def _plain_numbers(raw: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """-> (float64 values of the plain decimal cells, NaN elsewhere; mask of the non-empty cells; mask of the cells
    left for pandas' number reader). Cells that are not all text take pandas' reader as they are."""
    arr = arrow_text(raw)
    if arr is None:
        filled = (raw.notna() & raw.ne("")).astype(bool)
        return pd.Series(np.nan, index=raw.index, dtype="float64"), filled, filled
    plain = pc.match_substring_regex(arr, _PLAIN)
    vals = pc.cast(pc.if_else(plain, arr, pa.scalar(None, pa.string())), pa.float64())
    filled = pc.not_equal(arr, "")
    other = pc.and_(pc.and_(filled, pc.invert(plain)), pc.invert(pc.match_substring_regex(arr, _NOT_PANDAS)))
    return (pd.Series(vals.to_numpy(zero_copy_only=False), index=raw.index, dtype="float64"),
            arrow_mask(filled, raw.index), arrow_mask(other, raw.index))


def _parse_slow(s: pd.Series, form: str, placeholders: frozenset[str], sentinels: list[str] | None = None,
                unit_hint: str | None = None) -> Parsed:
    t = normalise_text(s)
    missing = placeholder_mask(t, placeholders, sentinels)
    if sentinels:
        # numeric sentinels such as -1 also match -1.00
        for x in sentinels:
            try:
                v = float(x)
            except ValueError:
                continue
            missing |= pd.to_numeric(t, errors="coerce").eq(v).fillna(False).astype(bool)
    work = t.where(~missing)
    m = work.str.extract(_NUM)
    num = pd.to_numeric(m["num"], errors="coerce")
    exp = pd.to_numeric(m["exp"], errors="coerce").fillna(0)
    num = num * np.power(10.0, exp)
    num = num.where(m["sign"].ne("-").fillna(True), -num)
    mag = m["mag"].map(_MAG).astype("float64").fillna(1.0)
    val = num * mag
    unit = m["unit"].fillna("")
    plus = m["plus"].notna() | m["plus2"].notna() | m["cmp"].isin([">", ">=", "≥"]).fillna(False)
    ok = num.notna()
    hint = (unit_hint or "").lower()

    if form in ("int", "float", "fen"):
        if form == "float":  # free numbers in team tables: 预算 1,000元, 目标转化率 5%
            ok &= unit.isin(_COUNT_UNITS | {"元", "%"})
            val = val.where(~unit.eq("%"), val / 100.0)
        else:
            ok &= unit.isin(_COUNT_UNITS | {"元"})
        if form == "fen":
            val = val / 100.0
    elif form in ("fraction", "percent"):
        pct = unit.eq("%")
        permille = unit.eq("‰")
        ok &= unit.isin({"", "%", "‰"})
        bare_is_percent = form == "percent" or hint == "%"
        scale = pd.Series(np.where(pct | bare_is_percent, 0.01, 1.0), index=val.index)
        scale = scale.where(~permille, 0.001)
        val = val * scale
    elif form == "stars":
        ok &= unit.isin({"", "星"})
    elif form == "seconds":
        ok &= unit.isin({"", "秒", "s", "sec", "分钟", "min", "分"})
        minutes = unit.isin({"分钟", "min", "分"}) | (hint in ("分", "min", "分钟"))
        val = val.where(~minutes, val * 60.0)
        clock = work.str.extract(_CLOCK)
        csec = (pd.to_numeric(clock["h"], errors="coerce").fillna(0) * 3600
                + pd.to_numeric(clock["m"], errors="coerce") * 60 + pd.to_numeric(clock["s"], errors="coerce"))
        cn = work.where(~ok).str.extract(_CN_DUR)
        cn_any = cn.notna().any(axis=1)
        cnsec = (pd.to_numeric(cn["h"], errors="coerce").fillna(0) * 3600
                 + pd.to_numeric(cn["m"], errors="coerce").fillna(0) * 60
                 + pd.to_numeric(cn["s"], errors="coerce").fillna(0))
        use_clock = csec.notna() & ~ok
        val = val.where(~use_clock, csec)
        ok |= use_clock
        use_cn = cn_any & ~ok
        val = val.where(~use_cn, cnsec)
        ok |= use_cn
    else:
        raise ValueError(f"unknown number form {form!r}")

    val = val.where(ok & ~missing).astype("float64")
    bad = ~missing & ~ok
    return Parsed(val, bad.fillna(False).astype(bool), (plus & ok & ~missing).fillna(False).astype(bool))


def to_int(values: pd.Series) -> pd.Series:
    """Counts as nullable Int64 (values such as 1.2万 = 12000.0 are exact; others are rounded)."""
    return values.round().astype("Int64")


# everyday forms too (issue 22): 有/无 (a 重大违规 written 有 is a yes), ✔/✘, 对/错
_TRUE = {"是", "y", "yes", "true", "1", "√", "✓", "✔", "对", "原创", "已采纳", "采纳", "t", "有", "是的"}
_FALSE = {"否", "n", "no", "false", "0", "×", "✗", "✘", "x", "不是", "非原创", "未采纳", "不采纳", "f", "无", "没有", "错"}


def parse_bool(s: pd.Series, placeholders: frozenset[str]) -> Parsed:
    return Parsed(*on_distinct(s, lambda u: _fields(_parse_bool(u, placeholders))))


def _parse_bool(s: pd.Series, placeholders: frozenset[str]) -> Parsed:
    t = normalise_text(s)
    missing = placeholder_mask(t, placeholders)
    yes = t.isin(_TRUE).fillna(False).astype(bool)
    no = t.isin(_FALSE).fillna(False).astype(bool)
    vals = pd.Series(pd.NA, index=s.index, dtype="boolean")
    vals[yes] = True
    vals[no] = False
    bad = ~missing & ~yes & ~no
    return Parsed(vals, bad, pd.Series(False, index=s.index))
