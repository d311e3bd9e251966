"""Publish a period's reports: index, team report, data-quality page, one private scorecard per person, HR workbook.

Reads only data/processed/ (this period, earlier periods for movers and trends) and the list of periods already in
the reports folder (for the archive). Writes only into `out_dir`: the runner passes a staging folder and swaps it into
reports/<period>/ afterwards. Plain Jinja2 rendering in one process, no kernel per page.

Every input is optional: a missing or unreadable table becomes a Chinese notice in the page that needed it.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .. import catalog, plotting, schema
from ..content.settings import load_content_config
from ..labels import LANGS, labels as all_labels
from ..paths import Workspace
from ..periods import MONTH_RE, Period, PeriodError, month_shift
from . import charts, excel
from .html import (Table, cell_text, col_label, fmt_num, fmt_pct, fmt_signed, href, render, table, tables_by,
                   unique_filenames)

BASE_COLUMNS = set(schema.SCORECARD_BASE)
SCORECARD_NOTES = ["note", "reweight_note", "fairness_note", "veto_reason"]  # plain-text scorecard extras shown as is
MAX_ROWS = 200          # rows of a table shown in a page
TOP_POSTS = load_content_config().top_n   # best / weakest posts on a scorecard: content.yaml top_n, the one home
VIRAL_ROWS = 20
TREND_MONTHS = 12       # months of history on a scorecard


@dataclass
class PublishResult:
    """What publish() wrote, and what it had to leave out (plain Chinese/English notes, one per missing input)."""

    period: str
    out_dir: Path
    pages: list[Path] = field(default_factory=list)
    people: dict[str, Path] = field(default_factory=dict)
    excel: Path | None = None
    messages: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)


# ------------------------------------------------------------------------------------------------------- inputs

class Inputs:
    """Lazy, defensive reader of one period's processed folder; remembers a notice for each missing table."""

    WHAT = {
        "scorecard": "scorecard", "indicator_scores": "indicators", "data_quality": "quality",
        "data_quality_notes": "notes", "manifest": "manifest", "quarantine": "quarantine",
        "account_month": "account_month", "score_ledger": "ledger",
    }

    def __init__(self, ws: Workspace, period: str, lab: dict[str, str]):
        self.ws, self.period, self.lab = ws, period, lab
        self.folder = ws.processed(period)
        self._cache: dict[str, pd.DataFrame | None] = {}
        self.notices: dict[str, str] = {}

    def _what(self, key: str) -> str:
        if key.startswith("content_"):
            return self.lab["report.what.content"]
        if key in {"posts_clean", "posts"}:
            return self.lab["report.what.posts"]
        if key in {"qualitative_reviews", "quality_reviews"}:
            return self.lab["report.what.reviews"]
        return self.lab.get(f"report.what.{self.WHAT.get(key, key)}", key)

    def get(self, key: str, columns: set[str] | None = None) -> pd.DataFrame | None:
        """A processed table by catalog name, None when missing, unreadable or empty.

        `columns`: read only those of the file's columns (the post tables hold a million rows and dozens of columns
        the report never shows); the first call for a key decides what is cached."""
        if key in self._cache:
            return self._cache[key]
        name = catalog.file_name(key)
        frame: pd.DataFrame | None = None
        try:
            data = catalog.load(self.folder, key, columns=columns)
            frame = pd.DataFrame(data.get("files", [])) if key == "manifest" else data
        except catalog.DatasetMissing:
            self.notices[key] = self.lab["report.missing"].format(what=self._what(key), file=name)
        except catalog.DatasetError:  # an unreadable file becomes a notice, never a traceback
            self.notices[key] = self.lab["report.unreadable"].format(file=name)
        if frame is not None and frame.empty:
            self.notices[key] = self.lab["report.empty"].format(what=self._what(key))
            frame = None
        self._cache[key] = frame
        return frame

    def meta(self) -> dict:
        """score_meta.json of the scoring stage ({} when absent or unreadable)."""
        data = catalog.try_load(self.folder, "score_meta") or {}
        return data if isinstance(data, dict) else {}

    def notice(self, *keys: str) -> list[str]:
        return [self.notices[k] for k in keys if k in self.notices]


def _scorecard_of(ws: Workspace, period: str) -> pd.DataFrame | None:
    frame = catalog.try_load(ws.processed(period), "scorecard")
    if frame is None:
        return None
    if frame.empty or not {"operator", "total"} <= set(frame.columns):
        return None
    return frame


def previous_period(period: str) -> str:
    p = Period.parse(period)
    if p.kind == "month":
        return month_shift(p.text, -1)
    if p.kind == "quarter":
        return f"{p.year}-Q{p.index - 1}" if p.index > 1 else f"{p.year - 1}-Q4"
    return str(p.year - 1)


def monthly_scorecards(ws: Workspace, last_month: str, months: int = TREND_MONTHS) -> dict[str, pd.DataFrame]:
    """Scorecards of processed months up to `last_month`, the newest `months` of them, oldest first."""
    root = ws.processed_root
    if not root.is_dir():
        return {}
    found = sorted({p.name for p in root.iterdir() if p.is_dir() and MONTH_RE.fullmatch(p.name) and p.name <= last_month}
                   | {last_month})  # the month being run may be staged, not yet published (staging.py)
    out = {}
    for month in found[-months:]:
        frame = _scorecard_of(ws, month)
        if frame is not None:
            out[month] = frame
    return out


