"""Conflicting copies of one post resolved conservatively (issue 22), the one home of the rule.

Two snapshots of the same post (the same platform, account and post id in two exports) normally only grow: a later
export has at least the views and at least the interactions of an earlier one. When the kept (newest) snapshot has
MORE interactions than another copy while its exposure (views) did not grow, the platform cannot have produced both:
one copy was doctored or mis-exported. The post is marked `snapshot_conflict` (02_clean turns it into a flag for the
lead to resolve) and, until then, every interaction count takes the LOWER of the copies' figures. Vectorised over the
pairs (loser, winner) the de-duplication already found: no per-post Python."""
from __future__ import annotations

import numpy as np
import pandas as pd

# interaction counts compared and lowered (views are the exposure they must not outgrow)
INTERACTIONS = ["likes", "comments", "shares", "saves", "danmaku", "coins", "zaikan", "recommends"]


def _vals(df: pd.DataFrame, col: str, pos: np.ndarray) -> np.ndarray:
    return df[col].iloc[pos].astype("Float64").to_numpy(dtype="float64", na_value=np.nan)


def resolve_conflicts(df: pd.DataFrame, lose: np.ndarray, win: np.ndarray) -> np.ndarray:
    """Positions (in df) of the winning rows in conflict with one of their copies; their interaction columns are
    lowered in place to the minimum over the conflicting copies. `lose`, `win`: positions of each merged copy and of
    the row that won over it."""
    if len(lose) == 0 or "views" not in df.columns:
        return np.zeros(0, dtype=np.intp)
    cols = [c for c in INTERACTIONS if c in df.columns]
    if not cols:
        return np.zeros(0, dtype=np.intp)
    vl, vw = _vals(df, "views", lose), _vals(df, "views", win)
    il = np.nansum(np.column_stack([_vals(df, c, lose) for c in cols]), axis=1)
    iw = np.nansum(np.column_stack([_vals(df, c, win) for c in cols]), axis=1)
    bad = ~np.isnan(vl) & ~np.isnan(vw) & (vw <= vl) & (iw > il)
    if not bad.any():
        return np.zeros(0, dtype=np.intp)
    lo, wi = lose[bad], win[bad]
    for c in cols:
        low = _vals(df, c, lo)
        cur = _vals(df, c, np.arange(len(df)))
        ok = ~np.isnan(low)
        np.fmin.at(cur, wi[ok], low[ok])          # the lower figure of each conflicting copy
        dtype = df[c].dtype
        df[c] = pd.array(np.where(np.isnan(cur), np.nan, cur), dtype="Float64").astype(dtype) \
            if str(dtype) in ("Int64", "Float64") else cur
    return np.unique(wi)
