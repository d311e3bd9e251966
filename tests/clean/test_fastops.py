"""The vectorised helpers give exactly what the obvious per-group / per-row forms give."""
import numpy as np
import pandas as pd

from mediakpi.clean.calendar import _candidates, _title_tier, _title_tiers, normalise_title, normalise_titles
from mediakpi.clean.fastops import group_searchsorted, range_kth, range_median
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
    qg, qt = rng.integers(0, 6, 200), rng.integers(-5, 105, 200)
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


def test_title_tiers_equals_title_tier():
    a = pd.Series(["abcdefghij", "abcdefgh", "abc", "", "abcdefghxy", "same", "abcdefghij"])
    b = pd.Series(["abcdefghij", "abcdefghijkl", "abcdef", "x", "abcdefghzz", "same", "abcdefgh"])
    expected = [np.nan if (t := _title_tier(x, y, 8)) is None else t for x, y in zip(a, b)]
    assert np.array_equal(_title_tiers(a, b, 8), expected, equal_nan=True)


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


def test_candidates_is_the_windowed_merge():
    ts = lambda s: pd.Timestamp(s, tz="Asia/Shanghai")  # noqa: E731
    cal = pd.DataFrame({"item_id": ["i1", "i2", "i3"], "platform": ["douyin", "wechat", "douyin"],
                        "account": ["A", "W", "A"],
                        "planned_at": [ts("2026-10-05 10:00"), ts("2026-10-06 23:00"), pd.NaT], "_t": ["x", "y", "z"]})
    po = pd.DataFrame({"platform": ["douyin", "douyin", "wechat", "douyin", "wechat"], "account": ["A", "A", "W", "A", "W"],
                       "post_id": ["p1", "p2", "p3", "p4", "p5"], "title": list("abcde"),
                       "published_at": [ts("2026-10-09 09:00"), ts("2026-10-03 11:00"), ts("2026-10-06 00:00"),
                                        ts("2026-10-20 10:00"), pd.NaT],
                       "_pidx": range(5), "_t": list("abcde"), "_date_only": [False, False, True, False, False]})
    got = _candidates(cal, po, 72)
    full = cal.merge(po, on=["platform", "account"], how="inner", suffixes=("_cal", "_post"))
    near = (full["published_at"] - full["planned_at"]).abs() <= pd.Timedelta(hours=72)
    same_day = full["published_at"].dt.normalize() == full["planned_at"].dt.normalize()
    want = full[(near | same_day).fillna(False)].reset_index(drop=True)
    pd.testing.assert_frame_equal(got[want.columns][got["post_id"].isin(want["post_id"])].reset_index(drop=True), want)
    assert set(got["post_id"]) >= set(want["post_id"]) and "p4" not in set(got["post_id"])
