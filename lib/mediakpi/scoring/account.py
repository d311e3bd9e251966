"""The score's own account of each person: what the pages, the workbook and the notebook views say about a person,
computed once from the score's tables at the scoring stage's save step (issue 23). The report renders these tables;
it does not rank, re-read earlier stages or re-open the plan.

Pure functions, DataFrame -> DataFrame:

- The posts are the score's counted posts (clean/counted.py `as_scored`: the one rule for left-out posts).
- `strengths_and_gaps` (dataset `score_insights`): a strength is a scored indicator of a dimension that counted, at or
  above target (100 points), that is not late or missing, ordered by the points it brings above target; a gap is
  below target, ordered by the points it loses (its weight in the total × the shortfall). At most TOP of each; fewer
  is fewer (the page says so). Each gap carries its own cause (`cause`, `facts`), from which the page picks the
  action.
- `drivers` (dataset `score_drivers`): the change of the total against last period split into what moved it: each
  indicator's change of contribution, the bonus, the deduction and the rollup's review share; the parts add up to the
  change (a clip at the plan's floor or cap shows as its own item).
- `ranked_posts` (dataset `score_posts`): each person's best and weakest counted posts, ranked by the post's primary
  metric against its account's baseline median.
- `post_figures` (dataset `score_post_figures`): counted-post figures per person and per (person, account).
- `plan_facts`: the grade bands and the guideline the score used (score_meta `grades`, `max_top_share`).
"""
from __future__ import annotations

import json

import numpy as np
import pandas as pd

TARGET_SCORE = 100.0   # an indicator scores 100 at its target (config/assessment.yaml's scoring functions)
TOP = 3                # strengths and gaps per person
TOP_POSTS = 3          # best / weakest posts per person (content.yaml top_n is passed in by the caller)

INSIGHT_COLUMNS = ["operator", "kind", "order", "indicator", "dimension", "actual", "target", "achievement", "score",
                   "weight_in_total", "points", "cause", "facts"]
DRIVER_COLUMNS = ["operator", "item", "kind", "dimension", "previous", "current", "points"]
POST_COLUMNS = ["operator", "side", "order", "platform", "account", "post_id", "title", "published_at",
                "date_only", "format", "views", "likes", "comments", "shares", "saves", "interactions",
                "engagement_rate", "primary_metric", "primary_value", "baseline_median", "ratio", "viral",
                "views_lower_bound"]
FIGURE_COLUMNS = ["operator", "level", "platform", "account", "posts", "views", "interactions", "engagement_rate",
                  "left_out_posts", "left_out_interactions", "mature_posts", "viral_posts", "viral_rate"]


# ------------------------------------------------------------------------------------------------ counted posts

def post_figures(counted: pd.DataFrame) -> pd.DataFrame:
    """Per person (level `operator`) and per person × account (level `account`): counted posts, views, counted
    interactions, their rate, the posts left out and the interactions they would have added, mature and viral
    posts and the viral rate over mature posts (its denominator is `mature_posts`)."""
    if counted is None or counted.empty or "operator" not in counted.columns:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in FIGURE_COLUMNS})
    f = counted.assign(
        _views=pd.to_numeric(counted.get("views"), errors="coerce"),
        _left=counted["left_out"].astype(bool).astype("int64"),
        _left_i=(counted["raw_interactions"] - counted["interactions"]).fillna(0.0),
        _mature=_bool(counted, "mature").astype("int64"),
        _viral=_bool(counted, "viral").astype("int64"))
    frames = []
    for level, keys in (("operator", ["operator"]), ("account", ["operator", "platform", "account"])):
        g = f.groupby(keys, sort=True, dropna=True)
        out = pd.DataFrame({
            "posts": g.size(), "views": g["_views"].sum(min_count=1), "interactions": g["interactions"].sum(min_count=1),
            "left_out_posts": g["_left"].sum(), "left_out_interactions": g["_left_i"].sum(),
            "mature_posts": g["_mature"].sum(), "viral_posts": g["_viral"].sum()}).reset_index()
        out["level"] = level
        frames.append(out)
    out = pd.concat(frames, ignore_index=True)
    for c in ("platform", "account"):
        if c not in out.columns:
            out[c] = pd.NA
    out["engagement_rate"] = out["interactions"] / out["views"].where(out["views"] > 0)
    out["viral_rate"] = out["viral_posts"] / out["mature_posts"].where(out["mature_posts"] > 0)
    out = out[FIGURE_COLUMNS]
    return out.astype({"operator": "string", "level": "string", "platform": "string", "account": "string",
                       "posts": "Int64", "left_out_posts": "Int64", "mature_posts": "Int64", "viral_posts": "Int64",
                       "views": "float64", "interactions": "float64", "engagement_rate": "float64",
                       "left_out_interactions": "float64", "viral_rate": "float64"})


