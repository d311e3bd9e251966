"""Before and after a strategy change: each adopted suggestion's target metric in equal windows around its date.

Two-sided Mann–Whitney U (scipy) on the per-post metric, with Cliff's δ (= rank-biserial correlation, after vs
before) as the effect size. Too few posts on either side gives "数据不足" and no test.

The one before/after test of the workbook, in the core because two stages compute it: 04_content's team page
(content_strategy) and 03_score's 策略迭代 indicator, so the page and the scorecard cannot disagree. Its settings are
the `strategy` section of config/content.yaml (`load_strategy_settings`).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator

from .config import ConfigError, load_yaml, validate_model
from .labels import label
from .metrics import MetricDictionary, load_metrics, metric_values
from .paths import CONFIG_DIR
from .periods import TZ, Period
from .platforms import platform_code

SETTINGS_PATH = CONFIG_DIR / "content.yaml"

COLUMNS = ["operator", "suggestion", "submitted_date", "effective_date", "platform", "account", "target_metric",
           "metric", "metric_name", "scope", "window_days", "n_before", "n_after", "median_before", "median_after",
           "change", "u_statistic", "p_value", "cliffs_delta", "effect_size", "significant", "status", "verdict",
           "source_file", "source_row"]


class Strategy(BaseModel):
    """config/content.yaml's `strategy` section (types and bounds; the values are the YAML's)."""

    model_config = ConfigDict(extra="forbid")

    window_days: int = Field(ge=1)
    min_posts_each_side: int = Field(ge=2)
    alpha: float = Field(gt=0, lt=1)
    default_metric: str
    effect_size_bands: list[float]

    @field_validator("effect_size_bands")
    @classmethod
    def _bands(cls, v: list[float]) -> list[float]:
        if len(v) != 3 or any(b <= a for a, b in zip(v, v[1:])) or v[0] <= 0 or v[-1] >= 1:
            raise ValueError("effect_size_bands 需要 3 个递增的数，介于 0 和 1 之间，例如 [0.147, 0.33, 0.474]")
        return v


@lru_cache(maxsize=8)
def _settings(path: str) -> Strategy:
    data = load_yaml(path)
    if not isinstance(data, dict) or "strategy" not in data:
        raise ConfigError(f"配置文件 {Path(path).name} 缺少 strategy 一节（策略前后对比的设置）。")
    cfg = validate_model(data["strategy"], Strategy, path)
    if cfg.default_metric not in load_metrics().metrics:
        raise ConfigError(f"配置文件 {Path(path).name} 的 strategy.default_metric = {cfg.default_metric!r} 不是 "
                          f"config/metrics.yaml 中的指标；可用：{', '.join(load_metrics().metrics)}。")
    return cfg


def load_strategy_settings(path: str | Path | None = None) -> Strategy:
    """The `strategy` section of config/content.yaml, validated (a ConfigError in Chinese names what is wrong)."""
    return _settings(str(path or SETTINGS_PATH))


def cliffs_delta(after: np.ndarray, before: np.ndarray) -> float:
    """P(after > before) − P(after < before) over all pairs.

    Counted by binary search in the sorted `before` values (O((n+m) log m)) instead of an n × m matrix of signs,
    which took gigabytes for a platform-wide suggestion with tens of thousands of posts on each side."""
    a, b = np.asarray(after, float), np.sort(np.asarray(before, float))
    if not len(a) or not len(b):
        return float("nan")
    below = np.searchsorted(b, a, side="left").sum()            # pairs with before < after
    above = (len(b) - np.searchsorted(b, a, side="right")).sum()  # pairs with before > after
    return float((int(below) - int(above)) / (len(a) * len(b)))


def magnitude(delta: float, bands: list[float]) -> str:
    d = abs(delta)
    return "可忽略" if d < bands[0] else "小" if d < bands[1] else "中" if d < bands[2] else "大"


def _fmt(v: float, rate: bool) -> str:
    return f"{v:.2%}" if rate else f"{v:,.1f}"


def compare(values_before: np.ndarray, values_after: np.ndarray, cfg: Strategy) -> dict:
    """The test on two samples (NaN already removed). Keys: n_before, n_after, medians, change, U, p, δ, status."""
    nb, na = len(values_before), len(values_after)
    out = {"n_before": nb, "n_after": na,
           "median_before": float(np.median(values_before)) if nb else np.nan,
           "median_after": float(np.median(values_after)) if na else np.nan,
           "u_statistic": np.nan, "p_value": np.nan, "cliffs_delta": np.nan, "effect_size": pd.NA,
           "significant": pd.NA, "status": "insufficient"}
    mb = out["median_before"]
    out["change"] = (out["median_after"] - mb) / abs(mb) if nb and na and mb != 0 else np.nan
    if nb < cfg.min_posts_each_side or na < cfg.min_posts_each_side:
        return out
    from scipy.stats import mannwhitneyu  # imported here: scipy.stats is slow to import and only needed here

    res = mannwhitneyu(values_after, values_before, alternative="two-sided")
    delta = cliffs_delta(values_after, values_before)
    out.update(u_statistic=float(res.statistic), p_value=float(res.pvalue), cliffs_delta=delta,
               effect_size=magnitude(delta, cfg.effect_size_bands), significant=bool(res.pvalue < cfg.alpha),
               status="tested")
    return out


def strategy_table(suggestions: pd.DataFrame | None, posts: pd.DataFrame, period: str, cfg: Strategy | None = None,
                   md: MetricDictionary | None = None) -> pd.DataFrame:
    """One row per adopted suggestion: the metric before and after its effective date, the test and a Chinese verdict.

    `posts`: every post available (the period's and earlier ones), one row per post, with published_at. The windows
    are equal: `window_days`, shortened to the days between the effective date and the end of the period (or the
    last mature post). Posts are compared at equal maturity: where `posts` has 02_clean's `mature` flag, only mature
    posts count on either side. The scope is the suggestion's own platform and account (an account named without a
    platform: the author's accounts of that name). This is the one before/after test: 03_score's 策略迭代 indicator
    calls it too, so the team page and the scorecard cannot disagree about the same change.
    """
    cfg = cfg or load_strategy_settings()
    md = md or load_metrics()
    if suggestions is None or suggestions.empty:
        return pd.DataFrame(columns=COLUMNS)
    end = Period.parse(period).end
    mature = (posts["mature"].astype("boolean").fillna(False).to_numpy(dtype=bool)
              if "mature" in posts.columns else None)
    rows = []
    positions: dict[str, dict] = {}
    per_post: dict[str, pd.Series] = {}

    def matching(column: str, value) -> np.ndarray:
        """Row positions of `posts` whose `column` equals `value` (ascending). The positions of every value are
        found once per column (one groupby), not by comparing the whole frame again for each suggestion."""
        if column not in positions:
            positions[column] = posts.groupby(column, sort=False).indices if column in posts else {}
        return positions[column].get(value, np.empty(0, dtype="int64"))

    for _, s in suggestions.iterrows():
        adopted = s.get("adopted")
        if pd.isna(adopted) or not bool(adopted):
            continue
        row = {c: s.get(c, pd.NA) for c in ("operator", "suggestion", "submitted_date", "effective_date", "platform",
                                           "account", "target_metric", "source_file", "source_row")}
        key = md.resolve(s.get("target_metric"))
        metric_note = ""
        if key is None:
            key = cfg.default_metric
            tm = s.get("target_metric")
            metric_note = (f"目标指标“{tm}”不在指标字典中，改用{md.metrics[key].name}；" if not pd.isna(tm)
                           else f"未写目标指标，按{md.metrics[key].name}比较；")
        row.update(metric=key, metric_name=md.metrics[key].name)
        eff = s.get("effective_date")
        if pd.isna(eff):
            rows.append({**row, "status": "no_date", "scope": pd.NA,
                         "verdict": "已采纳但缺少实施日期，无法做前后对比：请在优化建议记录中填写“实施日期”。"})
            continue
        eff = pd.Timestamp(eff)
        eff = eff.tz_localize(TZ) if eff.tzinfo is None else eff.tz_convert(TZ)
        # which posts the suggestion is about: its account, else its platform, else its author's posts
        hit = None  # row positions of the posts in scope (None: all)
        code = platform_code(s.get("platform"))
        author = s.get("operator", pd.NA)
        if not pd.isna(s.get("account", pd.NA)):
            hit = matching("account", s["account"])
            if code:  # the suggestion's own platform: a 视频号 suggestion is not measured on a Weibo namesake
                hit = np.intersect1d(hit, matching("platform", code))
            elif not pd.isna(author) and "operator" in posts:  # no platform named: the author's own accounts
                hit = np.intersect1d(hit, matching("operator", author))
            scope = f"账号 {s['account']}" + (f"（{label('platform.' + code)}）" if code else "")
        elif code:
            hit = matching("platform", code)
            scope = f"平台 {label('platform.' + code)}"
        elif not pd.isna(s.get("operator", pd.NA)) and "operator" in posts:
            hit = matching("operator", s["operator"])
            scope = f"{s['operator']} 负责的全部账号"
        else:
            scope = "全部账号"
        # equal maturity: only posts past their platform's maturity (the `mature` flag of 02_clean) on either side,
        # and the after-window ends at the last mature post, so young posts are never compared with old ones
        last = end
        if mature is not None:
            pub_m = posts["published_at"][mature] if hit is None else posts["published_at"].iloc[np.sort(hit)][mature[np.sort(hit)]]
            last = min(end, pub_m.max() + pd.Timedelta(days=1)) if len(pub_m) else eff
        days = int(min(cfg.window_days, np.floor((last - eff) / pd.Timedelta(days=1))))
        if days < 1:
            rows.append({**row, "scope": scope, "status": "too_recent", "window_days": 0,
                         "verdict": metric_note + "实施日期在本期结束之后，尚无实施后的数据。"})
            continue
        window = pd.Timedelta(days=days)
        if key not in per_post:  # a metric's per-post values are computed once for all posts, then indexed
            per_post[key] = metric_values(posts, key, md)
        values, pub = per_post[key], posts["published_at"]
        if mature is not None:
            values = values.where(mature)
        if hit is not None:
            hit = np.sort(hit)
            values, pub = values.iloc[hit], pub.iloc[hit]
        before = values[((pub >= eff - window) & (pub < eff)).fillna(False).to_numpy()].dropna().to_numpy()
        after = values[((pub >= eff) & (pub < eff + window)).fillna(False).to_numpy()].dropna().to_numpy()
        res = compare(before, after, cfg)
        name = md.metrics[key].name
        rate = md.metrics[key].kind == "ratio" or md.metrics[key].column == "completion_rate"
        if res["status"] == "insufficient":
            verdict = (f"数据不足：实施前后各 {days} 天内，实施前 {res['n_before']} 篇、实施后 {res['n_after']} 篇有{name}数据，"
                       f"每侧至少需要 {cfg.min_posts_each_side} 篇，暂不下结论。")
        else:
            direction = "上升" if res["median_after"] > res["median_before"] else "下降" if res["median_after"] < res["median_before"] else "持平"
            change = f"（{res['change']:+.1%}）" if not np.isnan(res["change"]) else ""
            sig = (f"差异显著（p={res['p_value']:.3f}）" if res["significant"]
                   else f"差异不显著（p={res['p_value']:.3f}），可能只是波动")
            verdict = (f"实施前后各 {days} 天：{name}中位数由 {_fmt(res['median_before'], rate)} {direction}到 "
                       f"{_fmt(res['median_after'], rate)}{change}，{sig}；效应量 Cliff's δ = {res['cliffs_delta']:+.2f}"
                       f"（{res['effect_size']}），样本 {res['n_before']} vs {res['n_after']} 篇。")
        rows.append({**row, **res, "scope": scope, "window_days": days, "verdict": metric_note + verdict})
    out = pd.DataFrame(rows, columns=COLUMNS)
    for col in ("operator", "suggestion", "platform", "account", "target_metric", "metric", "metric_name", "scope",
                "effect_size", "status", "verdict", "source_file"):
        out[col] = out[col].astype("string")
    out["significant"] = out["significant"].astype("boolean")
    return out
