"""What a reader needs first, as pure functions over the scoring tables: each person's strengths and gaps with a
next-month action, strongest and weakest dimension, the team's common weak spot, and the calibration view for HR.

Sentences come from templates in config/labels (indicators.yaml, report.yaml); numbers from mediakpi.fmt. No network,
no model: the same tables give the same sentences.
"""
from __future__ import annotations

import json
import string

import pandas as pd

from .. import fmt
from ..scoring.account import TOP  # strengths and gaps per person: the account's own number

STATUSES = ("scored", "not_applicable", "missing_input")
GRADE_STATUSES = ("final", "provisional", "withheld")


# ------------------------------------------------------------------------------------------- contract columns

def indicator_status(frame: pd.DataFrame) -> pd.Series:
    """indicator_scores.status (data contract). Months processed before the column existed have only `applicable`:
    there an applicable row was scored and any other was not applicable (the only two states then)."""
    if "status" in frame.columns:
        return frame["status"].astype("string").fillna("not_applicable")
    applicable = frame["applicable"].astype("boolean").fillna(True) if "applicable" in frame.columns else True
    return pd.Series(["scored" if a else "not_applicable" for a in pd.Series(applicable, index=frame.index)],
                     index=frame.index, dtype="string")


def grade_status(scorecard: pd.DataFrame) -> pd.Series:
    """scorecard.grade_status (data contract); before it existed, a row with a total was final, else withheld."""
    if "grade_status" in scorecard.columns:
        return scorecard["grade_status"].astype("string").fillna("withheld")
    total = pd.to_numeric(scorecard["total"], errors="coerce")
    return pd.Series(["final" if pd.notna(t) else "withheld" for t in total], index=scorecard.index, dtype="string")


def grade_text(grade: object, status: str, lab: dict[str, str]) -> str:
    """`B`, `B（暂定）` or `—（暂不评级）`."""
    g = "" if grade is None or grade is pd.NA or (isinstance(grade, float) and pd.isna(grade)) else str(grade)
    if status == "withheld" or not g:
        return lab["report.grade_status.withheld"]
    if status == "provisional":
        return f"{g}{lab['report.grade_status.provisional_suffix']}"
    return g


# ------------------------------------------------------------------------------------------------- sentences

def unit_of(indicator: str, lab: dict[str, str]) -> str:
    return lab.get(f"indicator.{indicator}.unit", "")


def _fill(template: str, values: dict[str, str]) -> str | None:
    """The template with its placeholders filled, None when it names one we do not have."""
    names = {f for _, f, _, _ in string.Formatter().parse(template) if f}
    if not names <= set(values):
        return None
    return template.format(**{k: values[k] for k in names})


def _values(rec: dict, lab: dict[str, str], month: str = "") -> dict[str, str]:
    """The placeholders a strength, gap or action sentence may name, each through mediakpi.fmt in its unit."""
    name = str(rec.get("indicator", ""))
    unit = unit_of(name, lab)
    values = {"name": name, "actual": fmt.value(rec.get("actual"), unit), "target": fmt.value(rec.get("target"), unit),
              "month": month, "score": fmt.score(rec.get("score")), "achievement": fmt.percent(rec.get("achievement")),
              "points": fmt.score(rec.get("points"))}
    if fmt.num(rec.get("target")) is None:
        values.pop("target")
    if fmt.num(rec.get("actual")) is None:
        values["actual"] = lab["report.insight.achieved"].format(achievement=values["achievement"])
    return values


def _facts(rec: dict) -> dict[str, float]:
    raw = rec.get("facts")
    if not isinstance(raw, str) or not raw:
        return {}
    try:
        data = json.loads(raw)
    except ValueError:
        return {}
    return {str(k): float(v) for k, v in data.items() if fmt.num(v) is not None}


def strength(rec: dict, lab: dict[str, str]) -> str:
    """One strength of score_insights: what was reached against the target and the points it brings above it."""
    values = _values(rec, lab)
    key = "report.insight.strength" if "target" in values else "report.insight.strength_no_target"
    return _fill(lab[key], values) or values["name"]


def gap(rec: dict, lab: dict[str, str], month: str) -> str:
    """One gap of score_insights with its action, chosen by the gap's own cause: `indicator.<name>.cause.<code>`
    (with the cause's facts) after what was reached and the points lost; else `indicator.<name>.action`, else
    `report.action.generic`, each followed by the points lost."""
    values = _values(rec, lab, month)
    values.update({k: fmt.plain(v, 1) for k, v in _facts(rec).items()})
    name, cause = values["name"], str(rec.get("cause") or "below_target")
    told = _fill(lab.get(f"indicator.{name}.actual_facts", ""), values)  # e.g. 逾期2天、未交1份, not 0天（逾期）
    if told:
        values["actual"] = told
        values.pop("target", None)
    template = lab.get(f"indicator.{name}.cause.{cause}")
    text = _fill(template, values) if template else None
    if text:
        head = _fill(lab["report.insight.gap"], values) or _fill(lab["report.insight.gap_no_target"], values) or name
        return f"{head}{text}"
    for key in (f"indicator.{name}.action", "report.action.generic"):
        template = lab.get(key)
        text = _fill(template, values) if template else None
        if text:
            return text + lab["report.insight.points_lost"].format(points=values["points"])
    return name


