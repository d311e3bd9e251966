"""Best time (z within account, min posts, pooled fallback), formats by medians, topics from hashtags and jieba."""

import pandas as pd
import pytest

from mediakpi.content.formats import formats_table
from mediakpi.content.settings import load_content_config
from mediakpi.content.timing import best_slots, best_time_table, grid
from mediakpi.content.topics import hashtags, keywords, topics_table
from mediakpi.periods import TZ

MONDAY = pd.Timestamp("2026-10-05", tz=TZ)  # a Monday


def _cfg(section: str, **changes):
    """A section of config/content.yaml (the only source of the settings) with `changes` applied."""
    return getattr(load_content_config(), section).model_copy(update=changes)


def _timed_posts(account, views, er_at_slot, n_per_cell=4, platform="weibo"):
    """Posts on Monday 08:00 and Tuesday 20:00; likes = er × views (weibo interactions = likes+comments+shares)."""
    rows = []
    for (day, hour), er in er_at_slot.items():
        for k in range(n_per_cell):
            rows.append({"platform": platform, "account": account, "operator": "甲", "published_at":
                         MONDAY + pd.Timedelta(days=day + 7 * k, hours=hour), "views": views,
                         "likes": int(er * views), "comments": 0, "shares": 0})
    df = pd.DataFrame(rows)
    for c in ("views", "likes", "comments", "shares"):
        df[c] = df[c].astype("Int64")
    return df


def test_best_time_is_standardised_within_account():
    # a big account with a high rate everywhere and a small one with a low rate; both do better on Tuesday evening
    big = _timed_posts("大号", 100000, {(0, 8): 0.10, (1, 20): 0.12})
    small = _timed_posts("小号", 500, {(0, 8): 0.01, (1, 20): 0.03})
    table = best_time_table(pd.concat([big, small], ignore_index=True), _cfg("best_time", min_posts_per_cell=3,
                                                                                 min_cells_per_account=2))
    best = best_slots(table, 1).iloc[0]
    assert (best["weekday_name"], best["slot"]) == ("周二", "20–22时")
    pooled = table[table["scope"] == "pooled"].set_index(["weekday", "slot"])
    # z within each account is ±1-ish on both sides: the pooled cell means are symmetric, not dominated by 大号
    assert pooled.loc[(1, "20–22时"), "mean_z"] == pytest.approx(-pooled.loc[(0, "06–09时"), "mean_z"])
    assert pooled.loc[(1, "20–22时"), "median_value"] == pytest.approx((0.12 + 0.03) / 2)


def test_cells_below_minimum_are_unusable_and_accounts_fall_back_to_pooled():
    posts = pd.concat([_timed_posts("多", 1000, {(0, 8): 0.05, (1, 20): 0.08}, n_per_cell=4),
                       _timed_posts("少", 1000, {(0, 8): 0.05, (1, 20): 0.08}, n_per_cell=2)], ignore_index=True)
    table = best_time_table(posts, _cfg("best_time", min_posts_per_cell=3, min_cells_per_account=2))
    acc = table[table["scope"] == "account"]
    assert not acc.loc[acc["account"] == "少", "usable"].any()
    assert acc.loc[acc["account"] == "少", "account_uses_pooled"].all()
    assert not acc.loc[acc["account"] == "多", "account_uses_pooled"].any()
    bins = _cfg("best_time").hour_bins
    _, scope_small = grid(table, bins, "weibo", "少")
    mat, scope_big = grid(table, bins, "weibo", "多")
    assert (scope_small, scope_big) == ("pooled", "account")
    assert mat.notna().sum().sum() == 2


def test_best_time_on_empty_input():
    assert best_time_table(pd.DataFrame(columns=["platform", "account", "published_at", "views"])).empty


