"""The one rule for left-out posts (issue 23): which of a period's posts the score counts, and how.

A private work is not a published post of the month (config/quality.yaml `visibility`, period.private_mask). A post
02_clean's flags set aside (set_aside_flags: suspected fake engagement, impossible values) keeps its views and
brings no interactions, and is never a viral post: it can only lower a rate. The score (scoring.indicators), the
score's account (scoring/account.py) and the content stage (content/analyse.py) all call these functions, so every
figure attributed to a person or an account is computed on the same posts.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .config import load_quality_config
from .period import private_mask

INTERACTION_COLUMNS = ("likes", "saves", "zaikan", "comments", "shares", "danmaku", "coins", "recommends")


def is_private(posts: pd.DataFrame) -> pd.Series:
    """Private works (not published posts of the month): 02_clean's `private` column, else its rule
    (clean.period.private_mask, config/quality.yaml `visibility`) applied to `visibility`."""
    if posts.empty:
        return pd.Series(False, index=posts.index)
    given = posts["private"].astype("boolean") if "private" in posts.columns \
        else pd.Series(pd.NA, index=posts.index, dtype="boolean")
    if given.isna().any() and "visibility" in posts.columns:
        given = given.fillna(pd.Series(private_mask(posts["visibility"], load_quality_config()).to_numpy(),
                                       index=posts.index, dtype="boolean"))
    return given.fillna(False).astype(bool)


def set_aside_flags(flags: pd.DataFrame) -> pd.DataFrame:
    """The flags that set a post aside from scoring (the one home of the rule): suspected fake engagement (checks
    starting with "fraud") and every plausibility check of severity `error` (impossible values: likes above plays,
    negative or absurd counts, rates outside 0–1 where the platform's definition makes them rates, a publish time after
    the export). What is possible is decided per platform and per definition by 02_clean (config/quality.yaml
    `plausibility`); scoring takes its verdict."""
    if flags is None or flags.empty or "check" not in flags.columns:
        return pd.DataFrame(columns=["platform", "account", "post_id", "check"])
    fraud = flags["check"].astype("string").str.startswith("fraud").fillna(False)
    error = (flags["level"].astype("string") == "error").fillna(False) if "level" in flags.columns else False
    return flags[(fraud | error).to_numpy(dtype=bool)]


def fake_engagement(posts: pd.DataFrame, flags: pd.DataFrame) -> pd.Series:
    """Posts set aside from scoring by 02_clean's flags (set_aside_flags: suspected fake engagement, impossible
    values), by (platform, account, post_id)."""
    if posts.empty or flags is None or flags.empty or "check" not in flags.columns:
        return pd.Series(False, index=posts.index)
    f = set_aside_flags(flags)
    if f.empty:
        return pd.Series(False, index=posts.index)
    keys = set(zip(f["platform"].astype(str), f["account"].astype(str), f["post_id"].astype(str)))
    # Only a post whose id is among the flagged ids (or missing) can match a key: the (platform, account, post_id)
    # test runs on those few, never element by element over a million-row Arrow column.
    ids = posts["post_id"]
    maybe = np.flatnonzero((ids.isin(f["post_id"].dropna().astype(str).unique()) | ids.isna()).to_numpy(dtype=bool))
    hit = np.zeros(len(posts), dtype=bool)
    if len(maybe):
        cols = [posts[c].iloc[maybe].astype(str) for c in ("platform", "account", "post_id")]
        hit[maybe] = [(p, a, i) in keys for p, a, i in zip(*cols)]
    return pd.Series(hit, index=posts.index, dtype=bool)


def counted_posts(posts: pd.DataFrame, fake: pd.Series | np.ndarray | None, private: pd.Series | np.ndarray | None
                  ) -> pd.DataFrame:
    """The posts as the score counts them: private works dropped; a post flagged as suspected fake engagement keeps
    its views and its interaction columns are zeroed. Adds `left_out` (True for a flagged post), `interactions`
    (counted, by the metric dictionary's definition, mediakpi.metrics) and `raw_interactions` (before zeroing)."""
    from ..metrics import interactions

    if posts is None or posts.empty:
        base = posts if posts is not None else pd.DataFrame()
        return base.assign(left_out=pd.Series(dtype=bool), interactions=pd.Series(dtype="float64"),
                           raw_interactions=pd.Series(dtype="float64"))
    keep = ~np.asarray(private, dtype=bool) if private is not None else np.ones(len(posts), dtype=bool)
    fake = np.asarray(fake, dtype=bool) if fake is not None else np.zeros(len(posts), dtype=bool)
    out = posts.loc[keep] if not keep.all() else posts
    left = fake[keep]
    raw = interactions(out).to_numpy(dtype="float64")
    if left.any():
        out = out.copy()
        zero = [c for c in INTERACTION_COLUMNS if c in out.columns]
        out.loc[out.index[left], zero] = 0
        if "interactions" in out.columns:
            out.loc[out.index[left], "interactions"] = 0
        if "viral" in out.columns:  # a flagged post is never viral (the score's 爆款 rule)
            out.loc[out.index[left], "viral"] = False
    out = out.assign(left_out=left, raw_interactions=raw, interactions=np.where(left, 0.0, raw))
    return out.reset_index(drop=True)


def as_scored(posts: pd.DataFrame, flags: pd.DataFrame | None) -> pd.DataFrame:
    """counted_posts with the score's own masks (indicators.fake_engagement, indicators.is_private): what every
    figure attributed to a person or an account is computed on (the content stage calls it too)."""
    if posts is None or posts.empty:
        return counted_posts(posts, None, None)
    posts = posts.reset_index(drop=True)
    return counted_posts(posts, fake_engagement(posts, flags).to_numpy(), is_private(posts).to_numpy())
