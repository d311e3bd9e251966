"""From indicator rows to the scorecard: re-weighting (N/A is not zero), bonus, deductions, veto, grades, ranks and
the guideline distribution check. Vectorised: the what-if re-scoring calls `rescore` on every slider move."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

from .plan import DIMENSIONS, AssessmentConfig

GRADE_ORDER = ["S", "A", "B", "C", "D"]


def _codes(values, order: list[str] | None = None) -> tuple[np.ndarray, list]:
    """Integer codes and labels; `order` fixes the label order (unknown labels follow, in order of appearance)."""
    codes, uniques = pd.factorize(np.asarray(values, dtype=object), use_na_sentinel=False)
    labels = list(uniques)
    if order is None:
        return codes, labels
    wanted = [x for x in order if x in labels] + [x for x in labels if x not in order]
    remap = np.array([wanted.index(x) for x in labels], dtype=np.int64)
    return remap[codes] if len(codes) else codes, wanted


def _status(ind: pd.DataFrame) -> np.ndarray:
    """Each row's status; rows without the column (earlier score files) derive it from `applicable`."""
    if "status" in ind.columns:
        st = ind["status"].astype(object).to_numpy()
        if not pd.isna(st).any():
            return st
    else:
        st = np.full(len(ind), None, dtype=object)
    app = ind["applicable"].astype("boolean").fillna(False).to_numpy(dtype=bool)
    derived = np.where(app, "scored", "not_applicable")
    return np.where(pd.isna(st), derived, st)


def dimension_table(ind: pd.DataFrame, cfg: AssessmentConfig) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Per operator × dimension: score (N/A only when nothing of it counts), counted share; plus the indicator rows
    with `effective_weight` (share of its dimension after re-weighting, 0 when not applicable). How much a dimension
    weighs in the total is `dimension_factor` (no cliff: it shrinks smoothly with the counted share).

    Counted weight = scored rows + missing-input rows: a missing input keeps its weight and adds nothing to the sum,
    so it never raises a score; only a not-applicable row's weight goes to the other indicators. Pure numpy sums."""
    st = _status(ind)
    w = ind["weight"].to_numpy(dtype="float64", na_value=np.nan)
    s = ind["score"].to_numpy(dtype="float64", na_value=np.nan)
    scored = (st == "scored") & ~np.isnan(s)
    counted = scored | (st == "missing_input")
    w_app = np.where(counted, np.nan_to_num(w), 0.0)
    s_eff = np.where(scored, np.nan_to_num(s), 0.0)
    op_codes, ops = _codes(ind["operator"].to_numpy(dtype=object))
    dim_codes, dims = _codes(ind["dimension"].to_numpy(dtype=object), DIMENSIONS)
    n_ops, n_dims = len(ops), len(dims)
    cell = op_codes * n_dims + dim_codes
    size = n_ops * n_dims
    W = np.bincount(cell, weights=np.nan_to_num(w), minlength=size).reshape(n_ops, n_dims)
    WA = np.bincount(cell, weights=w_app, minlength=size).reshape(n_ops, n_dims)
    WS = np.bincount(cell, weights=w_app * s_eff, minlength=size).reshape(n_ops, n_dims)
    present = np.bincount(cell, minlength=size).reshape(n_ops, n_dims) > 0
    with np.errstate(invalid="ignore", divide="ignore"):
        cov = np.where(present & (W > 0), WA / W, np.nan)
        score = np.where(WA > 0, WS / WA, np.nan)
        eff = np.where(WA.ravel()[cell] > 0, w_app / WA.ravel()[cell], 0.0)
    share = (ind["scored_share"].to_numpy(dtype="float64", na_value=np.nan) if "scored_share" in ind.columns
             else np.ones(len(ind)))
    got = np.where(scored, np.nan_to_num(w) * np.where(np.isnan(share), 1.0, share), 0.0)
    GOT = np.bincount(cell, weights=got, minlength=size).reshape(n_ops, n_dims)
    index = pd.Index(ops, name="operator")
    scores = pd.DataFrame(score, index=index, columns=dims)
    with np.errstate(invalid="ignore", divide="ignore"):
        scores.attrs["scored_share"] = np.where(W > 0, GOT / W, 0.0)   # the share of each dimension actually scored
    coverage = pd.DataFrame(cov, index=index, columns=dims)
    return scores, coverage, ind.assign(effective_weight=eff)


def dimension_factor(cov, cfg: AssessmentConfig) -> np.ndarray:
    """The share of its plan weight a dimension carries in the total, from its counted (applicable) share `cov`:
    min(1, cov ÷ min_dimension_coverage). Full weight from min_dimension_coverage up (the not-applicable weight goes
    to the dimension's other indicators), and below it a straight line down to 0 (no all-or-nothing cut: one point of
    coverage moves the weight by little). The one home of the rule; rescore and the scorecard both call it."""
    c = np.nan_to_num(np.asarray(cov, dtype="float64"), nan=0.0)
    m = float(cfg.min_dimension_coverage)
    return np.clip(c / m, 0.0, 1.0) if m > 0 else (c > 0).astype("float64")


def _grade_codes(t: np.ndarray, cfg: AssessmentConfig) -> np.ndarray:
    """0..4 for S..D, 5 for no score."""
    g = cfg.grades
    return np.select([t >= g["S"], t >= g["A"], t >= g["B"], t >= g["C"], ~np.isnan(t)], [0, 1, 2, 3, 4], default=5)


GRADE_LABELS = np.array(GRADE_ORDER + ["—"], dtype=object)


