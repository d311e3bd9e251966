"""Issue 9: reruns are idempotent and raw is read-only (in-process, on the demo team)."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd
import pytest

from mediakpi.paths import Workspace

pytestmark = pytest.mark.slow  # left out by `make test-fast` (tiers: tests/conftest.py)

MONTH = "2026-10"


def _hashes(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _stages(ws: Workspace, period: str) -> None:
    from mediakpi.stages import run_stage

    for stage in ("01_ingest", "02_clean", "03_score", "04_content"):
        run_stage(stage, ws, period)


def _tables(folder: Path) -> dict[str, pd.DataFrame]:
    return {p.name: pd.read_parquet(p) for p in sorted(folder.glob("*.parquet"))}


@pytest.fixture(scope="module")
def demo_ws(tmp_path_factory):
    from mediakpi.demo import write_demo

    root = tmp_path_factory.mktemp("rerun")
    ws = Workspace.of(root / "data", root / "reports")
    write_demo(ws.raw_root)
    return ws


def test_same_inputs_same_tables_and_raw_untouched(demo_ws):
    ws = demo_ws
    raw_before = _hashes(ws.raw_root)
    _stages(ws, MONTH)
    first = _tables(ws.processed(MONTH))
    manifest_first = json.loads((ws.processed(MONTH) / "ingest_manifest.json").read_text(encoding="utf-8"))
    _stages(ws, MONTH)
    second = _tables(ws.processed(MONTH))
    assert first.keys() == second.keys() and len(first) >= 15
    for name in first:
        pd.testing.assert_frame_equal(first[name], second[name], obj=name)
    manifest_second = json.loads((ws.processed(MONTH) / "ingest_manifest.json").read_text(encoding="utf-8"))
    strip = lambda m: json.dumps(m, sort_keys=True, ensure_ascii=False)
    assert strip(manifest_first) == strip(manifest_second)
    assert _hashes(ws.raw_root) == raw_before, "a run must never modify data/raw"
