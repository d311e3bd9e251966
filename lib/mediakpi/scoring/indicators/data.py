"""数据分析与优化: data reports, suggestions, the strategy uplift.

Reports count for the month they cover (a 运营月报 due on the 3rd of the next month belongs to the month it reports
on); a report never submitted costs at least as much as any late one; an unrated report's quality is missing input.
Suggestions: only adopted ones count toward the number, so an unadopted suggestion never raises the score.
The before/after strategy test is mediakpi/strategy.py's (one test for the team page and the scorecard).
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from ...metrics import load_metrics
from ...periods import Period
from ...strategy import load_strategy_settings, strategy_table
from .. import functions as F
from ..targets import static_target
from .base import _col, _missing, _na, _row, _score, indicator, msg, num, pct, sc, wlabel

_MONTH_NAMED = re.compile(r"(?:(\d{4})\s*[年\-/.]\s*)?(\d{1,2})\s*月")


def report_month(name, due) -> str | None:
    """The month a report covers: the month its name gives (2026年10月, 10月), else a monthly report (月报, 月度)
    due in the first days of a month covers the month before, else the month it is due."""
    due = pd.Timestamp(due) if not pd.isna(due) else None
    text = "" if name is None or pd.isna(name) else str(name)
    m = _MONTH_NAMED.search(text)
    if m and 1 <= int(m[2]) <= 12:
        year = int(m[1]) if m[1] else (due.year if due is not None else None)
        if year is not None:
            if not m[1] and due is not None and int(m[2]) > due.month:  # "12月月报" due in January
                year -= 1
            return f"{year}-{int(m[2]):02d}"
    if due is None:
        return None
    if ("月报" in text or "月度" in text or "monthly" in text.lower()) and due.day <= 15:
        prev = due - pd.DateOffset(months=1)
        return f"{prev.year}-{prev.month:02d}"
    return f"{due.year}-{due.month:02d}"


def reports_window(df: pd.DataFrame, win: Period) -> pd.DataFrame:
    """Data-report rows whose covered month lies in the window."""
    if df.empty:
        return df
    names = df["report"] if "report" in df.columns else pd.Series(None, index=df.index)
    due = pd.to_datetime(df["due_date"], errors="coerce") if "due_date" in df.columns else pd.Series(pd.NaT, index=df.index)
    covers = [report_month(n, d) for n, d in zip(names, due)]
    return df[pd.Series(covers, index=df.index).isin(win.months).to_numpy()]


# ----- 数据分析与优化 ----------------------------------------------------------------------------------------------

@indicator("数据报告及时性与质量", "数据分析与优化", inputs=("data_reports",),
           params={"per_day_late": 10, "per_missing": 25, "timeliness_share": 0.5, "quality_share": 0.5,
                   "monthly_reports": 1})
def reports(inp, win, cfg, spec, op, ctx):
    """50% timeliness (100 − per_day_late per day late, − per_missing per report not submitted; a late report never
    costs more than a missing one) + 50% quality (a report not submitted has quality 0; an unrated one is missing
    input for its part)."""
    name, p = spec.name, spec.params
    if "data_reports" not in ctx["present"]:
        return _missing(op, name, msg("no_table", win=wlabel(win)), "data_reports")
    d = ctx.mine("data_reports_win", op)
    if d.empty:  # every operator owes reports: no row for this person is a gap in the log, never a lighter duty
        return _missing(op, name, f"{wlabel(win)}数据报告提交记录中没有此人应交的报告", "data_reports")
    # the reports that were due come from the plan's schedule, not from the rows present: each person owes
    # `monthly_reports` 运营月报 per month of the window; a scheduled report without its row counts as not submitted
    names = d["report"].astype("string").fillna("") if "report" in d.columns else pd.Series("", index=d.index)
    n_monthly = int(names.str.contains("月报|月度", regex=True).sum())
    owed = int(p["monthly_reports"]) * len(win.months)
    absent = max(0, owed - n_monthly)
    if absent:
        d = pd.concat([d, pd.DataFrame({"report": ["运营月报（按计划应交，记录中没有）"] * absent,
                                        "due_date": [pd.NaT] * absent, "submitted_date": [pd.NaT] * absent})],
                      ignore_index=True)
    due = pd.to_datetime(d["due_date"], errors="coerce")
    sub = pd.to_datetime(d["submitted_date"], errors="coerce") if "submitted_date" in d.columns else pd.Series(pd.NaT, index=d.index)
    missing = sub.isna()
    n_missing = int(missing.sum())
    per_missing = max(float(p["per_missing"]), 0.0)
    late_days = (sub - due).dt.days.clip(lower=0).fillna(0)
    late_cost = (late_days * p["per_day_late"]).clip(upper=per_missing)   # late never costs more than missing
    days = float(late_days.sum())
    timely = float(F.deduction(float(late_cost.sum()) + n_missing * per_missing, 1.0))
    q = _col(d, "quality_score")
    q = q.where(~missing, 0.0)                     # nothing submitted: nothing to rate, quality 0
    rated = q.notna()
    ts, qsh = p["timeliness_share"], p["quality_share"]
    n = len(d)
    q_score = float(F.rubric(q[rated].sum() / n)) if rated.any() else 0.0   # unrated reports: their part scores 0
    score = (ts * timely + qsh * q_score) / (ts + qsh)
    share = (ts + qsh * rated.sum() / n) / (ts + qsh)
    capped = " " + msg("late_capped", cap=f"{per_missing:g}") if (late_days * p["per_day_late"] > per_missing).any() else ""
    qtext = (f"；质量评分{int(rated.sum() - n_missing)}份均分{q[rated & ~missing].mean():.1f}" if (rated & ~missing).any() else "")
    unrated = int((~rated).sum())
    utext = "；" + msg("unrated_reports", n=unrated) if unrated else ""
    if absent:
        utext += f"；按计划应交运营月报{owed}份，记录中缺{absent}份，按未交计"
    return _row(op, name, days, 0.0, score,
                f"{wlabel(win)}应交{n}份，逾期共{days:g}天、未交{n_missing}份，及时性100−{p['per_day_late']:g}×{days:g}"
                f"−{per_missing:g}×{n_missing}={timely:.0f}{capped}{qtext}{utext}；及时{ts:.0%}+质量{qsh:.0%}，"
                f"得分{sc(score)}", "data_reports", achievement=score / 100, scored_share=share,
                missing_tables="data_reports" if unrated else "", n_evidence=n)


@indicator("优化建议数量及采纳率", "数据分析与优化", inputs=("suggestions",),
           params={"adoption_target": 0.5, "count_share": 0.5})
def suggestions(inp, win, cfg, spec, op, ctx):
    """count_share × adopted suggestions against the count target + the rest × adoption rate (adopted ÷ submitted)
    against adoption_target. A suggestion without a decision (是否采纳 blank or unreadable) counts as not adopted."""
    name, p = spec.name, spec.params
    d = ctx.mine("suggestions_win", op)
    tgt, _ = static_target(spec.target, op, months=len(win.months))
    tgt, held = ctx.prorate(tgt, op)
    if "suggestions" not in ctx["present"]:
        return _missing(op, name, msg("no_table", win=wlabel(win)), "suggestions")
    if d.empty:
        return _row(op, name, 0, tgt, 0.0, f"{wlabel(win)}未提交优化建议，目标{num(tgt)}条{held}，得分0.0", "suggestions",
                    n_evidence=0)
    flag = d["adopted"] if "adopted" in d.columns else pd.Series(pd.NA, index=d.index)
    decided = flag.notna()
    n = len(d)
    adopted = int(flag[decided].astype(bool).sum())
    # a blank never beats the worst valid value: a suggestion without a readable 是否采纳 counts as not adopted in
    # the rate too (leaving it out would let blanking a 否 raise the rate)
    n_dec = n
    count_score = float(F.linear(adopted, tgt, cap=cfg.scale.cap))
    cs = p["count_share"]
    if n_dec:
        rate = adopted / n_dec
        ad_score = float(F.linear(rate, p["adoption_target"], cap=cfg.scale.cap))
        rtext = f"采纳率{adopted}/{n_dec}={pct(rate)}（目标{pct(p['adoption_target'], 0)}，{sc(ad_score)}分）"
    else:
        ad_score, rtext = 0.0, "尚无采纳结论，采纳率部分0分"
    score = cs * count_score + (1 - cs) * ad_score
    pending = f"，{n - int(decided.sum())}条未定（按未采纳计）" if n > int(decided.sum()) else ""
    return _row(op, name, adopted, tgt, score,
                f"{wlabel(win)}提交建议{n}条{pending}，采纳{adopted}条（目标{num(tgt)}条{held}，{sc(count_score)}分）；{rtext}；"
                f"数量{cs:.0%}+采纳率{1 - cs:.0%}，得分{sc(score)}", "suggestions", n_evidence=n)


@indicator("策略迭代后关键指标改善幅度", "数据分析与优化", inputs=("suggestions", "posts"),
           params={"threshold": 0.0, "stretch": 0.30})
def strategy_uplift(inp, win, cfg, spec, op, ctx):
    """Mean change of each adopted suggestion's target metric after its effective date, by mediakpi/strategy.py's
    before/after test (its own platform and account, equal windows, minimum posts each side, mature posts only)."""
    name = spec.name
    d = ctx.mine("suggestions_all", op)
    if d.empty or "effective_date" not in d.columns:
        return _na(op, name, f"{wlabel(win)}无已实施的策略调整", "suggestions")
    eff = pd.to_datetime(d["effective_date"], errors="coerce")
    adopted = d["adopted"].fillna(False).astype(bool) if "adopted" in d.columns else pd.Series(False, index=d.index)
    from .base import in_window_dates
    d = d[adopted & in_window_dates(eff, win)]
    if d.empty:
        return _na(op, name, f"{wlabel(win)}无已实施的策略调整", "suggestions")
    table = strategy_table(d, ctx["posts_all"], win.text, load_strategy_settings(), load_metrics())
    tested = table[table["status"] == "tested"]
    if tested.empty:
        return _na(op, name, "策略调整前后样本不足：" + "；".join(table["verdict"].dropna().astype(str)),
                   "suggestions, posts_clean")
    # noise is neutral: a change the test cannot tell from noise counts as no change (0 %), either way
    sig = tested["significant"].astype("boolean").fillna(False).to_numpy(dtype=bool) if "significant" in tested.columns \
        else np.ones(len(tested), dtype=bool)
    ups = tested["change"].astype(float).where(sig, 0.0)
    uplift = float(ups.mean())
    tgt, _ = static_target(spec.target, op)
    score = float(_score(spec, uplift, tgt, cfg.scale.cap))
    notes = "；".join(f"「{str(t)[:12]}」{v}" + ("" if ok else "，" + msg("noise_neutral"))
                     for t, v, ok in zip(tested["suggestion"], tested["verdict"], sig))
    return _row(op, name, uplift, tgt, score, f"{notes}；平均改善{uplift:+.1%}，目标{pct(tgt, 0)}，得分{sc(score)}",
                "suggestions, posts_clean", n_evidence=len(tested))
