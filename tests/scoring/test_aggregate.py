import numpy as np
import pandas as pd
import pytest

from mediakpi.scoring import load_assessment, rescore
from mediakpi.scoring.aggregate import dimension_table, distribution_check, force_distribution
from mediakpi.scoring.fairness import fairness_context, main_platforms

CFG = load_assessment()


def rows(op, scores: dict, applicable: dict | None = None):
    out = []
    for name, spec in CFG.indicators.items():
        s = scores.get(name, scores.get(spec.dimension, np.nan))
        app = (applicable or {}).get(name, not np.isnan(s))
        out.append({"operator": op, "dimension": spec.dimension, "indicator": name, "weight": spec.weight / 100,
                    "score": s if app else np.nan, "applicable": app})
    return out


def test_reweighting_inside_a_dimension():
    # 内容运营: only 内容质量 (35) = 80 and 爆款内容数量 (10) = 120 apply → (35×80 + 10×120)/45
    ind = pd.DataFrame(rows("a", {"内容质量": 80.0, "爆款内容数量": 120.0}))
    scores, coverage, enriched = dimension_table(ind, CFG)
    assert coverage.loc["a", "内容运营"] == pytest.approx(0.45)
    # issue 22 (no cliffs): a dimension under 50% applicable keeps its score and carries 45/50 of its weight
    assert scores.loc["a", "内容运营"] == pytest.approx((35 * 80 + 10 * 120) / 45)
    from mediakpi.scoring.aggregate import dimension_factor
    assert float(dimension_factor(0.45, CFG)) == pytest.approx(0.9)
    ind = pd.DataFrame(rows("a", {"内容质量": 80.0, "内容原创比例": 100.0, "爆款内容数量": 120.0}))
    scores, coverage, enriched = dimension_table(ind, CFG)
    assert coverage.loc["a", "内容运营"] == pytest.approx(0.65)
    assert scores.loc["a", "内容运营"] == pytest.approx((35 * 80 + 20 * 100 + 10 * 120) / 65)
    e = enriched.set_index("indicator")["effective_weight"]
    assert e["内容质量"] == pytest.approx(35 / 65) and e["内容按时发布率"] == 0


def test_reweighting_at_the_total_and_grades():
    ind = pd.DataFrame(rows("a", {"内容运营": 100.0, "用户运营": 90.0}) + rows("b", {"内容运营": 115.0}))
    card = rescore(ind, CFG.weights_for("month"), CFG).set_index("operator")
    assert card.loc["a", "total"] == pytest.approx((30 * 100 + 25 * 90) / 55)
    assert card.loc["a", "coverage"] == pytest.approx(0.55)
    assert card.loc["b", "total"] == pytest.approx(115) and card.loc["b", "grade"] == "S"
    assert card.loc["a", "grade"] == "B" and card.loc["b", "rank"] == 1 and card.loc["a", "rank"] == 2


@pytest.mark.parametrize("total,grade", [(110, "S"), (109.99, "A"), (100, "A"), (85, "B"), (84.9, "C"), (70, "C"),
                                         (69.9, "D"), (0, "D")])
def test_grade_bands(total, grade):
    ind = pd.DataFrame(rows("a", {"内容运营": total}))
    assert rescore(ind, CFG.weights_for("month"), CFG)["grade"].iloc[0] == grade


def test_bonus_deduction_clip_and_veto():
    ind = pd.DataFrame(rows("a", {"内容运营": 115.0}) + rows("b", {"内容运营": 20.0}))
    adj = pd.DataFrame({"operator": ["a", "b"], "bonus": [10.0, 0.0], "deduction": [0.0, 30.0], "veto": [True, False]})
    card = rescore(ind, CFG.weights_for("month"), CFG, adj).set_index("operator")
    assert card.loc["a", "total"] == 120 and card.loc["b", "total"] == 0       # clipped to [0, 120]
    assert card.loc["a", "grade_before_cap"] == "S" and card.loc["a", "grade"] == "C"
    assert card.loc["b", "grade"] == "D"


def test_ties_share_a_rank():
    ind = pd.DataFrame(rows("a", {"内容运营": 90.0}) + rows("b", {"内容运营": 90.0}) + rows("c", {"内容运营": 80.0}))
    card = rescore(ind, CFG.weights_for("month"), CFG).set_index("operator")
    assert card["rank"].tolist() == [1, 1, 3]


def test_other_weights_rerank():
    ind = pd.DataFrame(rows("a", {"内容运营": 110.0, "用户运营": 70.0}) + rows("b", {"内容运营": 80.0, "用户运营": 100.0}))
    w = CFG.weights_for("month")
    assert rescore(ind, w, CFG).set_index("operator").loc["a", "rank"] == 1
    flipped = rescore(ind, {**w, "内容运营": 5, "用户运营": 50}, CFG).set_index("operator")
    assert flipped.loc["b", "rank"] == 1


def test_distribution_small_team_is_a_warning():
    d = distribution_check(pd.Series(["S", "A", "B", "C"]), CFG)
    assert not d["ok"] and d["small_team"] and "只作提醒" in d["message"] and d["top_share"] == 0.5


def test_forcing_demotes_lowest_top_grades_for_big_teams():
    cfg = load_assessment()
    n = 10
    card = pd.DataFrame({"operator": [f"p{i}" for i in range(n)], "total": [120 - i for i in range(n)]})
    card["grade"] = ["S", "S", "A", "A", "A", "B", "B", "B", "B", "C"]
    same, demoted = force_distribution(card, cfg)
    assert demoted == []  # off by default
    cfg.distribution.force = True
    forced, demoted = force_distribution(card, cfg)
    assert demoted == ["p3", "p4"] and forced["grade"].isin(["S", "A"]).sum() == 3
    assert distribution_check(forced["grade"], cfg)["ok"]


def test_fairness_percentile_and_robust_z():
    card = pd.DataFrame({"operator": list("abcde"), "total": [80.0, 90.0, 100.0, 110.0, 95.0]})
    mp = pd.Series({"a": "douyin", "b": "douyin", "c": "douyin", "d": "douyin", "e": "wechat"})
    f = fairness_context(card, mp).set_index("operator")
    assert f.loc["a", "cohort_percentile"] == 25 and f.loc["d", "cohort_percentile"] == 100
    x = np.log1p(np.array([80.0, 90.0, 100.0, 110.0]))
    med = np.median(x)
    mad = np.median(np.abs(x - med))
    assert f.loc["d", "robust_z"] == pytest.approx(0.6745 * (x[3] - med) / mad)
    assert pd.isna(f.loc["a", "fairness_note"])
    assert "不足3人" in f.loc["e", "fairness_note"] and f.loc["e", "cohort_size"] == 1


def test_main_platform_is_the_one_with_most_posts():
    posts = pd.DataFrame({"operator": ["a", "a", "a"], "platform": ["weibo", "douyin", "douyin"]})
    accounts = pd.DataFrame({"operator": ["a", "b"], "platform": ["weibo", "wechat"]})
    mp = main_platforms(posts, accounts)
    assert mp["a"] == "douyin" and mp["b"] == "wechat"
