"""04_content's entry point: read the period's processed tables, run every analysis, write the content tables."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .. import catalog
from ..history import posts_before, read_months
from ..indices import account_indices
from ..labels import label
from ..metrics import MetricDictionary, load_metrics
from ..paths import Workspace
from ..periods import Period, previous_months
from ..store import release_memory
from ..strategy import strategy_table
from .formats import formats_table
from .overview import (DECAY_INPUT, add_changes, content_posts, earlier_period_months, engagement_decay,
                       overview_table, prepare_posts, publishing_table, video_table)
from .settings import ContentConfig, load_content_config
from .timing import best_slots, best_time_table, date_only_accounts
from .topics import topics_table

# ContentResult attribute -> catalog dataset
TABLES = {
    "posts": "content_posts",
    "overview": "content_overview",
    "best_time": "content_best_time",
    "formats": "content_formats",
    "topics": "content_topics",
    "strategy": "content_strategy",
    "indices": "content_indices",
    "video": "content_video",
    "publishing": "content_publishing",
}


@dataclass
class ContentResult:
    """Every content table of one period, plus plain Chinese summary lines and notes about missing data."""

    period: str
    posts: pd.DataFrame
    overview: pd.DataFrame
    best_time: pd.DataFrame
    formats: pd.DataFrame
    topics: pd.DataFrame
    strategy: pd.DataFrame
    indices: pd.DataFrame
    video: pd.DataFrame
    publishing: pd.DataFrame
    decay: pd.DataFrame = field(default_factory=pd.DataFrame)
    summary: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    config: ContentConfig | None = None

    def tables(self) -> dict[str, pd.DataFrame]:
        """{catalog dataset: DataFrame} for every table written to data/processed/<period>/."""
        return {key: getattr(self, attr) for attr, key in TABLES.items()}


def _read(folder: Path, name: str, notes: list[str], what: str, columns=None, filters=None) -> pd.DataFrame | None:
    try:
        return catalog.load(folder, name, columns=columns, filters=filters)
    except catalog.DatasetMissing as exc:
        notes.append(f"没有找到 {exc.path.name}（{what}），相关分析跳过。")
    except catalog.DatasetError as exc:  # a broken file must not stop the other analyses
        notes.append(f"{exc.message}（{what}）")
    return None


def strategy_columns(md: MetricDictionary) -> list[str]:
    """What strategy_table and the newest-snapshot rule read: keys, times, media type, the metrics' columns."""
    return ["platform", "account", "operator", "post_id", "published_at", "snapshot_at", "media_type", *md.columns]


def post_columns(md: MetricDictionary) -> list[str]:
    """The post columns the before/after comparison, the decay table and an earlier period's overview read: keys,
    times, flags and every column a metric of the dictionary uses. Earlier months are read with only these, so a
    large month does not hold several full copies of its posts in memory."""
    return ["platform", "account", "operator", "post_id", "title", "published_at", "snapshot_at", "media_type",
            "in_period", "mature", "viral", *md.columns]


# posts_clean columns no content analysis reads (left unread: about a third of a million-post month's memory). A
# column the metric dictionary uses is always read, whatever this list says.
UNUSED_POST_COLUMNS = ["source_file", "layout", "month", "snapshot_rule", "visibility", "impressions", "profile_visits",
                       "followers_lost", "cover_ctr", "bounce_rate", "recipients", "age_days", "viral_pending",
                       "baseline_posts", "viral_multiple", "viral_z", "delivery_read_rate", "five_sec_rate",
                       "visitor_play_share", "fan_view_rate", "interaction_rate", "avg_progress", "forwards",
                       "video_views"]


def _columns(frame: pd.DataFrame | None, columns: list[str]) -> pd.DataFrame | None:
    return frame if frame is None else frame[[c for c in dict.fromkeys(columns) if c in frame.columns]]


def _adopted(suggestions: pd.DataFrame | None) -> bool:
    """Whether any suggestion is adopted (only then are earlier posts needed for a before/after comparison)."""
    if suggestions is None or suggestions.empty or "adopted" not in suggestions.columns:
        return False
    return bool(suggestions["adopted"].astype("boolean").fillna(False).any())


