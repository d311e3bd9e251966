"""Vectorised building blocks for 02_clean at scale (a million posts): order statistics over many contiguous ranges at
once, and searchsorted within groups. They replace per-account Python loops; results equal numpy's (np.median,
np.searchsorted) exactly."""
from __future__ import annotations

import numpy as np


def range_kth(values: np.ndarray, lo: np.ndarray, hi: np.ndarray, k: np.ndarray) -> np.ndarray:
    """The k-th smallest (0-based) of values[lo:hi] for many ranges at once; requires 0 <= k < hi - lo.

    A wavelet matrix over the values' ranks, walked by all queries together: one stable partition per bit, so the cost
    is O((n + q) · log n) numpy work instead of one np.median call per query."""
    values = np.asarray(values, dtype="float64")
    lo = np.asarray(lo, dtype=np.int64)
    out = np.full(len(lo), np.nan)
    if len(lo) == 0 or len(values) == 0:
        return out
    order = np.argsort(values, kind="stable")
    cur = np.empty(len(values), dtype=np.int64)
    cur[order] = np.arange(len(values), dtype=np.int64)          # rank of each value
    left, right, k = lo.copy(), np.asarray(hi, dtype=np.int64).copy(), np.asarray(k, dtype=np.int64).copy()
    res = np.zeros(len(lo), dtype=np.int64)
    for b in range(max(1, int(len(values) - 1).bit_length()) - 1, -1, -1):
        is_one = ((cur >> b) & 1).astype(bool)
        zeros = np.empty(len(cur) + 1, dtype=np.int64)
        zeros[0] = 0
        np.cumsum(~is_one, out=zeros[1:])
        n_zero = zeros[-1]
        zl, zr = zeros[left], zeros[right]
        nz = zr - zl
        one = k >= nz                                         # the answer has this bit set
        k = np.where(one, k - nz, k)
        left = np.where(one, n_zero + (left - zl), zl)
        right = np.where(one, n_zero + (right - zr), zr)
        res |= one.astype(np.int64) << b
        cur = np.concatenate((cur[~is_one], cur[is_one]))
    return values[order[res]]


def range_median(values: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """np.median(values[lo:hi]) for many ranges at once (NaN for an empty range); values must not contain NaN."""
    lo = np.asarray(lo, dtype=np.int64)
    hi = np.asarray(hi, dtype=np.int64)
    n = hi - lo
    out = np.full(len(lo), np.nan)
    ok = n > 0
    if not ok.any():
        return out
    lo_, hi_, n_ = lo[ok], hi[ok], n[ok]
    # one batch for both middle elements: (n-1)//2 and n//2 (the same element when n is odd)
    kth = range_kth(values, np.concatenate((lo_, lo_)), np.concatenate((hi_, hi_)),
                    np.concatenate(((n_ - 1) // 2, n_ // 2)))
    a, b = kth[: len(lo_)], kth[len(lo_):]
    out[ok] = (a + b) / 2                                     # what np.median computes (mean of the middle two)
    return out


def group_searchsorted(group: np.ndarray, times: np.ndarray, q_group: np.ndarray, q_times: np.ndarray,
                       side: str = "left") -> np.ndarray:
    """For each query: np.searchsorted within its group. `group`/`times` are int64 and sorted by (group, times);
    the answer is a global position (the group's start + the position inside the group).

    The times are replaced by their dense rank among all times involved, so (group, rank) packs into one int64 key and
    a single global searchsorted does every group at once."""
    uniq = np.unique(np.concatenate((times, q_times)))
    m = np.int64(len(uniq) + 1)
    key = group.astype(np.int64) * m + np.searchsorted(uniq, times)
    q_key = q_group.astype(np.int64) * m + np.searchsorted(uniq, q_times)
    return np.searchsorted(key, q_key, side=side)


__all__ = ["range_kth", "range_median", "group_searchsorted"]