def archive(ws: Workspace, period: str, lab: dict[str, str]) -> list[dict]:
    """Periods already published in the reports folder (plus this one), grouped by year / quarter / month, newest first."""
    found = {period}
    root = ws.reports_dir
    if root.is_dir():
        for p in root.iterdir():
            try:
                if p.is_dir() and (p / "index.html").is_file():
                    found.add(Period.parse(p.name).text)
            except PeriodError:
                continue
    groups = []
    for kind in ("year", "quarter", "month"):
        items = sorted((Period.parse(x) for x in found if Period.parse(x).kind == kind), key=lambda q: q.start,
                       reverse=True)
        if items:
            groups.append({"label": lab.get(f"period.{kind}", kind), "items": [
                {"period": q.text, "current": q.text == period, "href": href("..", q.text, "index.html")}
                for q in items]})
    return groups if len(found) > 1 else []


# ------------------------------------------------------------------------------------------------------ helpers

def dimension_columns(scorecard: pd.DataFrame, indicators: pd.DataFrame | None) -> list[str]:
    """The scorecard's dimension columns, in the indicator table's order when there is one."""
    if indicators is not None and "dimension" in indicators.columns:
        order = [d for d in pd.unique(indicators["dimension"].dropna().astype(str)) if d in scorecard.columns]
        if order:
            return order
    return [c for c in scorecard.columns if c not in BASE_COLUMNS and not str(c).isascii()
            and pd.api.types.is_numeric_dtype(scorecard[c])]


def grade_class(grade: object) -> str:
    g = str(grade or "").strip()[:1].upper()
    return g if g in {"S", "A", "B", "C", "D"} else "x"


def _num(value: object) -> float | None:
    try:
        f = float(value)
    except (TypeError, ValueError):
        return None
    return None if np.isnan(f) else f


def _text(value: object) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return ""
    return str(value).strip()


def _is_true(series: pd.Series) -> pd.Series:
    return series.astype("boolean").fillna(False).astype(bool)


def _pick(frame: pd.DataFrame, candidates: list[str], numeric: bool) -> str | None:
    for c in candidates:
        if c in frame.columns:
            return c
    for c in frame.columns:
        is_num = pd.api.types.is_numeric_dtype(frame[c]) and not pd.api.types.is_bool_dtype(frame[c])
        if numeric and is_num and c not in {"n", "count", "posts", "weekday", "hour", "rank"}:
            return c
        if not numeric and not is_num and c not in {"platform", "account", "operator", "period"}:
            return c
    return None


def _posts(inputs: Inputs) -> pd.DataFrame | None:
    """Post-level rows for highlights: content_posts when the content stage wrote it, else posts_clean (only the
    columns the report uses)."""
    for key in ("content_posts", "posts_clean"):
        frame = inputs.get(key, POST_READ_COLUMNS)
        if frame is not None and {"title", "operator"} <= set(frame.columns):
            return frame
    return None


def _in_period(posts: pd.DataFrame) -> pd.DataFrame:
    return posts[_is_true(posts["in_period"])] if "in_period" in posts.columns else posts


def _with_ratio(posts: pd.DataFrame) -> pd.DataFrame:
    """Adds `_ratio`: the post's value relative to its account's baseline median (else its raw value)."""
    if {"primary_value", "baseline_median"} <= set(posts.columns):
        base = pd.to_numeric(posts["baseline_median"], errors="coerce")
        val = pd.to_numeric(posts["primary_value"], errors="coerce")
        ratio = (val / base.where(base > 0)).astype(float)
    elif "primary_value" in posts.columns:
        ratio = pd.to_numeric(posts["primary_value"], errors="coerce").astype(float)
    elif "views" in posts.columns:
        ratio = pd.to_numeric(posts["views"], errors="coerce").astype(float)
    else:
        ratio = np.nan
    return posts.assign(_ratio=ratio)


def _label_ratio(frame: pd.DataFrame, rows: int | None = None) -> pd.DataFrame:
    """Adds the display text `vs_baseline` (e.g. `1.85×`) from `_ratio`, for the first `rows` rows only (the ones a
    table shows; formatting a million rows in Python was a good part of the report's time); the rest get "—"."""
    has_base = "baseline_median" in frame.columns
    head = frame["_ratio"].iloc[:rows] if rows is not None else frame["_ratio"]
    text = [("—" if pd.isna(r) else f"{r:.2f}×") if has_base else "—" for r in head.tolist()]
    return frame.assign(vs_baseline=text + ["—"] * (len(frame) - len(text)))


def _operator_rows(overview: pd.DataFrame | None) -> pd.DataFrame | None:
    if overview is None or "operator" not in overview.columns:
        return None
    if "level" in overview.columns:
        overview = overview[overview["level"] == "operator"]
    return overview if not overview.empty else None


