"""用户运营: follower growth, activity, retention, conversion, core users."""
from __future__ import annotations


import numpy as np
import pandas as pd

from .. import functions as F
from ..targets import account_target, static_target
from .base import (_missing, msg, _col, _na, _row, _score, growth_stats, indicator, num, pct, sc, wlabel)


# ----- 用户运营 --------------------------------------------------------------------------------------------------

def _prorate_account(ctx, target: float, op: str, days, win) -> tuple[float, str]:
    """A target of one account pro-rated by the days this person held THAT account (account_month.days_held), counts
    and rates alike (issue 22: part periods); without the figure, by the days they held any account (Context.prorate)."""
    if pd.notna(days) and days > 0 and pd.notna(target):
        share = min(1.0, float(days) / float(win.days))
        if share < 1:
            return target * share, msg("rate_prorated", share=f"{share:.0%}")
        return target, ""
    return ctx.prorate(target, op)


@indicator("粉丝增长率", "用户运营", inputs=("account_month", "posts"), params={"combine": 1})
def follower_growth(inp, win, cfg, spec, op, ctx):
    """Net new followers ÷ followers at the start, per account, against the account's target; combined over the
    person's accounts weighted by each account's followers at the start (params.combine = 1; 0 = equal weights).
    Followers gained by flagged posts (suspected fake engagement) are taken off the net."""
    name = spec.name
    am = ctx["account_month_win"]
    mine = ctx.mine("account_month_win", op)
    if mine.empty:
        accs = ctx["accounts"]
        keys = set(map(tuple, accs.loc[accs["operator"] == op, ["platform", "account"]].to_numpy()))
        mine = am[[(p, a) in keys for p, a in zip(am["platform"], am["account"])]] if not am.empty else am
        stats = growth_stats(mine, ["platform", "account"])
    else:
        stats = ctx.mine("growth_stats", op)  # the same per-account figures, computed once for the team
    base_net, base_growth = ctx.index("base_net"), ctx.index("base_growth")
    fake = ctx.flagged_followers(op)  # {(platform, account): followers gained by flagged posts}
    source = follower_sources(mine)   # {(platform, account): which files the figures rest on, and their coverage}
    partial = partial_factors(mine)   # {(platform, account): (net factor, losses factor)} for partly covered months
    parts, notes = [], []   # (score, weight or NaN)
    held_days = stats["days_held"] if "days_held" in stats.columns else pd.Series(np.nan, index=stats.index)
    for plat, acc, start, net, n_net, days in zip(stats["platform"], stats["account"], stats["start"], stats["net"],
                                                  stats["n_net"], held_days):
        if n_net == 0:
            continue
        off = float(fake.get((plat, acc), 0.0))
        net = float(net) - off
        scaled = ""
        f_net = partial.get((plat, acc), (1.0, 1.0))[0]
        if net < 0 and f_net > 1:   # a loss seen over part of the month is extended to the days held
            scaled = f"（净减{num(net)}只覆盖部分天数，按负责天数折算为{num(net * f_net)}）"
            net *= f_net
        less = scaled + ("；" + msg("flagged_followers", n=num(off)) if off else "") + source.get((plat, acc), "")
        if pd.isna(start) or start <= 0:
            # No follower total in the exports (e.g. Douyin, XHS): the net new followers summed from the posts,
            # against the account's own trailing median of the same figure; without enough history, not scored.
            hit = base_net.get((plat, acc))
            if hit is None or hit["n_months"] < cfg.baseline.min_months or hit["baseline"] <= 0:
                continue
            uplift = spec.target.baseline.uplift
            tgt, held = _prorate_account(ctx, float(hit["baseline"]) * len(win.months) * (1 + uplift), op, days, win)
            s = float(F.linear(net, tgt, cap=cfg.scale.cap))
            parts.append((s, np.nan))
            notes.append(f"{acc}无期初粉丝总数，净增{num(net)}，目标{num(tgt)}"
                         f"（近{int(hit['n_months'])}月中位数{num(hit['baseline'])}×{1 + uplift:g}{held}）{less}，{sc(s)}分")
            continue
        rate = net / start
        tgt, src = account_target(spec.target, cfg.baseline, op, plat, acc, base_growth, months=len(win.months))
        tgt, held = _prorate_account(ctx, tgt, op, days, win)
        s = float(_score(spec, rate, tgt, cfg.scale.cap))
        parts.append((s, float(start)))
        notes.append(f"{acc}净增{num(net)}/期初{num(start)}={pct(rate, 2)}，目标{pct(tgt, 2)}（{src}{held}）{less}，{sc(s)}分")
    if not parts:
        files = "".join(dict.fromkeys(follower_sources(mine[mine["source"] == "account_daily"]).values())) \
            if "source" in mine.columns else ""
        why = ((f"账号数据文件有净增、新增或取关，但没有期初粉丝总数，也没有足够的历史基线{files}" if files else
                "账号粉丝表中没有期初粉丝总数（只有作品涨粉数），也没有足够的历史基线") if not mine.empty
               else "无账号粉丝数据")
        return _missing(op, name, f"{wlabel(win)}{why}", "account_daily", "account_month")
    scores = np.array([x for x, _ in parts])
    w = np.array([y for _, y in parts])
    if spec.params["combine"] and len(parts) > 1:
        known = w[~np.isnan(w)]
        w = np.where(np.isnan(w), np.median(known) if len(known) else 1.0, w)
        how = msg("growth_by_start")
    else:
        w = np.ones(len(parts))
        how = msg("growth_equal")
    score = float((scores * w).sum() / w.sum())
    expl = "；".join(notes) + (f"；{len(parts)}个账号{how}，得分{sc(score)}" if len(parts) > 1 else "")
    return _row(op, name, np.nan, np.nan, score, expl, "account_month", achievement=score / 100)


