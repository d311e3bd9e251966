import json

import numpy as np
import pandas as pd
import pytest

from .builders import ROSTER, full_month, minimal_month, posts_for, write_posts, write_table
from mediakpi import catalog
from mediakpi.config import ConfigError
from mediakpi.scoring import load_assessment, rescore, score_period

pytestmark = pytest.mark.slow  # left out by `make test-fast` (tiers: tests/conftest.py)

CFG = load_assessment()


def rows_of(res, op):
    r = res.indicator_scores
    return r[r["operator"] == op].set_index("indicator")


def test_writes_contract_files(ws):
    full_month(ws)
    res = score_period(ws, "2026-10")
    folder = ws.processed("2026-10")
    card = pd.read_parquet(folder / catalog.file_name("scorecard"))
    ind = pd.read_parquet(folder / catalog.file_name("indicator_scores"))
    assert list(card.columns[:len(catalog.SCORECARD_BASE)]) == list(catalog.SCORECARD_BASE)
    for dim in ["内容运营", "用户运营", "平台与活动运营", "数据分析与优化", "综合能力与协作"]:
        assert dim in card.columns
    assert list(ind.columns[:len(catalog.INDICATOR_SCORES)]) == list(catalog.INDICATOR_SCORES)
    assert len(ind) == 3 * len(load_assessment().indicators)   # every person × every indicator of the plan
    meta = json.loads((folder / catalog.file_name("score_meta")).read_text(encoding="utf-8"))
    assert meta["config_hash"] == CFG.digest and meta["dimension_weights"]["内容运营"] == 30
    assert (folder / catalog.file_name("score_ledger")).is_file()
    assert res.scorecard["operator"].tolist() == card["operator"].tolist()


def test_explanations_can_be_checked_by_hand(ws):
    full_month(ws)
    r = rows_of(score_period(ws, "2026-10"), "张三")
    on_time = r.loc["内容按时发布率"]
    # the line a person checks by hand shows the numbers of the row's fields (not pinned word for word)
    assert all(part in on_time["explanation"] for part in ("12", "11", "91.7%", "95%", "96.5"))
    assert on_time["actual"] == pytest.approx(11 / 12) and on_time["target"] == 0.95
    assert on_time["score"] == pytest.approx(100 * (11 / 12) / 0.95)
    rep = r.loc["数据报告及时性与质量"]
    # one report 2 days late, one missing: 100 − 10×2 − 25 = 55; quality: 85 and 0 for the report never delivered
    # (issue 15: a missing report is nothing delivered, not an unrated one) → 42.5; 50/50 → 48.75
    assert "100−10×2−25×1=55" in rep["explanation"] and rep["score"] == pytest.approx(48.75)
    prof = r.loc["专业能力"]
    # manager 4 ×60% + peer 5 ×30% + self 5 ×10% = 4.4 → 88
    assert prof["score"] == pytest.approx(88) and "4.40" in prof["explanation"]
    roi = r.loc["活动ROI"]
    assert roi["actual"] == pytest.approx(1.5) and roi["score"] == 120
    for _, row in r.iterrows():
        assert isinstance(row["explanation"], str) and row["explanation"]
        if row["status"] == "scored":
            assert f"{row['score']:.1f}" in row["explanation"]
        elif row["status"] == "missing_input":   # full_month has no 互动与舆情记录: the reply indicators ask for it
            assert "请补充" in row["explanation"]


def test_dimension_and_total_follow_the_rows(ws):
    full_month(ws)
    res = score_period(ws, "2026-10")
    ind, card = res.indicator_scores, res.scorecard.set_index("operator")
    z = ind[(ind["operator"] == "张三")]
    dims = {}
    for dim, g in z.groupby("dimension"):
        a = g[g["status"] != "not_applicable"]   # a missing input keeps its weight and adds 0 (issue 15)
        dims[dim] = (a["weight"] * a["score"].fillna(0)).sum() / a["weight"].sum()
        assert card.loc["张三", dim] == pytest.approx(dims[dim])
        assert a["effective_weight"].sum() == pytest.approx(1.0)
    w = CFG.weights_for("month")
    base = sum(w[d] * s for d, s in dims.items()) / sum(w.values())
    assert card.loc["张三", "base"] == pytest.approx(base)
    # bonus 3 (review), deduction 5 (one violation)
    assert card.loc["张三", "total"] == pytest.approx(base + 3 - 5)
    # contributions add up to the base
    assert z["contribution"].sum() == pytest.approx(base)
    assert set(res.ledger["kind"]) == {"bonus", "deduction", "veto", "missing_input"}  # + the tables to fill in


