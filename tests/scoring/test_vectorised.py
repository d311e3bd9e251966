"""The vectorised team-wide helpers give what the obvious per-group forms give (issue 8: same results, faster)."""
import numpy as np
import pandas as pd
import pytest

from mediakpi.periods import Period
from mediakpi.scoring import functions as F
from mediakpi.scoring.indicators import (Inputs, _col, account_post_stats, growth_stats, monthly_post_metric,
                                         monthly_post_stats, review_mix, review_mix_all, wis_rate)
from mediakpi.scoring.targets import account_target, baseline_index, trailing_baseline
from mediakpi.scoring.plan import BaselineRule, Target

TZ = "Asia/Shanghai"
W = {"likes": 1, "saves": 2, "zaikan": 2, "comments": 3, "shares": 4}


def _posts(n=400, seed=0):
    rng = np.random.default_rng(seed)
    accounts = [("wechat", "甲"), ("douyin", "乙"), ("douyin", "丙"), ("weibo", "丁"), (None, "戊")]
    pick = rng.integers(0, len(accounts), n)
    views = pd.array(rng.integers(0, 5000, n), dtype="Int64")
    views[rng.random(n) < 0.1] = pd.NA
    likes = pd.array(rng.integers(0, 300, n), dtype="Int64")
    likes[rng.random(n) < 0.1] = pd.NA
    cr = rng.random(n)
    cr[rng.random(n) < 0.3] = np.nan
    days = rng.integers(0, 120, n)
    return pd.DataFrame({
        "platform": pd.array([accounts[i][0] for i in pick], dtype="string"),
        "account": pd.array([accounts[i][1] for i in pick], dtype="string"),
        "operator": pd.array([["张三", "李四", None][i % 3] for i in pick], dtype="string"),
        "post_id": [f"p{i % (n // 2)}" for i in range(n)],  # every id twice: duplicates for all_posts
        "published_at": pd.Timestamp("2026-07-01", tz=TZ) + pd.to_timedelta(days, unit="D")
        + pd.to_timedelta(rng.integers(0, 86400, n), unit="s"),
        "views": views, "likes": likes, "comments": pd.array(rng.integers(0, 50, n), dtype="Int64"),
        "shares": pd.array(rng.integers(0, 50, n), dtype="Int64"), "completion_rate": cr,
    })  # no saves / zaikan column: missing interaction columns count as 0


def _cr_weighted(g):
    """Issue 22: the completion rate weighted by exposure (views), the plain mean only without views."""
    cr, v = _col(g, "completion_rate"), _col(g, "views")
    ok = cr.notna() & (v > 0)
    big = v >= 100          # under the noise floor a post keeps its views and brings no completion
    return float((cr[ok & big] * v[ok & big]).sum() / v[ok].sum()) if ok.any() else cr.mean()


def test_monthly_post_stats_matches_the_per_group_form():
    posts = _posts()
    fast = monthly_post_stats(posts, W)
    # issue 22: posts below the noise floor (100 views) make no baseline; completion is exposure-weighted
    big = posts[~(_col(posts, "views") < 100)]
    slow_cr = monthly_post_metric(big, _cr_weighted)
    slow_wis = monthly_post_metric(big, lambda g: wis_rate(g, W))
    assert len(slow_cr) > 10 and slow_cr["value"].isna().sum() < len(slow_cr)
    for fast_df, slow_df in ((fast["completion"], slow_cr), (fast["wis"], slow_wis)):
        pd.testing.assert_frame_equal(fast_df.reset_index(drop=True), slow_df.reset_index(drop=True),
                                      check_dtype=False, check_index_type=False)


def test_account_post_stats_matches_wis_rate_per_account():
    posts = _posts(seed=1)
    stats, per_op = account_post_stats(posts, W)
    for (op, plat, acc), g in posts.groupby(["operator", "platform", "account"]):
        row = stats[(stats["operator"] == op) & (stats["platform"] == plat) & (stats["account"] == acc)].iloc[0]
        assert row["rate"] == pytest.approx(wis_rate(g, W), nan_ok=True)
        assert row["views"] == pytest.approx(_col(g, "views").sum())
        cr = _col(g, "completion_rate").dropna()
        assert row["cr_n"] == len(cr)
        assert row["cr_mean"] == pytest.approx(_cr_weighted(g), nan_ok=True)   # issue 22: exposure-weighted
    for op, g in posts.groupby("operator"):
        assert per_op[op] == pytest.approx(wis_rate(g, W), nan_ok=True)


