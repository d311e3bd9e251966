"""The metric dictionary: every rate with its numerator, denominator and per-platform interaction definition.

The definitions live in config/metrics.yaml (validated on load, Chinese messages). Everything that shows a rate reads
it from here, so two tables can never disagree on what "互动率" divides by.

    md = load_metrics()
    posts = add_post_metrics(posts_clean, md)            # adds interactions, weighted_interactions, engagement_rate …
    group_rate(posts, "engagement_rate", ["platform", "account"], md)   # Σ numerator ÷ Σ denominator per group
    dictionary_table(md)                                 # the dictionary as a table for reports
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, model_validator

from .config import load_model
from .paths import CONFIG_DIR
from .catalog import PLATFORMS

DEFAULT_PATH = CONFIG_DIR / "metrics.yaml"
DERIVED = ("interactions", "weighted_interactions")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ColumnDef(_Strict):
    name: str


class MetricDef(_Strict):
    name: str
    kind: Literal["ratio", "mean"]
    numerator: str | None = None
    denominator: str | None = None
    column: str | None = None
    media_types: list[Literal["video", "image"]] | None = None
    aliases: list[str] = []
    description: str

    @model_validator(mode="after")
    def _shape(self) -> "MetricDef":
        if self.kind == "ratio" and not (self.numerator and self.denominator):
            raise ValueError("比率指标（kind: ratio）必须写明 numerator（分子）和 denominator（分母）")
        if self.kind == "mean" and not self.column:
            raise ValueError("均值指标（kind: mean）必须写明 column（取值列）")
        return self


class MetricDictionary(_Strict):
    version: int
    interactions: dict[str, list[str]]
    weighted_interactions: dict[str, float]
    lower_bound_value: int
    columns: dict[str, ColumnDef]
    metrics: dict[str, MetricDef]

    @model_validator(mode="after")
    def _consistent(self) -> "MetricDictionary":
        missing = [p for p in PLATFORMS if p not in self.interactions]
        if missing:
            raise ValueError(f"interactions 缺少平台 {missing}：每个平台都要写明互动量的口径")
        unknown = [p for p in self.interactions if p not in PLATFORMS]
        if unknown:
            raise ValueError(f"interactions 中有未知平台 {unknown}（可用：{PLATFORMS}）")
        for plat, cols in self.interactions.items():
            bad = [c for c in cols if c not in self.columns]
            if bad:
                raise ValueError(f"interactions.{plat} 用到未定义的列 {bad}（请先在 columns 中定义）")
        bad_w = [c for c in self.weighted_interactions if c not in self.columns]
        if bad_w:
            raise ValueError(f"weighted_interactions 用到未定义的列 {bad_w}")
        seen: dict[str, str] = {}
        for key, metric in self.metrics.items():
            for col in filter(None, (metric.numerator, metric.denominator, metric.column)):
                if col not in self.columns:
                    raise ValueError(f"指标 {key} 用到的列 {col!r} 没有在 columns 中定义")
            for alias in [metric.name, *metric.aliases]:
                norm = alias.strip().lower()
                if norm in seen and seen[norm] != key:
                    raise ValueError(f"别名 {alias!r} 同时属于指标 {seen[norm]} 和 {key}")
                seen[norm] = key
        return self

    def interaction_columns(self, platform: str) -> list[str]:
        return self.interactions.get(platform, [])

    def resolve(self, text: str | None) -> str | None:
        """The metric key for a name or alias as a person writes it (e.g. a suggestions log's 目标指标), or None."""
        if text is None or (isinstance(text, float) and np.isnan(text)) or text is pd.NA:
            return None
        norm = str(text).strip().lower()
        if norm in self.metrics:
            return norm
        for key, metric in self.metrics.items():
            if norm in {a.strip().lower() for a in [metric.name, *metric.aliases]}:
                return key
        return None

    def column_name(self, column: str) -> str:
        return self.columns[column].name if column in self.columns else column


@lru_cache(maxsize=8)
def _load(path: str) -> MetricDictionary:
    return load_model(path, MetricDictionary)


def load_metrics(path: str | Path | None = None) -> MetricDictionary:
    """The validated metric dictionary (cached per path). Raises ConfigError with a Chinese message."""
    return _load(str(path or DEFAULT_PATH))


def _num(df: pd.DataFrame, col: str) -> pd.Series:
    if col not in df.columns:
        return pd.Series(np.nan, index=df.index, dtype="float64")
    return pd.to_numeric(df[col], errors="coerce").astype("float64")


def interactions(posts: pd.DataFrame, md: MetricDictionary | None = None, weighted: bool = False) -> pd.Series:
    """互动量 per post by its platform's definition (float; NaN when none of the components was exported).

    weighted=True gives the weighted interaction score (likes×1 + saves/在看×2 + comments×3 + shares×4 by default),
    counting only the components that belong to the platform's definition.
    """
    md = md or load_metrics()
    out = pd.Series(np.nan, index=posts.index, dtype="float64")
    if posts.empty:
        return out
    platform = posts["platform"].astype("string")
    numeric: dict[str, np.ndarray] = {}  # each component column converted once, shared by the platforms using it
    values = np.full(len(posts), np.nan)
    for plat, cols in md.interactions.items():
        mask = (platform == plat).fillna(False).to_numpy()
        if not mask.any():
            continue
        parts = []
        for col in cols:
            if weighted and col not in md.weighted_interactions:
                continue
            weight = md.weighted_interactions.get(col, 1.0) if weighted else 1.0
            if col not in numeric:
                numeric[col] = _num(posts, col).to_numpy()
            parts.append(numeric[col][mask] * weight)
        if not parts:
            continue
        # the sum of the parts present (NaN when none is): what DataFrame.sum(axis=1, min_count=1) gives
        stacked = np.column_stack(parts)
        present = ~np.isnan(stacked)
        values[mask] = np.where(present.any(axis=1), np.where(present, stacked, 0.0).sum(axis=1), np.nan)
    out = pd.Series(values, index=posts.index, dtype="float64")
    if not weighted and "interactions" in posts.columns:
        # an export that gives only the total (e.g. Weibo 互动数) and none of the parts: use the exported total
        out = out.fillna(_num(posts, "interactions"))
    return out


def views_for_index(posts: pd.DataFrame, md: MetricDictionary | None = None) -> pd.Series:
    """Views with a 10万+ lower bound stored as the index convention's value (100001)."""
    md = md or load_metrics()
    views = _num(posts, "views")
    if "views_lower_bound" in posts.columns:
        lb = posts["views_lower_bound"].astype("boolean").fillna(False).to_numpy()
        views = views.where(~lb, np.maximum(views.fillna(0), md.lower_bound_value))
    return views


def add_post_metrics(posts: pd.DataFrame, md: MetricDictionary | None = None) -> pd.DataFrame:
    """posts + `interactions`, `weighted_interactions` and one column per ratio metric (NaN when the denominator
    is missing or 0), plus `er_denominator` naming what the engagement rate divides by."""
    md = md or load_metrics()
    out = posts.copy(deep=False)  # copy-on-write: the new columns never reach the caller's frame
    out["interactions"] = interactions(out, md)
    out["weighted_interactions"] = interactions(out, md, weighted=True)
    for key, metric in md.metrics.items():
        if metric.kind != "ratio":
            continue
        num, den = _num(out, metric.numerator), _num(out, metric.denominator)
        out[key] = (num / den.where(den > 0)).astype("float64")
    out["er_denominator"] = md.column_name(md.metrics["engagement_rate"].denominator)
    return out


def _column(posts: pd.DataFrame, col: str, md: MetricDictionary) -> pd.Series:
    """A numeric column; the derived ones (interactions, weighted_interactions) always by the dictionary's definition,
    whatever a column of that name in the input holds."""
    if col in DERIVED:
        return interactions(posts, md, weighted=col == "weighted_interactions")
    return _num(posts, col)


def metric_values(posts: pd.DataFrame, key: str, md: MetricDictionary | None = None) -> pd.Series:
    """Per-post value of a metric (ratio computed per post; mean metrics take their column), NaN where it does not
    apply (e.g. a video metric on an image post)."""
    md = md or load_metrics()
    metric = md.metrics[key]
    if metric.kind == "ratio":
        num = _column(posts, metric.numerator, md)
        den = _column(posts, metric.denominator, md)
        values = num / den.where(den > 0)
    else:
        values = _column(posts, metric.column, md)
    if metric.media_types and "media_type" in posts.columns:
        values = values.where(posts["media_type"].isin(metric.media_types).fillna(False).to_numpy())
    return values.astype("float64")


def ratio_parts(posts: pd.DataFrame, key: str, md: MetricDictionary | None = None) -> tuple[pd.Series, pd.Series]:
    """(numerator, denominator) per post of a ratio metric, by the dictionary's definitions (for group_rate `parts`)."""
    md = md or load_metrics()
    metric = md.metrics[key]
    if metric.kind != "ratio":
        raise ValueError(f"{key} is not a ratio metric")
    return _column(posts, metric.numerator, md), _column(posts, metric.denominator, md)


def group_rate(posts: pd.DataFrame, key: str, by: list[str], md: MetricDictionary | None = None,
               parts: tuple[pd.Series, pd.Series] | None = None) -> pd.DataFrame:
    """A ratio metric per group as Σ numerator ÷ Σ denominator over posts where both are present, with the counts:
    columns by + [key, f"{key}_numerator", f"{key}_denominator", f"{key}_n"].

    parts: `ratio_parts(posts, key, md)` computed once, when the same posts are grouped several ways."""
    md = md or load_metrics()
    numerator, denominator = parts if parts is not None else ratio_parts(posts, key, md)
    frame = posts[by].copy()
    ok = numerator.notna() & denominator.notna() & (denominator > 0)
    frame["_num"] = numerator.where(ok)
    frame["_den"] = denominator.where(ok)
    frame["_n"] = ok.astype(int)
    agg = frame.groupby(by, dropna=False, observed=True)[["_num", "_den", "_n"]].sum(min_count=1).reset_index()
    agg[key] = agg["_num"] / agg["_den"].where(agg["_den"] > 0)
    agg["_n"] = agg["_n"].fillna(0).astype(int)
    return agg.rename(columns={"_num": f"{key}_numerator", "_den": f"{key}_denominator", "_n": f"{key}_n"})


def dictionary_table(md: MetricDictionary | None = None, lang: str = "zh") -> pd.DataFrame:
    """The dictionary as one row per metric, plus one row per platform's interaction definition (for reports)."""
    md = md or load_metrics()
    rows = []
    for key, m in md.metrics.items():
        rows.append({
            "metric": key,
            "name": m.name,
            "kind": m.kind,
            "numerator": md.column_name(m.numerator or m.column or ""),
            "denominator": md.column_name(m.denominator) if m.denominator else "",
            "applies_to": "、".join({"video": "视频", "image": "图文"}[t] for t in (m.media_types or [])) or "全部",
            "description": m.description,
        })
    table = pd.DataFrame(rows)
    from .labels import label

    inter = pd.DataFrame([{
        "platform": p,
        "platform_name": label(f"platform.{p}", lang),
        "interactions": " + ".join(md.column_name(c) for c in cols),
    } for p, cols in md.interactions.items()])
    table.attrs["interactions"] = inter
    return table
