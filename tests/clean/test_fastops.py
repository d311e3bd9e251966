"""The vectorised helpers give exactly what the obvious per-group / per-row forms give."""
import numpy as np
import pandas as pd

from mediakpi.clean.calendar import normalise_title, normalise_titles
from mediakpi.fastops import group_searchsorted, range_kth, range_median
from mediakpi.clean.plausibility import modified_z, modified_z_by


def test_range_median_and_kth_match_numpy():
    rng = np.random.default_rng(1)
    v = rng.integers(0, 40, size=2000).astype(float) + rng.random(2000).round(1)
    lo = rng.integers(0, 2000, 400)
    hi = np.minimum(lo + rng.integers(0, 250, 400), 2000)
    expected = np.array([np.median(v[a:b]) if b > a else np.nan for a, b in zip(lo, hi)])
    assert np.array_equal(range_median(v, lo, hi), expected, equal_nan=True)
    ok = hi > lo
    k = (hi[ok] - lo[ok]) // 3
    assert np.array_equal(range_kth(v, lo[ok], hi[ok], k), [np.sort(v[a:b])[j] for a, b, j in zip(lo[ok], hi[ok], k)])


def test_group_searchsorted_matches_per_group():
    rng = np.random.default_rng(2)
    g = np.sort(rng.integers(0, 5, 300))
    t = np.concatenate([np.sort(rng.integers(0, 100, (g == i).sum())) for i in range(5)])
    _assert_group_searchsorted(g, t, rng.integers(0, 6, 200), rng.integers(-5, 105, 200))


def _assert_group_searchsorted(g, t, qg, qt):
    """group_searchsorted equals np.searchsorted inside each query's group, on both sides."""
    for side in ("left", "right"):
        got = group_searchsorted(g, t, qg, qt, side=side)
        start = np.searchsorted(g, qg, side="left")
        ref = [s + np.searchsorted(t[g == q], x, side=side) for s, q, x in zip(start, qg, qt)]
        assert np.array_equal(got, ref)


def test_normalise_titles_equals_normalise_title():
    titles = pd.Series([" 【双11】攻略！Ｈｅｌｌｏ 🎉\n", None, "ﬁ Straße", "\u0301abc", "e", "ΣΑΣ ς", 5, float("nan"),
                        "a]b^c-d\\e", "", "标题 一"], dtype=object)
    assert normalise_titles(titles).tolist() == [normalise_title(t) for t in titles]
    # the separator used internally appearing in the data takes the one-by-one path
    odd = pd.Series(["x\ue000y", "A b"], dtype=object)
    assert normalise_titles(odd).tolist() == [normalise_title(t) for t in odd]


def test_modified_z_by_equals_per_group_loop():
    rng = np.random.default_rng(3)
    vals = pd.Series(rng.normal(size=60))
    vals[40:50] = 1.0          # a group with zero MAD: mean absolute deviation rule
    vals[45] = 3.0
    vals[5] = np.nan
    grp = pd.Series(["a"] * 20 + ["b"] * 20 + ["c"] * 10 + ["d"] * 10)
    got = modified_z_by(vals, [grp], min_n=8)
    ref = pd.Series(np.nan, index=vals.index)
    for _, idx in vals.groupby(grp).groups.items():
        if vals[idx].notna().sum() >= 8:
            ref[idx] = modified_z(vals[idx])
    pd.testing.assert_series_equal(got, ref, check_exact=True, check_names=False)


def test_range_median_with_ties_and_negatives_matches_numpy():
    rng = np.random.default_rng(4)
    v = rng.integers(-20, 20, size=5000).astype(float)          # many ties, negative values
    lo = rng.integers(0, 5000, 1500)
    hi = np.minimum(lo + rng.integers(0, 600, 1500), 5000)
    expected = np.array([np.median(v[a:b]) if b > a else np.nan for a, b in zip(lo, hi)])
    assert np.array_equal(range_median(v, lo, hi), expected, equal_nan=True)
    assert np.array_equal(range_median(np.array([7.0]), [0, 0], [1, 0]), [7.0, np.nan], equal_nan=True)
    assert len(range_median(np.zeros(0), [], [])) == 0


def test_dense_rank_and_text_codes():
    from mediakpi.fastops import dense_rank, text_codes

    v = np.array([3.0, 1.0, 2.0, 3.0, 1e300, -5.0])
    rank, distinct = dense_rank(v)
    assert distinct.tolist() == [-5.0, 1.0, 2.0, 3.0, 1e300] and np.array_equal(distinct[rank], v)
    for s in (pd.Series(["a", None, "b", "a", None], dtype="string"), pd.Series(["a", None, "a"], dtype=object),
              pd.Series([], dtype="string"),
              pd.concat([pd.Series(["x", "y"], dtype="string"), pd.Series(["y", None], dtype="string")],
                        ignore_index=True)):
        codes, n = text_codes(s)
        ref, uniques = pd.factorize(s, use_na_sentinel=False)
        assert n == len(uniques) and len(set(zip(codes.tolist(), ref.tolist()))) == n   # the same partition


def test_group_order_and_searchsorted_any_time_resolution():
    """Whole-second times pack into one int64 key; nanosecond times over a long span take the fallback (dense time
    ranks); both give what lexsort / a per-group searchsorted give."""
    from mediakpi.fastops import _packed_keys, group_order

    rng = np.random.default_rng(5)
    for scale, extra, packs in ((1_000_000_000, 0, True), (1, 10**18, False), (1, 0, True)):
        g = rng.integers(0, 6, 3000)
        t = rng.integers(0, 500, 3000) * scale + rng.integers(0, 2, 3000) * extra
        assert (_packed_keys((g, t)) is not None) == packs
        order = group_order(g, t)
        assert np.array_equal(order, np.lexsort((t, g)))
        gs, ts_ = g[order], t[order]
        qg = rng.integers(0, 7, 2500)
        qt = rng.integers(-10, 510, 2500) * scale + rng.integers(0, 2, 2500) * extra
        _assert_group_searchsorted(gs, ts_, qg, qt)


def test_normalise_titles_repeated_and_mixed_values():
    titles = pd.Series(["每日早报", " 每日早报！", 1, 1.0, "1", True, None, "每日早报"] * 3, dtype=object)
    assert normalise_titles(titles).tolist() == [normalise_title(t) for t in titles]
    text = pd.Series(["Ａ b", None, "Ａ b", "c"], dtype="string")
    assert normalise_titles(text).tolist() == ["ab", "", "ab", "c"]


def _take_text_plain(values: pd.Series, positions: np.ndarray) -> pd.api.extensions.ExtensionArray:
    """What match_calendar did before take_text: an object array of the taken texts, converted to "string"."""
    out = np.full(len(positions), None, dtype=object)
    ok = positions >= 0
    out[ok] = values.take(positions[ok]).to_numpy(dtype=object, na_value=None)
    return pd.array(out, dtype="string")


def test_take_text_equals_the_object_array_route():
    from hypothesis import given, settings, strategies as st

    from mediakpi.fastops import take_text

    texts = st.lists(st.one_of(st.none(), st.text(max_size=6)), max_size=30)

    @settings(max_examples=200, deadline=None)
    @given(texts, st.data(), st.sampled_from(["string", "str", object]))
    def check(values, data, dtype):
        series = pd.Series(values, dtype=dtype)
        positions = np.asarray(data.draw(st.lists(st.integers(-1, len(values) - 1), max_size=40)), dtype=np.int64)
        got = take_text(series, positions)
        assert str(got.dtype) == "string"
        pd.testing.assert_extension_array_equal(got, _take_text_plain(series, positions))

    check()
