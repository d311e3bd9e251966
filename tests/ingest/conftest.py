from __future__ import annotations

from pathlib import Path

import pytest

from mediakpi.ingest import ingest_period
from mediakpi.paths import Workspace

from .builders import ROSTER, write_csv


@pytest.fixture
def month(tmp_path: Path) -> Path:
    return tmp_path / "raw" / "2026-10"


@pytest.fixture
def run(tmp_path: Path):
    def _run(period: str = "2026-10", write: bool = False):
        return ingest_period(Workspace.of(tmp_path, tmp_path / "reports"), period, write=write)
    return _run


def roster(month: Path, rows: list[list[str]], name: str = "花名册.csv") -> Path:
    full = [r + [""] * (7 - len(r)) for r in rows]
    return write_csv(month / name, ROSTER + full)


def entry(result, name: str) -> dict:
    m = result.manifest
    hit = m[m["path"].str.endswith(name)]
    assert len(hit) == 1, (name, m["path"].tolist())
    return hit.iloc[0].to_dict()


def reconciles(result) -> None:
    m = result.manifest
    assert (m["rows_read"] == m["rows_kept"] + m["rows_quarantined"] + m["duplicates_merged"]).all(), m.to_string()
