"""Issue 9: a broken config ends in one clear Chinese message and a non-zero exit, before any stage runs.

The config cases of the corpus (weights that do not add to 100, a missing or misspelt key, an unknown indicator or
scoring function, a parameter that is not a number, bad YAML, a missing file, a person target for someone not in the
roster) are tested where the validation lives, tests/scoring/test_config.py; here the command line's side of it.
"""
from __future__ import annotations

import re
import subprocess
import sys

import yaml

from mediakpi.paths import CONFIG_DIR
import pytest

pytestmark = pytest.mark.slow  # left out by `make test-fast` (tiers: tests/conftest.py)

CJK = re.compile(r"[\u4e00-\u9fff]")


def test_cli_exits_non_zero_with_the_message_before_any_stage(tmp_path):
    cfg = yaml.safe_load((CONFIG_DIR / "assessment.yaml").read_text(encoding="utf-8"))
    cfg["dimension_weights"]["month"]["内容运营"] = 50  # weights no longer add up to 100
    path = tmp_path / "assessment.yaml"
    path.write_text(yaml.safe_dump(cfg, allow_unicode=True), encoding="utf-8")
    (tmp_path / "data" / "raw" / "2026-10").mkdir(parents=True)
    proc = subprocess.run([sys.executable, "-m", "mediakpi.cli", "run", "--period", "2026-10", "--data-dir",
                           str(tmp_path / "data"), "--reports-dir", str(tmp_path / "reports"), "--config", str(path)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert CJK.search(proc.stderr) and "Traceback" not in proc.stderr
    assert not (tmp_path / "reports" / "2026-10").exists()


def test_cli_rejects_a_bad_period_and_a_period_without_data(tmp_path):
    (tmp_path / "data" / "raw" / "2026-10").mkdir(parents=True)
    for period, words in [("2026-13", "YYYY-MM"), ("2025-01", "没有原始数据")]:
        proc = subprocess.run([sys.executable, "-m", "mediakpi.cli", "run", "--period", period, "--data-dir",
                               str(tmp_path / "data"), "--reports-dir", str(tmp_path / "reports")],
                              capture_output=True, text=True, timeout=120)
        assert proc.returncode == 2 and words in proc.stderr and "Traceback" not in proc.stderr
