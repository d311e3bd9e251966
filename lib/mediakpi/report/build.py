"""Publish a period's reports: index, team report, data-quality page, one private scorecard per person, HR workbook.

Reads only data/processed/ (this period, earlier periods for movers and trends) and the list of periods already in
the reports folder (for the archive). Writes only into `out_dir`: the runner passes a staging folder and swaps it into
reports/<period>/ afterwards. Plain Jinja2 rendering in one process, no kernel per page.

Every input is optional: a missing or unreadable table becomes a Chinese notice in the page that needed it.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

from .. import background, catalog, plotting, schema
from ..content.settings import load_content_config
from ..labels import LANGS, labels as all_labels
from ..paths import Workspace
from ..periods import MONTH_RE, Period, PeriodError, month_shift
from . import charts, excel, insights
from .. import fmt
from .html import Table, cell_text, col_label, href, reader_text, render, table, tables_by, unique_filenames

BASE_COLUMNS = set(schema.SCORECARD_BASE)
SCORECARD_NOTES = ["note", "reweight_note", "veto_reason"]  # plain-text scorecard extras shown as is (the cohort
# fairness note is statistics for HR, in the workbook, not a line for the person)
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
        self.derived: dict[str, object] = {}  # what is built from the tables once per run (_posts)
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


def _posts(inputs: Inputs) -> pd.DataFrame | None:
    """Post-level rows for highlights: content_posts when the content stage wrote it, else posts_clean (only the
    columns the report uses). The `views_lower_bound` flag (an export's 10万+) comes from posts_clean when the content
    table does not carry it, so that such a count is shown as 10万+, never as an exact 100,000. Built once per
    Inputs (the team page and the scorecards both read it)."""
    if "posts" not in inputs.derived:
        inputs.derived["posts"] = _read_posts(inputs)
    return inputs.derived["posts"]


def _read_posts(inputs: Inputs) -> pd.DataFrame | None:
    ids = ["platform", "account", "post_id"]
    for key in ("content_posts", "posts_clean"):
        frame = inputs.get(key, POST_READ_COLUMNS)
        if frame is not None and {"title", "operator"} <= set(frame.columns):
            if "views_lower_bound" not in frame.columns and key == "content_posts":
                clean = inputs.get("posts_clean", {*ids, "views_lower_bound"})  # only the flag and the post's key
                if clean is not None and {*ids, "views_lower_bound"} <= set(clean.columns) and \
                        set(ids) <= set(frame.columns):
                    flagged = clean.loc[clean["views_lower_bound"].astype("boolean").fillna(False).to_numpy(), ids]
                    keys = set(map(tuple, flagged.astype(str).to_numpy()))
                    frame = frame.assign(views_lower_bound=_key_in(frame, ids, keys) if keys else False)
            return frame
    return None


def _key_in(frame: pd.DataFrame, ids: list[str], keys: set[tuple]) -> np.ndarray:
    """Per row: is (the row's `ids` as text) in `keys`? Tested only on rows whose last id is among the keys' (or
    missing): a handful, where a tuple per row of a million-post table took seconds."""
    last = frame[ids[-1]].astype(str)
    maybe = np.flatnonzero((last.isin([k[-1] for k in keys]) | last.isna()).to_numpy(dtype=bool))
    hit = np.zeros(len(frame), dtype=bool)
    if len(maybe):
        hit[maybe] = [tuple(k) in keys for k in frame[ids].iloc[maybe].astype(str).to_numpy()]
    return hit


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
    text = [fmt.ratio(r) if has_base else fmt.DASH for r in head.tolist()]
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
    """For all operators, the best TOP_POSTS posts of the period and the weakest TOP_POSTS, both ranked by the post's
    primary metric relative to its account's baseline median (the ratio the page shows next to each post, so "best"
    never lists a post below its baseline above one above it). The weakest are drawn from mature posts not among the
    best."""
    if posts is None or "operator" not in posts.columns:
        return None
    current = _in_period(posts)
    # Ranked by position on two arrays (the operator's sorted code, the ratio): the order a stable sort_values on
    # (operator ↑, ratio ↓) gives, then each operator's first TOP_POSTS (best) and, among the mature rest, last
    # TOP_POSTS (weakest, weakest first); only the chosen rows of the wide table are taken.
    operator = current["operator"].astype(str)
    ratio = _with_ratio(current[[c for c in ("primary_value", "baseline_median", "views") if c in current.columns]])
    ratio = ratio["_ratio"].astype(float).to_numpy()
    codes, _ = pd.factorize(operator, sort=True)  # a missing operator is -1: it has no group
    sel = np.flatnonzero((codes >= 0) & ~np.isnan(ratio))
    order = sel[np.lexsort((-ratio[sel], codes[sel]))]
    c = codes[order]
    first = np.arange(len(c)) - np.searchsorted(c, c, side="left") < TOP_POSTS
    best_at, pool = order[first], order[~first]
    if "mature" in current.columns:
        pool = pool[_is_true(current["mature"]).to_numpy()[pool]]
    c = codes[pool]
    last = np.searchsorted(c, c, side="right") - 1 - np.arange(len(c)) < TOP_POSTS
    worst_at = pool[last][::-1]

    at = np.concatenate([best_at, worst_at])  # one take of the wide table for both sides
    picked = current.iloc[at].assign(_ratio=ratio[at])
    picked = picked.assign(operator=operator.iloc[at].set_axis(picked.index))
    return _label_ratio(picked.iloc[:len(best_at)]), _label_ratio(picked.iloc[len(best_at):])


def _flag(value: object) -> bool:
    """A boolean cell as True/False (null is False)."""
    return False if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)) else bool(value)


CARD_NUMBERS = ["views", "likes", "comments", "shares", "saves"]


def post_cards(frame: pd.DataFrame, lab: dict[str, str]) -> list[dict]:
    """Posts as cards: title first (linked when the export's id is the post's URL), then one line of numbers with
    their units, the ratio to the account's baseline, and the viral rule in a few words."""
    cards = []
    for rec in frame.to_dict("records"):
        title = _text(rec.get("title")) or lab["report.post.untitled"]
        pid = _text(rec.get("post_id"))
        bound = _flag(rec.get("views_lower_bound"))
        numbers = [lab[f"report.col.{c}"] + " " + fmt.value(rec.get(c), lab.get(f"report.unit.{c}", ""),
                                                            lower_bound=bound and c == "views")
                   for c in CARD_NUMBERS if fmt.num(rec.get(c)) is not None]
        er = fmt.num(rec.get("engagement_rate"))
        if er is not None:
            numbers.append(f"{lab['report.col.engagement_rate']} {fmt.percent(er)}")
        ts = rec.get("published_at")
        when = ts.strftime("%m-%d %H:%M") if isinstance(ts, pd.Timestamp) and not pd.isna(ts) else ""
        cards.append({
            "title": title if len(title) <= 120 else title[:120] + "…",
            "url": pid if pid.startswith(("https://", "http://")) else None,
            "where": " · ".join(x for x in (cell_text("platform", rec.get("platform"), lab), _text(rec.get("account")),
                                             _text(rec.get("format")), when) if x and x != fmt.DASH),
            "numbers": " · ".join(numbers),
            "ratio": rec.get("vs_baseline") if rec.get("vs_baseline") not in (None, fmt.DASH) else None,
            "viral": lab["report.post.viral"] if _flag(rec.get("viral")) else None,
        })
    return cards


def ranked_post_cards(posts: pd.DataFrame | None, lab: dict[str, str]) -> dict[str, tuple] | None:
    """Per operator with posts, the (best, weakest) cards of ranked_posts (None for an empty side)."""
    ranked = ranked_posts(posts)
    if ranked is None:
        return None
    sides = []
    for side in ranked:  # cards for the whole side at once (a card depends on its own row only), then per person
        groups: dict[str, list[dict]] = {}
        for op, card in zip(side["operator"], post_cards(side, lab)):
            if isinstance(op, str):
                groups.setdefault(op, []).append(card)
        sides.append(groups)
    names = pd.unique(posts["operator"].dropna().astype(str))
    return {name: (sides[0].get(name), sides[1].get(name)) for name in names}


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
FORMAT_COLUMNS = ["platform", "format", "posts", "metric", "metric_median", "median_ratio", "views_median",
                  "interactions_median", "viral_posts", "viral_rate"]
BEST_TIME_COLUMNS = ["platform", "weekday_name", "slot", "posts", "metric", "median_value"]
# Every post column the report reads (content_posts / posts_clean are read with only these).
POST_READ_COLUMNS = {"operator", "in_period", "engagement_rate", "primary_value", "baseline_median", "post_id",
                     "views_lower_bound",
                     "views", "likes", "comments", "shares", "saves", "mature", "viral", "published_at", *POST_COLUMNS}
TOPIC_COLUMNS = ["topic", "posts", "platforms", "metric", "metric_median", "median_ratio", "views_median",
                 "viral_posts"]


def metric_unit(name: object, lab: dict[str, str]) -> str:
    """The unit of a metric named in a content table (its Chinese name or an alias, mediakpi.metrics): a ratio is a
    percent, a per-post value takes its column's unit."""
    from ..metrics import load_metrics

    md = load_metrics()
    for key, m in md.metrics.items():
        if str(name) in {key, m.name, *m.aliases}:
            return fmt.PERCENT if m.kind == "ratio" else lab.get(f"report.unit.{m.column}", "")
    return ""


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
    manifest_cols = ["path", "kind", "platform", "account", "rows_read", "rows_kept", "rows_quarantined",
                     "duplicates_merged", "message"]
    if manifest is not None:
        manifest = manifest.rename(columns={c: "path" for c in ("relative_path", "file", "source_file")
                                            if c in manifest.columns and "path" not in manifest.columns})
        manifest = manifest.rename(columns={c: "kind" for c in ("recognised_as", "recognized_as", "type")
                                            if c in manifest.columns and "kind" not in manifest.columns})
    files = len(manifest) if manifest is not None else None
    # Problems that can change a score: errors and warnings, except about files that were not exports at all.
    not_exports = set()
    if manifest is not None and {"path", "kind"} <= set(manifest.columns):
        not_exports = set(manifest.loc[manifest["kind"].astype(str) == "unrecognised", "path"].astype(str))
    score_problems = 0
    if notes is not None:
        subject = notes["subject"].astype(str) if "subject" in notes.columns else pd.Series("", index=notes.index)
        score_problems = int((levels.isin(["error", "warn"]) & ~subject.isin(not_exports)).sum())
    score_problems += int((status == "error").sum())
    account_cols = ["platform", "account", "operator", "status", "files", "posts", "posts_in_period",
                    "quarantined_rows", "flags", "missing_download", "note"]
    if dq is not None:  # columns other stages add later (e.g. private works) show when they have a label
        account_cols += [c for c in dq.columns if c not in account_cols and col_label(c, lab) != c]
    return {
        "score_problems": score_problems,
        "problem": problem,
        "status": "error" if n_err else ("warn" if problem else "ok"),
        "summary": summary,
        "notes": important,
        "cards": [
            {"label": lab["report.card.files"], "value": fmt.count(files)},
            {"label": lab["report.card.errors"], "value": str(n_err)},
            {"label": lab["report.card.warnings"], "value": str(n_warn)},
            {"label": lab["report.card.quarantined"], "value": str(n_quarantined)},
        ],
        "notes_full": table(notes, lab, ["level", "scope", "subject", "message"], limit=MAX_ROWS),
        "notes_messages": inputs.notice("data_quality_notes"),
        "accounts": table(dq, lab, account_cols, limit=MAX_ROWS),
        "accounts_messages": inputs.notice("data_quality"),
        "manifest": table(manifest, lab, manifest_cols, limit=MAX_ROWS),
        "manifest_messages": inputs.notice("manifest"),
        "quarantine": table(quarantine, lab, ["source_file", "source_row", "table", "reason", "values"], limit=MAX_ROWS),
        "quarantine_messages": inputs.notice("quarantine"),
    }


def summary_context(scorecard: pd.DataFrame | None, previous: pd.DataFrame | None, inputs: Inputs,
                    lab: dict[str, str], plan: "PlanView") -> dict:
    if scorecard is None:
        return {"cards": [], "grades": [], "distribution": None, "movers": None,
                "messages": inputs.notice("scorecard")}
    totals = pd.to_numeric(scorecard["total"], errors="coerce")
    cards = [
        {"label": lab["report.card.people"], "value": str(len(scorecard))},
        {"label": lab["report.card.mean"], "value": fmt.score(totals.mean())},
        {"label": lab["report.card.median"], "value": fmt.score(totals.median())},
        {"label": lab["report.card.range"], "value": f"{fmt.score(totals.max())} / {fmt.score(totals.min())}"},
    ]
    grades = []
    if "grade" in scorecard.columns:
        counts = scorecard["grade"].astype(str).value_counts()
        order = sorted(counts.index, key=lambda g: ("SABCD".find(g[:1]) if g[:1] in "SABCD" else 9, g))
        grades = [{"grade": g, "cls": grade_class(g), "count": int(counts[g]),
                   "share": fmt.percent(counts[g] / len(scorecard), 0)} for g in order]
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
            both["change"] = [fmt.signed(v, fmt.POINTS) for v in both["change"]]
            movers = table(both, lab, ["operator", "previous", "total", "change"])
    return {"cards": cards, "grades": grades, "movers": movers, "messages": [],
            "distribution": charts.score_distribution(totals, lab["report.chart.score"], lab["report.chart.people"],
                                                      plan.grades)}


@dataclass
class PlanView:
    """What the reports show of the assessment plan the scores were made with (score_meta.json names its file)."""

    grades: dict[str, float]
    dimension_weights: dict[str, float]
    max_top_share: float
    cutoffs: str = ""

    @classmethod
    def of(cls, meta: dict, kind: str, lab: dict[str, str]) -> "PlanView":
        from ..scoring import load_assessment

        path = meta.get("config")
        try:
            plan = load_assessment(path if path and Path(path).is_file() else None)
        except Exception:  # noqa: BLE001 - a broken plan file already stopped the scoring stage; show no cut-offs
            return cls({}, dict(meta.get("dimension_weights") or {}), 0.3)
        weights = meta.get("dimension_weights") or plan.weights_for(kind if kind in plan.dimension_weights else "month")
        grades = {g: float(v) for g, v in plan.grades.items()}
        return cls(grades, {str(k): float(v) for k, v in weights.items()}, float(plan.distribution.max_top_share),
                   cutoffs(grades, lab))

    @property
    def bar(self) -> float:
        """The B cut-off: "weak" in the team's weak-spot sentence means below it."""
        return self.grades.get("B", 85.0)


def ranking_rows(scorecard: pd.DataFrame, dims: list[str], previous: pd.DataFrame | None, stems: dict[str, str],
                 lab: dict[str, str], indicators: pd.DataFrame | None = None) -> list[dict]:
    """The team page's first table: rank, name (linked), total, grade (暂定 where provisional), change against last
    period, strongest and weakest dimension (among dimensions with at least one scored indicator)."""
    evidence = insights.evidenced(scorecard, indicators, dims).set_index("operator")
    prev = {}
    if previous is not None:
        prev = dict(zip(previous["operator"].astype(str), pd.to_numeric(previous["total"], errors="coerce")))
    frame = scoreboard_frame(scorecard, dims)
    statuses = insights.grade_status(frame)
    rows = []
    for (_, r), st in zip(frame.iterrows(), statuses):
        name = str(r["operator"])
        strong, weak = insights.extremes(evidence.loc[name], dims)
        rank = _num(r.get("rank"))
        rows.append({
            "rank": str(int(rank)) if rank is not None else fmt.DASH, "name": name,
            "href": href("people", stems[name] + ".html"), "total": fmt.score(r.get("total")),
            "grade": insights.grade_text(r.get("grade"), str(st), lab), "status": str(st),
            # on the ranking the letter and its status stack, so 暂定 does not widen the column on a phone
            "grade_letter": _text(r.get("grade")) if st != "withheld" else fmt.DASH,
            "grade_note": lab[f"report.grade_status.{st}"] if st in ("provisional", "withheld") else "",
            "grade_class": grade_class(r.get("grade")) if st == "final" else "x",
            "change": fmt.signed(_num(r.get("total")) - prev[name], fmt.POINTS)
            if name in prev and _num(r.get("total")) is not None and not pd.isna(prev[name]) else fmt.DASH,
            "strong": f"{strong} {fmt.score(r.get(strong))}" if strong else fmt.DASH,
            "weak": f"{weak} {fmt.score(r.get(weak))}" if weak and weak != strong else fmt.DASH,
        })
    return rows


def calibration_context(scorecard: pd.DataFrame, reviews: pd.DataFrame | None, plan: PlanView,
                        lab: dict[str, str]) -> dict:
    """For HR: each rater's mean rating against the team's, the grade distribution against the guideline, and whose
    grade is provisional or withheld."""
    raters = insights.rater_means(reviews)
    rater_table = None
    if raters is not None:
        raters = raters.assign(difference=[fmt.signed(v) for v in raters["difference"]])
        rater_table = table(raters, lab, ["rater", "rater_role", "people", "mean_rating", "team_mean", "difference"],
                            limit=MAX_ROWS)
    dist = insights.grade_distribution(scorecard, plan.max_top_share)
    top, cap = dist.attrs["top_share"], dist.attrs["max_top_share"]
    guide = lab["report.calibration.guideline"].format(
        top=fmt.percent(top, 0) if top is not None else fmt.DASH, cap=fmt.percent(cap, 0),
        verdict=lab["report.calibration.over" if top is not None and top > cap + 1e-9 else "report.calibration.within"])
    statuses = insights.grade_status(scorecard)
    pending = [{"name": n, "status": lab[f"report.grade_status.{st}"],
                "coverage": fmt.percent(_num(c), 0) if _num(c) is not None else fmt.DASH}
               for n, st, c in zip(scorecard["operator"], statuses,
                                   scorecard["coverage"] if "coverage" in scorecard.columns else [None] * len(scorecard))
               if st != "final"]
    return {"raters": rater_table, "distribution": table(dist, lab, ["grade", "count", "share"]), "guideline": guide,
            "pending": pending}


def data_problem_line(quality: dict, lab: dict[str, str]) -> str | None:
    """The team page's one line about data problems that change scores (details on quality.html)."""
    n = quality["score_problems"]
    return lab["report.quality.line"].format(n=n) if n else None


def scoreboard_frame(scorecard: pd.DataFrame, dims: list[str]) -> pd.DataFrame:
    cols = [c for c in ["operator", "rank", "total", "grade", "grade_status", "coverage"] if c in scorecard.columns]
    cols += dims
    frame = scorecard[cols].copy()
    if "rank" in frame.columns:
        frame = frame.sort_values(["rank", "operator"], na_position="last", kind="stable")
    else:
        frame = frame.sort_values("total", ascending=False, kind="stable")
    return frame.reset_index(drop=True)


# the content tables the four charts below draw from (content_posts, a row per post, is not one of them)
FIGURE_TABLES = {"overview", "best_time", "formats", "topics"}


def content_figures(ws: Workspace, period: str, lab: dict[str, str] | None = None) -> dict[str, str]:
    """Charts drawn by the content stage's own functions (mediakpi.content.charts) from its written tables, as data
    URIs; {} when 04_content has not run for the period. A table that cannot be read or a chart that fails raises:
    the report renders what content wrote and does not hide a broken stage behind a missing chart."""
    from ..content import charts as content_charts
    from ..content.analyse import load_result

    result = load_result(ws, period, only=FIGURE_TABLES)
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
            out[name] = plotting.to_data_uri(plotting.legible(fn(result, top=top, say_top=False)))
        else:
            out[name] = plotting.to_data_uri(plotting.legible(fn(result)))
    return out


def _non_empty_columns(frame: pd.DataFrame, preferred: list[str]) -> list[str]:
    cols = [c for c in preferred if c in frame.columns] or list(frame.columns)
    return [c for c in cols if frame[c].notna().any()]


def content_context(inputs: Inputs, lab: dict[str, str], figures: dict[str, str] | None = None) -> dict:
    figures = figures or {}
    sections = []
    posts = _posts(inputs)
    # Viral posts, as cards (title first), strongest against their account's baseline first.
    if posts is not None and "viral" in posts.columns:
        viral = _in_period(posts)
        viral = viral[_is_true(viral["viral"])]
        viral = _label_ratio(_with_ratio(viral).sort_values("_ratio", ascending=False, na_position="last")
                             .head(VIRAL_ROWS))
        cards = post_cards(viral, lab)
        for card, op in zip(cards, viral["operator"].tolist() if "operator" in viral.columns else [None] * len(cards)):
            card["where"] = " · ".join(x for x in (_text(op), card["where"]) if x)
        title = lab["report.section.viral"]
        if not cards:
            title += f"（{lab['report.empty'].format(what=lab['report.section.viral'])}）"
        note = lab["report.post.viral_note"]
        if len(posts) and _is_true(_in_period(posts)["viral"]).sum() > VIRAL_ROWS:
            note += " " + lab["report.truncated"].format(n=VIRAL_ROWS, total=int(_is_true(_in_period(posts)["viral"]).sum()))
        sections.append({"title": title, "chart": figures.get("viral_chart"), "table": None, "cards": cards,
                         "note": " ".join(x for x in (figures.get("viral_chart_note") if figures.get("viral_chart")
                                                      else None, note) if x)})
    # Platform overview.
    overview = inputs.get("content_overview")
    if overview is not None:
        if "level" in overview.columns and overview["level"].isin(["team", "platform"]).any():
            overview = overview[overview["level"].isin(["team", "platform"])]
        sections.append({"title": lab["report.section.overview"], "chart": None,
                         "table": table(overview, lab, _non_empty_columns(overview, OVERVIEW_COLUMNS), limit=30)})
    # Best time: the content stage's heatmap; without it the table of its slots.
    best = inputs.get("content_best_time")
    if figures.get("heatmap") or best is not None:
        shown = best is not None and not figures.get("heatmap")  # the table stands in for a missing heatmap
        if shown and {"median_value", "metric"} <= set(best.columns):
            # formatted for the rows the table shows (the slots of a big month run to tens of thousands)
            head = best.head(12)
            text = [fmt.value(v, metric_unit(m, lab)) for v, m in zip(head["median_value"], head["metric"])]
            best = best.assign(median_value=text + [fmt.DASH] * (len(best) - len(text)))
        sections.append({"title": lab["report.section.best_time"], "chart": figures.get("heatmap"),
                         "table": table(best, lab, BEST_TIME_COLUMNS, limit=12) if shown else None})
    # Formats and topics: the content stage's charts and tables (each median in its metric's unit).
    for key, title_key, chart_key, preferred in (
            ("content_formats", "report.section.formats", "formats_chart", FORMAT_COLUMNS),
            ("content_topics", "report.section.topics", "topics_chart", TOPIC_COLUMNS)):
        frame = inputs.get(key)
        if frame is None:
            continue
        if "metric_median" in frame.columns and "metric" in frame.columns:
            frame = frame.assign(metric_median=[fmt.value(v, metric_unit(m, lab))
                                                for v, m in zip(frame["metric_median"], frame["metric"])])
        sections.append({"title": lab[title_key], "chart": figures.get(chart_key),
                         "table": table(frame, lab, _non_empty_columns(frame, preferred), limit=30)})
    messages = []
    if not sections:
        messages = inputs.notice("content_posts", "posts_clean") or [
            lab["report.empty"].format(what=lab["report.what.content"])]
    return {"sections": sections, "messages": messages}


def trend_context(ws: Workspace, period: Period, lab: dict[str, str], plan: "PlanView") -> dict | None:
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
    return {"chart": charts.team_trend(frame, lab["report.chart.month"], lab["report.chart.score"], plan.grades,
                                       lab["report.chart.mean_line"], lab["report.chart.range_band"]),
            "table": table(summary, lab, ["month", "count", "mean", "median"]), "messages": []}


# ------------------------------------------------------------------------------------------------- person parts

LEDGER_HEADERS = {"kind": "report.col.ledger_kind", "detail": "report.col.explanation"}
QUALITY_REVIEW_COLUMNS = ["review_date", "title", "score"]


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
    posts: dict[str, tuple[list[dict] | None, list[dict] | None]] | None  # (best, weakest) cards, vs baseline
    reviews: dict[str, list[dict]] | None      # qualitative review records
    quality: dict[str, Table] | None
    previous: dict[str, float]
    history: dict[str, list[tuple[str, float]]]
    overview: dict[str, Table] | None = None  # the content stage's per-operator overview rows
    indicator_history: dict[tuple[str, str], list[tuple[str, float]]] = field(default_factory=dict)
    previous_month: str = ""
    facts: dict[str, dict[str, dict[str, object]]] = field(default_factory=dict)  # insights.team_facts
    statuses: dict[str, list[str]] = field(default_factory=dict)  # indicator_status of each person's records
    grade_statuses: dict[str, str] = field(default_factory=dict)  # insights.grade_status of each scorecard row
    derived: dict = field(default_factory=dict)  # what person_context prepares once for everyone

    @classmethod
    def of(cls, inputs: Inputs, posts: pd.DataFrame | None, previous: pd.DataFrame | None,
           history: dict[str, pd.DataFrame], lab: dict[str, str], ws: Workspace | None = None,
           period: str = "") -> "PeopleData":
        prev = {}
        if previous is not None:
            for name, total in zip(previous["operator"].astype(str), pd.to_numeric(previous["total"], errors="coerce")):
                if not pd.isna(total):
                    prev.setdefault(name, float(total))
        ledger = inputs.get("score_ledger")
        qualitative = inputs.get("qualitative_reviews")
        overview = _operator_rows(inputs.get("content_overview"))
        ind_hist, prev_month = {}, ""
        if ws is not None and period and Period.parse(period).kind == "month":
            prev_month = month_shift(period, -1)
            ind_hist = indicator_history(ws, month_shift(period, -1), INDICATOR_TREND_MONTHS - 1)
        scores = inputs.get("indicator_scores")
        statuses: dict[str, list[str]] = {}
        if scores is not None and "operator" in scores.columns:  # once for the team, in records_by_operator's order
            for op, st in zip(scores["operator"].astype(str), insights.indicator_status(scores)):
                statuses.setdefault(op, []).append(str(st))
        return cls(
            records_by_operator(scores),
            _tables(ledger, lab, [c for c in ledger.columns if c not in {"operator", "period"}] if ledger is not None
                    else None, limit=50, headers={k: lab[v] for k, v in LEDGER_HEADERS.items()}),
            ranked_post_cards(posts, lab),
            records_by_operator(qualitative),
            _tables(inputs.get("quality_reviews"), lab, QUALITY_REVIEW_COLUMNS), prev, history_points(history),
            _tables(overview, lab, [c for c in PERSON_OVERVIEW_COLUMNS if c in overview.columns] or None
                    if overview is not None else None, drop_empty=True),
            ind_hist, prev_month,
            insights.team_facts({k: inputs.get(k, cols) for k, cols in insights.FACT_COLUMNS.items()}), statuses)


INDICATOR_TREND_MONTHS = 6


def indicator_history(ws: Workspace, last_month: str, months: int) -> dict[tuple[str, str], list[tuple[str, float]]]:
    """(operator, indicator) -> [(month, actual)] over the `months` processed months up to `last_month`, oldest
    first; only scored rows (a month where the indicator was not scored is left out)."""
    out: dict[tuple[str, str], list[tuple[str, float]]] = {}
    for k in range(months - 1, -1, -1):
        month = month_shift(last_month, -k)
        frame = catalog.try_load(ws.processed(month), "indicator_scores")  # an unreadable old month: not in the trend
        if frame is None or frame.empty:
            continue
        if not {"operator", "indicator", "actual"} <= set(frame.columns):
            continue
        scored = insights.indicator_status(frame) == "scored"
        frame = frame[scored.to_numpy()]
        for op, ind, actual in zip(frame["operator"].astype(str), frame["indicator"].astype(str),
                                   pd.to_numeric(frame["actual"], errors="coerce")):
            if not pd.isna(actual):
                out.setdefault((op, ind), []).append((month, float(actual)))
    return out


def _mine(groups: dict | None, name: str):
    """A person's prepared item: None when the input is absent or has nothing for this person."""
    return None if groups is None else groups.get(name)


def cutoffs(plan_grades: dict[str, float], lab: dict[str, str]) -> str:
    """`S ≥ 110 · A ≥ 100 · B ≥ 85 · C ≥ 70 · D < 70` from the plan's grade bounds."""
    order = sorted(plan_grades.items(), key=lambda kv: -kv[1])
    if not order:
        return ""
    parts = [f"{g} ≥ {fmt.plain(v)}" for g, v in order] + [f"D < {fmt.plain(order[-1][1])}"]
    return lab["report.cutoffs"].format(cutoffs=" · ".join(parts))


def indicator_rows(records: list[dict], dims: list[str], row: pd.Series, data: "PeopleData", name: str,
                   lab: dict[str, str], statuses: list[str] | None = None) -> list[dict]:
    """The indicator tables of one person, grouped by dimension: actual and target in the indicator's unit, last
    month and the change, a six-month sparkline, rows that were not scored greyed with their reason, and the
    indicators of a dimension that did not count marked so."""
    if statuses is None:
        statuses = [str(s) for s in insights.indicator_status(pd.DataFrame(records))] if records else []
    by_dim: dict[str, list[tuple[dict, str]]] = {}
    for rec, st in zip(records, statuses):
        dim = rec.get("dimension")
        by_dim.setdefault("" if dim is None or dim is pd.NA else str(dim), []).append((rec, st))
    groups = []
    for dim in dims + [d for d in by_dim if d not in dims]:
        if dim not in by_dim:
            continue
        value = _num(row.get(dim)) if dim in row.index else None
        counted = value is not None
        rows = []
        for rec, st in by_dim[dim]:
            ind = str(rec.get("indicator", ""))
            unit = insights.unit_of(ind, lab)
            hist = data.indicator_history.get((name, ind), [])
            prev = hist[-1][1] if hist and hist[-1][0] == data.previous_month else None
            scored = st == "scored"
            reason = _text(rec.get("explanation")) or _text(rec.get("reason_na"))
            explanation = reader_text(_text(rec.get("explanation")) if scored else
                                      lab[f"report.status.{st}"] + (f"：{reason}" if reason else ""), lab)
            rows.append({
                "indicator": ind, "status": st, "counted": counted and scored,
                "actual": fmt.value(rec.get("actual"), unit) if scored else fmt.DASH,
                "target": fmt.value(rec.get("target"), unit) if scored else fmt.DASH,
                "achievement": fmt.percent(rec.get("achievement")) if scored else fmt.DASH,
                "score": fmt.score(rec.get("score")) if scored else lab[f"report.status.{st}"],
                "previous": fmt.value(prev, unit) if prev is not None else fmt.DASH,
                "change": fmt.change(rec.get("actual"), prev, unit) if scored and prev is not None else "",
                "spark": charts.sparkline_svg([v for _, v in hist[-5:]] + ([fmt.num(rec.get("actual"))] if scored
                                                                           else [None])),
                "explanation": explanation,
            })
        groups.append({"dimension": dim, "rows": rows, "counted": counted,
                       "score": fmt.score(value) if counted else lab["report.dimension.not_counted"]})
    return groups


def person_context(name: str, row: pd.Series, n: int, dims: list[str], inputs: Inputs, data: PeopleData,
                   lab: dict[str, str], plan: "PlanView", month_label: str) -> dict:
    rank = _num(row.get("rank"))
    dim_values = [_num(row.get(d)) for d in dims]
    status = data.grade_statuses[name] if name in data.grade_statuses else \
        str(insights.grade_status(row.to_frame().T).iloc[0])
    change = None
    if name in data.previous and _num(row.get("total")) is not None:
        change = fmt.signed(float(row["total"]) - data.previous[name], fmt.POINTS)
    records = None if data.indicators is None else data.indicators.get(name, [])
    messages = inputs.notice("indicator_scores")
    groups, strengths, gaps, missing_tables = [], [], [], []
    if records is not None:
        if not records:
            messages = [lab["report.empty"].format(what=lab["report.what.indicators"])]
        statuses = data.statuses.get(name) if name in data.statuses else \
            [str(s) for s in insights.indicator_status(pd.DataFrame(records))] if records else []
        groups = indicator_rows(records, dims, row, data, name, lab, statuses)
        # Strengths and gaps only among indicators of dimensions that counted.
        counted = [(r, s) for r, s in zip(records, statuses) if _num(row.get(str(r.get("dimension")))) is not None]
        best, worst = insights.strengths_and_gaps([r for r, _ in counted], [s for _, s in counted])
        facts = data.facts.get(name, {})
        for rec in best:
            unit = insights.unit_of(str(rec["indicator"]), lab)
            has_actual = fmt.num(rec.get("actual")) is not None   # a combined indicator (growth over accounts) has none
            strengths.append(lab["report.insight.strength" if has_actual else "report.insight.strength_no_actual"].format(
                name=rec["indicator"], actual=fmt.value(rec.get("actual"), unit) if has_actual else "",
                achievement=fmt.percent(rec.get("achievement"))))
        gaps = [insights.action(rec, facts.get(str(rec["indicator"]), {}), lab, month_label) for rec in worst]
        missing_tables = [str(r.get("indicator")) for r, s in zip(records, statuses) if s == "missing_input"]
    ledger_table = _mine(data.ledger, name)
    best_posts = worst_posts = None
    posts_messages = []
    if data.posts is not None:
        best_posts, worst_posts = data.posts.get(name, (None, None))
        if best_posts is None:
            posts_messages = [lab["report.empty"].format(what=lab["report.what.posts"])]
    else:
        posts_messages = inputs.notice("posts_clean") or [lab["report.empty"].format(what=lab["report.what.posts"])]
    review_groups = review_context(_mine(data.reviews, name), lab)
    quality_reviews = _mine(data.quality, name)
    review_messages = [] if review_groups or quality_reviews is not None else \
        [lab["report.empty"].format(what=lab["report.what.reviews"])]
    points = data.history.get(name, [])
    counted_dims = [(d, v) for d, v in zip(dims, dim_values) if v is not None]
    dims_table = None
    if dims:
        key = ("dimensions", tuple(dims))  # the same header for everyone: prepared once, the rows per person
        if key not in data.derived:
            data.derived[key] = table(pd.DataFrame({"dimension": dims, "score": [0.0] * len(dims)}), lab)
        dims_table = replace(data.derived[key], rows=[[d, fmt.score(v) if v is not None else
                                                       lab["report.dimension.not_counted"]]
                                                      for d, v in zip(dims, dim_values)])
    grade = row.get("grade")
    veto = row.get("veto") if "veto" in row.index else None
    notes = [t for t in (_text(row.get(c)) for c in SCORECARD_NOTES if c in row.index) if t]
    coverage = _num(row.get("coverage"))
    return {
        "name": name,
        "total": fmt.score(row.get("total")),
        "grade": insights.grade_text(grade, status, lab),
        "grade_status": status,
        "grade_status_label": lab[f"report.grade_status.{status}"],
        "grade_class": grade_class(grade) if status == "final" else "x",
        "coverage": lab["report.coverage"].format(coverage=fmt.percent(coverage, 0)) if coverage is not None else "",
        "missing_indicators": missing_tables,
        "missing_note": _text(row.get("missing_note")),
        "cutoffs": plan.cutoffs,
        "veto": bool(veto) if veto is not None and veto is not pd.NA else False,
        "rank": lab["report.card.rank_of"].format(rank=int(rank)) if rank is not None else fmt.DASH,
        "rank_label": lab["report.card.rank_among"].format(n=n),
        "change": change,
        "strengths": strengths,
        "gaps": gaps,
        "radar": charts.radar_svg([d for d, _ in counted_dims], [v for _, v in counted_dims],
                                  ref_label=lab["report.chart.target_line"]) if len(counted_dims) >= 3 else None,
        "dimensions": dims_table,
        "trend": charts.trend_svg(points, ref_label=lab["report.chart.target_line"]) if points else None,
        "indicator_groups": groups,
        "indicator_headers": [lab[f"report.col.{c}"] for c in INDICATOR_HEADERS],
        "indicator_messages": messages,
        "score_notes": notes,
        "ledger": ledger_table,
        "content_overview": _mine(data.overview, name),
        "best_posts": best_posts,
        "worst_posts": worst_posts,
        "posts_messages": posts_messages,
        "review_groups": review_groups,
        "quality_reviews": quality_reviews,
        "review_messages": review_messages,
    }


INDICATOR_HEADERS = ["indicator", "actual", "target", "achievement", "score", "last_month", "trend6", "explanation"]
PERIOD_KIND = {4: "year", 7: "month"}


def _mean(values: list) -> float:
    """pd.to_numeric(pd.Series(values), errors="coerce").mean(): for plain numbers (the float rating columns; NaN
    for a blank) pandas' own arithmetic (the blanks as zeros in numpy's sum, divided by the count) without building
    two Series per rating (200 people × their review groups × 3 ratings); anything else through pandas."""
    if all(type(v) is float or type(v) is int for v in values):
        a = np.array(values, dtype=np.float64)
        missing = np.isnan(a)
        n = int(len(a) - missing.sum())
        return np.where(missing, 0.0, a).sum() / n if n else np.nan
    return pd.to_numeric(pd.Series(values), errors="coerce").mean()


def review_context(records: list[dict] | None, lab: dict[str, str]) -> list[dict]:
    """Reviews grouped by period (labelled 月度 / 季度 / 年度) and rater role; the rater's name is never shown."""
    if not records:
        return []
    groups: dict[tuple[str, str], list[dict]] = {}
    for rec in records:
        period = _text(rec.get("period"))
        role = _text(rec.get("rater_role")) or lab["report.review.unknown_role"]
        groups.setdefault((period, role), []).append(rec)
    out = []
    for (period, role), recs in sorted(groups.items(), key=lambda kv: (-len(kv[0][0]), kv[0][0], kv[0][1])):
        try:
            kind = Period.parse(period).kind if period else ""
        except PeriodError:
            kind = ""
        scores = {c: fmt.score(_mean([r.get(c) for r in recs]))
                  for c in insights.RATING_COLUMNS if any(c in r for r in recs)}
        out.append({"period": period, "kind": lab.get(f"period.{kind}", "") if kind else "", "role": role,
                    "scores": [(lab[f"report.col.{c}"], v) for c, v in scores.items()],
                    "comments": [_text(r.get("comment"))[:2000] for r in recs if _text(r.get("comment"))]})
    return out


EXCEL_FORMATS = {fmt.PERCENT: "0.0%", fmt.POINTS: "0.0", fmt.RATIO: "0.00", fmt.SECONDS: "0"}  # else a count


def workbook_parts(scorecard: pd.DataFrame, indicators: pd.DataFrame | None, dims: list[str], plan: PlanView,
                   inputs: Inputs, lab: dict[str, str]) -> tuple:
    """The sheets of scoreboard.xlsx (scores `0.0`, rates `0.0%`, 是/否) and its 说明 sheet (grade cut-offs,
    dimension weights, each indicator's unit and definition, the formula-escaping note)."""
    score_fmt = {c: "0.0" for c in ["total", "score", *dims]}
    rate_fmt = {c: "0.0%" for c in ["coverage", "achievement", "share"]}
    board = scoreboard_frame(scorecard, dims)
    if "fairness_note" in scorecard.columns:  # the cohort context HR weighs; not shown on a person's page
        board = board.merge(scorecard[["operator", "fairness_note"]], on="operator", how="left")
    if "grade_status" in board.columns:
        board["grade_status"] = [lab.get(f"report.grade_status.{x}", x) for x in board["grade_status"].astype(str)]
    if "period" in scorecard.columns:
        board.insert(0, "period", scorecard.set_index("operator").loc[board["operator"], "period"].to_numpy())
    sheets = [(lab["report.excel.scoreboard"], board, [col_label(c, lab) for c in board.columns],
               {**score_fmt, **rate_fmt})]
    if indicators is not None:
        cols = [c for c in [*schema.INDICATOR_SCORES, "status"] if c in indicators.columns]
        frame = indicators[cols].copy()
        if "status" in frame.columns:
            frame["status"] = [lab.get(f"report.status.{x}", x) for x in frame["status"].astype(str)]
        # actual and target are in each row's own unit (a rate 0.0%, a count #,##0), written next to them too.
        frame.insert(cols.index("target") + 1 if "target" in cols else len(cols), "unit",
                     [lab.get(f"indicator.{i}.unit", "") for i in frame["indicator"].astype(str)])
        per_row = [EXCEL_FORMATS.get(u, "#,##0") if u else "0.00" for u in frame["unit"]]
        sheets.append((lab["report.excel.indicators"], frame, [col_label(c, lab) for c in frame.columns],
                       {**score_fmt, **rate_fmt, "weight": "0.0", "actual": per_row, "target": per_row}))
    cal = calibration_context(scorecard, inputs.get("qualitative_reviews"), plan, lab)
    raters = insights.rater_means(inputs.get("qualitative_reviews"))
    if raters is not None:
        sheets.append((lab["report.excel.calibration"], raters[["rater", "rater_role", "people", "mean_rating",
                                                                  "team_mean", "difference"]],
                       [col_label(c, lab) for c in ("rater", "rater_role", "people", "mean_rating", "team_mean",
                                                    "difference")],
                       {"mean_rating": "0.00", "team_mean": "0.00", "difference": "+0.00;-0.00;0.00"}))
    cut = pd.DataFrame({"grade": list(plan.grades), "lower_bound": list(plan.grades.values()),
                        "note": [cal["guideline"]] + [""] * (len(plan.grades) - 1)}) if plan.grades else pd.DataFrame()
    weights = pd.DataFrame({"dimension": list(plan.dimension_weights),
                            "weight": [f"{fmt.plain(v)}%" for v in plan.dimension_weights.values()]})
    names = list(dict.fromkeys(indicators["indicator"].astype(str))) if indicators is not None else []
    dim_of = dict(zip(indicators["indicator"].astype(str), indicators["dimension"].astype(str))) \
        if indicators is not None and "dimension" in indicators.columns else {}
    definitions = pd.DataFrame({"indicator": names, "dimension": [dim_of.get(n, "") for n in names],
                                "definition": [f"{lab.get(f'indicator.{n}.definition', '')}"
                                               f"（{col_label('unit', lab)}：{lab.get(f'indicator.{n}.unit', '') or '—'}）"
                                               for n in names]})
    blocks = [(lab["report.excel.cutoffs"], cut, [col_label(c, lab) for c in cut.columns]),
              (lab["report.excel.weights"], weights, [col_label(c, lab) for c in weights.columns]),
              (lab["report.excel.definitions"], definitions, [col_label(c, lab) for c in definitions.columns])]
    return sheets, blocks


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
    # the content charts are drawn on the second core while this process renders the pages (issue 18; forked before
    # any table is loaded, see mediakpi.background), after seaborn, the chart module and the CJK font are loaded
    # once: both processes need them
    from ..content import charts as _content_chart_module  # noqa: F401

    plotting.setup()
    content_charts = background.forked(content_figures, ws, period, lab)
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
    meta = inputs.meta()
    plan = PlanView.of(meta, p.kind, lab)
    quality = quality_context(inputs, lab)
    summary = summary_context(scorecard, previous, inputs, lab, plan)
    board = ranking = calibration = weak = None
    if scorecard is not None:
        frame = scoreboard_frame(scorecard, dims)
        frame["grade"] = [insights.grade_text(g, str(st), lab)
                          for g, st in zip(frame.get("grade", [None] * len(frame)), insights.grade_status(frame))]
        links = [href("people", stems[n] + ".html") for n in frame["operator"]]
        board = table(frame, lab, ["operator", "rank", "total", "grade", *dims], limit=len(frame), links=links)
        if board is not None:
            for r in board.rows:  # a dimension that did not count shows as such
                for j, c in enumerate(board.columns):
                    if c in dims and r[j] == fmt.DASH:
                        r[j] = lab["report.dimension.not_counted"]
        ranking = ranking_rows(scorecard, dims, previous, stems, lab, indicators)
        # a team weakness is read from final results only: a provisional one is mostly a gap in the records
        final = scorecard[(insights.grade_status(scorecard) == "final").to_numpy()]
        weak = insights.weak_spot(insights.evidenced(final, indicators, dims), dims, plan.bar, lab) \
            if len(final) else None
        calibration = calibration_context(scorecard, inputs.get("qualitative_reviews"), plan, lab)
    dist = meta.get("distribution") if isinstance(meta.get("distribution"), dict) else {}
    if dist.get("message"):
        summary["messages"].append(str(dist["message"]))
    scoring_notes = [str(x) for x in (meta.get("warnings") or []) if x] if scorecard is not None else []
    scoring_sources = [str(x) for x in (meta.get("sources") or []) if x] if p.kind != "month" else []
    team_ctx = dict(common, root="", quality=quality, summary=summary, scoreboard=board, ranking=ranking,
                    weak_spot=weak, cutoffs=plan.cutoffs, problem_line=data_problem_line(quality, lab),
                    calibration=calibration, dims=dims,
                    scoring_notes=scoring_notes, scoring_sources=scoring_sources,
                    scoreboard_messages=inputs.notice("scorecard"), trend=trend_context(ws, p, lab, plan),
                    content=content_context(inputs, lab, content_charts.result()), growth=table(inputs.get("account_month"), lab, [
                        "platform", "account", "operator", "month", "followers_start", "followers_end",
                        "followers_gained", "followers_lost", "net_growth", "growth_rate"], limit=MAX_ROWS))
    _write(out_dir / "team.html", render("team.html", lang, **team_ctx), result)
    _write(out_dir / "quality.html", render("quality.html", lang, **dict(common, root="", quality=quality)), result)
    if scorecard is not None:
        ordered = scoreboard_frame(scorecard, [])
        names = list(ordered["operator"])
        grades = list(ordered["grade"]) if "grade" in ordered.columns else [None] * len(names)
        statuses = [str(x) for x in insights.grade_status(ordered)]
    else:
        grades, statuses = [], []
    people = [{"name": n, "href": href("people", stems[n] + ".html"),
               "grade": insights.grade_text(g, st, lab), "grade_class": grade_class(g) if st == "final" else "x"}
              for n, g, st in zip(names, grades, statuses)]
    _write(out_dir / "index.html", render("index.html", lang, **dict(
        common, root="", people=people, archive=archive(ws, period, lab), quality_status=quality["status"],
        team_line=" · ".join(f"{c['label']} {c['value']}" for c in summary["cards"][:2]) or lab["report.title.team"],
        quality_line=quality["summary"])), result)
    t_team = time.perf_counter()

    # One private page per person.
    if scorecard is not None:
        data = PeopleData.of(inputs, _posts(inputs), previous, history, lab, ws, period)
        data.grade_statuses = {str(k): str(v) for k, v in zip(scorecard["operator"], insights.grade_status(scorecard))}
        n = int(pd.to_numeric(scorecard["total"], errors="coerce").notna().sum())
        month_label = lab["report.month_label"].format(month=int(last_month[5:7])) if p.kind == "month" else period
        for _, row in scorecard.iterrows():
            name = row["operator"]
            ctx = person_context(name, row, n, dims, inputs, data, lab, plan, month_label)
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
        sheets, blocks = workbook_parts(scorecard, indicators, dims, plan, inputs, lab)
        result.excel = excel.write_scoreboard(out_dir / "scoreboard.xlsx", sheets, note=lab["report.excel.note"],
                                              note_title=lab["report.excel.about"], note_blocks=blocks,
                                              yes_no=(lab["report.yes"], lab["report.no"]))
    t_excel = time.perf_counter()

    result.messages = list(dict.fromkeys(inputs.notices.values()))
    result.seconds = {"load": t_load - t0, "team": t_team - t_load, "people": t_people - t_team,
                      "excel": t_excel - t_people, "total": t_excel - t0}
    return result


def _write(path: Path, text: str, result: PublishResult) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    result.pages.append(path)
