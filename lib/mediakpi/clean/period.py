"""Which posts count for the period, how old they were when exported, and whether they are video or image posts.

Cumulative snapshots: platform exports list each post's metrics *as of the moment the export was taken*
(`snapshot_at`, set by ingest from the file where it says so). 02_clean keeps those values as they are; a post's age at
the snapshot decides whether it is mature. When `snapshot_at` is empty, the documented fallback applies: the export was
taken no earlier than the newest post it lists, so the newest publish time in the same source file is used (this
under-estimates ages, so a post is never called mature too early); `snapshot_rule` says which rule gave the value.
"""
from __future__ import annotations

import unicodedata

import numpy as np
import pandas as pd

from ..distinct import map_distinct
from ..periods import TZ, Period
from .config import QualityConfig
from ..fastops import text_codes

DAY = pd.Timedelta(days=1)


def fill_snapshot(posts: pd.DataFrame, fallback: str) -> pd.DataFrame:
    """Add `snapshot_at` where missing and `snapshot_rule` (`file` / `newest_post_in_file` / null when no rule applies).

    `fallback` is quality.yaml's `snapshot_fallback`: `newest_post_in_file` dates an export without its own date by
    the newest post in the same file; `none` leaves it undated (its posts are then never mature)."""
    out = posts.copy(deep=False)   # copy-on-write (pandas 3): shallow is enough
    if "snapshot_at" not in out.columns:
        out["snapshot_at"] = pd.Series(pd.NaT, index=out.index, dtype=f"datetime64[ns, {TZ}]")
    given = out["snapshot_at"].notna()
    if fallback == "none":
        out["snapshot_rule"] = pd.Series(pd.NA, index=out.index, dtype="string").mask(given, "file")
        return out
    key = out["source_file"].astype("string").fillna("") if "source_file" in out.columns else pd.Series("", index=out.index)
    newest = out.groupby(key, dropna=False)["published_at"].transform("max")
    out["snapshot_at"] = out["snapshot_at"].where(given, newest)
    rule = pd.Series(pd.NA, index=out.index, dtype="string")
    rule[given] = "file"
    rule[~given & out["snapshot_at"].notna()] = "newest_post_in_file"
    out["snapshot_rule"] = rule
    return out


def private_mask(visibility: pd.Series, cfg: QualityConfig) -> pd.Series:
    """True where the exported visibility (公开 / 自见 / 私密 / 仅自己可见 …) contains one of the configured private
    keywords (config/quality.yaml `visibility`); null visibility (the export has none) is public. Per distinct value."""
    keys = [_norm(k) for k in cfg.visibility.private_keywords]
    if not keys:
        return pd.Series(False, index=visibility.index)
    hit = map_distinct(visibility.astype(object), lambda v: bool(_norm(v)) and any(k in _norm(v) for k in keys))
    return hit.fillna(False).astype(bool)


def add_private(posts: pd.DataFrame, cfg: QualityConfig) -> pd.DataFrame:
    """Add `private` (a private work: stays in the tables with its numbers, but is not a published post)."""
    out = posts.copy(deep=False)   # copy-on-write (pandas 3): shallow is enough
    vis = out["visibility"] if "visibility" in out.columns else pd.Series(pd.NA, index=out.index, dtype="string")
    out["private"] = private_mask(vis, cfg).to_numpy()
    return out


def assign_period(posts: pd.DataFrame, period: str | Period) -> pd.DataFrame:
    """Add `in_period` (published inside the period, Beijing time, and not private: a private work is not a published
    post of the month; a post without a publish time is not in it) and `month` (YYYY-MM of publishing, Beijing
    time)."""
    p = period if isinstance(period, Period) else Period.parse(period)
    out = posts.copy(deep=False)   # copy-on-write (pandas 3): shallow is enough
    pub = out["published_at"]
    inside = p.contains(pub).fillna(False).astype(bool)
    if "private" in out.columns:
        inside &= ~out["private"].fillna(False).astype(bool)
    out["in_period"] = inside
    out["month"] = day_text(pub, "%Y-%m").astype("string")
    return out