def records_by_operator(frame: pd.DataFrame | None) -> dict[str, list[dict]] | None:
    if frame is None or "operator" not in frame.columns:
        return None
    out: dict[str, list[dict]] = {}
    for rec in frame.assign(operator=frame["operator"].astype(str)).to_dict("records"):
        out.setdefault(rec["operator"], []).append(rec)
    return out


def ranked_posts(posts: pd.DataFrame | None) -> tuple[pd.DataFrame, pd.DataFrame] | None:
    """For all operators, the best TOP_POSTS posts of the period and the weakest TOP_POSTS: the content stage's top/bottom
    marks (`position`) when present, else ranked by value relative to the account's baseline median (the weakest
    drawn from mature posts not among the best)."""
    if posts is None or "operator" not in posts.columns:
        return None
    current = _with_ratio(_in_period(posts))
    current = current.assign(operator=current["operator"].astype(str))
    if "position" in current.columns and current["position"].notna().any():
        # The content stage already marked each account's top and bottom posts (by engagement rate): use its choice.
        key = "engagement_rate" if "engagement_rate" in current.columns else "_ratio"
        marked = current[current["position"].isin(["top", "bottom"])]  # a stable sort of the few marked rows only
        ranked = marked.sort_values(["operator", key], ascending=[True, False], kind="stable", na_position="last")
        best = ranked[ranked["position"] == "top"].groupby("operator", sort=False).head(TOP_POSTS)
        worst = ranked[ranked["position"] == "bottom"].iloc[::-1].groupby("operator", sort=False).head(TOP_POSTS)
    else:
        ranked = current.dropna(subset=["_ratio"])
        ranked = ranked.sort_values(["operator", "_ratio"], ascending=[True, False], kind="stable")
        best = ranked.groupby("operator", sort=False).head(TOP_POSTS)
        pool = ranked.drop(index=best.index)
        if "mature" in pool.columns:
            pool = pool[_is_true(pool["mature"])]
        worst = pool.groupby("operator", sort=False).tail(TOP_POSTS).iloc[::-1]
    return _label_ratio(best), _label_ratio(worst)


def ranked_post_tables(posts: pd.DataFrame | None, lab: dict[str, str]) -> dict[str, tuple] | None:
    """Per operator with posts, the (best, weakest) display tables of ranked_posts (None for an empty side)."""
    ranked = ranked_posts(posts)
    if ranked is None:
        return None
    best, worst = (tables_by(f, f["operator"], lab, PERSON_POST_COLUMNS) for f in ranked)
    names = pd.unique(posts["operator"].dropna().astype(str))  # unique first: iterating a million names is slow
    return {name: (best.get(name), worst.get(name)) for name in names}


def history_points(history: dict[str, pd.DataFrame]) -> dict[str, list[tuple[str, float]]]:
    points: dict[str, list[tuple[str, float]]] = {}
    for month, frame in history.items():
        totals = pd.to_numeric(frame["total"], errors="coerce")
        for name, total in zip(frame["operator"].astype(str), totals):
            if not pd.isna(total):
                points.setdefault(name, []).append((month, float(total)))
    return points


POST_COLUMNS = ["platform", "account", "title", "published_at", "format", "views", "engagement_rate", "vs_baseline",
                "viral_rule"]
OVERVIEW_COLUMNS = ["level", "platform", "account", "posts", "views", "interactions", "engagement_rate", "viral_posts",
                    "viral_count", "viral_rate", "net_growth", "growth_rate", "views_mom", "engagement_rate_mom",
                    "original_ratio", "on_time_rate"]
PERSON_OVERVIEW_COLUMNS = ["posts", "views", "interactions", "engagement_rate", "viral_posts", "viral_rate", "net_growth",
                           "growth_rate", "views_mom", "engagement_rate_mom", "original_ratio", "on_time_rate"]
FORMAT_COLUMNS = ["platform", "format", "media_type", "posts", "n", "metric", "metric_median", "median_ratio",
                  "views_median", "interactions_median", "viral_posts", "viral_rate"]
# Every post column the report reads (content_posts / posts_clean are read with only these).
POST_READ_COLUMNS = {"operator", "in_period", "position", "engagement_rate", "primary_value", "baseline_median",
                     "views", "mature", "viral", "published_at", *POST_COLUMNS}
TOPIC_COLUMNS = ["topic", "source", "posts", "n", "platforms", "metric_median", "median_ratio", "engagement_rate",
                 "viral_posts"]


# --------------------------------------------------------------------------------------------------- team parts

