"""Worse work never scores better; missing data never helps (issue 15, docs/specs/assessment-plan.md).

Hypothesis builds a month for two people (posts, calendar, reports, suggestions, reviews) and applies one change that
makes the work or the records worse; no indicator, dimension or total of anyone may rise. The month is scored in
memory (score_inputs), the whole pipeline from indicators to the scorecard.
"""
from __future__ import annotations

import os

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mediakpi import catalog
from mediakpi.periods import Period
from mediakpi.scoring import load_assessment, score_inputs
from mediakpi.scoring.indicators import Inputs
from mediakpi.scoring.pipeline import POST_COLUMNS

from .builders import ACCOUNT_MONTH, CALENDAR_MATCH, conform, ts
import pytest

pytestmark = pytest.mark.slow  # Hypothesis properties over whole months (~50 s here) (tiers: tests/conftest.py)

CFG = load_assessment()
MONTH = "2026-10"
PEOPLE = [("张三", "wechat", "品牌号"), ("李四", "douyin", "品牌抖音")]

post_st = st.fixed_dictionaries({
    "who": st.integers(0, 1), "day": st.integers(1, 28), "views": st.integers(1, 50_000),
    "likes": st.integers(0, 2_000), "comments": st.integers(0, 300), "shares": st.integers(0, 300),
    "saves": st.integers(0, 300), "completion": st.floats(0.05, 0.9), "original": st.booleans(),
    "on_time": st.booleans(), "viral": st.booleans(), "followers": st.integers(0, 200)})
report_st = st.fixed_dictionaries({"who": st.integers(0, 1), "due": st.integers(3, 28),
                                   "late": st.one_of(st.none(), st.integers(0, 6)),
                                   "quality": st.one_of(st.none(), st.integers(40, 100))})
sugg_st = st.fixed_dictionaries({"who": st.integers(0, 1), "day": st.integers(1, 28), "adopted": st.booleans()})
review_st = st.fixed_dictionaries({"who": st.integers(0, 1), "role": st.sampled_from(["上级", "同事", "自评"]),
                                   "a": st.integers(1, 5), "b": st.integers(1, 5), "c": st.integers(1, 5)})
month_st = st.fixed_dictionaries({
    "posts": st.lists(post_st, min_size=0, max_size=12),
    "missed": st.lists(st.tuples(st.integers(0, 1), st.integers(1, 28)), max_size=3),
    "reports": st.lists(report_st, max_size=4),
    "suggestions": st.lists(sugg_st, max_size=4),
    "quality": st.lists(st.tuples(st.integers(0, 1), st.integers(40, 100)), max_size=3),
    "reviews": st.lists(review_st, max_size=5),
    "flagged": st.lists(st.integers(0, 11), max_size=2)})


def build(m: dict) -> dict:
    """The month as plain rows (each change below edits these rows)."""
    posts, cal = [], []
    for i, p in enumerate(m["posts"]):
        op, plat, acc = PEOPLE[p["who"]]
        pid = f"p{i}"
        posts.append({"platform": plat, "account": acc, "operator": op, "post_id": pid, "title": f"作品{i}",
                      "published_at": ts(f"{MONTH}-{p['day']:02d} 10:00"), "views": p["views"], "likes": p["likes"],
                      "comments": p["comments"], "shares": p["shares"], "saves": p["saves"],
                      "completion_rate": p["completion"], "is_original": p["original"], "viral": p["viral"],
                      "viral_rule": "阅读量≥10万" if p["viral"] else None, "followers_gained": p["followers"],
                      "mature": True, "in_period": True})
        cal.append({"planned_at": ts(f"{MONTH}-{p['day']:02d} 10:00"), "platform": plat, "account": acc,
                    "title": f"作品{i}", "operator": op, "is_original": p["original"], "post_id": pid,
                    "status": "on_time" if p["on_time"] else "late"})
    for who, day in m["missed"]:
        op, plat, acc = PEOPLE[who]
        cal.append({"planned_at": ts(f"{MONTH}-{day:02d} 09:00"), "platform": plat, "account": acc, "title": "计划",
                    "operator": op, "status": "missed"})
    reports = [{"operator": PEOPLE[r["who"]][0], "report": f"周报{i}", "due_date": f"{MONTH}-{r['due']:02d}",
                "submitted_date": None if r["late"] is None else
                (pd.Timestamp(f"{MONTH}-{r['due']:02d}") + pd.Timedelta(days=r["late"])).strftime("%Y-%m-%d"),
                "quality_score": r["quality"]} for i, r in enumerate(m["reports"])]
    sugg = [{"operator": PEOPLE[s["who"]][0], "submitted_date": f"{MONTH}-{s['day']:02d}", "suggestion": f"建议{i}",
             "adopted": s["adopted"]} for i, s in enumerate(m["suggestions"])]
    quality = [{"operator": PEOPLE[w][0], "review_date": f"{MONTH}-10", "score": v} for w, v in m["quality"]]
    reviews = [{"operator": PEOPLE[r["who"]][0], "period": MONTH, "rater": f"r{i}", "rater_role": r["role"],
                "professional": r["a"], "conduct": r["b"], "teamwork": r["c"]} for i, r in enumerate(m["reviews"])]
    flags = [{"platform": posts[i]["platform"], "account": posts[i]["account"], "post_id": posts[i]["post_id"],
              "check": "fraud_interactions_per_view", "level": "warn", "message": "疑似刷量"}
             for i in m["flagged"] if i < len(posts)]
    return {"posts": posts, "calendar": cal, "data_reports": reports, "suggestions": sugg, "quality_reviews": quality,
            "qualitative_reviews": reviews, "flags": flags}