def _pct(v: float) -> str:
    return "—" if v is None or pd.isna(v) else f"{v:.2%}"


def _summary(result: ContentResult, md: MetricDictionary) -> list[str]:
    lines = []
    ov = result.overview
    team = ov[ov["level"] == "team"]
    if team.empty or int(team["posts"].iloc[0]) == 0:
        return ["本期没有发布内容（或没有可用的作品数据）。"]
    t = team.iloc[0]
    mom = t.get("views_mom")
    mom_txt = f"，环比 {mom:+.1%}" if mom is not None and not pd.isna(mom) else "（无上期数据，不计环比）"
    lines.append(f"本期共发布 {int(t['posts'])} 篇作品，阅读/播放 {t['views']:,.0f}{mom_txt}；"
                 f"互动率 {_pct(t['engagement_rate'])}（互动量 ÷ 阅读/播放量，互动量按各平台口径）。")
    lines.append(f"爆款 {int(t['viral_posts'])} 篇，爆款率 {_pct(t['viral_rate'])}（爆款 ÷ 已满观察期作品）。")
    posts = result.posts
    viral = posts[posts["viral"].fillna(False)]
    if not viral.empty:
        top = viral.sort_values("views", ascending=False).iloc[0]
        title = " ".join(str(top["title"]).split())
        title = title if len(title) <= 30 else title[:29] + "…"
        lines.append(f"播放最高的爆款：{label('platform.' + str(top['platform']))}「{top['account']}」《{title}》"
                     f"（{top['viral_rule'] if not pd.isna(top['viral_rule']) else '爆款'}）。")
    pub = result.publishing
    tp = pub[pub["level"] == "team"]
    if not tp.empty and int(tp["planned_due"].iloc[0]) > 0:
        lines.append(f"排期内容按时发布率 {_pct(tp['on_time_rate'].iloc[0])}（{int(tp['on_time'].iloc[0])}/"
                     f"{int(tp['planned_due'].iloc[0])}），原创比例 {_pct(tp['original_ratio'].iloc[0])}。")
    slots = best_slots(result.best_time, 1)
    if not slots.empty:
        s = slots.iloc[0]
        lines.append(f"综合各账号（账号内标准化后），{s['weekday_name']} {s['slot']} 发布的表现最好"
                     f"（{int(s['posts'])} 篇）。")
    if not result.formats.empty:
        f = result.formats[~result.formats["small_sample"] & (result.formats["format"] != "未标注")]
        f = f.dropna(subset=["metric_median"])
        if not f.empty:
            b = f.sort_values("metric_median", ascending=False).iloc[0]
            lines.append(f"{label('platform.' + str(b['platform']))}上「{b['format']}」形式的{b['metric']}中位数最高"
                         f"（{_pct(b['metric_median'])}，{int(b['metric_n'])} 篇）。")
    st = result.strategy
    if not st.empty:
        tested = int((st["status"] == "tested").sum())
        lines.append(f"已采纳的优化建议 {len(st)} 条，其中 {tested} 条数据足够做前后对比。")
    return lines


