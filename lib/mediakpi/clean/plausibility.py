"""Impossible values and fraud signals (刷量). Every finding is a flag; no row is ever dropped."""
from __future__ import annotations

import numpy as np
import pandas as pd

from .config import QualityConfig
from .period import day_text
from .records import FLAGS, column_name, concat_flags, flags_from, fmt_num

# Iglewicz & Hoaglin (1993): M = 0.6745 (x − median) / MAD; when MAD = 0, the mean absolute deviation with 0.7979.
_K_MAD = 0.6745
_K_MEANAD = 0.7979


def robust_center_scale(values) -> tuple[float, float]:
    """(median, scale) such that the modified z of x is scale · (x − median); scale is NaN when there is no spread."""
    x = pd.to_numeric(pd.Series(values), errors="coerce").astype("float64").dropna()
    if x.empty:
        return np.nan, np.nan
    med = x.median()
    dev = (x - med).abs()
    mad = dev.median()
    if mad > 0:
        return med, _K_MAD / mad
    mean_ad = dev.mean()
    return (med, _K_MEANAD / mean_ad) if mean_ad > 0 else (med, np.nan)


def modified_z(values: pd.Series) -> pd.Series:
    """Iglewicz–Hoaglin modified z of each value within the series (NaN stays NaN; NaN when no spread at all)."""
    x = pd.to_numeric(values, errors="coerce").astype("float64")
    med, scale = robust_center_scale(x)
    return scale * (x - med)


def modified_z_by(values: pd.Series, groups: list[pd.Series], min_n: int = 1) -> pd.Series:
    """modified_z within each group; NaN for groups with fewer than `min_n` non-null values.

    Vectorised with grouped medians (the same numbers as modified_z per group); only groups whose MAD is zero fall
    back to robust_center_scale one by one (the mean-absolute-deviation rule)."""
    x = pd.to_numeric(values, errors="coerce").astype("float64")
    if x.empty:
        return pd.Series(np.nan, index=values.index, dtype="float64")
    g = x.groupby(groups, dropna=False)
    n = g.transform("count")
    med = g.transform("median")
    dev = (x - med).abs()
    mad = dev.groupby(groups, dropna=False).transform("median")
    scale = _K_MAD / mad.where(mad > 0)
    big = n >= min_n
    no_mad = big & ~(mad > 0)
    if no_mad.any():
        ids = g.ngroup()
        for gid in pd.unique(ids[no_mad]):
            idx = ids.index[(ids == gid).to_numpy()]
            scale.loc[idx] = robust_center_scale(x.loc[idx])[1]
    return (scale * (x - med)).where(big).astype("float64")


def _num(posts: pd.DataFrame, col: str) -> pd.Series:
    if col not in posts.columns:
        return pd.Series(np.nan, index=posts.index, dtype="float64")
    return pd.to_numeric(posts[col], errors="coerce").astype("float64")


def plausibility_flags(posts: pd.DataFrame, cfg: QualityConfig, now: pd.Timestamp | None = None) -> pd.DataFrame:
    """Impossible values: negative counts (net columns excepted), absurdly large counts, rates outside 0–1, a publish
    time after the export was taken or after `now` (the run's time), likes above views where a like needs a view, a
    missing publish time."""
    pc = cfg.plausibility
    now = pd.Timestamp.now(tz="Asia/Shanghai") if now is None else now
    frames = []
    for col in pc.count_columns:
        if col not in posts.columns:
            continue
        v = _num(posts, col)
        name = column_name(col)
        big = v > pc.max_count
        frames.append(flags_from(posts, big, "absurd_count", "error",
                                 v[big].map(lambda x, name=name: f"{name} = {fmt_num(x)}，大得不可能：请核对导出文件（单位或多余的数字？）")))
        if col in pc.allow_negative:
            continue
        neg = v < 0
        frames.append(flags_from(posts, neg, "negative_count", "error",
                                 v[neg].map(lambda x, name=name: f"{name} 为负数（{fmt_num(x)}）：计数不可能为负，请核对导出文件")))
    for col in pc.rate_columns:
        if col not in posts.columns:
            continue
        v = _num(posts, col)
        exempt = posts["platform"].isin([p for p, cols in pc.rate_exempt.items() if col in cols])
        out_of = ((v > 1) | (v < 0)) & ~exempt
        name = column_name(col)
        frames.append(flags_from(posts, out_of, "rate_out_of_range", "error",
                                 v[out_of].map(lambda x, name=name: f"{name} = {x:.4g}，比率应在 0–1 之间（百分数是否被当成了小数？）")))
    if "snapshot_at" in posts.columns:
        snap = posts["snapshot_at"]
        # a date-only snapshot (00:00) means "that day": allow the whole day
        midnight = (snap - snap.dt.normalize()) == pd.Timedelta(0)
        limit = snap + pd.to_timedelta(midnight.fillna(False).astype(int), unit="D")
        future = (posts["published_at"] > limit).fillna(False)
        frames.append(flags_from(posts, future, "published_after_snapshot", "error",
                                 "发布时间晚于导出时间：请检查发布时间或导出日期"))
    ahead = (posts["published_at"] > now).fillna(False)
    frames.append(flags_from(posts, ahead, "published_in_future", "error",
                             "发布时间在未来（晚于本次运行时间）：请检查发布时间的格式或年份"))
    if {"likes", "views"} <= set(posts.columns):
        likes, views = _num(posts, "likes"), _num(posts, "views")
        lower = posts["views_lower_bound"].fillna(False).astype(bool) if "views_lower_bound" in posts.columns \
            else pd.Series(False, index=posts.index)
        bad = posts["platform"].isin(pc.likes_le_views_platforms) & (likes > views) & ~lower
        msg = pd.Series([f"点赞（{fmt_num(a)}）多于播放/浏览（{fmt_num(b)}）：该平台上不可能，请核对数据"
                         for a, b in zip(likes[bad], views[bad])], index=posts.index[bad.to_numpy(dtype=bool)])
        frames.append(flags_from(posts, bad, "likes_above_views", "error", msg))
    frames.append(flags_from(posts, posts["published_at"].isna(), "missing_published_at", "warn",
                             "缺少发布时间：无法判断是否属于本期"))
    if "snapshot_conflict" in posts.columns:   # ingest.conflicts: two copies the platform cannot both have produced
        clash = posts["snapshot_conflict"].astype("boolean").fillna(False).to_numpy(dtype=bool)
        frames.append(flags_from(posts, pd.Series(clash, index=posts.index), "snapshot_conflict", "warn",
                                 "两份导出不一致：互动数增加而播放/阅读没有增加，平台不会这样变化；已按较低的数字计，请负责人核对后处理"))
    return concat_flags(frames)


