import pytest

from mediakpi.paths import Workspace


@pytest.fixture
def ws(tmp_path):
    return Workspace(tmp_path / "data", tmp_path / "reports")
