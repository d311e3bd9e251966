"""Issue 23: the score's own account of each person (scoring/account.py) and the one rule for left-out posts
(clean/counted.py), over generated tables: strengths and gaps follow the rule, the drivers add up to the change,
a left-out post never helps and is never ranked, and each gap's action follows its own cause."""
import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from mediakpi.clean.counted import counted_posts
from mediakpi.labels import labels
from mediakpi.report import insights
from mediakpi.scoring import account

INDICATORS = ["内容质量", "内容原创比例", "内容按时发布率", "数据报告及时性与质量", "优化建议数量及采纳率", "专业能力"]
STATUSES = ["scored", "scored", "scored", "not_applicable", "missing_input"]

rows_st = st.lists(st.tuples(st.sampled_from(["甲", "乙", "丙"]), st.sampled_from(INDICATORS),
                             st.one_of(st.none(), st.floats(0, 120)), st.sampled_from(STATUSES),
                             st.sampled_from([0.0, 0.1, 0.25, 0.5]), st.sampled_from([0.0, 0.2, 0.3])),
                   max_size=30)


def _indicators(rows):
    frame = pd.DataFrame(rows, columns=["operator", "indicator", "score", "status", "effective_weight",
                                        "dimension_weight"]).drop_duplicates(["operator", "indicator"])
    return frame.assign(dimension="内容运营", actual=frame["score"], target=100.0,
                        achievement=frame["score"] / 100, contribution=frame["score"].fillna(0)
                        * frame["effective_weight"] * frame["dimension_weight"]).reset_index(drop=True)


@settings(max_examples=150, deadline=None)
@given(rows_st, st.booleans())
def test_strengths_and_gaps_follow_the_rule(rows, late):
    ind = _indicators(rows)
    facts = {op: {"数据报告及时性与质量": {"late_days": 2.0 if late else 0.0, "missing": 0.0, "due": 5.0}}
             for op in ("甲", "乙", "丙")}
    out = account.strengths_and_gaps(ind, None, facts)
    w = ind["effective_weight"] * ind["dimension_weight"]
    for op, g in out.groupby("operator"):
        for _kind, side in g.groupby("kind"):
            assert len(side) <= account.TOP
            assert side["points"].is_monotonic_decreasing
            assert side["order"].tolist() == list(range(1, len(side) + 1))
        for rec in g.to_dict("records"):
            src = ind[(ind["operator"] == op) & (ind["indicator"] == rec["indicator"])].iloc[0]
            assert src["status"] == "scored" and w.loc[src.name] > 0       # scored, in a dimension that counted
            weight = w.loc[src.name]
            if rec["kind"] == "strength":
                assert src["score"] >= 100                                   # never below target
                assert not (late and rec["indicator"] == "数据报告及时性与质量")  # never a late item
                assert np.isclose(rec["points"], weight * (src["score"] - 100))
            else:
                assert src["score"] < 100
                assert np.isclose(rec["points"], weight * (100 - src["score"]))
                assert rec["cause"]
        assert not set(g.loc[g["kind"] == "strength", "indicator"]) & set(g.loc[g["kind"] == "gap", "indicator"])
    # every eligible row below target that is not listed loses no more points than the last gap listed
    for op, g in ind[(ind["status"] == "scored") & (w > 0) & ind["score"].notna()].groupby("operator"):
        listed = out[(out["operator"] == op) & (out["kind"] == "gap")]
        below = (g["score"] < 100).sum()
        assert len(listed) == min(account.TOP, below)


card_st = st.lists(st.tuples(st.sampled_from(["甲", "乙"]), st.sampled_from(INDICATORS), st.floats(0, 30),
                             st.floats(0, 30)), min_size=1, max_size=12)


@settings(max_examples=150, deadline=None)
@given(card_st, st.floats(0, 5), st.floats(0, 5), st.floats(0, 5))
def test_drivers_add_up_to_the_change_of_the_total(rows, bonus_now, bonus_before, deduction):
    rows = pd.DataFrame(rows, columns=["operator", "indicator", "now", "before"]).drop_duplicates(
        ["operator", "indicator"])
    now = rows.assign(contribution=rows["now"], dimension="内容运营")
    before = rows.assign(contribution=rows["before"], dimension="内容运营")

    def card(frame, bonus, ded):
        s = frame.groupby("operator")["contribution"].sum()
        return pd.DataFrame({"operator": s.index, "total": np.clip(s.to_numpy() + bonus - ded, 0, 120),
                             "bonus": bonus, "deduction": ded})

    a, b = card(now, bonus_now, deduction), card(before, bonus_before, 0.0)
    out = account.drivers(a, now, b, before)
    for op in a["operator"]:
        change = float(a.set_index("operator").at[op, "total"] - b.set_index("operator").at[op, "total"])
        assert np.isclose(out.loc[out["operator"] == op, "points"].sum(), change, atol=1e-6)
    assert (out["points"].abs().groupby(out["operator"]).apply(lambda s: s.is_monotonic_decreasing)).all()


