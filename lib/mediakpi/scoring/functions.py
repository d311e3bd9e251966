"""Scoring functions: pure and vectorised (scalars, numpy arrays or pandas Series in, same shape out).

Every indicator scores on 0–120 where 100 = target met (docs/specs/assessment-plan.md, "Scale"). A missing input (NaN/NA)
gives a missing score (NaN), never 0: the caller marks the indicator not applicable.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

CAP = 120.0
FLOOR = 0.0


def _f(x) -> np.ndarray:
    """Float array view of x (pandas NA -> NaN)."""
    if isinstance(x, (float, int, np.floating, np.integer)):  # fast path: indicators score one person at a time
        return np.asarray(x, dtype="float64")
    if isinstance(x, (pd.Series, pd.Index)):
        return pd.to_numeric(x, errors="coerce").astype("float64").to_numpy()
    return np.asarray(pd.to_numeric(pd.Series(np.atleast_1d(x)), errors="coerce"), dtype="float64").reshape(np.shape(x))


def _out(like, values: np.ndarray):
    if isinstance(like, pd.Series):
        return pd.Series(values, index=like.index, dtype="float64")
    return float(values) if np.ndim(values) == 0 else values


def achievement(actual, target):
    """actual ÷ target; a zero target counts as met by any non-negative actual (1 + actual, Infor rule)."""
    a, t = np.broadcast_arrays(_f(actual), _f(target))
    with np.errstate(divide="ignore", invalid="ignore"):
        # general form (a - t + |t|) / |t|, which is a / t for a positive target
        ach = np.where(t != 0, (a - t + np.abs(t)) / np.abs(t), 1.0 + a)
    return _out(actual if isinstance(actual, pd.Series) else target, ach)


def linear(actual, target, cap: float = CAP, floor: float = FLOOR):
    """100 × actual ÷ target, clipped to [floor, cap]. Target 0: any actual ≥ 0 meets it (100 + 100·actual, capped).

    Negative actuals (e.g. negative follower growth) score the floor.
    """
    ach = _f(achievement(actual, target))
    return _out(actual if isinstance(actual, pd.Series) else target, np.clip(100.0 * ach, floor, cap))


def inverse(actual, target, cap: float = CAP, floor: float = FLOOR):
    """Lower is better: 100 × (1 − (actual − target) ÷ |target|), clipped; target 0: 100 × (1 − actual)."""
    a, t = np.broadcast_arrays(_f(actual), _f(target))
    with np.errstate(divide="ignore", invalid="ignore"):
        ach = np.where(t != 0, 1.0 - (a - t) / np.abs(t), 1.0 - a)
    return _out(actual if isinstance(actual, pd.Series) else target, np.clip(100.0 * ach, floor, cap))


def bands(value, threshold, target, stretch, cap: float = CAP):
    """Threshold / target / stretch → 60 / 100 / 120, linear in between, 0 below the threshold, `cap` above stretch.

    Degenerate bands (threshold = target or target = stretch) jump at that point.
    """
    x, t0, t1, t2 = np.broadcast_arrays(_f(value), _f(threshold), _f(target), _f(stretch))
    with np.errstate(divide="ignore", invalid="ignore"):
        low = 60.0 + 40.0 * np.where(t1 > t0, (x - t0) / (t1 - t0), 1.0)
        high = 100.0 + 20.0 * np.where(t2 > t1, (x - t1) / (t2 - t1), 1.0)
    score = np.where(x < t0, 0.0, np.where(x < t1, low, np.where(x < t2, high, 120.0)))
    score = np.where(np.isnan(x), np.nan, np.clip(score, 0.0, cap))
    return _out(value if isinstance(value, pd.Series) else threshold, score)


def rubric(value, scale: float = 100.0, cap: float = CAP):
    """A review score taken as is: 0–100 (scale 100) or 1–5 × 20 (scale 5)."""
    x = _f(value) * (100.0 / scale)
    return _out(value, np.clip(x, 0.0, cap))


def deduction(events, per_event: float, cap: float | None = None, start: float = 100.0):
    """Start at `start`, minus `per_event` points per event (events may be fractional, e.g. days late); at most `cap`
    points taken (None = until 0). Missing events count as none only where the caller says so: NaN stays NaN."""
    e = _f(events)
    taken = e * per_event
    if cap is not None:
        taken = np.minimum(taken, cap)
    return _out(events, np.clip(start - taken, 0.0, start))


def bonus(events, per_event: float, cap: float | None = None):
    """`per_event` points per event, at most `cap` (None = uncapped); NaN events give 0 bonus."""
    e = np.nan_to_num(_f(events), nan=0.0)
    pts = np.maximum(e * per_event, 0.0)
    if cap is not None:
        pts = np.minimum(pts, cap)
    return _out(events, pts)


FUNCTIONS = {"linear": linear, "inverse": inverse, "bands": bands, "rubric": rubric, "deduction": deduction,
             "bonus": bonus}
