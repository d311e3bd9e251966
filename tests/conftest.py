"""Shared test set-up.

The notebooks are run by nbval with their literal defaults (period 2026-10, data_dir "data"), exactly as an analyst
opens them in JupyterLab; so the project's data/raw must hold the demo month. If data/raw holds no month yet, the
deterministic demo team is written there first (what `make demo` does). If it holds other data without the demo
month, the notebook items are skipped with the reason.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DEMO_MONTH = "2026-10"

os.environ.setdefault("MPLBACKEND", "Agg")
# every catalog.save in the suite (notebook kernels inherit it) fails on a column the catalog does not declare
os.environ.setdefault("MEDIAKPI_STRICT_CATALOG", "1")


def _notebook_items(items):
    return [i for i in items if str(getattr(i, "path", getattr(i, "fspath", ""))).endswith(".ipynb")]


def pytest_collection_modifyitems(config, items):
    nb_items = _notebook_items(items)
    if not nb_items:
        return
    from mediakpi.paths import Workspace

    ws = Workspace.of(ROOT / "data", ROOT / "reports")
    if not ws.raw_months():
        from mediakpi.demo import write_demo

        write_demo(ws.raw_root)
    if not ws.raw(DEMO_MONTH).is_dir():
        skip = pytest.mark.skip(reason=f"data/raw holds other months but not the demo month {DEMO_MONTH}: "
                                       "the notebooks' defaults need it (run `mediakpi demo --force` in a scratch copy)")
        for item in nb_items:
            item.add_marker(skip)
