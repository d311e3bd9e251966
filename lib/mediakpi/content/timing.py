"""Best time to post: a weekday × time-slot grid, standardised within each account.

Each post's metric (engagement rate by default) is turned into a z-score within its own account, so a big account
does not dominate the pooled grid and a small one is judged against itself. A cell needs `min_posts_per_cell` posts;
an account with fewer than `min_cells_per_account` usable cells falls back to the pooled grid (all accounts).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..metrics import MetricDictionary, load_metrics, metric_values
from .settings import BestTime, load_content_config

WEEKDAYS = ["周一", "周二", "周三", "周四", "周五", "周六", "周日"]
COLUMNS = ["scope", "platform", "account", "weekday", "weekday_name", "slot", "posts", "median_value", "mean_z",
           "usable", "account_uses_pooled", "metric"]


def slot_labels(bins: list[int]) -> list[str]:
    return [f"{a:02d}–{b:02d}时" for a, b in zip(bins, bins[1:])]


def date_only_accounts(posts: pd.DataFrame, share: float) -> list[tuple[str, str]]:
    """(platform, account) pairs whose export gives publish dates without a time: at least `share` of their posts sit
    exactly at 00:00:00, so their hour of posting is unknown."""
    if posts.empty or "published_at" not in posts.columns:
        return []
    ts = posts["published_at"]
    midnight = ((ts.dt.hour == 0) & (ts.dt.minute == 0) & (ts.dt.second == 0)).fillna(False)
    frac = midnight.groupby([posts["platform"], posts["account"]], dropna=False).mean()
    return [key for key, v in frac.items() if v >= share]


def best_time_table(posts: pd.DataFrame, cfg: BestTime | None = None,
                    md: MetricDictionary | None = None) -> pd.DataFrame:
    """Rows for the pooled grid (scope 'pooled') and for each account (scope 'account'); see module docstring."""
    cfg = cfg or load_content_config().best_time
    md = md or load_metrics()
    if posts.empty or "published_at" not in posts.columns:
        return pd.DataFrame(columns=COLUMNS)
    df = posts[["platform", "account", "published_at"]].copy()
    df["value"] = metric_values(posts, cfg.metric, md).to_numpy()
    no_time = set(date_only_accounts(posts, cfg.date_only_share))
    if no_time:  # the hour of a date-only export is unknown: leave those accounts out
        df = df[~pd.MultiIndex.from_arrays([df["platform"], df["account"]]).isin(list(no_time))]
    df = df.dropna(subset=["value", "published_at"])
    if df.empty:
        return pd.DataFrame(columns=COLUMNS)
    grp = df.groupby(["platform", "account"], dropna=False)["value"]
    std = grp.transform("std")
    df["z"] = (df["value"] - grp.transform("mean")) / std.where(std > 0)
    df["z"] = df["z"].fillna(0.0)  # an account with one post or constant values sits at its own mean
    df["weekday"] = df["published_at"].dt.day_of_week
    labels = slot_labels(cfg.hour_bins)
    df["slot"] = pd.cut(df["published_at"].dt.hour, bins=cfg.hour_bins, right=False, labels=labels).astype("string")

    def cells(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
        g = frame.groupby([*keys, "weekday", "slot"], dropna=False)
        out = pd.DataFrame({"posts": g.size(), "median_value": g["value"].median(), "mean_z": g["z"].mean()}).reset_index()
        out["usable"] = out["posts"] >= cfg.min_posts_per_cell
        return out

    pooled = cells(df, [])
    pooled["scope"] = "pooled"
    per_acc = cells(df, ["platform", "account"])
    per_acc["scope"] = "account"
    usable = per_acc.groupby(["platform", "account"], dropna=False)["usable"].transform("sum")
    per_acc["account_uses_pooled"] = usable < cfg.min_cells_per_account
    pooled["account_uses_pooled"] = pd.NA
    out = pd.concat([pooled, per_acc], ignore_index=True)
    out["weekday_name"] = [WEEKDAYS[int(w)] for w in out["weekday"]]
    out["metric"] = md.metrics[cfg.metric].name
    for col in ("platform", "account"):
        out[col] = out[col].astype("string") if col in out else pd.Series(pd.NA, index=out.index, dtype="string")
    out["account_uses_pooled"] = out["account_uses_pooled"].astype("boolean")
    return out[COLUMNS]


def grid(table: pd.DataFrame, bins: list[int], platform: str | None = None, account: str | None = None,
         value: str = "mean_z") -> tuple[pd.DataFrame, str]:
    """A weekday × slot matrix of `value` (unusable cells NaN) for one account or the pooled grid, and which grid it
    is ('account' or 'pooled' — an account with too little data gets the pooled grid)."""
    scope = "pooled"
    rows = table[table["scope"] == "pooled"]
    if account is not None:
        acc = table[(table["scope"] == "account") & (table["account"] == account)
                    & ((table["platform"] == platform) if platform is not None else True)]
        if not acc.empty and not bool(acc["account_uses_pooled"].fillna(True).iloc[0]):
            rows, scope = acc, "account"
    labels = slot_labels(bins)
    mat = pd.DataFrame(np.nan, index=WEEKDAYS, columns=labels)
    for _, r in rows[rows["usable"].astype(bool)].iterrows():
        mat.loc[WEEKDAYS[int(r["weekday"])], r["slot"]] = r[value]
    return mat, scope


def best_slots(table: pd.DataFrame, k: int = 3) -> pd.DataFrame:
    """The k best usable pooled cells by mean z."""
    pooled = table[(table["scope"] == "pooled") & table["usable"].astype(bool)]
    return pooled.sort_values("mean_z", ascending=False).head(k)
