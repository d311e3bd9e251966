"""Shared test set-up.

Tiers: `make test` runs everything; `make test-fast` runs `-m "not slow"` without the notebooks (the edit loop).
Tests marked `slow` run stages on demo months, notebooks, the CLI/runner with kernels, or a browser; the modules in
SLOW_MODULES are marked here (one list), notebook items always.

The notebooks are run by nbval with their literal defaults (period 2026-10, data_dir "data"), exactly as an analyst
opens them in JupyterLab, but against a temporary project root (MEDIAKPI_ROOT, set only while a notebook item runs,
so the kernel inherits it): the demo team is written there once per session; the repository's own data/ and
reports/ are never touched by the tests.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DEMO_MONTH = "2026-10"

os.environ.setdefault("MPLBACKEND", "Agg")
# every catalog.save in the suite (notebook kernels inherit it) fails on a column the catalog does not declare
os.environ.setdefault("MEDIAKPI_STRICT_CATALOG", "1")

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
    "test_ownership_properties.py",   # Hypothesis properties: ~50 s here
}
_NOTEBOOK_ROOT: Path | None = None
_SAVED_ROOT = os.environ.get("MEDIAKPI_ROOT")


def _is_notebook(item) -> bool:
    return str(getattr(item, "path", getattr(item, "fspath", ""))).endswith(".ipynb")


def _notebook_root() -> Path:
    """A throw-away project root for nbval: config/ and notebooks/ linked from the repository, the demo team in
    data/raw."""
    global _NOTEBOOK_ROOT
    if _NOTEBOOK_ROOT is None:
        from mediakpi.demo import write_demo

        root = Path(tempfile.mkdtemp(prefix="mediakpi-nbval-"))
        for name in ("config", "notebooks", "pyproject.toml"):
            (root / name).symlink_to(ROOT / name, target_is_directory=(ROOT / name).is_dir())
        write_demo(root / "data" / "raw")
        _NOTEBOOK_ROOT = root
    return _NOTEBOOK_ROOT


def pytest_collection_modifyitems(config, items):
    tests = ROOT / "tests"
    for item in items:
        path = Path(str(getattr(item, "path", getattr(item, "fspath", ""))))
        if _is_notebook(item):
            item.add_marker(pytest.mark.slow)
            continue
        try:
            rel = path.relative_to(tests).as_posix()
        except ValueError:
            continue
        if rel in SLOW_MODULES:
            item.add_marker(pytest.mark.slow)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    if _is_notebook(item):   # before nbval starts the notebook's kernel: the kernel inherits the temporary root
        os.environ["MEDIAKPI_ROOT"] = str(_notebook_root())


@pytest.hookimpl(trylast=True)
def pytest_runtest_teardown(item, nextitem):
    if _is_notebook(item):
        if _SAVED_ROOT is None:
            os.environ.pop("MEDIAKPI_ROOT", None)
        else:
            os.environ["MEDIAKPI_ROOT"] = _SAVED_ROOT


def pytest_unconfigure(config):
    if _NOTEBOOK_ROOT is not None:
        shutil.rmtree(_NOTEBOOK_ROOT, ignore_errors=True)