def quality_context(inputs: Inputs, lab: dict[str, str]) -> dict:
    dq = inputs.get("data_quality")
    notes = inputs.get("data_quality_notes")
    manifest = inputs.get("manifest")
    quarantine = inputs.get("quarantine")
    status = dq["status"].astype(str) if dq is not None and "status" in dq.columns else pd.Series(dtype=str)
    levels = notes["level"].astype(str) if notes is not None and "level" in notes.columns else pd.Series(dtype=str)
    n_err = int((status == "error").sum() + (levels == "error").sum())
    n_warn = int((status == "warn").sum() + (levels == "warn").sum())
    n_accounts = int((status != "ok").sum())
    n_quarantined = len(quarantine) if quarantine is not None else 0
    missing_core = [k for k in ("data_quality", "manifest") if k in inputs.notices]
    problem = bool(n_err or n_warn or n_quarantined or missing_core)
    if problem:
        summary = lab["report.quality.summary"].format(errors=n_err, warns=n_warn, accounts=n_accounts)
        if n_quarantined:
            summary += f" {lab['report.card.quarantined']}：{n_quarantined}。"
    else:
        summary = lab["report.quality.all_ok"]
    important = None
    if notes is not None:
        order = {"error": 0, "warn": 1, "info": 2}
        imp = notes.assign(_o=levels.map(order).fillna(3)).sort_values("_o", kind="stable")
        imp = imp[imp["_o"] < 2]
        important = table(imp, lab, ["level", "scope", "subject", "message"], limit=10)
    manifest_cols = ["path", "kind", "platform", "account", "layout", "rows_read", "rows_kept", "rows_quarantined",
                     "duplicates_merged", "message"]
    if manifest is not None:
        manifest = manifest.rename(columns={c: "path" for c in ("relative_path", "file", "source_file")
                                            if c in manifest.columns and "path" not in manifest.columns})
        manifest = manifest.rename(columns={c: "kind" for c in ("recognised_as", "recognized_as", "type")
                                            if c in manifest.columns and "kind" not in manifest.columns})
    files = len(manifest) if manifest is not None else None
    return {
        "problem": problem,
        "status": "error" if n_err else ("warn" if problem else "ok"),
        "summary": summary,
        "notes": important,
        "cards": [
            {"label": lab["report.card.files"], "value": fmt_num(files)},
            {"label": lab["report.card.errors"], "value": str(n_err)},
            {"label": lab["report.card.warnings"], "value": str(n_warn)},
            {"label": lab["report.card.quarantined"], "value": str(n_quarantined)},
        ],
        "notes_full": table(notes, lab, ["level", "scope", "subject", "message"], limit=MAX_ROWS),
        "notes_messages": inputs.notice("data_quality_notes"),
        "accounts": table(dq, lab, ["platform", "account", "operator", "status", "files", "posts", "posts_in_period",
                                    "quarantined_rows", "flags", "missing_download", "note"], limit=MAX_ROWS),
        "accounts_messages": inputs.notice("data_quality"),
        "manifest": table(manifest, lab, manifest_cols, limit=MAX_ROWS),
        "manifest_messages": inputs.notice("manifest"),
        "quarantine": table(quarantine, lab, ["source_file", "source_row", "table", "reason", "values"], limit=MAX_ROWS),
        "quarantine_messages": inputs.notice("quarantine"),
    }


def summary_context(scorecard: pd.DataFrame | None, previous: pd.DataFrame | None, inputs: Inputs,
                    lab: dict[str, str]) -> dict:
    if scorecard is None:
        return {"cards": [], "grades": [], "distribution": None, "movers": None,
                "messages": inputs.notice("scorecard")}
    totals = pd.to_numeric(scorecard["total"], errors="coerce")
    cards = [
        {"label": lab["report.card.people"], "value": str(len(scorecard))},
        {"label": lab["report.card.mean"], "value": fmt_num(totals.mean())},
        {"label": lab["report.card.median"], "value": fmt_num(totals.median())},
        {"label": lab["report.card.range"], "value": f"{fmt_num(totals.max())} / {fmt_num(totals.min())}"},
    ]
    grades = []
    if "grade" in scorecard.columns:
        counts = scorecard["grade"].astype(str).value_counts()
        order = sorted(counts.index, key=lambda g: ("SABCD".find(g[:1]) if g[:1] in "SABCD" else 9, g))
        grades = [{"grade": g, "cls": grade_class(g), "count": int(counts[g]),
                   "share": fmt_pct(counts[g] / len(scorecard), 0)} for g in order]
    movers = None
    if previous is not None:
        prev = previous[["operator", "total"]].rename(columns={"total": "previous"})
        m = scorecard[["operator", "total"]].merge(prev, on="operator", how="inner")
        m["change"] = pd.to_numeric(m["total"], errors="coerce") - pd.to_numeric(m["previous"], errors="coerce")
        m = m.dropna(subset=["change"])
        if not m.empty:
            up = m[m["change"] > 0].nlargest(3, "change")
            down = m[m["change"] < 0].nsmallest(3, "change")
            both = pd.concat([up, down])
            both["change"] = [fmt_signed(v) for v in both["change"]]
            movers = table(both, lab, ["operator", "previous", "total", "change"])
    return {"cards": cards, "grades": grades, "movers": movers, "messages": [],
            "distribution": charts.score_distribution(totals, lab["report.chart.score"], lab["report.chart.people"])}


def scoreboard_frame(scorecard: pd.DataFrame, dims: list[str]) -> pd.DataFrame:
    cols = [c for c in ["operator", "rank", "total", "grade"] if c in scorecard.columns] + dims
    frame = scorecard[cols].copy()
    if "rank" in frame.columns:
        frame = frame.sort_values(["rank", "operator"], na_position="last", kind="stable")
    else:
        frame = frame.sort_values("total", ascending=False, kind="stable")
    return frame.reset_index(drop=True)


