"""A small processed store in a temporary root for the lab tests: the demo team's last three months, ingested and
cleaned through the stage registry (what `mediakpi backfill` runs), never the repository's own data/."""
from __future__ import annotations

import pytest

from mediakpi.demo import write_demo
from mediakpi.paths import Workspace
from mediakpi.stages import run_stage

MONTHS = ["2026-08", "2026-09", "2026-10"]


@pytest.fixture(scope="session")
def demo_store(tmp_path_factory) -> Workspace:
    root = tmp_path_factory.mktemp("lab-store")
    ws = Workspace.of(root / "data", root / "reports")
    write_demo(ws.raw_root, end_month=MONTHS[-1], months=len(MONTHS))
    for month in MONTHS:
        for stage in ("01_ingest", "02_clean", "03_score"):
            run_stage(stage, ws, month)
    return ws
