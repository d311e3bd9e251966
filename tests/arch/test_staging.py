"""data/processed/<period>/ is written through a staging folder: a run killed with SIGKILL half way leaves the last
good month, the next run needs no clean-up, and a published month is always a whole one."""
from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import textwrap

import pytest

from mediakpi import catalog
from mediakpi.paths import Workspace
from mediakpi.staging import ENV_FOLDER, exchange, staged
from mediakpi.stages import backfill, backfill_stages, run_stage

pytestmark = pytest.mark.slow  # left out by `make test-fast` (tiers: tests/conftest.py)


def hashes(folder) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    """A demo team of two months, both published by backfill (staged)."""
    from mediakpi.demo import write_demo

    root = tmp_path_factory.mktemp("staging")
    ws = Workspace(root / "data", root / "reports")
    write_demo(ws.raw_root, months=2)
    last = ws.raw_months()[-1]
    backfill(ws, last, months=1, echo=lambda _: None)
    with staged(ws, last, backfill_stages()):
        for stage in backfill_stages():
            run_stage(stage, ws, last)
    return ws, last


KILL_AFTER_SECOND_STAGE = """
import os, signal
from mediakpi.paths import Workspace
from mediakpi.staging import staged
from mediakpi.stages import backfill_stages, run_stage
ws = Workspace.of({data!r}, {reports!r})
with staged(ws, {month!r}, backfill_stages()):
    run_stage("01_ingest", ws, {month!r})
    run_stage("02_clean", ws, {month!r})
    os.kill(os.getpid(), signal.SIGKILL)
"""


@pytest.mark.slow
def test_a_run_killed_half_way_leaves_the_last_good_month_and_the_next_run_succeeds(published):
    ws, month = published
    folder = ws.published(month)
    before = hashes(folder)
    assert catalog.file_name("scorecard") in before
    # this month's raw folder changes (an account's exports removed), so the new tables differ from the old ones
    account = next(p for p in sorted(ws.raw(month).iterdir()) if p.is_dir())
    shutil.rmtree(account)
    script = KILL_AFTER_SECOND_STAGE.format(data=str(ws.data_dir), reports=str(ws.reports_dir), month=month)
    proc = subprocess.run([sys.executable, "-c", textwrap.dedent(script)], capture_output=True, text=True,
                          env={**os.environ, "MPLBACKEND": "Agg"}, timeout=600)
    assert proc.returncode == -signal.SIGKILL, proc.stderr[-2000:]
    left = list(ws.processed_root.glob(".staging-*"))
    assert left, "the killed run wrote into a staging folder"
    assert hashes(folder) == before, "the published month was changed by a run that never finished"
    # the next run needs no clean-up: it removes the dead run's staging folder and publishes a whole month
    with staged(ws, month, backfill_stages()):
        for stage in backfill_stages():
            run_stage(stage, ws, month)
    assert not list(ws.processed_root.glob(".staging-*"))
    after = hashes(folder)
    assert after[catalog.file_name("posts")] != before[catalog.file_name("posts")]
    assert {catalog.file_name(n) for s in backfill_stages() for n in catalog.stage_outputs(s)
            if catalog.get(n).stage != "01_ingest" or n in ("posts", "manifest")} <= set(after)


def test_a_failing_block_publishes_nothing_and_the_stages_read_the_staging_folder(tmp_path):
    ws = Workspace(tmp_path / "data", tmp_path / "reports")
    good = ws.published("2026-10")
    good.mkdir(parents=True)
    (good / "posts.parquet").write_bytes(b"last good")
    (good / "content_posts.parquet").write_bytes(b"content of the last good run")
    with pytest.raises(RuntimeError):
        with staged(ws, "2026-10", ["01_ingest"]) as staging:
            assert ws.processed("2026-10") == staging and os.environ[ENV_FOLDER] == str(staging)
            assert ws.processed("2026-09") == ws.published("2026-09")  # earlier months: published folders
            # outputs of the stages to run start absent; the others are carried over
            assert not (staging / "posts.parquet").exists() and (staging / "content_posts.parquet").exists()
            (staging / "posts.parquet").write_bytes(b"half written")
            raise RuntimeError("stage failed")
    assert (good / "posts.parquet").read_bytes() == b"last good"
    assert ws.processed("2026-10") == good and not list(ws.processed_root.glob(".staging-*"))
    with staged(ws, "2026-10", ["01_ingest"]) as staging:
        (staging / "posts.parquet").write_bytes(b"new")
    assert (good / "posts.parquet").read_bytes() == b"new"
    assert (good / "content_posts.parquet").read_bytes() == b"content of the last good run"


def test_exchange_swaps_two_folders(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    (a / "x").write_text("new")
    (b / "x").write_text("old")
    exchange(a, b)
    assert (b / "x").read_text() == "new" and (a / "x").read_text() == "old"
