"""config/quality.yaml, validated on load (pydantic) with messages a team lead understands.

The YAML is the only source of the values: the models hold types and bounds, no defaults, so a key missing from the
file is an error naming the key (never a silently different built-in value)."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ..config import load_yaml, validate_model
from ..catalog import PLATFORMS

QUALITY_FILE = "quality.yaml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _check_platform_keys(value: dict, allow_default: bool = False) -> dict:
    allowed = set(PLATFORMS) | ({"default"} if allow_default else set())
    bad = [k for k in value if k not in allowed]
    if bad:
        raise ValueError(f"未知平台 {bad}（可用：{', '.join(sorted(allowed))}）")
    return value


class MediaType(_Strict):
    video_platforms: list[str]
    video_keywords: list[str]
    image_keywords: list[str]
    default: Literal["image", "video"]


class Calendar(_Strict):
    match_window_hours: float = Field(gt=0)
    on_time_tolerance_hours: float = Field(ge=0)
    date_only_platforms: list[str]
    min_prefix_chars: int = Field(ge=1)


class Plausibility(_Strict):
    count_columns: list[str]
    allow_negative: list[str]
    rate_columns: list[str]
    rate_exempt: dict[str, list[str]]
    likes_le_views_platforms: list[str]
    max_count: float

    @field_validator("rate_exempt")
    @classmethod
    def _exempt(cls, v):
        return _check_platform_keys(v)


class Fraud(_Strict):
    modified_z_threshold: float = Field(gt=0)
    min_posts: int = Field(ge=3)
    min_fold: float = Field(ge=1)
    interactions_per_view: bool
    views_per_like: bool
    # enough evidence before a flag fires: a minimum of views, and the proportion's Wilson score interval (at this z)
    # clearing the account's baseline ratio by min_fold (0 switches the interval off)
    min_views: int = Field(ge=0)
    wilson_z: float = Field(ge=0)


class Visibility(_Strict):
    """Which exported visibility values (posts.visibility, e.g. Douyin 审核状态) mean a private work: one that stays in
    the tables with its numbers but is not a published post of the month. Keywords, found anywhere in the value
    (NFKC, case-insensitive)."""
    private_keywords: list[str]


class Floor(_Strict):
    metric: str
    min: float = Field(gt=0)


class Viral(_Strict):
    primary_metric: dict[str, str]
    floors: dict[str, Floor]
    multiplier: float = Field(gt=1)
    baseline_days: int = Field(ge=7)
    min_history_posts: int = Field(ge=1)
    strong_z: float = Field(gt=0)

    @field_validator("primary_metric", "floors")
    @classmethod
    def _platforms(cls, v):
        return _check_platform_keys(v)


class QualityConfig(_Strict):
    version: int
    maturity_days: dict[str, float]
    snapshot_fallback: Literal["newest_post_in_file", "none"]
    media_type: MediaType
    calendar: Calendar
    plausibility: Plausibility
    fraud: Fraud
    visibility: Visibility
    viral: Viral

    @field_validator("maturity_days")
    @classmethod
    def _maturity(cls, v):
        _check_platform_keys(v, allow_default=True)
        if "default" not in v:
            raise ValueError("缺少 default（其他平台的成熟天数）")
        if any(d < 0 for d in v.values()):
            raise ValueError("成熟天数不能为负")
        return v

    def maturity_for(self, platform: str) -> float:
        return float(self.maturity_days.get(platform, self.maturity_days["default"]))


def parse_quality_config(data: dict | None, source: str | Path = QUALITY_FILE) -> QualityConfig:
    """Validate a mapping (as loaded from YAML) into a QualityConfig; raise ConfigError in plain Chinese."""
    return validate_model({} if data is None else data, QualityConfig, source)


@lru_cache(maxsize=8)
def _load_cached(path: str) -> QualityConfig:
    return parse_quality_config(load_yaml(path), path)


def load_quality_config(path: str | Path = QUALITY_FILE) -> QualityConfig:
    """config/quality.yaml (or another file) as a validated QualityConfig."""
    return _load_cached(str(path))
