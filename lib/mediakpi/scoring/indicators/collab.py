"""综合能力与协作: the three 360 criteria (rater mix)."""
from __future__ import annotations


import numpy as np
import pandas as pd

from ... import catalog

from functools import lru_cache

from .. import functions as F
from .base import (_missing, msg, _col, _row, indicator, sc, wlabel)


# ----- 综合能力与协作 ----------------------------------------------------------------------------------------------

CRITERIA = {"专业能力": "professional", "职业素养": "conduct", "团队协作": "teamwork"}


@lru_cache(maxsize=1)
def _roles() -> dict[str, str]:
    """Alias → role (manager / peer / self) from config/team_tables.yaml `rater_roles`."""
    raw = catalog.team_tables_config().rater_roles   # read once, validated, by the catalog
    return {str(a).strip().lower(): role for role, aliases in raw.items() for a in aliases}


def role_of(text) -> str | None:
    if text is None or pd.isna(text):
        return None
    return _roles().get(str(text).strip().lower())


def _manager_title(text) -> bool:
    return role_of(text) == "manager" or any(a in str(text) for a in ("主管", "经理", "总监", "组长"))


def attribute_raters(reviews: pd.DataFrame, roster: pd.DataFrame | None) -> pd.DataFrame:
    """The reviews with `_role` decided by the rater's NAME (the one home of the provenance rule for 360 reviews):

    - a rater who is the person reviewed is `self`, whatever role is typed beside the name;
    - a rater on the roster (an operator, unless their roster 岗位 is a manager title) is a `peer`, even when the row
      says 上级 (typing 上级 does not make a colleague's rating the manager's);
    - anyone else keeps the role typed (an outside manager); a 自评 typed by someone else is nobody's self-review
      and is not counted (`_role` null).
    `_self_note` says when the typed role was overridden (for the ledger)."""
    if reviews.empty:
        return reviews.assign(_role=pd.Series(dtype=object), _note=pd.Series(dtype=object))
    typed = reviews["rater_role"].map(role_of) if "rater_role" in reviews.columns \
        else pd.Series(None, index=reviews.index, dtype=object)
    rater = reviews["rater"].astype("string").str.strip() if "rater" in reviews.columns \
        else pd.Series(pd.NA, index=reviews.index, dtype="string")
    op = reviews["operator"].astype("string").str.strip()
    names, managers = set(), set()
    if roster is not None and not roster.empty and "name" in roster.columns:
        names = {str(x).strip() for x in roster["name"].dropna()}
        if "role" in roster.columns:
            managers = {str(n).strip() for n, r in zip(roster["name"], roster["role"]) if pd.notna(n) and pd.notna(r)
                        and _manager_title(r)}
    known = rater.notna() & (rater != "")
    is_self = (known & (rater == op)).fillna(False).to_numpy(dtype=bool)
    colleague = (known & rater.isin(names - managers)).fillna(False).to_numpy(dtype=bool) & ~is_self
    role = typed.astype(object).to_numpy(copy=True)
    note = np.full(len(reviews), None, dtype=object)
    was = typed.astype(object).to_numpy()
    note[is_self & (was != "self")] = "self_by_name"
    role[is_self] = "self"
    note[colleague & (was == "manager")] = "peer_by_name"
    role[colleague] = "peer"
    stray_self = (role == "self") & ~is_self
    note[stray_self] = "self_typed_by_other"
    role[stray_self] = None
    return reviews.assign(_role=role, _note=note)


def review_mix(reviews: pd.DataFrame, column: str, mix: dict[str, float]) -> tuple[float, str]:
    """Rater-mix weighted 1–5 rating for one person; roles absent are re-weighted. Returns (rating, explanation)."""
    role = reviews["_role"] if "_role" in reviews.columns else reviews["rater_role"].map(role_of)
    r = reviews.assign(_role=role, _v=_col(reviews, column)).dropna(subset=["_v"])
    r = r[r["_role"].notna()]
    if r.empty:
        return np.nan, ""
    by = _role_means(r, ["_role"])
    return _mix(list(by.index), by.to_numpy(dtype=float), mix)


def _role_means(r: pd.DataFrame, keys: list[str]) -> pd.Series:
    """The rating per role: the mean of the raters, except the self-review, which is the LOWEST of the person's own
    rows (a second self-review row can never raise it)."""
    g = r.groupby(keys)["_v"]
    mean, low = g.mean(), g.min()
    roles = mean.index.get_level_values(keys[-1]) if isinstance(mean.index, pd.MultiIndex) else mean.index
    return mean.where(np.asarray(roles != "self"), low)


