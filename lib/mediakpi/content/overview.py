"""What was published and how it did: the post table, the overview with MoM/YoY, publishing, video vs image.

All functions are pure (DataFrame in, DataFrame out). Rates come from the metric dictionary (mediakpi.metrics).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..metrics import MetricDictionary, add_post_metrics, group_rate, load_metrics, ratio_parts
from ..ownership import whole_months
from ..periods import Period

POST_COLUMNS = ["platform", "account", "operator", "post_id", "title", "published_at", "format", "media_type", "url",
                "views", "interactions", "engagement_rate", "er_denominator", "weighted_interactions",
                "weighted_engagement_rate", "likes", "comments", "shares", "saves", "followers_gained",
                "completion_rate", "avg_watch_seconds", "mature", "viral", "viral_rule", "viral_strong",
                "is_original", "on_time", "calendar_item", "primary_metric", "primary_value", "baseline_median", "flagged",
                "flag_reasons", "rank_in_account", "position", "views_lower_bound"]
LEVELS = {"team": [], "platform": ["platform"], "account": ["platform", "account"], "operator": ["operator"]}
CHANGE_METRICS = ["posts", "views", "interactions", "engagement_rate", "net_growth", "viral_posts"]
RATE_METRICS = {"engagement_rate", "viral_rate", "growth_rate"}


def _bool(s: pd.Series) -> pd.Series:
    return s.astype("boolean")


def prepare_posts(posts_clean: pd.DataFrame, md: MetricDictionary | None = None) -> pd.DataFrame:
    """The period's posts (in_period) with the dictionary's per-post metrics added."""
    posts = posts_clean
    if "in_period" in posts.columns:
        in_period = _bool(posts["in_period"]).fillna(False).to_numpy()
        if not in_period.all():  # (a month's export is usually all in period: no copy then)
            posts = posts[in_period]
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
    # ranks and order are computed on the few columns they need; the table's own columns are taken once, in order
    # (copying the whole posts frame first cost a second copy of every column at a million posts)
    rank_in_account = pd.Series(pd.NA, index=posts.index, dtype="Int64")
    position = pd.Series(pd.NA, index=posts.index, dtype="string")
    ranked = posts["engagement_rate"].notna()
    if ranked.any():
        sub = posts.loc[ranked, ["platform", "account", "engagement_rate", "views"]] \
            .sort_values(["engagement_rate", "views"], ascending=False)
        rank = sub.groupby(["platform", "account"], dropna=False).cumcount() + 1
        size = sub.groupby(["platform", "account"], dropna=False)["engagement_rate"].transform("size")
        rank_in_account.loc[rank.index] = rank.astype("Int64")
        k = np.minimum(top_n, size // 2)
        position.loc[rank.index[(rank <= k).to_numpy()]] = "top"
        position.loc[rank.index[(rank > size - k).to_numpy()]] = "bottom"
    order = posts[["platform", "account", "published_at"]].sort_values(["platform", "account", "published_at"],
                                                                        na_position="last").index
    out = pd.DataFrame(index=posts.index)
    for col in POST_COLUMNS:
        out[col] = (rank_in_account if col == "rank_in_account" else position if col == "position"
                    else posts[col] if col in posts.columns else pd.NA)
    out = out.loc[order]
    for col in ("platform", "account", "operator", "post_id", "title", "format", "media_type", "url", "er_denominator",
                "viral_rule", "calendar_item", "primary_metric", "flag_reasons", "position"):
        out[col] = out[col].astype("string")
    for col in ("viral", "viral_strong", "mature", "is_original", "on_time", "flagged", "views_lower_bound"):
        out[col] = out[col].astype("boolean")
    return out.reset_index(drop=True)


def _summarise(posts: pd.DataFrame, keys: list[str], md: MetricDictionary,
               parts: tuple[pd.Series, pd.Series] | None = None) -> pd.DataFrame:
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
    er = group_rate(frame, "engagement_rate", by, md, parts=parts)
    out = out.merge(er[[*by, "engagement_rate", "engagement_rate_n"]], on=by, how="left")
    out["viral_rate"] = out["viral_posts"] / out["mature_posts"].where(out["mature_posts"] > 0)
    if not keys:
        out = out.drop(columns="_all")
    return out


def _growth(account_month: pd.DataFrame | None, keys: list[str]) -> pd.DataFrame:
    cols = [*keys, "net_growth", "followers_start", "growth_rate"]
    if account_month is None or account_month.empty or "net_growth" not in account_month.columns:
        return pd.DataFrame(columns=cols)
    am = account_month.copy() if "operator" in keys or "month" not in account_month.columns \
        else whole_months(account_month)   # an account's start once, not once per holder of a hand-over month
    am["_start"] = (pd.to_numeric(am["followers_start"], errors="coerce") if "followers_start" in am.columns
                    else np.nan)
    if "month" in am.columns:  # followers at the start of the period = the first month's start per account
        first = am.groupby(["platform", "account"], dropna=False)["month"].transform("min")  # aligned with am
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
    parts = ratio_parts(posts, "engagement_rate", md)  # per post once, grouped four ways below
    for level, keys in LEVELS.items():
        if any(k not in posts.columns for k in keys):
            continue
        part = _summarise(posts, keys, md, parts)
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


# calendar_match status -> the publishing column counting it
_STATUS_COLUMNS = {"planned_due": ["on_time", "late", "missed"], "on_time": ["on_time"], "late": ["late"],
                   "missed": ["missed"], "not_due": ["not_due"]}
_PUBLISHING_COUNTS = ["posts", "active_days", "posts_per_week", "original_posts", "original_known", "unplanned_posts",
                      *_STATUS_COLUMNS]


def _status_counts(cm: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Planned items by status per group of `keys` (one row of totals when keys is empty), join keys as strings."""
    status = cm["status"].astype("string") if "status" in cm else pd.Series(pd.NA, index=cm.index, dtype="string")
    flags = pd.DataFrame({col: status.isin(values).to_numpy().astype("int64")
                          for col, values in _STATUS_COLUMNS.items()}, index=cm.index)
    if not keys:
        return flags.sum().to_frame().T
    for k in keys:
        flags[k] = cm[k].astype("string")
    return flags.groupby(keys, dropna=False, sort=True).sum().reset_index()