def table(name, rows):
    cols = catalog.team_table_dtypes(name)
    return conform(pd.DataFrame(rows), cols) if rows else catalog.empty(cols)


def score(rows: dict, drop: tuple = ()):
    roster = table("roster", [{"name": o, "platform": p, "account": a} for o, p, a in PEOPLE])
    posts = conform(pd.DataFrame(rows["posts"]), POST_COLUMNS) if rows["posts"] else catalog.empty(POST_COLUMNS)
    am = conform(pd.DataFrame([{"platform": p, "account": a, "operator": o, "month": MONTH, "followers_start": 5000,
                                "net_growth": 100, "followers_lost": 20, "growth_rate": 0.02}
                               for o, p, a in PEOPLE]), ACCOUNT_MONTH)
    cal = conform(pd.DataFrame(rows["calendar"]), CALENDAR_MATCH) if rows["calendar"] and "content_calendar" not in drop \
        else catalog.empty(CALENDAR_MATCH)
    tables = {"roster": roster}
    for t in ("data_reports", "suggestions", "quality_reviews", "qualitative_reviews"):
        tables[t] = table(t, [] if t in drop else rows[t])
    if "content_calendar" not in drop:
        tables["content_calendar"] = table("content_calendar", [{k: r.get(k) for k in ("planned_at", "platform", "account",
                                                                                     "title", "operator")}
                                                                for r in rows["calendar"]])
    flags = pd.DataFrame(rows["flags"]) if rows["flags"] else pd.DataFrame()
    inp = Inputs(period=Period.parse(MONTH), roster=roster, posts=posts, account_month=am, calendar_match=cal,
                 tables=tables, people=[o for o, _, _ in PEOPLE], flags=flags)
    return score_inputs(inp, MONTH, CFG)


def effective(res):
    """Indicator values as the total sees them: a missing input counts 0; not applicable is absent."""
    ind = res.indicator_scores
    v = np.where(ind["status"] == "missing_input", 0.0, ind["score"].to_numpy(dtype=float, na_value=np.nan))
    keep = ind["status"] != "not_applicable"
    return dict(zip(zip(ind.loc[keep, "operator"], ind.loc[keep, "indicator"]), v[keep.to_numpy()]))


def assert_not_raised(before, after, what):
    b_ind, a_ind = effective(before), effective(after)
    for k, v in a_ind.items():
        if k in b_ind and not np.isnan(v) and not np.isnan(b_ind[k]):
            assert v <= b_ind[k] + 1e-6, f"{what}: {k} rose {b_ind[k]:.3f} → {v:.3f}"
    bc, ac = before.scorecard.set_index("operator"), after.scorecard.set_index("operator")
    for op in bc.index:
        for col in ["内容运营", "用户运营", "平台与活动运营", "数据分析与优化", "综合能力与协作", "total"]:
            b, a = bc.at[op, col], ac.at[op, col]
            if pd.notna(a) and pd.notna(b):
                assert a <= b + 1e-6, f"{what}: {op} {col} rose {b:.3f} → {a:.3f}"
            if col == "total" and pd.notna(a):
                assert pd.notna(b) or ac.at[op, "grade_status"] != "final", f"{what}: {op} got a final total from nothing"


