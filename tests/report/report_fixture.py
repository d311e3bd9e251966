"""A realistic processed folder for report tests: the tables 02_clean, 03_score and 04_content write, built here so the
report can be developed and tested without the other stages. Columns follow the shared contract; extras are plausible.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from mediakpi import catalog
from mediakpi.scoring import load_assessment
from mediakpi.scoring.account import plan_facts
from mediakpi.paths import Workspace
from mediakpi.periods import Period, previous_months

DIMENSIONS = {
    "内容运营": ["内容质量", "内容原创比例", "内容按时发布率", "爆款内容数量", "内容互动情况"],
    "用户运营": ["粉丝增长率", "用户活跃度", "用户留存率", "用户转化率"],
    "平台与活动运营": ["活动目标达成率", "活动ROI", "合作项目完成质量与效率"],
    "数据分析与优化": ["数据报告及时性与质量", "优化建议数量及采纳率", "策略迭代后关键指标改善幅度"],
    "综合能力与协作": ["专业能力", "职业素养", "团队协作"],
}
SURNAMES = "王李张刘陈杨黄赵周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红娥玲芬燕彬鹏辉斌宇浩凯健俊帆帅旭宁"
PLATFORMS = ["wechat", "weibo", "douyin", "xiaohongshu", "bilibili", "channels", "kuaishou"]
EVIL_TITLE = "<script>alert(1)</script>"
PLATFORM_NAMES = {"wechat": "公众号", "weibo": "微博", "douyin": "抖音", "xiaohongshu": "小红书", "bilibili": "B站",
                  "channels": "视频号", "kuaishou": "快手"}  # account names are Chinese, as a team names them
EVIL_COMMENT = '=HYPERLINK("http://evil.example","点我")'


def names(n: int) -> list[str]:
    out = []
    for i in range(n):
        out.append(SURNAMES[i % len(SURNAMES)] + GIVEN[(i * 7) % len(GIVEN)] + ("" if i < len(SURNAMES) else GIVEN[i % 13]))
    assert len(set(out)) == n
    return out


def grade(total: float) -> str:
    return "S" if total >= 110 else "A" if total >= 100 else "B" if total >= 85 else "C" if total >= 70 else "D"


def scorecard(period: str, people: list[str], rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    ind_rows, card_rows = [], []
    for person in people:
        dim_scores = {}
        for d, inds in DIMENSIONS.items():
            applicable_dim = not (d == "平台与活动运营" and rng.random() < 0.3)
            scores, weights = [], []
            for k, ind in enumerate(inds):
                applicable = applicable_dim and not (k == len(inds) - 1 and rng.random() < 0.2)
                missing = applicable and d == "数据分析与优化" and k == 0 and person == people[0]
                applicable = applicable and not missing
                target = float(rng.choice([0.8, 0.98, 1.0, 3.0, 100.0]))
                actual = float(target * rng.uniform(0.5, 1.3))
                score = float(np.clip(100 * actual / target, 0, 120)) if applicable else np.nan
                w = round(1 / len(inds), 4)
                ind_rows.append({"period": period, "operator": person, "dimension": d, "indicator": ind,
                                 "actual": actual if applicable else np.nan, "target": target if applicable else np.nan,
                                 "achievement": actual / target if applicable else np.nan, "score": score, "weight": w,
                                 "applicable": applicable,
                                 "status": "scored" if applicable else ("missing_input" if missing else "not_applicable"),
                                 "reason_na": None if applicable else ("没有数据报告记录" if missing else "本月没有活动记录"),
                                 "inputs": "数据报告表" if missing else None,
                                 "explanation": (f"实际 {actual:.2f}，目标 {target:.2f}，按达成率线性计分（上限 120）"
                                                 if applicable else "本月没有活动记录，该指标不适用，权重已分给同维度其他指标")})
                if applicable:
                    scores.append(score)
                    weights.append(w)
            dim_scores[d] = float(np.average(scores, weights=weights)) if scores else np.nan
        vals = {d: v for d, v in dim_scores.items() if not np.isnan(v)}
        w = {"内容运营": 30, "用户运营": 25, "平台与活动运营": 15, "数据分析与优化": 15, "综合能力与协作": 15}
        total = sum(w[d] * v for d, v in vals.items()) / sum(w[d] for d in vals)
        coverage = sum(w[d] for d in vals) / 100
        status = "provisional" if person == people[1] or coverage < 0.6 else "final"
        card_rows.append({"period": period, "operator": person, "total": round(total, 2), "grade": grade(total),
                          "grade_status": status, "coverage": coverage,
                          **dim_scores, "platforms": "、".join(rng.choice(PLATFORMS, 2, replace=False)),
                          "veto": False, "bonus": float(rng.choice([0, 3, 6]))})
    card = pd.DataFrame(card_rows)
    card["rank"] = card["total"].rank(ascending=False, method="min").astype("Int64")
    ind = pd.DataFrame(ind_rows)
    # the scoring stage's weights: the indicator's share of its dimension, the dimension's share of the total
    scored_w = ind["weight"].where(ind["status"] == "scored", 0.0)
    ind["effective_weight"] = (scored_w / scored_w.groupby([ind["operator"], ind["dimension"]]).transform("sum")
                               .replace(0, np.nan)).fillna(0.0)
    plan_w = ind["dimension"].map({"内容运营": 30, "用户运营": 25, "平台与活动运营": 15, "数据分析与优化": 15,
                                   "综合能力与协作": 15}).astype(float)
    counted = (scored_w.groupby([ind["operator"], ind["dimension"]]).transform("sum") > 0)
    dim_w = plan_w.where(counted, 0.0)
    per_dim = dim_w.groupby([ind["operator"], ind["dimension"]]).transform("first")
    total_w = per_dim.groupby([ind["operator"], ind["dimension"]]).first().groupby(level=0).sum()
    ind["dimension_weight"] = per_dim / ind["operator"].map(total_w)
    ind["contribution"] = ind["effective_weight"] * ind["score"].fillna(0.0) * ind["dimension_weight"]
    return card, ind


def posts(period: str, people: list[str], rng: np.random.Generator, per_person: int = 8) -> pd.DataFrame:
    p = Period.parse(period)
    rows = []
    for i, person in enumerate(people):
        platform = PLATFORMS[i % len(PLATFORMS)]
        base = float(rng.integers(500, 50000))
        for k in range(per_person):
            ts = p.start + pd.Timedelta(hours=int(rng.integers(0, 24 * 28)))
            value = float(base * rng.lognormal(0, 0.8))
            viral = value > 3 * base
            rows.append({
                "platform": platform, "account": f"{person}的{PLATFORM_NAMES[platform]}号", "operator": person,
                "post_id": f"https://mp.weixin.qq.com/s/fixture{i}x{k}" if platform == "wechat" else f"{i}-{k}", "title": EVIL_TITLE if (i == 0 and k == 0) else f"{person}的第{k + 1}篇：秋季新品种草",
                "published_at": ts, "format": "视频" if platform != "wechat" else "图文",
                "views": int(value), "likes": int(value * 0.03), "comments": int(value * 0.004),
                "shares": int(value * 0.002), "saves": int(value * 0.01),
                "in_period": True, "mature": k < per_person - 1, "media_type": "video" if platform != "wechat" else "image",
                "viral": viral, "viral_rule": "超过账号中位数 3 倍" if viral else None, "viral_strong": False,
                "primary_metric": "views", "primary_value": value, "baseline_median": base,
                "flagged": False, "flag_reasons": None,
            })
    frame = pd.DataFrame(rows)
    frame["published_at"] = pd.to_datetime(frame["published_at"]).dt.tz_convert("Asia/Shanghai")
    return frame


def write(folder: Path, key: str, frame: pd.DataFrame) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    frame.to_parquet(folder / catalog.file_name(key), index=False)


def make_processed(ws: Workspace, period: str, n_people: int = 6, seed: int = 0, history: int = 3,
                   evil: bool = True, with_content: bool = True) -> list[str]:
    """Write a full processed folder for `period` (plus `history` earlier months' scorecards); return the names."""
    rng = np.random.default_rng(seed)
    people = names(n_people)
    if evil:
        people[-1] = "<b>赵六</b>"
    folder = ws.processed(period)
    p = Period.parse(period)

    def other(i: int) -> str:
        return people[i % len(people)]

    months = list(p.months) if p.kind != "month" else []
    months = previous_months(p.months[0], history) + months
    for month in months:
        card, _ = scorecard(month, people, rng)
        write(ws.processed(month), "scorecard", card)
    card, ind = scorecard(period, people, rng)
    write(folder, "scorecard", card)
    write(folder, "indicator_scores", ind)
    write(folder, "score_ledger", pd.DataFrame({
        "period": period, "operator": [other(0), other(1)], "item": ["爆款加分", "违规扣分"], "points": [3.0, -5.0],
        "reason": ["2 篇爆款", "一次内容违规（已确认）"]}))
    po = posts(period, people, rng)
    write(folder, "posts_clean", po)
    # the score's own account of each person, as the scoring stage's save step writes it (scoring/account.py)
    from mediakpi.clean.counted import as_scored
    from mediakpi.scoring.account import account_tables

    prev_month = previous_months(p.months[0], 1)[0] if p.kind == "month" else None
    prev_card = pd.read_parquet(ws.processed(prev_month) / catalog.file_name("scorecard")) \
        if prev_month and (ws.processed(prev_month) / catalog.file_name("scorecard")).is_file() else None
    for key, frame in account_tables(card, ind, {"counted": as_scored(po, None)}, prev_card, None, 5, p).items():
        catalog.save(folder, key, frame)
    if with_content:  # the content stage's own tables, from these posts (the report renders what content wrote)
        from mediakpi.content.analyse import analyse_posts, write_tables

        result = analyse_posts(period, po)
        hostile = result.topics.head(1).assign(topic=EVIL_TITLE)   # hostile text in the team report's topic table
        result.topics = pd.concat([result.topics, hostile], ignore_index=True)
        write_tables(ws, result)
    (folder / catalog.file_name("score_meta")).write_text(json.dumps({
        "period": period, "distribution": {"message": "团队不足 10 人：等级分布仅供参考。", "small_team": True},
        **plan_facts(load_assessment()),
        "dimension_weights": {"内容运营": 30.0, "用户运营": 25.0, "平台与活动运营": 15.0, "数据分析与优化": 15.0,
                              "综合能力与协作": 15.0},
        "warnings": ["内容质量评审缺少 1 人的记录：该指标记为不适用。"],
        "sources": [f"{m}: 由月度成绩汇总" for m in p.months] if p.kind != "month" else []},
        ensure_ascii=False), encoding="utf-8")
    write(folder, "account_month", pd.DataFrame({
        "platform": [PLATFORMS[i % 7] for i in range(n_people)], "account": [f"{x}的号" for x in people],
        "operator": people, "month": p.months[-1], "followers_start": 10000, "followers_end": 10500,
        "followers_gained": 700, "followers_lost": 200, "net_growth": 500, "growth_rate": 0.05, "source": "account_daily"}))
    write(folder, "data_quality", pd.DataFrame({
        "platform": ["douyin", "wechat"], "account": ["品牌抖音号", "品牌公众号"], "operator": people[:2],
        "files": [3, 2], "posts": [40, 8], "posts_in_period": [35, 8], "quarantined_rows": [2, 0], "flags": [1, 0],
        "missing_download": ["", "用户增长"], "status": ["warn", "ok"], "note": ["2 行数据被隔离", ""]}))
    write(folder, "data_quality_notes", pd.DataFrame({
        "level": ["error", "warn", "info"], "scope": ["file", "account", "period"],
        "subject": ["抖音/作品数据.xlsx", "品牌抖音号", period],
        "message": ["文件无法打开：请重新下载", "有 2 行播放量不是数字，已隔离", "本月共读取 5 个文件"]}))
    (folder / catalog.file_name("manifest")).write_text(json.dumps({"files": [
        {"path": "品牌抖音号/作品数据.xlsx", "sha256": "ab" * 32, "kind": "platform_export", "platform": "douyin",
         "account": "品牌抖音号", "rows_read": 42, "rows_kept": 40, "rows_quarantined": 2, "duplicates_merged": 0,
         "message": "已读取"},
        {"path": "说明.txt", "sha256": "cd" * 32, "kind": "unrecognised", "message": "不是可识别的导出文件，已跳过"}]},
        ensure_ascii=False), encoding="utf-8")
    write(folder, "quarantine", pd.DataFrame({
        "source_file": ["品牌抖音号/作品数据.xlsx"] * 2, "source_row": [5, 9], "table": ["posts"] * 2,
        "reason": ["播放量不是数字", "发布时间在未来"], "values": ['{"播放量": "=1+1"}', '{"标题": "<img src=x onerror=alert(1)>"}']}))
    reviews = pd.DataFrame({
        "operator": [other(0), other(0), other(1)], "period": period, "rater": [other(2), other(3), other(0)],
        "rater_role": ["上级", "同事", "同事"], "professional": [4.0, 4.5, 3.0], "conduct": [4.0, 4.0, 3.5],
        "teamwork": [5.0, 4.0, 3.0],
        "comment": ["选题敏锐，执行到位。" + ("<script>alert('x')</script>" if evil else ""), EVIL_COMMENT, "需要加强数据复盘"]})
    reviews.to_parquet(folder / catalog.team_file("qualitative_reviews"), index=False)
    pd.DataFrame({"operator": people[:2], "review_date": pd.to_datetime([p.start.date()] * 2), "title": ["好文", "一般"],
                  "reviewer": [other(3), other(4)], "score": [88.0, 72.0]}).to_parquet(
        folder / catalog.team_file("quality_reviews"), index=False)
    return people