def _far(log_ratio: pd.Series, groups: list[pd.Series], min_fold: float) -> pd.Series:
    """True where the ratio is at least `min_fold` times (or 1/min_fold) the account's median ratio: a tiny MAD must
    not turn rounding noise into a fraud signal."""
    med = log_ratio.groupby(groups, dropna=False).transform("median")
    return (log_ratio - med).abs() >= np.log(min_fold)


def wilson_bounds(successes, trials, z: float) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval of the proportion successes ÷ trials (successes clipped to trials), vectorised;
    NaN where trials ≤ 0 or either is missing. z = 0 gives the proportion itself."""
    n = np.asarray(trials, dtype="float64")
    x = np.minimum(np.asarray(successes, dtype="float64"), n)
    with np.errstate(divide="ignore", invalid="ignore"):
        ok = n > 0
        p = np.where(ok, x / n, np.nan)
        z2 = z * z
        denom = 1 + z2 / n
        centre = (p + z2 / (2 * n)) / denom
        half = z * np.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denom
    lo = np.where(ok, np.clip(centre - half, 0.0, 1.0), np.nan)
    hi = np.where(ok, np.clip(centre + half, 0.0, 1.0), np.nan)
    return lo, hi


def _baseline(ratio: pd.Series, groups: list[pd.Series]) -> pd.Series:
    """The account's median ratio (exp of the median log ratio, over the posts that have one)."""
    return np.exp(np.log(ratio).groupby(groups, dropna=False).transform("median"))


