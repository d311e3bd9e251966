"""What the report reads: one period's processed tables (each optional, a notice when missing), earlier
periods' scorecards, the plan the scores were made with (PlanView), and the post rows for the cards."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .. import catalog, fmt
from ..paths import Workspace
from ..periods import MONTH_RE, Period, PeriodError
from .html import href

BASE_COLUMNS = set(catalog.SCORECARD_BASE)
SCORECARD_NOTES = ["note", "reweight_note", "veto_reason"]  # plain-text scorecard extras shown as is (the cohort
# fairness note is statistics for HR, in the workbook, not a line for the person)
MAX_ROWS = 200          # rows of a table shown in a page
VIRAL_ROWS = 20
TREND_MONTHS = 12       # months of history on a scorecard

@dataclass
class PublishResult:
    """What publish() wrote, and what it had to leave out (plain Chinese/English notes, one per missing input)."""

    period: str
    out_dir: Path
    pages: list[Path] = field(default_factory=list)
    people: dict[str, Path] = field(default_factory=dict)
    shares: dict[str, Path] = field(default_factory=dict)    # the share bundle: share/<姓名>.html per person
    excel: Path | None = None
    messages: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)


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


def scorecard_of(ws: Workspace, period: str) -> pd.DataFrame | None:
    frame = catalog.try_load(ws.processed(period), "scorecard")
    if frame is None:
        return None
    if frame.empty or not {"operator", "total"} <= set(frame.columns):
        return None
    return frame


def monthly_scorecards(ws: Workspace, last_month: str, months: int = TREND_MONTHS) -> dict[str, pd.DataFrame]:
    """Scorecards of processed months up to `last_month`, the newest `months` of them, oldest first."""
    root = ws.processed_root
    if not root.is_dir():
        return {}
    found = sorted({p.name for p in root.iterdir() if p.is_dir() and MONTH_RE.fullmatch(p.name) and p.name <= last_month}
                   | {last_month})  # the month being run may be staged, not yet published (staging.py)
    out = {}
    for month in found[-months:]:
        frame = scorecard_of(ws, month)
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


def text_of(value: object) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return ""
    return str(value).strip()


def is_true(series: pd.Series) -> pd.Series:
    return series.astype("boolean").fillna(False).astype(bool)

def posts_of(inputs: Inputs) -> pd.DataFrame | None:
    """The content stage's post rows (content_posts: the period's posts as the score counted them, with the export's
    10万+ flag), only the columns the report uses; built once per Inputs."""
    if "posts" not in inputs.derived:
        frame = inputs.get("content_posts", POST_READ_COLUMNS)
        inputs.derived["posts"] = frame if frame is not None and {"title", "operator"} <= set(frame.columns) else None
    return inputs.derived["posts"]


def records_by_operator(frame: pd.DataFrame | None) -> dict[str, list[dict]] | None:
    if frame is None or "operator" not in frame.columns:
        return None
    out: dict[str, list[dict]] = {}
    for rec in frame.assign(operator=frame["operator"].astype(str)).to_dict("records"):
        out.setdefault(rec["operator"], []).append(rec)
    return out


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
# the person's counted-post figures (score_post_figures): the viral rate beside its denominator, the posts left out
PERSON_OVERVIEW_COLUMNS = ["posts", "views", "interactions", "engagement_rate", "left_out_posts", "mature_posts",
                           "viral_posts", "viral_rate"]
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


@dataclass
class PlanView:
    """What the reports show of the assessment plan the scores were made with (from score_meta.json)."""

    grades: dict[str, float]
    dimension_weights: dict[str, float]
    max_top_share: float
    cutoffs: str = ""

    @classmethod
    def of(cls, meta: dict, kind: str, lab: dict[str, str]) -> "PlanView":
        """From score_meta alone (the grade bands, guideline and weights the score used; scoring/account.py
        plan_facts): the report never re-opens the plan file. A month scored before these fields existed shows no
        cut-offs."""
        grades = {str(g): float(v) for g, v in (meta.get("grades") or {}).items()}
        weights = {str(k): float(v) for k, v in (meta.get("dimension_weights") or {}).items()}
        return cls(grades, weights, float(meta.get("max_top_share") or 0.3), cutoffs(grades, lab))

    @property
    def bar(self) -> float:
        """The B cut-off: "weak" in the team's weak-spot sentence means below it."""
        return self.grades.get("B", 85.0)

def cutoffs(plan_grades: dict[str, float], lab: dict[str, str]) -> str:
    """`S ≥ 110 · A ≥ 100 · B ≥ 85 · C ≥ 70 · D < 70` from the plan's grade bounds."""
    order = sorted(plan_grades.items(), key=lambda kv: -kv[1])
    if not order:
        return ""
    parts = [f"{g} ≥ {fmt.plain(v)}" for g, v in order] + [f"D < {fmt.plain(order[-1][1])}"]
    return lab["report.cutoffs"].format(cutoffs=" · ".join(parts))
