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
from .clean.fastops import group_searchsorted, range_median
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
    times = np.asarray(times)
    values = np.asarray(values, dtype="float64")
    keep = ~np.isnan(values)
    times, values = times[keep], values[keep]            # NaN values neither count nor enter the median
    window = np.timedelta64(days, "D")
    lo = np.searchsorted(times, query_times - window, side="left")
    hi = np.searchsorted(times, query_times, side="left")
    return range_median(values, lo, hi), (hi - lo).astype(int)


def _utc_ns(ts: pd.Series) -> np.ndarray:
    """Timestamps as int64 UTC nanoseconds (tz-aware or naive input)."""
    if getattr(ts.dt, "tz", None) is not None:
        ts = ts.dt.tz_convert("UTC").dt.tz_localize(None)
    return ts.to_numpy("datetime64[ns]").astype(np.int64)


def _baselines(out: pd.DataFrame, pool: pd.DataFrame, days: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per post of `out`: the account's trailing median of primary_value over [t − days, t) in `pool`, its count, and
    the modified z of log1p(primary_value) within the account's pool. All accounts at once (this replaces a loop
    over accounts that filtered the whole pool per account)."""
    n = len(out)
    keys = pd.concat([out[["platform", "account"]], pool[["platform", "account"]]], ignore_index=True).astype("string")
    codes = keys.groupby(["platform", "account"], dropna=True, sort=False).ngroup()
    codes = codes.fillna(-1).to_numpy(dtype=np.int64)
    q_code, p_code = codes[:n], codes[n:]
    p_val = pool["primary_value"].to_numpy("float64", na_value=np.nan)
    p_ok = (p_code >= 0) & ~np.isnan(p_val)                # NaN values neither count nor enter medians
    p_code, p_val = p_code[p_ok], p_val[p_ok]
    p_t = _utc_ns(pool["published_at"])[p_ok]
    srt = np.lexsort((p_t, p_code))
    p_code, p_val, p_t = p_code[srt], p_val[srt], p_t[srt]

    base = np.full(n, np.nan)
    nbase = np.zeros(n, dtype=np.int64)
    q_t = _utc_ns(out["published_at"])
    q_ok = (q_code >= 0) & out["published_at"].notna().to_numpy()
    window = np.int64(days) * np.int64(86_400_000_000_000)
    lo = group_searchsorted(p_code, p_t, q_code[q_ok], q_t[q_ok] - window)
    hi = group_searchsorted(p_code, p_t, q_code[q_ok], q_t[q_ok])
    base[q_ok] = range_median(p_val, lo, hi)
    nbase[q_ok] = hi - lo

    # modified z of log1p(metric) within the account: median and MAD per account, as robust_center_scale does
    n_codes = int(codes.max()) + 1 if len(codes) else 0
    g_lo = np.searchsorted(p_code, np.arange(n_codes), side="left")
    g_hi = np.searchsorted(p_code, np.arange(n_codes), side="right")
    logv = np.log1p(np.clip(p_val, 0, None))
    med = range_median(logv, g_lo, g_hi)
    dev = np.abs(logv - np.repeat(med, g_hi - g_lo))
    mad = range_median(dev, g_lo, g_hi)
    with np.errstate(divide="ignore"):
        scale = np.where(mad > 0, 0.6745 / mad, np.nan)
    # no spread by MAD (rare): the mean absolute deviation rule, computed exactly as robust_center_scale does
    for g in np.flatnonzero(~(mad > 0) & (g_hi > g_lo)):
        scale[g] = robust_center_scale(logv[g_lo[g]:g_hi[g]])[1]
    z = np.full(n, np.nan)
    has = q_code >= 0
    q_log = np.log1p(out["primary_value"].clip(lower=0).to_numpy("float64", na_value=np.nan))
    z[has] = scale[q_code[has]] * (q_log[has] - med[q_code[has]])
    return base, nbase, z


def history_columns(cfg=None) -> list[str]:
    """The columns of earlier posts that flag_viral uses (keys, publish time, the primary metrics)."""
    v = _viral_cfg(cfg)
    return KEY + ["published_at"] + sorted(set(v.primary_metric.values()))


def flag_viral(posts: pd.DataFrame, history: pd.DataFrame | None = None, cfg=None) -> pd.DataFrame:
    """Add viral, viral_rule, viral_strong, viral_pending, primary_metric, primary_value, baseline_median,
    baseline_posts, viral_multiple and viral_z to `posts`.

    `posts` needs platform, account, post_id, published_at, the metric columns and `mature` (posts without `mature`
    are treated as not mature). `history`: earlier posts of the same accounts (e.g. `history.posts_before`); rows that
    are also in `posts` are ignored (this period's snapshot wins). `cfg`: QualityConfig, its `viral` part, a dict, or
    None for config/quality.yaml.
    """
    v = _viral_cfg(cfg)
    out = posts.copy(deep=False)   # copy-on-write (pandas 3): shallow is enough
    plat = out["platform"].astype("string")
    out["primary_metric"] = plat.map(v.primary_metric).astype("string")
    out["primary_value"] = _values(out, plat, v.primary_metric)

    hist = history if history is not None else pd.DataFrame()
    if not hist.empty and set(KEY) <= set(hist.columns):
        # only the columns the baselines need (history can be several months of a million posts each)
        hist = hist[[c for c in history_columns(v) if c in hist.columns]]
        cur = pd.MultiIndex.from_frame(out[KEY].astype("string"))
        hkeys = pd.MultiIndex.from_frame(hist[KEY].astype("string"))
        hist = hist[~hkeys.isin(cur)]
        hist = hist.assign(primary_value=_values(hist, hist["platform"].astype("string"), v.primary_metric))
        pool = pd.concat([out[["platform", "account", "published_at", "primary_value"]],
                          hist[["platform", "account", "published_at", "primary_value"]]], ignore_index=True)
    else:
        pool = out[["platform", "account", "published_at", "primary_value"]].reset_index(drop=True)

    pool = pool[pool["published_at"].notna()]
    b, nb, zz = _baselines(out, pool, v.baseline_days)
    base = pd.Series(b, index=out.index, dtype="float64")
    nbase = pd.Series(nb, index=out.index, dtype="int64")
    z = pd.Series(zz, index=out.index, dtype="float64")

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
    strong = (out["viral_z"] > v.strong_z).fillna(False)
    mature = out["mature"].fillna(False).astype(bool) if "mature" in out.columns else pd.Series(False, index=out.index)
    passes = floor_pass | rel_pass
    out["viral"] = (mature & passes).astype(bool)
    out["viral_strong"] = (out["viral"] & strong).astype(bool)
    out["viral_pending"] = (~mature & passes).astype(bool)
    # the plain-Chinese rule text, built only for the posts that pass a rule (the others get null)
    sel = passes.to_numpy(dtype=bool)
    rules = np.full(len(out), None, dtype=object)
    rules[sel] = [
        ("" if vir else "尚未成熟，暂不计入：") + "；".join(t for t in (
            f,
            f"相对门槛：{metric_name(p, m) if isinstance(m, str) else ''} {fmt_num(x)} = 本账号近{v.baseline_days}天中位数"
            f" {fmt_num(b)} 的 {x / b:.1f} 倍（≥{v.multiplier:g} 倍，基于 {n} 条历史作品）" if r else "",
            f"统计异常：修正z = {zz:.1f} > {v.strong_z:g}" if st else "") if t)
        for p, m, x, b, n, r, f, zz, st, vir in zip(
            plat[sel], out["primary_metric"][sel], out["primary_value"][sel], base[sel], nbase[sel], rel_pass[sel],
            floor_text[sel], out["viral_z"][sel], strong[sel], out["viral"][sel])]
    out["viral_rule"] = pd.Series(rules, index=out.index, dtype="string")
    return out


def viral_rate(posts: pd.DataFrame, by: list[str] | None = None) -> pd.DataFrame:
    """爆文率 = viral posts ÷ mature posts (only mature posts can be judged), per group."""
    by = by or ["platform", "account"]
    m = posts[posts["mature"].fillna(False).astype(bool)] if "mature" in posts.columns else posts.iloc[0:0]
    g = m.groupby(by, dropna=False).agg(mature_posts=("viral", "size"), viral_posts=("viral", "sum"))
    g["viral_rate"] = g["viral_posts"] / g["mature_posts"].where(g["mature_posts"] > 0)
    return g.reset_index()
