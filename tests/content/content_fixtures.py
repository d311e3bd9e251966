"""Small synthetic processed tables for the content tests, built in the test (no other stage needed)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mediakpi import catalog
from mediakpi.periods import TZ, Period

CLEAN_EXTRA = {
    "in_period": "bool", "age_days": "float64", "mature": "bool", "media_type": "string", "is_original": "boolean",
    "calendar_item": "string", "on_time": "boolean", "viral": "bool", "viral_rule": "string", "viral_strong": "bool",
    "primary_metric": "string", "primary_value": "float64", "baseline_median": "float64", "flagged": "bool",
    "flag_reasons": "string",
}
ACCOUNTS = [  # platform, account, operator, format, media, typical views
    ("wechat", "城市早知道", "张三", "图文", "image", 3000),
    ("douyin", "城市早知道", "李四", "视频", "video", 20000),
    ("xiaohongshu", "小城日记", "李四", "图文", "image", 1500),
    ("weibo", "城市早知道", "张三", "图文", "image", 5000),
    ("bilibili", "城市早知道", "王五", "视频", "video", 8000),
]
TITLES = ["秋季观鸟攻略 #周末去哪儿#", "深圳湾日落拍摄指南 #摄影", "十元早餐测评 #美食探店", "地铁新线开通体验",
          "周末去哪儿：城市公园 #周末去哪儿#", "咖啡店探店合集 #美食探店", "老街区的秋天 #摄影", "观鸟新手装备清单"]


def make_posts(period: str = "2026-10", per_account: int = 12, seed: int = 0, snapshot_days: int = 10) -> pd.DataFrame:
    """posts_clean for `period`: in_period posts of five accounts plus two from the previous month (in_period False)."""
    rng = np.random.default_rng(seed)
    p = Period.parse(period)
    rows = []
    snapshot = p.end + pd.Timedelta(days=1)
    for plat, acc, op, fmt, media, typical in ACCOUNTS:
        for i in range(per_account + 2):
            before = i >= per_account
            day = int(rng.integers(0, p.days)) if not before else -int(rng.integers(1, 20))
            hour = int(rng.choice([8, 12, 19, 21]))
            published = p.start + pd.Timedelta(days=day, hours=hour, minutes=int(rng.integers(0, 60)))
            views = int(typical * rng.lognormal(0, 0.5))
            likes, comments, shares, saves = (int(views * r) for r in rng.uniform([0.02, 0.003, 0.004, 0.005],
                                                                                   [0.06, 0.01, 0.015, 0.02]))
            viral = (i == 0)
            rows.append({
                "platform": plat, "account": acc, "operator": op, "post_id": f"{plat}-{acc}-{i}",
                "title": TITLES[i % len(TITLES)], "published_at": published,
                "format": fmt if i % 5 else ("长图文" if media == "image" else "1-3min视频"),
                "views": views * (12 if viral else 1), "impressions": pd.NA,
                "likes": pd.NA if plat == "wechat" else likes, "comments": comments, "shares": shares,
                "saves": saves if plat in ("xiaohongshu", "bilibili", "douyin") else pd.NA,
                "followers_gained": int(views * 0.002),
                "completion_rate": float(rng.uniform(0.2, 0.6)) if media == "video" or plat == "wechat" else np.nan,
                "avg_watch_seconds": float(rng.uniform(10, 60)) if media == "video" else np.nan,
                "source_file": f"{acc}/{plat}.xlsx", "source_row": i + 2,
                "snapshot_at": snapshot, "url": f"https://example.com/{plat}/{i}",
                "zaikan": int(views * 0.01) if plat == "wechat" else pd.NA,
                "danmaku": int(views * 0.01) if plat == "bilibili" else pd.NA,
                "coins": int(views * 0.005) if plat == "bilibili" else pd.NA,
                "views_lower_bound": False,
                "in_period": not before, "age_days": (snapshot - published) / pd.Timedelta(days=1),
                "mature": (snapshot - published) / pd.Timedelta(days=1) >= (3 if plat == "wechat" else 7),
                "media_type": media, "is_original": bool(i % 3), "calendar_item": f"排期{i}" if i % 2 else pd.NA,
                "on_time": (bool(i % 4 != 1) if i % 2 else pd.NA),
                "viral": viral, "viral_rule": "达到账号近90天中位数的3倍" if viral else pd.NA, "viral_strong": viral,
                "primary_metric": "views", "primary_value": float(views), "baseline_median": float(typical),
                "flagged": False, "flag_reasons": pd.NA,
            })
    df = pd.DataFrame(rows)
    df["published_at"] = pd.to_datetime(df["published_at"]).dt.tz_convert(TZ)
    df["snapshot_at"] = pd.to_datetime(df["snapshot_at"]).dt.tz_convert(TZ)
    base = catalog.conform(df, catalog.POSTS, catalog.POSTS_EXTRA)
    for col, dtype in CLEAN_EXTRA.items():
        base[col] = df[col].astype(dtype)
    return base


def make_account_month(period: str = "2026-10", scale: float = 1.0) -> pd.DataFrame:
    rows = []
    for k, (plat, acc, op, *_rest) in enumerate(ACCOUNTS):
        start = 10000 * (k + 1)
        gained, lost = int(500 * scale * (k + 1)), 100 * (k + 1)
        rows.append({"platform": plat, "account": acc, "operator": op, "month": period, "followers_start": start,
                     "followers_end": start + gained - lost, "followers_gained": gained, "followers_lost": lost,
                     "net_growth": gained - lost, "growth_rate": (gained - lost) / start, "source": "account_daily"})
    return pd.DataFrame(rows)


def make_calendar_match(period: str = "2026-10") -> pd.DataFrame:
    p = Period.parse(period)
    statuses = ["on_time", "on_time", "late", "missed", "not_due"]
    rows = []
    for k, (plat, acc, op, *_rest) in enumerate(ACCOUNTS):
        for j, st in enumerate(statuses):
            rows.append({"planned_at": p.start + pd.Timedelta(days=3 * j + k, hours=9), "platform": plat, "account": acc,
                         "title": f"排期{j}", "operator": op, "format": "图文", "is_original": True,
                         "source_file": "排期.xlsx", "source_row": 2 + j, "status": st,
                         "post_id": pd.NA if st == "missed" else f"{plat}-{acc}-{j}",
                         "delay_hours": 3.0 if st == "late" else 0.0})
    df = pd.DataFrame(rows)
    df["planned_at"] = pd.to_datetime(df["planned_at"]).dt.tz_convert(TZ)
    return df


@pytest.fixture
def posts() -> pd.DataFrame:
    return make_posts()


def build_workspace(root):
    """A workspace with 2025-10, 2026-09 and 2026-10 processed (posts_clean, posts, account_month, calendar_match)."""
    from mediakpi.paths import Workspace

    ws = Workspace.of(root / "data", root / "reports")
    for period, seed, scale in (("2026-09", 1, 0.5), ("2026-10", 0, 1.0), ("2025-10", 2, 0.8)):
        folder = ws.processed(period)
        folder.mkdir(parents=True)
        pc = make_posts(period, seed=seed)
        pc.to_parquet(folder / catalog.file_name("posts_clean"))
        pc[[c for c in pc.columns if c in {**catalog.POSTS, **catalog.POSTS_EXTRA}]].to_parquet(folder / catalog.file_name("posts"))
        make_account_month(period, scale).to_parquet(folder / catalog.file_name("account_month"))
        make_calendar_match(period).to_parquet(folder / catalog.file_name("calendar_match"))
    return ws


@pytest.fixture
def workspace(tmp_path):
    return build_workspace(tmp_path)