def content_figures(ws: Workspace, period: str, lab: dict[str, str] | None = None) -> dict[str, str]:
    """Charts drawn by the content stage's own functions (mediakpi.content.charts) from its written tables, as data
    URIs; {} when 04_content has not run for the period. A table that cannot be read or a chart that fails raises:
    the report renders what content wrote and does not hide a broken stage behind a missing chart."""
    from ..content import charts as content_charts
    from ..content.analyse import load_result

    result = load_result(ws, period)
    if result is None:
        return {}
    out = {}
    for name in ("viral_chart", "heatmap", "formats_chart", "topics_chart"):
        fn = getattr(content_charts, name)
        if name == "viral_chart":
            top = content_charts.max_bars(result)
            ov = result.overview
            total = int((ov["level"] == "account").sum()) if ov is not None and "level" in ov.columns else 0
            note = (lab or {}).get("report.chart.top_accounts")  # said under the chart when accounts were left out
            if total > top and note:
                out["viral_chart_note"] = note.format(n=top, total=total)
            out[name] = plotting.to_data_uri(fn(result, top=top, say_top=False))
        else:
            out[name] = plotting.to_data_uri(fn(result))
    return out


def _non_empty_columns(frame: pd.DataFrame, preferred: list[str]) -> list[str]:
    cols = [c for c in preferred if c in frame.columns] or list(frame.columns)
    return [c for c in cols if frame[c].notna().any()]


def content_context(inputs: Inputs, lab: dict[str, str], figures: dict[str, str] | None = None) -> dict:
    figures = figures or {}
    sections = []
    posts = _posts(inputs)
    # Viral posts.
    if posts is not None and "viral" in posts.columns:
        viral = _in_period(posts)
        viral = viral[_is_true(viral["viral"])]
        viral = _label_ratio(_with_ratio(viral).sort_values("_ratio", ascending=False, na_position="last"), VIRAL_ROWS)
        title = lab["report.section.viral"]
        shown = table(viral, lab, ["operator", *POST_COLUMNS], limit=VIRAL_ROWS)
        if shown is None:
            title += f"（{lab['report.empty'].format(what=lab['report.section.viral'])}）"
        sections.append({"title": title, "chart": figures.get("viral_chart"), "table": shown,
                         "note": figures.get("viral_chart_note") if figures.get("viral_chart") else None})
    # Platform overview.
    overview = inputs.get("content_overview")
    if overview is not None:
        if "level" in overview.columns and overview["level"].isin(["team", "platform"]).any():
            overview = overview[overview["level"].isin(["team", "platform"])]
        sections.append({"title": lab["report.section.overview"], "chart": None,
                         "table": table(overview, lab, _non_empty_columns(overview, OVERVIEW_COLUMNS), limit=30)})
    # Best time.
    best = inputs.get("content_best_time")
    weekdays = [lab[f"report.weekday.{i}"] for i in range(7)]
    chart = figures.get("heatmap")
    if chart:
        pass
    elif best is not None and {"weekday", "hour"} <= set(best.columns):
        value = _pick(best.drop(columns=["weekday", "hour"]), ["score", "lift", "index", "median_ratio", "median"], True)
        if value:
            chart = charts.best_time_heatmap(best, value, weekdays, lab["report.col.hour"])
    elif posts is not None and "published_at" in posts.columns:
        p = _with_ratio(_in_period(posts)).dropna(subset=["published_at", "_ratio"])
        if len(p) >= 5:
            ts = pd.to_datetime(p["published_at"])
            chart = charts.best_time_heatmap(pd.DataFrame({"weekday": ts.dt.day_of_week, "hour": ts.dt.hour,
                                                           "v": p["_ratio"].to_numpy()}), "v", weekdays,
                                             lab["report.col.hour"])
    if chart or best is not None:
        sections.append({"title": lab["report.section.best_time"], "chart": chart,
                         "table": table(best, lab, limit=12) if best is not None and chart is None else None})
    # Formats and topics.
    for key, title_key in (("content_formats", "report.section.formats"), ("content_topics", "report.section.topics")):
        frame = inputs.get(key)
        if frame is None:
            continue
        label_col = _pick(frame, ["format", "media_type", "topic", "keyword"], numeric=False)
        value_col = _pick(frame, ["median_ratio", "lift", "metric_median", "median", "median_value", "score"],
                          numeric=True)
        chart = figures.get("formats_chart" if key == "content_formats" else "topics_chart")
        if chart is None and label_col and value_col:
            labels_ = [f"{cell_text('platform', pl, lab)} · {x}" if "platform" in frame.columns and key == "content_formats"
                       else str(x) for pl, x in zip(frame.get("platform", frame[label_col]), frame[label_col])]
            chart = charts.bar_chart(labels_, frame[value_col].tolist(), col_label(value_col, lab))
        preferred = FORMAT_COLUMNS if key == "content_formats" else TOPIC_COLUMNS
        sections.append({"title": lab[title_key], "chart": chart,
                         "table": table(frame, lab, _non_empty_columns(frame, preferred), limit=30)})
    messages = []
    if not sections:
        messages = inputs.notice("content_posts", "posts_clean") or [
            lab["report.empty"].format(what=lab["report.what.content"])]
    return {"sections": sections, "messages": messages}