def ranked_posts(counted: pd.DataFrame, top: int = TOP_POSTS, date_only: set[str] | None = None) -> pd.DataFrame:
    """Each person's `top` best counted posts and `top` weakest (among mature posts not already among the best),
    ranked by the primary metric against the account's baseline median (the ratio shown beside each post; without
    a baseline, the raw value). A post left out of the score is never ranked. `date_only`: platforms whose exports
    carry only a date (the page shows no time for them)."""
    empty = pd.DataFrame({c: pd.Series(dtype="object") for c in POST_COLUMNS})
    if counted is None or counted.empty or "operator" not in counted.columns:
        return empty
    pool = counted[~counted["left_out"].astype(bool).to_numpy() & counted["operator"].notna().to_numpy()]
    if pool.empty:
        return empty
    val = pd.to_numeric(pool.get("primary_value", pool.get("views")), errors="coerce").astype(float)
    if "baseline_median" in pool.columns:
        base = pd.to_numeric(pool["baseline_median"], errors="coerce")
        ratio = (val / base.where(base > 0)).astype(float)
    else:
        ratio = val
    pool = pool.assign(ratio=ratio, _op=pool["operator"].astype(str))
    pool = pool[pool["ratio"].notna()]
    pool = pool.sort_values(["_op", "ratio", "post_id" if "post_id" in pool.columns else "_op"],
                            ascending=[True, False, True], kind="stable")
    best = pool.groupby("_op", sort=False).head(top)
    rest = pool.drop(index=best.index)
    rest = rest[_bool(rest, "mature").to_numpy()]
    worst = rest.iloc[::-1].groupby("_op", sort=False).head(top)
    best = best.assign(side="best", order=best.groupby("_op").cumcount() + 1)
    worst = worst.assign(side="weakest", order=worst.groupby("_op").cumcount() + 1)
    out = pd.concat([best, worst], ignore_index=True)
    views = pd.to_numeric(out.get("views"), errors="coerce")
    out["engagement_rate"] = out["interactions"] / views.where(views > 0)
    out["date_only"] = out["platform"].astype(str).isin(date_only or set())
    for c in POST_COLUMNS:
        if c not in out.columns:
            out[c] = pd.NA
    out = out[POST_COLUMNS].copy()
    for c in ("views", "likes", "comments", "shares", "saves", "interactions", "engagement_rate", "primary_value",
              "baseline_median", "ratio"):
        out[c] = pd.to_numeric(out[c], errors="coerce").astype("float64")
    for c in ("viral", "views_lower_bound", "date_only"):
        out[c] = out[c].astype("boolean")
    return out.astype({"operator": "string", "side": "string", "order": "Int64", "platform": "string",
                       "account": "string", "post_id": "string", "title": "string", "format": "string",
                       "primary_metric": "string"})


def _bool(frame: pd.DataFrame, col: str) -> pd.Series:
    if col not in frame.columns:
        return pd.Series(False, index=frame.index)
    return frame[col].astype("boolean").fillna(False).astype(bool)


# ------------------------------------------------------------------------------------------------------ causes

ZERO_FACTS = {"内容按时发布率": ("unplanned", "late", "missed"), "内容原创比例": ("unlabelled", "reposts"),
              "优化建议数量及采纳率": ("submitted", "adopted")}   # counts that are 0 when no row says otherwise


