"""What was published and how it did: the post table, the overview with MoM/YoY, publishing, video vs image.

All functions are pure (DataFrame in, DataFrame out). Rates come from the metric dictionary (mediakpi.metrics).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..metrics import MetricDictionary, add_post_metrics, group_rate, load_metrics
from ..periods import Period

POST_COLUMNS = ["platform", "account", "operator", "post_id", "title", "published_at", "format", "media_type", "url",
                "views", "interactions", "engagement_rate", "er_denominator", "weighted_interactions",
                "weighted_engagement_rate", "likes", "comments", "shares", "saves", "followers_gained",
                "completion_rate", "avg_watch_seconds", "mature", "viral", "viral_rule", "viral_strong",
                "is_original", "on_time", "calendar_item", "primary_metric", "primary_value", "baseline_median", "flagged",
                "flag_reasons", "rank_in_account", "position"]
LEVELS = {"team": [], "platform": ["platform"], "account": ["platform", "account"], "operator": ["operator"]}
CHANGE_METRICS = ["posts", "views", "interactions", "engagement_rate", "net_growth", "viral_posts"]
RATE_METRICS = {"engagement_rate", "viral_rate", "growth_rate"}


def _bool(s: pd.Series) -> pd.Series:
    return s.astype("boolean")


def prepare_posts(posts_clean: pd.DataFrame, md: MetricDictionary | None = None) -> pd.DataFrame:
    """The period's posts (in_period) with the dictionary's per-post metrics added."""
    posts = posts_clean
    if "in_period" in posts.columns:
        posts = posts[_bool(posts["in_period"]).fillna(False).to_numpy()]
    out = add_post_metrics(posts.reset_index(drop=True), md)
    for col in ("viral", "viral_strong", "mature", "flagged"):
        if col not in out.columns:
            out[col] = pd.Series(pd.NA, index=out.index, dtype="boolean")
    return out


def content_posts(posts: pd.DataFrame, top_n: int = 5) -> pd.DataFrame:
    """One row per post in the period with its rate and denominator, viral flag and rule, link and top/bottom mark.

    `rank_in_account` ranks by engagement rate within the account (1 = best, posts without a rate unranked);
    `position` is 'top' / 'bottom' for the account's best and worst `top_n` (an account with fewer than 2×top_n
    ranked posts splits them so that no post is both).
    """
    out = posts.copy()
    ranked = out["engagement_rate"].notna()
    out["rank_in_account"] = pd.Series(pd.NA, index=out.index, dtype="Int64")
    out["position"] = pd.Series(pd.NA, index=out.index, dtype="string")
    if ranked.any():
        sub = out[ranked].sort_values(["engagement_rate", "views"], ascending=False)
        rank = sub.groupby(["platform", "account"], dropna=False).cumcount() + 1
        size = sub.groupby(["platform", "account"], dropna=False)["engagement_rate"].transform("size")
        out.loc[rank.index, "rank_in_account"] = rank.astype("Int64")
        k = np.minimum(top_n, size // 2)
        out.loc[rank.index[(rank <= k).to_numpy()], "position"] = "top"
        out.loc[rank.index[(rank > size - k).to_numpy()], "position"] = "bottom"
    for col in POST_COLUMNS:
        if col not in out.columns:
            out[col] = pd.NA
    out = out[POST_COLUMNS].sort_values(["platform", "account", "published_at"], na_position="last")
    for col in ("platform", "account", "operator", "post_id", "title", "format", "media_type", "url", "er_denominator",
                "viral_rule", "calendar_item", "primary_metric", "flag_reasons", "position"):
        out[col] = out[col].astype("string")
    for col in ("viral", "viral_strong", "mature", "is_original", "on_time", "flagged"):
        out[col] = out[col].astype("boolean")
    return out.reset_index(drop=True)


def _summarise(posts: pd.DataFrame, keys: list[str], md: MetricDictionary) -> pd.DataFrame:
    frame = posts.assign(
        _all="全部",
        _views=pd.to_numeric(posts["views"], errors="coerce").astype("float64"),
        _mature=posts["mature"].astype("boolean").fillna(False).astype("int64"),
        _viral=posts["viral"].astype("boolean").fillna(False).astype("int64"),
    )
    by = keys or ["_all"]
    g = frame.groupby(by, dropna=False, observed=True)
    out = pd.DataFrame({
        "posts": g.size().astype("int64"),
        "views": g["_views"].sum(min_count=1),
        "interactions": g["interactions"].sum(min_count=1).astype("float64"),
        "mature_posts": g["_mature"].sum().astype("int64"),
        "viral_posts": g["_viral"].sum().astype("int64"),
    }).reset_index()
    if out.empty and not keys:  # the team row exists even without posts
        out = pd.DataFrame({"_all": ["全部"], "posts": [0], "views": [np.nan], "interactions": [np.nan],
                            "mature_posts": [0], "viral_posts": [0]})
    er = group_rate(frame, "engagement_rate", by, md)
    out = out.merge(er[[*by, "engagement_rate", "engagement_rate_n"]], on=by, how="left")
    out["viral_rate"] = out["viral_posts"] / out["mature_posts"].where(out["mature_posts"] > 0)
    if not keys:
        out = out.drop(columns="_all")
    return out


def _growth(account_month: pd.DataFrame | None, keys: list[str]) -> pd.DataFrame:
    cols = [*keys, "net_growth", "followers_start", "growth_rate"]
    if account_month is None or account_month.empty or "net_growth" not in account_month.columns:
        return pd.DataFrame(columns=cols)
    am = account_month.copy()
    am["_start"] = (pd.to_numeric(am["followers_start"], errors="coerce") if "followers_start" in am.columns
                    else np.nan)
    if "month" in am.columns:  # followers at the start of the period = the first month's start per account
        first = am.sort_values("month").groupby(["platform", "account"], dropna=False)["month"].transform("min")
        am.loc[am["month"] != first, "_start"] = np.nan
    am["_net"] = pd.to_numeric(am["net_growth"], errors="coerce")
    if keys:
        g = am.groupby(keys, dropna=False)
        out = pd.DataFrame({"net_growth": g["_net"].sum(min_count=1), "followers_start": g["_start"].sum(min_count=1)})
        out = out.reset_index()
    else:
        out = pd.DataFrame({"net_growth": [am["_net"].sum(min_count=1)], "followers_start": [am["_start"].sum(min_count=1)]})
    out["growth_rate"] = out["net_growth"] / out["followers_start"].where(out["followers_start"] > 0)
    return out[cols]


def overview_table(posts: pd.DataFrame, account_month: pd.DataFrame | None = None,
                   md: MetricDictionary | None = None) -> pd.DataFrame:
    """One row per level (team, platform, account, operator): posts, views, interactions, engagement rate (Σ互动量 ÷
    Σ阅读/播放量 over posts with both), follower growth from account_month, viral posts and viral rate (÷ mature
    posts)."""
    md = md or load_metrics()
    frames = []
    for level, keys in LEVELS.items():
        if any(k not in posts.columns for k in keys):
            continue
        part = _summarise(posts, keys, md)
        growth_keys = keys if level != "operator" or (account_month is not None and "operator" in account_month) else None
        if growth_keys is not None:
            # outer: an account that posted nothing this period still shows its follower growth
            part = part.merge(_growth(account_month, keys), on=keys, how="outer") if keys else \
                pd.concat([part, _growth(account_month, keys)], axis=1)
        for col in ("posts", "mature_posts", "viral_posts"):
            part[col] = part[col].fillna(0).astype("int64")
        part.insert(0, "level", level)
        frames.append(part)
    out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    for col in ("platform", "account", "operator", "net_growth", "followers_start", "growth_rate"):
        if col not in out.columns:
            out[col] = pd.NA
    if "operator" in out.columns and "platform" in out.columns:
        # account rows name the account's operator (first seen) for reading convenience
        ops = posts.dropna(subset=["operator"]).groupby(["platform", "account"])["operator"].first() \
            if "operator" in posts.columns and not posts.empty else pd.Series(dtype="string")
        acc = out["level"] == "account"
        out.loc[acc, "operator"] = [ops.get((p, a), pd.NA) for p, a in zip(out.loc[acc, "platform"], out.loc[acc, "account"])]
    return out


def _change(cur: pd.Series, prev: pd.Series, rate: bool) -> pd.Series:
    cur, prev = pd.to_numeric(cur, errors="coerce"), pd.to_numeric(prev, errors="coerce")
    if rate:
        return cur - prev
    return (cur - prev) / prev.where(prev != 0).abs()


def add_changes(current: pd.DataFrame, previous: pd.DataFrame | None, suffix: str) -> pd.DataFrame:
    """Add `<metric>_<suffix>` for CHANGE_METRICS: relative change for counts, difference for rates (fractions),
    NaN where the earlier period has no data."""
    keys = ["level", "platform", "account", "operator"]
    out = current.copy()
    if previous is None or previous.empty:
        for m in CHANGE_METRICS:
            out[f"{m}_{suffix}"] = np.nan
        return out
    prev = previous[[*keys, *[m for m in CHANGE_METRICS if m in previous.columns]]]
    prev = prev.rename(columns={m: f"_prev_{m}" for m in CHANGE_METRICS})
    norm = lambda df: df.assign(**{k: df[k].astype("string").fillna("\x00") for k in keys})  # noqa: E731
    merged = norm(out).merge(norm(prev), on=keys, how="left")
    for m in CHANGE_METRICS:
        out[f"{m}_{suffix}"] = _change(merged[m], merged.get(f"_prev_{m}", pd.Series(np.nan, index=merged.index)),
                                       m in RATE_METRICS).to_numpy()
    return out


def earlier_period_months(period: str) -> tuple[list[str], list[str]]:
    """(previous period's months, same period a year earlier's months)."""
    from ..periods import month_shift

    months = Period.parse(period).months
    n = len(months)
    return [month_shift(m, -n) for m in months], [month_shift(m, -12) for m in months]


def publishing_table(posts: pd.DataFrame, calendar_match: pd.DataFrame | None, period: str) -> pd.DataFrame:
    """Per account and per operator: posts, active days, posts per week, original ratio (original ÷ posts whose
    是否原创 is known), planned items due, on time / late / missed, on-time rate (on time ÷ due), unplanned posts."""
    p = Period.parse(period)
    weeks = p.days / 7
    cm = calendar_match if calendar_match is not None else pd.DataFrame()
    if not cm.empty and "planned_at" in cm.columns and getattr(cm["planned_at"].dtype, "tz", None) is not None:
        cm = cm[p.contains(cm["planned_at"]).fillna(False).to_numpy()]
    rows = []
    for level, keys in (("account", ["platform", "account"]), ("operator", ["operator"]), ("team", [])):
        groups = posts.groupby(keys, dropna=False) if keys else [((), posts)]
        seen = set()
        for key, g in groups:
            key = key if isinstance(key, tuple) else (key,)
            seen.add(key)
            row = {"level": level, **dict(zip(keys, key))}
            orig = g["is_original"].astype("boolean") if "is_original" in g else pd.Series(dtype="boolean")
            row.update(posts=len(g), active_days=int(g["published_at"].dt.date.nunique()) if len(g) else 0,
                       posts_per_week=len(g) / weeks, original_posts=int(orig.fillna(False).sum()),
                       original_known=int(orig.notna().sum()),
                       unplanned_posts=int(g["calendar_item"].isna().sum()) if "calendar_item" in g else np.nan)
            c = cm
            if keys and not cm.empty and all(k in cm.columns for k in keys):
                mask = np.ones(len(cm), dtype=bool)
                for k, v in zip(keys, key):
                    mask &= (cm[k].astype("string") == v).fillna(False).to_numpy() if not pd.isna(v) else cm[k].isna().to_numpy()
                c = cm[mask]
            elif keys and not cm.empty:
                c = cm.iloc[0:0]
            status = c["status"].astype("string") if "status" in c else pd.Series(dtype="string")
            row.update(planned_due=int(status.isin(["on_time", "late", "missed"]).sum()),
                       on_time=int((status == "on_time").sum()), late=int((status == "late").sum()),
                       missed=int((status == "missed").sum()), not_due=int((status == "not_due").sum()))
            rows.append(row)
        # accounts/operators with planned items but no post in the period
        if keys and not cm.empty and all(k in cm.columns for k in keys):
            for key, c in cm.groupby(keys, dropna=False):
                key = key if isinstance(key, tuple) else (key,)
                if key in seen:
                    continue
                status = c["status"].astype("string")
                rows.append({"level": level, **dict(zip(keys, key)), "posts": 0, "active_days": 0,
                             "posts_per_week": 0.0, "original_posts": 0, "original_known": 0, "unplanned_posts": 0,
                             "planned_due": int(status.isin(["on_time", "late", "missed"]).sum()),
                             "on_time": int((status == "on_time").sum()), "late": int((status == "late").sum()),
                             "missed": int((status == "missed").sum()), "not_due": int((status == "not_due").sum())})
    out = pd.DataFrame(rows)
    for col in ("platform", "account", "operator"):
        if col not in out.columns:
            out[col] = pd.NA
    if "operator" in posts.columns and not posts.empty:  # account rows name the account's operator
        ops = posts.dropna(subset=["operator"]).groupby(["platform", "account"])["operator"].first()
        acc = (out["level"] == "account").to_numpy()
        out.loc[acc, "operator"] = [ops.get((p_, a), pd.NA) for p_, a in zip(out.loc[acc, "platform"], out.loc[acc, "account"])]
    out["original_ratio"] = out["original_posts"] / out["original_known"].where(out["original_known"] > 0)
    out["on_time_rate"] = out["on_time"] / out["planned_due"].where(out["planned_due"] > 0)
    first = ["level", "platform", "account", "operator"]
    return out[first + [c for c in out.columns if c not in first]]


def video_table(posts: pd.DataFrame, md: MetricDictionary | None = None) -> pd.DataFrame:
    """Completion and watch time per platform, account and media type, video and image kept apart: video rows report
    视频完播率 and 平均观看时长, image rows 图文阅读完成率 (never mixed in one number)."""
    md = md or load_metrics()
    rows = []
    if posts.empty or "media_type" not in posts.columns:
        return pd.DataFrame(columns=["platform", "account", "operator", "media_type", "completion_metric", "posts",
                                     "completion_n", "completion_median", "completion_mean", "watch_n",
                                     "watch_seconds_median"])
    for (plat, acc, media), g in posts.groupby(["platform", "account", "media_type"], dropna=False):
        comp = pd.to_numeric(g["completion_rate"], errors="coerce") if "completion_rate" in g else pd.Series(dtype=float)
        watch = pd.to_numeric(g["avg_watch_seconds"], errors="coerce") if "avg_watch_seconds" in g else pd.Series(dtype=float)
        key = "video_completion_rate" if media == "video" else "article_read_completion"
        rows.append({"platform": plat, "account": acc,
                     "operator": g["operator"].dropna().iloc[0] if g["operator"].notna().any() else pd.NA,
                     "media_type": media, "completion_metric": md.metrics[key].name, "posts": len(g),
                     "completion_n": int(comp.notna().sum()), "completion_median": comp.median(),
                     "completion_mean": comp.mean(),
                     "watch_n": int(watch.notna().sum()) if media == "video" else 0,
                     "watch_seconds_median": watch.median() if media == "video" else np.nan})
    return pd.DataFrame(rows)


def engagement_decay(snapshots: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """Growth of views and interactions between snapshots of the same post (several exports of one post).

    `snapshots`: rows of posts/posts_clean from several months (or files), with snapshot_at. Returns one row per post
    and snapshot (age_days, views, interactions, share of the last snapshot's views reached) and a plain note; when no
    post has two snapshots the table is empty and the note says so.
    """
    cols = ["platform", "account", "post_id", "title", "snapshot_at", "age_days", "views", "interactions",
            "views_share_of_last"]
    if snapshots is None or snapshots.empty or "snapshot_at" not in snapshots.columns:
        return pd.DataFrame(columns=cols), "没有作品快照时间（snapshot_at），无法计算互动衰减。"
    s = snapshots.dropna(subset=["snapshot_at"]).copy()
    s = s.drop_duplicates(["platform", "account", "post_id", "snapshot_at"], keep="last")
    counts = s.groupby(["platform", "account", "post_id"])["snapshot_at"].transform("nunique")
    s = s[counts >= 2]
    if s.empty:
        return pd.DataFrame(columns=cols), "同一作品只有一次快照（每月导出一次），无法计算互动衰减；如需衰减曲线，请在发布后第1天和第7天各导出一次。"
    if "interactions" not in s.columns:
        s = add_post_metrics(s)
    s["age_days"] = (s["snapshot_at"] - s["published_at"]) / pd.Timedelta(days=1)
    s = s.sort_values(["platform", "account", "post_id", "snapshot_at"])
    last = s.groupby(["platform", "account", "post_id"])["views"].transform("last").astype("float64")
    s["views_share_of_last"] = pd.to_numeric(s["views"], errors="coerce") / last.where(last > 0)
    n = s.groupby(["platform", "account", "post_id"]).ngroups
    return s[cols].reset_index(drop=True), f"{n} 篇作品有多次快照，可比较不同发布天数时的阅读/播放量。"
