import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from mediakpi.paths import Workspace  # noqa: E402


@pytest.fixture
def ws(tmp_path):
    return Workspace(tmp_path / "data", tmp_path / "reports")
