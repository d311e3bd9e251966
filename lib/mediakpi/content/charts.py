"""Content charts (seaborn + matplotlib). Each function takes a ContentResult and returns a matplotlib Figure; it never
shows or saves it (the notebook displays it, the report embeds it with plotting.to_data_uri).

Every function calls plotting.setup() first, so Chinese labels render on a fresh machine; an empty selection gives a
figure that says "暂无数据" instead of failing.
"""
from __future__ import annotations

import warnings

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator, PercentFormatter

from .. import plotting
from ..labels import label

CHARTS = ["heatmap", "formats_chart", "topics_chart", "viral_chart", "trend_chart", "overview_chart", "video_chart"]


def max_bars(result) -> int:
    return result.config.charts.max_bars if getattr(result, "config", None) else 15


def _bars(df: pd.DataFrame, x: str, notes, color: str, xlabel: str, title: str, decimals: int | None = None) -> Figure:
    """One horizontal bar per row of `df` (labelled by its `name` column, in its order), a note at the end of each
    bar, the x axis in percent. Callers cap the rows (one bar is 0.42 inch: 2,000 accounts would be 21 metres)."""
    import seaborn as sns

    fig, ax = plt.subplots(figsize=(8, max(2.8, 0.42 * len(df) + 1)))
    sns.barplot(data=df, y="name", x=x, ax=ax, orient="h", color=color)
    for y, (value, note) in enumerate(zip(df[x], notes)):
        ax.text(value, y, f"  {note}", va="center", fontsize=8)
    ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=decimals))
    # long account names leave the bars a narrow plot: at most four percent ticks, so `10.0%20.0%` never touch
    ax.xaxis.set_major_locator(MaxNLocator(nbins=4, min_n_ticks=2))
    ax.set_xlabel(xlabel)
    ax.set_ylabel("")
    ax.set_title(title)
    fig.tight_layout()
    return fig


def _capped(df: pd.DataFrame, top: int, title: str, shown: pd.DataFrame | None = None) -> tuple[pd.DataFrame, str]:
    """(`shown`, or the first `top` rows of `df`; the title with a line saying how many of how many when some are
    left out)."""
    shown = df.head(top) if shown is None else shown
    if len(shown) < len(df):
        title += "\n" + label("content.chart.top_rows").format(n=len(shown), total=len(df))
    return shown, title


def _platform(code) -> str:
    return label(f"platform.{code}") if isinstance(code, str) else "—"


def _filter(df: pd.DataFrame, platform=None, account=None, operator=None) -> pd.DataFrame:
    if df is None or df.empty:
        return df
    mask = np.ones(len(df), dtype=bool)
    for col, val in (("platform", platform), ("account", account), ("operator", operator)):
        if val is not None and col in df.columns:
            mask &= (df[col] == val).fillna(False).to_numpy()
    return df[mask]


def _empty(title: str, message: str | None = None) -> Figure:
    fig, ax = plt.subplots(figsize=(6, 2.5))
    ax.axis("off")
    ax.set_title(title)
    ax.text(0.5, 0.5, message or label("content.chart.no_data"), ha="center", va="center", fontsize=12, color="#666")
    return fig


def _big_number(v, _pos=None) -> str:
    return f"{v / 1e4:.1f}万" if abs(v) >= 1e4 else f"{v:,.0f}"


def heatmap(result, platform: str | None = None, account: str | None = None) -> Figure:
    """Weekday × time-slot heatmap of the mean within-account z of the engagement rate (pooled, or one account's own
    grid when it has enough posts). Cells below the minimum post count are blank; each cell shows its post count."""
    from .timing import grid

    plotting.setup()
    import seaborn as sns

    cfg = result.config.best_time if result.config else None
    bins = cfg.hour_bins if cfg else [0, 6, 9, 12, 14, 17, 20, 22, 24]
    title = label("content.chart.heatmap")
    table = result.best_time
    if table is None or table.empty:
        return _empty(title)
    z, scope = grid(table, bins, platform, account, "mean_z")
    n, _ = grid(table, bins, platform, account, "posts")
    if z.isna().all().all():
        return _empty(title, label("content.chart.too_few_posts"))
    fig, ax = plt.subplots(figsize=(8, 4.2))
    annot = n.map(lambda v: "" if pd.isna(v) else f"{int(v)}篇")
    with warnings.catch_warnings():  # seaborn 0.13 calls the deprecated Colormap.set_bad (its issue, not ours)
        warnings.filterwarnings("ignore", message=".*set_bad.*", category=PendingDeprecationWarning)
        sns.heatmap(z, ax=ax, cmap="RdYlGn", center=0, annot=annot, fmt="", linewidths=0.5, linecolor="white",
                    cbar_kws={"label": label("content.chart.z_label")})
    who = (f"{_platform(platform)}「{account}」" if scope == "account" else
           (label("content.chart.pooled_fallback").format(account=account) if account else label("content.chart.pooled")))
    ax.set_title(f"{title}：{who}")
    ax.grid(False)
    ax.set_xlabel(label("content.chart.slot"))
    ax.set_ylabel(label("content.chart.weekday"))
    plt.setp(ax.get_xticklabels(), rotation=30, ha="right")
    plt.setp(ax.get_yticklabels(), rotation=0)  # weekday names read across, never stacked on each other
    fig.tight_layout()
    return fig


