"""Properties of ownership.py (Hypothesis): each day of an account is held by at most one person or marked as a
conflict; holders' shares of a period sum to ≤ 1 per account; a post is attributed by its publish date; split
follower rows add up to the account's month."""
from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mediakpi import ownership as own
from mediakpi import catalog
from mediakpi.clean import account_month
from mediakpi.clean.records import conform
import pytest

pytestmark = pytest.mark.slow  # Hypothesis properties over whole months (~50 s here) (tiers: tests/conftest.py)

PERIOD = "2026-10"
FIRST = pd.Timestamp("2026-10-01")
DAYS = pd.date_range("2026-10-01", "2026-10-31", freq="D")
NAMES = ["甲", "乙", "丙"]
ACCOUNTS = [("douyin", "号A"), ("bilibili", "号B")]

# a day offset from 1 October (−10 … 40), or None for a blank (open) date
offset = st.one_of(st.none(), st.integers(-10, 40))
row = st.tuples(st.sampled_from(NAMES), st.sampled_from(ACCOUNTS), offset, offset)
rosters = st.lists(row, min_size=0, max_size=6)


def to_roster(rows) -> pd.DataFrame:
    out = []
    for i, (name, (plat, acc), a, b) in enumerate(rows):
        out.append({"name": name, "platform": plat, "account": acc,
                    "start_date": FIRST + pd.Timedelta(days=a) if a is not None else pd.NaT,
                    "end_date": FIRST + pd.Timedelta(days=b) if b is not None else pd.NaT,
                    "source_file": "花名册.xlsx", "source_row": i + 2})
    return pd.DataFrame(out, columns=["name", "platform", "account", "start_date", "end_date", "source_file",
                                      "source_row"])


def oracle(rows, plat, acc, day: pd.Timestamp) -> set[str]:
    """The rule as written in the docstring: the names whose rows cover the day (both ends inclusive)."""
    names = set()
    for name, (p, a), s, e in rows:
        start = FIRST + pd.Timedelta(days=s) if s is not None else pd.Timestamp.min
        end = FIRST + pd.Timedelta(days=e) if e is not None else pd.Timestamp.max
        if (p, a) == (plat, acc) and start <= day <= end:
            names.add(name)
    return names


FAST = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(rosters)
def test_each_day_has_at_most_one_holder_or_is_a_conflict(rows):
    r = to_roster(rows)
    plat = pd.Series([p for p, _ in ACCOUNTS for _ in DAYS])
    acc = pd.Series([a for _, a in ACCOUNTS for _ in DAYS])
    when = pd.Series(list(DAYS) * len(ACCOUNTS))
    got = own.owners(r, plat, acc, when)
    in_roster = {account for _, account, _, _ in rows}
    for p, a, d, op, status in zip(plat, acc, when, got["operator"], got["ownership"]):
        names = oracle(rows, p, a, d)
        if (p, a) not in in_roster:
            assert status == "not_in_roster" and pd.isna(op)
        elif len(names) == 1:
            assert status == "held" and op == next(iter(names))
        elif names:
            assert status == "conflict" and pd.isna(op)
        else:
            assert status == "vacant" and pd.isna(op)
    c = own.conflicts(r, PERIOD)
    any_conflict = any(len(oracle(rows, p, a, d)) > 1 for p, a in ACCOUNTS for d in DAYS)
    assert (not c.empty) == any_conflict
    if not c.empty:
        assert (c["operator_a"] != c["operator_b"]).all()


