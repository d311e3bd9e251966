"""Vectorised building blocks for ingest and 02_clean at scale (a million posts): an Arrow view of a text column,
integer codes for text keys, order statistics
over many contiguous ranges at once, and sorting / searchsorted within groups (group and time packed into one int64
key). They replace per-account Python loops and string keys; results equal numpy's and pandas' (np.median,
np.searchsorted, np.lexsort, pd.factorize) exactly."""
from __future__ import annotations

import numpy as np
import pandas as pd


def text_codes(values: pd.Series) -> tuple[np.ndarray, int]:
    """(codes, n): an int64 code per value, equal codes for equal values and a missing value as a value of its own
    (pd.factorize(values, use_na_sentinel=False) up to the numbering), and the number of distinct codes. Arrow-backed
    text is encoded by Arrow directly (pandas' factorize of millions of long strings costs twice as much)."""
    arr = values.array
    arrow_text = isinstance(values.dtype, pd.StringDtype) and values.dtype.storage == "pyarrow"
    if arrow_text and hasattr(arr, "__arrow_array__"):
        import pyarrow as pa

        chunked = pa.chunked_array(arr.__arrow_array__())
        if len(chunked):
            enc = chunked.combine_chunks().dictionary_encode(null_encoding="encode")
            return enc.indices.to_numpy(zero_copy_only=False).astype(np.int64), len(enc.dictionary)
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    return codes.astype(np.int64, copy=False), len(uniques)


