"""The HR workbook's sheets (scoreboard.xlsx): what is written, in which format; excel.py writes it."""
from __future__ import annotations

import pandas as pd

from .. import catalog, fmt
from . import insights
from .html import col_label
from .inputs import Inputs, PlanView
from .team import calibration_context, scoreboard_frame

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
        cols = [c for c in [*catalog.INDICATOR_SCORES, "status"] if c in indicators.columns]
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
