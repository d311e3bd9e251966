"""What a reader needs first, as pure functions over the scoring tables: each person's strengths and gaps with a
next-month action, strongest and weakest dimension, the team's common weak spot, and the calibration view for HR.

Sentences come from templates in config/labels (indicators.yaml, report.yaml); numbers from mediakpi.fmt. No network,
no model: the same tables give the same sentences.
"""
from __future__ import annotations

import string

import pandas as pd

from .. import fmt

STATUSES = ("scored", "not_applicable", "missing_input")
GRADE_STATUSES = ("final", "provisional", "withheld")
TOP = 3  # strengths and gaps per person


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


def action(rec: dict, facts: dict[str, object], lab: dict[str, str], month: str) -> str:
    """The next-month sentence for one indicator row: `action_facts` when its facts are known, else `action`, else
    the generic template."""
    name = str(rec.get("indicator", ""))
    unit = unit_of(name, lab)
    values = {"name": name, "actual": fmt.value(rec.get("actual"), unit), "target": fmt.value(rec.get("target"), unit),
              "month": month, "score": fmt.score(rec.get("score")), "achievement": fmt.percent(rec.get("achievement"))}
    if fmt.num(rec.get("target")) is None:
        values.pop("target")
    if fmt.num(rec.get("actual")) is None:
        values["actual"] = lab["report.insight.achieved"].format(achievement=values["achievement"])
    values.update({k: (v if isinstance(v, str) else fmt.plain(v, 1)) for k, v in facts.items()})
    for key in (f"indicator.{name}.action_facts", f"indicator.{name}.action", "report.action.generic"):
        template = lab.get(key)
        if template:
            text = _fill(template, values)
            if text:
                return text
    return name


def strengths_and_gaps(records: list[dict], statuses: list[str]) -> tuple[list[dict], list[dict]]:
    """The TOP scored indicators with the highest achievement (strengths) and the TOP with the lowest (gaps); with
    fewer than 2×TOP scored rows they split what there is, never listing one indicator twice."""
    scored = [r for r, s in zip(records, statuses) if s == "scored" and fmt.num(r.get("achievement")) is not None]
    ranked = sorted(scored, key=lambda r: (-float(r["achievement"]), str(r.get("indicator"))))
    k = min(TOP, len(ranked) // 2) if len(ranked) < 2 * TOP else TOP
    strengths = ranked[:k]
    gaps = sorted(ranked[k:], key=lambda r: (float(r["achievement"]), str(r.get("indicator"))))[:TOP]
    return strengths, gaps


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


# ------------------------------------------------------------------------------------------------------- facts

def facts(name: str, tables: dict[str, pd.DataFrame | None]) -> dict[str, dict[str, object]]:
    """Per indicator, the countable facts its `action_facts` template may name, from this period's team tables."""
    return team_facts(tables).get(name, {})


# the team tables' columns team_facts reads (05_report reads only these of a calendar of a million planned items)
FACT_COLUMNS = {"calendar_match": {"operator", "status", "in_period"},
                "data_reports": {"operator", "due_date", "submitted_date", "quality_score"}}


def team_facts(tables: dict[str, pd.DataFrame | None]) -> dict[str, dict[str, dict[str, object]]]:
    """facts() of every person at once: {operator: {indicator: facts}}, each table split by person once (filtering a
    million-row calendar once per person was most of the scorecards' time)."""
    out: dict[str, dict[str, dict[str, object]]] = {}
    cal = tables.get("calendar_match")
    if cal is not None and {"operator", "status"} <= set(cal.columns):
        if "in_period" in cal.columns:
            cal = cal[cal["in_period"].astype("boolean").fillna(False).to_numpy(dtype=bool)]
        op, st = cal["operator"].astype(str), cal["status"].astype(str)
        late, missed = op[(st == "late").to_numpy()].value_counts(), op[(st == "missed").to_numpy()].value_counts()
        for name in op.dropna().unique():  # everyone with an item in the period, late or missed or neither
            out.setdefault(str(name), {})["内容按时发布率"] = {"late": int(late.get(name, 0)),
                                                          "missed": int(missed.get(name, 0))}
    reports = tables.get("data_reports")
    if reports is not None and {"operator", "due_date", "submitted_date"} <= set(reports.columns):
        # the columns converted once for the team, then summed per person
        key = reports["operator"].astype(str).to_numpy()
        due = pd.to_datetime(reports["due_date"], errors="coerce")
        sub = pd.to_datetime(reports["submitted_date"], errors="coerce")
        per = pd.DataFrame({"due": 1, "late_days": (sub - due).dt.days.clip(lower=0).fillna(0).to_numpy(),
                            "missing": sub.isna().to_numpy()}).groupby(key, sort=False).sum()
        quality = pd.to_numeric(reports.get("quality_score"), errors="coerce")
        means = {op: fmt.score(q.mean()) for op, q in quality.groupby(key, sort=False) if q.notna().any()}
        for op, n, late, missing in zip(per.index, per["due"], per["late_days"], per["missing"]):
            out.setdefault(str(op), {})["数据报告及时性与质量"] = {
                "due": int(n), "late_days": int(late), "missing": int(missing), "quality": means.get(op, fmt.DASH)}
    return out


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