def arrow_text(values: pd.Series):
    """The cells of an object column as one Arrow string array (missing values null), so masks and casts over it
    run in C without a Python object per cell; None when a cell is not text (the caller then takes pandas' path)."""
    import pyarrow as pa

    try:
        return pa.array(values.to_numpy(dtype=object), type=pa.string(), from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return None


def arrow_mask(mask, index: pd.Index) -> pd.Series:
    """An Arrow boolean array (null as False) as a bool Series on `index`."""
    import pyarrow.compute as pc

    return pd.Series(pc.fill_null(mask, False).to_numpy(zero_copy_only=False), index=index, dtype=bool)


def take_text(values: pd.Series, positions: np.ndarray) -> pd.api.extensions.ExtensionArray:
    """values.iloc[positions] as a "string" array, missing where a position is negative: what building an object array
    of the taken texts and converting it to "string" gives, taken by Arrow without a Python string per value."""
    positions = np.asarray(positions, dtype=np.int64)
    arr = values.array
    if isinstance(values.dtype, pd.StringDtype) and values.dtype.storage == "pyarrow" and hasattr(arr, "__arrow_array__"):
        import pyarrow as pa

        source = pa.chunked_array(arr.__arrow_array__())
        taken = source.take(pa.array(np.where(positions < 0, 0, positions), mask=positions < 0)) if len(source) \
            else pa.nulls(len(positions), source.type)
        return pd.array(taken, dtype="string") if len(positions) else pd.array([], dtype="string")
    out = np.full(len(positions), None, dtype=object)
    ok = positions >= 0
    out[ok] = values.take(positions[ok]).to_numpy(dtype=object, na_value=None)
    return pd.array(out, dtype="string")


def dense_rank(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(rank, distinct): rank[i] is the position of values[i] in the sorted distinct values `distinct` (equal values
    share a rank), so distinct[rank] == values. Values must not contain NaN. Hashes the values first and sorts only
    the distinct ones (metrics repeat a lot; a full argsort of millions of values is several times slower)."""
    codes, uniques = pd.factorize(np.asarray(values))
    order = np.argsort(uniques, kind="stable")
    where = np.empty(len(uniques), dtype=np.int64)
    where[order] = np.arange(len(uniques), dtype=np.int64)
    return where[codes], np.asarray(uniques)[order]


def range_kth(values: np.ndarray, lo: np.ndarray, hi: np.ndarray, k: np.ndarray) -> np.ndarray:
    """The k-th smallest (0-based) of values[lo:hi] for many ranges at once; requires 0 <= k < hi - lo.

    A wavelet matrix over the values' dense ranks (equal values share a rank, so there are only as many bit levels as
    the number of distinct values needs), walked by all queries together: one stable partition per bit, so the cost
    is O((n + q) · log distinct) numpy work instead of one np.median call per query."""
    values = np.asarray(values, dtype="float64")
    lo = np.asarray(lo, dtype=np.int64)
    out = np.full(len(lo), np.nan)
    if len(lo) == 0 or len(values) == 0:
        return out
    rank, distinct = dense_rank(values)
    n = len(values)
    it = np.int32 if n < 2**31 - 1 else np.int64                # half the memory traffic when it fits
    cur = rank.astype(it)
    del rank
    left = lo.astype(it)
    right = np.asarray(hi, dtype=np.int64).astype(it)
    k = np.asarray(k, dtype=np.int64).astype(it)
    res = np.zeros(len(lo), dtype=it)
    zeros = np.empty(n + 1, dtype=it)
    zeros[0] = 0
    for b in range(max(1, int(len(distinct) - 1).bit_length()) - 1, -1, -1):
        bit = (cur >> b) & 1
        np.cumsum(1 - bit, out=zeros[1:])                      # zeros among the first i values at this level
        n_zero = zeros[-1]
        zl, zr = zeros[left], zeros[right]
        nz = zr - zl
        one = k >= nz                                         # the answer has this bit set
        k -= np.where(one, nz, 0).astype(it, copy=False)
        left = np.where(one, n_zero + (left - zl), zl).astype(it, copy=False)
        right = np.where(one, n_zero + (right - zr), zr).astype(it, copy=False)
        res |= one.astype(it) << b
        is_one = bit.astype(bool)
        cur = np.concatenate((cur[~is_one], cur[is_one]))     # stable partition by the bit
    return distinct[res]


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
    # one batch: the lower middle element of every range, the upper one only where the count is even
    even = np.flatnonzero(n_ % 2 == 0)
    kth = range_kth(values, np.concatenate((lo_, lo_[even])), np.concatenate((hi_, hi_[even])),
                    np.concatenate(((n_ - 1) // 2, n_[even] // 2)))
    a = kth[: len(lo_)]
    b = a.copy()
    b[even] = kth[len(lo_):]
    out[ok] = (a + b) / 2                                     # what np.median computes (mean of the middle two)
    return out


def _packed_keys(*pairs: tuple[np.ndarray, np.ndarray]) -> list[np.ndarray] | None:
    """Each (group, time) array pair as one int64 key per element, ordered as the (group, time) tuples are, on one
    scale for all pairs: group · span + (time − tmin) / unit, with unit the greatest common divisor of all time offsets
    (a second for whole-second timestamps). None when that does not fit in int64 or a group is negative."""
    groups = [np.asarray(g, dtype=np.int64) for g, _ in pairs]
    ts = [np.asarray(t, dtype=np.int64) for _, t in pairs]
    if not any(len(t) for t in ts):
        return [g.copy() for g in groups]
    if min(int(g.min()) for g in groups if len(g)) < 0:
        return None
    g_max = max(int(g.max()) for g in groups if len(g))
    t_min = min(int(t.min()) for t in ts if len(t))
    t_max = max(int(t.max()) for t in ts if len(t))
    if t_max - t_min >= 2**62:
        return None
    unit = 0
    for t in ts:
        if len(t):
            unit = int(np.gcd(np.gcd.reduce(t - t_min), unit))
    unit = max(unit, 1)
    span = (t_max - t_min) // unit + 1
    if (g_max + 1) * span >= 2**62:
        return None
    span, unit, t_min = np.int64(span), np.int64(unit), np.int64(t_min)
    return [g * span + (t - t_min) // unit for g, t in zip(groups, ts)]


def group_order(group: np.ndarray, times: np.ndarray) -> np.ndarray:
    """np.lexsort((times, group)) (int64 arrays): the same permutation, from one stable sort of packed keys when the
    values allow it (a lexsort of millions of rows is several times slower)."""
    packed = _packed_keys((group, times))
    if packed is None:
        return np.lexsort((np.asarray(times), np.asarray(group)))
    return np.argsort(packed[0], kind="stable")


def group_searchsorted(group: np.ndarray, times: np.ndarray, q_group: np.ndarray, q_times: np.ndarray,
                       side: str = "left") -> np.ndarray:
    """For each query: np.searchsorted within its group. `group`/`times` are int64 and sorted by (group, times);
    groups are small non-negative codes (e.g. from ngroup / factorize); the answer is a global position (the group's
    start + the position inside the group).

    (group, time) packs into one int64 key (see _packed_keys; else the times are replaced by their dense rank among
    all times involved), so a single global searchsorted does every group at once; the queries are looked up in
    sorted order (random lookups into millions of keys are several times slower)."""
    packed = _packed_keys((group, times), (q_group, q_times))
    if packed is not None:
        key, q_key = packed
    else:
        uniq = np.unique(np.concatenate((times, q_times)))
        m = np.int64(len(uniq) + 1)
        key = np.asarray(group, dtype=np.int64) * m + np.searchsorted(uniq, times)
        q_key = np.asarray(q_group, dtype=np.int64) * m + np.searchsorted(uniq, q_times)
    if len(q_key) > 1024 and (q_key[1:] < q_key[:-1]).any():
        order = np.argsort(q_key, kind="stable")
        out = np.empty(len(q_key), dtype=np.int64)
        out[order] = np.searchsorted(key, q_key[order], side=side)
        return out
    return np.searchsorted(key, q_key, side=side).astype(np.int64, copy=False)


__all__ = ["arrow_text", "arrow_mask", "text_codes", "take_text", "dense_rank", "range_kth", "range_median", "group_order", "group_searchsorted"]
