"""Posts as cards (title first, numbers with units), and each person's best and weakest posts."""
from __future__ import annotations

import numpy as np
import pandas as pd

from .. import fmt
from .html import cell_text
from .inputs import TOP_POSTS, is_true, text_of


def in_period(posts: pd.DataFrame) -> pd.DataFrame:
    return posts[is_true(posts["in_period"])] if "in_period" in posts.columns else posts


def with_ratio(posts: pd.DataFrame) -> pd.DataFrame:
    """Adds `_ratio`: the post's value relative to its account's baseline median (else its raw value)."""
    if {"primary_value", "baseline_median"} <= set(posts.columns):
        base = pd.to_numeric(posts["baseline_median"], errors="coerce")
        val = pd.to_numeric(posts["primary_value"], errors="coerce")
        ratio = (val / base.where(base > 0)).astype(float)
    elif "primary_value" in posts.columns:
        ratio = pd.to_numeric(posts["primary_value"], errors="coerce").astype(float)
    elif "views" in posts.columns:
        ratio = pd.to_numeric(posts["views"], errors="coerce").astype(float)
    else:
        ratio = np.nan
    return posts.assign(_ratio=ratio)


def label_ratio(frame: pd.DataFrame, rows: int | None = None) -> pd.DataFrame:
    """Adds the display text `vs_baseline` (e.g. `1.85×`) from `_ratio`, for the first `rows` rows only (the ones a
    table shows; formatting a million rows in Python was a good part of the report's time); the rest get "—"."""
    has_base = "baseline_median" in frame.columns
    head = frame["_ratio"].iloc[:rows] if rows is not None else frame["_ratio"]
    text = [fmt.ratio(r) if has_base else fmt.DASH for r in head.tolist()]
    return frame.assign(vs_baseline=text + ["—"] * (len(frame) - len(text)))


def ranked_posts(posts: pd.DataFrame | None) -> tuple[pd.DataFrame, pd.DataFrame] | None:
    """For all operators, the best TOP_POSTS posts of the period and the weakest TOP_POSTS, both ranked by the post's
    primary metric relative to its account's baseline median (the ratio the page shows next to each post, so "best"
    never lists a post below its baseline above one above it). The weakest are drawn from mature posts not among the
    best."""
    if posts is None or "operator" not in posts.columns:
        return None
    current = in_period(posts)
    # Ranked by position on two arrays (the operator's sorted code, the ratio): the order a stable sort_values on
    # (operator ↑, ratio ↓) gives, then each operator's first TOP_POSTS (best) and, among the mature rest, last
    # TOP_POSTS (weakest, weakest first); only the chosen rows of the wide table are taken.
    operator = current["operator"].astype(str)
    ratio = with_ratio(current[[c for c in ("primary_value", "baseline_median", "views") if c in current.columns]])
    ratio = ratio["_ratio"].astype(float).to_numpy()
    codes, _ = pd.factorize(operator, sort=True)  # a missing operator is -1: it has no group
    sel = np.flatnonzero((codes >= 0) & ~np.isnan(ratio))
    order = sel[np.lexsort((-ratio[sel], codes[sel]))]
    c = codes[order]
    first = np.arange(len(c)) - np.searchsorted(c, c, side="left") < TOP_POSTS
    best_at, pool = order[first], order[~first]
    if "mature" in current.columns:
        pool = pool[is_true(current["mature"]).to_numpy()[pool]]
    c = codes[pool]
    last = np.searchsorted(c, c, side="right") - 1 - np.arange(len(c)) < TOP_POSTS
    worst_at = pool[last][::-1]

    at = np.concatenate([best_at, worst_at])  # one take of the wide table for both sides
    picked = current.iloc[at].assign(_ratio=ratio[at])
    picked = picked.assign(operator=operator.iloc[at].set_axis(picked.index))
    return label_ratio(picked.iloc[:len(best_at)]), label_ratio(picked.iloc[len(best_at):])


def flag(value: object) -> bool:
    """A boolean cell as True/False (null is False)."""
    return False if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)) else bool(value)


CARD_NUMBERS = ["views", "likes", "comments", "shares", "saves"]


def post_cards(frame: pd.DataFrame, lab: dict[str, str]) -> list[dict]:
    """Posts as cards: title first (linked when the export's id is the post's URL), then one line of numbers with
    their units, the ratio to the account's baseline, and the viral rule in a few words."""
    cards = []
    for rec in frame.to_dict("records"):
        title = text_of(rec.get("title")) or lab["report.post.untitled"]
        pid = text_of(rec.get("post_id"))
        bound = flag(rec.get("views_lower_bound"))
        numbers = [lab[f"report.col.{c}"] + " " + fmt.value(rec.get(c), lab.get(f"report.unit.{c}", ""),
                                                            lower_bound=bound and c == "views")
                   for c in CARD_NUMBERS if fmt.num(rec.get(c)) is not None]
        er = fmt.num(rec.get("engagement_rate"))
        if er is not None:
            numbers.append(f"{lab['report.col.engagement_rate']} {fmt.percent(er)}")
        ts = rec.get("published_at")
        when = ts.strftime("%m-%d %H:%M") if isinstance(ts, pd.Timestamp) and not pd.isna(ts) else ""
        cards.append({
            "title": title if len(title) <= 120 else title[:120] + "…",
            "url": pid if pid.startswith(("https://", "http://")) else None,
            "where": " · ".join(x for x in (cell_text("platform", rec.get("platform"), lab), text_of(rec.get("account")),
                                             text_of(rec.get("format")), when) if x and x != fmt.DASH),
            "numbers": " · ".join(numbers),
            "ratio": rec.get("vs_baseline") if rec.get("vs_baseline") not in (None, fmt.DASH) else None,
            "viral": lab["report.post.viral"] if flag(rec.get("viral")) else None,
        })
    return cards


def ranked_post_cards(posts: pd.DataFrame | None, lab: dict[str, str]) -> dict[str, tuple] | None:
    """Per operator with posts, the (best, weakest) cards of ranked_posts (None for an empty side)."""
    ranked = ranked_posts(posts)
    if ranked is None:
        return None
    sides = []
    for side in ranked:  # cards for the whole side at once (a card depends on its own row only), then per person
        groups: dict[str, list[dict]] = {}
        for op, card in zip(side["operator"], post_cards(side, lab)):
            if isinstance(op, str):
                groups.setdefault(op, []).append(card)
        sides.append(groups)
    names = pd.unique(posts["operator"].dropna().astype(str))
    return {name: (sides[0].get(name), sides[1].get(name)) for name in names}