@FAST
@given(rosters)
def test_holders_shares_sum_to_at_most_one_per_account(rows):
    r = to_roster(rows)
    d = own.days_held(r, PERIOD)
    assert (d["share"] > 0).all() and (d["share"] <= 1).all()
    per_account = d.groupby(["platform", "account"])["share"].sum()
    assert (per_account <= 1 + 1e-12).all()
    # days held are the oracle's days with exactly that one holder
    for (p, a, name), days in d.set_index(["platform", "account", "operator"])["days_held"].items():
        assert days == sum(oracle(rows, p, a, day) == {name} for day in DAYS)
    people = own.person_days(r, PERIOD).set_index("operator")
    for name, g in d.groupby("operator"):
        assert people.loc[name, "share"] >= g["share"].max() - 1e-12
        assert people.loc[name, "share"] <= min(1.0, g["share"].sum() + 1e-12)
    active = own.active_people(r, PERIOD)
    assert set(d["operator"]) <= set(active)


@FAST
@given(rosters, st.lists(st.tuples(st.sampled_from(ACCOUNTS), st.integers(0, 31 * 24 * 60 - 1)), max_size=15))
def test_a_post_is_attributed_by_its_publish_date_in_beijing(rows, posts):
    r = to_roster(rows)
    if not posts:
        return
    local = pd.Series([FIRST + pd.Timedelta(minutes=m) for _, m in posts]).dt.tz_localize("Asia/Shanghai")
    plat = pd.Series([p for (p, _), _ in posts])
    acc = pd.Series([a for (_, a), _ in posts])
    by_time = own.owners(r, plat, acc, local)
    by_utc = own.owners(r, plat, acc, local.dt.tz_convert("UTC"))
    noon = own.owners(r, plat, acc, local.dt.normalize() + pd.Timedelta(hours=12))
    pd.testing.assert_frame_equal(by_time, by_utc)
    pd.testing.assert_frame_equal(by_time, noon)
    for p, a, t, op in zip(plat, acc, local, by_time["operator"]):
        names = oracle(rows, p, a, t.tz_localize(None).normalize())
        assert (op == next(iter(names))) if len(names) == 1 else pd.isna(op)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rosters, st.integers(0, 2**32 - 1))
def test_split_follower_rows_add_up_to_the_account_month(rows, seed):
    rng = np.random.default_rng(seed)
    r = to_roster(rows)
    dates = [pd.Timestamp("2026-09-30"), *DAYS]
    frames = []
    for p, a in ACCOUNTS:
        gained = rng.integers(0, 50, len(dates))
        lost = rng.integers(0, 20, len(dates))
        frames.append(pd.DataFrame({"platform": p, "account": a, "operator": pd.NA, "date": dates,
                                    "followers_total": 1000 + np.cumsum(gained - lost),
                                    "followers_gained": gained, "followers_lost": lost}))
    daily = conform(pd.concat(frames, ignore_index=True), catalog.ACCOUNT_DAILY)
    am = account_month(pd.DataFrame(columns=list(catalog.POSTS)), daily, PERIOD, roster=r)
    assert not am.duplicated(["platform", "account", "month", "operator"]).any()
    octo = daily[daily["date"] >= FIRST]
    for (p, a), g in am.groupby(["platform", "account"]):
        src = octo[(octo["platform"] == p) & (octo["account"] == a)]
        eve = daily[(daily["platform"] == p) & (daily["account"] == a)]["followers_total"].iloc[0]
        assert g["followers_gained"].sum() == src["followers_gained"].sum()
        assert g["net_growth"].sum() == src["followers_total"].iloc[-1] - eve
        assert g["days"].sum() == 31
        if not r.empty and (r["account"] == a).any():
            assert g["days_held"].sum() == 31          # holders' days plus the days nobody held it
        for op, days in zip(g["operator"], g["days_held"]):
            if not pd.isna(op):
                assert days == sum(oracle(rows, p, a, d) == {op} for d in DAYS)
    whole = own.whole_months(am)
    assert len(whole) == len(ACCOUNTS)
    for (p, a), w in whole.set_index(["platform", "account"]).iterrows():
        src = daily[(daily["platform"] == p) & (daily["account"] == a)]
        assert w["followers_start"] == src["followers_total"].iloc[0]
        assert w["followers_end"] == src["followers_total"].iloc[-1]
