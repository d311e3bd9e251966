"""Cross-period exploration (notebooks/00_explore.ipynb, outside the batch): trends per account and person, formats and
topics over time, score histories, from the tables `history.load_history` reads. Pure DataFrame -> DataFrame
functions, plus one line chart; the notebook only chooses and shows."""
from __future__ import annotations

import pandas as pd

METRICS = ("views", "likes", "comments", "shares", "saves", "followers_gained")


def split_list(text: str) -> list[str]:
    """A notebook parameter such as "张三, 李四" (literal strings only in a parameters cell) as a list; "" is none."""
    return [t.strip() for t in str(text or "").replace("，", ",").split(",") if t.strip()]


def published(posts: pd.DataFrame) -> pd.DataFrame:
    """The posts each month's export counted as published in that month (`in_period`), once each."""
    if "in_period" in posts.columns:
        posts = posts[posts["in_period"].fillna(False).astype(bool)]
    return posts


def monthly_trend(posts: pd.DataFrame, by: str = "account", metric: str = "views", top: int = 8) -> pd.DataFrame:
    """Rows: month; columns: the `top` largest `by` values (account, operator, platform) by total `metric`; values:
    posts' `metric` summed per month (with the number of posts when metric == "posts")."""
    ps = published(posts)
    if ps.empty:
        return pd.DataFrame()
    values = pd.Series(1.0, index=ps.index) if metric == "posts" else pd.to_numeric(ps[metric], errors="coerce")
    frame = pd.DataFrame({"period": ps["period"], by: ps[by], "v": values})
    table = frame.pivot_table(index="period", columns=by, values="v", aggfunc="sum", observed=True).sort_index()
    keep = table.sum().sort_values(ascending=False).index[:top]
    table = table[keep]
    table.columns.name = by
    return table


def format_share(posts: pd.DataFrame) -> pd.DataFrame:
    """Share of each format (视频, 图文 …) among the month's published posts, in percent; rows month."""
    ps = published(posts)
    if ps.empty or "format" not in ps.columns:
        return pd.DataFrame()
    counts = pd.crosstab(ps["period"], ps["format"].fillna("未知"))
    return (counts.div(counts.sum(axis=1), axis=0) * 100).round(1)


def topic_trend(posts: pd.DataFrame, top: int = 10) -> pd.DataFrame:
    """Posts per month for the `top` topics (hashtags and title keywords, `content.topics.post_topics`) over the range."""
    from ..content.topics import post_topics

    ps = published(posts).reset_index(drop=True)
    if ps.empty:
        return pd.DataFrame()
    pt = post_topics(ps)
    if pt.empty:
        return pd.DataFrame()
    pt["period"] = ps["period"].to_numpy()[pt["post"].to_numpy()]
    table = pd.crosstab(pt["period"], pt["topic"])
    return table[table.sum().sort_values(ascending=False).index[:top]]


def score_history(scorecards: pd.DataFrame, value: str = "total") -> pd.DataFrame:
    """Rows: month; columns: person; values: the scorecard's `value` (total, rank or a dimension)."""
    if scorecards.empty:
        return pd.DataFrame()
    return scorecards.pivot_table(index="period", columns="operator", values=value, aggfunc="first").sort_index()


def line_chart(table: pd.DataFrame, title: str, ylabel: str = ""):
    """One line per column of a month-indexed table; a matplotlib Figure (closed for the caller to display)."""
    import matplotlib.pyplot as plt

    from .. import plotting

    plotting.setup()
    fig, ax = plt.subplots(figsize=(9, 3.8))
    if table.empty:
        ax.text(0.5, 0.5, "所选范围内没有数据", ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
    else:
        for col in table.columns:
            ax.plot(table.index.astype(str), table[col].to_numpy(dtype=float), marker="o", label=str(col))
        ax.legend(fontsize=8, ncol=2, loc="upper left", bbox_to_anchor=(1.01, 1))
        ax.set_ylabel(ylabel)
        ax.tick_params(axis="x", rotation=45)
    ax.set_title(title)
    fig.tight_layout()
    plt.close(fig)
    return fig
