import pandas as pd
import pytest

from .builders import full_month, minimal_month, posts_for, write_posts, write_table
from mediakpi.scoring import load_assessment, score_period, whatif_widget
from mediakpi.scoring.whatif import whatif_table

CFG = load_assessment()


def test_whatif_table_and_widget(ws):
    full_month(ws)
    res = score_period(ws, "2026-10")
    same = whatif_table(res.indicator_scores, CFG.weights_for("month"), CFG, res.scorecard, res.scorecard)
    assert (same["rank_change"] == 0).all()
    only_content = whatif_table(res.indicator_scores, {"内容运营": 100}, CFG, None, res.scorecard)
    assert only_content["total"].notna().all()
    widget = whatif_widget(res.indicator_scores, CFG, res.scorecard)
    assert type(widget).__name__ == "VBox"


def test_strategy_uplift_compares_equal_windows(ws):
    minimal_month(ws)
    before = posts_for("李四", "douyin", "品牌抖音", "2026-09", 6, views=1000)
    for i, p in enumerate(before):
        p["published_at"] = pd.Timestamp(f"2026-09-{20 + i} 10:00", tz="Asia/Shanghai")
        p["post_id"] = f"b{i}"
    after = posts_for("李四", "douyin", "品牌抖音", "2026-10", 6, views=1200)
    write_posts(ws, "2026-10", before + after)
    write_table(ws, "2026-10", "suggestions", [
        {"operator": "李四", "submitted_date": "2026-09-25", "suggestion": "封面加大字", "adopted": True,
         "effective_date": "2026-10-01", "account": "品牌抖音", "target_metric": "播放量"}])
    r = score_period(ws, "2026-10").indicator_scores.set_index(["operator", "indicator"])
    row = r.loc[("李四", "策略迭代后关键指标改善幅度")]
    assert row["actual"] == pytest.approx(0.2)  # median 1000 → 1200
    assert row["score"] == pytest.approx(110)   # bands 0 / 10% / 30% → 60 / 100 / 120
    assert "阅读/播放量中位数1,000→1,200（+20.0%）" in row["explanation"]
    z = r.loc[("张三", "策略迭代后关键指标改善幅度")]
    assert not z["applicable"]


def test_too_few_posts_for_uplift_is_not_applicable_and_says_why(ws):
    minimal_month(ws)
    write_table(ws, "2026-10", "suggestions", [
        {"operator": "李四", "submitted_date": "2026-10-01", "suggestion": "改标题", "adopted": True,
         "effective_date": "2026-10-05", "account": "品牌抖音", "target_metric": "播放量"}])
    row = score_period(ws, "2026-10").indicator_scores.set_index(["operator", "indicator"]).loc[
        ("李四", "策略迭代后关键指标改善幅度")]
    assert not row["applicable"] and "前后各需≥5条" in row["explanation"]
