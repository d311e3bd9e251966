"""What an analyst looks at after each step of a stage notebook (lib/mediakpi/stages.py): small summaries of the
tables a step produced. Pure DataFrame -> DataFrame (or a Figure); headers are labels (config/labels/lab.yaml)."""
from __future__ import annotations

import pandas as pd

from ..labels import label


def _bool(frame: pd.DataFrame, column: str) -> pd.Series:
    if column not in frame.columns:
        return pd.Series(False, index=frame.index)
    return frame[column].astype("boolean").fillna(False).astype(bool)


def _counts(values: pd.Series, name: str) -> pd.DataFrame:
    out = values.fillna("—").value_counts().rename_axis(label(name)).rename(label("lab.count")).reset_index()
    return out


# ---------------------------------------------------------------------------------------------------------- ingest
def files_by_kind(manifest: pd.DataFrame) -> pd.DataFrame:
    """Per kind of file recognised (platform export, team table, unknown …): files and where their rows went."""
    cols = ["rows_read", "rows_kept", "rows_quarantined", "duplicates_merged", "rows_ignored"]
    if manifest.empty:
        return pd.DataFrame(columns=[label("lab.kind"), label("lab.files")] + [label(f"lab.{c}") for c in cols])
    m = manifest.assign(kind=manifest["kind"].fillna("unknown"))
    out = m.groupby("kind").agg(files=("path", "size"), **{c: (c, "sum") for c in cols if c in m.columns})
    return out.reset_index().rename(columns={"kind": label("lab.kind"), "files": label("lab.files"),
                                             **{c: label(f"lab.{c}") for c in cols}})


def quarantine_reasons(quarantine: pd.DataFrame) -> pd.DataFrame:
    """Quarantined rows per table and reason, most first."""
    if quarantine.empty:
        return pd.DataFrame(columns=[label("lab.table"), label("lab.reason"), label("lab.rows")])
    out = quarantine.groupby(["table", "reason"], dropna=False).size().sort_values(ascending=False)
    return out.rename(label("lab.rows")).reset_index().rename(columns={"table": label("lab.table"),
                                                                       "reason": label("lab.reason")})


def posts_by_platform(posts: pd.DataFrame) -> pd.DataFrame:
    """Accounts and posts per platform."""
    if posts.empty:
        return pd.DataFrame(columns=[label("lab.platform"), label("lab.accounts"), label("lab.posts")])
    out = posts.groupby("platform", observed=True).agg(accounts=("account", "nunique"), posts=("post_id", "size"))
    out.index = [label(f"platform.{p}") for p in out.index]
    return out.rename_axis(label("lab.platform")).reset_index().rename(
        columns={"accounts": label("lab.accounts"), "posts": label("lab.posts")})


# ----------------------------------------------------------------------------------------------------------- clean
def input_sizes(inputs: dict) -> pd.DataFrame:
    """Rows of every table the clean step reads (posts, account_daily, roster, calendar, quarantine, history)."""
    names = ["posts", "daily", "roster", "calendar", "quarantine", "manifest", "history"]
    return pd.DataFrame({label("lab.table"): names,
                         label("lab.rows"): [len(inputs[n]) if inputs.get(n) is not None else 0 for n in names]})


def post_funnel(posts: pd.DataFrame) -> pd.DataFrame:
    """How many posts each rule set aside: all posts in the exports → published in the period → matured → not
    flagged, and the viral ones among those (a post is flagged, never dropped: flagged posts stay in the tables)."""
    steps = [("lab.funnel.all", pd.Series(True, index=posts.index))]
    keep = _bool(posts, "in_period")
    steps.append(("lab.funnel.in_period", keep))
    keep = keep & _bool(posts, "mature")
    steps.append(("lab.funnel.mature", keep))
    keep = keep & ~_bool(posts, "flagged")
    steps.append(("lab.funnel.unflagged", keep))
    steps.append(("lab.funnel.viral", keep & _bool(posts, "viral")))
    left = [int(mask.sum()) for _, mask in steps]
    aside = [0] + [a - b for a, b in zip(left[:-1], left[1:])]
    return pd.DataFrame({label("lab.step"): [label(k) for k, _ in steps], label("lab.left"): left,
                         label("lab.set_aside"): aside})


def set_aside(posts: pd.DataFrame, flags: pd.DataFrame) -> pd.DataFrame:
    """What each rule of 02_clean set aside, one row per rule (issue 24): the funnel's steps (not in the period, not
    matured, flagged) and, for the flagged, each check (posts of the period it flagged; a post can be flagged by
    several checks). Columns: rule, posts set aside, kind (funnel / check)."""
    f = post_funnel(posts)
    names = [label(f"lab.aside.{k}") for k in ("in_period", "mature", "flagged")]
    rows = [(r, int(n), "funnel") for r, n in zip(names, f[label("lab.set_aside")].iloc[1:4])]
    if not flags.empty and "check" in flags.columns:
        fl = flags[_bool(flags, "in_period")] if "in_period" in flags.columns else flags
        key = "post_id" if "post_id" in fl.columns else None
        per = fl.groupby("check")[key].nunique() if key else fl.groupby("check").size()
        for check, n in per.sort_values(ascending=False).items():
            rows.append((label("lab.flagged_by") + label(f"quality.check.{check}"), int(n), "check"))
    return pd.DataFrame(rows, columns=[label("lab.rule"), label("lab.set_aside"), "kind"])


