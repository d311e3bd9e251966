"""Quarters and years: indicator scores averaged over the sub-periods with valid scores (months for a quarter,
quarters for a year), the content indicators named in `rollup.recompute` recomputed over the whole window, and the
rollup's own qualitative review mixed in at the total (default 90/10). Grades are recomputed, never averaged."""
from __future__ import annotations

import numpy as np
import pandas as pd

from .indicators import sc


def _sub_label(p: str) -> str:
    if len(p) == 7 and p[4] == "-" and p[5:].isdigit():
        return f"{int(p[5:])}月"
    return p[-2:] if "-Q" in p else p


def average_rows(sub: pd.DataFrame, period: str) -> pd.DataFrame:
    """One row per operator × indicator: the mean over the sub-periods where it applied, with the monthly scores
    spelled out in the explanation. `sub` holds indicator rows of several sub-periods (its `period` column)."""
    if sub.empty:
        return sub.assign(period=period)
    s = sub.sort_values("period").copy()
    s["applicable"] = s["applicable"].fillna(False).astype(bool)
    s["_piece"] = [f"{_sub_label(p)}{sc(v) if a else '不适用'}" for p, v, a in zip(s["period"], s["score"], s["applicable"])]
    keys = ["operator", "dimension", "indicator"]
    app = s[s["applicable"]]
    means = app.groupby(keys)[["actual", "target", "achievement", "score"]].mean()
    n_app = app.groupby(keys).size()
    first = s.groupby(keys, sort=False).agg(core_aux=("core_aux", "first"), weight=("weight", "first"),
                                            inputs=("inputs", "first"), n=("period", "size"),
                                            pieces=("_piece", "、".join),
                                            reason=("reason_na", lambda r: next((x for x in r if isinstance(x, str)), None)))
    out = first.join(means).join(n_app.rename("n_app"))
    out["n_app"] = out["n_app"].fillna(0).astype(int)
    out["applicable"] = out["n_app"] > 0
    out["explanation"] = np.where(
        out["applicable"],
        out["pieces"] + "；" + out["n"].astype(str) + "期中" + out["n_app"].astype(str) + "期适用，均值得分"
        + out["score"].map(sc),
        out["pieces"] + "；各期均不适用（" + out["reason"].fillna("无数据") + "），权重分给本维度其他指标")
    out["reason_na"] = out["reason"].where(~out["applicable"])
    out["period"] = period
    return out.reset_index().drop(columns=["pieces", "reason", "n", "n_app"])


def rollup_rows(sub: pd.DataFrame, recomputed: pd.DataFrame, period: str) -> pd.DataFrame:
    """Averaged rows, with the indicators of `recomputed` (computed over the whole window) replacing theirs."""
    avg = average_rows(sub, period)
    if recomputed is None or recomputed.empty:
        return avg
    names = set(recomputed["indicator"])
    rec = recomputed.copy()
    rec["explanation"] = "按整期数据重新计算：" + rec["explanation"].astype(str)
    return pd.concat([avg[~avg["indicator"].isin(names)], rec[avg.columns.intersection(rec.columns)]],
                     ignore_index=True)


def combine_adjustments(sub_adj: pd.DataFrame, own: pd.DataFrame, total_cap: float, review_share: float) -> pd.DataFrame:
    """Rollup adjustments: bonus = mean of the sub-periods' bonuses + the rollup's own review bonus (capped),
    deduction likewise (uncapped), veto if any, review_score from the rollup's own review (share 0 when absent)."""
    parts = []
    if sub_adj is not None and not sub_adj.empty:
        parts.append(sub_adj.groupby("operator").agg(bonus=("bonus", "mean"), deduction=("deduction", "mean"),
                                                     veto=("veto", "max")))
    if own is not None and not own.empty:
        parts.append(own.set_index("operator")[["bonus", "deduction", "veto"]])
    if not parts:
        base = pd.DataFrame(columns=["bonus", "deduction", "veto"])
    else:
        base = pd.concat(parts).groupby(level=0).agg({"bonus": "sum", "deduction": "sum", "veto": "max"})
    base["bonus"] = base["bonus"].clip(upper=total_cap)
    if own is not None and not own.empty and "review_score" in own.columns:
        base = base.join(own.set_index("operator")[["review_score"]], how="outer")
    else:
        base["review_score"] = np.nan
    base["review_share"] = np.where(base["review_score"].notna(), review_share, 0.0)
    base[["bonus", "deduction"]] = base[["bonus", "deduction"]].fillna(0.0)
    base["veto"] = base["veto"].fillna(False).astype(bool)
    return base.rename_axis("operator").reset_index()
