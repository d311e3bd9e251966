"""平台与活动运营: campaigns, ROI, partnerships, media exposure, new partners."""
from __future__ import annotations


import numpy as np
import pandas as pd

from .. import functions as F
from ..targets import static_target
from .base import (_col, _na, _row, _score, indicator, num, sc, wlabel)


# ----- 平台与活动运营 -----------------------------------------------------------------------------------------------

@indicator("活动目标达成率", "平台与活动运营", inputs=("campaigns",))
def campaign_achievement(inp, win, cfg, spec, op, ctx):
    name = spec.name
    c = ctx.mine("campaigns_win", op)
    tgt_col, act = _col(c, "target"), _col(c, "actual")
    if c.empty:
        return _na(op, name, f"{wlabel(win)}无活动记录", "campaigns")
    # a campaign that ran is a duty: a blank or unreadable 实际值/目标值 scores that campaign 0 (missing for it)
    ok = pd.Series(True, index=c.index)
    scale, _ = static_target(spec.target, op)
    scores = F.linear(act, tgt_col * scale, cap=cfg.scale.cap)
    scores = pd.Series(np.asarray(scores, dtype=float), index=c.index).where(act.notna() & tgt_col.notna(), 0.0)
    budget = _col(c, "budget")[ok]
    weights = budget if budget.notna().all() and budget.sum() > 0 else pd.Series(1.0, index=scores.index)
    score = float((scores * weights).sum() / weights.sum())
    items = "；".join(f"{n}{num(a)}/{num(t)}" for n, a, t in zip(c.loc[ok, "campaign"], act[ok], tgt_col[ok]))
    how = "按预算加权" if weights is budget else "等权"
    known = (act.notna() & tgt_col.notna()).to_numpy(dtype=bool)
    share = float(weights[known].sum() / weights.sum()) if weights.sum() > 0 else 0.0
    gap = "；" + f"{int((~known).sum())}个活动缺实际值或目标值，记0分" if not known.all() else ""
    return _row(op, name, float((act / tgt_col.where(tgt_col != 0)).mean()), 1.0, score,
                f"{wlabel(win)}{len(c)}个活动：{items}，{how}平均得分{sc(score)}{gap}", "campaigns", achievement=score / 100,
                scored_share=share, missing_tables="" if known.all() else "campaigns", n_evidence=len(c))


@indicator("活动ROI", "平台与活动运营", inputs=("campaigns",), params={"threshold_ratio": 0.5, "stretch_ratio": 1.5})
def campaign_roi(inp, win, cfg, spec, op, ctx):
    name = spec.name
    c = ctx.mine("campaigns_win", op)
    cost, rev = _col(c, "cost"), _col(c, "revenue")
    ok = (cost > 0) & rev.notna()
    if not ok.any():
        return _na(op, name, f"{wlabel(win)}无带成本和收入的活动（不涉及直接转化）", "campaigns")
    roi = (rev[ok].sum() - cost[ok].sum()) / cost[ok].sum()
    troi = _col(c, "target_roi")[ok]
    if troi.notna().any():
        tgt, src = float((troi * cost[ok]).sum() / cost[ok][troi.notna()].sum()), "活动表目标"
    else:
        tgt, src = static_target(spec.target, op)
    score = float(_score(spec, roi, tgt, cfg.scale.cap))
    return _row(op, name, roi, tgt, score,
                f"{wlabel(win)}收入{num(rev[ok].sum())}元、成本{num(cost[ok].sum())}元，ROI {roi:.2f}，目标{tgt:.2f}（{src}，"
                f"{spec.params['threshold_ratio']:g}倍=60分），得分{sc(score)}", "campaigns")


@indicator("合作项目完成质量与效率", "平台与活动运营", inputs=("partnerships",),
           params={"quality_share": 0.5, "on_time_share": 0.5})
