"""The catalog of the tables between stages: every dataset in data/processed/<period>/ in one place.

For each dataset: its file (relative to data/processed/<period>/), the stage that writes it, and its schema (columns
and pandas dtypes). Stages read with `load` and write with `save`; nothing else in the code base spells a processed
file name or a table's columns (Kedro's DataCatalog is the model; this is a small one without the dependency).

- `columns`: written every time, in this order (docs/specs/data-contract.md fixes the names of the contract tables).
- `optional`: known columns written when the input has them (platform-specific metrics, a stage's extra detail).
- `family`: for the two tables whose columns depend on configuration (posts' platform-specific metrics from
  config/platforms.yaml; the scorecard's one column per dimension from config/assessment.yaml), a function giving
  the allowed further columns and their dtypes.

`load` is the one reader: a missing file raises `DatasetMissing`, an unreadable one `DatasetUnreadable`, each with a
Chinese message naming the file and what to do, so a stage that tolerates a missing input catches `DatasetError` and
turns `exc.message` into its own note. `save` is the one writer: atomic (a temporary file renamed into place, through
store.write_parquet), and it checks the frame against the schema. With MEDIAKPI_STRICT_CATALOG=1 (the test suite sets
it) a column the catalog does not know, or a declared column missing, is an error; otherwise a warning.
"""
from __future__ import annotations

import json
import os
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from .paths import CONFIG_DIR

STRING = "string"
TIMESTAMP = "datetime64[ns, Asia/Shanghai]"
DATE = "datetime64[ns]"
INT = "Int64"
FLOAT = "float64"
BOOL = "boolean"
PLAIN_BOOL = "bool"

PLATFORMS = ["wechat", "weibo", "douyin", "xiaohongshu", "bilibili", "kuaishou", "channels"]

# The stages that write datasets (each dataset names its producer; the stages, their order and what each reads are
# the stage registry's, stages.py).
INGEST, CLEAN, SCORE, CONTENT = "01_ingest", "02_clean", "03_score", "04_content"
STRICT_ENV = "MEDIAKPI_STRICT_CATALOG"


class DatasetError(Exception):
    """A dataset that cannot be read; `message` is one Chinese sentence naming the file and what to do."""

    def __init__(self, name: str, path: Path, message: str):
        super().__init__(message)
        self.name, self.path, self.message = name, path, message


class DatasetMissing(DatasetError):
    """The file is not there (the producing stage has not run for this period)."""


class DatasetUnreadable(DatasetError):
    """The file is there but cannot be read (broken, or not what the catalog says)."""


class SchemaMismatch(ValueError):
    """A frame being saved does not fit its dataset's schema (strict mode)."""


@dataclass(frozen=True)
class Dataset:
    name: str
    file: str                                   # relative to data/processed/<period>/
    stage: str                                  # the stage that writes it
    description: str
    columns: dict[str, str] = field(default_factory=dict)
    optional: dict[str, str] = field(default_factory=dict)
    family: Callable[[], dict[str, str]] | None = None   # configuration-dependent further columns
    family_doc: str = ""

    @property
    def kind(self) -> str:
        return Path(self.file).suffix.lstrip(".")

    def known(self) -> dict[str, str]:
        """Every column this dataset may hold, with its dtype."""
        return {**self.columns, **self.optional, **(self.family() if self.family else {})}


# ------------------------------------------------------------------------------------------------------ schemas
# posts.parquet: one row per post, de-duplicated across files (docs/specs/data-contract.md).
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
# Columns the workbook adds to posts beyond the contract (optional: a table without them is still valid).
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
    "visibility": STRING,          # as exported (公开, 自见/私密/仅自己可见 …), null where the export has none
    "snapshot_conflict": BOOL,     # two copies disagree (interactions up, views not): lower figures kept (ingest.conflicts)
}
POSTS_OPTIONAL: dict[str, str] = {
    **POSTS_EXTRA,
    "ownership": STRING,           # held / vacant / conflict … (ownership.py): why `operator` is what it is
}

