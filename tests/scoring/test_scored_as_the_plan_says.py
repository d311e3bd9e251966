"""Each rule of the plan on the example that once broke it (the numbered cases of issue 15), now scored as the plan
says."""
from __future__ import annotations

import pandas as pd
import pytest
import yaml

from mediakpi.config import ConfigError
from mediakpi.paths import CONFIG_DIR
from mediakpi.scoring import load_assessment, score_period

from .builders import ROSTER, full_month, minimal_month, posts_for, write_calendar, write_posts, write_table, ts


def rows(res, op):
    r = res.indicator_scores
    return r[r["operator"] == op].set_index("indicator")


def card(res):
    return res.scorecard.set_index("operator")


def write_flags(ws, month, posts):
    folder = ws.processed(month)
    pd.DataFrame([{"platform": p["platform"], "account": p["account"], "post_id": p["post_id"], "title": p["title"],
                   "check": "fraud_interactions_per_view", "level": "warn", "message": "疑似刷量"} for p in posts]
                 ).to_parquet(folder / "flags.parquet", index=False)


def test_a_flagged_fake_engagement_post_lifts_nothing(ws):
    minimal_month(ws)
    base = rows(score_period(ws, "2026-10"), "张三").loc["内容互动情况", "score"]
    fake = posts_for("张三", "wechat", "品牌号", "2026-10", 1, views=8538, likes=7257, start=50)
    fake[0]["title"] = "刷量的那篇"
    posts = (posts_for("张三", "wechat", "品牌号", "2026-10", 4, viral=1) + fake
             + posts_for("李四", "douyin", "品牌抖音", "2026-10", 6, views=5000)
             + posts_for("王五", "xiaohongshu", "品牌红书", "2026-10", 3, views=800))
    write_posts(ws, "2026-10", posts)
    unflagged = rows(score_period(ws, "2026-10"), "张三").loc["内容互动情况", "score"]
    assert unflagged > base                      # the 7,257 likes would lift it (the bug: 90.6 → 120)
    write_flags(ws, "2026-10", fake)
    res = score_period(ws, "2026-10")
    r = rows(res, "张三").loc["内容互动情况"]
    assert r["score"] <= base and "疑似刷量" in r["explanation"]
    c = card(res).loc["张三"]
    assert c["flagged_posts"] == 1 and "刷量的那篇" in c["flagged_titles"]
    assert ((res.ledger["kind"] == "flagged") & (res.ledger["operator"] == "张三")).any()


def test_doing_nothing_is_scored_low_not_not_applicable(ws):
    minimal_month(ws)
    posts = posts_for("李四", "douyin", "品牌抖音", "2026-10", 6, views=5000) \
        + posts_for("王五", "xiaohongshu", "品牌红书", "2026-10", 3, views=800)
    posts += [dict(p, published_at=ts("2026-08-05 10:00"), post_id="old") for p in posts_for("张三", "wechat", "品牌号", "2026-08", 1)]
    write_posts(ws, "2026-10", posts)   # 张三's account is exported (an old post) but nothing was published in October
    write_calendar(ws, "2026-10", [{"planned_at": ts(f"2026-10-{d:02d} 10:00"), "platform": "wechat", "account": "品牌号",
                                    "title": f"c{d}", "operator": "张三", "status": "missed"} for d in range(1, 11)])
    write_table(ws, "2026-10", "qualitative_reviews", [
        {"operator": "张三", "period": "2026-10", "rater": "老板", "rater_role": "上级", "professional": 4, "conduct": 4,
         "teamwork": 4}])
    res = score_period(ws, "2026-10")
    r = rows(res, "张三")
    assert r.loc["内容按时发布率", "score"] == 0 and r.loc["爆款内容数量", "score"] == 0
    assert r.loc["内容原创比例", "status"] == "scored" and r.loc["内容互动情况", "score"] == 0
    c = card(res).loc["张三"]
    assert c["内容运营"] < 30 and c["grade"] == "D"      # was 80 (C) with the content dimension dropped


def test_leaving_reposts_out_of_the_calendar_does_not_raise_originality(ws):
    minimal_month(ws)
    posts = posts_for("张三", "wechat", "品牌号", "2026-10", 12) + posts_for("李四", "douyin", "品牌抖音", "2026-10", 6)
    for p in posts[9:12]:
        p["is_original"] = False     # three reposts
    write_posts(ws, "2026-10", posts)
    full = rows(score_period(ws, "2026-10"), "张三").loc["内容原创比例", "score"]
    for p in posts[9:12]:
        p["is_original"] = None      # left out of the calendar: nothing says whether they were original
    write_posts(ws, "2026-10", posts)
    r = rows(score_period(ws, "2026-10"), "张三").loc["内容原创比例"]
    assert r["score"] <= full and "按非原创计" in r["explanation"]


