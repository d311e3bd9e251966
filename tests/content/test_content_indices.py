"""Public indices against the worked examples in docs/specs/scoring-anchors-extract.md §1 and against their formulas on post data."""

import pandas as pd
import pytest

from mediakpi import indices
from mediakpi.periods import TZ

V14_INPUTS = dict(d=30, n=60, reads=300000, zaikan=3000, likes=4500, shares=6000, head_reads=200000, head_zaikan=2000,
                  head_likes=3000, head_shares=4000, max_reads=40000, max_zaikan=400, max_likes=600, max_shares=900)


def test_wci_v14_2_variant_a_published_example():
    res = indices.wci_v14_2(**V14_INPUTS, variant="a")
    assert res["wci"] == pytest.approx(889.46, abs=0.005)
    assert res["O"] == pytest.approx(8.6481, abs=5e-5)
    assert res["A"] == pytest.approx(7.9553, abs=5e-5)
    assert res["H"] == pytest.approx(8.2428, abs=5e-5)
    assert res["P"] == pytest.approx(10.0519, abs=5e-5)


def test_wci_v14_2_variant_b_published_example():
    assert indices.wci_v14_2(**V14_INPUTS, variant="b")["wci"] == pytest.approx(939.65, abs=0.005)


def test_wci_v14_2_variant_b_ignores_shares_and_a_uses_them():
    more_shares = {**V14_INPUTS, "shares": 60000}
    assert indices.wci_v14_2(**more_shares, variant="b")["wci"] == indices.wci_v14_2(**V14_INPUTS, variant="b")["wci"]
    assert indices.wci_v14_2(**more_shares, variant="a")["wci"] > indices.wci_v14_2(**V14_INPUTS, variant="a")["wci"]


def test_wci_v2_published_example():
    assert indices.wci_v2(reads=10000, likes=4000, n=100, max_reads=300, max_likes=60) == pytest.approx(411.4875, abs=5e-5)


def test_bci_published_example():
    assert indices.bci(posts=60, shares=1200, comments=900, likes=5000) == pytest.approx(1060.99, abs=0.005)


def test_bvci_published_example():
    assert indices.bvci(videos=8, plays_per_day=4000, comments_per_day=100, followers=50000,
                        follower_gain=2000) == pytest.approx(664.74, abs=0.005)


def test_no_articles_gives_zero_and_bad_variant_raises():
    assert indices.wci_v14_2(**{**V14_INPUTS, "n": 0})["wci"] == 0
    with pytest.raises(ValueError):
        indices.wci_v14_2(**V14_INPUTS, variant="c")


def test_bvci_follower_loss_counts_as_zero():
    kw = dict(videos=8, plays_per_day=4000, comments_per_day=100, followers=50000)
    assert indices.bvci(**kw, follower_gain=-300) == indices.bvci(**kw, follower_gain=0)


def _wechat_posts():
    t = pd.Timestamp("2026-10-05 08:00", tz=TZ)
    return pd.DataFrame({
        "platform": ["wechat"] * 3, "account": ["号"] * 3, "operator": ["张三"] * 3, "post_id": ["a", "b", "c"],
        # a and b are one push (same minute): a is the lead; c is its own push
        "published_at": [t, t, t + pd.Timedelta(days=1)], "source_row": [2, 3, 4],
        "views": pd.array([100000, 500, 2000], dtype="Int64"), "views_lower_bound": pd.array([True, False, False]),
        "zaikan": pd.array([50, 5, 10], dtype="Int64"), "likes": pd.array([80, 3, 20], dtype="Int64"),
        "shares": pd.array([300, 1, 30], dtype="Int64"), "comments": pd.array([9, 0, 1], dtype="Int64"),
    })


def test_account_wci_from_posts_uses_lead_articles_and_100001():
    out = indices.account_indices(_wechat_posts(), None, "2026-10")
    row = out[out["index"] == "WCI V14.2"].iloc[0]
    expected = indices.wci_v14_2(d=31, n=3, reads=100001 + 500 + 2000, zaikan=65, likes=103, shares=331,
                                 head_reads=100001 + 2000, head_zaikan=60, head_likes=100, head_shares=330,
                                 max_reads=100001, max_zaikan=50, max_likes=80, max_shares=300)["wci"]
    assert row["value"] == pytest.approx(round(expected, 2))
    assert "R=102501" in row["inputs"]


def test_account_indices_weibo_bilibili_and_others():
    t = pd.Timestamp("2026-10-05 08:00", tz=TZ)
    posts = pd.DataFrame({
        "platform": ["weibo", "weibo", "bilibili", "douyin"], "account": ["w", "w", "b", "d"],
        "operator": ["甲", "甲", "乙", "丙"], "published_at": [t] * 4, "post_id": list("1234"),
        "views": pd.array([10, 20, 3100, 9], dtype="Int64"), "shares": pd.array([3, 4, 5, 6], dtype="Int64"),
        "comments": pd.array([1, pd.NA, 62, 1], dtype="Int64"), "likes": pd.array([7, 8, 9, 1], dtype="Int64"),
    })
    am = pd.DataFrame({"platform": ["bilibili"], "account": ["b"], "month": ["2026-10"], "followers_end": [5000],
                       "net_growth": [120]})
    out = indices.account_indices(posts, am, "2026-10").set_index("index")
    assert set(out.index) == {"BCI", "BVCI V2.0"}  # Douyin has no public formula
    assert out.loc["BCI", "value"] == pytest.approx(round(indices.bci(posts=2, shares=7, comments=1, likes=15), 2))
    assert out.loc["BVCI V2.0", "value"] == pytest.approx(round(indices.bvci(
        videos=1, plays_per_day=100, comments_per_day=2, followers=5000, follower_gain=120), 2))
    no_am = indices.account_indices(posts, None, "2026-10").set_index("index")
    assert "粉丝总数" in no_am.loc["BVCI V2.0", "note"]
