"""Targets: team default, per person, per account, per platform, or relative to the account's own history.

Precedence for one person and account: per_account > per_person > baseline > per_platform > default.
"""
from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from ..periods import previous_months
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .plan import BaselineRule, Target


def static_target(spec: Target, operator: str | None = None, platform: str | None = None,
                  account: str | None = None, months: int = 1) -> tuple[float, str]:
    """The configured target and where it came from (Chinese), scaled by `months` for per-month targets."""
    scale = months if spec.per_month else 1
    if account is not None:
        for key in (f"{platform}/{account}", account):
            if key in spec.per_account:
                return spec.per_account[key] * scale, "账号目标"
    if operator is not None and operator in spec.per_person:
        return spec.per_person[operator] * scale, "个人目标"
    if platform is not None and platform in spec.per_platform:
        return spec.per_platform[platform] * scale, "平台目标"
    return (np.nan if spec.default is None else spec.default * scale), "团队默认目标"


def trailing_baseline(monthly: pd.DataFrame, first_month: str, rule: BaselineRule) -> pd.DataFrame:
    """Median per (platform, account) of `value` over the `rule.months` months before `first_month`.

    `monthly` has platform, account, month (YYYY-MM), value. Returns platform, account, baseline, n_months.
    """
    months = previous_months(first_month, rule.months)
    m = monthly[monthly["month"].isin(months)].dropna(subset=["value"])
    if m.empty:
        return pd.DataFrame({"platform": pd.Series(dtype=object), "account": pd.Series(dtype=object),
                             "baseline": pd.Series(dtype=float), "n_months": pd.Series(dtype=int)})
    g = m.groupby(["platform", "account"])["value"]
    return pd.DataFrame({"baseline": g.median(), "n_months": g.size()}).reset_index()


def baseline_index(baselines: pd.DataFrame) -> dict[tuple, dict]:
    """trailing_baseline's table as {(platform, account): {"baseline", "n_months"}} (first row per key), for
    account_target's lookups: one dict lookup per account instead of filtering the whole table each time."""
    if baselines is None or baselines.empty:
        return {}
    b = baselines.drop_duplicates(["platform", "account"])
    return {(p, a): {"baseline": v, "n_months": n}
            for p, a, v, n in zip(b["platform"], b["account"], b["baseline"], b["n_months"])}


def account_target(spec: Target, rule: BaselineRule, operator: str, platform: str, account: str,
                   baselines: pd.DataFrame | Mapping | None, months: int = 1) -> tuple[float, str]:
    """One account's target and a short Chinese note on where it came from. `baselines` is trailing_baseline's
    table or its baseline_index (the fast form when many accounts are looked up)."""
    value, src = static_target(spec, operator, platform, account, months)
    if src in ("账号目标", "个人目标") or not spec.baseline.enabled:
        return value, src
    row = None
    if isinstance(baselines, Mapping):
        row = baselines.get((platform, account))
    elif baselines is not None and not baselines.empty:
        hit = baselines[(baselines["platform"] == platform) & (baselines["account"] == account)]
        row = hit.iloc[0] if len(hit) else None
    if row is not None and row["n_months"] >= rule.min_months and row["baseline"] > 0:
        monthly = float(row["baseline"])
        scale = months if spec.per_month else 1
        span = f"×{scale}个月" if scale > 1 else ""
        up = f"×{1 + spec.baseline.uplift:g}" if spec.baseline.uplift else ""
        return monthly * scale * (1 + spec.baseline.uplift), f"近{int(row['n_months'])}月中位数{_fmt(monthly)}{span}{up}"
    n = 0 if row is None else int(row["n_months"])
    why = "历史不足" if n < rule.min_months else "历史基线≤0"
    return value, f"{why}（{n}个月），用{src}"


def _fmt(x: float) -> str:
    return f"{x:.2%}" if abs(x) < 1.5 else f"{x:,.0f}"
