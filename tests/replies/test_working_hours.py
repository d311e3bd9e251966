"""Working-hour arithmetic of replies.py, by class: additive, bounded by the clock, zero across nights and weekends."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from mediakpi.replies import clock_hours_between, load_replies_config, working_clock, working_hours_between

TZ = "Asia/Shanghai"
CFG = load_replies_config()
BASE = pd.Timestamp("2026-09-01", tz=TZ)
moments = st.integers(min_value=0, max_value=60 * 24 * 90).map(lambda m: BASE + pd.Timedelta(minutes=m))


def _w(a, b):
    return float(working_hours_between(pd.Series([a]), pd.Series([b]), CFG)[0])


@settings(max_examples=200, deadline=None)
@given(moments, moments, moments)
def test_additive_and_bounded(a, b, c):
    a, b, c = sorted([a, b, c])
    assert abs(_w(a, c) - (_w(a, b) + _w(b, c))) < 1e-9
    assert 0 <= _w(a, b) <= float(clock_hours_between(pd.Series([a]), pd.Series([b]))[0]) + 1e-9


@settings(max_examples=100, deadline=None)
@given(moments)
def test_night_and_weekend_add_nothing(t):
    """From the end of a working day (18:00) to the next working morning (09:00) no working hour passes."""
    day = t.normalize()
    evening = day + pd.Timedelta(hours=18)
    nxt = day + pd.Timedelta(days=1)
    while nxt.day_of_week >= 5:
        nxt += pd.Timedelta(days=1)
    assert _w(evening, nxt + pd.Timedelta(hours=9)) == 0


def test_examples():
    fri = pd.Timestamp("2026-10-09 17:00", tz=TZ)  # a Friday
    assert _w(fri, pd.Timestamp("2026-10-12 10:00", tz=TZ)) == 2.0  # 1 h Friday + 1 h Monday
    assert _w(pd.Timestamp("2026-10-09 22:00", tz=TZ), pd.Timestamp("2026-10-12 09:30", tz=TZ)) == 0.5
    assert _w(pd.Timestamp("2026-10-10 10:00", tz=TZ), pd.Timestamp("2026-10-11 16:00", tz=TZ)) == 0.0  # weekend
    assert np.isnan(working_clock(pd.Series([pd.NaT]), CFG)[0])


def test_holidays_and_worked_weekend():
    cfg = CFG.model_copy(
        update={
            "working_hours": CFG.working_hours.model_copy(
                update={"holidays": ["2026-10-12"], "workdays": ["2026-10-10"]}
            )
        }
    )
    sat, mon, tue = (pd.Timestamp(f"2026-10-{d} 10:00", tz=TZ) for d in (10, 12, 13))
    w = lambda a, b: float(working_hours_between(pd.Series([a]), pd.Series([b]), cfg)[0])  # noqa: E731
    assert w(sat, sat + pd.Timedelta(hours=1)) == 1.0  # the worked Saturday counts
    assert w(mon, mon + pd.Timedelta(hours=3)) == 0.0  # the holiday does not
    assert w(sat, tue) == 8.0 + 1.0  # Sat 10-18, then Tue 09-10
