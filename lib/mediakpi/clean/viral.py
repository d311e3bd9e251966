"""The viral standard (爆款标准), docs/specs/assessment-plan.md and docs/specs/scoring-anchors-extract.md §5.4.

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
from pandas.api.types import is_numeric_dtype

from .config import QualityConfig, Viral, load_quality_config
from ..fastops import group_order, group_searchsorted, range_median
from .plausibility import robust_center_scale
from .records import fmt_num

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
    """The primary metric of each row (its platform's metric column), float64 with NaN where missing."""
    out = np.full(len(df), np.nan)
    codes, names = pd.factorize(platforms.astype("string"))   # one pass over the platform strings, not one each
    position = {name: i for i, name in enumerate(names.tolist())}
    for plat, metric in metric_of.items():
        if plat not in position or metric not in df.columns:
            continue
        sel = codes == position[plat]
        col = df[metric]
        if is_numeric_dtype(col.dtype):
            out[sel] = col.to_numpy("float64", na_value=np.nan)[sel]
        else:   # text or mixed: the tolerant conversion
            out[sel] = pd.to_numeric(col[sel], errors="coerce").astype("float64").to_numpy()
    return pd.Series(out, index=df.index, dtype="float64")


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


def _group_medians(values: np.ndarray, g_lo: np.ndarray, g_hi: np.ndarray) -> np.ndarray:
    """np.median(values[lo:hi]) per group (NaN for an empty one): np.median per slice when there are few groups (one
    partition each), range_median (a wavelet matrix over all values) when there are very many."""
    if len(g_lo) > 20_000:
        return range_median(values, g_lo, g_hi)
    out = np.full(len(g_lo), np.nan)
    for g in np.flatnonzero(g_hi > g_lo):
        out[g] = np.median(values[g_lo[g]:g_hi[g]])
    return out


def _baselines(q_code: np.ndarray, q_t: np.ndarray, q_timed: np.ndarray, q_val: np.ndarray, p_code: np.ndarray,
               p_t: np.ndarray, p_val: np.ndarray, days: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per post (query: account code, UTC ns publish time, whether it has one, primary value): the account's trailing
    median of the pool's primary values over [t − days, t), its count, and the modified z of log1p(value) within the
    account's pool. Codes are dense account numbers, −1 for no account (pool rows with −1 are not counted; pool rows
    need a publish time). All accounts at once (this replaces a loop over accounts that filtered the whole pool per
    account)."""
    n = len(q_code)
    p_ok = (p_code >= 0) & ~np.isnan(p_val)                # NaN values neither count nor enter medians
    p_code, p_val, p_t = p_code[p_ok], p_val[p_ok], p_t[p_ok]
    srt = group_order(p_code, p_t)
    p_code, p_val, p_t = p_code[srt], p_val[srt], p_t[srt]

    base = np.full(n, np.nan)
    nbase = np.zeros(n, dtype=np.int64)
    q_ok = (q_code >= 0) & q_timed
    window = np.int64(days) * np.int64(86_400_000_000_000)
    if q_ok.any():
        # only pool rows that some window can reach enter the trailing medians (older history only serves the z)
        reach = (p_t >= q_t[q_ok].min() - window) & (p_t < q_t[q_ok].max())
        w_code, w_t, w_val = p_code[reach], p_t[reach], p_val[reach]
        lo = group_searchsorted(w_code, w_t, q_code[q_ok], q_t[q_ok] - window)
        hi = group_searchsorted(w_code, w_t, q_code[q_ok], q_t[q_ok])
        base[q_ok] = range_median(w_val, lo, hi)
        nbase[q_ok] = hi - lo

    # modified z of log1p(metric) within the account: median and MAD per account, as robust_center_scale does
    n_codes = int(max(q_code.max(initial=-1), p_code.max(initial=-1))) + 1
    g_lo = np.searchsorted(p_code, np.arange(n_codes), side="left")
    g_hi = np.searchsorted(p_code, np.arange(n_codes), side="right")
    logv = np.log1p(np.clip(p_val, 0, None))
    med = _group_medians(logv, g_lo, g_hi)
    dev = np.abs(logv - np.repeat(med, g_hi - g_lo))
    mad = _group_medians(dev, g_lo, g_hi)
    with np.errstate(divide="ignore"):
        scale = np.where(mad > 0, 0.6745 / mad, np.nan)
    # no spread by MAD (rare): the mean absolute deviation rule, computed exactly as robust_center_scale does
    for g in np.flatnonzero(~(mad > 0) & (g_hi > g_lo)):
        scale[g] = robust_center_scale(logv[g_lo[g]:g_hi[g]])[1]
    z = np.full(n, np.nan)
    has = q_code >= 0
    q_log = np.log1p(np.clip(q_val, 0, None))
    z[has] = scale[q_code[has]] * (q_log[has] - med[q_code[has]])
    return base, nbase, z


def _in_arrow(values: pd.Series, among: pd.Series) -> np.ndarray:
    """values.isin(among) for text columns, as one Arrow hash lookup (pandas' isin converts millions of strings to
    Python objects first). A missing value counts as found when `among` has one."""
    import pyarrow as pa
    import pyarrow.compute as pc

    def arrow(s: pd.Series):
        s = s.astype("string")
        if hasattr(s.array, "__arrow_array__"):
            return pa.array(s.array)
        return pa.array(s.astype(object), from_pandas=True)

    found = pc.is_in(arrow(values), value_set=pa.chunked_array(arrow(among)).combine_chunks())
    return np.asarray(found.to_numpy(zero_copy_only=False), dtype=bool)


def _key_codes(frames: list[pd.DataFrame], col: str) -> tuple[list[np.ndarray], int, int]:
    """Integer codes of column `col` for the rows of all `frames` together (one array per frame; same value, same
    code; a missing value is a value of its own, as in a MultiIndex or drop_duplicates), the number of distinct codes
    and the code of the missing value (−1 when none is missing)."""
    both = pd.concat([f[col].astype("string") for f in frames], ignore_index=True)
    codes, uniques = pd.factorize(both, use_na_sentinel=False)
    na = np.flatnonzero(pd.isna(uniques))
    codes = codes.astype(np.int64, copy=False)
    return np.split(codes, np.cumsum([len(f) for f in frames])[:-1]), len(uniques), int(na[0]) if len(na) else -1


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
    use_hist = not hist.empty and set(KEY) <= set(hist.columns)
    if use_hist:
        # only the columns the baselines need (history can be several months of a million posts each)
        hist = hist[[c for c in history_columns(v) if c in hist.columns]]
    frames = [out, hist] if use_hist else [out]
    # platform and account as integer codes shared by this period and the history (one factorisation each)
    plat_c, n_plat, na_plat = _key_codes(frames, "platform")
    acc_c, n_acc, na_acc = _key_codes(frames, "account")
    if use_hist:
        # history rows also in this period are dropped (this period's snapshot wins); only rows whose post_id occurs
        # in this period at all (one hash lookup per row) can be such rows, and only those are compared on the full key
        maybe = _in_arrow(hist["post_id"], out["post_id"]) | hist["post_id"].isna().to_numpy(dtype=bool)
        keep = np.ones(len(hist), dtype=bool)
        if maybe.any():
            ids = hist["post_id"][maybe]
            cur_rows = _in_arrow(out["post_id"], ids) | out["post_id"].isna().to_numpy(dtype=bool)
            cur = pd.MultiIndex.from_frame(out.loc[cur_rows, KEY].astype("string"))
            keep[maybe] = ~pd.MultiIndex.from_frame(hist.loc[maybe, KEY].astype("string")).isin(cur)
        plat_c[1], acc_c[1] = plat_c[1][keep], acc_c[1][keep]   # the history rows themselves are not copied
    # dense account numbers, −1 where the platform or the account is missing (no baseline)
    acct = np.concatenate([np.where((pc == na_plat) | (ac == na_acc), -1, pc * n_acc + ac)
                           for pc, ac in zip(plat_c, acc_c)])
    dense, _ = pd.factorize(acct)
    codes = np.where(acct < 0, -1, dense).astype(np.int64)
    del acct, dense, plat_c, acc_c   # a few arrays of every post and history row: let go before the baselines
    q_code, p_code = codes[: len(out)], codes[len(out):]
    q_val = out["primary_value"].to_numpy("float64", na_value=np.nan)
    q_timed = out["published_at"].notna().to_numpy(dtype=bool)
    q_t = _utc_ns(out["published_at"])
    # the pool: this period's posts and the remaining history rows, those with a publish time
    pool_code, pool_t, pool_val = np.where(q_timed, q_code, -1), q_t, q_val
    if use_hist:
        h_timed = hist["published_at"].notna().to_numpy(dtype=bool)[keep]
        h_val = _values(hist, hist["platform"], v.primary_metric).to_numpy()[keep]
        pool_code = np.concatenate((pool_code, np.where(h_timed, p_code, -1)))
        pool_t = np.concatenate((q_t, _utc_ns(hist["published_at"])[keep]))
        pool_val = np.concatenate((q_val, h_val))
        del h_timed, h_val
    del hist
    b, nb, zz = _baselines(q_code, q_t, q_timed, q_val, pool_code, pool_t, pool_val, v.baseline_days)
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
    names: dict = {}                                      # metric_name once per (platform, metric)
    texts = []
    for p, m, x, b, n, r, f, zz, st, vir in zip(
            plat[sel].tolist(), out["primary_metric"][sel].tolist(), out["primary_value"][sel].tolist(),
            base[sel].tolist(), nbase[sel].tolist(), rel_pass[sel].tolist(), floor_text[sel].tolist(),
            out["viral_z"][sel].tolist(), strong[sel].tolist(), out["viral"][sel].tolist()):
        rel = ""
        if r:
            name = names.get((p, m))
            if name is None:
                name = names[(p, m)] = metric_name(p, m) if isinstance(m, str) else ""
            rel = (f"相对门槛：{name} {fmt_num(x)} = 本账号近{v.baseline_days}天中位数"
                   f" {fmt_num(b)} 的 {x / b:.1f} 倍（≥{v.multiplier:g} 倍，基于 {n} 条历史作品）")
        text = "；".join(t for t in (f, rel, f"统计异常：修正z = {zz:.1f} > {v.strong_z:g}" if st else "") if t)
        texts.append(text if vir else "尚未成熟，暂不计入：" + text)
    rules[sel] = texts
    out["viral_rule"] = pd.Series(rules, index=out.index, dtype="string")
    return out


def viral_rate(posts: pd.DataFrame, by: list[str] | None = None) -> pd.DataFrame:
    """爆文率 = viral posts ÷ mature posts (only mature posts can be judged), per group."""
    by = by or ["platform", "account"]
    m = posts[posts["mature"].fillna(False).astype(bool)] if "mature" in posts.columns else posts.iloc[0:0]
    g = m.groupby(by, dropna=False).agg(mature_posts=("viral", "size"), viral_posts=("viral", "sum"))
    g["viral_rate"] = g["viral_posts"] / g["mature_posts"].where(g["mature_posts"] > 0)
    return g.reset_index()
