import pandas as pd
import pytest

from .builders import ROSTER, full_month, minimal_month, posts_for, write_account_month, write_posts, write_table
from mediakpi.scoring import load_assessment, score_period
from mediakpi.scoring.plan import BaselineRule, Target
from mediakpi.scoring.targets import account_target, static_target, trailing_baseline

pytestmark = pytest.mark.slow  # left out by `make test-fast` (tiers: tests/conftest.py)

CFG = load_assessment()


def test_static_target_precedence():
    t = Target(default=0.9, per_person={"张三": 0.8}, per_platform={"wechat": 0.7}, per_account={"wechat/品牌号": 0.6},
               per_month=True)
    assert static_target(t, "张三", "wechat", "品牌号") == (0.6, "账号目标")
    assert static_target(t, "张三", "wechat", "别的号") == (0.8, "个人目标")
    assert static_target(t, "李四", "wechat", "别的号") == (0.7, "平台目标")
    assert static_target(t, "李四", "douyin", "x", months=3) == pytest.approx((2.7, "团队默认目标"))


def test_baseline_and_fallback():
    monthly = pd.DataFrame({"platform": "douyin", "account": "a", "month": ["2026-07", "2026-08", "2026-09", "2026-05"],
                            "value": [0.02, 0.04, 0.03, 0.5]})
    base = trailing_baseline(monthly, "2026-10", BaselineRule(months=3, min_months=2))
    assert base.loc[0, "baseline"] == pytest.approx(0.03) and base.loc[0, "n_months"] == 3
    t = Target(default=0.01, baseline={"enabled": True, "uplift": 0.05})
    value, note = account_target(t, BaselineRule(months=3, min_months=2), "x", "douyin", "a", base)
    assert value == pytest.approx(0.0315) and "近3月中位数" in note
    short = trailing_baseline(monthly, "2026-06", BaselineRule(months=3, min_months=2))  # only May
    value, note = account_target(t, BaselineRule(months=3, min_months=2), "x", "douyin", "a", short)
    assert value == 0.01 and "历史不足（1个月）" in note


def test_interaction_target_from_earlier_processed_months(ws):
    # three earlier months where the account's weighted interaction rate was 10%, then October at 10.5%
    for m in ["2026-07", "2026-08", "2026-09"]:
        write_posts(ws, m, posts_for("李四", "douyin", "品牌抖音", m, 3, views=1000, likes=100, comments=0, shares=0, saves=0))
    minimal_month(ws)
    write_posts(ws, "2026-10", posts_for("李四", "douyin", "品牌抖音", "2026-10", 3, views=1000, likes=105, comments=0,
                                          shares=0, saves=0) + posts_for("张三", "wechat", "品牌号", "2026-10", 2))
    res = score_period(ws, "2026-10")
    r = res.indicator_scores.set_index(["operator", "indicator"]).loc[("李四", "内容互动情况")]
    # target = 10% × 1.05 = 10.5%, actual 10.5% → 100
    assert r["score"] == pytest.approx(100) and "近3月中位数10.00%×1.05" in r["explanation"]
    z = res.indicator_scores.set_index(["operator", "indicator"]).loc[("张三", "内容互动情况")]
    assert "历史不足（0个月）" in z["explanation"]


def quarter_folder(ws, period="2026-Q3", review=True):
    posts, am = [], []
    for m in ["2026-07", "2026-08", "2026-09"]:
        posts += posts_for("张三", "wechat", "品牌号", m, 4, viral=1 if m != "2026-08" else 0)
        posts += posts_for("李四", "douyin", "品牌抖音", m, 3, views=5000)
        am.append({"platform": "wechat", "account": "品牌号", "operator": "张三", "month": m, "followers_start": 10000,
                   "net_growth": 100, "growth_rate": 0.01})
    write_table(ws, period, "roster", ROSTER[:2])
    write_posts(ws, period, posts)
    write_account_month(ws, period, am)
    if review:
        write_table(ws, period, "qualitative_reviews", [
            {"operator": "张三", "period": "2026-Q3", "rater": "老板", "rater_role": "上级", "professional": 4,
             "conduct": 4, "teamwork": 4},
            {"operator": "张三", "period": "2026-08", "rater": "老板", "rater_role": "上级", "professional": 5,
             "conduct": 5, "teamwork": 5}])


