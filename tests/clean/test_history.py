"""history.posts_before: one row per post, the newest snapshot winning, exactly as sort_values + drop_duplicates."""
import numpy as np
import pandas as pd

from mediakpi.history import posts_before, row_keys

TZ = "Asia/Shanghai"


def _frame(rng, n, start):
    snap = pd.Series(pd.Timestamp(start, tz=TZ) + pd.to_timedelta(rng.integers(0, 3, n) * 30, unit="D"))
    snap[rng.random(n) < 0.1] = pd.NaT                            # ties and missing snapshots
    return pd.DataFrame({
        "platform": pd.array(rng.choice(["douyin", "wechat", None], n), dtype="string"),
        "account": pd.array(rng.choice(["A", "B", None], n, p=[.45, .45, .1]), dtype="string"),
        "post_id": pd.array(rng.choice([f"p{i}" for i in range(25)] + [None], n), dtype="string"),
        "published_at": pd.Series(pd.Timestamp(start, tz=TZ) + pd.to_timedelta(rng.integers(0, 40 * 24, n), unit="h")),
        "snapshot_at": snap,
        "views": pd.array(rng.integers(0, 100, n), dtype="Int64"),
        "title": pd.array(rng.choice(["t1", "t2"], n), dtype="string"),
    })


def test_posts_before_equals_sort_and_drop_duplicates(ws):
    rng = np.random.default_rng(3)
    months = {"2026-07": "2026-07-01", "2026-08": "2026-08-01", "2026-09": "2026-09-01"}
    earlier = []
    for month, start in months.items():
        frame = _frame(rng, 80, start)
        ws.processed(month).mkdir(parents=True, exist_ok=True)
        frame.to_parquet(ws.processed(month) / "posts.parquet")
        earlier.append(frame)
    current = _frame(rng, 80, "2026-09-15")
    start = pd.Timestamp("2026-10-01", tz=TZ)
    hist = pd.concat([current[current["published_at"] < start], *earlier], ignore_index=True)
    expected = hist.sort_values("snapshot_at", na_position="first").drop_duplicates(
        ["platform", "account", "post_id"], keep="last").reset_index(drop=True)
    got = posts_before(ws, "2026-10", current, months=3)
    pd.testing.assert_frame_equal(got, expected, check_exact=True)
    # with `columns`: only those (and the keys and times) are read and kept, the rows are the same
    few = posts_before(ws, "2026-10", current, months=3, columns=["views"])
    assert list(few.columns) == ["platform", "account", "post_id", "published_at", "snapshot_at", "views"]
    pd.testing.assert_frame_equal(few, expected[list(few.columns)], check_exact=True)


def test_row_keys_group_like_duplicated():
    frame = pd.DataFrame({"a": pd.array(["x", None, "x", None, "y"], dtype="string"),
                          "b": pd.array(["1", "2", "1", "2", None], dtype="string")})
    key = row_keys(frame, ["a", "b"])
    assert pd.Series(key).duplicated().tolist() == frame.duplicated().tolist()
