"""Followers and posts split by the days each person held an account (account_month per operator), roster conflicts
as errors with nothing attributed, and follower growth starting from the previous day's total (#13 item 6, #15 item 6)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from mediakpi import catalog, ownership
from mediakpi.clean import account_month, clean_period, clean_tables
from mediakpi.clean.records import conform
from mediakpi.ingest import ingest_period

from .conftest import make_posts, make_roster
import pytest

pytestmark = pytest.mark.slow  # left out by `make test-fast` (tiers: tests/conftest.py)

ROSTER = [["姓名", "平台", "账号", "工号", "岗位", "负责开始日期", "负责结束日期"]]


def write_csv(path, rows) -> None:
    """A UTF-8-BOM CSV, as the platforms and a spreadsheet save it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\r\n".join(",".join(r) for r in rows) + "\r\n", encoding="utf-8-sig")

OCT = pd.date_range("2026-10-01", "2026-10-31", freq="D")


def _daily(account="茶园日记", platform="douyin", start_total=60_000, seed=0, days=OCT, with_eve=True):
    """One row per day: gained/lost random, total consistent with them; plus 30 September (the previous day)."""
    rng = np.random.default_rng(seed)
    dates = ([pd.Timestamp("2026-09-30")] if with_eve else []) + list(days)
    gained = rng.integers(0, 60, len(dates))
    lost = rng.integers(0, 20, len(dates))
    total = start_total + np.cumsum(gained - lost)
    df = pd.DataFrame({"platform": platform, "account": account, "operator": pd.NA, "date": dates,
                       "followers_total": total, "followers_gained": gained, "followers_lost": lost})
    return conform(df, catalog.ACCOUNT_DAILY)


HANDOVER = make_roster([
    {"name": "赵磊", "platform": "抖音", "account": "茶园日记", "start_date": "2024-11-01", "end_date": "2026-10-15"},
    {"name": "周婷", "platform": "Douyin", "account": "茶园日记", "start_date": "2026-10-16"},
])


def _posts(n=20, account="茶园日记", seed=1):
    rng = np.random.default_rng(seed)
    minutes = rng.integers(0, 31 * 24 * 60, n)
    rows = [{"account": account, "published_at": (pd.Timestamp("2026-10-01") + pd.Timedelta(minutes=int(m))).strftime(
        "%Y-%m-%d %H:%M"), "followers_gained": int(rng.integers(0, 30)), "operator": None} for m in minutes]
    rows.append({"account": account, "published_at": "2026-10-15 23:59", "followers_gained": 3, "operator": None})
    rows.append({"account": account, "published_at": "2026-10-16 00:00", "followers_gained": 4, "operator": None})
    return make_posts(rows)


def _clean(posts, daily, roster):
    return clean_tables("2026-10", posts, daily, roster, catalog.empty(catalog.team_table_dtypes("content_calendar")))


def test_mid_month_handover_splits_followers_and_posts_and_loses_nothing():
    daily, posts = _daily(), _posts()
    res = _clean(posts, daily, HANDOVER)
    am = res.account_month.set_index("operator")
    assert sorted(am.index) == ["周婷", "赵磊"]
    assert (am.loc["赵磊", "days_held"], am.loc["周婷", "days_held"]) == (15, 16)
    assert (am.loc["赵磊", "first_day"], am.loc["周婷", "first_day"]) == (pd.Timestamp("2026-10-01"),
                                                                        pd.Timestamp("2026-10-16"))
    octo = daily[daily["date"] >= "2026-10-01"]
    eve = int(daily.loc[daily["date"] == "2026-09-30", "followers_total"].iloc[0])
    end = int(octo["followers_total"].iloc[-1])
    # each holder's own days; the sums are the account's month
    assert am["followers_gained"].sum() == octo["followers_gained"].sum()
    assert am["followers_lost"].sum() == octo["followers_lost"].sum()
    assert am["net_growth"].sum() == end - eve
    assert am.loc["赵磊", "followers_start"] == eve
    assert am.loc["周婷", "followers_start"] == am.loc["赵磊", "followers_end"]
    assert am.loc["周婷", "net_growth"] == octo.loc[octo["date"] >= "2026-10-16", "followers_gained"].sum() - \
        octo.loc[octo["date"] >= "2026-10-16", "followers_lost"].sum()
    whole = ownership.whole_months(res.account_month)
    assert len(whole) == 1 and whole["net_growth"].iloc[0] == end - eve and whole["followers_start"].iloc[0] == eve
    # posts by publish date (Beijing), none lost
    ps = res.posts
    day = ps["published_at"].dt.tz_convert("Asia/Shanghai").dt.normalize().dt.tz_localize(None)
    expected = np.where(day <= pd.Timestamp("2026-10-15"), "赵磊", "周婷")
    assert ps["operator"].tolist() == expected.tolist()
    assert ps["operator"].value_counts().sum() == len(posts)
    assert (res.notes["level"] != "error").all()


def test_handover_without_daily_splits_post_followers():
    posts = _posts()
    am = _clean(posts, catalog.empty(catalog.ACCOUNT_DAILY), HANDOVER).account_month.set_index("operator")
    assert am["source"].eq("posts").all()
    assert am["followers_gained"].sum() == posts["followers_gained"].sum()
    assert (am.loc["赵磊", "days_held"], am.loc["周婷", "days_held"]) == (15, 16)