def test_not_applicable_is_not_zero_and_says_why(ws):
    full_month(ws)
    r = rows_of(score_period(ws, "2026-10"), "张三")
    p3 = r.loc["合作项目完成质量与效率"]
    assert not p3["applicable"] and np.isnan(p3["score"])
    assert p3["status"] == "not_applicable" and p3["explanation"]
    # the dimension's applicable weight is 60% (≥ 50%): it is scored from its applicable indicators only
    res = score_period(ws, "2026-10")
    assert res.scorecard.set_index("operator").loc["张三", "coverage_platform"] == pytest.approx(0.6)


def test_only_roster_and_platform_exports_still_scores_everyone(ws):
    minimal_month(ws)
    res = score_period(ws, "2026-10")
    card = res.scorecard
    assert sorted(card["operator"]) == sorted(r["name"] for r in ROSTER)
    assert card["total"].notna().all() and card["grade"].isin(list("SABCD")).all()
    ind = res.indicator_scores
    optional = ["用户活跃度", "用户转化率", "活动目标达成率", "活动ROI"]   # duties that may not exist: N/A
    sub = ind[ind["indicator"].isin(optional)]
    assert not sub["applicable"].any() and (sub["status"] == "not_applicable").all()
    assert sub["reason_na"].notna().all() and sub["explanation"].str.contains("不适用").all()
    # duties everyone has, whose logs were not provided: missing input, naming the table (issue 15)
    gap = ind[ind["indicator"].isin(["数据报告及时性与质量", "专业能力"])]
    assert (gap["status"] == "missing_input").all() and gap["missing_tables"].notna().all()
    assert (card["grade_status"] == "provisional").all() and card["missing_note"].str.contains("综合能力评价").all()
    # dimensions without enough applicable weight are not applicable, and the note says so
    assert card["平台与活动运营"].isna().all()
    assert card["reweight_note"].str.contains("平台与活动运营").all()


def test_negative_growth_scores_zero_single_post_still_scored(ws):
    minimal_month(ws)
    write_posts(ws, "2026-10", posts_for("李四", "douyin", "品牌抖音", "2026-10", 1, views=5000))
    r = rows_of(score_period(ws, "2026-10"), "李四")
    assert r.loc["粉丝增长率", "score"] == 0.0 and "-1.00%" in r.loc["粉丝增长率", "explanation"]
    assert r.loc["内容原创比例", "applicable"] and "发布1条，原创1条" in r.loc["内容原创比例", "explanation"]
    assert "仅1条作品，按证据量折算" in r.loc["内容原创比例", "explanation"]


def test_veto_caps_grade_at_c(ws):
    full_month(ws)
    write_table(ws, "2026-10", "qualitative_reviews", [
        {"operator": "张三", "period": "2026-10", "rater": "老板", "rater_role": "上级", "professional": 5,
         "conduct": 5, "teamwork": 5, "veto": True, "bonus_points": 10, "comment": "大促活动表现突出"},
        {"operator": "张三", "period": "2026-10", "rater": "李四", "rater_role": "同事", "professional": 5,
         "conduct": 5, "teamwork": 5}, {"operator": "张三", "period": "2026-10", "rater": "张三", "rater_role": "自评",
                                        "professional": 5, "conduct": 5, "teamwork": 5}])
    card = score_period(ws, "2026-10").scorecard.set_index("operator")
    assert card.loc["张三", "grade_before_cap"] in ("S", "A", "B")
    assert card.loc["张三", "grade"] == "C" and card.loc["张三", "veto"]


def test_bonus_total_cap(ws, tmp_path):
    minimal_month(ws)
    write_table(ws, "2026-10", "qualitative_reviews", [
        {"operator": "张三", "period": "2026-10", "rater": "老板", "rater_role": "上级", "professional": 3,
         "conduct": 3, "teamwork": 3, "bonus_points": 25, "adjustment_reason": "主导品牌升级项目"}])
    res = score_period(ws, "2026-10")
    assert res.scorecard.set_index("operator").loc["张三", "bonus"] == 10
    assert (res.ledger["item"] == "加分封顶").any()


def test_person_target_for_unknown_person_is_a_config_error(ws):
    minimal_month(ws)
    cfg = load_assessment()
    cfg.indicators["内容按时发布率"].target.per_person["赵六"] = 0.9
    with pytest.raises(ConfigError, match="赵六"):
        score_period(ws, "2026-10", cfg)


def test_per_person_target_is_used(ws):
    full_month(ws)
    cfg = load_assessment()
    cfg.indicators["内容按时发布率"].target.per_person["张三"] = 0.9
    r = rows_of(score_period(ws, "2026-10", cfg), "张三").loc["内容按时发布率"]
    assert r["target"] == 0.9 and r["score"] == pytest.approx(100 * (11 / 12) / 0.9)


def test_missing_and_broken_files_do_not_crash(ws):
    folder = ws.processed("2026-10")
    folder.mkdir(parents=True)
    write_table(ws, "2026-10", "roster", ROSTER)
    (folder / catalog.file_name("posts_clean")).write_bytes(b"not parquet")
    res = score_period(ws, "2026-10")
    assert len(res.scorecard) == 3
    assert any("无法读取" in w and "posts_clean" in w for w in res.warnings)
    assert any("account_month" in w for w in res.warnings)