@pytest.mark.parametrize("log,worse_than", [
    ([False, False], [True]),          # 2 submitted, none adopted (was 100) vs 1 submitted and adopted (was 50)
    ([False, False, False], [False, False]),
])
def test_unadopted_suggestions_never_beat_adopted_ones(ws, log, worse_than):
    minimal_month(ws)

    def score(flags):
        write_table(ws, "2026-10", "suggestions", [{"operator": "张三", "submitted_date": f"2026-10-{i + 2:02d}",
                                                    "suggestion": f"建议{i}", "adopted": a} for i, a in enumerate(flags)])
        return rows(score_period(ws, "2026-10"), "张三").loc["优化建议数量及采纳率", "score"]
    assert score(log) <= score(worse_than)


def test_one_post_is_not_enough_for_a_top_grade(ws):
    minimal_month(ws)
    write_posts(ws, "2026-10", posts_for("张三", "wechat", "品牌号", "2026-10", 1, likes=400, shares=50)
                + posts_for("李四", "douyin", "品牌抖音", "2026-10", 6))
    res = score_period(ws, "2026-10")
    r = rows(res, "张三")
    for name in ("内容原创比例", "内容互动情况"):
        assert r.loc[name, "score"] < 110 and "仅1条作品，按证据量折算" in r.loc[name, "explanation"]
    assert card(res).loc["张三", "grade"] not in ("S", "A")


def test_a_report_never_submitted_never_beats_a_late_one(ws):
    minimal_month(ws)

    def score(submitted):
        write_table(ws, "2026-10", "data_reports", [{"operator": "张三", "report": "周报", "due_date": "2026-10-10",
                                                     "submitted_date": submitted, "quality_score": 80}])
        return rows(score_period(ws, "2026-10"), "张三").loc["数据报告及时性与质量", "score"]
    assert score(None) <= score("2026-10-14") <= score("2026-10-10")


def test_an_unrated_report_is_missing_input_not_a_perfect_mark(ws):
    minimal_month(ws)

    def score(q):
        write_table(ws, "2026-10", "data_reports", [{"operator": "张三", "report": "周报", "due_date": "2026-10-10",
                                                     "submitted_date": "2026-10-10", "quality_score": q}])
        return rows(score_period(ws, "2026-10"), "张三").loc["数据报告及时性与质量"]
    unrated, rated = score(None), score(70)
    assert unrated["score"] <= rated["score"] and unrated["scored_share"] < 1
    assert "未评质量" in unrated["explanation"]


def test_monthly_report_due_next_month_counts_for_the_month_it_covers(ws):
    minimal_month(ws)
    write_table(ws, "2026-10", "data_reports", [{"operator": "张三", "report": "10月运营月报", "due_date": "2026-11-03"}])
    r = rows(score_period(ws, "2026-10"), "张三").loc["数据报告及时性与质量"]
    assert r["status"] == "scored" and "未交1份" in r["explanation"]      # a missing one costs, as it should


def test_removing_a_content_review_does_not_lift_quality(ws):
    full_month(ws)
    write_table(ws, "2026-10", "quality_reviews", [{"operator": "张三", "review_date": "2026-10-10", "score": 78}])
    with_review = rows(score_period(ws, "2026-10"), "张三").loc["内容质量", "score"]
    write_table(ws, "2026-10", "quality_reviews", [])
    r = rows(score_period(ws, "2026-10"), "张三").loc["内容质量"]
    assert r["score"] <= with_review and r["missing_tables"] == "quality_reviews"


def test_a_self_review_alone_does_not_stand_for_the_360_mix(ws):
    minimal_month(ws)
    write_table(ws, "2026-10", "qualitative_reviews", [
        {"operator": "张三", "period": "2026-10", "rater": "张三", "rater_role": "自评", "professional": 5,
         "conduct": 5, "teamwork": 5}])
    r = rows(score_period(ws, "2026-10"), "张三")
    for name in ("专业能力", "职业素养", "团队协作"):
        assert r.loc[name, "score"] <= 10 + 1e-9 and r.loc[name, "scored_share"] == pytest.approx(0.1)


def test_interaction_target_is_in_the_weighted_unit(ws):
    minimal_month(ws)
    r = rows(score_period(ws, "2026-10"), "张三").loc["内容互动情况"]
    # 张三: (30 likes + 2×0 在看 + 3×5 comments + 4×2 shares) ÷ 1,000 views = 5.3% weighted (WeChat counts no 收藏),
    # against the weighted-rate target 8%: 66%, not the 200–1,000% of a plain-rate target
    assert r["actual"] == pytest.approx(0.053) and r["achievement"] == pytest.approx(0.053 / 0.08)


