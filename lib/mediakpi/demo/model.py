"""How the synthetic posts behave: cadence, posting times, heavy-tailed metrics, growth after publishing.

Everything is vectorised with numpy so the same code serves the 12-month demo (a few thousand posts) and the scale
benchmark (a million posts). The numbers are plausible, not measured: they exist to exercise the workbook.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

TZ = "Asia/Shanghai"


def _hours(*peaks: tuple[int, float]) -> np.ndarray:
    """A 24-hour posting profile: a low floor in the day, nearly nothing at night, plus weighted peaks."""
    w = np.array([0.05] * 7 + [0.6] * 16 + [0.3], dtype=float)
    w[0:2] = 0.15
    for h, weight in peaks:
        w[h] += weight
    return w / w.sum()


@dataclass(frozen=True)
class Profile:
    """Platform behaviour used by the generators."""

    cadence: tuple[int, int]          # posts per account per month (min, max) at full activity
    reach: float                      # median primary metric as a share of followers
    floor: float                      # primary metric of a brand-new account
    sigma: float                      # log-sd of the primary metric
    tau_days: float                   # how fast a post accrues its final numbers
    hours: np.ndarray                 # posting-hour profile
    weekdays: tuple[float, ...]       # Monday..Sunday weights
    like: float
    comment: float
    share: float
    save: float
    follow: float
    video_share: float                # share of posts that are video


PROFILES: dict[str, Profile] = {
    "wechat": Profile((8, 20), 0.045, 150, 0.65, 1.5, _hours((7, 2.0), (8, 1.5), (12, 1.5), (20, 2.0), (21, 2.5)),
                      (1.2, 1.2, 1.2, 1.2, 1.1, 0.6, 0.5), 0.0, 0.002, 0.04, 0.01, 0.002, 0.0),
    "weibo": Profile((18, 36), 0.02, 300, 0.9, 1.0, _hours((9, 1.0), (12, 1.5), (18, 1.0), (22, 1.5)),
                     (1.0, 1.0, 1.0, 1.0, 1.0, 0.9, 0.9), 0.012, 0.003, 0.002, 0.0, 0.0005, 0.25),
    "douyin": Profile((15, 30), 0.03, 500, 1.1, 3.0, _hours((12, 1.5), (18, 1.5), (19, 2.0), (20, 2.5), (21, 2.0)),
                      (0.9, 0.9, 0.9, 1.0, 1.1, 1.3, 1.3), 0.035, 0.002, 0.004, 0.006, 0.001, 0.85),
    "xiaohongshu": Profile((8, 16), 0.12, 200, 1.0, 5.0, _hours((12, 1.5), (13, 1.0), (20, 2.0), (21, 2.5), (22, 1.5)),
                           (1.0, 1.0, 1.0, 1.0, 1.1, 1.2, 1.2), 0.05, 0.006, 0.004, 0.03, 0.003, 0.35),
    "bilibili": Profile((4, 10), 0.06, 300, 0.9, 5.0, _hours((17, 1.0), (18, 1.5), (19, 2.0), (20, 1.5)),
                        (0.8, 0.8, 0.9, 0.9, 1.2, 1.4, 1.3), 0.04, 0.004, 0.003, 0.015, 0.002, 1.0),
    "channels": Profile((8, 16), 0.2, 300, 1.0, 3.0, _hours((7, 1.5), (8, 1.5), (12, 1.0), (20, 2.0), (21, 1.5)),
                        (1.1, 1.1, 1.1, 1.1, 1.0, 0.9, 0.8), 0.01, 0.001, 0.006, 0.0, 0.002, 1.0),
    "kuaishou": Profile((15, 30), 0.04, 400, 1.0, 3.0, _hours((11, 1.0), (12, 1.5), (18, 1.5), (20, 2.0), (22, 1.5)),
                        (1.0, 1.0, 1.0, 1.0, 1.0, 1.2, 1.2), 0.03, 0.0025, 0.003, 0.004, 0.001, 0.95),
}


def publish_times(rng: np.random.Generator, platform: str, start: pd.Timestamp, end: pd.Timestamp,
                  n: int) -> pd.DatetimeIndex:
    """`n` publish times in [start, end) (Beijing time) following the platform's weekday × hour profile, sorted."""
    prof = PROFILES[platform]
    days = pd.date_range(start.normalize(), end - pd.Timedelta(seconds=1), freq="D")
    if n == 0 or len(days) == 0:
        return pd.DatetimeIndex([], tz=TZ)
    w = np.asarray(prof.weekdays)[days.day_of_week]
    day = rng.choice(len(days), size=n, p=w / w.sum())
    hour = rng.choice(24, size=n, p=prof.hours)
    sec = rng.integers(0, 3600, size=n)
    off = (day.astype("int64") * 86400 + hour.astype("int64") * 3600 + sec) * 1_000_000_000
    ts = pd.DatetimeIndex(days[0].value + np.sort(off), tz="UTC").tz_convert(TZ)
    ts = ts[(ts >= start) & (ts < end)]
    return ts