def set_aside_chart(posts: pd.DataFrame, flags: pd.DataFrame):
    """set_aside as a horizontal bar chart (the funnel's rules in one colour, the checks behind 'flagged' in
    another), each bar with its count: what an analyst looks at first."""
    import matplotlib.pyplot as plt

    from ..plotting import setup

    setup()
    t = set_aside(posts, flags)
    fig, ax = plt.subplots(figsize=(7.5, 0.45 * len(t) + 1.2))
    colours = ["#4C72B0" if k == "funnel" else "#DD8452" for k in t["kind"]]
    ax.barh(t[label("lab.rule")], t[label("lab.set_aside")], color=colours)
    for y, v in enumerate(t[label("lab.set_aside")]):
        ax.text(v, y, f" {v:,}", va="center", fontsize=9)
    ax.invert_yaxis()
    ax.set_xlabel(label("lab.set_aside_posts"))
    ax.set_title(label("lab.set_aside_title"))
    ax.margins(x=0.15)
    fig.tight_layout()
    plt.close(fig)
    return fig


def calendar_status(calendar_match: pd.DataFrame) -> pd.DataFrame:
    """Calendar items due in the period by match status (on_time, late, missed, ambiguous, not_due)."""
    due = calendar_match[_bool(calendar_match, "in_period")] if "in_period" in calendar_match else calendar_match
    if due.empty or "status" not in due.columns:
        return pd.DataFrame(columns=[label("lab.status"), label("lab.count")])
    return _counts(due["status"], "lab.status")


def flag_counts(flags: pd.DataFrame) -> pd.DataFrame:
    """Flags of the period's posts by check and level, most first."""
    if flags.empty:
        return pd.DataFrame(columns=[label("lab.check"), label("lab.level"), label("lab.count")])
    f = flags[_bool(flags, "in_period")] if "in_period" in flags.columns else flags
    out = f.groupby(["check", "level"], dropna=False).size().sort_values(ascending=False)
    return out.rename(label("lab.count")).reset_index().rename(columns={"check": label("lab.check"),
                                                                        "level": label("lab.level")})


def viral_posts(posts: pd.DataFrame, top: int = 15) -> pd.DataFrame:
    """The period's viral posts, strongest first: the rule that fired, the value against the account's baseline."""
    cols = ["platform", "account", "operator", "title", "viral_rule", "primary_metric", "primary_value",
            "baseline_median", "viral_multiple"]
    v = posts[_bool(posts, "in_period") & _bool(posts, "viral")]
    v = v.sort_values("viral_multiple", ascending=False) if "viral_multiple" in v.columns else v
    return v[[c for c in cols if c in v.columns]].head(top).reset_index(drop=True)


# ----------------------------------------------------------------------------------------------------------- score
def grade_counts(scorecard: pd.DataFrame) -> pd.DataFrame:
    """People per grade, in the order S, A, B, C, D."""
    order = ["S", "A", "B", "C", "D"]
    counts = scorecard["grade"].value_counts().reindex(order, fill_value=0)
    return counts.rename_axis(label("lab.grade")).rename(label("lab.people")).reset_index()


def not_applicable(indicator_scores: pd.DataFrame) -> pd.DataFrame:
    """Per indicator, how many people it was not applicable to (its weight went to the others of its dimension)."""
    na = indicator_scores[~indicator_scores["applicable"].astype("boolean").fillna(False).astype(bool)]
    out = na.groupby("indicator", observed=True).size().sort_values(ascending=False)
    return out.rename(label("lab.not_applicable")).rename_axis(label("lab.indicator")).reset_index()


def score_histogram(scorecard: pd.DataFrame, bounds: dict[str, float] | None = None):
    """Histogram of the totals with the grade bounds as vertical lines; a matplotlib Figure."""
    import matplotlib.pyplot as plt

    from .. import plotting

    plotting.setup()
    fig, ax = plt.subplots(figsize=(7, 3))
    totals = pd.to_numeric(scorecard["total"], errors="coerce").dropna()
    ax.hist(totals, bins=max(5, min(30, len(totals) // 2 or 1)), color="#4c72b0")
    for grade, bound in (bounds or {}).items():
        ax.axvline(bound, color="#c44e52", linestyle="--", linewidth=1)
        ax.text(bound, ax.get_ylim()[1] * 0.95, f" {grade}", color="#c44e52", va="top")
    ax.set_xlabel(label("lab.total"))
    ax.set_ylabel(label("lab.people"))
    ax.set_title(label("lab.score_histogram"))
    fig.tight_layout()
    plt.close(fig)
    return fig


def readable(frame: pd.DataFrame, columns: list[str] | None = None) -> pd.DataFrame:
    """A frame as the reports show it, for the lab's widgets: Chinese headers and every cell through the one formatter
    (units, percent, 是/否, platform names; report.html.table). Empty in, empty out."""
    from ..labels import labels
    from ..report.html import table

    shown = table(frame, labels(), columns, limit=max(len(frame), 1))
    if shown is None:
        return pd.DataFrame()
    return pd.DataFrame(shown.rows, columns=shown.headers, index=frame.index[: len(shown.rows)])
