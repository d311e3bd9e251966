"""Posts as cards (title first, numbers with units), and each person's best and weakest posts."""
from __future__ import annotations

import numpy as np
import pandas as pd

from .. import fmt
from .html import cell_text
from .inputs import is_true, text_of


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
        # a platform that exports only a date shows no time (score_posts.date_only)
        when = ts.strftime("%m-%d" if flag(rec.get("date_only")) else "%m-%d %H:%M") \
            if isinstance(ts, pd.Timestamp) and not pd.isna(ts) else ""
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


def score_post_cards(posts: pd.DataFrame | None, lab: dict[str, str]) -> dict[str, tuple] | None:
    """Per person, the (best, weakest) cards of the score's own ranking (dataset score_posts: counted posts only,
    ranked by the primary metric against the account's baseline median); None for an empty side."""
    if posts is None or not {"operator", "side"} <= set(posts.columns):
        return None
    has_base = "baseline_median" in posts.columns and posts["baseline_median"].notna().any()
    frame = posts.assign(vs_baseline=[fmt.ratio(r) if has_base else fmt.DASH for r in posts.get("ratio", [])])
    out: dict[str, list] = {}
    for op, side, card in zip(frame["operator"].astype(str), frame["side"].astype(str), post_cards(frame, lab)):
        out.setdefault(op, [None, None])
        i = 0 if side == "best" else 1
        out[op][i] = (out[op][i] or []) + [card]
    return {op: tuple(v) for op, v in out.items()}