def trend_context(ws: Workspace, period: Period, lab: dict[str, str]) -> dict | None:
    if period.kind == "month":
        return None
    rows = []
    for month in period.months:
        frame = _scorecard_of(ws, month)
        if frame is not None:
            rows.append(pd.DataFrame({"month": month, "total": pd.to_numeric(frame["total"], errors="coerce")}))
    if not rows:
        return {"chart": None, "table": None,
                "messages": [lab["report.empty"].format(what=lab["report.what.history"])]}
    frame = pd.concat(rows, ignore_index=True)
    summary = frame.groupby("month")["total"].agg(count="count", mean="mean", median="median").reset_index()
    return {"chart": charts.team_trend(frame, lab["report.chart.month"], lab["report.chart.score"]),
            "table": table(summary, lab), "messages": []}


# ------------------------------------------------------------------------------------------------- person parts

LEDGER_HEADERS = {"kind": "report.col.ledger_kind", "detail": "report.col.explanation"}
REVIEW_SCORE_COLUMNS = ["rater_role", "professional", "conduct", "teamwork"]
QUALITY_REVIEW_COLUMNS = ["review_date", "title", "score"]
PERSON_POST_COLUMNS = [c for c in POST_COLUMNS if c != "viral_rule"] + ["viral_rule"]


def _tables(frame: pd.DataFrame | None, lab: dict[str, str], columns: list[str] | None = None, **kw) -> dict | None:
    """Per-operator display tables of a whole frame (html.tables_by); None when the frame has no operator column."""
    if frame is None or "operator" not in frame.columns:
        return None
    return tables_by(frame, frame["operator"], lab, columns, **kw)


@dataclass
class PeopleData:
    """Every per-person input, split by operator once, and every per-person table prepared once for all people
    (formatting each person's tables separately with pandas was most of the scorecards' time)."""

    indicators: dict[str, list[dict]] | None
    ledger: dict[str, Table] | None
    posts: dict[str, tuple[Table | None, Table | None]] | None  # (best, weakest), in period, ranked vs baseline
    reviews: dict[str, list[dict]] | None      # qualitative review records
    review_scores: dict[str, Table] | None
    quality: dict[str, Table] | None
    previous: dict[str, float]
    history: dict[str, list[tuple[str, float]]]
    overview: dict[str, Table] | None = None  # the content stage's per-operator overview rows

    @classmethod
    def of(cls, inputs: Inputs, posts: pd.DataFrame | None, previous: pd.DataFrame | None,
           history: dict[str, pd.DataFrame], lab: dict[str, str]) -> "PeopleData":
        prev = {}
        if previous is not None:
            for name, total in zip(previous["operator"].astype(str), pd.to_numeric(previous["total"], errors="coerce")):
                if not pd.isna(total):
                    prev.setdefault(name, float(total))
        ledger = inputs.get("score_ledger")
        qualitative = inputs.get("qualitative_reviews")
        overview = _operator_rows(inputs.get("content_overview"))
        return cls(
            records_by_operator(inputs.get("indicator_scores")),
            _tables(ledger, lab, [c for c in ledger.columns if c not in {"operator", "period"}] if ledger is not None
                    else None, limit=50, headers={k: lab[v] for k, v in LEDGER_HEADERS.items()}),
            ranked_post_tables(posts, lab),
            records_by_operator(qualitative), _tables(qualitative, lab, REVIEW_SCORE_COLUMNS),
            _tables(inputs.get("quality_reviews"), lab, QUALITY_REVIEW_COLUMNS), prev, history_points(history),
            _tables(overview, lab, [c for c in PERSON_OVERVIEW_COLUMNS if c in overview.columns] or None
                    if overview is not None else None, drop_empty=True))


def _mine(groups: dict | None, name: str):
    """A person's prepared item: None when the input is absent or has nothing for this person."""
    return None if groups is None else groups.get(name)