def test_growth_stats_takes_the_first_month_with_a_start_figure():
    am = pd.DataFrame({"operator": ["张三"] * 4 + ["李四"], "platform": ["wechat"] * 4 + ["douyin"],
                       "account": ["甲", "甲", "甲", "乙", "丙"], "month": ["2026-09", "2026-07", "2026-08", "2026-07", "2026-07"],
                       "followers_start": pd.array([900, pd.NA, 800, 50, pd.NA], dtype="Int64"),
                       "net_growth": pd.array([10, 5, pd.NA, pd.NA, 7], dtype="Int64")})
    g = growth_stats(am, ["operator", "platform", "account"]).set_index("account")
    assert g.at["甲", "start"] == 800 and g.at["甲", "net"] == 15 and g.at["甲", "n_net"] == 2
    assert g.at["乙", "n_net"] == 0 and g.at["乙", "start"] == 50
    assert np.isnan(g.at["丙", "start"]) and g.at["丙", "net"] == 7


def test_review_mix_all_matches_review_mix():
    rv = pd.DataFrame({"operator": ["张三", "张三", "张三", "李四", "李四", "王五"],
                       "rater_role": ["上级", "同事", "自评", "上级", "未知角色", "自评"],
                       "professional": ["4.5", "3", "5", "2", "5", None]})
    mix = {"manager": 0.6, "peer": 0.3, "self": 0.1}
    table = review_mix_all(rv, "professional", mix)
    for op, g in rv.groupby("operator"):
        rating, text = review_mix(g, "professional", mix)
        if np.isnan(rating):
            assert op not in table
        else:
            assert table[op] == (rating, text)
    assert set(table) == {"张三", "李四"}


def test_account_target_with_a_baseline_index_equals_the_table():
    monthly = pd.DataFrame({"platform": ["douyin"] * 3 + ["wechat"], "account": ["a"] * 3 + ["b"],
                            "month": ["2026-07", "2026-08", "2026-09", "2026-09"], "value": [0.02, 0.04, 0.03, 0.05]})
    base = trailing_baseline(monthly, "2026-10", BaselineRule(months=3, min_months=2))
    t = Target(default=0.03, baseline={"enabled": True, "uplift": 0.1})
    for plat, acc in (("douyin", "a"), ("wechat", "b"), ("weibo", "c")):
        assert account_target(t, BaselineRule(months=3, min_months=2), "x", plat, acc, baseline_index(base)) == \
            account_target(t, BaselineRule(months=3, min_months=2), "x", plat, acc, base)


def test_all_posts_keeps_the_last_snapshot_like_drop_duplicates():
    posts = _posts(seed=2)
    hist, cur = posts.iloc[:150], posts.iloc[150:]
    inp = Inputs(period=Period.parse("2026-10"), roster=pd.DataFrame(), posts=cur, account_month=pd.DataFrame(),
                 calendar_match=pd.DataFrame(), tables={}, hist_posts=hist)
    expected = pd.concat([hist, cur], ignore_index=True).drop_duplicates(["platform", "account", "post_id"], keep="last")
    got = inp.all_posts()
    pd.testing.assert_frame_equal(got, expected[got.columns].reset_index(drop=True))


def test_scalar_fast_path_of_the_scoring_functions():
    assert F.linear(0.5, 1.0) == 50.0 and isinstance(F.linear(0.5, 1.0), float)
    assert F.linear(np.int64(3), 2) == 120.0
    assert np.isnan(F.linear(np.nan, 1.0))
    assert F.bands(np.float64(0.8), 0.6, 0.8, 0.95) == 100.0


# ----- issue 18 (speed at scale): the fast forms equal the element-by-element ones on awkward inputs -----------------