def indicator_facts(tables: dict[str, pd.DataFrame | None], counted: pd.DataFrame | None,
                    people: list[str] | None = None, window=None) -> dict[str, dict[str, dict[str, float]]]:
    """{operator: {indicator: facts}}: the countable causes behind an indicator's score, from the same tables the
    score read (calendar items on time / late / missed, posts not in the calendar or not labelled original, reports
    due / days late / missing, suggestions submitted / adopted)."""
    out: dict[str, dict[str, dict[str, float]]] = {}
    for op in people or []:
        for ind, keys in ZERO_FACTS.items():
            for k in keys:
                out.setdefault(str(op), {}).setdefault(ind, {})[k] = 0.0

    def within(frame, col):  # the rows of the score's window (a team table may hold other months)
        if window is None or frame is None or frame.empty or col not in frame.columns:
            return frame
        t = pd.to_datetime(frame[col], errors="coerce")
        return frame[t.dt.strftime("%Y-%m").isin(window.months).fillna(False).to_numpy(dtype=bool)]

    def put(op, ind, key, value):
        out.setdefault(str(op), {}).setdefault(ind, {})[key] = float(value)

    cal = tables.get("calendar_match")
    if cal is not None and not cal.empty and {"operator", "status"} <= set(cal.columns):
        if "in_period" in cal.columns:
            cal = cal[cal["in_period"].astype("boolean").fillna(False).to_numpy(dtype=bool)]
        for (op, st), n in cal.groupby([cal["operator"].astype(str), cal["status"].astype(str)]).size().items():
            if st in ("late", "missed"):
                put(op, "内容按时发布率", st, n)
    if counted is not None and not counted.empty and "operator" in counted.columns:
        ops = counted["operator"].astype(str)
        if "calendar_item" in counted.columns:
            for op, n in ops[counted["calendar_item"].isna().to_numpy()].value_counts().items():
                put(op, "内容按时发布率", "unplanned", n)
        if "is_original" in counted.columns:
            orig = counted["is_original"].astype("boolean")
            for op, n in ops[orig.isna().to_numpy()].value_counts().items():
                put(op, "内容原创比例", "unlabelled", n)
            for op, n in ops[(orig == False).fillna(False).to_numpy()].value_counts().items():  # noqa: E712
                put(op, "内容原创比例", "reposts", n)
    reports = within(tables.get("data_reports"), "due_date")
    if reports is not None and not reports.empty and {"operator", "due_date", "submitted_date"} <= set(reports.columns):
        due = pd.to_datetime(reports["due_date"], errors="coerce")
        sub = pd.to_datetime(reports["submitted_date"], errors="coerce")
        late = (sub - due).dt.days.clip(lower=0).fillna(0)
        q = pd.to_numeric(reports.get("quality_score"), errors="coerce")
        for op, g in pd.DataFrame({"late": late, "missing": sub.isna(), "q": q}).groupby(
                reports["operator"].astype(str)):
            put(op, "数据报告及时性与质量", "due", len(g))
            put(op, "数据报告及时性与质量", "late_days", g["late"].sum())
            put(op, "数据报告及时性与质量", "missing", g["missing"].sum())
            if g["q"].notna().any():
                put(op, "数据报告及时性与质量", "quality", round(float(g["q"].mean()), 1))
    sugg = within(tables.get("suggestions"), "submitted_date")
    if sugg is not None and not sugg.empty and "operator" in sugg.columns:
        adopted = sugg["adopted"].astype("boolean").fillna(False) if "adopted" in sugg.columns else None
        for op, g in sugg.groupby(sugg["operator"].astype(str)):
            put(op, "优化建议数量及采纳率", "submitted", len(g))
            if adopted is not None:
                put(op, "优化建议数量及采纳率", "adopted", int(adopted.loc[g.index].sum()))
    return out


def cause_of(indicator: str, facts: dict[str, float], row: dict) -> str:
    """The gap's own cause, as a code the page turns into its action (config/labels/indicators.yaml
    `indicator.<name>.cause.<code>`): the largest countable reason the facts show, else `below_target`."""
    f = {k: v for k, v in facts.items() if v}
    if indicator == "内容按时发布率":
        counts = {k: f.get(k, 0) for k in ("unplanned", "late", "missed")}
        return max(counts, key=counts.__getitem__) if any(counts.values()) else "below_target"
    if indicator == "内容原创比例":
        counts = {k: f.get(k, 0) for k in ("unlabelled", "reposts")}
        return max(counts, key=counts.__getitem__) if any(counts.values()) else "below_target"
    if indicator == "数据报告及时性与质量":
        if f.get("missing"):
            return "missing"
        if f.get("late_days"):
            return "late"
        return "quality" if "quality" in facts else "below_target"
    if indicator == "优化建议数量及采纳率":
        target = _num(row.get("target"))
        if target is not None and facts.get("submitted", 0) < target:
            return "few"
        return "adoption" if facts.get("submitted") else "few"
    return "below_target"