def fraud_flags(posts: pd.DataFrame, cfg: QualityConfig) -> pd.DataFrame:
    """刷量 signals: within each account, the modified z of log(interactions ÷ views) far above the account's norm, and
    of log(views ÷ likes) far off in either direction. Needs `min_posts` posts with both numbers in the account, and
    enough evidence in the post itself: at least `min_views` views, and the ratio's Wilson score interval (z =
    `wilson_z`) clear of the account's median ratio by `min_fold` (a 14-view post with 2 likes proves nothing)."""
    fc = cfg.fraud
    if posts.empty:
        return concat_flags([])
    groups = [posts["platform"], posts["account"]]
    views = _num(posts, "views")
    lower = posts["views_lower_bound"].fillna(False).astype(bool) if "views_lower_bound" in posts.columns \
        else pd.Series(False, index=posts.index)
    enough = (views >= fc.min_views).to_numpy(dtype=bool)
    frames = []
    thr = fc.modified_z_threshold
    if fc.interactions_per_view:
        parts = [_num(posts, c) for c in ["likes", "comments", "shares", "saves"]]
        inter = pd.concat(parts, axis=1).sum(axis=1, min_count=1)
        ok = (views > 0) & (inter > 0) & ~lower
        ratio = np.log(inter.where(ok) / views.where(ok))
        z = modified_z_by(ratio, groups, fc.min_posts).where(_far(ratio, groups, fc.min_fold))
        # interactions per view as a proportion (one interaction per view at most): its lower bound must clear the
        # account's median by min_fold
        base = np.minimum(_baseline(np.exp(ratio), groups).to_numpy(), 1.0)
        lo, _ = wilson_bounds(inter.to_numpy("float64", na_value=np.nan), views.to_numpy("float64", na_value=np.nan),
                              fc.wilson_z)
        evidence = enough & (lo >= np.minimum(base * fc.min_fold, 1.0))
        hit = ((z > thr).fillna(False) & evidence).astype(bool)
        msg = pd.Series([f"互动/浏览比 {np.exp(r):.2%}，远高于本账号常态（修正z={v:.1f} > {thr:g}），疑似刷量"
                         for r, v in zip(ratio[hit], z[hit])], index=posts.index[hit.to_numpy(dtype=bool)], dtype=object)
        frames.append(flags_from(posts, hit, "fraud_interactions_per_view", "warn", msg))
    if fc.views_per_like:
        likes = _num(posts, "likes")
        ok = (views > 0) & (likes > 0) & ~lower
        ratio = np.log(views.where(ok) / likes.where(ok))
        z = modified_z_by(ratio, groups, fc.min_posts).where(_far(ratio, groups, fc.min_fold))
        # the like rate (likes ÷ views) and its interval against the account's median like rate
        rate = 1 / _baseline(np.exp(ratio), groups).to_numpy()
        lo, hi = wilson_bounds(likes.to_numpy("float64", na_value=np.nan), views.to_numpy("float64", na_value=np.nan),
                               fc.wilson_z)
        few_likes = (z > thr).fillna(False).to_numpy(dtype=bool) & (hi <= rate / fc.min_fold)
        many_likes = (z < -thr).fillna(False).to_numpy(dtype=bool) & (lo >= np.minimum(rate * fc.min_fold, 1.0))
        hit = pd.Series(enough & (few_likes | many_likes), index=posts.index)
        msg = pd.Series([
            f"浏览/点赞比 {np.exp(r):,.0f}:1，{'远高于' if v > 0 else '远低于'}本账号常态（修正z={v:.1f}），"
            f"{'疑似刷阅读/播放' if v > 0 else '疑似刷赞'}"
            for r, v in zip(ratio[hit], z[hit])], index=posts.index[hit.to_numpy(dtype=bool)], dtype=object)
        frames.append(flags_from(posts, hit, "fraud_views_per_like", "warn", msg))
    return concat_flags(frames)


def duplicate_flags(posts: pd.DataFrame, title_keys: pd.Series | None = None) -> pd.DataFrame:
    """Posts that look like the same post listed twice under different ids (e.g. one export gives a URL, another only
    title + date): same platform, account, normalised title, publish day and the same non-null views. Both are kept
    and flagged, so the double count is visible; which one to drop is a decision for ingest or the team.
    `title_keys`: normalise_titles(posts["title"]) when the caller already has it."""
    from .calendar import normalise_titles

    if posts.empty or "views" not in posts.columns:
        return concat_flags([])
    key = pd.DataFrame({
        "p": posts["platform"], "a": posts["account"], "t": normalise_titles(posts["title"]) if title_keys is None else title_keys.reindex(posts.index),
        "d": day_text(posts["published_at"], "%Y-%m-%d"), "v": _num(posts, "views"),
    }, index=posts.index)
    ok = key["t"].ne("") & key["d"].notna() & key["v"].notna()
    k = key[ok]
    ids = posts.loc[ok, "post_id"].astype("string")
    n_ids = ids.groupby([k["p"], k["a"], k["t"], k["d"], k["v"]], dropna=False).transform("nunique")
    dup = pd.Series(False, index=posts.index)
    dup.loc[n_ids.index] = (n_ids > 1).to_numpy()
    return flags_from(posts, dup, "suspected_duplicate", "warn",
                      "与另一条作品标题、发布日期和阅读/播放量都相同，但作品ID不同：疑似同一作品被重复计入，请核对")


def attach_flags(posts: pd.DataFrame, flags: pd.DataFrame) -> pd.DataFrame:
    """Add `flagged` and `flag_reasons` (the warn/error messages joined with '；') to posts, by (platform, account,
    post_id). Info-level flags stay in flags.parquet only."""
    out = posts.copy(deep=False)   # copy-on-write (pandas 3): shallow is enough
    key = ["platform", "account", "post_id"]
    if flags.empty:
        out["flagged"] = False
        out["flag_reasons"] = pd.Series(pd.NA, index=out.index, dtype="string")
        return out
    real = flags[(flags["level"] != "info") & flags["message"].notna()]   # info (e.g. operator corrected) is no doubt
    if real.empty:
        out["flagged"] = False
        out["flag_reasons"] = pd.Series(pd.NA, index=out.index, dtype="string")
        return out
    real = real.drop_duplicates(key + ["message"]).astype({"message": object})
    reasons = real.groupby(key, dropna=False)["message"].agg("；".join)
    joined = out[key].merge(reasons.rename("flag_reasons").reset_index(), on=key, how="left")
    out["flag_reasons"] = joined["flag_reasons"].astype("string").values
    out["flagged"] = out["flag_reasons"].notna()
    return out


__all__ = ["robust_center_scale", "modified_z", "modified_z_by", "wilson_bounds", "plausibility_flags", "fraud_flags", "duplicate_flags", "attach_flags", "FLAGS"]
