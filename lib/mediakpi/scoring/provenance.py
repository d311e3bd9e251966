"""Provenance: whose judgement a team-table row is, and what a judgement about oneself may count for.

The one home of the rule for the tables other than the 360 reviews (those: indicators/collab.attribute_raters).
A judgement entered by the person it is about counts only where the plan gives the self a share (the 10 % self-review
of the 360 mix); everywhere else it is set aside and the ledger says so:

- 内容质量评审: a review whose 评审人 is the author is not an internal review (the row is left out);
- 数据报告提交记录: a 质量评分 entered by the person (录入人) is no rating (the report counts as unrated);
- 优化建议记录: 是否采纳 = 是 entered by the person is no decision (the suggestion counts as undecided; a 否 stays);
- 合作项目记录: 质量评分 and 合作方评级 entered by the person are no ratings (missing for that item).

Names are compared after stripping spaces (NFKC); a blank 录入人 is taken as someone else (the templates ask for it).
Pure: tables in, tables and ledger rows (operator, kind, item, points, detail) out."""
from __future__ import annotations

import unicodedata

import numpy as np
import pandas as pd

from .indicators.base import msg


def _name(s: pd.Series) -> pd.Series:
    t = s.astype("string").fillna("")
    return t.map(lambda x: "".join(unicodedata.normalize("NFKC", x).split()), na_action="ignore")


def _own(df: pd.DataFrame, by: str) -> np.ndarray:
    if df.empty or by not in df.columns or "operator" not in df.columns:
        return np.zeros(len(df), dtype=bool)
    who, op = _name(df[by]), _name(df["operator"])
    return ((who != "") & (who == op)).fillna(False).to_numpy(dtype=bool)


# table -> (the column naming who entered the judgement, the judgement columns, what it is called)
_SELF_ENTERED = {
    "data_reports": ("entered_by", ["quality_score"], "报告质量评分"),
    "partnerships": ("entered_by", ["quality_score", "partner_rating"], "合作项目评分"),
}


def own_judgements(tables: dict[str, pd.DataFrame]) -> tuple[dict[str, pd.DataFrame], list[tuple]]:
    out, ledger = dict(tables), []
    qr = out.get("quality_reviews")
    if qr is not None and not qr.empty:
        own = _own(qr, "reviewer")
        if own.any():
            for op, rater, title in zip(qr.loc[own, "operator"], qr.loc[own, "reviewer"],
                                        qr.loc[own, "title"] if "title" in qr.columns else [None] * int(own.sum())):
                ledger.append((op, "not_counted", "内容质量评审", 0.0,
                               msg("own_quality_review", rater=rater) + (f"（{title}）" if isinstance(title, str) else "")))
            out["quality_reviews"] = qr[~own]
    for name, (by, cols, what) in _SELF_ENTERED.items():
        df = out.get(name)
        if df is None or df.empty:
            continue
        own = _own(df, by)
        cols = [c for c in cols if c in df.columns]
        hit = own & df[cols].notna().any(axis=1).to_numpy(dtype=bool) if cols else own & False
        if hit.any():
            df = df.copy()
            for c in cols:
                df.loc[hit, c] = pd.NA
            for op, rater in zip(df.loc[hit, "operator"], df.loc[hit, by]):
                ledger.append((op, "not_counted", what, 0.0, msg("self_entered", what=what, rater=rater)))
            out[name] = df
    sg = out.get("suggestions")
    if sg is not None and not sg.empty and "adopted" in sg.columns:
        own = _own(sg, "entered_by") & sg["adopted"].astype("boolean").fillna(False).to_numpy(dtype=bool)
        if own.any():
            sg = sg.copy()
            sg.loc[own, "adopted"] = pd.NA
            for op, rater in zip(sg.loc[own, "operator"], sg.loc[own, "entered_by"]):
                ledger.append((op, "not_counted", "建议采纳", 0.0, msg("self_entered", what="“已采纳”", rater=rater)))
            out["suggestions"] = sg
    return out, ledger