def person_context(name: str, row: pd.Series, n: int, dims: list[str], inputs: Inputs, data: PeopleData,
                   lab: dict[str, str]) -> dict:
    rank = _num(row.get("rank"))
    dim_values = [_num(row.get(d)) for d in dims]
    change = None
    if name in data.previous and _num(row.get("total")) is not None:
        change = fmt_signed(float(row["total"]) - data.previous[name])
    # Indicators, grouped by dimension.
    records = None if data.indicators is None else data.indicators.get(name, [])
    groups, messages = [], inputs.notice("indicator_scores")
    if records is not None:
        if not records:
            messages = [lab["report.empty"].format(what=lab["report.what.indicators"])]
        by_dim: dict[str, list[dict]] = {}
        for rec in records:
            dim = rec.get("dimension")
            by_dim.setdefault("" if dim is None or dim is pd.NA else str(dim), []).append(rec)
        for dim in dims + [d for d in by_dim if d not in dims]:
            if dim not in by_dim:
                continue
            rows = []
            for rec in by_dim[dim]:
                applicable = rec.get("applicable")
                applicable = True if applicable is None or applicable is pd.NA else bool(applicable)
                explanation = _text(rec.get("explanation"))
                reason = _text(rec.get("reason_na"))  # the scoring stage's own words for "why not this period"
                if not applicable and reason and reason not in explanation:
                    explanation = f"{explanation} {reason}".strip()
                rows.append({
                    "indicator": rec.get("indicator", ""),
                    "applicable": applicable,
                    "actual": fmt_num(rec.get("actual"), 2) if applicable else "—",
                    "target": fmt_num(rec.get("target"), 2) if applicable else "—",
                    "achievement": fmt_pct(rec.get("achievement")) if applicable else "—",
                    "score": fmt_num(rec.get("score")) if applicable else lab["report.na"],
                    "weight": fmt_num(rec.get("weight"), 2),
                    "explanation": explanation or ("" if applicable else lab["report.na.reason"]),
                })
            value = _num(row.get(dim)) if dim in row.index else None
            groups.append({"dimension": dim, "rows": rows,
                           "score": fmt_num(value) if value is not None else (lab["report.na"] if dim in dims else "")})
    headers = [col_label(c, lab) for c in ("indicator", "actual", "target", "achievement", "score", "weight",
                                           "explanation")]
    # Bonus / deduction ledger.
    ledger_table = _mine(data.ledger, name)
    # Posts.
    best = worst = None
    posts_messages = []
    if data.posts is not None:
        best, worst = data.posts.get(name, (None, None))
        if best is None:
            posts_messages = [lab["report.empty"].format(what=lab["report.what.posts"])]
    else:
        posts_messages = inputs.notice("posts_clean") or [lab["report.empty"].format(what=lab["report.what.posts"])]
    content_overview = _mine(data.overview, name)
    # Reviews (the rater's role only: a person's page names no one else).
    reviews, review_messages = [], []
    review_scores, quality_reviews = _mine(data.review_scores, name), _mine(data.quality, name)
    mine = _mine(data.reviews, name)
    if mine is not None:
        for rec in mine:
            comment = rec.get("comment")
            if comment is not None and comment is not pd.NA and str(comment).strip():
                role = rec.get("rater_role")
                reviews.append({"comment": str(comment).strip()[:2000],
                                "who": "" if role is None or role is pd.NA else f"— {role}"})
    if not reviews and review_scores is None and quality_reviews is None:
        review_messages = [lab["report.empty"].format(what=lab["report.what.reviews"])]
    # Trend across past months.
    points = data.history.get(name, [])
    dims_frame = pd.DataFrame({"dimension": dims, "score": dim_values})
    dims_table = table(dims_frame, lab)
    if dims_table is not None:
        dims_table.rows = [[d, fmt_num(v) if v is not None else lab["report.na"]] for d, v in zip(dims, dim_values)]
    grade = row.get("grade")
    veto = row.get("veto") if "veto" in row.index else None
    notes = [t for t in (_text(row.get(c)) for c in SCORECARD_NOTES if c in row.index) if t]
    return {
        "name": name,
        "total": fmt_num(row.get("total")),
        "grade": "—" if grade is None or grade is pd.NA else str(grade),
        "grade_class": grade_class(grade),
        "veto": bool(veto) if veto is not None and veto is not pd.NA else False,
        "rank": lab["report.card.rank_of"].format(rank=int(rank)) if rank is not None else "—",
        "rank_label": lab["report.card.rank_among"].format(n=n),
        "change": change,
        "radar": charts.radar_svg(dims, dim_values, na_label=lab["report.na"]) if dims else None,
        "dimensions": dims_table,
        "trend": charts.trend_svg(points) if len(points) >= 1 else None,
        "indicator_groups": groups,
        "indicator_headers": headers,
        "indicator_messages": messages,
        "score_notes": notes,
        "ledger": ledger_table,
        "content_overview": content_overview,
        "best_posts": best,
        "worst_posts": worst,
        "posts_messages": posts_messages,
        "reviews": reviews,
        "review_scores": review_scores,
        "quality_reviews": quality_reviews,
        "review_messages": review_messages,
    }


# ------------------------------------------------------------------------------------------------------ publish

