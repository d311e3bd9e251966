"""Quarters and years: each dimension the mean of its sub-period dimension scores over the sub-periods in which it
counted (months for a quarter, quarters for a year), the content indicators named in `rollup.recompute` recomputed
over the whole window, and the rollup's own qualitative review mixed in at the total (default 90/10). Grades are
recomputed, never averaged."""
from __future__ import annotations

import numpy as np
import pandas as pd

from .indicators import sc


def _sub_label(p: str) -> str:
    if len(p) == 7 and p[4] == "-" and p[5:].isdigit():
        return f"{int(p[5:])}月"
    return p[-2:] if "-Q" in p else p


def rollup_rows(sub: pd.DataFrame, recomputed: pd.DataFrame | None, period: str, cfg) -> pd.DataFrame:
    """Quarter (or year) indicator rows from the sub-periods' rows, as the plan says: each dimension's score is the
    mean of its sub-period dimension scores over the sub-periods in which it counted (an indicator that applied in
    one month does not weigh as a whole quarter), with the indicators of `recomputed` (computed over the whole
    window: viral counts, growth) replacing their sub-period scores.

    Each output row carries weight w'ᵢ = Σₘ eₘᵢ ÷ |Mᵈ| (eₘᵢ: its effective share of the dimension in sub-period m,
    Mᵈ: the sub-periods in which the dimension counted) and score s'ᵢ = Σₘ eₘᵢ sₘᵢ ÷ Σₘ eₘᵢ (a missing input
    as 0), so that aggregate.dimension_table on these rows gives exactly the mean of the sub-period dimension
    scores, and the what-if re-weighting works on rollups unchanged."""
    from .aggregate import _status, dimension_table

    if sub.empty:
        return sub.assign(period=period)
    s = sub.copy()
    s["status"] = _status(s)
    if "scored_share" not in s.columns:
        s["scored_share"] = np.where(s["status"] == "scored", 1.0, 0.0)
    rec = recomputed if recomputed is not None and not recomputed.empty else None
    if rec is not None:
        r = rec.set_index(["operator", "indicator"])
        key = pd.MultiIndex.from_arrays([s["operator"], s["indicator"]])
        hit = key.isin(r.index) & (s["status"] != "not_applicable").to_numpy()
        look = r.reindex(key[hit])
        s.loc[hit, "score"] = look["score"].to_numpy(dtype=float)
        s.loc[hit, "status"] = look["status"].to_numpy(dtype=object)
        s.loc[hit, "scored_share"] = look["scored_share"].to_numpy(dtype=float)
    # a sub-period in which nothing of the person was scored (not yet employed, withheld) does not count at all
    alive = s.assign(_x=(s["status"] == "scored")).groupby(["operator", "period"])["_x"].transform("any")
    s = s[alive.to_numpy(dtype=bool)]
    if s.empty:
        return sub.iloc[0:0].assign(period=period)
    parts = []
    for _sp, g in s.groupby("period", sort=True):
        dims, _, rows = dimension_table(g, cfg)
        counted = dims.stack(future_stack=True).notna()
        rows = rows.assign(_counted=[bool(counted.get((o, d), False)) for o, d in zip(rows["operator"], rows["dimension"])])
        parts.append(rows)
    allr = pd.concat(parts, ignore_index=True)
    allr["_s"] = np.where(allr["status"] == "scored", allr["score"].astype(float).fillna(0.0), 0.0)
    allr["_e"] = np.where(allr["_counted"], allr["effective_weight"], 0.0)
    allr["_es"] = allr["_e"] * allr["_s"]
    allr["_esh"] = allr["_e"] * allr["scored_share"].astype(float).fillna(0.0)
    allr["_sc"] = (allr["status"] == "scored") & allr["_counted"]
    allr["_piece"] = [f"{_sub_label(p)}{sc(v) if st == 'scored' else ('缺数据' if st == 'missing_input' else '不适用')}"
                      for p, v, st in zip(allr["period"], allr["score"], allr["status"])]
    n_counted = (allr[allr["_counted"]].groupby(["operator", "dimension"])["period"].nunique())
    keys = ["operator", "dimension", "indicator"]
    g = allr.sort_values("period").groupby(keys, sort=False)
    out = g.agg(e=("_e", "sum"), es=("_es", "sum"), esh=("_esh", "sum"), any_scored=("_sc", "any"),
                core_aux=("core_aux", "first"), inputs=("inputs", "first"), pieces=("_piece", "、".join),
                actual=("actual", "mean"), target=("target", "mean"),
                missing_tables=("missing_tables", lambda t: ",".join(dict.fromkeys(x for x in t if isinstance(x, str))) or None),
                reason=("reason", lambda r: next((x for x in r if isinstance(x, str)), None))).reset_index()
    m = np.array([n_counted.get((o, d), 0) for o, d in zip(out["operator"], out["dimension"])], dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        out["weight"] = np.where(m > 0, out["e"] / np.where(m > 0, m, 1), 0.0)
        out["score"] = np.where(out["e"] > 0, out["es"] / out["e"], np.nan)
        out["scored_share"] = np.where(out["e"] > 0, out["esh"] / out["e"], 0.0)
    out["status"] = np.where(out["weight"] <= 0, "not_applicable", np.where(out["any_scored"], "scored", "missing_input"))
    out["score"] = np.where(out["status"] == "scored", out["score"], np.nan)
    out["applicable"] = out["status"] != "not_applicable"
    out["achievement"] = out["score"] / 100
    n_sub = s["period"].nunique()
    out["explanation"] = np.where(
        out["status"] == "scored",
        out["pieces"] + "；按维度计入的" + m.astype(int).astype(str) + "期（共" + str(n_sub) + "期）加权平均，得分"
        + pd.Series(out["score"]).map(sc),
        np.where(out["status"] == "missing_input", out["pieces"] + "；各期均缺少数据，权重保留、记0分",
                 out["pieces"] + "；各期均不适用（" + out["reason"].fillna("无数据") + "），权重分给本维度其他指标"))
    out["reason_na"] = out["reason"].where(out["status"] == "not_applicable")
    out["reason"] = out["reason"].where(out["status"] != "scored")
    if rec is not None:
        names = set(rec["indicator"])
        again = out["indicator"].isin(names) & (out["status"] == "scored")
        out.loc[again, "explanation"] = "按整期数据重新计算后代入各期：" + out.loc[again, "explanation"].astype(str)
        r = rec.set_index(["operator", "indicator"])
        k = pd.MultiIndex.from_arrays([out["operator"], out["indicator"]])
        ok = k.isin(r.index)
        out.loc[ok, "actual"] = r.reindex(k[ok])["actual"].to_numpy(dtype=float)
        out.loc[ok, "target"] = r.reindex(k[ok])["target"].to_numpy(dtype=float)
    out["period"] = period
    out["n_evidence"] = np.nan
    return out.drop(columns=["e", "es", "esh", "any_scored", "pieces"])


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
