"""One formatter for every number a reader sees: the HTML pages, the SVG charts and the HR workbook's text.

A number is shown by its *unit*, which comes from the definition of what is measured (an indicator's `unit` in
config/assessment.yaml, a column's unit in config/labels/report.yaml `report.unit.<column>`), never from a template:

- `%`   a fraction shown as a percent (0.0127 -> `1.3%`); its change is in percentage points (`+0.5个百分点`);
- `×`   a ratio to a baseline (`1.85×`);
- `秒`  a duration in seconds (`45秒`, `2分05秒`, `1小时03分`);
- `分`  points, one decimal (`86.0分`; a total score alone is `score()`: `93.4`);
- any other unit (`条`, `人`, `次`, `天`, `篇`, `个`, `元` …) a count: no decimals when whole, `万` from 10,000
  (`12.3万次`), `10万+` for an export's lower bound;
- no unit: a plain number (whole numbers without decimals, others with at most two).

Missing values (None, NaN, pd.NA) are always `—`, never 0.
"""
from __future__ import annotations

import math

import pandas as pd

from .labels import label

DASH = "—"
MINUS = "-"
PERCENT, RATIO, SECONDS, POINTS = "%", "×", "秒", "分"
WAN = 10_000  # from here on a count is shown in 万


def num(value: object) -> float | None:
    """The value as a float, None when missing or not a number."""
    if value is None or value is pd.NA or isinstance(value, (str, bytes)) or isinstance(value, bool):
        return None
    try:
        f = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) or math.isinf(f) else f


def _trim(text: str) -> str:
    """`12.0` -> `12`, `1.50` -> `1.5` (only after a decimal point)."""
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def plain(value: object, digits: int = 2) -> str:
    """A unit-less number: whole numbers with thousands separators, others with at most `digits` decimals."""
    f = num(value)
    if f is None:
        return DASH
    if f.is_integer():
        return f"{int(f):,}"
    return _trim(f"{f:,.{digits}f}")


def percent(value: object, digits: int = 1) -> str:
    """A fraction as a percent: 0.0127 -> `1.3%`."""
    f = num(value)
    return DASH if f is None else f"{f * 100:.{digits}f}%"


def score(value: object) -> str:
    """A score with one decimal: `93.4`."""
    f = num(value)
    return DASH if f is None else f"{f:.1f}"


def ratio(value: object) -> str:
    """A ratio to a baseline: `1.85×`."""
    f = num(value)
    return DASH if f is None else f"{f:.2f}×"


def count(value: object, unit: str = "", lower_bound: bool = False) -> str:
    """A count with its unit: `6条`, `1,234次`, `12.3万次`; `10万+` when the export gave only a lower bound."""
    f = num(value)
    if f is None:
        return DASH
    if lower_bound:
        return f"{_trim(f'{f / WAN:.1f}')}万+{unit}" if f >= WAN else f"{plain(f, 1)}+{unit}"
    if abs(f) >= WAN:
        return f"{_trim(f'{f / WAN:.1f}')}万{unit}"
    return f"{plain(f, 1)}{unit}"


def duration(seconds: object) -> str:
    """Seconds as a duration: `45秒`, `2分05秒`, `1小时03分`."""
    f = num(seconds)
    if f is None:
        return DASH
    s = int(round(f))
    if s < 60:
        return f"{s}秒"
    if s < 3600:
        return f"{s // 60}分{s % 60:02d}秒"
    return f"{s // 3600}小时{(s % 3600) // 60:02d}分"


def value(x: object, unit: str = "", lower_bound: bool = False) -> str:
    """Any number by its unit (see the module docstring)."""
    unit = unit or ""
    if unit == PERCENT:
        return percent(x)
    if unit == RATIO:
        return ratio(x)
    if unit == SECONDS:
        return duration(x)
    if unit == POINTS:
        return score(x) + (POINTS if num(x) is not None else "")
    if unit:
        return count(x, unit, lower_bound)
    return plain(x)


def _sign(f: float, text: str) -> str:
    """`text` (the absolute value, formatted) with `+` or `-`; `±` when it rounds to zero."""
    if not any(ch in "123456789" for ch in text):
        return "±" + text
    return ("+" if f > 0 else MINUS) + text


def signed_pp(diff: object, digits: int = 1) -> str:
    """A difference of two fractions in percentage points: 0.005 -> `+0.5个百分点`."""
    f = num(diff)
    if f is None:
        return DASH
    return _sign(f, f"{abs(f) * 100:.{digits}f}") + label("fmt.pp")


def signed_percent(change: object, digits: int = 1) -> str:
    """A relative change (a fraction) as a signed percent: -0.159 -> `-15.9%`."""
    f = num(change)
    if f is None:
        return DASH
    return _sign(f, f"{abs(f) * 100:.{digits}f}%")


def signed(diff: object, unit: str = "") -> str:
    """A signed difference in the value's own unit: `+3.3` (scores), `-2条`, `+0.5个百分点` (fractions)."""
    f = num(diff)
    if f is None:
        return DASH
    if unit == PERCENT:
        return signed_pp(f)
    if unit == "":
        return _sign(f, f"{abs(f):.1f}")
    if unit == POINTS:
        return _sign(f, f"{abs(f):.1f}") + POINTS
    return _sign(f, value(abs(f), unit))


def relative_change(current: object, previous: object) -> float | None:
    """(current - previous) / previous, None when either is missing or previous is 0."""
    c, p = num(current), num(previous)
    if c is None or p is None or p == 0:
        return None
    return (c - p) / abs(p)


def change(current: object, previous: object, unit: str = "") -> str:
    """The change from `previous` to `current` as a reader expects it for the unit: percentage points for rates,
    points for scores, a relative percent (环比) for counts."""
    c, p = num(current), num(previous)
    if c is None or p is None:
        return DASH
    if unit in (PERCENT, POINTS, "", RATIO, SECONDS):
        return signed(c - p, unit if unit in (PERCENT, POINTS, "") else "")
    rel = relative_change(c, p)
    return signed_percent(rel) if rel is not None else signed(c - p, unit)