def _community(ctx, op):
    return ctx.mine("community_win", op)


def _community_share(win, cfg, spec, op, ctx, part: str, whole: str, none: str, describe):
    """Σ part ÷ Σ whole over the person's community rows (where part is known and whole > 0), scored against the
    indicator's static target; not applicable with `none` when no row has both. `describe(rows, part_sum,
    whole_sum)` gives the explanation's opening."""
    c = _community(ctx, op)
    top, bottom = _col(c, part), _col(c, whole)
    ok = top.notna() & (bottom > 0)
    if not ok.any():
        return _na(op, spec.name, f"{wlabel(win)}{none}", "community")
    share = top[ok].sum() / bottom[ok].sum()
    tgt, _ = static_target(spec.target, op)
    score = float(_score(spec, share, tgt, cfg.scale.cap))
    return _row(op, spec.name, share, tgt, score,
                f"{wlabel(win)}{describe(int(ok.sum()), top[ok].sum(), bottom[ok].sum())}{pct(share)}，目标{pct(tgt)}，"
                f"得分{sc(score)}", "community")


@indicator("用户活跃度", "用户运营", inputs=("community",))
def activity(inp, win, cfg, spec, op, ctx):
    return _community_share(win, cfg, spec, op, ctx, "avg_daily_active", "members_start", "无社群日活记录",
                            lambda n, a, b: f"{n}个社群日均活跃{num(a)}人/成员{num(b)}人，日活率")


@indicator("用户留存率", "用户运营", inputs=("community", "account_month"),
           params={"threshold": 0.85, "stretch": 0.98, "follower_threshold": 0.97, "follower_target": 0.99,
                   "follower_stretch": 0.998})
def retention(inp, win, cfg, spec, op, ctx):
    name = spec.name
    p = spec.params
    c = _community(ctx, op)
    lost, start = _col(c, "members_lost"), _col(c, "members_start")
    ok = lost.notna() & (start > 0)
    if ok.any():
        ret = 1 - lost[ok].sum() / start[ok].sum()
        tgt, _ = static_target(spec.target, op)
        score = float(_score(spec, ret, tgt, cfg.scale.cap))
        return _row(op, name, ret, tgt, score,
                    f"{wlabel(win)}社群流失{num(lost[ok].sum())}人/期初{num(start[ok].sum())}人，留存率{pct(ret)}，"
                    f"目标{pct(tgt)}，得分{sc(score)}", "community")
    mine = ctx.mine("account_month_win", op)
    lost, start = _col(mine, "followers_lost"), _col(mine, "followers_start")
    ok = lost.notna() & (start > 0)
    if not ok.any():
        why = "无社群流失记录，也无粉丝取关数据" if lost.notna().sum() == 0 else \
            "无社群流失记录；账号数据文件有取关数，但没有粉丝总数（如小红书），无法计算留存率"
        return _na(op, name, f"{wlabel(win)}{why}", "community, account_month")
    seen = float(lost[ok].sum())
    partial = partial_factors(mine)   # losses seen over part of the days held are extended to them (issue 24)
    f_lost = np.array([partial.get(k, (1.0, 1.0))[1] for k in zip(mine["platform"], mine["account"])],
                      dtype=float)[ok.to_numpy()]
    lost_all = float((lost[ok].to_numpy(dtype=float) * f_lost).sum())
    scaled = f"（取关只覆盖部分天数，按负责天数折算为{num(lost_all)}）" if lost_all > seen else ""
    ret = 1 - lost_all / start[ok].sum()
    t0, t1, t2 = p["follower_threshold"], p["follower_target"], p["follower_stretch"]
    score = float(F.bands(ret, t0, t1, t2, cap=cfg.scale.cap))
    src = "".join(dict.fromkeys(follower_sources(mine[ok.to_numpy()]).values()))
    return _row(op, name, ret, t1, score,
                f"{wlabel(win)}无社群记录，按粉丝计：取关{num(seen)}{scaled}/期初{num(start[ok].sum())}，留存率{pct(ret, 2)}，"
                f"目标{pct(t1)}（门槛{pct(t0)}）{src}，得分{sc(score)}", "account_month")


