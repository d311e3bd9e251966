"""内容运营: content quality, originality, on-time publishing, viral posts, interaction.

Posts here are the person's published posts of the window (private works and posts of accounts held by someone else
already left out by the context); flagged posts (suspected fake engagement) count for nothing in interaction and
viral counts. A person whose account was exported but who published nothing scores 0 (nothing done), not N/A.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .. import functions as F
from ..targets import account_target, static_target
from .base import (_col, _missing, _row, _score, indicator, msg, num, pct, sc, shrink, wlabel)

POSTS = "posts"  # the platform exports (a table code for the "tables to fill in")


def _nothing_published(ctx, op) -> bool:
    """The person's accounts were exported for the window but none of their posts falls in it."""
    return op in ctx["exported_ops"]


def _small_sample(score: float, n: int, ctx, win) -> tuple[float, str]:
    """Shrink a rate indicator's score above the target toward it by n/(n+k) (never raises a score)."""
    shrunk, w = shrink(score, n, ctx["small_sample_k"])
    if shrunk >= score or w >= 1:
        return score, ""
    return shrunk, "；" + msg("small_sample", n=n, w=f"{w:.0%}", before=sc(score), after=sc(shrunk))


# ----- 内容运营 --------------------------------------------------------------------------------------------------

@indicator("内容质量", "内容运营", inputs=("quality_reviews", "posts"),
           params={"review_share": 0.6, "completion_share": 0.4})
def content_quality(inp, win, cfg, spec, op, ctx):
    """60% internal review score + 40% completion-rate achievement. A missing review scores its part nothing
    (missing input); a platform that exports no completion rate gives that part to the review."""
    name, p = spec.name, spec.params
    qr = ctx.mine("quality_reviews", op)
    review = _col(qr, "score").dropna()
    stats = ctx.mine("account_stats", op)  # one row per account of the person (account_post_stats)
    base = ctx.index("base_completion")
    cr_parts, notes = [], []
    for plat, acc, cr_mean, n, n_ev, v in zip(stats["platform"], stats["account"], stats["cr_mean"], stats["cr_n"],
                                              stats["cr_ev"], stats["views"]):
        if n == 0:
            continue
        tgt, src = account_target(spec.target, cfg.baseline, op, plat, acc, base)
        if pd.isna(tgt) or tgt <= 0:
            continue
        cr_parts.append((cr_mean, tgt, int(n_ev), float(v) if pd.notna(v) and v > 0 else 0.0))
        notes.append(f"{acc}完播率{pct(cr_mean)}/目标{pct(tgt)}（{src}）")
    rs, cs = p["review_share"], p["completion_share"]
    n_posts = ctx.n_posts(op)
    parts, text, missing = [], [], []   # (share, score or None for missing)
    if len(review):
        parts.append((rs, float(F.rubric(review.mean()))))
        text.append(f"内部评审{len(review)}篇均分{review.mean():.1f}")
    else:
        parts.append((rs, None))
        missing.append("quality_reviews")
        text.append(msg("part_missing", part="内部评审"))
    if cr_parts:
        n = sum(c[2] for c in cr_parts)          # evidence: posts above the noise floor
        wsum = sum(c[3] for c in cr_parts)       # accounts weighted by their views (exposure), else equally
        ach = (sum(c[0] / c[1] * c[3] for c in cr_parts) / wsum if wsum > 0
               else sum(c[0] / c[1] for c in cr_parts) / len(cr_parts))
        cr_score = float(F.linear(ach, 1.0, cap=cfg.scale.cap))
        cr_score, small = _small_sample(cr_score, n, ctx, win)
        parts.append((cs, cr_score))
        text.append("；".join(notes) + f"，完播达成{cr_score:.1f}分{small}")
    elif n_posts == 0 and _nothing_published(ctx, op):
        parts.append((cs, 0.0))
        text.append(msg("nothing_published", win=wlabel(win)))
    elif n_posts == 0:
        parts.append((cs, None))
        missing.append(POSTS)
    # else: posts without any completion rate (the platform exports none): the review carries the indicator
    total = sum(w for w, _ in parts)
    scored = sum(w for w, v in parts if v is not None)
    if scored == 0:
        return _missing(op, name, msg("no_quality_inputs", win=wlabel(win)), ",".join(missing),
                        "quality_reviews, posts_clean")
    score = sum(w * v for w, v in parts if v is not None) / total
    return _row(op, name, actual=review.mean() if len(review) else (cr_parts[0][0] if cr_parts else np.nan),
                score=score, achievement=score / 100,
                explanation=f"{'；'.join(text)}；评审{rs / total:.0%}+完播{cs / total:.0%}，得分{sc(score)}"
                if len(parts) == 2 else f"{'；'.join(text)}；得分{sc(score)}",
                inputs="quality_reviews, posts_clean", scored_share=scored / total, missing_tables=",".join(missing),
                n_evidence=len(review))


