"""The insight sentences name strengths and weak spots from evidence, never from a gap in the records."""
import pandas as pd

from mediakpi.labels import labels
from mediakpi.report import insights

DIMS = ["内容运营", "数据分析与优化"]


def _case():
    scorecard = pd.DataFrame({"operator": ["甲", "乙"], "内容运营": [80.0, 70.0], "数据分析与优化": [0.0, 60.0]})
    indicators = pd.DataFrame({
        "operator": ["甲", "甲", "乙", "乙"],
        "dimension": ["内容运营", "数据分析与优化", "内容运营", "数据分析与优化"],
        "status": ["scored", "missing_input", "scored", "scored"],
    })
    return scorecard, indicators


def test_a_dimension_without_a_scored_indicator_is_neither_strongest_nor_weakest():
    scorecard, indicators = _case()
    ev = insights.evidenced(scorecard, indicators, DIMS).set_index("operator")
    assert pd.isna(ev.loc["甲", "数据分析与优化"])                # only missing input: says nothing of the work
    assert ev.loc["乙", "数据分析与优化"] == 60.0                 # scored, low: a real weakness
    assert insights.extremes(ev.loc["甲"], DIMS) == ("内容运营", "内容运营")
    assert insights.extremes(ev.loc["乙"], DIMS) == ("内容运营", "数据分析与优化")
    assert scorecard.loc[0, "数据分析与优化"] == 0.0              # the scores shown are untouched


def test_the_team_weak_spot_is_not_a_dimension_nobody_has_records_for():
    scorecard, indicators = _case()
    lab = labels("zh")
    indicators.loc[indicators["dimension"] == "数据分析与优化", "status"] = "missing_input"
    sentence = insights.weak_spot(insights.evidenced(scorecard, indicators, DIMS), DIMS, 85.0, lab)
    assert sentence is not None and "内容运营" in sentence and "数据分析与优化" not in sentence
    # with the raw scorecard the missing records would have been called the team's weak spot
    assert "数据分析与优化" in insights.weak_spot(scorecard, DIMS, 85.0, lab)