def test_quarter_rollup(ws):
    quarter_folder(ws)
    res = score_period(ws, "2026-Q3")
    card = res.scorecard.set_index("operator")
    r = res.indicator_scores.set_index(["operator", "indicator"])
    viral = r.loc[("张三", "爆款内容数量")]
    # recomputed over the quarter: 2 viral posts against 1 per month × 3 months, substituted into each month
    assert viral["actual"] == 2 and viral["target"] == 3 and viral["explanation"].startswith("按整期数据重新计算")
    prof = r.loc[("张三", "专业能力")]
    # only August has a (manager-only: 0.6 × 100) review; July and September have none: missing input, 0 (issue 15)
    assert prof["score"] == pytest.approx(20) and "7月缺数据、8月60.0、9月缺数据" in prof["explanation"]
    # 90% months + 10% the quarter's own review (manager-only 4 → 0.6 × 80 = 48)
    assert card.loc["张三", "review_score"] == pytest.approx(48)
    assert card.loc["张三", "total"] == pytest.approx(0.9 * card.loc["张三", "base"] + 0.1 * 48)
    contrib = res.indicator_scores.groupby("operator")["contribution"].sum()
    assert contrib["张三"] == pytest.approx(0.9 * card.loc["张三", "base"])
    assert card.loc["李四", "total"] == pytest.approx(card.loc["李四", "base"])   # no quarter review for 李四
    g = CFG.grades
    t = card.loc["张三", "total"]
    expected = "S" if t >= g["S"] else "A" if t >= g["A"] else "B" if t >= g["B"] else "C" if t >= g["C"] else "D"
    assert card.loc["张三", "grade"] == expected
    assert res.meta["sources"] == ["2026-07: 由本期数据计算", "2026-08: 由本期数据计算", "2026-09: 由本期数据计算"]


def test_quarter_dimensions_are_the_mean_of_the_monthly_files(ws):
    """The plan's quarter: each dimension the mean of the monthly dimension scores (read back from the monthly
    scorecard files) over the months it counted; content and user dimensions hold recomputed indicators."""
    months = ["2026-07", "2026-08", "2026-09"]
    for m in months:
        full_month(ws, m)
        write_table(ws, m, "data_reports", [{"operator": "张三", "report": "周报", "due_date": f"{m}-07",
                                             "submitted_date": f"{m}-{7 + months.index(m) * 2:02d}", "quality_score": 80}])
        score_period(ws, m)
    quarter_folder(ws, review=False)
    q = score_period(ws, "2026-Q3").scorecard.set_index("operator")
    files = [pd.read_parquet(ws.processed(m) / "scorecard.parquet").set_index("operator") for m in months]
    for op in q.index:
        for dim in ("平台与活动运营", "数据分析与优化", "综合能力与协作"):
            vals = [f.at[op, dim] for f in files if op in f.index and pd.notna(f.at[op, dim])]
            if vals:
                assert q.at[op, dim] == pytest.approx(sum(vals) / len(vals)), (op, dim)
            else:
                assert pd.isna(q.at[op, dim])


def test_quarter_reuses_scored_months(ws):
    quarter_folder(ws)
    full_month(ws, "2026-07")
    month = score_period(ws, "2026-07")
    res = score_period(ws, "2026-Q3")
    assert res.meta["sources"][0] == "2026-07: 读取已有评分"
    r = res.indicator_scores.set_index(["operator", "indicator"])
    m7 = month.indicator_scores.set_index(["operator", "indicator"]).loc[("张三", "内容按时发布率"), "score"]
    assert f"7月{m7:.1f}" in r.loc[("张三", "内容按时发布率"), "explanation"]