posts_st = st.lists(st.tuples(st.sampled_from(["甲", "乙"]), st.integers(0, 10_000), st.integers(0, 5_000),
                              st.booleans(), st.booleans(), st.booleans(), st.floats(0.1, 5)), min_size=1,
                    max_size=25)


def _posts(rows):
    frame = pd.DataFrame(rows, columns=["operator", "views", "likes", "fake", "private", "mature", "ratio"])
    return frame.assign(platform="douyin", account=frame["operator"] + "号", post_id=[f"p{i}" for i in
                                                                                     range(len(frame))],
                        title="t", comments=0, shares=0, saves=0, viral=frame["ratio"] > 3,
                        primary_value=frame["ratio"] * 100, baseline_median=100.0)


@settings(max_examples=150, deadline=None)
@given(posts_st, st.integers(1, 50_000))
def test_a_left_out_post_never_helps_and_is_never_ranked(rows, extra):
    posts = _posts(rows)
    counted = counted_posts(posts, posts["fake"].to_numpy(), posts["private"].to_numpy())
    figures = account.post_figures(counted)
    ranked = account.ranked_posts(counted, 2)
    left = set(posts.loc[posts["fake"] & ~posts["private"], "post_id"])
    assert not left & set(ranked["post_id"])                               # never among best or weakest
    assert not set(posts.loc[posts["private"], "post_id"]) & set(ranked["post_id"])
    # more interactions on a flagged post change no counted figure
    more = posts.assign(likes=posts["likes"] + np.where(posts["fake"], extra, 0))
    again = account.post_figures(counted_posts(more, more["fake"].to_numpy(), more["private"].to_numpy()))
    cols = ["posts", "views", "interactions", "engagement_rate", "viral_posts", "viral_rate"]
    pd.testing.assert_frame_equal(figures[cols], again[cols])
    for _op, g in ranked.groupby("operator"):
        best, worst = g[g["side"] == "best"]["ratio"], g[g["side"] == "weakest"]["ratio"]
        assert best.is_monotonic_decreasing and worst.is_monotonic_increasing
        if len(best) and len(worst):
            assert best.min() >= worst.max()


def test_two_people_with_different_causes_get_different_actions():
    lab = labels("zh")
    ind = pd.DataFrame({"operator": ["甲", "乙"], "indicator": "内容按时发布率", "dimension": "内容运营",
                        "score": [60.0, 60.0], "status": "scored", "effective_weight": 0.2, "dimension_weight": 0.3,
                        "actual": 0.6, "target": 0.95, "achievement": 0.63})
    facts = {"甲": {"内容按时发布率": {"unplanned": 9.0, "late": 1.0, "missed": 0.0}},
             "乙": {"内容按时发布率": {"unplanned": 0.0, "late": 2.0, "missed": 6.0}}}
    out = account.strengths_and_gaps(ind, None, facts)
    assert out["cause"].tolist() == ["unplanned", "missed"]
    sentences = [insights.gap(r, lab, "10月") for r in out.to_dict("records")]
    assert "9条发布不在排期表中" in sentences[0] and "排期表中登记" in sentences[0]
    assert "6条排期没有发布" in sentences[1]
    assert sentences[0] != sentences[1]


def test_fewer_than_three_strengths_are_said_plainly(published):
    ws, result, _ = published
    ins = pd.read_parquet(ws.processed("2026-10") / "score_insights.parquet")
    for name, path in result.people.items():
        text = path.read_text(encoding="utf-8")
        for kind, words in (("strength", "达到目标"), ("gap", "低于目标")):
            n = int(((ins["operator"] == name) & (ins["kind"] == kind)).sum())
            assert (f"本期{words}的指标只有 {n} 项" in text) == (n < 3)