def publish(ws: Workspace, period: str, out_dir: Path, lang: str = "zh") -> PublishResult:
    """Render every page of `period` into `out_dir` (created if needed). See the module docstring."""
    if lang not in LANGS:
        raise ValueError(f"不支持的语言 {lang!r}：请用 {' 或 '.join(LANGS)}。")
    t0 = time.perf_counter()
    p = Period.parse(period)
    period = p.text
    out_dir = Path(out_dir)
    (out_dir / "people").mkdir(parents=True, exist_ok=True)
    lab = all_labels(lang)
    inputs = Inputs(ws, period, lab)
    result = PublishResult(period, out_dir)
    now = pd.Timestamp.now(tz="Asia/Shanghai").strftime("%Y-%m-%d %H:%M")
    common = {"period_label": f"{period}（{lab.get(f'period.{p.kind}', p.kind)}）" if lang == "zh"
              else f"{period} ({lab.get(f'period.{p.kind}', p.kind)})", "generated_at": now}

    scorecard = inputs.get("scorecard")
    if scorecard is not None and not {"operator", "total"} <= set(scorecard.columns):
        inputs.notices["scorecard"] = lab["report.unreadable"].format(file=catalog.file_name("scorecard"))
        scorecard = None
    if scorecard is not None:
        scorecard = scorecard[scorecard["operator"].notna()].drop_duplicates("operator", keep="first")
        scorecard = scorecard.assign(operator=scorecard["operator"].astype(str)).reset_index(drop=True)
    indicators = inputs.get("indicator_scores")
    dims = dimension_columns(scorecard, indicators) if scorecard is not None else []
    previous = _scorecard_of(ws, previous_period(period))
    last_month = p.months[-1]
    history = monthly_scorecards(ws, last_month)
    names = list(scorecard["operator"]) if scorecard is not None else []
    stems = unique_filenames(names)
    t_load = time.perf_counter()

    # Team-level pages.
    quality = quality_context(inputs, lab)
    summary = summary_context(scorecard, previous, inputs, lab)
    board = None
    if scorecard is not None:
        frame = scoreboard_frame(scorecard, dims)
        links = [href("people", stems[n] + ".html") for n in frame["operator"]]
        board = table(frame, lab, ["operator", "rank", "total", "grade", *dims], limit=len(frame), links=links)
        if board is not None:
            for r in board.rows:  # a dimension that did not apply shows as such
                for j, c in enumerate(board.columns):
                    if c in dims and r[j] == "—":
                        r[j] = lab["report.na"]
    meta = inputs.meta()
    dist = meta.get("distribution") if isinstance(meta.get("distribution"), dict) else {}
    if dist.get("message"):
        summary["messages"].append(str(dist["message"]))
    scoring_notes = [str(x) for x in (meta.get("warnings") or []) if x] if scorecard is not None else []
    scoring_sources = [str(x) for x in (meta.get("sources") or []) if x] if p.kind != "month" else []
    team_ctx = dict(common, root="", quality=quality, summary=summary, scoreboard=board,
                    scoring_notes=scoring_notes, scoring_sources=scoring_sources,
                    scoreboard_messages=inputs.notice("scorecard"), trend=trend_context(ws, p, lab),
                    content=content_context(inputs, lab, content_figures(ws, period, lab)), growth=table(inputs.get("account_month"), lab, [
                        "platform", "account", "operator", "month", "followers_start", "followers_end",
                        "followers_gained", "followers_lost", "net_growth", "growth_rate"], limit=MAX_ROWS))
    _write(out_dir / "team.html", render("team.html", lang, **team_ctx), result)
    _write(out_dir / "quality.html", render("quality.html", lang, **dict(common, root="", quality=quality)), result)
    if scorecard is not None:
        ordered = scoreboard_frame(scorecard, [])
        names = list(ordered["operator"])
        grades = list(ordered["grade"]) if "grade" in ordered.columns else [None] * len(names)
    else:
        grades = []
    people = [{"name": n, "href": href("people", stems[n] + ".html"),
               "grade": None if pd.isna(g) else str(g), "grade_class": grade_class(g)}
              for n, g in zip(names, grades)]
    _write(out_dir / "index.html", render("index.html", lang, **dict(
        common, root="", people=people, archive=archive(ws, period, lab), quality_status=quality["status"],
        team_line=" · ".join(f"{c['label']} {c['value']}" for c in summary["cards"][:2]) or lab["report.title.team"],
        quality_line=quality["summary"])), result)
    t_team = time.perf_counter()

    # One private page per person.
    if scorecard is not None:
        data = PeopleData.of(inputs, _posts(inputs), previous, history, lab)
        n = len(scorecard)
        for _, row in scorecard.iterrows():
            name = row["operator"]
            ctx = person_context(name, row, n, dims, inputs, data, lab)
            path = out_dir / "people" / f"{stems[name]}.html"
            _write(path, render("person.html", lang, **dict(common, root="../", **ctx)), result)
            result.people[name] = path
    # A staging folder reused from an earlier run must not keep the scorecard of someone no longer scored.
    written = {p.resolve() for p in result.people.values()}
    for stale in (out_dir / "people").glob("*.html"):
        if stale.resolve() not in written:
            stale.unlink()
    t_people = time.perf_counter()

    # The HR workbook.
    if scorecard is not None:
        board_frame = scoreboard_frame(scorecard, dims)
        if "period" in scorecard.columns:
            period_col = scorecard.set_index("operator").loc[board_frame["operator"], "period"].to_numpy()
            board_frame.insert(0, "period", period_col)
        sheets = [(lab["report.excel.scoreboard"], board_frame, [col_label(c, lab) for c in board_frame.columns])]
        if indicators is not None:
            cols = [c for c in schema.INDICATOR_SCORES if c in indicators.columns]
            sheets.append((lab["report.excel.indicators"], indicators[cols], [col_label(c, lab) for c in cols]))
        result.excel = excel.write_scoreboard(out_dir / "scoreboard.xlsx", sheets, lab["report.excel.note"])
    t_excel = time.perf_counter()

    result.messages = list(dict.fromkeys(inputs.notices.values()))
    result.seconds = {"load": t_load - t0, "team": t_team - t_load, "people": t_people - t_team,
                      "excel": t_excel - t_people, "total": t_excel - t0}
    return result


def _write(path: Path, text: str, result: PublishResult) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    result.pages.append(path)
