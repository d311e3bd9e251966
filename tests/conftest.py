"""Shared test set-up.

Tiers: `make test` runs everything; `make test-fast` runs `-m "not slow"` without the notebooks (the edit loop).
Tests marked `slow` run stages on demo months, notebooks, the CLI/runner with kernels, or a browser; the modules in
SLOW_MODULES are marked here (one list); notebook items are marked, and run on a temporary project root, by the
repository-level conftest.py (a hook here would not reach notebooks/).
"""
from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# MPLBACKEND=Agg and MEDIAKPI_STRICT_CATALOG=1 (every catalog.save fails on a column the catalog does not declare)
# are set by the repository-level conftest.py, for the notebook kernels too.

# Test modules that run a stage (or the CLI, kernels, a browser) on demo months or processed fixture folders, paths
# relative to tests/. Chosen from `pytest --durations` (the rest of the suite takes well under a minute).
SLOW_MODULES = {
    "test_end_to_end.py", "test_runner.py", "test_bench.py",
    "report/test_browser.py", "report/test_report_scale.py", "report/test_report_pages.py",
    "report/test_report_excel.py",
    "demo/test_demo.py", "demo/test_scaled.py",
    "reliability/test_reruns.py", "reliability/test_bad_inputs.py", "reliability/test_bad_configs.py",
    "ingest/test_batching.py", "ingest/test_real_exports.py", "ingest/test_checklist.py",
    "ingest/test_accounts_and_tables.py",
    "clean/test_run.py", "clean/test_ownership_split.py", "clean/test_private_works.py",
    "scoring/test_month.py", "scoring/test_targets_rollup.py", "scoring/test_whatif_and_more.py",
    "content/test_content_analyse.py", "content/test_content_charts.py", "content/test_content_scale.py",
    "arch/test_staging.py",
    "lab/test_make_lab.py", "lab/test_lab_browser.py", "lab/test_stages.py", "lab/test_history.py",
    "test_ownership_properties.py", "scoring/test_properties.py",   # Hypothesis properties: ~50 s each here
    "report/test_reader.py",          # renders every page at phone width
}


def pytest_collection_modifyitems(config, items):
    tests = ROOT / "tests"
    for item in items:
        path = Path(str(getattr(item, "path", getattr(item, "fspath", ""))))
        try:
            rel = path.relative_to(tests).as_posix()
        except ValueError:
            continue
        if rel in SLOW_MODULES:
            item.add_marker(pytest.mark.slow)