def final_metrics(rng: np.random.Generator, platform: str, followers: np.ndarray,
                  viral_p: float = 0.03) -> pd.DataFrame:
    """Final (fully accrued) metrics for posts of accounts with `followers` (one value per post)."""
    prof = PROFILES[platform]
    n = len(followers)
    f = np.asarray(followers, dtype=float)
    base = prof.reach * f + prof.floor
    viral = rng.random(n) < viral_p
    mult = np.where(viral, rng.uniform(3.5, 9.0, n), 1.0)
    views = np.maximum(1, np.round(base * rng.lognormal(0.0, prof.sigma, n) * mult))

    def rate(mean: float, s: float = 0.45) -> np.ndarray:
        return mean * rng.lognormal(-s * s / 2, s, n)

    is_video = rng.random(n) < prof.video_share
    out = pd.DataFrame({
        "views": views,
        "likes": np.round(views * rate(prof.like)),
        "comments": np.round(views * rate(prof.comment, 0.6)),
        "shares": np.round(views * rate(prof.share, 0.6)),
        "saves": np.round(views * rate(prof.save, 0.6)),
        "followers_gained": np.round(views * rate(prof.follow, 0.7)),
        "is_video": is_video,
        "viral_seed": viral,
        "u1": rng.random(n), "u2": rng.random(n), "u3": rng.random(n),
    })
    out["completion_rate"] = np.where(is_video, rng.beta(2.0, 9.0, n), rng.uniform(0.13, 0.24, n))
    out["avg_watch_seconds"] = np.round(rng.gamma(3.0, 6.0, n) + 3.0, 2)
    if platform == "wechat":
        out["completion_rate"] = rng.uniform(0.3, 0.75, n)
        out["reads_total"] = np.round(views * rng.uniform(1.15, 1.45, n))
        out["share_times"] = np.round(out["shares"] * rng.uniform(1.05, 1.3, n))
        out["zaikan"] = np.round(views * rate(0.004))
    if platform in ("xiaohongshu", "douyin"):
        ctr = rng.uniform(0.05, 0.2, n)
        out["impressions"] = np.round(views / ctr)
    if platform == "bilibili":
        out["coins"] = np.round(views * rate(0.008))
        out["danmaku"] = np.round(views * rate(0.003, 0.8))
        out["followers_lost"] = np.round(out["followers_gained"] * rng.uniform(0.02, 0.2, n))
    if platform == "xiaohongshu":
        out["danmaku"] = np.where(is_video, np.round(views * rate(0.0005, 0.8)), 0)
    if platform == "douyin":
        out["profile_visits"] = np.round(views * rate(0.01))
    if platform == "channels":
        out["recommends"] = np.round(views * rate(0.008))
        out["forwards"] = np.round(out["shares"] * rng.uniform(0.6, 1.0, n))
    return out


COUNTS = ["views", "likes", "comments", "shares", "saves", "followers_gained", "reads_total", "share_times",
          "zaikan", "impressions", "coins", "danmaku", "followers_lost", "profile_visits", "recommends", "forwards"]


def at_snapshot(final: pd.DataFrame, published_at: pd.Series, snapshot_at: pd.Timestamp,
                platform: str, freeze_days: float | None = None) -> pd.DataFrame:
    """The metrics as an export taken at `snapshot_at` shows them: counts accrue as 1 - exp(-age / tau);
    `freeze_days` stops the accrual (WeChat per-article data stops updating after 7 days)."""
    tau = PROFILES[platform].tau_days
    age = ((snapshot_at - published_at) / pd.Timedelta(days=1)).to_numpy(dtype=float)
    if freeze_days is not None:
        age = np.minimum(age, freeze_days)
    g = 1.0 - np.exp(-np.clip(age, 0.02, None) / tau)
    out = final.copy()
    for c in COUNTS:
        if c in out.columns:
            out[c] = np.round(out[c].to_numpy(dtype=float) * g)
    out["views"] = np.maximum(out["views"], 1)
    return out


def followers_path(rng: np.random.Generator, start_followers: float, days: int, growth: float,
                   churn: float) -> tuple[np.ndarray, np.ndarray]:
    """Organic daily follows and unfollows for `days` days (monthly rates `growth` and `churn`)."""
    f = max(start_followers, 50.0)
    gained = np.empty(days, dtype=np.int64)
    lost = np.empty(days, dtype=np.int64)
    for d in range(days):
        gained[d] = rng.poisson(f * growth / 30.0 + 1.0)
        lost[d] = rng.poisson(f * churn / 30.0)
        f = max(f + gained[d] - lost[d], 10.0)
    return gained, lost
