"""A person's private scorecard: every per-person input prepared once for all (PeopleData), then one context per page."""
from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from .. import catalog, fmt
from ..paths import Workspace
from ..periods import Period, PeriodError, month_shift
from . import charts, insights
from .html import Table, reader_text, table, tables_by
from .inputs import (PERSON_OVERVIEW_COLUMNS, SCORECARD_NOTES, Inputs, PlanView, grade_class, history_points,
                     records_by_operator, text_of)
from .posts import score_post_cards

LEDGER_HEADERS = {"kind": "report.col.ledger_kind", "detail": "report.col.explanation"}
QUALITY_REVIEW_COLUMNS = ["review_date", "title", "score"]


def person_tables(frame: pd.DataFrame | None, lab: dict[str, str], columns: list[str] | None = None, **kw) -> dict | None:
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
    account: dict[str, list[dict]] = field(default_factory=dict)  # score_insights records (strengths, gaps)
    drivers: dict[str, list[dict]] = field(default_factory=dict)  # score_drivers records
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
        figures = inputs.get("score_post_figures")  # the score's counted-post figures, one row per person
        overview = figures[figures["level"] == "operator"] if figures is not None and "level" in figures.columns \
            else None
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
            person_tables(ledger, lab, [c for c in ledger.columns if c not in {"operator", "period"}] if ledger is not None
                    else None, limit=50, headers={k: lab[v] for k, v in LEDGER_HEADERS.items()}),
            score_post_cards(inputs.get("score_posts"), lab),
            records_by_operator(qualitative),
            person_tables(inputs.get("quality_reviews"), lab, QUALITY_REVIEW_COLUMNS), prev, history_points(history),
            person_tables(overview, lab, [c for c in PERSON_OVERVIEW_COLUMNS if c in overview.columns] or None
                    if overview is not None else None, drop_empty=True),
            ind_hist, prev_month,
            records_by_operator(inputs.get("score_insights")) or {}, records_by_operator(inputs.get("score_drivers")) or {},
            statuses)


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
        value = fmt.num(row.get(dim)) if dim in row.index else None
        counted = value is not None
        rows = []
        for rec, st in by_dim[dim]:
            ind = str(rec.get("indicator", ""))
            unit = insights.unit_of(ind, lab)
            hist = data.indicator_history.get((name, ind), [])
            prev = hist[-1][1] if hist and hist[-1][0] == data.previous_month else None
            scored = st == "scored"
            reason = text_of(rec.get("explanation")) or text_of(rec.get("reason_na"))
            explanation = reader_text(text_of(rec.get("explanation")) if scored else
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
    rank = fmt.num(row.get("rank"))
    dim_values = [fmt.num(row.get(d)) for d in dims]
    status = data.grade_statuses[name] if name in data.grade_statuses else \
        str(insights.grade_status(row.to_frame().T).iloc[0])
    change = None
    if name in data.previous and fmt.num(row.get("total")) is not None:
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
        # Strengths and gaps: the score's own account (scoring/account.py, dataset score_insights).
        mine = data.account.get(name, [])
        strengths = [insights.strength(r, lab) for r in mine if r.get("kind") == "strength"]
        gaps = [insights.gap(r, lab, month_label) for r in mine if r.get("kind") == "gap"]
        missing_tables = [str(r.get("indicator")) for r, s in zip(records, statuses) if s == "missing_input"]
    ledger_table = _mine(data.ledger, name)
    best_posts = worst_posts = None
    posts_messages = []
    if data.posts is not None:
        best_posts, worst_posts = data.posts.get(name, (None, None))
        if best_posts is None:
            posts_messages = [lab["report.empty"].format(what=lab["report.what.posts"])]
    else:
        posts_messages = inputs.notice("score_posts") or [lab["report.empty"].format(what=lab["report.what.posts"])]
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
    notes = [t for t in (text_of(row.get(c)) for c in SCORECARD_NOTES if c in row.index) if t]
    coverage = fmt.num(row.get("coverage"))
    return {
        "name": name,
        "total": fmt.score(row.get("total")),
        "grade": insights.grade_text(grade, status, lab),
        "grade_status": status,
        "grade_status_label": lab[f"report.grade_status.{status}"],
        "grade_class": grade_class(grade) if status == "final" else "x",
        "coverage": lab["report.coverage"].format(coverage=fmt.percent(coverage, 0)) if coverage is not None else "",
        "missing_indicators": missing_tables,
        "missing_note": text_of(row.get("missing_note")),
        "cutoffs": plan.cutoffs,
        "veto": bool(veto) if veto is not None and veto is not pd.NA else False,
        "rank": lab["report.card.rank_of"].format(rank=int(rank)) if rank is not None else fmt.DASH,
        "rank_label": lab["report.card.rank_among"].format(n=n),
        "change": change,
        "strengths": strengths,
        "gaps": gaps,
        "few_strengths": lab["report.insight.few_strengths"].format(n=len(strengths)) if records and len(strengths) < insights.TOP else "",
        "few_gaps": lab["report.insight.few_gaps"].format(n=len(gaps)) if records and len(gaps) < insights.TOP else "",
        "drivers": insights.driver_lines(data.drivers.get(name, []), lab),
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


def mean_of(values: list) -> float:
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
        period = text_of(rec.get("period"))
        role = text_of(rec.get("rater_role")) or lab["report.review.unknown_role"]
        groups.setdefault((period, role), []).append(rec)
    out = []
    for (period, role), recs in sorted(groups.items(), key=lambda kv: (-len(kv[0][0]), kv[0][0], kv[0][1])):
        try:
            kind = Period.parse(period).kind if period else ""
        except PeriodError:
            kind = ""
        scores = {c: fmt.score(mean_of([r.get(c) for r in recs]))
                  for c in insights.RATING_COLUMNS if any(c in r for r in recs)}
        out.append({"period": period, "kind": lab.get(f"period.{kind}", "") if kind else "", "role": role,
                    "scores": [(lab[f"report.col.{c}"], v) for c, v in scores.items()],
                    "comments": [text_of(r.get("comment"))[:2000] for r in recs if text_of(r.get("comment"))]})
    return out
