"""The viral standard (爆款标准), assessment-plan.md and scoring-anchors.md §5.4.

A post is viral when it is mature (WeChat D+3, others D+7, at the export's snapshot) and either
- passes its platform's absolute floor (WeChat reads ≥ 100,000; Xiaohongshu likes ≥ 1,000; others configurable), or
- reaches ≥ 3 × its account's trailing 90-day median of the platform's primary metric, computed from at least 8 earlier
  posts of the same account inside that window (earlier = published before it; history from earlier months included).

`viral_strong` additionally needs the Iglewicz–Hoaglin modified z of log1p(metric), within the account (this period's
posts and the history), above 3.5. `viral_rule` says in plain Chinese which rule(s) fired, with the numbers.
`viral_pending` marks posts that already pass a rule but are not mature yet (they are not counted).
All parameters live in config/quality.yaml under `viral:`.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .clean.config import QualityConfig, Viral, load_quality_config
from .clean.plausibility import robust_center_scale
from .clean.records import fmt_num

KEY = ["platform", "account", "post_id"]
METRIC_NAMES = {"views": "阅读/播放", "likes": "点赞", "shares": "转发/分享", "comments": "评论", "saves": "收藏"}
PLATFORM_METRIC_NAMES = {("wechat", "views"): "阅读", ("xiaohongshu", "likes"): "点赞", ("weibo", "shares"): "转发",
                         ("weibo", "views"): "阅读", ("douyin", "likes"): "点赞"}


def _viral_cfg(cfg) -> Viral:
    if cfg is None:
        return load_quality_config().viral
    if isinstance(cfg, QualityConfig):
        return cfg.viral
    if isinstance(cfg, Viral):
        return cfg
    if isinstance(cfg, dict):
        return Viral.model_validate(cfg.get("viral", cfg))
    raise TypeError(f"cfg must be QualityConfig, Viral or dict, not {type(cfg).__name__}")


def metric_name(platform: str, metric: str) -> str:
    return PLATFORM_METRIC_NAMES.get((platform, metric), METRIC_NAMES.get(metric, metric))


def _values(df: pd.DataFrame, platforms: pd.Series, metric_of: dict[str, str]) -> pd.Series:
    out = pd.Series(np.nan, index=df.index, dtype="float64")
    for plat, metric in metric_of.items():
        sel = platforms == plat
        if sel.any() and metric in df.columns:
            out[sel] = pd.to_numeric(df.loc[sel, metric], errors="coerce").astype("float64")
    return out


def trailing_median(times: np.ndarray, values: np.ndarray, query_times: np.ndarray, days: int
                    ) -> tuple[np.ndarray, np.ndarray]:
    """For each query time t: the median of `values` whose time lies in [t − days, t) and their count (times sorted)."""
    window = np.timedelta64(days, "D")
    lo = np.searchsorted(times, query_times - window, side="left")
    hi = np.searchsorted(times, query_times, side="left")
    med = np.full(len(query_times), np.nan)
    cnt = np.zeros(len(query_times), dtype=int)
    for i, (a, b) in enumerate(zip(lo, hi)):
        seg = values[a:b]
        seg = seg[~np.isnan(seg)]
        cnt[i] = len(seg)
        if len(seg):
            med[i] = np.median(seg)
    return med, cnt


def flag_viral(posts: pd.DataFrame, history: pd.DataFrame | None = None, cfg=None) -> pd.DataFrame:
    """Add viral, viral_rule, viral_strong, viral_pending, primary_metric, primary_value, baseline_median,
    baseline_posts, viral_multiple and viral_z to `posts`.

    `posts` needs platform, account, post_id, published_at, the metric columns and `mature` (posts without `mature`
    are treated as not mature). `history`: earlier posts of the same accounts (e.g. `history.posts_before`); rows that
    are also in `posts` are ignored (this period's snapshot wins). `cfg`: QualityConfig, its `viral` part, a dict, or
    None for config/quality.yaml.
    """
    v = _viral_cfg(cfg)
    out = posts.copy()
    plat = out["platform"].astype("string")
    out["primary_metric"] = plat.map(v.primary_metric).astype("string")
    out["primary_value"] = _values(out, plat, v.primary_metric)

    hist = history if history is not None else pd.DataFrame()
    if not hist.empty and set(KEY) <= set(hist.columns):
        cur = pd.MultiIndex.from_frame(out[KEY].astype("string"))
        hkeys = pd.MultiIndex.from_frame(hist[KEY].astype("string"))
        hist = hist[~hkeys.isin(cur)]
        hist = hist.assign(primary_value=_values(hist, hist["platform"].astype("string"), v.primary_metric))
        pool = pd.concat([out[["platform", "account", "published_at", "primary_value"]],
                          hist[["platform", "account", "published_at", "primary_value"]]], ignore_index=True)
    else:
        pool = out[["platform", "account", "published_at", "primary_value"]].reset_index(drop=True)

    base = pd.Series(np.nan, index=out.index, dtype="float64")
    nbase = pd.Series(0, index=out.index, dtype="int64")
    z = pd.Series(np.nan, index=out.index, dtype="float64")
    pool = pool[pool["published_at"].notna()]
    for (p, a), grp in out.groupby(["platform", "account"], dropna=True):
        ref = pool[(pool["platform"] == p) & (pool["account"] == a)].sort_values("published_at")
        times = ref["published_at"].dt.tz_convert("UTC").dt.tz_localize(None).to_numpy("datetime64[ns]")
        vals = ref["primary_value"].to_numpy("float64", na_value=np.nan)
        q = grp["published_at"]
        has_t = q.notna()
        if has_t.any():
            qt = q[has_t].dt.tz_convert("UTC").dt.tz_localize(None).to_numpy("datetime64[ns]")
            med, cnt = trailing_median(times, vals, qt, v.baseline_days)
            base.loc[q[has_t].index] = med
            nbase.loc[q[has_t].index] = cnt
        # modified z of log1p(metric) within the account (this period + history)
        med_l, scale = robust_center_scale(np.log1p(np.clip(vals, 0, None)))
        z.loc[grp.index] = scale * (np.log1p(grp["primary_value"].clip(lower=0)) - med_l)

    out["baseline_median"] = base
    out["baseline_posts"] = nbase.astype("Int64")
    out["viral_multiple"] = (out["primary_value"] / base.where(base > 0)).astype("float64")
    out["viral_z"] = z

    floor_pass = pd.Series(False, index=out.index)
    floor_text = pd.Series("", index=out.index, dtype="object")
    for p, fl in v.floors.items():
        sel = plat == p
        if not sel.any() or fl.metric not in out.columns:
            continue
        val = pd.to_numeric(out.loc[sel, fl.metric], errors="coerce").astype("float64")
        hit = (val >= fl.min).fillna(False)
        floor_pass.loc[hit[hit].index] = True
        name = metric_name(p, fl.metric)
        floor_text.loc[hit[hit].index] = [f"绝对门槛：{name} {fmt_num(x)} ≥ {fmt_num(fl.min)}" for x in val[hit]]
    rel_ok = (nbase >= v.min_history_posts) & (base > 0)
    rel_pass = (rel_ok & (out["primary_value"] >= v.multiplier * base)).fillna(False)
    rel_text = pd.Series([
        f"相对门槛：{metric_name(p, m) if isinstance(m, str) else ''} {fmt_num(x)} = 本账号近{v.baseline_days}天中位数"
        f" {fmt_num(b)} 的 {x / b:.1f} 倍（≥{v.multiplier:g} 倍，基于 {n} 条历史作品）" if r else ""
        for p, m, x, b, n, r in zip(plat, out["primary_metric"], out["primary_value"], base, nbase, rel_pass)],
        index=out.index)
    strong = (out["viral_z"] > v.strong_z).fillna(False)
    z_text = pd.Series([f"统计异常：修正z = {zz:.1f} > {v.strong_z:g}" if s else "" for zz, s in zip(out["viral_z"], strong)],
                       index=out.index)
    mature = out["mature"].fillna(False).astype(bool) if "mature" in out.columns else pd.Series(False, index=out.index)
    passes = floor_pass | rel_pass
    out["viral"] = (mature & passes).astype(bool)
    out["viral_strong"] = (out["viral"] & strong).astype(bool)
    out["viral_pending"] = (~mature & passes).astype(bool)
    rules = []
    for f, r, zt, vir, pend in zip(floor_text, rel_text, z_text, out["viral"], out["viral_pending"]):
        parts = [t for t in (f, r, zt) if t]
        if vir:
            rules.append("；".join(parts))
        elif pend:
            rules.append("尚未成熟，暂不计入：" + "；".join(parts))
        else:
            rules.append(None)
    out["viral_rule"] = pd.Series(rules, index=out.index, dtype="string")
    return out


def viral_rate(posts: pd.DataFrame, by: list[str] | None = None) -> pd.DataFrame:
    """爆文率 = viral posts ÷ mature posts (only mature posts can be judged), per group."""
    by = by or ["platform", "account"]
    m = posts[posts["mature"].fillna(False).astype(bool)] if "mature" in posts.columns else posts.iloc[0:0]
    g = m.groupby(by, dropna=False).agg(mature_posts=("viral", "size"), viral_posts=("viral", "sum"))
    g["viral_rate"] = g["viral_posts"] / g["mature_posts"].where(g["mature_posts"] > 0)
    return g.reset_index()