def analyse_posts(period: str, posts_clean: pd.DataFrame, *, account_month: pd.DataFrame | None = None,
                  calendar_match: pd.DataFrame | None = None, suggestions: pd.DataFrame | None = None,
                  history_posts: pd.DataFrame | None = None, previous: dict | None = None,
                  snapshots: pd.DataFrame | None = None, cfg: ContentConfig | None = None,
                  md: MetricDictionary | None = None, decay: tuple[pd.DataFrame, str] | None = None) -> ContentResult:
    """The pure core of analyse_period (no file access): every table from DataFrames.

    previous: {"mom": (posts_clean, account_month), "yoy": (…)} of the earlier periods (either may be missing).
    history_posts: posts published before the period (for before/after windows), any posts-like frame.
    decay: engagement_decay(snapshots) when the caller already has it (analyse_period computes it first and lets
    the snapshots go before the rest of the analysis, to keep the peak memory down).
    """
    cfg = cfg or load_content_config()
    md = md or load_metrics()
    notes: list[str] = []
    posts = prepare_posts(posts_clean, md)
    overview = overview_table(posts, account_month, md)
    for suffix, (prev_posts, prev_am) in (previous or {}).items():
        prev = overview_table(prepare_posts(prev_posts, md), prev_am, md) if prev_posts is not None and not prev_posts.empty else None
        overview = add_changes(overview, prev, suffix)
    for suffix in ("mom", "yoy"):
        if f"views_{suffix}" not in overview.columns:
            overview = add_changes(overview, None, suffix)
    if overview["views_mom"].isna().all():
        notes.append("没有上一期的处理结果，环比为空。")
    if overview["views_yoy"].isna().all():
        notes.append("没有去年同期的处理结果，同比为空。")
    everything = posts_clean.iloc[0:0]
    if _adopted(suggestions):  # every post available, one row per post, for the before/after windows
        keep = strategy_columns(md)  # strategy_table reads keys, times and metric columns only
        everything = _columns(posts_clean, keep) if history_posts is None or history_posts.empty else \
            pd.concat([_columns(history_posts, keep), _columns(posts_clean, keep)], ignore_index=True)
        if "published_at" in everything.columns and not everything.empty:
            # newest snapshot per post: the order and the duplicates are found on the key columns, then the rows
            # are taken once (sorting and de-duplicating the whole frame copied it twice)
            order = "snapshot_at" if "snapshot_at" in everything.columns else "published_at"
            everything = everything.reset_index(drop=True)  # unique labels for the takes below
            ranked = everything[order].sort_values(na_position="first").index
            keys = everything.loc[ranked, ["platform", "account", "post_id"]]
            everything = everything.loc[ranked[~keys.duplicated(keep="last").to_numpy()]].reset_index(drop=True)
    decay, decay_note = decay if decay is not None else \
        engagement_decay(snapshots if snapshots is not None else posts_clean)
    notes.append(decay_note)
    result = ContentResult(
        period=period,
        posts=content_posts(posts, cfg.top_n),
        overview=overview,
        best_time=best_time_table(posts, cfg.best_time, md),
        formats=formats_table(posts, cfg.formats, md),
        topics=topics_table(posts, cfg.topics, md),
        strategy=strategy_table(suggestions, everything, period, cfg.strategy, md),
        indices=account_indices(posts, account_month, period, md),
        video=video_table(posts, md),
        publishing=publishing_table(posts, calendar_match, period),
        decay=decay,
        notes=notes,
        config=cfg,
    )
    no_time = date_only_accounts(posts, cfg.best_time.date_only_share)
    if no_time:
        names = "、".join(f"{label('platform.' + str(p))}「{a}」" for p, a in no_time)
        notes.append(f"{names} 的导出只有发布日期、没有具体时间，未计入最佳发布时间分析。")
    if calendar_match is None:
        notes.append("没有内容排期匹配结果，按时发布率为空。")
    if len(posts) > cfg.topics.max_posts:
        notes.append(f"本期内容 {len(posts):,} 条，话题分析取播放/阅读最高的 {cfg.topics.max_posts:,} 条（config/content.yaml topics.max_posts）。")
    result.summary = _summary(result, md)
    return result


# the calendar_match columns publishing_table reads
CALENDAR_COLUMNS = ["platform", "account", "operator", "planned_at", "status"]


