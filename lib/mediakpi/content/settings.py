"""config/content.yaml, validated on load (Chinese messages through ConfigError). The YAML is the only source of
the values: the models hold types and bounds, no defaults (a missing key is an error naming it)."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ..config import ConfigError, load_model
from ..metrics import load_metrics
from ..paths import CONFIG_DIR
from ..strategy import Strategy, load_strategy_settings

DEFAULT_PATH = CONFIG_DIR / "content.yaml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Comparison(_Strict):
    months_of_history: int = Field(ge=1, le=36)


class BestTime(_Strict):
    metric: str
    hour_bins: list[int]
    min_posts_per_cell: int = Field(ge=1)
    min_cells_per_account: int = Field(ge=1)
    date_only_share: float = Field(gt=0, le=1)

    @field_validator("hour_bins")
    @classmethod
    def _bins(cls, v: list[int]) -> list[int]:
        if len(v) < 2 or v[0] != 0 or v[-1] != 24 or any(b <= a for a, b in zip(v, v[1:])):
            raise ValueError("hour_bins 必须从 0 开始、到 24 结束并严格递增，例如 [0, 6, 9, 12, 14, 17, 20, 22, 24]")
        return v


class Formats(_Strict):
    metric: str
    min_posts: int = Field(ge=1)


class Topics(_Strict):
    metric: str
    min_posts: int = Field(ge=1)
    max_topics: int = Field(ge=1)
    keywords_per_title: int = Field(ge=0)
    min_keyword_length: int = Field(ge=1)
    max_posts: int = Field(ge=1)
    stopwords: list[str]


class Charts(_Strict):
    max_bars: int = Field(ge=3)


class ContentConfig(_Strict):
    version: int
    top_n: int = Field(ge=1)
    comparison: Comparison
    best_time: BestTime
    formats: Formats
    topics: Topics
    strategy: Strategy
    charts: Charts
    appeal_days: int = Field(ge=0)   # the HR workbook's 申诉截止日: days after the period's last day


@lru_cache(maxsize=8)
def _load(path: str) -> ContentConfig:
    cfg = load_model(path, ContentConfig)
    md = load_metrics()
    for where, key in (("best_time.metric", cfg.best_time.metric), ("formats.metric", cfg.formats.metric),
                       ("topics.metric", cfg.topics.metric)):
        if key not in md.metrics:
            raise ConfigError(f"配置文件 {Path(path).name} 的 {where} = {key!r} 不是 config/metrics.yaml 中的指标；"
                              f"可用：{', '.join(md.metrics)}。")
    load_strategy_settings(path)  # the strategy section's own checks live with the before/after test
    return cfg


def load_content_config(path: str | Path | None = None) -> ContentConfig:
    return _load(str(path or DEFAULT_PATH))