def partnership_quality(inp, win, cfg, spec, op, ctx):
    name = spec.name
    p = spec.params
    d = ctx.mine("partnerships_win", op)
    if d.empty:
        return _na(op, name, f"{wlabel(win)}无合作项目记录", "partnerships")
    # a blank never beats the worst valid value: every partnership of the window is a duty that existed, so a blank
    # quality score counts 0 for its item and a delivery that is due (or undated) without a delivery date counts as
    # not on time; the scored share says how much was missing (too much: the grade turns provisional)
    n = len(d)
    q_all = _col(d, "quality_score")
    q = q_all.dropna()
    due = pd.to_datetime(d["due_date"], errors="coerce") if "due_date" in d.columns else pd.Series(pd.NaT, index=d.index)
    done = pd.to_datetime(d["delivered_date"], errors="coerce") if "delivered_date" in d.columns else pd.Series(pd.NaT, index=d.index)
    end = pd.Timestamp(win.end).tz_localize(None) if pd.Timestamp(win.end).tzinfo else pd.Timestamp(win.end)
    owed = done.notna() | due.isna() | (due < end)      # not yet due and not delivered: no duty this window
    on = (done.notna() & due.notna() & (done <= due)).to_numpy(dtype=bool) & owed.to_numpy(dtype=bool)
    known_t = (done.notna() & due.notna()).to_numpy(dtype=bool)
    n_owed = int(owed.sum())
    qs, ts = p["quality_share"], p["on_time_share"]
    q_score = float(F.rubric(q.sum() / n)) if n else 0.0
    t_score = 100.0 * on.sum() / n_owed if n_owed else None
    parts = [(qs, q_score)] + ([(ts, t_score)] if t_score is not None else [])
    score = sum(w * s for w, s in parts) / sum(w for w, _ in parts)
    got = qs * len(q) / n + (ts * int((known_t & owed.to_numpy(dtype=bool)).sum()) / n_owed if n_owed else 0.0)
    share = got / sum(w for w, _ in parts)
    text = [f"质量评分{len(q)}/{n}项" + (f"均值{q.mean():.1f}" if len(q) else "") + ("（未评的记0分）" if len(q) < n else "")]
    if n_owed:
        text.append(f"按期交付{int(on.sum())}/{n_owed}" + ("（缺交付日期的按未按期计）" if (~known_t & owed.to_numpy(dtype=bool)).any() else ""))
    return _row(op, name, q.mean() if len(q) else np.nan, np.nan, score,
                f"{wlabel(win)}{n}个合作项目：{'，'.join(text)}，得分{sc(score)}", "partnerships",
                achievement=score / 100, scored_share=share, missing_tables="" if share >= 1 - 1e-9 else "partnerships",
                n_evidence=n)


@indicator("媒体曝光量", "平台与活动运营", inputs=("campaigns", "partnerships"))
def media_exposure(inp, win, cfg, spec, op, ctx):
    name = spec.name
    c, d = ctx.mine("campaigns_win", op), ctx.mine("partnerships_win", op)
    ci, di = _col(c, "media_impressions"), _col(d, "media_impressions")
    if ci.notna().sum() + di.notna().sum() == 0:
        return _na(op, name, f"{wlabel(win)}活动和合作记录中无媒体曝光量", "campaigns, partnerships")
    actual = ci.sum() + di.sum()
    ct = _col(c, "media_impressions_target")
    if ct.notna().any():
        tgt, src = float(ct.sum()), "活动表目标"
    else:
        tgt, src = static_target(spec.target, op, months=len(win.months))
    score = float(_score(spec, actual, tgt, cfg.scale.cap))
    return _row(op, name, actual, tgt, score,
                f"{wlabel(win)}媒体曝光{num(actual)}，目标{num(tgt)}（{src}），得分{sc(score)}", "campaigns, partnerships")


@indicator("合作资源拓展数量与质量", "平台与活动运营", inputs=("partnerships",), params={"min_rating": 3})
def partner_growth(inp, win, cfg, spec, op, ctx):
    name = spec.name
    d = ctx.mine("partnerships_win", op)
    if d.empty:
        return _na(op, name, f"{wlabel(win)}无合作项目记录", "partnerships")
    new = d["is_new_partner"].fillna(False).astype(bool) if "is_new_partner" in d.columns else pd.Series(False, index=d.index)
    rating = _col(d, "partner_rating")
    min_r = spec.params["min_rating"]
    # a new partner without a readable rating is not shown to qualify (a blank never beats the worst valid rating)
    qualified = new & (rating >= min_r).fillna(False)
    n_new = d.loc[new, "partner"].nunique()
    n = d.loc[qualified, "partner"].nunique()
    tgt, _ = static_target(spec.target, op, months=len(win.months))
    score = float(_score(spec, n, tgt, cfg.scale.cap))
    return _row(op, name, n, tgt, score,
                f"{wlabel(win)}新合作方{n_new}家，其中评级≥{min_r}{n}家（未评级的不计），目标{num(tgt)}家，得分{sc(score)}",
                "partnerships")