def post_counts(posts: pd.DataFrame) -> tuple[dict[str, tuple[int, int, int, int]], dict[str, pd.Series]]:
    """Per operator: (posts, posts marked original or not, original, viral not flagged), and the rule kind (text
    before ：/（) of each of their counted viral posts in post order. One pass for the team."""
    if posts.empty or "operator" not in posts.columns:
        return {}, {}
    flag = posts["is_original"] if "is_original" in posts.columns else pd.Series(pd.NA, index=posts.index)
    known = flag.notna().to_numpy(dtype=bool)
    orig = np.zeros(len(posts), dtype=bool)
    orig[known] = flag[known].astype(bool).to_numpy(dtype=bool)
    viral = (posts["viral"].fillna(False).astype(bool).to_numpy(dtype=bool, copy=True) if "viral" in posts.columns
             else np.zeros(len(posts), dtype=bool))
    if "fake_engagement" in posts.columns:
        viral &= ~posts["fake_engagement"].fillna(False).astype(bool).to_numpy(dtype=bool)
    d = pd.DataFrame({"n": 1, "known": known, "orig": orig, "viral": viral}, index=posts.index)
    g = d.groupby(posts["operator"], sort=False).sum()
    counts = {op: (int(n), int(k), int(o), int(v)) for op, n, k, o, v in
              zip(g.index, g["n"], g["known"], g["orig"], g["viral"])}
    kinds = {}
    if "viral_rule" in posts.columns and viral.any():
        rules = posts.loc[viral, "viral_rule"].dropna().astype(str)
        # the text before the first ：/（ (what re.split(...)[0] gives), cut for the whole column at once; the strip
        # and the mapping once per distinct kind (the rules carry each post's own figures, so nearly all differ)
        head = rules.str.replace(r"(?s)[：:（(].*", "", regex=True)
        kind = head.map({h: h.strip() for h in head.unique()})
        kinds = {op: k for op, k in kind.groupby(posts.loc[rules.index, "operator"], sort=False)}
    return counts, kinds


@indicator("内容原创比例", "内容运营", inputs=("posts", "content_calendar"),
           params={"threshold": 0.6, "stretch": 0.95})
