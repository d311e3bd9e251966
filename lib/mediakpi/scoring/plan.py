"""The assessment plan's vocabulary: the pydantic models of config/assessment.yaml and the five dimensions.

What the indicators, the aggregation and the what-if need to speak about a plan, without the indicator registry:
validating a plan against the registry (unknown indicators, weights adding up) is the loader's job (scoring/config.py),
so the registry can import these types and the loader can import the registry, with no cycle between them.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ..catalog import PLATFORMS
from ..config import ConfigError
from .functions import FUNCTIONS

# The plan's five dimensions, in the order pages and tables show them.
DIMENSIONS = ["内容运营", "用户运营", "平台与活动运营", "数据分析与优化", "综合能力与协作"]

# ASCII codes for extra scorecard columns (coverage_<code>), so that only the five dimension columns are non-ASCII.
DIMENSION_CODES = {"内容运营": "content", "用户运营": "user", "平台与活动运营": "platform", "数据分析与优化": "data",
                   "综合能力与协作": "collab"}


@dataclass(frozen=True)
class IndicatorView:
    name: str
    weight: float
    role: str
    function: str


@dataclass(frozen=True)
class DimensionView:
    name: str
    weight: float
    indicators: list[IndicatorView]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Baseline(_Model):
    enabled: bool = False
    uplift: float = 0.0


class Target(_Model):
    default: float | None = None
    per_month: bool = False           # a count or growth target for one month; multiplied by the months of the window
    per_person: dict[str, float] = Field(default_factory=dict)
    per_account: dict[str, float] = Field(default_factory=dict)   # "platform/account" or "account"
    per_platform: dict[str, float] = Field(default_factory=dict)
    baseline: Baseline = Field(default_factory=Baseline)

    @field_validator("per_platform")
    @classmethod
    def _platforms(cls, v):
        bad = [k for k in v if k not in PLATFORMS]
        if bad:
            raise ValueError(f"未知平台 {bad}，可用：{PLATFORMS}")
        return v


class Indicator(_Model):
    dimension: str
    role: Literal["core", "aux"]
    weight: float = Field(ge=0)
    function: str
    params: dict = Field(default_factory=dict)
    target: Target = Field(default_factory=Target)

    @field_validator("function")
    @classmethod
    def _function(cls, v):
        if v not in FUNCTIONS:
            raise ValueError(f"未知的评分函数 {v!r}，可用：{sorted(FUNCTIONS)}")
        return v


class BonusItem(_Model):
    enabled: bool = True
    per_event: float = 1.0
    cap: float | None = None


class Bonus(_Model):
    total_cap: float
    items: dict[Literal["review_points", "viral_posts"], BonusItem] = Field(default_factory=dict)


class DeductionItem(_Model):
    per_event: float
    cap: float | None = None


class Veto(_Model):
    grade_cap: Literal["S", "A", "B", "C", "D"]


class Distribution(_Model):
    max_top_share: float = Field(ge=0, le=1)
    small_team: int
    force: bool


class RollupShares(_Model):
    months_share: float | None = None
    quarters_share: float | None = None
    review_share: float


class Rollup(_Model):
    quarter: RollupShares
    year: RollupShares
    recompute: list[str]


class Scale(_Model):
    cap: float
    floor: float


class BaselineRule(_Model):
    months: int = Field(ge=1)
    min_months: int = Field(ge=1)


class Fairness(_Model):
    min_cohort: int


class SmallSample(_Model):
    k: float = Field(ge=0)   # a rate from n posts keeps n/(n+k) of its distance above the target


class AssessmentConfig(_Model):
    version: int
    scale: Scale
    core_share: float = Field(ge=0, le=100)
    min_dimension_coverage: float = Field(ge=0, le=1)
    provisional_coverage: float = Field(ge=0, le=1)   # scored share of the plan's weight below this: 暂定
    small_sample: SmallSample
    dimension_weights: dict[Literal["month", "quarter", "year"], dict[str, float]]
    baseline: BaselineRule
    indicators: dict[str, Indicator]
    rater_mix: dict[Literal["manager", "peer", "self"], float]
    bonus: Bonus
    deductions: dict[Literal["violations"], DeductionItem]
    veto: Veto
    grades: dict[Literal["S", "A", "B", "C"], float]
    distribution: Distribution
    rollup: Rollup
    fairness: Fairness
    source: str = ""   # the file it came from (set by load_assessment)
    digest: str = ""   # sha256 of the file's text, for score_meta.json

    # ----- helpers -------------------------------------------------------------------------------------------
    @property
    def dimensions(self) -> list["DimensionView"]:
        """The monthly plan as a tree: dimension (name, weight) → indicators (name, weight, role, function)."""
        weights = self.dimension_weights.get("month", {})
        return [DimensionView(d, float(weights.get(d, 0.0)),
                              [IndicatorView(n, i.weight, i.role, i.function) for n, i in self.indicators.items()
                               if i.dimension == d])
                for d in DIMENSIONS if any(i.dimension == d for i in self.indicators.values())]

    def weights_for(self, kind: str) -> dict[str, float]:
        return dict(self.dimension_weights[kind])

    def dimension_indicators(self, dimension: str) -> list[str]:
        return [k for k, v in self.indicators.items() if v.dimension == dimension]

    def check_people(self, names) -> None:
        """Person-level targets must name people in the roster."""
        names = set(names)
        bad = sorted({(ind, p) for ind, spec in self.indicators.items() for p in spec.target.per_person if p not in names})
        if bad:
            listed = "、".join(f"{p}（{ind}）" for ind, p in bad)
            raise ConfigError(f"配置文件 {Path(self.source).name or 'assessment.yaml'} 给不在花名册里的人设了个人目标：{listed}。"
                              "请检查姓名是否与花名册一致，或删除这些目标。")