def rescore(indicator_scores: pd.DataFrame, dimension_weights: dict[str, float], config: AssessmentConfig,
            adjustments: pd.DataFrame | None = None) -> pd.DataFrame:
    """Re-score and re-rank the team with other dimension weights (percent or fractions; normalised).

    `adjustments` (optional, one row per operator): bonus, deduction, veto, review_score, review_share (the rollup's
    own review, 0–1 share) — the scorecard carries these columns, so `rescore(ind, w, cfg, scorecard)` reproduces it.
    Returns operator, one column per dimension, base, total, grade, rank.
    """
    scores, counted, _ = dimension_table(indicator_scores, config)
    got = pd.DataFrame(scores.attrs.pop("scored_share"), index=scores.index, columns=scores.columns)
    dims = [d for d in DIMENSIONS if d in scores.columns]
    scores = scores.reindex(columns=dims)
    W = np.array([float(dimension_weights.get(d, 0.0)) for d in dims])
    S = scores.to_numpy(dtype=float)
    WE = W * dimension_factor(counted.reindex(columns=dims).to_numpy(dtype=float), config) * ~np.isnan(S)
    denom = WE.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        base = np.where(denom > 0, (np.nan_to_num(S) * WE).sum(axis=1) / denom, np.nan)
    out = scores.copy()
    share = got.reindex(columns=dims).to_numpy(dtype=float)
    # coverage: the one formula — the share of the plan's weight whose indicators were scored and are in the total
    # (no dimension is ever dropped whole, so every scored indicator is in it); it decides 正式/暂定 below
    out["coverage"] = (np.nan_to_num(share) * W).sum(axis=1) / W.sum() if W.sum() > 0 else np.nan
    out["base"] = base
    adj = (adjustments.set_index("operator") if adjustments is not None and len(adjustments) else pd.DataFrame())
    adj = adj.reindex(out.index)

    def col(name, default=0.0):
        return pd.to_numeric(adj[name], errors="coerce").fillna(default).to_numpy(dtype=float) \
            if name in adj.columns else np.full(len(out), default)

    share = col("review_share")
    review = col("review_score", np.nan)
    mixed = np.where(~np.isnan(review) & (share > 0) & ~np.isnan(base), base * (1 - share) + review * share, base)
    total = np.clip(mixed + col("bonus") - col("deduction"), config.scale.floor, config.scale.cap)
    cov = out["coverage"].to_numpy(dtype=float)
    total = np.where(np.nan_to_num(cov) > 0, total, np.nan)   # nothing scored at all: withheld
    out["total"] = total
    out["grade_status"] = pd.array(np.where(np.isnan(total), "withheld",
                                            np.where(cov < config.provisional_coverage - 1e-9, "provisional", "final")),
                                   dtype="string")
    veto = col("veto").astype(bool)
    codes = _grade_codes(total, config)
    capped = np.where(veto & (codes < GRADE_ORDER.index(config.veto.grade_cap)), GRADE_ORDER.index(config.veto.grade_cap), codes)
    out["grade_before_cap"] = pd.array(GRADE_LABELS[codes], dtype="string")
    out["grade"] = pd.array(np.where(capped == 5, None, GRADE_LABELS[capped]), dtype="string")  # withheld: null
    # rank: 1 + number of people with a strictly higher total (method "min"); no total, no rank
    order = np.sort(total[~np.isnan(total)])[::-1]
    ranks = np.searchsorted(-order, -total, side="left") + 1
    out["rank"] = pd.array(np.where(np.isnan(total), pd.NA, ranks), dtype="Int64")
    return out.reset_index()


def distribution_check(grades: pd.Series, cfg: AssessmentConfig) -> dict:
    """Share of S+A against the guideline; a warning (Chinese) when over it."""
    graded = grades[grades.isin(GRADE_ORDER)]
    n = int(len(graded))
    top = int(graded.isin(["S", "A"]).sum())
    share = top / n if n else 0.0
    d = cfg.distribution
    counts = {g: int((graded == g).sum()) for g in GRADE_ORDER}
    ok = share <= d.max_top_share + 1e-9
    msg = None
    if not ok:
        msg = (f"S+A 共 {top} 人，占 {share:.0%}，超过指导比例 {d.max_top_share:.0%}"
               + (f"（团队仅 {n} 人，不足 {d.small_team} 人，只作提醒，不强制）" if n < d.small_team else
                  ("，已按配置强制调整" if d.force else "（配置未开启强制分布，仅提醒）")))
    elif n and n < d.small_team:
        msg = f"团队 {n} 人，不足 {d.small_team} 人：等级分布只作参考。"
    return {"team_size": n, "counts": counts, "top_share": share, "max_top_share": d.max_top_share, "ok": ok,
            "small_team": n < d.small_team, "forced": False, "message": msg}


def force_distribution(card: pd.DataFrame, cfg: AssessmentConfig) -> tuple[pd.DataFrame, list[str]]:
    """Demote the lowest-scoring S/A people to B until S+A fits the cap (only when forcing is on and the team is big
    enough). Returns the card and the names demoted."""
    d = cfg.distribution
    graded = card[card["grade"].isin(GRADE_ORDER)]
    n = len(graded)
    if not d.force or n < d.small_team:
        return card, []
    allowed = math.floor(d.max_top_share * n + 1e-9)
    top = graded[graded["grade"].isin(["S", "A"])].sort_values("total", ascending=False)
    demote = top.iloc[allowed:]["operator"].tolist()
    card = card.copy()
    card.loc[card["operator"].isin(demote), "grade"] = "B"
    return card, demote
