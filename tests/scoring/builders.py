"""Tiny processed folders for scoring tests, built with catalog.conform (no other stage needed)."""
from __future__ import annotations

import pandas as pd

from mediakpi import catalog
from mediakpi.paths import Workspace
from mediakpi.scoring.pipeline import POST_COLUMNS

ACCOUNT_MONTH = catalog.columns("account_month")
CALENDAR_MATCH = catalog.columns("calendar_match")

TZ = "Asia/Shanghai"


def ts(text: str) -> pd.Timestamp:
    return pd.Timestamp(text, tz=TZ)


def conform(df: pd.DataFrame, columns: dict) -> pd.DataFrame:
    """catalog.conform, with missing float columns pre-filled (catalog.conform cannot cast pd.NA to float64)."""
    df = df.copy()
    for col, dtype in columns.items():
        if col not in df.columns and dtype == "float64":
            df[col] = float("nan")
    return catalog.conform(df, columns)


def write_table(ws: Workspace, period: str, table: str, rows: list[dict]) -> None:
    folder = ws.processed(period)
    folder.mkdir(parents=True, exist_ok=True)
    df = conform(pd.DataFrame(rows), catalog.team_table_dtypes(table)) if rows else catalog.empty(catalog.team_table_dtypes(table))
    df.to_parquet(folder / catalog.team_file(table), index=False)


def write_posts(ws: Workspace, period: str, rows: list[dict]) -> None:
    folder = ws.processed(period)
    folder.mkdir(parents=True, exist_ok=True)
    df = pd.DataFrame(rows)
    if "post_id" not in df.columns:
        df["post_id"] = [f"p{i}" for i in range(len(df))]
    conform(df, POST_COLUMNS).to_parquet(folder / catalog.file_name("posts_clean"), index=False)


def write_account_month(ws: Workspace, period: str, rows: list[dict]) -> None:
    folder = ws.processed(period)
    folder.mkdir(parents=True, exist_ok=True)
    conform(pd.DataFrame(rows), ACCOUNT_MONTH).to_parquet(folder / catalog.file_name("account_month"), index=False)


def write_calendar(ws: Workspace, period: str, rows: list[dict]) -> None:
    folder = ws.processed(period)
    folder.mkdir(parents=True, exist_ok=True)
    conform(pd.DataFrame(rows), CALENDAR_MATCH).to_parquet(folder / catalog.file_name("calendar_match"), index=False)


def posts_for(op, platform, account, month, n, views=1000, likes=30, comments=5, shares=2, saves=3,
              completion=0.3, original=True, viral=0, start=0):
    """n posts in `month` (one per day from the 2nd)."""
    return [{"platform": platform, "account": account, "operator": op, "post_id": f"{account}-{month}-{start + i}",
             "title": f"t{i}", "published_at": ts(f"{month}-{2 + i:02d} 10:00"), "views": views, "likes": likes,
             "comments": comments, "shares": shares, "saves": saves, "completion_rate": completion,
             "is_original": original, "viral": i < viral, "viral_rule": "阅读量≥10万" if i < viral else None,
             "mature": True, "in_period": True} for i in range(n)]


ROSTER = [{"name": "张三", "platform": "wechat", "account": "品牌号"},
          {"name": "李四", "platform": "douyin", "account": "品牌抖音"},
          {"name": "王五", "platform": "xiaohongshu", "account": "品牌红书"}]


def minimal_month(ws: Workspace, month: str = "2026-10") -> None:
    """Only a roster and platform exports (posts, follower table)."""
    write_table(ws, month, "roster", ROSTER)
    posts = (posts_for("张三", "wechat", "品牌号", month, 4, viral=1)
             + posts_for("李四", "douyin", "品牌抖音", month, 6, views=5000)
             + posts_for("王五", "xiaohongshu", "品牌红书", month, 3, views=800))
    write_posts(ws, month, posts)
    write_account_month(ws, month, [
        {"platform": "wechat", "account": "品牌号", "operator": "张三", "month": month, "followers_start": 10000,
         "net_growth": 300, "followers_lost": 50, "growth_rate": 0.03},
        {"platform": "douyin", "account": "品牌抖音", "operator": "李四", "month": month, "followers_start": 2000,
         "net_growth": -20, "followers_lost": 80, "growth_rate": -0.01},
    ])


def full_month(ws: Workspace, month: str = "2026-10") -> None:
    """Every team table filled for 张三; others sparse."""
    minimal_month(ws, month)
    write_calendar(ws, month, [
        {"planned_at": ts(f"{month}-{d:02d} 10:00"), "platform": "wechat", "account": "品牌号", "title": f"c{d}",
         "operator": "张三", "is_original": True, "status": "on_time" if d != 12 else "late"} for d in range(1, 13)])
    write_table(ws, month, "quality_reviews", [
        {"operator": "张三", "review_date": f"{month}-10", "score": 80},
        {"operator": "张三", "review_date": f"{month}-20", "score": 90}])
    write_table(ws, month, "community", [
        {"month": month, "community": "粉丝群", "operator": "张三", "members_start": 500, "members_lost": 25,
         "avg_daily_active": 100, "core_interactions": 90, "total_interactions": 300}])
    write_table(ws, month, "conversions", [
        {"month": month, "operator": "张三", "path": "公众号→小程序", "reached": 2000, "converted": 80}])
    write_table(ws, month, "campaigns", [
        {"campaign": "双十一", "operator": "张三", "start_date": f"{month}-05", "end_date": f"{month}-11",
         "target": 1000, "actual": 900, "budget": 5000, "cost": 4000, "revenue": 10000, "target_roi": 1.0}])
    write_table(ws, month, "data_reports", [
        {"operator": "张三", "report": "周报1", "due_date": f"{month}-07", "submitted_date": f"{month}-09", "quality_score": 85},
        {"operator": "张三", "report": "月报", "due_date": f"{month}-28"}])
    write_table(ws, month, "suggestions", [
        {"operator": "张三", "submitted_date": f"{month}-03", "suggestion": "标题加数字", "adopted": True},
        {"operator": "张三", "submitted_date": f"{month}-13", "suggestion": "改发布时间", "adopted": False},
        {"operator": "张三", "submitted_date": f"{month}-23", "suggestion": "加封面", "adopted": True}])
    write_table(ws, month, "qualitative_reviews", [
        {"operator": "张三", "period": month, "rater": "老板", "rater_role": "上级", "professional": 4, "conduct": 5,
         "teamwork": 4, "bonus_points": 3, "violations": 1, "comment": "双十一加班保障；一次未审先发"},
        {"operator": "张三", "period": month, "rater": "李四", "rater_role": "同事", "professional": 5, "conduct": 4,
         "teamwork": 4},
        {"operator": "张三", "period": month, "rater": "张三", "rater_role": "自评", "professional": 5, "conduct": 5,
         "teamwork": 5},
        {"operator": "王五", "period": month, "rater": "老板", "rater_role": "上级", "professional": 3, "conduct": 3,
         "teamwork": 3, "veto": True}])