BLOCKING = {"内容按时发布率": ("late", "missed"), "数据报告及时性与质量": ("late_days", "missing")}


def _num(value: object) -> float | None:
    from .. import fmt

    return fmt.num(value)


def weight_in_total(indicators: pd.DataFrame, scorecard: pd.DataFrame | None = None) -> pd.Series:
    """Each indicator row's share of the total (0–1): its weight in its dimension × its dimension's weight in the
    total × the share not taken by a rollup's own review; 0 where the dimension did not count."""
    ew = pd.to_numeric(indicators.get("effective_weight"), errors="coerce").fillna(0.0)
    dw = pd.to_numeric(indicators.get("dimension_weight"), errors="coerce").fillna(0.0)
    keep = 1.0
    if scorecard is not None and "review_share" in scorecard.columns:
        share = dict(zip(scorecard["operator"].astype(str), pd.to_numeric(scorecard["review_share"], errors="coerce")))
        keep = 1.0 - indicators["operator"].astype(str).map(share).fillna(0.0).astype(float)
    return (ew * dw * keep).astype(float)


def strengths_and_gaps(indicators: pd.DataFrame, scorecard: pd.DataFrame | None = None,
                       facts: dict[str, dict[str, dict[str, float]]] | None = None, top: int = TOP) -> pd.DataFrame:
    """Dataset `score_insights`: per person, at most `top` strengths and `top` gaps by the rule in the module
    docstring; `points` is points above target (strength) or points lost (gap), in points of the total."""
    facts = facts or {}
    if indicators is None or indicators.empty:
        return _empty(INSIGHT_COLUMNS)
    rows = indicators.assign(weight_in_total=weight_in_total(indicators, scorecard).to_numpy())
    status = rows["status"].astype("string") if "status" in rows.columns else pd.Series("scored", index=rows.index)
    score = pd.to_numeric(rows["score"], errors="coerce")
    ok = (status == "scored").fillna(False).to_numpy() & score.notna().to_numpy() & (rows["weight_in_total"] > 0)
    rows = rows[ok].assign(_score=score[ok])
    out = []
    for op, g in rows.groupby(rows["operator"].astype(str), sort=False):
        mine = facts.get(op, {})
        cand_s, cand_g = [], []
        for i, rec in enumerate(g.to_dict("records")):
            ind = str(rec["indicator"])
            f = mine.get(ind, {})
            w, s = float(rec["weight_in_total"]), float(rec["_score"])
            blocked = any(f.get(k) for k in BLOCKING.get(ind, ()))
            if s >= TARGET_SCORE - 1e-9 and not blocked:
                cand_s.append((-(w * (s - TARGET_SCORE)), i, rec, w * (s - TARGET_SCORE), ""))
            elif s < TARGET_SCORE - 1e-9:
                cand_g.append((-(w * (TARGET_SCORE - s)), i, rec, w * (TARGET_SCORE - s), cause_of(ind, f, rec)))
        for kind, cands in (("strength", cand_s), ("gap", cand_g)):
            for order, (_, _, rec, points, cause) in enumerate(sorted(cands, key=lambda c: (c[0], c[1]))[:top], 1):
                ind = str(rec["indicator"])
                out.append({"operator": op, "kind": kind, "order": order, "indicator": ind,
                            "dimension": rec.get("dimension"), "actual": rec.get("actual"),
                            "target": rec.get("target"), "achievement": rec.get("achievement"),
                            "score": rec["_score"], "weight_in_total": rec["weight_in_total"], "points": points,
                            "cause": cause or None,
                            "facts": json.dumps(mine.get(ind, {}), ensure_ascii=False, sort_keys=True) if cause
                            else None})
    if not out:
        return _empty(INSIGHT_COLUMNS)
    return pd.DataFrame(out, columns=INSIGHT_COLUMNS).astype(
        {"operator": "string", "kind": "string", "order": "Int64", "indicator": "string", "dimension": "string",
         "actual": "float64", "target": "float64", "achievement": "float64", "score": "float64",
         "weight_in_total": "float64", "points": "float64", "cause": "string", "facts": "string"})


