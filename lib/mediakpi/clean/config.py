"""config/quality.yaml, validated on load (pydantic) with messages a team lead understands."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ..config import load_yaml, validate_model
from ..schema import PLATFORMS

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
    video_platforms: list[str] = ["douyin", "bilibili", "kuaishou", "channels"]
    video_keywords: list[str] = ["视频", "video"]
    image_keywords: list[str] = ["图文", "图片", "文章", "笔记"]
    default: Literal["image", "video"] = "image"


class Calendar(_Strict):
    match_window_hours: float = Field(72, gt=0)
    on_time_tolerance_hours: float = Field(2, ge=0)
    date_only_platforms: list[str] = ["wechat", "channels"]
    min_prefix_chars: int = Field(8, ge=1)


class Plausibility(_Strict):
    count_columns: list[str] = ["views", "impressions", "likes", "comments", "shares", "saves", "followers_gained"]
    allow_negative: list[str] = ["followers_gained"]
    rate_columns: list[str] = ["completion_rate", "cover_ctr", "bounce_rate"]
    rate_exempt: dict[str, list[str]] = {"bilibili": ["cover_ctr"]}
    likes_le_views_platforms: list[str] = ["douyin", "xiaohongshu", "bilibili", "kuaishou", "channels"]
    max_count: float = 1e10

    @field_validator("rate_exempt")
    @classmethod
    def _exempt(cls, v):
        return _check_platform_keys(v)


class Fraud(_Strict):
    modified_z_threshold: float = Field(3.5, gt=0)
    min_posts: int = Field(8, ge=3)
    min_fold: float = Field(3.0, ge=1)
    interactions_per_view: bool = True
    views_per_like: bool = True
    # enough evidence before a flag fires: a minimum of views, and the proportion's Wilson score interval (at this z)
    # clearing the account's baseline ratio by min_fold (0 switches the interval off)
    min_views: int = Field(100, ge=0)
    wilson_z: float = Field(2.576, ge=0)


class Visibility(_Strict):
    """Which exported visibility values (posts.visibility, e.g. Douyin 审核状态) mean a private work: one that stays in
    the tables with its numbers but is not a published post of the month. Keywords, found anywhere in the value
    (NFKC, case-insensitive)."""
    private_keywords: list[str] = ["自见", "私密", "仅自己可见", "仅我可见", "仅自己", "不公开", "未公开"]


class Floor(_Strict):
    metric: str
    min: float = Field(gt=0)


class Viral(_Strict):
    primary_metric: dict[str, str] = {p: "views" for p in PLATFORMS} | {"xiaohongshu": "likes"}
    floors: dict[str, Floor] = {}
    multiplier: float = Field(3.0, gt=1)
    baseline_days: int = Field(90, ge=7)
    min_history_posts: int = Field(8, ge=1)
    strong_z: float = Field(3.5, gt=0)

    @field_validator("primary_metric", "floors")
    @classmethod
    def _platforms(cls, v):
        return _check_platform_keys(v)


class QualityConfig(_Strict):
    version: int = 1
    maturity_days: dict[str, float] = {"default": 7, "wechat": 3}
    snapshot_fallback: Literal["newest_post_in_file"] = "newest_post_in_file"
    media_type: MediaType = MediaType()
    calendar: Calendar = Calendar()
    plausibility: Plausibility = Plausibility()
    fraud: Fraud = Fraud()
    visibility: Visibility = Visibility()
    viral: Viral = Viral()

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
