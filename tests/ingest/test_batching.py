"""The speed-ups must not change results: tables of one layout are parsed together (one pass per layout instead of one
per file), and large months are read by worker processes. On the demo month, both must give exactly what parsing
each table alone and reading in one process give."""

from __future__ import annotations


import numpy as np
import pandas as pd
import pytest

from mediakpi.demo import write_demo
from mediakpi.ingest import batch, dedup, files, ingest_period
from mediakpi.ingest.layouts import load_registry
from mediakpi.paths import Workspace

pytestmark = pytest.mark.slow  # left out by `make test-fast` (tiers: tests/conftest.py)

MONTH = "2026-10"


@pytest.fixture(scope="module")
def demo_ws(tmp_path_factory) -> Workspace:
    root = tmp_path_factory.mktemp("demo")
    write_demo(root / "raw", end_month=MONTH, months=1)
    return Workspace.of(root, root / "reports")


def _jobs(ws: Workspace) -> list[tuple]:
    jobs = []
    for i, (p, month, rel) in enumerate(files.walk(ws, [MONTH])):
        parts = rel.split("/")
        jobs.append((i, p, rel, month, parts[1] if len(parts) > 2 else None))
    return jobs


def test_batched_parse_equals_parsing_each_table_alone(demo_ws):
    registry = load_registry()
    pending: dict[tuple, list] = {}
    seq = 0
    for job in _jobs(demo_ws):
        rec, tables = files.read_job(job, registry)
        for t in tables:
            seq += 1
            if t.candidate.kind != "platform" or registry.layout(t.candidate.id).spec.target == "ignore":
                continue
            key = (t.candidate.id, tuple((c, t.headers[pos], unit) for c, (pos, unit) in t.columns.items()))
            pending.setdefault(key, []).append(batch.Pending(rec, t, seq))
    assert any(len(items) > 1 for items in pending.values()), "the demo month should have layouts with several files"
    for items in pending.values():
        alone, alone_reasons = [], []
        for it in items:
            df, reasons, _, _, _ = batch.parse_platform_table(it.table, registry)
            alone.append(df.reset_index(drop=True))
            alone_reasons.append(reasons.reset_index(drop=True))
        expected = pd.concat(alone, ignore_index=True)
        parse_bad = pd.concat(alone_reasons, ignore_index=True).notna()
        kept, bad, _, _ = batch.parse_batch(items, registry)
        assert len(kept) + len(bad) == len(expected)
        # every row that failed to parse on its own is set aside in the batch too, with the same reason first
        assert set(parse_bad[parse_bad].index) <= set(bad.index)
        solo = pd.concat(alone_reasons, ignore_index=True)
        for i in parse_bad[parse_bad].index:
            assert bad.loc[i].startswith(solo.loc[i])
        cols = list(expected.columns)
        for c in ("platform", "layout"):  # the build casts these to the nullable string dtype, as it always did
            expected[c] = expected[c].astype("string")
        pd.testing.assert_frame_equal(kept[cols], expected.loc[kept.index, cols])
        # the rows keep their file and sheet row
        rows = pd.concat([pd.Series(it.table.data.index + 1) for it in items], ignore_index=True)
        assert kept["source_row"].tolist() == rows.loc[kept.index].tolist()


@pytest.mark.parametrize("workers, chunks", [(2, None), (1, 7)])
def test_parallel_or_chunked_work_gives_the_same_result(demo_ws, workers, chunks):
    """Workers and the cut of the files into chunks (each chunk parsed in its own batches) change nothing."""
    one = ingest_period(demo_ws, MONTH, write=False, workers=1)
    two = ingest_period(demo_ws, MONTH, write=False, workers=workers, chunks=chunks)
    assert len(one.posts) > 100
    assert len(files.cut_runs(_jobs(demo_ws), 7)) == 7
    pd.testing.assert_frame_equal(one.posts, two.posts)
    pd.testing.assert_frame_equal(one.account_daily, two.account_daily)
    pd.testing.assert_frame_equal(one.quarantine, two.quarantine)
    pd.testing.assert_frame_equal(one.manifest, two.manifest)
    for name in one.team:
        pd.testing.assert_frame_equal(one.team[name], two.team[name])
    assert one.messages == two.messages


def test_ids_from_distinct_titles_equal_the_per_row_formula():
    """stable_id / title_day_key normalise each distinct title once; the ids must be what the per-row formula gives
    (ids of earlier processed months must keep matching)."""
    from mediakpi.ingest.parse import stable_id, title_day_key

    titles = pd.Series(
        ["Ａ　标题\u2028一", "a b", None, "İstanbul Σ", "a b", "x\x1cy_z—w", "", "Ａ　标题\u2028一"], dtype="string"
    )
    n = len(titles)
    plat = pd.Series(["douyin"] * n, dtype="string")
    acc = pd.Series(["号"] * n, dtype="string")
    when = pd.Series(pd.to_datetime(["2026-10-01 08:00:01"] * (n - 1) + [None])).dt.tz_localize("Asia/Shanghai")

    t = titles.fillna("").str.normalize("NFKC").str.replace(r"\s+", "", regex=True).str.lower()
    w = when.dt.strftime("%Y-%m-%d %H:%M:%S").astype("string").fillna("")
    key = plat + "\x1f" + acc + "\x1f" + t + "\x1f" + w
    expected = ["h:%016x" % v for v in pd.util.hash_array(key.to_numpy(dtype=object), categorize=False).tolist()]
    assert stable_id(plat, acc, titles, when).tolist() == expected

    t2 = titles.fillna("").str.normalize("NFKC").str.replace(r"[\s\W_]+", "", regex=True).str.lower()
    day = when.dt.strftime("%Y-%m-%d").astype("string").fillna("")
    assert title_day_key(plat, acc, titles, when).tolist() == (plat + "|" + acc + "|" + t2 + "|" + day).tolist()


def test_stable_order_is_a_stable_sort_with_nulls_last():
    rng = np.random.default_rng(3)
    n = 500
    snap = pd.Series(pd.to_datetime("2026-10-01") + pd.to_timedelta(rng.integers(0, 5, n), unit="D"))
    snap[rng.random(n) < 0.1] = pd.NaT
    df = pd.DataFrame(
        {
            "_prio": rng.integers(0, 2, n),
            "snapshot_at": snap.dt.tz_localize("Asia/Shanghai"),
            "_counts": rng.integers(0, 3, n).astype(float),
            "_views": pd.array(rng.integers(-1, 3, n), "Float64"),
            "_file": rng.integers(0, 4, n),
            "account": pd.array(rng.choice(["b", "a", "号", "Ab", None], n), dtype="string"),
        }
    )
    df.loc[rng.random(n) < 0.1, "_counts"] = np.nan
    keys = ["_prio", "snapshot_at", "_counts", "_views", "_file"]
    assert (
        dedup.stable_order(df, ["account", "_file"]).tolist()
        == df.sort_values(["account", "_file"], kind="stable").index.tolist()
    )
    expected = df.sort_values(keys, kind="stable").index.to_numpy()
    assert dedup.stable_order(df, keys).tolist() == expected.tolist()