# 12 whole-month examples per property keep the suite at a few minutes on a shared 2-core machine; a deeper search:
# MEDIAKPI_PROPERTY_EXAMPLES=200 pytest tests/scoring/test_properties.py
SETTINGS = settings(max_examples=int(os.environ.get("MEDIAKPI_PROPERTY_EXAMPLES", "12")), deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(month_st, st.integers(0, 1), st.integers(1, 28))
def test_a_missed_planned_item_never_raises(m, who, day):
    rows = build(m)
    worse = build({**m, "missed": m["missed"] + [(who, day)]})
    assert_not_raised(score(rows), score(worse), "one more missed item")


@SETTINGS
@given(month_st, st.integers(0, 1))
def test_an_unadopted_suggestion_never_raises(m, who):
    rows = build(m)
    worse = build({**m, "suggestions": m["suggestions"] + [{"who": who, "day": 15, "adopted": False}]})
    assert_not_raised(score(rows), score(worse), "one more unadopted suggestion")


@SETTINGS
@given(month_st, st.integers(0, 3), st.integers(1, 5))
def test_a_later_or_missing_report_never_raises(m, which, extra):
    if not m["reports"]:
        m = {**m, "reports": [{"who": 0, "due": 10, "late": 0, "quality": 80}]}
    which %= len(m["reports"])
    r = m["reports"][which]
    later = dict(r, late=None if r["late"] is None else r["late"] + extra)
    missing = dict(r, late=None)
    base = score(build(m))
    for changed, what in ((later, "a later report"), (missing, "a report never submitted")):
        reps = list(m["reports"])
        reps[which] = changed
        assert_not_raised(base, score(build({**m, "reports": reps})), what)
    added = build({**m, "reports": m["reports"] + [{"who": r["who"], "due": 20, "late": None, "quality": None}]})
    assert_not_raised(base, score(added), "one more report due and not submitted")


@SETTINGS
@given(month_st, st.integers(0, 11))
def test_a_flagged_post_never_raises(m, which):
    if not m["posts"]:
        return
    which %= len(m["posts"])
    worse = build({**m, "flagged": m["flagged"] + [which]})
    assert_not_raised(score(build(m)), score(worse), "one more flagged post")


@SETTINGS
@given(month_st, st.integers(0, 11))
def test_dropping_the_calendar_row_of_a_published_repost_never_raises(m, which):
    if not m["posts"]:
        return
    which %= len(m["posts"])
    posts = list(m["posts"])
    posts[which] = dict(posts[which], original=False)   # a repost
    m = {**m, "posts": posts}
    rows = build(m)
    worse = build(m)
    pid = worse["posts"][which]["post_id"]
    worse["calendar"] = [c for c in worse["calendar"] if c.get("post_id") != pid]
    worse["posts"][which]["is_original"] = None          # the calendar was where 是否原创 came from
    assert_not_raised(score(rows), score(worse), "calendar row of a repost left out")


@SETTINGS
@given(month_st, st.sampled_from(["quality_reviews", "qualitative_reviews", "data_reports", "suggestions",
                                  "content_calendar"]))
def test_a_missing_table_never_raises(m, name):
    rows = build(m)
    assert_not_raised(score(rows), score(rows, drop=(name,)), f"{name} not provided")


@SETTINGS
@given(month_st, st.integers(0, 4))
def test_a_missing_rater_role_never_raises(m, which):
    """All of one role's ratings for a person left out (no manager review, say). Leaving out one of several ratings
    of the same role can raise the role's mean; that is the mean of the raters, documented in docs/scoring.md."""
    if not m["reviews"]:
        return
    r = m["reviews"][which % len(m["reviews"])]
    fewer = {**m, "reviews": [x for x in m["reviews"] if not (x["who"] == r["who"] and x["role"] == r["role"])]}
    assert_not_raised(score(build(m)), score(build(fewer)), "one rater role missing")