def add_maturity(posts: pd.DataFrame, cfg: QualityConfig) -> pd.DataFrame:
    """Add `age_days` (snapshot_at − published_at, days) and `mature` (age ≥ the platform's maturity days)."""
    out = posts.copy(deep=False)   # copy-on-write (pandas 3): shallow is enough
    if "snapshot_at" not in out.columns:
        out = fill_snapshot(out)
    age = (out["snapshot_at"] - out["published_at"]) / DAY
    out["age_days"] = age.astype("float64")
    need = map_distinct(out["platform"].astype("string"), cfg.maturity_for).astype("float64")
    out["mature"] = (out["age_days"] >= need).fillna(False).astype(bool)
    return out


def _norm(text) -> str:
    return unicodedata.normalize("NFKC", str(text)).casefold() if text is not None and not pd.isna(text) else ""


def classify_media_type(platform: pd.Series, fmt: pd.Series, cfg: QualityConfig) -> pd.Series:
    """`video` or `image` per post: video platforms are always video; otherwise the exported format's keywords decide
    (图文 vs 视频), else the configured default. 图文完播 is not 视频完播, so content analysis keeps them apart."""
    mt = cfg.media_type
    video_kw = [_norm(k) for k in mt.video_keywords]
    image_kw = [_norm(k) for k in mt.image_keywords]

    def one(plat, f) -> str:
        if plat in mt.video_platforms:
            return "video"
        text = _norm(f)
        if any(k in text for k in video_kw):
            return "video"
        if any(k in text for k in image_kw):
            return "image"
        return mt.default

    # classify each distinct (platform, format) once: the pairs as integer codes, one representative row per pair
    p_codes, n_p = text_codes(platform)
    f_codes, _ = text_codes(fmt)
    codes, pairs = pd.factorize(p_codes * np.int64(n_p) + f_codes)
    first = np.zeros(len(pairs), dtype=np.int64)
    first[codes[::-1]] = np.arange(len(codes) - 1, -1, -1)      # the first row of each pair
    plats, fmts = platform.take(first), fmt.take(first)
    plats = plats.astype(object).where(plats.notna(), None).tolist()
    fmts = fmts.astype(object).where(fmts.notna(), None).tolist()
    labels = np.asarray([one(p if not pd.isna(p) else None, f) for p, f in zip(plats, fmts)], dtype=object)
    return pd.Series(labels[codes] if len(codes) else [], index=platform.index, dtype="string")


def add_media_type(posts: pd.DataFrame, cfg: QualityConfig) -> pd.DataFrame:
    out = posts.copy(deep=False)   # copy-on-write (pandas 3): shallow is enough
    fmt = out["format"] if "format" in out.columns else pd.Series(pd.NA, index=out.index, dtype="string")
    out["media_type"] = classify_media_type(out["platform"], fmt, cfg)
    return out


def day_text(ts: pd.Series, fmt: str) -> pd.Series:
    """ts.dt.strftime(fmt) for a format that depends on the calendar day only (%Y, %m, %d): each distinct day is
    formatted once (formatting a million timestamps one by one is the slow part)."""
    codes, days = pd.factorize(ts.dt.normalize())
    text = pd.Series(days).dt.strftime(fmt)
    return pd.Series(text.array.take(codes, allow_fill=True), index=ts.index, name=ts.name)


def is_date_only(ts: pd.Series) -> pd.Series:
    """True where a timestamp sits exactly at midnight (a date-only export)."""
    local = ts.dt.tz_convert(TZ) if getattr(ts.dt, "tz", None) is not None else ts
    return ((local - local.dt.normalize()) == pd.Timedelta(0)).fillna(False).astype(bool)


__all__ = ["fill_snapshot", "private_mask", "add_private", "assign_period", "add_maturity", "classify_media_type", "add_media_type", "day_text",
           "is_date_only"]