def driver_lines(records: list[dict], lab: dict[str, str], top: int = TOP) -> list[str]:
    """The largest parts of the change against last period (score_drivers), largest first: `内容原创比例 -8.9分`."""
    lines = []
    for rec in records[:top]:
        kind = str(rec.get("kind") or "")
        item = str(rec.get("item")) if kind == "indicator" else lab.get(f"report.driver.{kind}", kind)
        lines.append(lab["report.driver.line"].format(item=item, points=fmt.signed(rec.get("points"), fmt.POINTS)))
    return lines


def evidenced(scorecard: pd.DataFrame, indicators: pd.DataFrame | None, dims: list[str]) -> pd.DataFrame:
    """The scorecard with each person's dimension blanked where none of its indicators was scored (all missing input
    or not applicable): such a dimension scores low for want of records, and naming it as the person's (or the
    team's) weakest would blame the work for a gap in the data. For the strongest/weakest and weak-spot sentences
    only; the scores shown stay as they are."""
    if indicators is None or indicators.empty or not {"operator", "dimension"} <= set(indicators.columns):
        return scorecard
    scored = indicators.assign(_scored=(indicator_status(indicators) == "scored").to_numpy())
    any_scored = scored.groupby(["operator", "dimension"])["_scored"].any()
    out = scorecard.copy()
    for d in dims:
        if d not in out.columns:
            continue
        keep = [bool(any_scored.get((str(op), d), False)) for op in out["operator"]]
        out[d] = pd.to_numeric(out[d], errors="coerce").where(keep)
    return out


def extremes(row: pd.Series, dims: list[str]) -> tuple[str | None, str | None]:
    """The strongest and the weakest dimension that counted (None when none did)."""
    vals = {d: fmt.num(row.get(d)) for d in dims}
    vals = {d: v for d, v in vals.items() if v is not None}
    if not vals:
        return None, None
    return max(vals, key=vals.get), min(vals, key=vals.get)


def weak_spot(scorecard: pd.DataFrame, dims: list[str], bar: float, lab: dict[str, str]) -> str | None:
    """One sentence naming the dimension the team is weakest on: the lowest mean among dimensions that counted for
    at least half the team, with how many are below `bar` (the B cut-off) and the range."""
    best = None
    for d in dims:
        vals = pd.to_numeric(scorecard[d], errors="coerce").dropna() if d in scorecard.columns else pd.Series()
        if len(vals) == 0 or len(vals) * 2 < len(scorecard):
            continue
        if best is None or vals.mean() < best[1].mean():
            best = (d, vals)
    if best is None:
        return None
    d, vals = best
    return lab["report.insight.weak_spot"].format(
        dimension=d, below=int((vals < bar).sum()), n=len(vals), bar=fmt.plain(bar),
        mean=fmt.score(vals.mean()), low=fmt.score(vals.min()), high=fmt.score(vals.max()))


# ------------------------------------------------------------------------------------------------- calibration

RATING_COLUMNS = ["professional", "conduct", "teamwork"]


def rater_means(reviews: pd.DataFrame | None) -> pd.DataFrame | None:
    """Each rater's mean rating (1–5, over the three rated items) against the mean of all ratings, with how many
    people they rated: leniency or severity shows as a difference."""
    if reviews is None or "rater" not in reviews.columns:
        return None
    cols = [c for c in RATING_COLUMNS if c in reviews.columns]
    if not cols:
        return None
    r = reviews.assign(_mean=reviews[cols].apply(pd.to_numeric, errors="coerce").mean(axis=1)).dropna(subset=["_mean"])
    if r.empty:
        return None
    team = float(r["_mean"].mean())
    keys = ["rater", "rater_role"] if "rater_role" in r.columns else ["rater"]
    g = r.groupby(keys, sort=True).agg(people=("operator", "nunique"), mean_rating=("_mean", "mean")).reset_index()
    g["team_mean"] = team
    g["difference"] = g["mean_rating"] - team
    return g.sort_values("difference", ascending=False, kind="stable").reset_index(drop=True)


def grade_distribution(scorecard: pd.DataFrame, max_top_share: float) -> pd.DataFrame:
    """Grade counts and shares against the guideline (S + A at most `max_top_share`; a guide, not a quota)."""
    graded = scorecard[grade_status(scorecard) != "withheld"]
    n = len(graded)
    rows = []
    for g in ("S", "A", "B", "C", "D"):
        c = int((graded["grade"].astype(str) == g).sum()) if "grade" in graded.columns else 0
        rows.append({"grade": g, "count": c, "share": c / n if n else None})
    frame = pd.DataFrame(rows)
    frame.attrs["top_share"] = (frame.loc[frame["grade"].isin(["S", "A"]), "count"].sum() / n) if n else None
    frame.attrs["max_top_share"] = max_top_share
    return frame