def formats_chart(result, platform: str | None = None) -> Figure:
    """Median engagement rate per platform × format, one bar each, with the post count (n) and small samples marked."""
    plotting.setup()
    import seaborn as sns

    title = label("content.chart.formats")
    df = _filter(result.formats, platform)
    df = df.dropna(subset=["metric_median"]) if df is not None and not df.empty else df
    if df is None or df.empty:
        return _empty(title)
    df = df.head(max_bars(result))
    df = df.assign(name=[f"{_platform(p)}·{f}" for p, f in zip(df["platform"], df["format"])]).iloc[::-1]
    platforms = list(dict.fromkeys(df["platform"]))
    palette = dict(zip(platforms, sns.color_palette("deep", len(platforms))))
    fig, ax = plt.subplots(figsize=(8, max(2.8, 0.42 * len(df) + 1)))
    ax.barh(df["name"], df["metric_median"], color=[palette[p] for p in df["platform"]])
    for y, (_, row) in enumerate(df.iterrows()):
        ax.text(row["metric_median"], y, f"  n={int(row['metric_n'])}" + ("（样本少）" if row["small_sample"] else ""),
                va="center", fontsize=8, color="#444")
    ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=1))
    ax.set_xlabel(f"{df['metric'].iloc[0]}（中位数）")
    ax.set_ylabel("")
    ax.set_title(title)
    fig.tight_layout()
    return fig


def topics_chart(result, top: int | None = None) -> Figure:
    """Topics by post count, coloured by their median engagement rate."""
    plotting.setup()
    title = label("content.chart.topics")
    df = result.topics
    if df is None or df.empty:
        return _empty(title, label("content.chart.no_topics"))
    top = top or max_bars(result)
    df = df.head(top).iloc[::-1]
    fig, ax = plt.subplots(figsize=(8, max(2.8, 0.38 * len(df) + 1)))
    values = df["metric_median"].fillna(0).to_numpy()
    norm = plt.Normalize(values.min(), values.max() if values.max() > values.min() else values.min() + 1e-9)
    colors = plt.cm.viridis(norm(values))
    ax.barh(df["topic"], df["posts"], color=colors)
    for y, (_, row) in enumerate(df.iterrows()):
        er = "—" if pd.isna(row["metric_median"]) else f"{row['metric_median']:.2%}"
        ax.text(row["posts"], y, f"  {er}" + ("  #" if row["source"] == "话题标签" else ""), va="center", fontsize=8)
    ax.set_xlabel(label("content.chart.topic_posts"))
    ax.set_title(f"{title}（{label('content.chart.topic_note')}）")
    fig.tight_layout()
    return fig


def top_viral_accounts(overview: pd.DataFrame, top: int) -> pd.DataFrame:
    """The account rows of `overview` that viral_chart shows: the `top` of highest viral rate (ties: more mature
    posts first, then as listed). One bar per account is 0.42 inch: 2,000 accounts would be a 21-metre figure that
    takes half a minute to draw and that nobody can read."""
    acc = overview[overview["level"] == "account"]
    if len(acc) <= top:
        return acc
    mature = pd.to_numeric(acc["mature_posts"], errors="coerce").fillna(0)
    rate = pd.to_numeric(acc["viral_rate"], errors="coerce").fillna(0)
    keep = (acc.assign(_rate=rate, _mature=mature).sort_values(["_rate", "_mature"], ascending=False, kind="stable")
            .head(top).index)
    return acc.loc[acc.index.isin(keep)]


