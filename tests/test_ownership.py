"""ownership.py: who held which account on which day (unit tests; properties in test_ownership_properties.py)."""
from __future__ import annotations

import pandas as pd
import pytest

from mediakpi import ownership as own
from mediakpi.periods import Period


def roster(*rows) -> pd.DataFrame:
    """rows: (name, platform, account, start, end[, source_file, source_row])."""
    out = []
    for i, r in enumerate(rows):
        name, plat, acc, start, end, *src = r
        out.append({"name": name, "platform": plat, "account": acc,
                    "start_date": pd.Timestamp(start) if start else pd.NaT,
                    "end_date": pd.Timestamp(end) if end else pd.NaT,
                    "source_file": src[0] if src else "2026-10/花名册.xlsx",
                    "source_row": src[1] if len(src) > 1 else i + 2})
    return pd.DataFrame(out)


HANDOVER = roster(("赵磊", "抖音", "茶园日记", "2025-01-01", "2026-10-15"),
                  ("周婷", "Douyin", "茶园日记", "2026-10-16", None))


def at(*times: str) -> pd.Series:
    return pd.Series(pd.to_datetime(list(times))).dt.tz_localize("Asia/Shanghai")


def test_owner_by_day_inclusive_and_in_beijing_time():
    got = own.owners(HANDOVER, pd.Series(["douyin"] * 3), pd.Series(["茶园日记", "茶园 日记", "茶园日记"]),
                     at("2026-10-15 23:59", "2026-10-16 00:00", "2026-10-31 12:00"))
    assert got["operator"].tolist() == ["赵磊", "周婷", "周婷"]
    assert set(got["ownership"]) == {"held"}
    utc = pd.Series(pd.to_datetime(["2026-10-15 16:30"]).tz_localize("UTC"))   # 00:30 on the 16th in Beijing
    assert own.owner_on(HANDOVER, pd.Series(["douyin"]), pd.Series(["茶园日记"]), utc).tolist() == ["周婷"]


def test_vacant_not_in_roster_and_no_date():
    r = roster(("李娜", "小红书", "茶小禾", "2026-10-10", None))
    got = own.owners(r, pd.Series(["xiaohongshu", "xiaohongshu", "weibo", "xiaohongshu"]),
                     pd.Series(["茶小禾", "茶小禾", "茶小禾", "茶小禾"]),
                     pd.Series(pd.to_datetime(["2026-10-09", "2026-10-10", "2026-10-10", None])))
    assert got["operator"].astype(object).where(got["operator"].notna(), None).tolist() == [None, "李娜", None, "李娜"]
    assert got["ownership"].tolist() == ["vacant", "held", "not_in_roster", "held"]
    # no date and two holders: cannot be told
    got = own.owners(HANDOVER, pd.Series(["douyin"]), pd.Series(["茶园日记"]), pd.Series([pd.NaT]))
    assert got["operator"].isna().all() and got["ownership"].tolist() == ["no_date"]


def test_two_undated_rows_are_a_conflict_naming_both_rows_and_nothing_is_attributed():
    r = roster(("王芳", "B站", "青禾茶课", None, None, "2026-10/花名册.xlsx", 4),
               ("陈晨", "bilibili", "青禾茶课", None, None, "2026-10/花名册.xlsx", 7))
    got = own.owners(r, pd.Series(["bilibili"] * 2), pd.Series(["青禾茶课"] * 2), at("2026-10-01", "2026-10-20"))
    assert got["operator"].isna().all()
    assert got["ownership"].tolist() == ["conflict", "conflict"]
    c = own.conflicts(r, "2026-10")
    assert len(c) == 1
    row = c.iloc[0]
    assert {row["operator_a"], row["operator_b"]} == {"王芳", "陈晨"}
    assert {row["row_a"], row["row_b"]} == {"2026-10/花名册.xlsx 第 4 行", "2026-10/花名册.xlsx 第 7 行"}
    assert row["days"] == 31
    assert own.days_held(r, "2026-10").empty
    assert own.active_people(r, "2026-10") == ["王芳", "陈晨"]   # on the roster, scored once the roster is fixed


def test_same_person_twice_is_not_a_conflict():
    r = roster(("王芳", "B站", "青禾茶课", None, None), ("王芳", "bilibili", "青禾茶课", "2026-10-05", None))
    assert own.conflicts(r).empty
    assert own.days_held(r, "2026-10")["days_held"].tolist() == [31]


def test_partial_overlap_only_the_shared_days_conflict():
    r = roster(("甲", "微博", "一叶知秋", None, "2026-10-20"), ("乙", "微博", "一叶知秋", "2026-10-11", None))
    h = own.days_held(r, "2026-10").set_index("operator")
    assert h.loc["甲", "days_held"] == 10 and h.loc["乙", "days_held"] == 11
    c = own.conflicts(r, "2026-10").iloc[0]
    assert (c["first_day"], c["last_day"], c["days"]) == (pd.Timestamp("2026-10-11"), pd.Timestamp("2026-10-20"), 10)