def _post_counts(posts: pd.DataFrame, keys: list[str], weeks: float) -> pd.DataFrame:
    """Posts, active days, original and unplanned counts per group of `keys` (one row when keys is empty)."""
    orig = posts["is_original"].astype("boolean") if "is_original" in posts else \
        pd.Series(pd.NA, index=posts.index, dtype="boolean")
    frame = pd.DataFrame({
        "_day": posts["published_at"].dt.normalize(),  # the calendar day in the timestamps' own time zone
        "original_posts": orig.fillna(False).to_numpy().astype("int64"),
        "original_known": orig.notna().to_numpy().astype("int64"),
        "unplanned_posts": posts["calendar_item"].isna().to_numpy().astype("int64") if "calendar_item" in posts
        else np.zeros(len(posts), dtype="int64"),
    }, index=posts.index)
    by = [posts[k] for k in keys] if keys else np.zeros(len(posts), dtype="int64")
    g = frame.groupby(by, dropna=False, sort=True)
    out = pd.DataFrame({"posts": g.size(), "active_days": g["_day"].nunique()})
    out = out.join(g[["original_posts", "original_known", "unplanned_posts"]].sum())
    out = out.reset_index(drop=not keys)
    if not keys and out.empty:  # the team row exists even without posts
        out = pd.DataFrame({c: [0] for c in out.columns})
    out["posts_per_week"] = out["posts"] / weeks
    if "calendar_item" not in posts:
        out["unplanned_posts"] = np.nan
    return out


