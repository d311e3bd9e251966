"""The speed-ups must not change results: tables of one layout are parsed together (one pass per layout instead of one
per file), and large months are read by worker processes. On the demo month, both must give exactly what parsing
each table alone and reading in one process give."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from mediakpi.demo import write_demo
from mediakpi.ingest import build, ingest_period
from mediakpi.ingest.layouts import load_registry
from mediakpi.paths import Workspace

MONTH = "2026-10"


@pytest.fixture(scope="module")
def demo_ws(tmp_path_factory) -> Workspace:
    root = tmp_path_factory.mktemp("demo")
    write_demo(root / "raw", end_month=MONTH, months=1)
    return Workspace.of(root, root / "reports")


def _jobs(ws: Workspace) -> list[tuple]:
    jobs = []
    for i, (p, month, rel) in enumerate(build._walk(ws, [MONTH])):
        parts = rel.split("/")
        jobs.append((i, p, rel, month, parts[1] if len(parts) > 2 else None))
    return jobs


def test_batched_parse_equals_parsing_each_table_alone(demo_ws):
    registry = load_registry()
    pending: dict[tuple, list] = {}
    seq = 0
    for job in _jobs(demo_ws):
        rec, tables = build._read_job(job, registry)
        for t in tables:
            seq += 1
            if t.candidate.kind != "platform" or registry.layout(t.candidate.id).spec.target == "ignore":
                continue
            key = (t.candidate.id, tuple((c, t.headers[pos], unit) for c, (pos, unit) in t.columns.items()))
            pending.setdefault(key, []).append(build._Pending(rec, t, seq))
    assert any(len(items) > 1 for items in pending.values()), "the demo month should have layouts with several files"
    for items in pending.values():
        alone, alone_reasons = [], []
        for it in items:
            df, reasons, _, _ = build.parse_platform_table(it.table, registry)
            alone.append(df.reset_index(drop=True))
            alone_reasons.append(reasons.reset_index(drop=True))
        expected = pd.concat(alone, ignore_index=True)
        parse_bad = pd.concat(alone_reasons, ignore_index=True).notna()
        kept, bad, _, _ = build._parse_batch(items, registry)
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
    assert len(build._chunks(_jobs(demo_ws), 7)) == 7
    pd.testing.assert_frame_equal(one.posts, two.posts)
    pd.testing.assert_frame_equal(one.account_daily, two.account_daily)
    pd.testing.assert_frame_equal(one.quarantine, two.quarantine)
    pd.testing.assert_frame_equal(one.manifest, two.manifest)
    for name in one.team:
        pd.testing.assert_frame_equal(one.team[name], two.team[name])
    assert one.messages == two.messages
