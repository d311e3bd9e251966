"""Issue 18 (speed at scale): the report's team-wide forms give what the per-person / per-row forms gave.

Each reference below is the earlier implementation, kept here as the oracle: the fast form must agree with it on
awkward inputs (ties, missing values, missing operators, index labels that are not positions)."""
import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from mediakpi.labels import labels
from mediakpi.report import insights, person, posts as report_posts
from mediakpi.report.inputs import TOP_POSTS, is_true, key_in
from mediakpi.report.posts import in_period, label_ratio, with_ratio


def _ranked_posts_reference(posts):
    """ranked_posts before issue 18: the whole table sorted, grouped, dropped."""
    current = with_ratio(in_period(posts))
    current = current.assign(operator=current["operator"].astype(str))
    ranked = current.dropna(subset=["_ratio"])
    ranked = ranked.sort_values(["operator", "_ratio"], ascending=[True, False], kind="stable")
    best = ranked.groupby("operator", sort=False).head(TOP_POSTS)
    pool = ranked.drop(index=best.index)
    if "mature" in pool.columns:
        pool = pool[is_true(pool["mature"])]
    worst = pool.groupby("operator", sort=False).tail(TOP_POSTS).iloc[::-1]
    return label_ratio(best), label_ratio(worst)


OPERATORS = ["甲", "乙", "Zed", "zed", "张三", None]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(OPERATORS), st.sampled_from([None, 0.0, 1.0, 2.5, 2.5, 7.0, -1.0]),
                          st.sampled_from([None, 0.0, 1.0, 2.0]), st.sampled_from([None, True, False]),
                          st.sampled_from([None, True, False])), min_size=0, max_size=40),
       st.booleans())
def test_ranked_posts_equals_the_whole_table_form(rows, with_mature):
    n = len(rows)
    posts = pd.DataFrame({
        "operator": pd.array([r[0] for r in rows], dtype="string"),
        "primary_value": pd.array([r[1] for r in rows], dtype="Float64"),
        "baseline_median": pd.array([r[2] for r in rows], dtype="Float64"),
        "in_period": pd.array([r[3] for r in rows], dtype="boolean"),
        "title": [f"t{i}" for i in range(n)],
    }, index=pd.Index(np.arange(n)[::-1] * 3 + 5))          # labels that are not positions
    if with_mature:
        posts["mature"] = pd.array([r[4] for r in rows], dtype="boolean")
    for fast, slow in zip(report_posts.ranked_posts(posts), _ranked_posts_reference(posts)):
        pd.testing.assert_frame_equal(fast, slow)


def test_ranked_post_cards_equal_cards_per_operator_group():
    rng = np.random.default_rng(3)
    n = 300
    posts = pd.DataFrame({"operator": pd.array(rng.choice(["甲", "乙", "丙", None], n), dtype="string"),
                          "title": [f"标题{i}" for i in range(n)], "post_id": [f"p{i}" for i in range(n)],
                          "platform": "douyin", "account": "号", "views": rng.integers(0, 10_000, n),
                          "primary_value": rng.random(n), "baseline_median": 0.5,
                          "mature": pd.array(rng.choice([True, False, None], n), dtype="boolean")})
    lab = labels("zh")
    best, worst = report_posts.ranked_posts(posts)
    cards = report_posts.ranked_post_cards(posts, lab)
    for side, frame in ((0, best), (1, worst)):
        for op, g in frame.groupby("operator", sort=False):
            assert cards[str(op)][side] == report_posts.post_cards(g, lab)
    assert set(cards) == {"甲", "乙", "丙"}


def _facts_reference(name, tables):
    """insights.facts before issue 18: each table filtered for one person."""
    out = {}
    cal = tables.get("calendar_match")
    if cal is not None and {"operator", "status"} <= set(cal.columns):
        mine = cal[cal["operator"].astype(str) == name]
        if "in_period" in mine.columns:
            mine = mine[mine["in_period"].astype("boolean").fillna(False)]
        if len(mine):
            s = mine["status"].astype(str)
            out["内容按时发布率"] = {"late": int((s == "late").sum()), "missed": int((s == "missed").sum())}
    reports = tables.get("data_reports")
    if reports is not None and {"operator", "due_date", "submitted_date"} <= set(reports.columns):
        mine = reports[reports["operator"].astype(str) == name]
        if len(mine):
            due = pd.to_datetime(mine["due_date"], errors="coerce")
            sub = pd.to_datetime(mine["submitted_date"], errors="coerce")
            late = (sub - due).dt.days.clip(lower=0)
            quality = pd.to_numeric(mine.get("quality_score"), errors="coerce")
            out["数据报告及时性与质量"] = {"due": len(mine), "late_days": int(late.fillna(0).sum()),
                                      "missing": int(sub.isna().sum()),
                                      "quality": insights.fmt.score(quality.mean()) if quality.notna().any()
                                      else insights.fmt.DASH}
    return out


def test_team_facts_equal_the_per_person_facts():
    rng = np.random.default_rng(8)
    n = 500
    people = ["甲", "乙", "丙", "丁", None]
    cal = pd.DataFrame({"operator": pd.array(rng.choice(people, n), dtype="string"),
                        "status": pd.array(rng.choice(["on_time", "late", "missed", "unplanned", None], n),
                                           dtype="string"),
                        "in_period": pd.array(rng.choice([True, False, None], n), dtype="boolean")})
    cal.loc[cal["operator"] == "丁", "in_period"] = False       # 丁: calendar rows, none in the period
    m = 40
    due = pd.Timestamp("2026-11-03") + pd.to_timedelta(rng.integers(-5, 5, m), unit="D")
    sub = (due + pd.to_timedelta(rng.integers(-3, 9, m), unit="D")).to_series().reset_index(drop=True)
    sub[rng.random(m) < 0.2] = pd.NaT
    quality = rng.choice([np.nan, 3.3, 4.1, 5.0, 2.2], m)
    reports = pd.DataFrame({"operator": pd.array(rng.choice(people, m), dtype="string"), "due_date": due,
                            "submitted_date": sub, "quality_score": quality})
    tables = {"calendar_match": cal, "data_reports": reports}
    team = insights.team_facts(tables)
    for name in ["甲", "乙", "丙", "丁", "戊"]:
        assert insights.facts(name, tables) == team.get(name, {}) == _facts_reference(name, tables)
    assert "内容按时发布率" not in team.get("丁", {})


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.floats(min_value=-1e6, max_value=1e6), st.just(float("nan")),
                          st.integers(-5, 5), st.none()), max_size=20))
def test_review_mean_is_pandas_mean(values):
    fast = person.mean_of(values)
    slow = pd.to_numeric(pd.Series(values, dtype=object), errors="coerce").mean()
    assert (pd.isna(fast) and pd.isna(slow)) or fast == slow


def test_views_lower_bound_lookup_equals_the_tuple_per_row():
    ids = ["platform", "account", "post_id"]
    frame = pd.DataFrame({"platform": pd.array(["wechat", "douyin", None, "douyin", "weibo"], dtype="string"),
                          "account": pd.array(["甲", "乙", "丙", "别的", "丁"], dtype="string"),
                          "post_id": pd.array(["1", "2", None, "2", "9"], dtype="string")},
                         index=[7, 3, 5, 1, 0])
    flagged = frame.iloc[[1, 2]]
    keys = set(map(tuple, flagged.astype(str).to_numpy()))
    slow = [tuple(k) in keys for k in frame[ids].astype(str).to_numpy()]
    assert key_in(frame, ids, keys).tolist() == slow == [False, True, True, False, False]
