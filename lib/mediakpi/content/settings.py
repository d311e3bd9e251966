"""config/content.yaml, validated on load (Chinese messages through ConfigError)."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ..config import ConfigError, load_model
from ..metrics import load_metrics
from ..paths import CONFIG_DIR

DEFAULT_PATH = CONFIG_DIR / "content.yaml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Comparison(_Strict):
    months_of_history: int = Field(12, ge=1, le=36)


class BestTime(_Strict):
    metric: str = "engagement_rate"
    hour_bins: list[int] = [0, 6, 9, 12, 14, 17, 20, 22, 24]
    min_posts_per_cell: int = Field(3, ge=1)
    min_cells_per_account: int = Field(3, ge=1)
    date_only_share: float = Field(0.8, gt=0, le=1)

    @field_validator("hour_bins")
    @classmethod
    def _bins(cls, v: list[int]) -> list[int]:
        if len(v) < 2 or v[0] != 0 or v[-1] != 24 or any(b <= a for a, b in zip(v, v[1:])):
            raise ValueError("hour_bins 必须从 0 开始、到 24 结束并严格递增，例如 [0, 6, 9, 12, 14, 17, 20, 22, 24]")
        return v


class Formats(_Strict):
    metric: str = "engagement_rate"
    min_posts: int = Field(2, ge=1)


class Topics(_Strict):
    metric: str = "engagement_rate"
    min_posts: int = Field(2, ge=1)
    max_topics: int = Field(30, ge=1)
    keywords_per_title: int = Field(3, ge=0)
    min_keyword_length: int = Field(2, ge=1)
    max_posts: int = Field(20000, ge=1)
    stopwords: list[str] = []


class Strategy(_Strict):
    window_days: int = Field(28, ge=1)
    min_posts_each_side: int = Field(5, ge=2)
    alpha: float = Field(0.05, gt=0, lt=1)
    default_metric: str = "engagement_rate"
    effect_size_bands: list[float] = [0.147, 0.33, 0.474]

    @field_validator("effect_size_bands")
    @classmethod
    def _bands(cls, v: list[float]) -> list[float]:
        if len(v) != 3 or any(b <= a for a, b in zip(v, v[1:])) or v[0] <= 0 or v[-1] >= 1:
            raise ValueError("effect_size_bands 需要 3 个递增的数，介于 0 和 1 之间，例如 [0.147, 0.33, 0.474]")
        return v


class Charts(_Strict):
    max_bars: int = Field(15, ge=3)


class ContentConfig(_Strict):
    version: int = 1
    top_n: int = Field(5, ge=1)
    comparison: Comparison = Comparison()
    best_time: BestTime = BestTime()
    formats: Formats = Formats()
    topics: Topics = Topics()
    strategy: Strategy = Strategy()
    charts: Charts = Charts()


@lru_cache(maxsize=8)
def _load(path: str) -> ContentConfig:
    cfg = load_model(path, ContentConfig)
    md = load_metrics()
    for where, key in (("best_time.metric", cfg.best_time.metric), ("formats.metric", cfg.formats.metric),
                       ("topics.metric", cfg.topics.metric), ("strategy.default_metric", cfg.strategy.default_metric)):
        if key not in md.metrics:
            raise ConfigError(f"配置文件 {Path(path).name} 的 {where} = {key!r} 不是 config/metrics.yaml 中的指标；"
                              f"可用：{', '.join(md.metrics)}。")
    return cfg


def load_content_config(path: str | Path | None = None) -> ContentConfig:
    return _load(str(path or DEFAULT_PATH))