def viral_chart(result, platform: str | None = None, top: int | None = None, say_top: bool = True) -> Figure:
    """Viral rate per account (viral ÷ mature posts), with the count of viral posts on each bar; the `top` accounts
    of highest viral rate (default: config charts.max_bars), the chart's title saying so when some were left out
    (`say_top=False`: the caller says it, as the report does under the chart in the reader's language)."""
    plotting.setup()
    title = label("content.chart.viral")
    ov = result.overview
    df = _filter(ov[ov["level"] == "account"], platform) if ov is not None and not ov.empty else None
    if df is None or df.empty or df["mature_posts"].fillna(0).sum() == 0:
        return _empty(title, label("content.chart.no_mature"))
    top = top or max_bars(result)
    total = len(df)
    df = top_viral_accounts(df, top)
    if len(df) < total and say_top:
        title += "\n" + label("report.chart.top_accounts").format(n=len(df), total=total)
    df = df.assign(name=[f"{_platform(p)}·{a}" for p, a in zip(df["platform"], df["account"])],
                   viral_rate=df["viral_rate"].fillna(0)).sort_values("viral_rate", ascending=False)
    notes = [f"{int(v)}/{int(m)}" for v, m in zip(df["viral_posts"], df["mature_posts"])]
    return _bars(df, "viral_rate", notes, "#dd8452", label("content.chart.viral_rate"), title)


def trend_chart(result, platform: str | None = None, account: str | None = None,
                operator: str | None = None) -> Figure:
    """Daily views (sum over the day's posts) per platform across the period; viral posts marked."""
    plotting.setup()
    import seaborn as sns

    title = label("content.chart.trend")
    posts = _filter(result.posts, platform, account, operator)
    if posts is None or posts.empty or posts["views"].isna().all():
        return _empty(title)
    df = posts.assign(day=posts["published_at"].dt.tz_localize(None).dt.normalize(),
                      平台=posts["platform"].map(_platform), views=pd.to_numeric(posts["views"], errors="coerce"))
    daily = df.groupby(["day", "平台"], as_index=False)["views"].sum()
    fig, ax = plt.subplots(figsize=(9, 3.6))
    sns.lineplot(data=daily, x="day", y="views", hue="平台", marker="o", ax=ax)
    viral = df[df["viral"].fillna(False)]
    if not viral.empty:
        ax.scatter(viral["day"], viral["views"], marker="*", s=140, color="#c44e52", zorder=5,
                   label=label("content.chart.viral_post"))
        ax.legend(fontsize=8)
    ax.yaxis.set_major_formatter(FuncFormatter(_big_number))
    ax.set_xlabel(label("content.chart.publish_day"))
    ax.set_ylabel(label("content.col.views"))
    ax.set_title(title)
    fig.autofmt_xdate()
    fig.tight_layout()
    return fig


def overview_chart(result, by: str = "account") -> Figure:
    """Engagement rate per account (or operator, or platform), with post counts: the rate's denominator is 阅读/播放量."""
    plotting.setup()
    title = label("content.chart.overview")
    ov = result.overview
    df = ov[ov["level"] == by].dropna(subset=["engagement_rate"]) if ov is not None and not ov.empty else None
    if df is None or df.empty:
        return _empty(title)
    names = {"account": [f"{_platform(p)}·{a}" for p, a in zip(df["platform"], df["account"])],
             "platform": [_platform(p) for p in df["platform"]],
             "operator": [str(o) if not pd.isna(o) else "未分配" for o in df["operator"]]}[by]
    df, title = _capped(df.assign(name=names).sort_values("engagement_rate", ascending=False), max_bars(result), title)
    notes = [f"{int(n)}篇" for n in df["posts"]]
    return _bars(df, "engagement_rate", notes, "#4c72b0", label("content.chart.er_axis"), title, decimals=1)


def video_chart(result) -> Figure:
    """Median video completion rate per account (video posts only; 图文阅读完成率 is a different metric, not shown)."""
    plotting.setup()
    title = label("content.chart.video")
    v = result.video
    df = v[(v["media_type"] == "video") & (v["completion_n"] > 0)] if v is not None and not v.empty else None
    if df is None or df.empty:
        return _empty(title, label("content.chart.no_video"))
    df = df.assign(name=[f"{_platform(p)}·{a}" for p, a in zip(df["platform"], df["account"])])
    top = max_bars(result)
    df, title = _capped(df, top, title, shown=df.nlargest(top, "completion_n", keep="first").sort_index())  # most videos
    notes = [f"n={int(n)}" + ("" if pd.isna(w) else f"，{w:.0f}秒")
             for n, w in zip(df["completion_n"], df["watch_seconds_median"])]
    return _bars(df, "completion_median", notes, "#55a868", label("content.chart.completion_axis"), title)


def all_charts(result) -> dict[str, Figure]:
    """Every chart with default arguments, by function name (for the report)."""
    return {name: globals()[name](result) for name in CHARTS}