# ----------------------------------------------------------------------------------------------------- drivers

def drivers(scorecard: pd.DataFrame, indicators: pd.DataFrame, previous_card: pd.DataFrame | None,
            previous_indicators: pd.DataFrame | None) -> pd.DataFrame:
    """Dataset `score_drivers`: for everyone scored in both periods, the change of the total split into its parts:
    one row per indicator whose contribution changed (kind `indicator`), the bonus, the deduction, the review share
    and what the plan's floor/cap clipped (kinds `bonus`, `deduction`, `review`, `clip`). The `points` of a person's
    rows add up to the change of the total."""
    if previous_card is None or previous_card.empty or scorecard is None or scorecard.empty:
        return _empty(DRIVER_COLUMNS)
    now_t = _by_op(scorecard, "total")
    prev_t = _by_op(previous_card, "total")
    people = [op for op in now_t.index if op in prev_t.index and pd.notna(now_t[op]) and pd.notna(prev_t[op])]
    if not people:
        return _empty(DRIVER_COLUMNS)

    def contributions(rows):
        if rows is None or rows.empty or "contribution" not in rows.columns:
            return pd.DataFrame(columns=["operator", "indicator", "dimension", "contribution"])
        return pd.DataFrame({"operator": rows["operator"].astype(str), "indicator": rows["indicator"].astype(str),
                             "dimension": rows["dimension"].astype(str),
                             "contribution": pd.to_numeric(rows["contribution"], errors="coerce").fillna(0.0)})

    a, b = contributions(indicators), contributions(previous_indicators)
    m = a.merge(b, on=["operator", "indicator"], how="outer", suffixes=("", "_prev"))
    m["dimension"] = m["dimension"].fillna(m["dimension_prev"])
    m = m[m["operator"].isin(people)]
    out = []
    for rec in m.to_dict("records"):
        cur, prev = float(np.nan_to_num(rec["contribution"])), float(np.nan_to_num(rec["contribution_prev"]))
        if abs(cur - prev) > 1e-9:
            out.append({"operator": rec["operator"], "item": rec["indicator"], "kind": "indicator",
                        "dimension": rec["dimension"], "previous": prev, "current": cur, "points": cur - prev})
    for op in people:
        explained = sum(r["points"] for r in out if r["operator"] == op)
        parts = {}
        for col, kind, sign in (("bonus", "bonus", 1.0), ("deduction", "deduction", -1.0)):
            cur, prev = _get(scorecard, op, col), _get(previous_card, op, col)
            parts[kind] = (sign * prev, sign * cur)
        cur_r = _get(scorecard, op, "review_share") * _get(scorecard, op, "review_score")
        prev_r = _get(previous_card, op, "review_share") * _get(previous_card, op, "review_score")
        parts["review"] = (prev_r, cur_r)
        for kind, (prev, cur) in parts.items():
            if abs(cur - prev) > 1e-9:
                out.append({"operator": op, "item": kind, "kind": kind, "dimension": None, "previous": prev,
                            "current": cur, "points": cur - prev})
                explained += cur - prev
        rest = float(now_t[op] - prev_t[op]) - explained
        if abs(rest) > 1e-6:
            out.append({"operator": op, "item": "clip", "kind": "clip", "dimension": None, "previous": None,
                        "current": None, "points": rest})
    if not out:
        return _empty(DRIVER_COLUMNS)
    frame = pd.DataFrame(out, columns=DRIVER_COLUMNS)
    frame = frame.assign(_a=-frame["points"].abs()).sort_values(["operator", "_a", "item"], kind="stable")
    return frame.drop(columns="_a").reset_index(drop=True).astype(
        {"operator": "string", "item": "string", "kind": "string", "dimension": "string", "previous": "float64",
         "current": "float64", "points": "float64"})