def original_ratio(inp, win, cfg, spec, op, ctx):
    """Original posts ÷ all posts published. A post the calendar does not mark counts as not original, so leaving a
    repost out of the calendar never raises the ratio; no marked post at all is missing input."""
    name = spec.name
    n_posts, n_known, orig, _ = ctx.cached("post_counts", lambda: post_counts(ctx["posts_win"]))[0].get(op, (0, 0, 0, 0))
    tgt, _ = static_target(spec.target, op)
    if n_posts == 0:
        if _nothing_published(ctx, op):
            score = float(_score(spec, 0.0, tgt, cfg.scale.cap))
            return _row(op, name, 0.0, tgt, score, msg("nothing_published", win=wlabel(win)) + f"，得分{sc(score)}",
                        "posts_clean", n_evidence=0)
        return _missing(op, name, msg("no_export", win=wlabel(win)), POSTS, "posts_clean")
    if n_known == 0:
        return _missing(op, name, f"{wlabel(win)}发布{n_posts}条，排期表均未标注是否原创", "content_calendar",
                        "posts_clean, content_calendar")
    ratio = orig / n_posts
    score = float(_score(spec, ratio, tgt, cfg.scale.cap))
    score, small = _small_sample(score, ctx.n_evidence(op), ctx, win)
    unmarked = f"，{n_posts - n_known}条未在排期表标注，按非原创计" if n_posts > n_known else ""
    return _row(op, name, ratio, tgt, score,
                f"{wlabel(win)}发布{n_posts}条，原创{orig}条{unmarked}，原创比例{pct(ratio)}，目标{pct(tgt)}"
                f"（门槛{pct(spec.params.get('threshold'))}=60分，挑战{pct(spec.params.get('stretch'))}=120分），"
                f"得分{sc(score)}{small}", "posts_clean.is_original", n_evidence=n_posts)


def calendar_counts(cal: pd.DataFrame) -> dict[str, tuple[int, int]]:
    """Per operator: (planned items due — on time, late or missed —, of which on time), for the whole team."""
    if cal.empty or "operator" not in cal.columns:
        return {}
    due = cal["status"].isin(["on_time", "late", "missed"]).to_numpy(dtype=bool)
    d = pd.DataFrame({"due": due, "on": due & (cal["status"] == "on_time").fillna(False).to_numpy(dtype=bool)},
                     index=cal.index)
    g = d.groupby(cal["operator"], sort=False).sum()
    return {op: (int(a), int(b)) for op, a, b in zip(g.index, g["due"], g["on"])}


def unplanned_counts(posts: pd.DataFrame, cal: pd.DataFrame) -> dict[str, int]:
    """Per operator: published posts of the window beyond the calendar items they published (on time or late):
    posts no calendar row covers, which count as not on plan."""
    if posts.empty or "operator" not in posts.columns:
        return {}
    n_posts = posts.groupby("operator", sort=False).size()
    if cal.empty or "operator" not in cal.columns:
        done = pd.Series(dtype=int)
    else:
        done = cal[cal["status"].isin(["on_time", "late"]).fillna(False)].groupby("operator", sort=False).size()
    return {op: max(0, int(n) - int(done.get(op, 0))) for op, n in n_posts.items()}


@indicator("内容按时发布率", "内容运营", inputs=("content_calendar", "posts"))
def on_time_rate(inp, win, cfg, spec, op, ctx):
    """Planned items published on time ÷ (planned items due + published posts no calendar row covers): an item left
    out of the calendar never raises the rate."""
    name = spec.name
    if "content_calendar" not in ctx["present"] and ctx["calendar_win"].empty:
        return _missing(op, name, msg("no_calendar"), "content_calendar", "calendar_match")
    n_due, on = ctx.cached("calendar_counts", lambda: calendar_counts(ctx["calendar_win"])).get(op, (0, 0))
    extra = ctx.cached("unplanned", lambda: unplanned_counts(ctx["posts_win"], ctx["calendar_win"])).get(op, 0)
    if n_due == 0:
        return _missing(op, name, f"{wlabel(win)}内容排期表中没有此人到期的计划内容", "content_calendar",
                        "calendar_match")
    rate = on / (n_due + extra)
    tgt, _ = static_target(spec.target, op)
    score = float(_score(spec, rate, tgt, cfg.scale.cap))
    more = f"，另有{extra}条发布未列入排期（按未按计划计）" if extra else ""
    return _row(op, name, rate, tgt, score,
                f"{wlabel(win)}计划发布{n_due}条，按时发布{on}条{more}，按时率{pct(rate)}，目标{pct(tgt, 0)}，"
                f"得分{sc(score)}", "calendar_match", n_evidence=n_due + extra)


