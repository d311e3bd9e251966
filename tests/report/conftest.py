"""Shared fixtures for the report tests: a realistic processed folder and its published reports."""
from __future__ import annotations

import pytest

from mediakpi.paths import Workspace
from mediakpi.report.publish import publish
from .report_fixture import make_processed

PERIOD = "2026-10"


@pytest.fixture(scope="session")
def published(tmp_path_factory):
    """(workspace, result, people) for a month with 6 people, hostile titles and comments included."""
    root = tmp_path_factory.mktemp("published")
    ws = Workspace(root / "data", root / "reports")
    people = make_processed(ws, PERIOD, n_people=6)
    result = publish(ws, PERIOD, root / "staging")
    return ws, result, people


@pytest.fixture
def workspace(tmp_path):
    return Workspace(tmp_path / "data", tmp_path / "reports")
