import pandas as pd
import pytest

from mediakpi.periods import Period, PeriodError, month_shift, previous_months


@pytest.mark.parametrize("text,kind,months", [
    ("2026-10", "month", ["2026-10"]),
    ("2026-Q3", "quarter", ["2026-07", "2026-08", "2026-09"]),
    ("2026-q1", "quarter", ["2026-01", "2026-02", "2026-03"]),
    ("2026", "year", [f"2026-{m:02d}" for m in range(1, 13)]),
])
def test_parse(text, kind, months):
    p = Period.parse(text)
    assert p.kind == kind and p.months == months


@pytest.mark.parametrize("bad", ["2026-13", "2026-00", "26-10", "2026-Q5", "2026/10", "", "2026-10; rm -rf /", "202610"])
def test_bad_periods_say_what_to_write(bad):
    with pytest.raises(PeriodError, match="YYYY-MM"):
        Period.parse(bad)


def test_bounds_are_beijing_time_and_half_open():
    p = Period.parse("2026-10")
    assert str(p.start.tz) == "Asia/Shanghai" and p.start == pd.Timestamp("2026-10-01", tz="Asia/Shanghai")
    assert p.end == pd.Timestamp("2026-11-01", tz="Asia/Shanghai") and p.days == 31
    ts = pd.Series(pd.to_datetime(["2026-09-30 23:59:59", "2026-10-01 00:00:00", "2026-10-31 23:59:00", "2026-11-01 00:00:00"])
                   ).dt.tz_localize("Asia/Shanghai")
    assert p.contains(ts).tolist() == [False, True, True, False]
    # 2026-10-31 17:00 UTC is already November in Beijing
    utc = pd.Series([pd.Timestamp("2026-10-31 17:00", tz="UTC")]).dt.tz_convert("Asia/Shanghai")
    assert p.contains(utc).tolist() == [False]


def test_month_arithmetic():
    assert month_shift("2026-01", -1) == "2025-12"
    assert previous_months("2026-02", 3) == ["2025-11", "2025-12", "2026-01"]
    assert Period.parse("2026-Q4").quarters == ["2026-Q4"]
    assert Period.parse("2026").quarters == ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]