def _by_op(frame: pd.DataFrame, col: str) -> pd.Series:
    f = frame.drop_duplicates("operator")
    return pd.Series(pd.to_numeric(f[col], errors="coerce").to_numpy(), index=f["operator"].astype(str))


def _get(frame: pd.DataFrame, op: str, col: str) -> float:
    if col not in frame.columns:
        return 0.0
    v = _by_op(frame, col).get(op)
    return 0.0 if v is None or pd.isna(v) else float(v)


def _empty(columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="object") for c in columns})


# --------------------------------------------------------------------------------------------------- the plan

def plan_facts(cfg) -> dict:
    """What the pages show of the plan the score used, for score_meta: the grade bands (lower bounds, best
    first), the share of S+A the guideline allows, and the coverage below which a grade is provisional."""
    return {"grades": {str(g): float(v) for g, v in sorted(cfg.grades.items(), key=lambda kv: -float(kv[1]))},
            "max_top_share": float(cfg.distribution.max_top_share),
            "provisional_coverage": float(getattr(cfg, "provisional_coverage", 0.0) or 0.0)}


def date_only_platforms(posts: pd.DataFrame) -> set[str]:
    """Platforms whose every post of the table was published at 00:00:00: their exports carry a date, no time."""
    if posts is None or posts.empty or not {"platform", "published_at"} <= set(posts.columns):
        return set()
    t = pd.to_datetime(posts["published_at"], errors="coerce")
    midnight = (t.dt.hour == 0) & (t.dt.minute == 0) & (t.dt.second == 0)
    per = midnight.groupby(posts["platform"].astype(str)).all()
    return {str(p) for p, v in per.items() if bool(v)}


# ------------------------------------------------------------------------------------------------ the save step

DATASETS = ("score_insights", "score_drivers", "score_posts", "score_post_figures")


def account_tables(scorecard: pd.DataFrame, indicators: pd.DataFrame, tables: dict[str, pd.DataFrame | None],
                   previous_card: pd.DataFrame | None = None, previous_indicators: pd.DataFrame | None = None,
                   top_posts: int = TOP_POSTS, window=None) -> dict[str, pd.DataFrame]:
    """Every table of the account from the score's own tables and the inputs it read (`tables`: posts_clean with
    `fake` / `private` masks applied by the caller as `counted`, calendar_match, data_reports, suggestions)."""
    counted = tables.get("counted")
    facts = indicator_facts(tables, counted, list(scorecard["operator"].astype(str)), window)
    return {
        "score_insights": strengths_and_gaps(indicators, scorecard, facts),
        "score_drivers": drivers(scorecard, indicators, previous_card, previous_indicators),
        "score_posts": ranked_posts(counted, top_posts, date_only_platforms(counted)),
        "score_post_figures": post_figures(counted),
    }


def from_disk(ws, res) -> dict[str, pd.DataFrame]:
    """account_tables for a ScoreResult, reading what the score read from data/processed/<period>/ and the previous
    period's score (the I/O edge; called by scoring.pipeline.write_result)."""
    from .. import catalog
    from ..clean.counted import as_scored
    from ..config import load_yaml
    from ..paths import CONFIG_DIR
    from ..periods import Period, previous_period
    p = Period.parse(res.period)
    folder = ws.processed(p.text)
    tables: dict[str, pd.DataFrame | None] = {}
    for name in ("calendar_match", "data_reports", "suggestions"):
        tables[name] = catalog.try_load(folder, name)
    if p.kind == "month":
        posts = catalog.try_load(folder, "posts_clean")
        flags = catalog.try_load(folder, "flags")
        if posts is not None and not posts.empty:
            if "in_period" in posts.columns:
                posts = posts[posts["in_period"].astype("boolean").fillna(False).to_numpy(dtype=bool)]
            tables["counted"] = as_scored(posts, flags)
    prev = previous_period(p.text)
    prev_card = catalog.try_load(ws.processed(prev), "scorecard") if prev else None
    prev_rows = catalog.try_load(ws.processed(prev), "indicator_scores") if prev else None
    return account_tables(res.scorecard, res.indicator_scores, tables, prev_card, prev_rows,
                          int(load_yaml(CONFIG_DIR / "content.yaml")["top_n"]), p)  # content.yaml's top_n

