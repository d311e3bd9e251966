"""The HR workbook's sheets (scoreboard.xlsx): what is written, in which format; excel.py writes it."""
from __future__ import annotations

import pandas as pd

from .. import fmt
from ..periods import Period
from . import insights
from .html import col_label, reader_text
from .inputs import Inputs, PlanView, text_of
from .team import calibration_context, scoreboard_frame

EXCEL_FORMATS = {fmt.PERCENT: "0.0%", fmt.POINTS: "0.0", fmt.RATIO: "0.00", fmt.SECONDS: "0"}  # else a count


HR_BLANK = ["manager_comment", "acknowledged", "appeal"]   # filled in by hand: the manager, the operator, an appeal


def _roster_facts(roster: pd.DataFrame | None) -> dict[str, tuple[str, str]]:
    """{姓名: (工号, 岗位)} from the roster (the first non-empty value of each person's rows)."""
    out: dict[str, tuple[str, str]] = {}
    if roster is None or "name" not in roster.columns:
        return out
    def first(g: pd.DataFrame, col: str) -> str:
        vals = [text_of(v) for v in g[col]] if col in g.columns else []
        return next((v for v in vals if v), "")

    for name, g in roster.groupby(roster["name"].astype(str), sort=False):
        out[name] = (first(g, "employee_id"), first(g, "role"))
    return out


def hr_board(scorecard: pd.DataFrame, dims: list[str], previous: pd.DataFrame | None, roster: pd.DataFrame | None,
             period: str, appeal_days: int, lab: dict[str, str]) -> pd.DataFrame:
    """成绩总表 for appraisal: 姓名 first (the frozen column), 工号, 岗位, the period and its dates, rank, total, grade,
    正式/暂定 in Chinese, the share of the plan scored, last period's total and the change, bonus and deduction with
    their reasons, the veto, each dimension (不计入 where it did not count), and empty columns for the manager's
    comment, the operator's acknowledgement and an appeal with its deadline."""
    p = Period.parse(period)
    end = (p.end - pd.Timedelta(days=1)).date()
    board = scoreboard_frame(scorecard, dims)
    card = scorecard.drop_duplicates("operator").set_index("operator").reindex(board["operator"])
    facts = _roster_facts(roster)
    prev = {} if previous is None else dict(zip(previous["operator"].astype(str),
                                                 pd.to_numeric(previous["total"], errors="coerce")))
    total = pd.to_numeric(board["total"], errors="coerce")
    before = pd.Series([prev.get(str(n)) for n in board["operator"]], dtype="float64")
    statuses = insights.grade_status(board)
    out = pd.DataFrame({
        "operator": board["operator"].astype(str),
        "employee_id": [facts.get(str(n), ("", ""))[0] for n in board["operator"]],
        "role": [facts.get(str(n), ("", ""))[1] for n in board["operator"]],
        "period": p.text, "period_start": p.start.date().isoformat(), "period_end": end.isoformat(),
        "rank": board["rank"] if "rank" in board.columns else pd.NA,
        "total": total,
        "grade": [text_of(g) if st != "withheld" else "" for g, st in zip(board.get("grade", [""] * len(board)),
                                                                           statuses)],
        "grade_status": [lab.get(f"report.grade_status.{st}", str(st)) for st in statuses],
        "coverage": pd.to_numeric(board.get("coverage"), errors="coerce"),
        "previous_total": before,
        "change": (total - before).to_numpy(),
        "bonus": pd.to_numeric(card.get("bonus", pd.Series(0.0, index=card.index)), errors="coerce").to_numpy(),
        "deduction": pd.to_numeric(card.get("deduction", pd.Series(0.0, index=card.index)),
                                   errors="coerce").to_numpy(),
        "adjustment_reasons": [text_of(x) for x in card.get("adjustment_reasons", pd.Series("", index=card.index))],
        "veto": card["veto"].astype("boolean").fillna(False).to_numpy() if "veto" in card.columns else False,
    })
    for d in dims:
        vals = pd.to_numeric(board[d], errors="coerce")
        out[d] = [float(v) if pd.notna(v) else lab["report.dimension.not_counted"] for v in vals]
    for c in HR_BLANK:
        out[c] = ""
    out["appeal_deadline"] = (end + pd.Timedelta(days=appeal_days)).isoformat()
    return out


def workbook_parts(scorecard: pd.DataFrame, indicators: pd.DataFrame | None, dims: list[str], plan: PlanView,
                   inputs: Inputs, lab: dict[str, str], previous: pd.DataFrame | None = None,
                   appeal_days: int = 7) -> tuple:
    """The sheets of scoreboard.xlsx (scores `0.0`, rates `0.0%`, 是/否, no English and no file paths in any
    cell) and its 说明 sheet (grade cut-offs, dimension weights, each indicator's unit and definition, the
    formula-escaping note)."""
    score_fmt = {c: "0.0" for c in ["total", "score", "previous_total", "bonus", "deduction", *dims]}
    rate_fmt = {c: "0.0%" for c in ["coverage", "achievement", "share", "weight_pct", "weight_in_total"]}
    board = hr_board(scorecard, dims, previous, inputs.get("roster"), inputs.period, appeal_days, lab)
    sheets = [(lab["report.excel.scoreboard"], board, [col_label(c, lab) for c in board.columns],
               {**score_fmt, **rate_fmt, "change": "+0.0;-0.0;0.0"})]
    if indicators is not None:
        frame = indicators.loc[:, ~indicators.columns.duplicated()].copy()
        status = insights.indicator_status(frame).astype(str)
        w_total = pd.to_numeric(frame.get("effective_weight"), errors="coerce").fillna(0) * \
            pd.to_numeric(frame.get("dimension_weight"), errors="coerce").fillna(0)
        counted_dim = []
        card = scorecard.drop_duplicates("operator").set_index("operator")
        for op, d in zip(frame["operator"].astype(str), frame["dimension"].astype(str)):
            v = card.at[op, d] if op in card.index and d in card.columns else None
            counted_dim.append(fmt.num(v) is not None)
        frame = pd.DataFrame({
            "operator": frame["operator"].astype(str), "period": frame.get("period", inputs.period),
            "dimension": frame["dimension"], "indicator": frame["indicator"],
            "actual": pd.to_numeric(frame["actual"], errors="coerce"),
            "target": pd.to_numeric(frame["target"], errors="coerce"),
            "unit": [lab.get(f"indicator.{i}.unit", "") for i in frame["indicator"].astype(str)],
            "achievement": pd.to_numeric(frame["achievement"], errors="coerce"),
            "score": pd.to_numeric(frame["score"], errors="coerce"),
            "weight_pct": pd.to_numeric(frame["weight"], errors="coerce"),
            "weight_in_total": w_total.to_numpy(),
            "status": [lab.get(f"report.status.{x}", x) if c else lab["report.dimension.not_counted"]
                       for x, c in zip(status, counted_dim)],
            "explanation": [reader_text(text_of(x), lab) for x in frame.get("explanation", [""] * len(frame))],
        })
        per_row = [EXCEL_FORMATS.get(u, "#,##0") if u else "0.00" for u in frame["unit"]]
        sheets.append((lab["report.excel.indicators"], frame, [col_label(c, lab) for c in frame.columns],
                       {**score_fmt, **rate_fmt, "actual": per_row, "target": per_row}))
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