def partial_factors(am: pd.DataFrame) -> dict[tuple, tuple[float, float]]:
    """(platform, account) -> (net factor, losses factor) for account-file months that cover only part of the days
    the person held the account: days held ÷ days the net spans, days held ÷ days with data (1 when whole). A loss
    seen over part of a month is extended to the whole, so missing days never make a loss smaller (issue 24)."""
    need = {"days", "days_held", "net_days", "source"}
    if am is None or am.empty or not need <= set(am.columns):
        return {}
    a = am[am["source"] == "account_daily"]
    out: dict[tuple, tuple[float, float]] = {}
    for (plat, acc), g in a.groupby(["platform", "account"], sort=False):
        held = pd.to_numeric(g["days_held"], errors="coerce").sum()
        spanned = pd.to_numeric(g["net_days"], errors="coerce").sum()
        days = pd.to_numeric(g["days"], errors="coerce").sum()
        if held > 0:
            out[(plat, acc)] = (max(1.0, held / spanned) if spanned > 0 else 1.0, max(1.0, held / days) if days > 0 else 1.0)
    return out


def follower_sources(am: pd.DataFrame) -> dict[tuple, str]:
    """(platform, account) -> `（来源：抖音账号数据文件（粉丝总数、取关）；账号数据文件只覆盖…）` from account_month's
    source_detail and coverage note (issue 24): the explanation names the figures it rests on."""
    if am is None or am.empty or "source_detail" not in am.columns:
        return {}
    out: dict[tuple, str] = {}
    for (plat, acc), g in am.groupby(["platform", "account"], sort=False):
        det = "、".join(dict.fromkeys(g["source_detail"].dropna().astype(str)))
        cov = "；".join(dict.fromkeys(g["coverage"].dropna().astype(str))) if "coverage" in g.columns else ""
        if det or cov:
            out[(plat, acc)] = "（来源：" + "；".join(x for x in (det, cov) if x) + "）"
    return out


@indicator("用户转化率", "用户运营", inputs=("conversions",))
def conversion(inp, win, cfg, spec, op, ctx):
    name = spec.name
    c = ctx.mine("conversions_win", op)
    reached, conv = _col(c, "reached"), _col(c, "converted")
    ok = reached > 0
    if not ok.any():
        return _na(op, name, f"{wlabel(win)}无用户转化记录", "conversions")
    rate = conv[ok].sum() / reached[ok].sum()
    tr = _col(c, "target_rate")[ok]
    if tr.notna().any():
        tgt = float((tr * reached[ok]).sum() / reached[ok][tr.notna()].sum())
        src = "表内目标"
    else:
        tgt, src = static_target(spec.target, op)
    score = float(_score(spec, rate, tgt, cfg.scale.cap))
    paths = "、".join(c.loc[ok, "path"].dropna().astype(str).unique()[:3]) if "path" in c.columns else ""
    return _row(op, name, rate, tgt, score,
                f"{wlabel(win)}{paths}触达{num(reached[ok].sum())}人，转化{num(conv[ok].sum())}人，转化率{pct(rate, 2)}，"
                f"目标{pct(tgt, 2)}（{src}），得分{sc(score)}", "conversions")


@indicator("核心用户贡献度", "用户运营", inputs=("community",))
def core_users(inp, win, cfg, spec, op, ctx):
    return _community_share(win, cfg, spec, op, ctx, "core_interactions", "total_interactions",
                            "社群记录中无核心用户互动数据", lambda n, a, b: f"核心用户互动{num(a)}/总互动{num(b)}，占比")
