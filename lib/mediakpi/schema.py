"""The canonical schema: processed table names, their columns and pandas dtypes (data-contract.md).

Team-table columns come from config/team_tables.yaml (one place for their headers and aliases); the platform codes and
platform-name aliases from config/platforms.yaml. Nothing else in the code base spells a processed file name.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pandas as pd
from .config import parse_yaml

from .paths import CONFIG_DIR

PLATFORMS = ["wechat", "weibo", "douyin", "xiaohongshu", "bilibili", "kuaishou", "channels"]

STRING = "string"
TIMESTAMP = "datetime64[ns, Asia/Shanghai]"
INT = "Int64"
FLOAT = "float64"
BOOL = "boolean"

# posts.parquet: one row per post, de-duplicated across files.
POSTS: dict[str, str] = {
    "platform": STRING,
    "account": STRING,
    "operator": STRING,
    "post_id": STRING,
    "title": STRING,
    "published_at": TIMESTAMP,
    "format": STRING,
    "views": INT,
    "impressions": INT,
    "likes": INT,
    "comments": INT,
    "shares": INT,
    "saves": INT,
    "followers_gained": INT,
    "completion_rate": FLOAT,
    "avg_watch_seconds": FLOAT,
    "source_file": STRING,
    "source_row": INT,
}
# Columns the workbook adds to posts beyond the contract (kept optional: a table without them is still valid).
POSTS_EXTRA: dict[str, str] = {
    "snapshot_at": TIMESTAMP,      # when the export was taken (file's own date, else the file's newest date rule)
    "views_lower_bound": BOOL,     # the value was written as 10万+ / 100000+
    "layout": STRING,              # which platform layout the row came from
    "url": STRING,
    "zaikan": INT,                 # WeChat 在看
    "danmaku": INT,                # Bilibili/XHS 弹幕
    "coins": INT,                  # Bilibili 投币
    "recommends": INT,             # 视频号 推荐
    "profile_visits": INT,         # Douyin 主页访问量
    "followers_lost": INT,         # Bilibili 取关量
    "cover_ctr": FLOAT,
    "bounce_rate": FLOAT,          # Douyin 2s跳出率, Bilibili 3秒跳出率
    "recipients": INT,             # WeChat 送达人数
    "visibility": STRING,          # Douyin 审核状态
}

ACCOUNT_DAILY: dict[str, str] = {
    "platform": STRING,
    "account": STRING,
    "operator": STRING,
    "date": "datetime64[ns]",
    "followers_total": INT,
    "followers_gained": INT,
    "followers_lost": INT,
    "source_file": STRING,
    "source_row": INT,
}

QUARANTINE: dict[str, str] = {
    "source_file": STRING,
    "source_row": INT,
    "table": STRING,
    "reason": STRING,
    "values": STRING,  # the original cells as JSON, header -> text
}

SCORECARD_BASE: dict[str, str] = {
    "period": STRING,
    "operator": STRING,
    "total": FLOAT,
    "grade": STRING,
    "grade_status": STRING,   # final / provisional (暂定) / withheld
    "coverage": FLOAT,        # share of the plan's total weight actually scored (0–1)
    "rank": INT,
}

INDICATOR_SCORES: dict[str, str] = {
    "period": STRING,
    "operator": STRING,
    "dimension": STRING,
    "indicator": STRING,
    "actual": FLOAT,
    "target": FLOAT,
    "achievement": FLOAT,
    "score": FLOAT,
    "weight": FLOAT,
    "applicable": BOOL,
    "explanation": STRING,
    "status": STRING,         # scored / not_applicable / missing_input
    "reason": STRING,         # why not applicable, or what input is missing
}

# File names in data/processed/<period>/ (the first block is fixed by data-contract.md).
FILES = {
    "posts": "posts.parquet",
    "account_daily": "account_daily.parquet",
    "manifest": "ingest_manifest.json",
    "quarantine": "quarantine.parquet",
    "quarantine_csv": "quarantine.csv",
    "scorecard": "scorecard.parquet",
    "indicator_scores": "indicator_scores.parquet",
    # written by 02_clean
    "posts_clean": "posts_clean.parquet",
    "account_month": "account_month.parquet",
    "calendar_match": "calendar_match.parquet",
    "flags": "flags.parquet",
    "data_quality": "data_quality.parquet",
    "data_quality_notes": "data_quality_notes.parquet",
    # written by 03_score
    "score_ledger": "score_ledger.parquet",
    "score_meta": "score_meta.json",
    # written by 04_content
    "content_posts": "content_posts.parquet",
    "content_overview": "content_overview.parquet",
    "content_best_time": "content_best_time.parquet",
    "content_formats": "content_formats.parquet",
    "content_topics": "content_topics.parquet",
    "content_strategy": "content_strategy.parquet",
    "content_indices": "content_indices.parquet",
    "content_video": "content_video.parquet",
    "content_publishing": "content_publishing.parquet",
}


@lru_cache(maxsize=None)
def team_tables(config_dir: Path = CONFIG_DIR) -> dict:
    """The team-table definitions from config/team_tables.yaml."""
    with open(config_dir / "team_tables.yaml", encoding="utf-8") as fh:
        return parse_yaml(fh)["tables"]


def team_table_dtypes(table: str) -> dict[str, str]:
    kinds = {"text": STRING, "int": INT, "float": FLOAT, "rating": FLOAT, "bool": BOOL,
             "date": "datetime64[ns]", "datetime": TIMESTAMP}
    cols = {c: kinds[spec["type"]] for c, spec in team_tables()[table]["columns"].items()}
    return {**cols, "source_file": STRING, "source_row": INT}


def team_file(table: str) -> str:
    return f"{team_tables()[table]['file']}.parquet"


def empty(columns: dict[str, str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=t) for c, t in columns.items()})


def conform(df: pd.DataFrame, columns: dict[str, str], extra: dict[str, str] | None = None) -> pd.DataFrame:
    """Columns in canonical order and dtype; missing contract columns added as nulls; known extras kept."""
    out = pd.DataFrame(index=df.index)
    for col, dtype in {**columns, **{k: v for k, v in (extra or {}).items() if k in df.columns}}.items():
        out[col] = df[col].astype(dtype) if col in df.columns else pd.Series(index=df.index, dtype=dtype)
    return out.reset_index(drop=True)