ACCOUNT_DAILY: dict[str, str] = {
    "platform": STRING,
    "account": STRING,
    "operator": STRING,
    "date": DATE,
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

# ingest_manifest.json: one entry per file found under the period folder.
MANIFEST_COLUMNS = ["path", "sha256", "kind", "layout", "table", "platform", "account", "rows_read", "rows_kept",
                    "rows_quarantined", "duplicates_merged", "rows_ignored", "snapshot_at", "snapshot_rule",
                    "id_fallback", "duplicates_decided_by", "columns_given", "message"]

# posts_clean.parquet = posts + these columns 02_clean adds, in order.
POSTS_CLEAN_ADDED: dict[str, str] = {
    "snapshot_rule": STRING, "month": STRING, "private": PLAIN_BOOL,
    "in_period": PLAIN_BOOL, "age_days": FLOAT, "mature": PLAIN_BOOL, "media_type": STRING,
    "is_original": BOOL, "calendar_item": STRING, "on_time": BOOL,
    "viral": PLAIN_BOOL, "viral_rule": STRING, "viral_strong": PLAIN_BOOL, "viral_pending": PLAIN_BOOL,
    "primary_metric": STRING, "primary_value": FLOAT, "baseline_median": FLOAT, "baseline_posts": INT,
    "viral_multiple": FLOAT, "viral_z": FLOAT,
    "flagged": PLAIN_BOOL, "flag_reasons": STRING,
}

# account_month.parquet: follower growth per (platform, account, month, operator), the operator's days held.
ACCOUNT_MONTH: dict[str, str] = {
    "platform": STRING, "account": STRING, "operator": STRING, "month": STRING,
    "followers_start": INT, "followers_end": INT, "followers_gained": INT, "followers_lost": INT,
    "net_growth": INT, "growth_rate": FLOAT,
    "source": STRING,          # account_daily / posts / none
    "days": INT,               # days with account_daily rows in the month (for this operator)
    "note": STRING,
    "days_held": INT,          # days of the month the roster gives this operator (null operator: days nobody held it)
    "first_day": "datetime64[ns]",  # first and last day with account_daily rows for this operator in the month
    "last_day": "datetime64[ns]",
    "ownership": STRING,       # held / vacant / conflict / not_in_roster (null without a roster)
    # which follower figures the account files gave (followers_total, followers_gained, followers_lost, net_growth;
    # comma-joined; null for source posts / none) and the same in words, as 粉丝增长率 and 用户留存率 name their source
    "source_columns": STRING,
    "source_detail": STRING,
    "coverage": STRING,        # the account files cover only part of the month: which days (null when whole)
    "net_days": INT,           # days net_growth spans (from the day after the start's total to the last day)
}
ACCOUNT_MONTH_OPTIONAL: dict[str, str] = {}

# flags.parquet: one row per (post, check) that fired.
FLAGS: dict[str, str] = {
    "platform": STRING,
    "account": STRING,
    "operator": STRING,
    "post_id": STRING,
    "title": STRING,
    "source_file": STRING,
    "source_row": INT,
    "check": STRING,      # code, e.g. negative_count, fraud_interactions_per_view (label: quality.check.<code>)
    "level": STRING,      # error / warn / info
    "message": STRING,    # plain Chinese
    "in_period": BOOL,
}

# data_quality_notes.parquet
NOTES: dict[str, str] = {
    "level": STRING,
    "scope": STRING,      # period / file / roster / account / calendar / post / table
    "subject": STRING,    # what the note is about: a file, an account (平台 / 账号), a roster row …
    "message": STRING,
}

DATA_QUALITY: dict[str, str] = {
    "platform": STRING, "account": STRING, "operator": STRING,
    "files": INT, "posts": INT, "posts_in_period": INT, "private_posts": INT, "quarantined_rows": INT, "flags": INT,
    "missing_download": BOOL, "status": STRING, "note": STRING,
    "in_roster": BOOL, "flag_errors": INT,
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

LEDGER: dict[str, str] = {"period": STRING, "operator": STRING, "kind": STRING, "item": STRING, "points": FLOAT,
                          "detail": STRING,
                          # issue 22: the rule behind the row (adjustment, veto, provenance, fraud_flag, missing_input,
                          # ingest_quarantine, forced_distribution, plausibility:<checks>)
                          "rule": STRING}

# scorecard.parquet: the base, one float64 column per dimension (config/assessment.yaml), then these.
SCORECARD_OPTIONAL: dict[str, str] = {
    "base": FLOAT, "grade_before_cap": STRING, "reweight_note": STRING,
    "coverage_content": FLOAT, "coverage_user": FLOAT, "coverage_platform": FLOAT, "coverage_data": FLOAT,
    "coverage_collab": FLOAT,
    "bonus": FLOAT, "deduction": FLOAT, "veto": PLAIN_BOOL, "veto_reason": STRING, "note": STRING,
    "main_platform": STRING, "cohort_size": INT, "cohort_percentile": FLOAT, "robust_z": FLOAT, "fairness_note": STRING,
    "review_score": FLOAT, "review_share": FLOAT, "rank_change": INT,   # quarter / year rollups
    "missing_tables": STRING, "missing_note": STRING,   # team tables to fill in for missing_input indicators
    "flagged_posts": INT, "flagged_titles": STRING, "adjustment_reasons": STRING,
}
INDICATOR_SCORES_OPTIONAL: dict[str, str] = {
    "core_aux": STRING, "inputs": STRING, "reason_na": STRING,
    "effective_weight": FLOAT, "dimension_weight": FLOAT, "contribution": FLOAT,
    "scored_share": FLOAT, "missing_tables": STRING, "n_evidence": FLOAT,
}

CALENDAR_MATCH_ADDED: dict[str, str] = {
    "item_id": STRING, "in_period": PLAIN_BOOL, "status": STRING, "post_id": STRING,
    "delay_hours": FLOAT, "candidates": INT, "match_rule": STRING, "note": STRING,
}

CONTENT_POSTS = {"platform": STRING, "account": STRING, "operator": STRING, "post_id": STRING, "title": STRING,
                 "published_at": TIMESTAMP, "format": STRING, "media_type": STRING, "url": STRING, "views": INT,
                 "interactions": FLOAT, "engagement_rate": FLOAT, "er_denominator": STRING,
                 "weighted_interactions": FLOAT, "weighted_engagement_rate": FLOAT, "likes": INT, "comments": INT,
                 "shares": INT, "saves": INT, "followers_gained": INT, "completion_rate": FLOAT,
                 "avg_watch_seconds": FLOAT, "mature": BOOL, "viral": BOOL, "viral_rule": STRING,
                 "viral_strong": BOOL, "is_original": BOOL, "on_time": BOOL, "calendar_item": STRING,
                 "primary_metric": STRING, "primary_value": FLOAT, "baseline_median": FLOAT, "flagged": BOOL,
                 "flag_reasons": STRING, "rank_in_account": INT, "position": STRING, "views_lower_bound": BOOL}
_CHANGES = {f"{m}_{s}": FLOAT for s in ("mom", "yoy")
            for m in ("posts", "views", "interactions", "engagement_rate", "net_growth", "viral_posts")}
CONTENT_OVERVIEW = {"level": STRING, "posts": INT, "views": FLOAT, "interactions": FLOAT, "mature_posts": INT,
                    "viral_posts": INT, "engagement_rate": FLOAT, "engagement_rate_n": INT, "viral_rate": FLOAT,
                    "net_growth": INT, "followers_start": INT, "growth_rate": FLOAT, "platform": STRING,
                    "account": STRING, "operator": STRING}
CONTENT_BEST_TIME = {"scope": STRING, "platform": STRING, "account": STRING, "weekday": INT, "weekday_name": STRING,
                     "slot": STRING, "posts": INT, "median_value": FLOAT, "mean_z": FLOAT, "usable": PLAIN_BOOL,
                     "account_uses_pooled": BOOL, "metric": STRING}
CONTENT_FORMATS = {"platform": STRING, "format": STRING, "media_type": STRING, "posts": INT, "metric": STRING,
                   "metric_n": INT, "metric_median": FLOAT, "views_median": FLOAT, "interactions_median": FLOAT,
                   "viral_posts": INT, "small_sample": PLAIN_BOOL}
CONTENT_TOPICS = {"topic": STRING, "source": STRING, "posts": INT, "platforms": STRING, "metric": STRING,
                  "metric_n": INT, "metric_median": FLOAT, "views_median": FLOAT, "viral_posts": INT,
                  "share_of_posts": FLOAT}
CONTENT_STRATEGY = {"operator": STRING, "suggestion": STRING, "submitted_date": DATE, "effective_date": DATE,
                    "platform": STRING, "account": STRING, "target_metric": STRING, "metric": STRING,
                    "metric_name": STRING, "scope": STRING, "window_days": INT, "n_before": INT, "n_after": INT,
                    "median_before": FLOAT, "median_after": FLOAT, "change": FLOAT, "u_statistic": FLOAT,
                    "p_value": FLOAT, "cliffs_delta": FLOAT, "effect_size": STRING, "significant": BOOL,
                    "status": STRING, "verdict": STRING, "source_file": STRING, "source_row": INT}
CONTENT_INDICES = {"platform": STRING, "account": STRING, "operator": STRING, "index": STRING, "value": FLOAT,
                   "inputs": STRING, "note": STRING}
CONTENT_VIDEO = {"platform": STRING, "account": STRING, "operator": STRING, "media_type": STRING,
                 "completion_metric": STRING, "posts": INT, "completion_n": INT, "completion_median": FLOAT,
                 "completion_mean": FLOAT, "watch_n": INT, "watch_seconds_median": FLOAT}
CONTENT_PUBLISHING = {"level": STRING, "platform": STRING, "account": STRING, "operator": STRING, "posts": INT,
                      "active_days": INT, "posts_per_week": FLOAT, "original_posts": INT, "original_known": INT,
                      "unplanned_posts": INT, "planned_due": INT, "on_time": INT, "late": INT, "missed": INT,
                      "not_due": INT, "original_ratio": FLOAT, "on_time_rate": FLOAT}


# ------------------------------------------------------------------------------------------ configuration-driven
_FORM_DTYPE = {"int": INT, "datetime": TIMESTAMP, "date": DATE, "text": STRING, "id": STRING, "url": STRING}
_TEAM_KINDS = {"text": STRING, "int": INT, "float": FLOAT, "rating": FLOAT, "bool": BOOL, "date": DATE,
               "datetime": TIMESTAMP}


def form_dtype(form: str) -> str:
    """The dtype of a platform-specific column from its `form` in config/platforms.yaml (numbers: float64)."""
    return _FORM_DTYPE.get(form, FLOAT)


@lru_cache(maxsize=None)
def platform_metric_columns(config_dir: Path = CONFIG_DIR) -> dict[str, str]:
    """Platform-specific post columns (config/platforms.yaml layouts) beyond the contract and POSTS_EXTRA."""
    from .config import load_yaml

    base = {**POSTS, **POSTS_EXTRA, **ACCOUNT_DAILY}
    out: dict[str, str] = {}
    for spec in (load_yaml(config_dir / "platforms.yaml").get("layouts") or {}).values():
        spec = spec or {}
        if spec.get("target") == "ignore":   # recognised and not stored: its columns are in no table
            continue
        # the value column of a metric_from_sheet layout is renamed to the sheet's metric: never stored as itself
        held = (spec.get("metric_from_sheet") or {}).get("column")
        for col, cs in (spec.get("columns") or {}).items():
            if col not in base and col not in out and col != held:
                out[col] = form_dtype((cs or {}).get("form", "float"))
    return out


@lru_cache(maxsize=None)
def dimension_columns(config_dir: Path = CONFIG_DIR) -> dict[str, str]:
    """The scorecard's one column per dimension: the dimensions of config/assessment.yaml's dimension_weights."""
    from .config import load_yaml

    weights = load_yaml(config_dir / "assessment.yaml").get("dimension_weights") or {}
    return {d: FLOAT for kind in weights.values() for d in (kind or {})}


@lru_cache(maxsize=None)
def _team_tables_model():
    """The pydantic model of config/team_tables.yaml (built on first use: pydantic is not imported for nothing)."""
    from typing import Literal

    from pydantic import BaseModel, ConfigDict

    class Column(BaseModel):
        model_config = ConfigDict(extra="forbid")
        header: str
        aliases: list[str] = []
        type: Literal["text", "int", "float", "rating", "bool", "date", "datetime"]
        required: bool = False
        range: list[int | float | None] | None = None

    class Table(BaseModel):
        model_config = ConfigDict(extra="forbid")
        title: str
        file: str
        columns: dict[str, Column]

    class TeamTablesConfig(BaseModel):
        model_config = ConfigDict(extra="forbid")
        version: int
        tables: dict[str, Table]
        rater_roles: dict[str, list[str]]

    return TeamTablesConfig


@lru_cache(maxsize=None)
def team_tables_config(config_dir: Path = CONFIG_DIR):
    """config/team_tables.yaml, read once and validated (pydantic; a bad file is a ConfigError in Chinese)."""
    from .config import load_model

    return load_model(config_dir / "team_tables.yaml", _team_tables_model())


def team_tables(config_dir: Path = CONFIG_DIR) -> dict:
    """The team-table definitions from config/team_tables.yaml, as plain dicts (validated)."""
    cfg = team_tables_config(config_dir)
    return {name: t.model_dump(exclude_none=True) for name, t in cfg.tables.items()}


def team_table_dtypes(table: str) -> dict[str, str]:
    cols = {c: _TEAM_KINDS[spec.type] for c, spec in team_tables_config().tables[table].columns.items()}
    # unread_cells: the cells of the row ingest could not read and set aside (`column=raw；…`, ingest.team), so the
    # row's other cells still count and scoring can tell "unreadable" from "blank" (an unreadable veto keeps the cap)
    return {**cols, "source_file": STRING, "source_row": INT, "unread_cells": STRING}


def team_file(table: str) -> str:
    return f"{team_tables_config().tables[table].file}.parquet"


SCORE_INSIGHTS = {"operator": STRING, "kind": STRING, "order": INT, "indicator": STRING, "dimension": STRING,
                  "actual": FLOAT, "target": FLOAT, "achievement": FLOAT, "score": FLOAT, "weight_in_total": FLOAT,
                  "points": FLOAT, "cause": STRING, "facts": STRING}
SCORE_DRIVERS = {"operator": STRING, "item": STRING, "kind": STRING, "dimension": STRING, "previous": FLOAT,
                 "current": FLOAT, "points": FLOAT}
SCORE_POSTS = {"operator": STRING, "side": STRING, "order": INT, "platform": STRING, "account": STRING,
               "post_id": STRING, "title": STRING, "published_at": TIMESTAMP, "date_only": BOOL, "format": STRING,
               "views": FLOAT, "likes": FLOAT, "comments": FLOAT, "shares": FLOAT, "saves": FLOAT,
               "interactions": FLOAT, "engagement_rate": FLOAT, "primary_metric": STRING, "primary_value": FLOAT,
               "baseline_median": FLOAT, "ratio": FLOAT, "viral": BOOL, "views_lower_bound": BOOL}
SCORE_POST_FIGURES = {"operator": STRING, "level": STRING, "platform": STRING, "account": STRING, "posts": INT,
                      "views": FLOAT, "interactions": FLOAT, "engagement_rate": FLOAT, "left_out_posts": INT,
                      "left_out_interactions": FLOAT, "mature_posts": INT, "viral_posts": INT, "viral_rate": FLOAT}


def _daily_family() -> dict[str, str]:
    """Account-level layouts may carry post-like counts (views, likes) besides the platform-specific metrics."""
    return {**POSTS, **POSTS_EXTRA, **platform_metric_columns()}


# ------------------------------------------------------------------------------------------------ the registry
def _fixed() -> list[Dataset]:
    ing, cln, sco, con = INGEST, CLEAN, SCORE, CONTENT
    return [
        Dataset("posts", "posts.parquet", ing, "one row per post, de-duplicated across files (docs/specs/data-contract.md)",
                POSTS, POSTS_OPTIONAL, platform_metric_columns, "platform-specific metrics of config/platforms.yaml"),
        Dataset("account_daily", "account_daily.parquet", ing, "one row per account per day (follower exports)",
                ACCOUNT_DAILY, {"snapshot_at": TIMESTAMP, "layout": STRING}, _daily_family,
                "any other column of an account-level layout in config/platforms.yaml"),
        Dataset("manifest", "ingest_manifest.json", ing, "one entry per file found under the period folder",
                {c: STRING for c in MANIFEST_COLUMNS}),
        Dataset("quarantine", "quarantine.parquet", ing, "rows set aside, with the reason", QUARANTINE),
        Dataset("quarantine_csv", "quarantine.csv", ing, "the quarantine as CSV a person can open in Excel",
                QUARANTINE),
        Dataset("posts_clean", "posts_clean.parquet", cln, "posts with period, maturity, viral and flag columns",
                {**POSTS, **POSTS_CLEAN_ADDED}, POSTS_OPTIONAL, platform_metric_columns,
                "platform-specific metrics of config/platforms.yaml"),
        Dataset("account_month", "account_month.parquet", cln,
                "follower growth per (platform, account, month, operator)", ACCOUNT_MONTH, ACCOUNT_MONTH_OPTIONAL),
        Dataset("calendar_match", "calendar_match.parquet", cln, "each content-calendar item matched to a post",
                {**team_table_dtypes("content_calendar"), **CALENDAR_MATCH_ADDED}, {"platform_name": STRING}),
        Dataset("flags", "flags.parquet", cln, "one row per (post, check) that fired", FLAGS),
        Dataset("data_quality", "data_quality.parquet", cln, "per-account data-quality summary", DATA_QUALITY),
        Dataset("data_quality_notes", "data_quality_notes.parquet", cln, "plain-Chinese notes of 02_clean", NOTES),
        Dataset("scorecard", "scorecard.parquet", sco, "one row per operator (docs/specs/data-contract.md)",
                SCORECARD_BASE, SCORECARD_OPTIONAL, dimension_columns,
                "one float64 column per dimension of config/assessment.yaml"),
        Dataset("indicator_scores", "indicator_scores.parquet", sco, "one row per operator × indicator",
                INDICATOR_SCORES, INDICATOR_SCORES_OPTIONAL),
        Dataset("score_ledger", "score_ledger.parquet", sco, "bonus, deduction and veto items per operator", LEDGER),
        Dataset("score_meta", "score_meta.json", sco, "weights, config hash, distribution check, warnings"),
        # the score's own account of each person (scoring/account.py, issue 23): what the pages say about a person
        Dataset("score_insights", "score_insights.parquet", sco, "strengths and gaps by rule, each gap's cause",
                SCORE_INSIGHTS),
        Dataset("score_drivers", "score_drivers.parquet", sco, "the change of the total against last period, by part",
                SCORE_DRIVERS),
        Dataset("score_posts", "score_posts.parquet", sco, "each person's best and weakest counted posts",
                SCORE_POSTS),
        Dataset("score_post_figures", "score_post_figures.parquet", sco,
                "counted-post figures per person and per person x account", SCORE_POST_FIGURES),
        Dataset("content_posts", "content_posts.parquet", con, "post-level content metrics", CONTENT_POSTS),
        Dataset("content_overview", "content_overview.parquet", con, "team / platform / account / operator totals",
                CONTENT_OVERVIEW, _CHANGES),
        Dataset("content_best_time", "content_best_time.parquet", con, "best weekday and time slot",
                CONTENT_BEST_TIME),
        Dataset("content_formats", "content_formats.parquet", con, "performance by format", CONTENT_FORMATS),
        Dataset("content_topics", "content_topics.parquet", con, "performance by topic", CONTENT_TOPICS),
        Dataset("content_strategy", "content_strategy.parquet", con, "before/after test of adopted suggestions",
                CONTENT_STRATEGY),
        Dataset("content_indices", "content_indices.parquet", con, "account indices", CONTENT_INDICES),
        Dataset("content_video", "content_video.parquet", con, "completion and watch time", CONTENT_VIDEO),
        Dataset("content_publishing", "content_publishing.parquet", con, "cadence, originality, on-time rate",
                CONTENT_PUBLISHING),
    ]


@lru_cache(maxsize=None)
def datasets() -> dict[str, Dataset]:
    """Every dataset of data/processed/<period>/ by name: the fixed ones and one per team table (01_ingest)."""
    out = {d.name: d for d in _fixed()}
    for name, t in team_tables_config().tables.items():
        out[name] = Dataset(name, team_file(name), INGEST, t.title, team_table_dtypes(name),
                            {"platform_name": STRING} if "platform" in t.columns else {})
    return out


def get(name: str) -> Dataset:
    try:
        return datasets()[name]
    except KeyError:
        raise KeyError(f"unknown dataset {name!r}: add it to mediakpi/catalog.py") from None


def columns(name: str) -> dict[str, str]:
    """The declared columns of a dataset (always written, in order)."""
    return dict(get(name).columns)


def file_name(name: str) -> str:
    return get(name).file


def path(folder: Path, name: str) -> Path:
    """Where dataset `name` lies in a period folder (data/processed/<period>/)."""
    return Path(folder) / get(name).file


def empty(cols: dict[str, str]) -> pd.DataFrame:
    """A frame with no rows and these columns and dtypes (a fresh copy: callers may add to it)."""
    return _empty(tuple(cols.items())).copy()


@lru_cache(maxsize=256)
def _empty(items: tuple[tuple[str, str], ...]) -> pd.DataFrame:
    # built once per column set: 02_clean asks for an empty flags table once per check that fires for no post
    return pd.DataFrame({c: pd.Series(dtype=t) for c, t in items})


def empty_of(name: str) -> pd.DataFrame:
    return empty(get(name).columns)


def conform(df: pd.DataFrame, cols: dict[str, str], extra: dict[str, str] | None = None) -> pd.DataFrame:
    """Columns in canonical order and dtype; missing declared columns added as nulls; known extras kept."""
    out = pd.DataFrame(index=df.index)
    for col, dtype in {**cols, **{k: v for k, v in (extra or {}).items() if k in df.columns}}.items():
        out[col] = df[col].astype(dtype) if col in df.columns else pd.Series(index=df.index, dtype=dtype)
    return out.reset_index(drop=True)


# ------------------------------------------------------------------------------------------------ checking
def _family(dtype: Any) -> str:
    t = str(dtype).lower()
    if t.startswith("datetime"):
        return "datetime" + ("_tz" if "," in t or "utc" in t else "")
    if "bool" in t:
        return "bool"
    if "int" in t:
        return "number"
    if "float" in t:
        return "number"
    if t in ("string", "str", "object") or t.startswith("string"):
        return "text"
    return t


def problems(name: str, frame: pd.DataFrame) -> list[str]:
    """What does not fit: columns the catalog does not know, declared columns missing, dtypes of another kind."""
    ds = get(name)
    known = ds.known()
    out = []
    unknown = [c for c in frame.columns if c not in known]
    if unknown:
        out.append(f"{name}: columns not in the catalog: {unknown} (declare them in mediakpi/catalog.py)")
    missing = [c for c in ds.columns if c not in frame.columns]
    if missing:
        out.append(f"{name}: declared columns missing: {missing}")
    for col, dtype in known.items():
        if col in frame.columns and frame[col].dtype != object and _family(frame[col].dtype) != _family(dtype):
            if frame[col].isna().all():
                continue  # an empty or all-null column carries no kind
            out.append(f"{name}.{col}: dtype {frame[col].dtype}, the catalog says {dtype}")
    return out


def strict() -> bool:
    return os.environ.get(STRICT_ENV, "") not in ("", "0")


def check(name: str, frame: pd.DataFrame) -> None:
    """Raise SchemaMismatch (strict mode) or warn about what does not fit the catalog."""
    found = problems(name, frame)
    if not found:
        return
    if strict():
        raise SchemaMismatch("; ".join(found))
    warnings.warn("; ".join(found), stacklevel=3)


# ------------------------------------------------------------------------------------------------ load / save
def _wanted(cols, present: list[str]) -> list[str] | None:
    """The columns to read from a file that has `present`: None (all), an iterable (those of it present) or a
    function of the present columns returning such an iterable."""
    if cols is None:
        return None
    if callable(cols):
        cols = cols(present)
    if isinstance(cols, (set, frozenset)):   # no order of its own: the file's
        return [c for c in present if c in cols]
    have = set(present)
    return [c for c in dict.fromkeys(cols) if c in have]


def load(folder: Path, name: str, columns: Iterable[str] | Callable | None = None, *, fill: bool = False,
         filters=None):
    """Dataset `name` from a period folder. Parquet: a DataFrame (`columns`: only those of the file's columns;
    `filters`: pyarrow row filters applied while reading; `fill`: declared columns the file lacks added as typed
    nulls). JSON: the parsed document. CSV: a DataFrame.

    Raises DatasetMissing / DatasetUnreadable (subclasses of DatasetError, with a Chinese `message`)."""
    ds = get(name)
    p = Path(folder) / ds.file
    if not p.is_file():
        raise DatasetMissing(name, p, f"没有找到 {ds.file}（由 {ds.stage} 写出）：请先运行该阶段。")
    try:
        if ds.kind == "json":
            return json.loads(p.read_text(encoding="utf-8"))
        if ds.kind == "csv":
            return pd.read_csv(p, encoding="utf-8-sig")
        if columns is None:
            frame = pd.read_parquet(p, filters=filters)
        else:
            import pyarrow.parquet as pq

            frame = pd.read_parquet(p, columns=_wanted(columns, pq.read_schema(p).names), filters=filters)
    except Exception as exc:  # noqa: BLE001 - any unreadable file becomes one typed error
        raise DatasetUnreadable(name, p, f"{ds.file} 无法读取（{type(exc).__name__}: {exc}）："
                                         f"请重新运行 {ds.stage}。") from exc
    if fill:
        wanted = ds.columns if columns is None or callable(columns) else {c: ds.known()[c] for c in columns
                                                                           if c in ds.known()}
        for col, dtype in wanted.items():
            if col not in frame.columns:
                frame[col] = pd.Series(index=frame.index, dtype=dtype)
    return frame


def try_load(folder: Path, name: str, notes: list[str] | None = None, **kwargs):
    """load(), or None when the dataset is missing or unreadable (its message appended to `notes`)."""
    try:
        return load(folder, name, **kwargs)
    except DatasetError as exc:
        if notes is not None:
            notes.append(exc.message)
        return None


def _atomic_text(p: Path, text: str, encoding: str = "utf-8") -> None:
    tmp = p.with_name(p.name + ".tmp")
    tmp.write_text(text, encoding=encoding)
    tmp.replace(p)


def save(folder: Path, name: str, data) -> Path:
    """Write dataset `name` into a period folder atomically; DataFrames are checked against the schema first."""
    from .store import write_parquet

    ds = get(name)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    p = folder / ds.file
    if ds.kind == "json":
        _atomic_text(p, json.dumps(data, ensure_ascii=False, indent=2, default=str))
        return p
    check(name, data)
    if ds.kind == "csv":
        _atomic_text(p, data.to_csv(index=False), encoding="utf-8-sig")
        return p
    return write_parquet(data, p)


def stage_outputs(stage: str) -> list[str]:
    """The datasets a stage writes."""
    return [n for n, d in datasets().items() if d.stage == stage]


__all__ = ["Dataset", "DatasetError", "DatasetMissing", "DatasetUnreadable", "SchemaMismatch", "datasets", "get",
           "columns", "file_name", "path", "load", "try_load", "save", "check", "problems", "empty", "empty_of",
           "conform", "team_tables", "team_tables_config", "team_table_dtypes", "team_file", "stage_outputs",
           "PLATFORMS"]