def test_year_rollup(ws):
    quarter_folder(ws, "2026")
    write_table(ws, "2026", "qualitative_reviews", [
        {"operator": "张三", "period": "2026", "rater": "老板", "rater_role": "上级", "professional": 3, "conduct": 3,
         "teamwork": 3}])
    res = score_period(ws, "2026")
    card = res.scorecard.set_index("operator")
    assert res.meta["dimension_weights"]["综合能力与协作"] == 20
    # manager-only quarter review: the missing peer/self shares score nothing (issue 15: 0.6 × 60 = 36)
    assert card.loc["张三", "review_score"] == pytest.approx(36)
    assert card.loc["张三", "total"] == pytest.approx(0.9 * card.loc["张三", "base"] + 0.1 * 36)
    r = res.indicator_scores.set_index(["operator", "indicator"])
    assert r.loc[("张三", "爆款内容数量"), "target"] == 12
    assert "Q3" in r.loc[("张三", "内容原创比例"), "explanation"]
    assert len(res.meta["sources"]) == 12


def test_year_reuses_scored_quarter(ws):
    quarter_folder(ws)
    q = score_period(ws, "2026-Q3")
    quarter_folder(ws, "2026")
    res = score_period(ws, "2026")
    assert "2026-Q3: 读取已有评分" in res.meta["sources"]
    # 张三 held his account all year (no roster dates) and published only in Q3: the other quarters count, with
    # nothing done (issue 15), so the year's 综合能力与协作 is Q3's over four quarters
    y, qc = res.scorecard.set_index("operator"), q.scorecard.set_index("operator")
    assert y.at["张三", "综合能力与协作"] == pytest.approx(qc.at["张三", "综合能力与协作"] / 4)


def test_baseline_scaled_for_per_month_targets():
    monthly = pd.DataFrame({"platform": "wechat", "account": "a", "month": ["2026-04", "2026-05", "2026-06"],
                            "value": [0.01, 0.02, 0.03]})
    base = trailing_baseline(monthly, "2026-07", BaselineRule(months=3, min_months=2))
    t = Target(default=0.02, per_month=True, baseline={"enabled": True, "uplift": 0.05})
    value, note = account_target(t, BaselineRule(months=3, min_months=2), "x", "wechat", "a", base, months=3)
    assert value == pytest.approx(0.02 * 3 * 1.05) and note == "近3月中位数2.00%×3个月×1.05"


def test_rollup_uses_todays_weights_for_earlier_scores(ws):
    quarter_folder(ws)
    full_month(ws, "2026-07")
    score_period(ws, "2026-07")
    path = ws.processed("2026-07") / "indicator_scores.parquet"
    old = pd.read_parquet(path)
    old["weight"] = 0.5  # as if scored with another plan
    old.to_parquet(path, index=False)
    res = score_period(ws, "2026-Q3")
    # rollup weights are the indicators' effective shares over the months their dimension counted (issue 15), computed
    # from today's plan: the stale 0.5 of the file is not used (with it, 内容质量 would weigh 0.5 / 2.5 = 0.2)
    w = res.indicator_scores.set_index(["operator", "indicator"])["weight"]
    fresh = score_period(ws, "2026-07").indicator_scores.set_index(["operator", "indicator"])["effective_weight"]
    assert w[("张三", "内容质量")] == pytest.approx(fresh[("张三", "内容质量")])   # only July counted


def test_quarter_from_scored_months_only(ws):
    from .builders import full_month
    for m in ["2026-07", "2026-08"]:
        full_month(ws, m)
        score_period(ws, m)
    res = score_period(ws, "2026-Q3")   # no processed/2026-Q3 tables at all
    assert set(res.scorecard["operator"]) == {"张三", "李四", "王五"}
    assert res.meta["sources"][:2] == ["2026-07: 读取已有评分", "2026-08: 读取已有评分"]
    assert res.scorecard.set_index("operator").loc["张三", "total"] > 0


@pytest.mark.parametrize("text,expected", [("2026-10", "2026-10"), ("2026年10月", "2026-10"), ("2026.1", "2026-01"),
                                           ("2026/10", "2026-10"), ("2026-Q3", "2026-Q3"), ("2026q3", "2026-Q3"),
                                           ("2026年第三季度", "2026-Q3"), ("2026年Q3", "2026-Q3"), ("2026", "2026"),
                                           ("2026年度", "2026"), ("2026年", "2026"), ("十月", None), ("2026-13", None)])
def test_review_periods_written_by_hand(text, expected):
    from mediakpi.scoring.indicators import norm_period
    assert norm_period(text) == expected