_ROLE_NAMES = {"manager": "上级", "peer": "同事", "self": "自评"}


def _mix(roles: list[str], means: np.ndarray, mix: dict[str, float]) -> tuple[float, str]:
    """The rater-mix rating of one person from the mean rating per role (roles sorted). A role without a rating
    keeps its share of the mix and adds nothing (a self-review alone does not stand for the 360 mix), so the rating
    is Σ present share × mean; the explanation names the missing roles."""
    total = float(sum(v for v in mix.values() if v > 0))
    w = np.array([mix.get(k, 0) for k in roles], dtype=float)
    if w.sum() <= 0 or total <= 0:
        return np.nan, ""
    rating = float((means * w).sum() / total)
    text = "+".join(f"{_ROLE_NAMES[k]}{m:.2f}×{x / total:.0%}" for k, m, x in zip(roles, means, w))
    absent = [k for k, v in mix.items() if v > 0 and k not in roles]
    if absent:
        text += "+" + "+".join(f"{_ROLE_NAMES[k]}缺×{mix[k] / total:.0%}" for k in absent)
    return rating, text


def mix_share(roles, mix: dict[str, float]) -> float:
    """Share of the rater mix that the present roles carry (1 when every role with a weight rated)."""
    total = float(sum(v for v in mix.values() if v > 0))
    return float(sum(mix.get(k, 0) for k in set(roles) if mix.get(k, 0) > 0) / total) if total > 0 else 0.0


def review_mix_all(reviews: pd.DataFrame, column: str, mix: dict[str, float]) -> dict[str, tuple[float, str]]:
    """review_mix for every operator at once: {operator: (rating, explanation)}; operators without a usable rating
    are absent. One groupby for the team instead of one per person."""
    if reviews.empty:
        return {}
    role = reviews["_role"] if "_role" in reviews.columns else reviews["rater_role"].map(role_of)
    r = pd.DataFrame({"operator": reviews["operator"], "_role": role, "_v": _col(reviews, column)})
    r = r.dropna(subset=["_v"])
    r = r[r["_role"].notna()]
    by = _role_means(r, ["operator", "_role"])
    per_op: dict[str, tuple[list, list]] = {}
    for (op, role_name), v in by.items():  # sorted by operator then role, like review_mix's groupby
        roles, means = per_op.setdefault(op, ([], []))
        roles.append(role_name)
        means.append(v)
    return {op: _mix(roles, np.array(means, dtype=float), mix) for op, (roles, means) in per_op.items()}


def qualitative(inp, win, cfg, spec, op, ctx):
    """One 360 criterion: the rater-mix rating × 20. No review at all is missing input; a missing rater role keeps
    its share of the mix and scores nothing for it."""
    criterion = spec.name
    rv = ctx.mine("reviews_win", op)
    if rv.empty:
        return _missing(op, criterion, f"{wlabel(win)}无综合能力评价（考核周期 {win.text}）", "qualitative_reviews")
    table = ctx.cached(f"mix:{criterion}", lambda: review_mix_all(ctx["reviews_win"], CRITERIA[criterion], cfg.rater_mix))
    rating, text = table.get(op, (np.nan, ""))
    if pd.isna(rating):
        return _missing(op, criterion, f"{win.text}评价中无可识别的评价人角色或{criterion}评分", "qualitative_reviews")
    rated = rv.loc[_col(rv, CRITERIA[criterion]).notna(), "_role"].dropna() if "_role" in rv.columns else []
    share = mix_share(rated, cfg.rater_mix)
    score = float(F.rubric(rating, 5))
    gap = "；" + msg("raters_missing") if share < 1 else ""
    return _row(op, criterion, rating, np.nan, score,
                f"{wlabel(win)}{criterion}评分 {text} = {rating:.2f}，×20得分{sc(score)}{gap}", "qualitative_reviews",
                achievement=score / 100, scored_share=share, missing_tables="" if share >= 1 else "qualitative_reviews",
                n_evidence=len(rated))


for _name in CRITERIA:
    indicator(_name, "综合能力与协作", inputs=("qualitative_reviews",), params={"scale": 5})(qualitative)