def _fake_by_tuples(posts, flags):
    """fake_engagement as it was: a (platform, account, post_id) text tuple per post, looked up in the flags' set."""
    f = flags[flags["check"].astype("string").str.startswith("fraud").fillna(False)]
    keys = set(zip(f["platform"].astype(str), f["account"].astype(str), f["post_id"].astype(str)))
    return [(p, a, i) in keys for p, a, i in zip(posts["platform"].astype(str), posts["account"].astype(str),
                                                 posts["post_id"].astype(str))]


def test_fake_engagement_matches_the_tuple_lookup():
    from mediakpi.scoring.indicators import fake_engagement

    posts = _posts(seed=5)
    posts.loc[3, "post_id"] = None                          # a post without an id
    posts.index = posts.index[::-1] + 10                    # labels that are not positions
    ids = posts["post_id"].tolist()
    flags = pd.DataFrame({
        "platform": pd.array([posts["platform"].iloc[0], "douyin", None, posts["platform"].iloc[7], "wechat", None],
                             dtype="string"),
        "account": pd.array([posts["account"].iloc[0], "乙", "戊", "别的号", "甲", None], dtype="string"),
        "post_id": pd.array([ids[0], ids[1], ids[2], ids[7], "p9999", None], dtype="string"),  # same id, other account
        "check": pd.array(["fraud_views_per_like", "fraud_interactions_per_view", "fraud_x", "fraud_x",
                           "suspected_duplicate", "fraud_x"], dtype="string")})
    fast = fake_engagement(posts, flags)
    assert fast.index.equals(posts.index) and fast.dtype == bool
    assert fast.tolist() == _fake_by_tuples(posts, flags)
    assert 0 < fast.sum() < len(posts)


def test_exported_people_and_flagged_followers_match_the_per_person_forms():
    from mediakpi.scoring.indicators import Context, _col, exported_people
    from mediakpi.scoring.indicators import _flagged_followers

    posts = _posts(seed=6)
    roster = pd.DataFrame({"name": ["张三", "李四", "王五", "赵六"], "platform": ["wechat", "douyin", "weibo", "xhs"],
                           "account": ["甲", "丙", "丁", "无"]})
    inp = Inputs(period=Period.parse("2026-08"), roster=roster, posts=posts, account_month=pd.DataFrame(),
                 calendar_match=pd.DataFrame(), tables={})
    seen = set(zip(posts["platform"].astype(str), posts["account"].astype(str)))
    slow = {op for op, p, a in zip(roster["name"], roster["platform"], roster["account"]) if (p, a) in seen}
    assert exported_people(inp, inp.period) == slow == {"张三", "李四", "王五"}
    flagged = posts.assign(followers_gained=pd.array(np.arange(len(posts)) % 7, dtype="Int64"))
    ctx = Context(flagged_win=flagged)
    team = _flagged_followers(flagged)
    for op in ["张三", "李四", "nobody"]:
        f = flagged[flagged["operator"] == op]
        one = _col(f, "followers_gained").fillna(0).groupby([f["platform"], f["account"]]).sum().to_dict() \
            if len(f) else {}
        assert ctx.flagged_followers(op) == team.get(op, {}) == one


def test_post_counts_viral_kinds_cut_like_re_split():
    import re

    from mediakpi.scoring.indicators.content import post_counts

    rules = ["爆款：阅读 3.2×基线", " 互动（前5%）", "plain", "a:b：c", "\n前导换行：x", "", "  ", "(括号", "多行\n规则",
             "x\x1f：y", None]
    n = len(rules)
    posts = pd.DataFrame({"operator": pd.array(["甲", "乙"] * (n // 2) + ["甲"], dtype="string"),
                          "viral": [True] * n, "viral_rule": pd.array(rules, dtype="string"),
                          "is_original": pd.array([True, None] * (n // 2) + [False], dtype="boolean")})
    _, kinds = post_counts(posts)
    for op, k in kinds.items():
        expected = [re.split(r"[：:（(]", r)[0].strip() for r, o in zip(rules, posts["operator"]) if o == op and r is not None]
        assert k.tolist() == expected