def test_rescore_reproduces_and_reranks(ws):
    full_month(ws)
    res = score_period(ws, "2026-10")
    again = rescore(res.indicator_scores, CFG.weights_for("month"), CFG, res.scorecard).set_index("operator")
    card = res.scorecard.set_index("operator")
    assert np.allclose(again.loc[card.index, "total"], card["total"])
    # all weight on 综合能力与协作: only people with reviews get a total
    only = rescore(res.indicator_scores, {"综合能力与协作": 100}, CFG).set_index("operator")
    assert only.loc["张三", "total"] == pytest.approx(card.loc["张三", "综合能力与协作"])
    assert np.isnan(only.loc["李四", "total"]) and pd.isna(only.loc["李四", "rank"])


def test_team_table_rows_for_unknown_people_are_reported(ws):
    minimal_month(ws)
    write_table(ws, "2026-10", "data_reports", [{"operator": "张 三", "report": "周报", "due_date": "2026-10-07"}])
    res = score_period(ws, "2026-10")
    assert any("数据报告提交记录" in w and "张 三" in w for w in res.warnings)


def test_person_without_any_data_gets_no_score_and_a_reason(ws):
    minimal_month(ws)
    write_table(ws, "2026-10", "roster", ROSTER + [{"name": "新人", "platform": "weibo", "account": "新号"}])
    card = score_period(ws, "2026-10").scorecard.set_index("operator")
    assert pd.isna(card.loc["新人", "total"]) and pd.isna(card.loc["新人", "grade"]) and pd.isna(card.loc["新人", "rank"])
    assert card.loc["新人", "grade_status"] == "withheld" and card.loc["新人", "coverage"] == 0
    assert "无法评分" in card.loc["新人", "reweight_note"]
    assert card.drop(index="新人")["total"].notna().all()


def test_people_who_left_before_the_period_are_not_scored(ws):
    minimal_month(ws)
    write_table(ws, "2026-10", "roster", ROSTER + [
        {"name": "老员工", "platform": "weibo", "account": "旧号", "end_date": "2026-09-15"},
        {"name": "新人", "platform": "weibo", "account": "新号", "start_date": "2026-10-20"}])
    res = score_period(ws, "2026-10")
    assert "老员工" not in set(res.scorecard["operator"]) and "新人" in set(res.scorecard["operator"])
    assert any("老员工" in w and "不评分" in w for w in res.warnings)


def test_optional_viral_bonus(ws):
    minimal_month(ws)  # 张三 has one viral post
    cfg = load_assessment()
    cfg.bonus.items["viral_posts"].enabled = True
    res = score_period(ws, "2026-10", cfg)
    card = res.scorecard.set_index("operator")
    assert card.loc["张三", "bonus"] == 3 and card.loc["李四", "bonus"] == 0
    assert (res.ledger["item"] == "爆款加分").sum() == 1


def test_growth_without_follower_totals_uses_the_accounts_own_net_gain_history(ws):
    """Douyin/XHS exports have no follower total: net new followers (from posts) vs the account's own median."""
    from .builders import write_account_month

    minimal_month(ws)
    for month, net in [("2026-07", 100), ("2026-08", 120), ("2026-09", 80)]:
        write_account_month(ws, month, [{"platform": "xiaohongshu", "account": "品牌红书", "operator": "王五",
                                         "month": month, "net_growth": net, "source": "posts"}])
    write_account_month(ws, "2026-10", [{"platform": "xiaohongshu", "account": "品牌红书", "operator": "王五",
                                         "month": "2026-10", "net_growth": 84, "source": "posts"}])
    r = rows_of(score_period(ws, "2026-10"), "王五")
    # target = median(100, 120, 80) × (1 + uplift 5%) = 105; 84 / 105 = 80%
    assert r.loc["粉丝增长率", "applicable"]
    assert abs(r.loc["粉丝增长率", "score"] - 80.0) < 0.01
    assert "无期初粉丝总数，净增84" in r.loc["粉丝增长率", "explanation"]


def test_growth_without_totals_or_history_is_not_applicable(ws):
    from .builders import write_account_month

    minimal_month(ws)
    write_account_month(ws, "2026-10", [{"platform": "xiaohongshu", "account": "品牌红书", "operator": "王五",
                                         "month": "2026-10", "net_growth": 84, "source": "posts"}])
    r = rows_of(score_period(ws, "2026-10"), "王五")
    # issue 15: growth is a duty of every account holder; no usable figure is missing input, not N/A
    assert r.loc["粉丝增长率", "status"] == "missing_input" and "缺少数据" in r.loc["粉丝增长率", "explanation"]
