"""One test per numbered item of issue 22 (scores that cannot be bent): each reproduces the example of its class and
checks that the edit no longer raises anyone's score or grade."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mediakpi.paths import Workspace
from mediakpi.periods import Period
from mediakpi.scoring import load_assessment, score_period
from mediakpi.scoring.aggregate import dimension_factor

from .builders import ROSTER, full_month, minimal_month, posts_for, write_posts, write_table, ts

CFG = load_assessment()


def rows(res, op):
    r = res.indicator_scores
    return r[r["operator"] == op].set_index("indicator")


def card(res):
    return res.scorecard.set_index("operator")


def _reviews(extra=()):
    base = [
        {"operator": "张三", "period": "2026-10", "rater": "老板", "rater_role": "上级", "professional": 4, "conduct": 4,
         "teamwork": 4, "comment": "稳定"},
        {"operator": "张三", "period": "2026-10", "rater": "李四", "rater_role": "同事", "professional": 3, "conduct": 3,
         "teamwork": 3},
        {"operator": "张三", "period": "2026-10", "rater": "张三", "rater_role": "自评", "professional": 4, "conduct": 4,
         "teamwork": 4}]
    return base + list(extra)


# 1. records about oneself ---------------------------------------------------------------------------------------

def test_1_a_bonus_in_ones_own_row_is_not_taken(ws):
    full_month(ws)
    write_table(ws, "2026-10", "qualitative_reviews", _reviews())
    before = card(score_period(ws, "2026-10")).loc["张三"]
    mine = _reviews()
    mine[2] = dict(mine[2], bonus_points=10, adjustment_reason="本月表现突出")
    write_table(ws, "2026-10", "qualitative_reviews", mine)
    res = score_period(ws, "2026-10")
    after = card(res).loc["张三"]
    assert after["bonus"] == before["bonus"] and after["total"] <= before["total"] + 1e-9
    led = res.ledger[(res.ledger["operator"] == "张三") & (res.ledger["kind"] == "not_counted")]
    assert led["detail"].str.contains("张三").any()


@pytest.mark.parametrize("typed", ["上级", "同事", "主管"])
def test_1_the_raters_name_decides_not_the_role_typed(ws, typed):
    full_month(ws)
    write_table(ws, "2026-10", "qualitative_reviews", _reviews())
    before = rows(score_period(ws, "2026-10"), "张三")["score"]
    # the person's own row relabelled as a manager's or a colleague's, with a bonus: still a self-review
    mine = _reviews()
    mine[2] = dict(mine[2], rater_role=typed, professional=5, conduct=5, teamwork=5, bonus_points=8, comment="好")
    write_table(ws, "2026-10", "qualitative_reviews", mine)
    res = score_period(ws, "2026-10")
    after = rows(res, "张三")["score"]
    for c in ("专业能力", "职业素养", "团队协作"):
        assert after[c] <= before[c] + 30 * 0.1 / 1 + 1e-9     # only the 10 % self share may move (5 vs 4: +2 points)
    # a colleague on the roster typed as 上级 stays a colleague
    peer = _reviews()
    peer[1] = dict(peer[1], rater_role="上级", professional=5, conduct=5, teamwork=5, bonus_points=5, comment="好")
    write_table(ws, "2026-10", "qualitative_reviews", peer)
    res2 = score_period(ws, "2026-10")
    assert card(res2).loc["张三", "bonus"] == 0.0
    mix = rows(res2, "张三").loc["专业能力", "explanation"]
    assert "上级4.00" in mix and "同事5.00" in mix


def test_1_a_review_of_ones_own_content_is_not_an_internal_review(ws):
    full_month(ws)
    before = rows(score_period(ws, "2026-10"), "张三").loc["内容质量", "score"]
    write_table(ws, "2026-10", "quality_reviews", [
        {"operator": "张三", "review_date": "2026-10-10", "score": 80, "reviewer": "老板"},
        {"operator": "张三", "review_date": "2026-10-20", "score": 90, "reviewer": "老板"},
        {"operator": "张三", "review_date": "2026-10-21", "score": 100, "reviewer": "张三"}])
    res = score_period(ws, "2026-10")
    assert rows(res, "张三").loc["内容质量", "score"] == pytest.approx(before)
    assert (res.ledger["item"] == "内容质量评审").any()


def test_1_a_self_recorded_adoption_and_rating_do_not_count(ws):
    full_month(ws)
    before = rows(score_period(ws, "2026-10"), "张三")["score"]
    write_table(ws, "2026-10", "suggestions", [
        {"operator": "张三", "submitted_date": "2026-10-03", "suggestion": "标题加数字", "adopted": True},
        {"operator": "张三", "submitted_date": "2026-10-13", "suggestion": "改发布时间", "adopted": False},
        {"operator": "张三", "submitted_date": "2026-10-23", "suggestion": "加封面", "adopted": True},
        {"operator": "张三", "submitted_date": "2026-10-24", "suggestion": "自己说采纳了", "adopted": True,
         "entered_by": "张三"}])
    write_table(ws, "2026-10", "data_reports", [
        {"operator": "张三", "report": "周报1", "due_date": "2026-10-07", "submitted_date": "2026-10-09", "quality_score": 85},
        {"operator": "张三", "report": "月报", "due_date": "2026-10-28", "submitted_date": "2026-10-28",
         "quality_score": 100, "entered_by": "张三"}])
    res = score_period(ws, "2026-10")
    after = rows(res, "张三")
    assert after.loc["优化建议数量及采纳率", "score"] <= before["优化建议数量及采纳率"] + 1e-9
    assert after.loc["数据报告及时性与质量", "scored_share"] < 1      # the self-rated report counts as unrated
    assert (res.ledger["kind"] == "not_counted").sum() >= 2


# 2. blanks, garbles, everyday forms ------------------------------------------------------------------------------

def test_2_a_partnership_delivery_left_blank_never_beats_a_late_one(ws):
    minimal_month(ws)
    def part(delivered):
        write_table(ws, "2026-10", "partnerships", [
            {"operator": "张三", "partner": "茶企", "project": "联名", "start_date": "2026-10-01", "due_date": "2026-10-20",
             "delivered_date": delivered, "quality_score": 80}])
        return rows(score_period(ws, "2026-10"), "张三").loc["合作项目完成质量与效率"]
    late, blank = part("2026-10-22"), part(None)
    assert blank["score"] <= late["score"] and blank["status"] == "scored"
    rated = part("2026-10-20")
    write_table(ws, "2026-10", "partnerships", [
        {"operator": "张三", "partner": "茶企", "project": "联名", "start_date": "2026-10-01", "due_date": "2026-10-20",
         "delivered_date": "2026-10-20"}])
    unrated = rows(score_period(ws, "2026-10"), "张三").loc["合作项目完成质量与效率"]
    assert unrated["score"] <= rated["score"] and unrated["scored_share"] < 1


def test_2_a_blank_campaign_result_scores_that_campaign_as_nothing(ws):
    minimal_month(ws)
    write_table(ws, "2026-10", "campaigns", [
        {"campaign": "A", "operator": "张三", "start_date": "2026-10-05", "end_date": "2026-10-11", "target": 100,
         "actual": 50}, {"campaign": "B", "operator": "张三", "start_date": "2026-10-12", "end_date": "2026-10-20",
                         "target": 100, "actual": None}])
    r = rows(score_period(ws, "2026-10"), "张三").loc["活动目标达成率"]
    assert r["status"] == "scored" and r["score"] == pytest.approx(25.0) and r["scored_share"] == pytest.approx(0.5)


def test_2_an_unreadable_veto_keeps_the_cap(ws):
    full_month(ws)
    rv = _reviews()
    rv[0] = dict(rv[0], unread_cells="veto=有点")
    write_table(ws, "2026-10", "qualitative_reviews", rv)
    res = score_period(ws, "2026-10")
    c = card(res).loc["张三"]
    assert bool(c["veto"]) and c["grade"] in ("C", "D")
    assert res.ledger["detail"].str.contains("无法识别").any()


# 3. impossible or doctored numbers -------------------------------------------------------------------------------

def test_3_an_impossible_post_is_out_of_every_indicator(ws):
    minimal_month(ws)
    base = rows(score_period(ws, "2026-10"), "李四")
    posts = (posts_for("张三", "wechat", "品牌号", "2026-10", 4, viral=1)
             + posts_for("李四", "douyin", "品牌抖音", "2026-10", 6, views=5000)
             + posts_for("王五", "xiaohongshu", "品牌红书", "2026-10", 3, views=800))
    bad = dict(posts_for("李四", "douyin", "品牌抖音", "2026-10", 1, views=50000, likes=120000, start=90)[0],
               viral=True, viral_rule="播放量≥10万")
    write_posts(ws, "2026-10", posts + [bad])
    pd.DataFrame([{"platform": "douyin", "account": "品牌抖音", "post_id": bad["post_id"], "title": bad["title"],
                   "check": "likes_above_views", "level": "error", "message": "点赞多于播放"}]
                 ).to_parquet(ws.processed("2026-10") / "flags.parquet", index=False)
    res = score_period(ws, "2026-10")
    after = rows(res, "李四")
    assert after.loc["内容互动情况", "score"] <= base.loc["内容互动情况", "score"] + 1e-9
    assert after.loc["爆款内容数量", "actual"] == base.loc["爆款内容数量", "actual"]
    led = res.ledger[res.ledger["kind"] == "set_aside"]
    assert len(led) == 1 and "likes_above_views" in led["detail"].iloc[0]


def test_3_wechat_delivery_read_rate_above_one_is_possible():
    from mediakpi.clean.config import load_quality_config
    from mediakpi.clean.plausibility import plausibility_flags
    posts = pd.DataFrame({"platform": ["wechat"], "account": ["号"], "post_id": ["a"], "views": [140],
                          "likes": [3], "delivery_read_rate": [1.40], "first_share_rate": [2.50],
                          "published_at": [ts("2026-10-02 10:00")], "snapshot_at": [ts("2026-10-09 10:00")]})
    flags = plausibility_flags(posts, load_quality_config(), now=ts("2026-11-01"))
    assert not (flags["level"] == "error").any() if len(flags) else True


# 4. duplicates and padding ---------------------------------------------------------------------------------------

def test_4_a_pasted_calendar_row_neither_counts_twice_nor_wipes_its_item():
    from mediakpi.clean.calendar import match_calendar
    from mediakpi.clean.config import load_quality_config
    posts = pd.DataFrame({"platform": ["wechat"], "account": ["号"], "post_id": ["a"], "title": ["十月新品上市"],
                          "published_at": [ts("2026-10-08 10:00")], "snapshot_at": [ts("2026-11-01 10:00")]})
    row = {"planned_at": ts("2026-10-08 10:00"), "platform": "微信公众号", "account": "号", "title": "十月新品上市",
           "is_original": True}
    one, _, _ = match_calendar(pd.DataFrame([row]), posts, "2026-10", load_quality_config())
    two, out, notes = match_calendar(pd.DataFrame([row, dict(row)]), posts, "2026-10", load_quality_config())
    assert one["status"].tolist() == ["on_time"] and two["status"].tolist() == ["on_time"]
    assert bool(out["is_original"].iloc[0]) and any("重复" in n["message"] for n in notes)


def test_4_tiny_clips_do_not_outvote_real_videos(ws):
    minimal_month(ws)
    real = posts_for("李四", "douyin", "品牌抖音", "2026-10", 3, views=20000, completion=0.2)
    write_posts(ws, "2026-10", real)
    before = rows(score_period(ws, "2026-10"), "李四").loc["内容质量", "score"]
    tiny = posts_for("李四", "douyin", "品牌抖音", "2026-10", 8, views=30, completion=1.0, start=10)
    write_posts(ws, "2026-10", real + tiny)
    after = rows(score_period(ws, "2026-10"), "李四").loc["内容质量", "score"]
    assert after <= before + 1.0     # 240 plays of 60,240 weigh 0.4 %, not 8 of 11 votes


# 5. missing still helps ------------------------------------------------------------------------------------------

def test_5_a_rate_target_is_pro_rated_by_the_days_the_account_was_held(ws):
    minimal_month(ws)
    roster = [dict(ROSTER[0], end_date="2026-10-15"), {"name": "赵六", "platform": "wechat", "account": "品牌号",
                                                        "start_date": "2026-10-16"}] + ROSTER[1:]
    write_table(ws, "2026-10", "roster", roster)
    from .builders import write_account_month
    write_account_month(ws, "2026-10", [
        {"platform": "wechat", "account": "品牌号", "operator": "张三", "month": "2026-10", "followers_start": 10000,
         "net_growth": 150, "days_held": 15},
        {"platform": "wechat", "account": "品牌号", "operator": "赵六", "month": "2026-10", "followers_start": 10150,
         "net_growth": 160, "days_held": 16}])
    r = rows(score_period(ws, "2026-10"), "张三").loc["粉丝增长率"]
    assert r["status"] == "scored" and "折算" in r["explanation"]


# 6. cliffs and one coverage --------------------------------------------------------------------------------------

def test_6_no_cliff_at_half_a_dimension():
    assert float(dimension_factor(0.49, CFG)) == pytest.approx(0.98)
    assert float(dimension_factor(0.51, CFG)) == 1.0 and float(dimension_factor(0.0, CFG)) == 0.0


def test_6_coverage_is_one_formula_and_decides_the_status(ws):
    full_month(ws)
    res = score_period(ws, "2026-10")
    c = res.scorecard
    ind = res.indicator_scores
    W = CFG.weights_for("month")
    got = (ind["weight"] * ind["scored_share"].fillna(0) * (ind["status"] == "scored").to_numpy(dtype=bool)).groupby(
        [ind["operator"], ind["dimension"]]).sum().unstack().fillna(0)
    want = sum(got[d] * W[d] for d in got.columns) / sum(W.values())
    cov = c.set_index("operator")["coverage"]
    assert np.allclose(cov.reindex(want.index), want)
    prov = c["coverage"] < CFG.provisional_coverage - 1e-9
    assert ((c["grade_status"] == "provisional") == (prov & c["total"].notna())).all()


# 7. noise is neutral ---------------------------------------------------------------------------------------------

def test_7_a_change_the_test_cannot_tell_from_noise_scores_as_no_change(monkeypatch, ws):
    from mediakpi.scoring.indicators import data as data_mod
    full_month(ws)
    table = pd.DataFrame({"suggestion": ["标题加数字"], "status": ["tested"], "change": [-0.165],
                          "significant": [False], "verdict": ["差异不显著（p=0.344），可能只是波动"]})
    write_table(ws, "2026-10", "suggestions", [
        {"operator": "张三", "submitted_date": "2026-09-03", "suggestion": "标题加数字", "adopted": True,
         "effective_date": "2026-10-05"}])
    monkeypatch.setattr(data_mod, "strategy_table", lambda *a, **k: table)
    r = rows(score_period(ws, "2026-10"), "张三").loc["策略迭代后关键指标改善幅度"]
    from mediakpi.scoring.indicators.base import _score, spec_for
    spec = spec_for("策略迭代后关键指标改善幅度", CFG.indicators["策略迭代后关键指标改善幅度"])
    zero = float(_score(spec, 0.0, r["target"], CFG.scale.cap))
    assert r["actual"] == 0.0 and r["score"] == pytest.approx(zero) and "无变化" in r["explanation"]
    table.loc[0, "significant"] = True
    r2 = rows(score_period(ws, "2026-10"), "张三").loc["策略迭代后关键指标改善幅度"]
    assert r2["score"] < r["score"]                      # a significant drop still counts


# 8. periods that have not happened ------------------------------------------------------------------------------

def test_8_a_quarter_before_its_months_exist_is_refused(tmp_path):
    from mediakpi.runner import RunError, check_rollup_months
    ws = Workspace.of(tmp_path / "data", tmp_path / "reports")
    ws.raw("2026-10").mkdir(parents=True)
    with pytest.raises(RunError) as exc:
        check_rollup_months(Period.parse("2026-Q4"), ws, now=ts("2027-01-05"))
    assert exc.value.exit_code == 2 and "2026-11" in str(exc.value) and "2026-12" in str(exc.value)
    for m in ("2026-11", "2026-12"):
        ws.raw(m).mkdir(parents=True)
    with pytest.raises(RunError) as exc:          # folders there, but December is not over
        check_rollup_months(Period.parse("2026-Q4"), ws, now=ts("2026-12-20"))
    assert "2026-12" in str(exc.value) and "2026-10" not in str(exc.value).split("：")[1].split("尚未")[0]
    check_rollup_months(Period.parse("2026-Q4"), ws, now=ts("2027-01-05"))   # all there and over: accepted
    check_rollup_months(Period.parse("2026-10"), ws, now=ts("2026-10-05"))   # a month is checked elsewhere


def test_5_removing_a_due_monthly_report_never_raises_the_score(ws):
    full_month(ws)
    logs = [{"operator": "张三", "report": "周报1", "due_date": "2026-10-07", "submitted_date": "2026-10-09",
             "quality_score": 70},
            {"operator": "张三", "report": "10月运营月报", "due_date": "2026-11-03", "submitted_date": "2026-11-03",
             "quality_score": 85}]
    write_table(ws, "2026-10", "data_reports", logs)
    with_it = rows(score_period(ws, "2026-10"), "张三").loc["数据报告及时性与质量"]
    write_table(ws, "2026-10", "data_reports", logs[:1])
    without = rows(score_period(ws, "2026-10"), "张三").loc["数据报告及时性与质量"]
    assert without["score"] < with_it["score"] and "按计划应交运营月报" in without["explanation"]


def test_2_a_quarantined_review_row_keeps_its_veto_and_violations(ws):
    import json
    full_month(ws)
    write_table(ws, "2026-10", "qualitative_reviews", _reviews())
    before = card(score_period(ws, "2026-10")).loc["张三"]
    # the manager's row lost a rating cell (quarantined whole), but it recorded a veto and two violations
    pd.DataFrame([{"source_file": "2026-10/综合能力评价.csv", "source_row": 5, "table": "qualitative_reviews",
                   "reason": "必填项“专业能力”为空",
                   "values": json.dumps({"被评价人": "张三", "考核周期": "2026-10", "评价人": "老板", "评价人角色": "上级",
                                         "专业能力": "", "违规次数": "2", "重大违规": "是"}, ensure_ascii=False)}]
                 ).to_parquet(ws.processed("2026-10") / "quarantine.parquet", index=False)
    res = score_period(ws, "2026-10")
    after = card(res).loc["张三"]
    assert bool(after["veto"]) and after["deduction"] >= 10 and after["total"] <= before["total"]


def test_2_unreadable_violations_count_as_one(ws):
    full_month(ws)
    rv = _reviews()
    write_table(ws, "2026-10", "qualitative_reviews", rv)
    before = card(score_period(ws, "2026-10")).loc["张三"]
    rv[0] = dict(rv[0], unread_cells="violations=两次吧")
    write_table(ws, "2026-10", "qualitative_reviews", rv)
    after = card(score_period(ws, "2026-10")).loc["张三"]
    assert after["deduction"] == before["deduction"] + 5 and after["total"] < before["total"]


def test_every_row_left_out_is_in_the_ledger_with_its_rule(ws):
    import json
    full_month(ws)
    pd.DataFrame([{"source_file": "2026-10/报告.csv", "source_row": 3, "table": "data_reports",
                   "reason": "必填项“应交日期”为空",
                   "values": json.dumps({"负责人": "张三", "报告名称": "周报2", "应交日期": ""}, ensure_ascii=False)}]
                 ).to_parquet(ws.processed("2026-10") / "quarantine.parquet", index=False)
    led = score_period(ws, "2026-10").ledger
    row = led[led["kind"] == "left_out"]
    assert len(row) == 1 and row["operator"].iloc[0] == "张三" and row["rule"].iloc[0] == "ingest_quarantine"
    assert "第3行" in row["detail"].iloc[0] and led["rule"].notna().all()