@indicator("爆款内容数量", "内容运营", inputs=("posts",))
def viral_count(inp, win, cfg, spec, op, ctx):
    """Viral posts (not flagged as suspected fake engagement) against a count target pro-rated by days held."""
    name = spec.name
    counts, kinds_by_op = ctx.cached("post_counts", lambda: post_counts(ctx["posts_win"]))
    n_posts, _, _, n = counts.get(op, (0, 0, 0, 0))
    if n_posts == 0 and not _nothing_published(ctx, op):
        return _missing(op, name, msg("no_export", win=wlabel(win)), POSTS, "posts_clean")
    tgt, _ = static_target(spec.target, op, months=len(win.months))
    tgt, held = ctx.prorate(tgt, op)
    score = float(_score(spec, n, tgt, cfg.scale.cap))
    rules = ""
    kinds = kinds_by_op.get(op)
    if n and kinds is not None:
        rules = "（" + "，".join(f"{k}{c}条" for k, c in kinds.value_counts().items()) + "）" if len(kinds) else ""
    flagged = ctx.n_flagged(op)
    fl = "；" + msg("flagged_excluded", n=flagged) if flagged else ""
    return _row(op, name, n, tgt, score,
                f"{wlabel(win)}发布{n_posts}条，爆款{n}条{rules}{fl}，目标{num(tgt)}条{held}，得分{sc(score)}",
                "posts_clean.viral", n_evidence=n_posts)


@indicator("内容互动情况", "内容运营", inputs=("posts",))
def interaction(inp, win, cfg, spec, op, ctx):
    """The weighted interaction rate (mediakpi.metrics: weighted_engagement_rate, config/metrics.yaml) against the
    account's own weighted-rate baseline (or a weighted-rate target), views-weighted over accounts; a flagged post
    keeps its views and brings no interactions; few posts shrunk toward the target."""
    name = spec.name
    stats, rate_all = ctx.mine("account_stats", op), ctx["operator_wis"].get(op, np.nan)
    base = ctx.index("base_wis")
    parts, notes, n_total = [], [], 0
    for plat, acc, rate, views, n in zip(stats["platform"], stats["account"], stats["rate"], stats["views"],
                                         stats["n_ev"]):
        if pd.isna(rate):
            continue
        tgt, src = account_target(spec.target, cfg.baseline, op, plat, acc, base)
        if pd.isna(tgt) or tgt <= 0:
            continue
        parts.append((rate / tgt, views))
        n_total += int(n)
        notes.append(f"{acc}加权互动率{pct(rate, 2)}/目标{pct(tgt, 2)}（{src}）")
    flagged = ctx.n_flagged(op)
    fl = "；" + msg("flagged_excluded", n=flagged) if flagged else ""
    if not parts:
        if ctx.n_posts(op) == 0 and _nothing_published(ctx, op):
            return _row(op, name, 0.0, np.nan, 0.0, msg("nothing_published", win=wlabel(win)) + f"{fl}，得分0.0",
                        "posts_clean", achievement=0.0, n_evidence=0)
        if ctx.n_posts(op) == 0:
            return _missing(op, name, msg("no_export", win=wlabel(win)), POSTS, "posts_clean")
        return _missing(op, name, f"{wlabel(win)}发布的内容都没有阅读/播放量{fl}", POSTS, "posts_clean")
    total_views = sum(v for _, v in parts)
    ach = sum(a * v for a, v in parts) / total_views
    score = float(F.linear(ach, 1.0, cap=cfg.scale.cap))
    score, small = _small_sample(score, n_total, ctx, win)
    return _row(op, name, rate_all, np.nan, score,
                "；".join(notes) + f"；按播放量加权达成{pct(ach)}，得分{sc(score)}{small}{fl}"
                f"（{ctx['wis_formula']}）", "posts_clean", achievement=ach, n_evidence=n_total)
