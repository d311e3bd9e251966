import pandas as pd
import pytest

from mediakpi.clean import add_maturity, add_media_type, assign_period, classify_media_type, fill_snapshot
from mediakpi.clean.period import is_date_only

from .conftest import make_posts, ts


def test_in_period_uses_beijing_time_half_open():
    posts = make_posts([
        {"published_at": "2026-10-01 00:00"},           # first instant: in
        {"published_at": "2026-09-30 23:59"},           # out
        {"published_at": "2026-10-31 23:59:59"},        # in
        {"published_at": "2026-11-01 00:00"},           # out
    ])
    # 2026-09-30 16:30 UTC is 2026-10-01 00:30 in Beijing: in the period
    extra = make_posts([{}])
    extra["published_at"] = pd.Series([pd.Timestamp("2026-09-30 16:30", tz="UTC").tz_convert("Asia/Shanghai")])
    out = assign_period(pd.concat([posts, extra], ignore_index=True), "2026-10")
    assert out["in_period"].tolist() == [True, False, True, False, True]
    assert out["month"].tolist()[:2] == ["2026-10", "2026-09"]


def test_missing_publish_time_is_not_in_period():
    posts = make_posts([{"published_at": None}])
    assert not assign_period(posts, "2026-10")["in_period"].iloc[0]


def test_quarter_period():
    posts = make_posts([{"published_at": "2026-08-15 10:00"}, {"published_at": "2026-10-01 10:00"}])
    assert assign_period(posts, "2026-Q3")["in_period"].tolist() == [True, False]


def test_snapshot_fallback_is_newest_post_in_same_file():
    posts = make_posts([
        {"published_at": "2026-10-01 10:00", "source_file": "a.xlsx"},
        {"published_at": "2026-10-20 10:00", "source_file": "a.xlsx"},
        {"published_at": "2026-10-05 10:00", "source_file": "b.xlsx", "snapshot_at": "2026-11-02 09:00"},
    ])
    out = fill_snapshot(posts, "newest_post_in_file")
    assert out["snapshot_at"].iloc[0] == ts("2026-10-20 10:00")
    assert out["snapshot_rule"].tolist() == ["newest_post_in_file", "newest_post_in_file", "file"]


def test_snapshot_fallback_none_leaves_undated_exports_undated():
    posts = make_posts([
        {"published_at": "2026-10-01 10:00", "source_file": "a.xlsx"},
        {"published_at": "2026-10-05 10:00", "source_file": "b.xlsx", "snapshot_at": "2026-11-02 09:00"},
    ])
    out = fill_snapshot(posts, "none")
    assert pd.isna(out["snapshot_at"].iloc[0]) and out["snapshot_at"].iloc[1] == ts("2026-11-02 09:00")
    assert out["snapshot_rule"].isna().tolist() == [True, False] and out["snapshot_rule"].iloc[1] == "file"


def test_maturity_wechat_d3_others_d7(cfg):
    posts = make_posts([
        {"platform": "wechat", "published_at": "2026-10-27 08:00", "snapshot_at": "2026-10-30 08:00"},  # 3.0 days
        {"platform": "wechat", "published_at": "2026-10-27 08:01", "snapshot_at": "2026-10-30 08:00"},  # just under
        {"platform": "douyin", "published_at": "2026-10-25 08:00", "snapshot_at": "2026-11-01 08:00"},  # 7 days
        {"platform": "douyin", "published_at": "2026-10-27 08:00", "snapshot_at": "2026-11-01 08:00"},  # 5 days
    ])
    out = add_maturity(posts, cfg)
    assert out["mature"].tolist() == [True, False, True, False]
    assert out["age_days"].iloc[0] == pytest.approx(3.0)


def test_media_type(cfg):
    plat = pd.Series(["wechat", "wechat", "douyin", "xiaohongshu", "xiaohongshu", "weibo", "bilibili"])
    fmt = pd.Series(["图文", "视频", None, "视频笔记", "图文笔记", None, "图文"])
    assert classify_media_type(plat, fmt, cfg).tolist() == ["image", "video", "video", "video", "image", "image", "video"]
    out = add_media_type(make_posts([{"platform": "wechat", "format": "文章"}]), cfg)
    assert out["media_type"].iloc[0] == "image"


def test_is_date_only():
    s = pd.Series([ts("2026-10-01 00:00"), ts("2026-10-01 09:30"), pd.NaT]).astype("datetime64[ns, Asia/Shanghai]")
    assert is_date_only(s).tolist() == [True, False, False]


def test_day_text_and_map_distinct_equal_the_row_by_row_forms():
    from mediakpi.clean.period import day_text
    from mediakpi.distinct import map_distinct

    stamps = pd.Series([ts("2026-10-01 00:00"), ts("2026-09-30 23:59"), pd.NaT, ts("2026-10-01 00:00"),
                        ts("2025-12-31 08:00")], name="published_at")
    for fmt in ("%Y-%m", "%Y-%m-%d"):
        pd.testing.assert_series_equal(day_text(stamps, fmt), stamps.dt.strftime(fmt))
    naive = pd.Series(pd.to_datetime(["2026-01-02 10:00", None]))
    pd.testing.assert_series_equal(day_text(naive, "%Y-%m-%d"), naive.dt.strftime("%Y-%m-%d"))
    plats = pd.Series(["wechat", None, "douyin", "wechat"], dtype="string")
    calls = []
    got = map_distinct(plats, lambda p: calls.append(p) or ("x" if pd.isna(p) else p.upper()))
    assert got.tolist() == ["WECHAT", "x", "DOUYIN", "WECHAT"] and len(calls) == 3