def test_formats_are_compared_by_median_with_counts():
    posts = pd.DataFrame({"platform": ["douyin"] * 5, "format": ["视频", "视频", "视频", "图文", None],
                          "media_type": ["video"] * 3 + ["image"] * 2, "views": [100, 100, 100, 100, 100],
                          "likes": [1, 2, 30, 5, 7], "comments": [0] * 5, "shares": [0] * 5,
                          "viral": [False, False, True, False, False]})
    for c in ("views", "likes", "comments", "shares"):
        posts[c] = posts[c].astype("Int64")
    out = formats_table(posts, _cfg("formats", min_posts=2)).set_index("format")
    assert out.loc["视频", "metric_median"] == pytest.approx(0.02)  # median, not the mean 0.11
    assert out.loc["视频", "posts"] == 3 and out.loc["视频", "viral_posts"] == 1
    # a post without 体裁 takes its media type (issue 23: 未标注 only where neither is known)
    assert out.loc["图文", "posts"] == 2 and not out.loc["图文", "small_sample"] and "未标注" not in out.index
    posts.loc[4, "media_type"] = None
    out = formats_table(posts, _cfg("formats", min_posts=2)).set_index("format")
    assert out.loc["图文", "small_sample"] and "未标注" in out.index


@pytest.mark.parametrize("title, tags", [
    ("秋天来了#秋天的第一杯奶茶#真好", ["秋天的第一杯奶茶"]),
    ("去看海 #旅行[话题]# #海边", ["旅行", "海边"]),
    ("#美食探店 #咖啡，周末见", ["美食探店", "咖啡"]),
    ("没有话题的标题", []),
    (None, []),
])
def test_hashtags(title, tags):
    assert hashtags(title) == tags


def test_jieba_keywords_are_quiet_and_skip_stopwords(capfd):
    words = keywords("我们今天去深圳湾公园观鸟，分享观鸟攻略", _cfg("topics", stopwords=["我们", "分享", "今天"]))
    out, err = capfd.readouterr()
    assert out == "" and "Building prefix dict" not in err and "Loading model" not in err
    assert "观鸟" in words and not {"我们", "分享", "今天"} & set(words)
    assert all(len(w) >= 2 for w in words)


def test_topics_table_engagement_by_topic_and_minimum_posts():
    posts = pd.DataFrame({
        "platform": ["weibo"] * 4, "title": ["#露营# 装备清单", "#露营# 新手指南", "城市夜跑路线", "#读书# 书单"],
        "views": [100, 100, 100, 100], "likes": [10, 20, 5, 1], "comments": [0] * 4, "shares": [0] * 4,
        "viral": [True, False, False, False]})
    for c in ("views", "likes", "comments", "shares"):
        posts[c] = posts[c].astype("Int64")
    out = topics_table(posts, _cfg("topics", min_posts=2, stopwords=[])).set_index("topic")
    assert list(out.index) == ["露营"]  # 读书 appears once only
    assert out.loc["露营", "posts"] == 2 and out.loc["露营", "source"] == "话题标签"
    assert out.loc["露营", "metric_median"] == pytest.approx(0.15)
    assert out.loc["露营", "viral_posts"] == 1
    assert out.loc["露营", "share_of_posts"] == pytest.approx(0.5)


def test_date_only_exports_are_left_out_of_best_time():
    timed = _timed_posts("有时间", 1000, {(0, 8): 0.05, (1, 20): 0.08})
    dated = _timed_posts("只有日期", 1000, {(0, 0): 0.05, (2, 0): 0.08})
    table = best_time_table(pd.concat([timed, dated], ignore_index=True), _cfg("best_time", min_posts_per_cell=3))
    assert "只有日期" not in set(table["account"].dropna())
    assert table.loc[table["scope"] == "pooled", "posts"].sum() == len(timed)


def test_topics_of_a_very_large_month_come_from_the_most_viewed_posts():
    from mediakpi.content.topics import topics_scope

    posts = pd.DataFrame({"title": [f"标题{i}" for i in range(10)], "views": [5, 1, 9, 3, None, 7, 2, 8, 6, 4]})
    cfg = _cfg("topics", max_posts=3)
    assert topics_scope(posts, cfg)["views"].tolist() == [9, 8, 7]
    assert len(topics_scope(posts, _cfg("topics", max_posts=100))) == 10