def test_two_undated_rows_for_one_account_is_an_error_and_nothing_is_attributed():
    roster = make_roster([{"name": "王芳", "platform": "B站", "account": "青禾茶课"},
                          {"name": "陈晨", "platform": "bilibili", "account": "青禾茶课"}])
    daily = _daily("青禾茶课", "bilibili", 38_000)
    posts = make_posts([{"platform": "bilibili", "account": "青禾茶课", "published_at": f"2026-10-{d:02d} 10:00",
                         "operator": "陈晨"} for d in (3, 12, 28)])      # ingest's old guess: the last row
    res = _clean(posts, daily, roster)
    assert res.posts["operator"].isna().all()
    errors = res.notes[(res.notes["level"] == "error") & (res.notes["scope"] == "roster")]
    assert len(errors) == 1
    msg = errors["message"].iloc[0]
    assert "花名册.xlsx 第 2 行" in msg and "花名册.xlsx 第 3 行" in msg and "王芳" in msg and "陈晨" in msg
    am = res.account_month
    assert len(am) == 1 and am["operator"].isna().all() and am["ownership"].tolist() == ["conflict"]
    octo = daily[daily["date"] >= "2026-10-01"]
    assert am["followers_gained"].iloc[0] == octo["followers_gained"].sum()     # kept, credited to nobody
    assert am["days_held"].iloc[0] == 31
    assert set(res.flags["check"]) >= {"ownership_overlap"}
    assert ownership.active_people(roster, "2026-10") == ["王芳", "陈晨"]


def test_growth_starts_from_the_previous_days_total_given_by_an_earlier_file():
    """account_month's `prior` rows (previous month's account_daily) give the start even when this month's export
    begins on the 1st and has no gained/lost columns (Bilibili 历史累计数据趋势)."""
    daily = conform(pd.DataFrame({"platform": "bilibili", "account": "青禾茶课", "operator": pd.NA,
                                  "date": [pd.Timestamp("2026-10-01"), pd.Timestamp("2026-10-31")],
                                  "followers_total": [38_871, 39_747]}), catalog.ACCOUNT_DAILY)
    prior = pd.DataFrame({"platform": ["bilibili"], "account": ["青禾茶课"], "date": [pd.Timestamp("2026-09-30")],
                          "followers_total": [38_847]})
    am = account_month(make_posts([]), daily, "2026-10", prior=prior)
    assert (am["followers_start"].iloc[0], am["net_growth"].iloc[0]) == (38_847, 900)
    am = account_month(make_posts([]), daily, "2026-10")
    assert (am["followers_start"].iloc[0], am["net_growth"].iloc[0]) == (38_871, 876)   # no earlier file: day 1


# ----- the same from raw files: a Bilibili 历史累计数据趋势 export per month ------------------------------------------

TREND_HEAD = ["时间", "播放量", "累计粉丝", "点赞", "收藏", "硬币", "评论", "弹幕", "分享"]


def _trend(days: pd.DatetimeIndex, totals: list[int]) -> list[list[str]]:
    rows = [TREND_HEAD]
    for d, t in zip(days, totals):
        rows.append([d.strftime("%Y-%m-%d"), "1520", str(t), "61", "12", "9", "7", "15", "4"])
    return rows


def _totals(first: int, last: int, n: int) -> list[int]:
    return [int(round(x)) for x in np.linspace(first, last, n)]


def _write_month(raw, month: str, days, totals):
    folder = raw / month
    write_csv(folder / "花名册.csv", ROSTER + [["张伟", "B站", "青禾茶课", "E1001", "高级运营", "2024-03-01", ""]])
    write_csv(folder / "青禾茶课" / "历史累计数据趋势.csv", _trend(days, totals))


def test_bilibili_trend_growth_starts_from_septembers_last_total(ws):
    sep = pd.date_range("2026-09-01", "2026-09-30", freq="D")
    _write_month(ws.raw_root, "2026-09", sep, _totals(38_100, 38_847, len(sep)))
    _write_month(ws.raw_root, "2026-10", OCT, _totals(38_871, 39_747, len(OCT)))
    for m in ("2026-09", "2026-10"):
        ingest_period(ws, m, write=True)
        clean_period(ws, m)
    am = pd.read_parquet(ws.processed("2026-10") / catalog.file_name("account_month"))
    row = am[am["account"] == "青禾茶课"].iloc[0]
    assert (row["followers_start"], row["followers_end"], row["net_growth"]) == (38_847, 39_747, 900)
    assert row["operator"] == "张伟" and row["days_held"] == 31


def test_bilibili_trend_covering_the_eve_in_octobers_own_export(ws):
    """No September month processed, but October's export starts on 30 September: that row is the start."""
    days = pd.date_range("2026-09-30", "2026-10-31", freq="D")
    _write_month(ws.raw_root, "2026-10", days, [38_847] + _totals(38_871, 39_747, len(OCT)))
    ingest_period(ws, "2026-10", write=True)
    res = clean_period(ws, "2026-10")
    row = res.account_month.iloc[0]
    assert (row["followers_start"], row["net_growth"]) == (38_847, 900)