def _decay_snapshots(ws: Workspace, period: str, md: MetricDictionary) -> pd.DataFrame | None:
    """The snapshots engagement_decay reads: the posts of the two months before the period and of the period itself
    (oldest first), its columns only, and the interaction components only from a file without an `interactions`
    column; None when there are none.

    engagement_decay keeps only rows with a snapshot time whose post_id occurs twice among such rows, so a first pass
    reads post_id and snapshot_at alone and the second reads the other columns of those posts only (three months of
    a million posts each held every column of every row before)."""
    months = previous_months(Period.parse(period).months[0], 2)
    folder = ws.processed(period)

    def decay_columns(present: list[str]) -> list[str]:
        return DECAY_INPUT if "interactions" in present else [*DECAY_INPUT, *md.columns]

    def read(columns, filters=None) -> pd.DataFrame | None:
        earlier = read_months(ws, months, "posts", columns, filters=filters)
        current = _read_filtered(folder, "posts", columns, filters)
        snaps = [f for f in (earlier if not earlier.empty else None, current) if f is not None and not f.empty]
        return pd.concat(snaps, ignore_index=True) if snaps else None

    files = [catalog.path(ws.processed(m), "posts") for m in [*months, period]]
    names = {tuple(_column_names(f)) for f in files if f.is_file()}
    keys = read(["post_id", "snapshot_at"]) if len(names) == 1 else None   # one layout: the columns read agree
    if keys is not None and {"post_id", "snapshot_at"} <= set(keys.columns):
        ids = keys.loc[keys["snapshot_at"].notna().to_numpy(), "post_id"]
        twice = ids[ids.duplicated(keep=False).to_numpy()].unique()
        given = ids.dropna()
        if not pd.isna(twice).any() and (len(twice) or len(given)):
            # no post with two snapshots: the rows of one post say so as well as all of them
            wanted = list(twice) if len(twice) else [given.iloc[0]]
            snapshots = read(decay_columns, [("post_id", "in", wanted)])
            if snapshots is not None and "interactions" in snapshots.columns:  # the components are not read then
                snapshots = snapshots[[c for c in snapshots.columns if c in DECAY_INPUT]]
            return snapshots
    snapshots = read(decay_columns)
    if snapshots is not None and "interactions" in snapshots.columns:
        snapshots = snapshots[[c for c in snapshots.columns if c in DECAY_INPUT]]
    return snapshots


def _column_names(path: Path) -> list[str]:
    """The column names of a Parquet file ([] when it cannot be read: the reading itself then says why)."""
    import pyarrow.parquet as pq

    try:
        return pq.read_schema(path).names
    except Exception:  # noqa: BLE001
        return []


def _column_type(path: Path, column: str) -> str | None:
    """The Arrow type of `column` in a Parquet file as text (None when the file or the column is not there)."""
    import pyarrow.parquet as pq

    try:
        found = pq.read_schema(path)
    except Exception:  # noqa: BLE001
        return None
    return str(found.field(column).type) if column in found.names else None


def _read_filtered(folder: Path, name: str, columns, filters) -> pd.DataFrame | None:
    try:
        return catalog.load(folder, name, columns=columns, filters=filters)
    except catalog.DatasetError:
        return None


