"""Formats compared by medians, always with their counts (a median of two posts is shown, but marked)."""
from __future__ import annotations

import pandas as pd

from ..metrics import MetricDictionary, interactions, load_metrics, metric_values
from .settings import Formats, load_content_config

MEDIA_NAMES = {"video": "视频", "image": "图文", "text": "图文", "audio": "音频", "live": "直播"}
COLUMNS = ["platform", "format", "media_type", "posts", "metric", "metric_n", "metric_median", "views_median",
           "interactions_median", "viral_posts", "small_sample"]


def formats_table(posts: pd.DataFrame, cfg: Formats | None = None, md: MetricDictionary | None = None) -> pd.DataFrame:
    """Per platform × format (as exported; else the post's media type, 视频 / 图文; else '未标注'): posts, median metric with its n, median views and
    interactions, viral posts, and `small_sample` when fewer than cfg.min_posts posts."""
    cfg = cfg or load_content_config().formats
    md = md or load_metrics()
    if posts.empty:
        return pd.DataFrame(columns=COLUMNS)
    # only the columns used below: iterating groups of the full frame would copy every column of every group
    df = posts[[c for c in ("platform", "format", "media_type", "views", "interactions", "viral") if c in posts]].copy()
    df["_value"] = metric_values(posts, cfg.metric, md).to_numpy()
    if "interactions" not in df:
        df["interactions"] = interactions(posts, md)
    # the export's 体裁 where it has one; else the kind of media every export gives (视频 / 图文); else 未标注
    media_name = pd.Series(df["media_type"].astype("string").map(MEDIA_NAMES).to_numpy(), index=df.index,
                           dtype="string") if "media_type" in df else pd.Series(pd.NA, index=df.index, dtype="string")
    given = df["format"].astype("string") if "format" in df else pd.Series(pd.NA, index=df.index, dtype="string")
    df["format"] = given.fillna(media_name).fillna("未标注")
    if "media_type" not in df:
        df["media_type"] = pd.NA
    rows = []
    for (plat, fmt), g in df.groupby(["platform", "format"], dropna=False):
        media = g["media_type"].dropna()
        rows.append({
            "platform": plat, "format": fmt, "media_type": media.mode().iloc[0] if len(media) else pd.NA,
            "posts": len(g), "metric": md.metrics[cfg.metric].name, "metric_n": int(g["_value"].notna().sum()),
            "metric_median": g["_value"].median(),
            "views_median": pd.to_numeric(g["views"], errors="coerce").median(),
            "interactions_median": pd.to_numeric(g["interactions"], errors="coerce").median(),
            "viral_posts": int(g["viral"].astype("boolean").fillna(False).sum()) if "viral" in g else 0,
            "small_sample": len(g) < cfg.min_posts,
        })
    return pd.DataFrame(rows, columns=COLUMNS).sort_values(["platform", "posts"], ascending=[True, False]) \
        .reset_index(drop=True)
