"""Tiny fixtures for 02_clean, built in the tests (catalog.conform / catalog.empty): no dependency on ingest output."""
from __future__ import annotations

import json

import pandas as pd
import pytest

from mediakpi import catalog
from mediakpi.clean.config import load_quality_config
from mediakpi.clean.records import conform
from mediakpi.paths import Workspace
from mediakpi.periods import TZ


def ts(text: str) -> pd.Timestamp:
    return pd.Timestamp(text, tz=TZ)


def make_posts(rows: list[dict]) -> pd.DataFrame:
    """Posts with canonical dtypes; defaults fill what a test does not care about."""
    full = []
    for i, r in enumerate(rows):
        d = {"platform": "douyin", "account": "号A", "operator": "张三", "post_id": f"p{i}", "title": f"作品{i}",
             "format": "视频", "source_file": "号A/douyin.xlsx", "source_row": i + 2, **r}
        for col in ("published_at", "snapshot_at"):
            if isinstance(d.get(col), str):
                d[col] = ts(d[col])
        full.append(d)
    df = pd.DataFrame(full) if full else pd.DataFrame(columns=list(catalog.POSTS))
    return conform(df, catalog.POSTS, catalog.POSTS_EXTRA)


def make_roster(rows: list[dict]) -> pd.DataFrame:
    df = pd.DataFrame([{"source_file": "花名册.xlsx", "source_row": i + 2, **r} for i, r in enumerate(rows)])
    for c in ("start_date", "end_date"):
        if c in df.columns:
            df[c] = pd.to_datetime(df[c])
    return conform(df, catalog.team_table_dtypes("roster")) if rows else catalog.empty(catalog.team_table_dtypes("roster"))


def make_calendar(rows: list[dict]) -> pd.DataFrame:
    full = []
    for i, r in enumerate(rows):
        d = {"platform": "douyin", "account": "号A", "source_file": "排期.xlsx", "source_row": i + 2, **r}
        if isinstance(d.get("planned_at"), str):
            d["planned_at"] = ts(d["planned_at"])
        full.append(d)
    dtypes = catalog.team_table_dtypes("content_calendar")
    return conform(pd.DataFrame(full), dtypes) if rows else catalog.empty(dtypes)


def write_processed(ws: Workspace, period: str, posts=None, daily=None, roster=None, calendar=None,
                    manifest=None, quarantine=None) -> None:
    folder = ws.processed(period)
    folder.mkdir(parents=True, exist_ok=True)
    if posts is not None:
        posts.to_parquet(folder / catalog.file_name("posts"))
    if daily is not None:
        daily.to_parquet(folder / catalog.file_name("account_daily"))
    if roster is not None:
        roster.to_parquet(folder / catalog.team_file("roster"))
    if calendar is not None:
        calendar.to_parquet(folder / catalog.team_file("content_calendar"))
    if quarantine is not None:
        quarantine.to_parquet(folder / catalog.file_name("quarantine"))
    if manifest is not None:
        (folder / catalog.file_name("manifest")).write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")


@pytest.fixture
def cfg():
    return load_quality_config()


@pytest.fixture
def ws(tmp_path):
    return Workspace.of(tmp_path / "data", tmp_path / "reports")