def publishing_table(posts: pd.DataFrame, calendar_match: pd.DataFrame | None, period: str) -> pd.DataFrame:
    """Per account and per operator: posts, active days, posts per week, original ratio (original ÷ posts whose
    是否原创 is known), planned items due, on time / late / missed, on-time rate (on time ÷ due), unplanned posts.

    Vectorised: posts and calendar items are each counted with one groupby per level and joined on the level's keys
    (compared as text, a missing key matching a missing key), instead of filtering both frames per account."""
    p = Period.parse(period)
    weeks = p.days / 7
    cm = calendar_match if calendar_match is not None else pd.DataFrame()
    if not cm.empty and "planned_at" in cm.columns and getattr(cm["planned_at"].dtype, "tz", None) is not None:
        cm = cm[p.contains(cm["planned_at"]).fillna(False).to_numpy()]
    parts = []
    for level, keys in (("account", ["platform", "account"]), ("operator", ["operator"]), ("team", [])):
        counts = _post_counts(posts, keys, weeks)
        has_keys = all(k in cm.columns for k in keys)
        if keys and not (has_keys and not cm.empty):
            status = None  # no calendar for this level: every status count is 0
        else:
            status = _status_counts(cm, keys)
        if not keys:
            counts = pd.concat([counts, status], axis=1) if status is not None else counts
        elif status is not None:
            join = counts[keys].astype("string")
            merged = join.merge(status, on=keys, how="left")  # left merge keeps the left order
            for col in _STATUS_COLUMNS:
                counts[col] = merged[col].fillna(0).astype("int64").to_numpy()
            # accounts/operators with planned items but no post in the period, in the calendar's key order
            seen = pd.MultiIndex.from_frame(join)
            extra = status[~pd.MultiIndex.from_frame(status[keys]).isin(seen)]
            if not extra.empty:
                extra = extra.assign(posts=0, active_days=0, posts_per_week=0.0, original_posts=0, original_known=0,
                                     unplanned_posts=0)
                counts = pd.concat([counts, extra], ignore_index=True)
        for col in _STATUS_COLUMNS:
            if col not in counts:
                counts[col] = 0
        counts.insert(0, "level", level)
        parts.append(counts)
    out = pd.concat(parts, ignore_index=True)
    for col in ("platform", "account", "operator"):
        if col not in out.columns:
            out[col] = pd.NA
        out[col] = out[col].astype("str")
    for col in _PUBLISHING_COUNTS:
        if col not in ("posts_per_week", "unplanned_posts"):
            out[col] = out[col].astype("int64")
    if "operator" in posts.columns and not posts.empty:  # account rows name the account's operator (first seen)
        ops = posts.dropna(subset=["operator"]).groupby(["platform", "account"])["operator"].first()
        acc = (out["level"] == "account").to_numpy()
        keys = pd.MultiIndex.from_arrays([out.loc[acc, "platform"], out.loc[acc, "account"]])
        out.loc[acc, "operator"] = ops.reindex(keys).to_numpy()
    out["original_ratio"] = out["original_posts"] / out["original_known"].where(out["original_known"] > 0)
    out["on_time_rate"] = out["on_time"] / out["planned_due"].where(out["planned_due"] > 0)
    first = ["level", "platform", "account", "operator"]
    return out[first + _PUBLISHING_COUNTS + ["original_ratio", "on_time_rate"]]


def video_table(posts: pd.DataFrame, md: MetricDictionary | None = None) -> pd.DataFrame:
    """Completion and watch time per platform, account and media type, video and image kept apart: video rows report
    视频完播率 and 平均观看时长, image rows 图文阅读完成率 (never mixed in one number)."""
    md = md or load_metrics()
    cols = ["platform", "account", "operator", "media_type", "completion_metric", "posts", "completion_n",
            "completion_median", "completion_mean", "watch_n", "watch_seconds_median"]
    if posts.empty or "media_type" not in posts.columns:
        return pd.DataFrame(columns=cols)
    nan = pd.Series(np.nan, index=posts.index, dtype="float64")
    frame = pd.DataFrame({
        "operator": posts["operator"],
        "comp": pd.to_numeric(posts["completion_rate"], errors="coerce") if "completion_rate" in posts else nan,
        "watch": pd.to_numeric(posts["avg_watch_seconds"], errors="coerce") if "avg_watch_seconds" in posts else nan,
    }, index=posts.index)
    # one groupby with aggregations instead of a Python loop over (platform, account, media type) groups
    g = frame.groupby([posts["platform"], posts["account"], posts["media_type"]], dropna=False, sort=True)
    out = pd.DataFrame({
        "operator": g["operator"].first(),  # first non-missing operator of the group
        "posts": g.size(),
        "completion_n": g["comp"].count(),
        "completion_median": g["comp"].median(),
        "completion_mean": g["comp"].mean(),
        "watch_n": g["watch"].count(),
        "watch_seconds_median": g["watch"].median(),
    }).reset_index()
    video = (out["media_type"] == "video").fillna(False).to_numpy()
    names = {k: md.metrics[k].name for k in ("video_completion_rate", "article_read_completion")}
    out["completion_metric"] = np.where(video, names["video_completion_rate"], names["article_read_completion"])
    out["watch_n"] = np.where(video, out["watch_n"], 0)  # watch time belongs to video rows only
    out["watch_seconds_median"] = out["watch_seconds_median"].where(video)
    for col in ("platform", "account", "operator", "media_type", "completion_metric"):
        out[col] = out[col].astype("str")
    for col in ("posts", "completion_n", "watch_n"):
        out[col] = out[col].astype("int64")
    for col in ("completion_median", "completion_mean", "watch_seconds_median"):
        out[col] = out[col].astype("float64")
    return out[cols]


# what engagement_decay reads (plus the interaction components when no snapshot has an `interactions` column)
DECAY_INPUT = ["platform", "account", "post_id", "title", "published_at", "snapshot_at", "views", "interactions"]


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
    # rows with a snapshot time whose post_id occurs twice (a post with two snapshots has): this one-column check
    # drops most rows before the four-column work below, with a single copy
    keep = snapshots["snapshot_at"].notna().to_numpy(copy=True)
    keep[keep] = snapshots.loc[keep, "post_id"].duplicated(keep=False).to_numpy()
    s = snapshots[keep]
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