def test_holdings_days_held_and_person_share_for_a_handover():
    h = own.holdings(HANDOVER, "2026-10")
    assert h[["operator", "start", "end", "days"]].values.tolist() == [
        ["赵磊", pd.Timestamp("2026-10-01"), pd.Timestamp("2026-10-15"), 15],
        ["周婷", pd.Timestamp("2026-10-16"), pd.Timestamp("2026-10-31"), 16]]
    d = own.days_held(HANDOVER, "2026-10").set_index("operator")
    assert d.loc["周婷", "share"] == pytest.approx(16 / 31)
    assert d["share"].sum() == pytest.approx(1.0)
    two = pd.concat([HANDOVER, roster(("周婷", "小红书", "茶小禾", "2026-10-10", None))], ignore_index=True)
    p = own.person_days(two, "2026-10").set_index("operator")
    assert p.loc["周婷", "days_held"] == 22        # 10th–31st: the two accounts' days counted once
    assert p.loc["赵磊", "share"] == pytest.approx(15 / 31)
    q = own.person_days(two, Period.parse("2026-Q4"))
    assert q.set_index("operator").loc["周婷", "period_days"] == 92


def test_active_people_outside_the_period_and_rows_with_unknown_platform():
    r = roster(("老张", "抖音", "旧号", None, "2026-08-31"), ("小王", "脸书", "fb", None, None),
               ("小李", "抖音", "新号", "2026-11-01", None))
    assert own.active_people(r, "2026-10") == ["小王"]   # an unknown platform still keeps the person on the roster
    assert own.conflicts(r).empty


def test_later_roster_month_speaks_for_its_month():
    """September's roster: 赵磊 open-ended; October's: 赵磊 until the 15th, then 周婷. In a quarter both rosters are
    read: no conflict, and each month follows its own roster."""
    sep = roster(("赵磊", "抖音", "茶园日记", "2025-01-01", None, "2026-09/花名册.xlsx", 2))
    octo = roster(("赵磊", "抖音", "茶园日记", "2025-01-01", "2026-10-15", "2026-10/花名册.xlsx", 2),
                  ("周婷", "抖音", "茶园日记", "2026-10-16", None, "2026-10/花名册.xlsx", 3))
    nov = roster(("周婷", "抖音", "茶园日记", "2026-10-16", None, "2026-11/花名册.xlsx", 2))
    r = pd.concat([sep, octo, nov], ignore_index=True)
    assert own.conflicts(r).empty
    got = own.owner_on(r, pd.Series(["douyin"] * 4), pd.Series(["茶园日记"] * 4),
                       at("2026-09-20", "2026-10-15", "2026-10-16", "2026-11-30"))
    assert got.tolist() == ["赵磊", "赵磊", "周婷", "周婷"]
    h = own.holdings(r, "2026-Q4")
    assert h[["operator", "days"]].values.tolist() == [["赵磊", 15], ["周婷", 77]]


def test_whole_months_undo_the_split():
    am = pd.DataFrame({"platform": ["douyin"] * 2, "account": ["茶园日记"] * 2, "month": ["2026-10"] * 2,
                       "operator": ["周婷", "赵磊"], "first_day": pd.to_datetime(["2026-10-16", "2026-10-01"]),
                       "followers_start": [1100, 1000], "followers_end": [1250, 1100],
                       "followers_gained": [180, 130], "followers_lost": [30, 30], "net_growth": [150, 100]})
    w = own.whole_months(am)
    assert len(w) == 1
    assert w.iloc[0][["followers_start", "followers_end", "net_growth", "followers_gained"]].tolist() == [1000, 1250, 250, 310]
    assert w.iloc[0]["growth_rate"] == pytest.approx(0.25)


def test_account_level_readers_count_a_handover_months_start_once():
    """content's growth table and the platform indices read account_month per account: a hand-over month's two holder
    rows must not add the two starts (2,100) or take an earlier holder's end."""
    from mediakpi.content.overview import _growth
    from mediakpi.indices import _follower_inputs

    am = pd.DataFrame({"platform": ["douyin"] * 2, "account": ["茶园日记"] * 2, "month": ["2026-10"] * 2,
                       "operator": ["赵磊", "周婷"], "first_day": pd.to_datetime(["2026-10-01", "2026-10-16"]),
                       "last_day": pd.to_datetime(["2026-10-15", "2026-10-31"]),
                       "followers_start": [1000, 1100], "followers_end": [1100, 1250], "net_growth": [100, 150]})
    acc = _growth(am, ["platform", "account"]).iloc[0]
    assert (acc["followers_start"], acc["net_growth"]) == (1000, 250)
    per_person = _growth(am, ["operator"]).set_index("operator")
    assert per_person.loc["周婷", "net_growth"] == 150 and per_person.loc["周婷", "followers_start"] == 1100
    f = _follower_inputs(am).iloc[0]
    assert (f["followers"], f["follower_gain"]) == (1250, 250)