def test_strategy_is_measured_on_the_suggestions_own_platform(ws):
    minimal_month(ws)
    roster = ROSTER + [{"name": "李四", "platform": "channels", "account": "品牌抖音"}]
    write_table(ws, "2026-10", "roster", roster)
    before = posts_for("李四", "channels", "品牌抖音", "2026-10", 6, views=1000)
    after = posts_for("李四", "channels", "品牌抖音", "2026-10", 6, views=1000, likes=60, start=20)
    for i, p in enumerate(before + after):
        p["published_at"] = ts(f"2026-10-{2 + i:02d} 10:00")
    namesake = posts_for("李四", "douyin", "品牌抖音", "2026-10", 12, views=1000, likes=1, start=40)
    write_posts(ws, "2026-10", before + after + namesake)
    write_table(ws, "2026-10", "suggestions", [
        {"operator": "李四", "submitted_date": "2026-10-01", "suggestion": "视频号加话题", "adopted": True,
         "effective_date": "2026-10-08", "platform": "视频号", "account": "品牌抖音", "target_metric": "点赞率"}])
    r = rows(score_period(ws, "2026-10"), "李四").loc["策略迭代后关键指标改善幅度"]
    assert r["status"] == "scored" and r["actual"] == pytest.approx(1.0)   # 3% → 6% on 视频号 only


def test_first_month_with_exports_and_roster_gives_everyone_who_posted_a_provisional_score(ws):
    minimal_month(ws)
    c = card(score_period(ws, "2026-10"))
    assert c["total"].notna().all() and (c["grade_status"] == "provisional").all()
    assert c["coverage"].lt(0.6).all() and c["missing_note"].str.startswith("请补充").all()


def test_zero_target_is_rejected_naming_the_key(tmp_path):
    data = yaml.safe_load((CONFIG_DIR / "assessment.yaml").read_text(encoding="utf-8"))
    data["indicators"]["爆款内容数量"]["target"]["default"] = 0
    path = tmp_path / "assessment.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"indicators\.爆款内容数量\.target\.default = 0"):
        load_assessment(path)


def test_a_bonus_needs_a_reason(ws):
    minimal_month(ws)
    review = {"operator": "张三", "period": "2026-10", "rater": "老板", "rater_role": "上级", "professional": 3,
              "conduct": 3, "teamwork": 3, "bonus_points": 5}
    write_table(ws, "2026-10", "qualitative_reviews", [review])
    res = score_period(ws, "2026-10")
    assert card(res).loc["张三", "bonus"] == 0 and res.ledger["detail"].str.contains("没有写原因").any()
    write_table(ws, "2026-10", "qualitative_reviews", [dict(review, adjustment_reason="接手紧急项目")])
    res = score_period(ws, "2026-10")
    assert card(res).loc["张三", "bonus"] == 5 and "接手紧急项目" in card(res).loc["张三", "adjustment_reasons"]
    assert res.ledger["detail"].str.contains("接手紧急项目").any()


def test_follower_growth_is_weighted_by_followers_at_the_start(ws):
    from .builders import write_account_month
    minimal_month(ws)
    write_table(ws, "2026-10", "roster", ROSTER + [{"name": "张三", "platform": "weibo", "account": "小号"}])
    write_account_month(ws, "2026-10", [
        {"platform": "wechat", "account": "品牌号", "operator": "张三", "month": "2026-10", "followers_start": 412_000,
         "net_growth": 0, "growth_rate": 0.0},
        {"platform": "weibo", "account": "小号", "operator": "张三", "month": "2026-10", "followers_start": 129,
         "net_growth": 20, "growth_rate": 20 / 129}])
    r = rows(score_period(ws, "2026-10"), "张三").loc["粉丝增长率"]
    assert r["score"] < 1 and "按期初粉丝数加权" in r["explanation"]   # equal weights gave 60


def test_mid_month_joiner_count_target_is_pro_rated(ws):
    minimal_month(ws)
    write_table(ws, "2026-10", "roster", [dict(ROSTER[0], start_date="2026-10-17")] + ROSTER[1:])
    r = rows(score_period(ws, "2026-10"), "张三").loc["爆款内容数量"]
    assert r["target"] == pytest.approx(15 / 31) and "按负责天数" in r["explanation"]


def test_private_works_are_not_published_posts(ws):
    minimal_month(ws)
    posts = posts_for("张三", "wechat", "品牌号", "2026-10", 4) + posts_for("李四", "douyin", "品牌抖音", "2026-10", 6)
    base = rows(score_period(ws, "2026-10"), "李四").loc["内容原创比例", "explanation"]
    hidden = posts_for("李四", "douyin", "品牌抖音", "2026-10", 2, likes=900, start=30)
    for p in hidden:
        p["visibility"] = "仅自己可见"
    write_posts(ws, "2026-10", posts + hidden)
    r = rows(score_period(ws, "2026-10"), "李四")
    assert r.loc["内容原创比例", "explanation"] == base          # still 6 published posts
