"""Private works (Douyin 审核状态 自见 …, issue 13): kept with their numbers and visibility, but not published posts of
the month: not counted, not viral, not matched to the calendar, not checked for impossible values or fraud; the
data-quality table counts them."""
import pandas as pd

from mediakpi.clean import clean_period
from mediakpi.clean.config import load_quality_config
from mediakpi.clean.period import private_mask

from .conftest import make_calendar, make_posts, make_roster, write_processed
import pytest

pytestmark = pytest.mark.slow  # left out by `make test-fast` (tiers: tests/conftest.py)

ROSTER = [{"name": "张三", "platform": "抖音", "account": "号A"}]


def _posts():
    rows = [{"published_at": f"2026-10-{d:02d} 20:00", "snapshot_at": "2026-11-02 09:00", "views": 1000 + 10 * d,
             "likes": 40 + d, "comments": 3, "shares": 2, "saves": 4, "title": f"视频{d}", "visibility": "公开"}
            for d in range(1, 13)]
    # 自见 works: 播放量 0 with likes (the platform does not count plays of a private work), one far above the rest
    rows += [{"published_at": "2026-10-20 20:00", "snapshot_at": "2026-11-02 09:00", "views": 0, "likes": 7,
              "title": "仅自己看的草稿", "visibility": "自见", "post_id": "priv1"},
             {"published_at": "2026-10-21 20:00", "snapshot_at": "2026-11-02 09:00", "views": 900000, "likes": 5,
              "title": "私密长视频", "visibility": "私密", "post_id": "priv2"}]
    return make_posts(rows)


def test_private_works_are_kept_but_not_published_posts(ws):
    cal = make_calendar([{"planned_at": "2026-10-20 20:00", "title": "仅自己看的草稿"}])
    write_processed(ws, "2026-10", posts=_posts(), roster=make_roster(ROSTER), calendar=cal)
    res = clean_period(ws, "2026-10")
    pc = res.posts.set_index("post_id")
    assert len(res.posts) == 14                                      # nothing dropped
    assert pc.loc["priv1", "private"] and not pc.loc["priv1", "in_period"] and pc.loc["priv1", "likes"] == 7
    assert pc.loc["priv1", "visibility"] == "自见" and not pc.loc["priv2", "viral"]
    assert not pc.loc["priv1", "flagged"] and not pc.loc["priv2", "flagged"]    # no 点赞多于播放, no 刷量
    assert not res.flags["post_id"].isin(["priv1", "priv2"]).any()
    dq = res.data_quality.set_index("account").loc["号A"]
    assert dq["posts_in_period"] == 12 and dq["private_posts"] == 2 and dq["status"] != "error"
    assert "2 条私密/自见作品未计入" in dq["note"]
    # the planned slot is not met by a private work
    assert res.calendar_match["status"].tolist() == ["missed"]
    assert int(res.posts["in_period"].sum()) == 12


def test_without_the_rule_the_private_work_is_an_error(ws):
    """The same posts with no private keywords configured: the 自见 work is flagged 点赞多于播放 again (the rule is what
    keeps the account's data quality from "error")."""
    write_processed(ws, "2026-10", posts=_posts(), roster=make_roster(ROSTER))
    base = load_quality_config()
    cfg = base.model_copy(update={"visibility": base.visibility.model_copy(update={"private_keywords": []})})
    res = clean_period(ws, "2026-10", cfg)
    assert "likes_above_views" in set(res.flags.loc[res.flags["post_id"] == "priv1", "check"])
    assert res.data_quality.set_index("account").loc["号A", "status"] == "error"


def test_private_values_from_config():
    cfg = load_quality_config()
    vis = pd.Series(["公开", "自见", "私密", "仅自己可见", "好友可见", None, "审核中"], dtype="string")
    assert private_mask(vis, cfg).tolist() == [False, True, True, True, False, False, False]


def test_with_private_equals_putting_the_whole_table_back_together():
    """_with_private adds only the gained columns; the result equals the earlier whole-frame concat of the public rows
    with the private ones (typed nulls or False for them, an existing column of the same name kept for them)."""
    import numpy as np

    from mediakpi.clean.run import _with_private

    ps = pd.DataFrame({"post_id": pd.array(["a", "b", "c", "d"], dtype="string"), "views": [1, 2, 3, 4],
                       "viral": [True, True, False, True]}, index=[10, 11, 12, 13])
    private = np.array([False, True, False, True])
    pub = ps.loc[~private, ["post_id", "views"]].copy()
    pub["viral"] = [False, True]
    pub["viral_rule"] = pd.array(["x", None], dtype="string")
    pub["baseline_posts"] = pd.array([3, None], dtype="Int64")
    pub["primary_value"] = [1.5, np.nan]
    pub["on_time"] = pd.array([True, None], dtype="boolean")
    pub["pending"] = [True, False]
    got = _with_private(pub, ps, private, ["post_id", "views"])
    # the earlier definition: every column of ps and pub, public rows from pub, private ones from ps (or filled)
    rest = ps[private].copy()
    full_pub = ps[~private].copy()
    for c in pub.columns:
        full_pub[c] = pub[c]
    for c in full_pub.columns.difference(rest.columns):
        rest[c] = False if full_pub[c].dtype == bool else full_pub[c].iloc[:0].reindex(rest.index)
    expected = pd.concat([full_pub, rest[full_pub.columns]]).loc[ps.index]
    pd.testing.assert_frame_equal(got, expected)
    assert got.loc[11, "viral"] and not got.loc[10, "viral"]   # a private row keeps its own value of a same-named column
    assert not got.loc[13, "pending"] and pd.isna(got.loc[13, "viral_rule"]) and str(got["pending"].dtype) == "bool"
