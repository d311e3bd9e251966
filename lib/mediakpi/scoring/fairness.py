"""Cross-platform fairness context, shown beside the score and never in it (docs/specs/assessment-plan.md)."""
from __future__ import annotations

import numpy as np
import pandas as pd


def main_platforms(posts: pd.DataFrame, accounts: pd.DataFrame) -> pd.Series:
    """operator → the platform with most posts in the period (else the roster's first platform)."""
    out = {}
    if not posts.empty and "operator" in posts.columns:
        counts = posts.dropna(subset=["operator"]).groupby(["operator", "platform"]).size().reset_index(name="n")
        counts = counts.sort_values(["operator", "n", "platform"], ascending=[True, False, True])
        out = counts.drop_duplicates("operator").set_index("operator")["platform"].to_dict()
    for op, plat in accounts[["operator", "platform"]].itertuples(index=False):
        out.setdefault(op, plat)
    return pd.Series(out, dtype="string")


def fairness_context(card: pd.DataFrame, main_platform: pd.Series, min_cohort: int = 3,
                     value: str = "total") -> pd.DataFrame:
    """main_platform, cohort_size, cohort_percentile (0–100), robust_z (0.6745·(x − median)/MAD), fairness_note."""
    df = card[["operator", value]].copy()
    df["main_platform"] = df["operator"].map(main_platform).astype("string")
    x = np.log1p(df[value].clip(lower=0))
    grp = df["main_platform"].fillna("—")
    df["cohort_size"] = grp.map(grp[df[value].notna()].value_counts()).fillna(0).astype("Int64")
    df["cohort_percentile"] = df.groupby(grp)[value].rank(pct=True) * 100
    med = x.groupby(grp).transform("median")
    mad = (x - med).abs().groupby(grp).transform("median")
    with np.errstate(invalid="ignore", divide="ignore"):
        df["robust_z"] = np.where(mad > 0, 0.6745 * (x - med) / mad, np.nan)
    note = pd.Series(pd.NA, index=df.index, dtype="string")
    small = df["cohort_size"].fillna(0) < min_cohort
    note[small] = df.loc[small, "cohort_size"].map(
        lambda n: f"同平台仅{n}人（不足{min_cohort}人），百分位和稳健Z值仅供参考")
    flat = ~small & df["robust_z"].isna() & df[value].notna()
    note[flat] = "同平台得分离散度为0，稳健Z值无法计算"
    df["fairness_note"] = note
    return df.drop(columns=[value])
