"""Repository-level test set-up for the notebooks (tests/conftest.py holds the rest; its hooks do not reach notebooks/).

The notebooks are run by nbval with their literal defaults (period 2026-10, data_dir "data"), exactly as an analyst
opens them in JupyterLab, but against a temporary project root (MEDIAKPI_ROOT, set only while a notebook item runs,
so the kernel nbval starts for it inherits it): config/ and notebooks/ are linked there and the demo team is written
there once per session. The repository's own data/ and reports/ are never read or written by the tests. Notebook
items are `slow` (left out by `make test-fast`).
"""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent
os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("MEDIAKPI_STRICT_CATALOG", "1")   # every catalog.save is strict in the tests (kernels inherit it)
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
    for item in items:
        if _is_notebook(item):
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
