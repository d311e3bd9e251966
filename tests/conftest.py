"""Shared test set-up.

Tiers: `make test` runs everything; `make test-fast` runs `-m "not slow"` without the notebooks (the edit loop).
Tests marked `slow` run stages on demo months, notebooks, the CLI/runner with kernels, or a browser. A slow module
says so itself, `pytestmark = pytest.mark.slow` at its top (so a renamed or new file keeps or states its tier); a single
slow test carries `@pytest.mark.slow`. Notebook items are marked, and run on a temporary project root, by the
repository-level conftest.py (a hook here would not reach notebooks/).
"""
from __future__ import annotations

# MPLBACKEND=Agg and MEDIAKPI_STRICT_CATALOG=1 (every catalog.save fails on a column the catalog does not declare)
# are set by the repository-level conftest.py, for the notebook kernels too.
