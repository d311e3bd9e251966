"""Post table, overview with MoM/YoY, publishing, video vs image, engagement decay."""
import numpy as np
import pandas as pd
import pytest

from .content_fixtures import make_account_month, make_calendar_match, make_posts
from mediakpi.content.overview import (add_changes, content_posts, engagement_decay, overview_table, prepare_posts,
                                       publishing_table, video_table)
from mediakpi.metrics import interactions


def test_prepare_keeps_only_the_period(posts):
    prepared = prepare_posts(posts)
    assert len(prepared) == int(posts["in_period"].sum())
    assert prepared["interactions"].notna().all()


def test_overview_numbers_match_a_hand_computation(posts):
    prepared = prepare_posts(posts)
    ov = overview_table(prepared, make_account_month())
    douyin = prepared[prepared["platform"] == "douyin"]
    row = ov[(ov["level"] == "account") & (ov["platform"] == "douyin")].iloc[0]
    inter = interactions(douyin)
    assert row["posts"] == len(douyin)
    assert row["views"] == douyin["views"].sum()
    assert row["engagement_rate"] == pytest.approx(inter.sum() / douyin["views"].astype(float).sum())
    assert row["viral_posts"] == douyin["viral"].sum()
    assert row["viral_rate"] == pytest.approx(douyin["viral"].sum() / douyin["mature"].sum())
    assert row["operator"] == "李四"
    am = make_account_month()
    amd = am[am["platform"] == "douyin"].iloc[0]
    assert row["net_growth"] == amd["net_growth"]
    assert row["growth_rate"] == pytest.approx(amd["net_growth"] / amd["followers_start"])
    team = ov[ov["level"] == "team"].iloc[0]
    assert team["posts"] == len(prepared)
    person = ov[(ov["level"] == "operator") & (ov["operator"] == "李四")].iloc[0]
    assert person["posts"] == (prepared["operator"] == "李四").sum()


def test_month_on_month_is_relative_for_counts_and_a_difference_for_rates():
    cur = overview_table(prepare_posts(make_posts(seed=0)), make_account_month(scale=1.0))
    prev = overview_table(prepare_posts(make_posts("2026-09", seed=1)), make_account_month("2026-09", scale=0.5))
    out = add_changes(cur, prev, "mom")
    c = cur[cur["level"] == "team"].iloc[0]
    p = prev[prev["level"] == "team"].iloc[0]
    t = out[out["level"] == "team"].iloc[0]
    assert t["views_mom"] == pytest.approx((c["views"] - p["views"]) / p["views"])
    assert t["engagement_rate_mom"] == pytest.approx(c["engagement_rate"] - p["engagement_rate"])
    assert t["net_growth_mom"] == pytest.approx((c["net_growth"] - p["net_growth"]) / p["net_growth"])
    empty = add_changes(cur, None, "yoy")
    assert empty["views_yoy"].isna().all()


def test_content_posts_marks_top_and_bottom_without_overlap(posts):
    table = content_posts(prepare_posts(posts), top_n=3)
    for _, g in table.groupby(["platform", "account"]):
        top = g[g["position"] == "top"]
        bottom = g[g["position"] == "bottom"]
        assert len(top) == 3 and len(bottom) == 3
        assert top["engagement_rate"].min() >= bottom["engagement_rate"].max()
    assert {"title", "platform", "account", "viral", "viral_rule", "engagement_rate", "er_denominator", "url"} \
        <= set(table.columns)
    assert table["viral"].dtype == "boolean"
    assert (table.loc[table["viral"], "viral_rule"].notna()).all()


def test_small_account_is_not_both_top_and_bottom():
    table = content_posts(prepare_posts(make_posts(per_account=3)), top_n=5)
    one = table[table["platform"] == "weibo"]
    assert (one["position"] == "top").sum() == 1 and (one["position"] == "bottom").sum() == 1


def test_publishing_rates_come_from_the_calendar_match(posts):
    prepared = prepare_posts(posts)
    pub = publishing_table(prepared, make_calendar_match(), "2026-10")
    row = pub[(pub["level"] == "account") & (pub["platform"] == "weibo")].iloc[0]
    # fixture: on_time, on_time, late, missed, not_due per account
    assert (row["planned_due"], row["on_time"], row["late"], row["missed"]) == (4, 2, 1, 1)
    assert row["on_time_rate"] == pytest.approx(0.5)
    weibo = prepared[prepared["platform"] == "weibo"]
    assert row["original_ratio"] == pytest.approx(weibo["is_original"].sum() / weibo["is_original"].notna().sum())
    assert row["operator"] == "张三"
    team = pub[pub["level"] == "team"].iloc[0]
    assert team["planned_due"] == 20


def test_publishing_without_calendar_has_no_rate(posts):
    pub = publishing_table(prepare_posts(posts), None, "2026-10")
    assert pub["on_time_rate"].isna().all()
    assert (pub["planned_due"] == 0).all()


def test_video_and_image_completion_are_kept_apart(posts):
    v = video_table(prepare_posts(posts))
    wechat = v[v["platform"] == "wechat"].iloc[0]
    douyin = v[v["platform"] == "douyin"].iloc[0]
    assert wechat["completion_metric"] == "图文阅读完成率" and douyin["completion_metric"] == "视频完播率"
    assert np.isnan(wechat["watch_seconds_median"]) and wechat["watch_n"] == 0
    assert douyin["watch_n"] > 0
    assert set(v["media_type"]) == {"video", "image"}
    assert len(v) == v[["platform", "account", "media_type"]].drop_duplicates().shape[0]


def test_decay_needs_two_snapshots(posts):
    table, note = engagement_decay(posts)
    assert table.empty and "只有一次快照" in note
    later = posts.head(3).copy()
    early = later.copy()
    early["snapshot_at"] = early["published_at"] + pd.Timedelta(days=1)
    early["views"] = (early["views"] // 2).astype("Int64")
    table, note = engagement_decay(pd.concat([early, later], ignore_index=True))
    assert len(table) == 6 and "3 篇" in note
    firsts = table.sort_values("snapshot_at").groupby("post_id").first()
    assert (firsts["age_days"] == 1).all()
    assert (firsts["views_share_of_last"] <= 0.5 + 1e-9).all()


def test_account_without_posts_still_shows_follower_growth(posts):
    prepared = prepare_posts(posts)
    ov = overview_table(prepared[prepared["platform"] != "bilibili"], make_account_month())
    row = ov[(ov["level"] == "account") & (ov["platform"] == "bilibili")].iloc[0]
    assert row["posts"] == 0 and row["net_growth"] > 0 and np.isnan(row["engagement_rate"])


def test_growth_over_a_quarter_starts_from_each_accounts_first_month():
    """A quarter has one account_month row per account and month, in any order."""
    from mediakpi.content.overview import _growth

    am = pd.DataFrame({"platform": ["douyin", "douyin", "wechat", "douyin"], "account": ["a", "a", "b", "a"],
                       "month": ["2026-09", "2026-07", "2026-07", "2026-08"],
                       "followers_start": [1300, 1000, 500, 1100], "net_growth": [50, 100, 20, 200]})
    out = _growth(am, ["platform", "account"]).set_index("account")
    assert out.loc["a", "followers_start"] == 1000 and out.loc["a", "net_growth"] == 350
    assert abs(out.loc["a", "growth_rate"] - 0.35) < 1e-12
