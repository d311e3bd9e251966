"""Assessment periods: a month `YYYY-MM`, a quarter `YYYY-Qn` or a year `YYYY`, in Beijing time."""
from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

TZ = "Asia/Shanghai"
MONTH_RE = re.compile(r"(\d{4})-(0[1-9]|1[0-2])")
QUARTER_RE = re.compile(r"(\d{4})-Q([1-4])")
YEAR_RE = re.compile(r"(\d{4})")


class PeriodError(ValueError):
    """A period string that is not YYYY-MM, YYYY-Qn or YYYY."""


@dataclass(frozen=True)
class Period:
    text: str
    kind: str  # "month" | "quarter" | "year"
    year: int
    index: int  # month 1-12, quarter 1-4, or 0 for a year

    @classmethod
    def parse(cls, text: "str | Period") -> "Period":
        text = str(text).strip()
        if m := MONTH_RE.fullmatch(text):
            return cls(text, "month", int(m[1]), int(m[2]))
        if m := QUARTER_RE.fullmatch(text.upper()):
            return cls(text.upper(), "quarter", int(m[1]), int(m[2]))
        if YEAR_RE.fullmatch(text):
            return cls(text, "year", int(text), 0)
        raise PeriodError(
            f"周期 {text!r} 格式不对：请写成 YYYY-MM（月，如 2026-10）、YYYY-Qn（季度，如 2026-Q3）或 YYYY（年，如 2026）。"
        )

    @property
    def months(self) -> list[str]:
        if self.kind == "month":
            return [self.text]
        if self.kind == "quarter":
            first = 3 * (self.index - 1) + 1
            return [f"{self.year}-{m:02d}" for m in range(first, first + 3)]
        return [f"{self.year}-{m:02d}" for m in range(1, 13)]

    @property
    def quarters(self) -> list[str]:
        if self.kind == "year":
            return [f"{self.year}-Q{q}" for q in range(1, 5)]
        if self.kind == "quarter":
            return [self.text]
        return [f"{self.year}-Q{(self.index - 1) // 3 + 1}"]

    @property
    def start(self) -> pd.Timestamp:
        """First instant of the period, Beijing time."""
        return pd.Timestamp(f"{self.months[0]}-01", tz=TZ)

    @property
    def end(self) -> pd.Timestamp:
        """First instant after the period, Beijing time (half-open interval)."""
        return pd.Timestamp(f"{self.months[-1]}-01", tz=TZ) + pd.offsets.MonthBegin(1)

    @property
    def days(self) -> int:
        return int((self.end - self.start) / pd.Timedelta(days=1))

    def contains(self, ts: pd.Series) -> pd.Series:
        return (ts >= self.start) & (ts < self.end)

    def __str__(self) -> str:
        return self.text


def month_shift(month: str, n: int) -> str:
    p = pd.Period(month, freq="M") + n
    return f"{p.year}-{p.month:02d}"


def previous_period(period: str) -> str:
    """The period before `period` of the same kind: the month, quarter or year before."""
    p = Period.parse(period)
    if p.kind == "month":
        return month_shift(p.text, -1)
    if p.kind == "quarter":
        return f"{p.year}-Q{p.index - 1}" if p.index > 1 else f"{p.year - 1}-Q4"
    return str(p.year - 1)


def previous_months(month: str, n: int) -> list[str]:
    """The n months before `month`, oldest first."""
    return [month_shift(month, -k) for k in range(n, 0, -1)]