def analyse_period(ws: Workspace, period: str | Period, write: bool = True) -> ContentResult:
    """Read data/processed/<period>/, analyse, write the content tables (the catalog's content_* datasets) there."""
    period = Period.parse(period).text
    cfg = load_content_config()
    md = load_metrics()
    folder = ws.processed(period)
    notes: list[str] = []
    unused = set(UNUSED_POST_COLUMNS) - set(md.columns)
    suggestions = _read(folder, "suggestions", [], "优化建议记录")
    # the decay table first: three months of snapshots are released before the posts are read
    snapshots = _decay_snapshots(ws, period, md)
    decay = engagement_decay(snapshots) if snapshots is not None else None
    # only the period's posts are analysed (prepare_posts): read only those when nothing else needs the others (the
    # before/after comparison of adopted suggestions; the decay table when no posts file has snapshots)
    in_period = [("in_period", "==", True)] if decay is not None and not _adopted(suggestions) and \
        _column_type(catalog.path(folder, "posts_clean"), "in_period") == "bool" else None
    del snapshots
    release_memory()
    posts_clean = _read(folder, "posts_clean", notes, "清洗后的作品表",
                        columns=lambda present: [c for c in present if c not in unused], filters=in_period)
    if posts_clean is None:
        posts_clean = catalog.empty({**catalog.POSTS, "in_period": "boolean"})
    else:  # the posts as the score counted them: one rule for left-out posts (scoring/account.py, issue 23)
        from ..clean.counted import as_scored

        posts_clean = as_scored(posts_clean, catalog.try_load(folder, "flags"))
    if decay is None:
        decay = engagement_decay(posts_clean)
    account_month = _read(folder, "account_month", notes, "账号月度粉丝")
    # publishing_table reads the calendar's keys, slot and status only
    calendar_match = _read(folder, "calendar_match", notes, "排期匹配", columns=CALENDAR_COLUMNS)
    months = cfg.comparison.months_of_history
    prev_months, yoy_months = earlier_period_months(period)
    previous = {}
    for suffix, wanted in (("mom", prev_months), ("yoy", yoy_months)):
        if suffix == "yoy" and months < 12:  # year-on-year needs 12 months of history
            continue
        missing = [m for m in wanted if not catalog.path(ws.processed(m), "posts_clean").is_file()]
        if missing and len(missing) < len(wanted):  # a partial earlier period would compare unlike with like
            what = "上一期" if suffix == "mom" else "去年同期"
            notes.append(f"{what}数据不完整（缺 {'、'.join(missing)} 的处理结果），不计{'环比' if suffix == 'mom' else '同比'}。")
            continue
        # the wanted months that lie within `months_of_history` (oldest first, as history.earlier_tables orders them)
        within = [m for m in previous_months(Period.parse(period).months[0], months) if m in wanted]
        prev_posts = read_months(ws, within, "posts_clean", post_columns(md))
        prev_am = read_months(ws, within, "account_month")
        previous[suffix] = (prev_posts if not prev_posts.empty else None, prev_am if not prev_am.empty else None)
    history = None
    if _adopted(suggestions):  # earlier posts only serve the before/after comparison of adopted suggestions
        try:
            history = _columns(posts_before(ws, period, _columns(posts_clean, strategy_columns(md)), months=3,
                                            columns=strategy_columns(md)), strategy_columns(md))
        except Exception as exc:  # history is context only
            notes.append(f"读取往期作品失败（{exc}），前后对比只用本期数据。")
    result = analyse_posts(period, posts_clean, account_month=account_month, calendar_match=calendar_match,
                           suggestions=suggestions, history_posts=history, previous=previous, cfg=cfg, md=md,
                           decay=decay)
    result.notes = notes + result.notes
    if write:
        write_tables(ws, result)
    return result


def load_result(ws: Workspace, period: str, only: set[str] | None = None) -> ContentResult | None:
    """The ContentResult of a period from its written content tables (for 05_report: charts without re-analysing);
    None when 04_content has not run. Summary lines and notes come back from content_overview's metadata. `only`:
    the result's tables to read (e.g. {"overview", "best_time"}); the others are left empty (content_posts holds a
    row per post: the team charts do not read it)."""
    period = Period.parse(period).text
    folder = ws.processed(period)
    if not catalog.path(folder, "content_overview").is_file():
        return None
    frames = {}
    for attr, key in TABLES.items():
        wanted = only is None or attr in only or attr == "overview"
        frames[attr] = catalog.load(folder, key) if wanted and catalog.path(folder, key).is_file() else pd.DataFrame()
    attrs = frames["overview"].attrs
    return ContentResult(period=period, **frames, summary=list(attrs.get("summary", [])),
                         notes=list(attrs.get("notes", [])), config=load_content_config())


def write_tables(ws: Workspace, result: ContentResult) -> list[Path]:
    """Write the content tables to data/processed/<period>/ (summary and notes ride in content_overview's metadata)."""
    folder = ws.processed(result.period)
    written = []
    for key, frame in result.tables().items():
        frame = frame.copy(deep=False)  # copy-on-write: the conversions below never reach the result
        for col in frame.columns:  # parquet needs one type per column
            if frame[col].dtype == object:
                sample = frame[col].dropna()
                if sample.map(type).isin([bool, np.bool_]).all() and len(sample):
                    frame[col] = frame[col].astype("boolean")
                elif sample.map(lambda v: isinstance(v, (int, float, np.number)) and not isinstance(v, bool)).all():
                    frame[col] = pd.to_numeric(frame[col], errors="coerce")
                else:
                    frame[col] = frame[col].astype("string")
        frame.attrs = {"summary": list(result.summary), "notes": list(result.notes)} if key == "content_overview" else {}
        written.append(catalog.save(folder, key, frame))
    return written
