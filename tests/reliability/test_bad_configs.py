"""Issue 9: broken configs end in one clear Chinese message (ConfigError) and a non-zero exit, never a traceback."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from mediakpi.config import ConfigError
from mediakpi.paths import CONFIG_DIR
from mediakpi.scoring import load_assessment

CJK = re.compile(r"[\u4e00-\u9fff]")
BASE = yaml.safe_load((CONFIG_DIR / "assessment.yaml").read_text(encoding="utf-8"))


def _drop_key(cfg):
    del cfg["grades"]


def _weights_not_100(cfg):
    cfg["dimension_weights"]["month"]["内容运营"] = 50


def _unknown_indicator(cfg):
    cfg["indicators"]["粉丝满意度"] = dict(cfg["indicators"]["内容原创比例"])


def _unknown_function(cfg):
    cfg["indicators"]["内容原创比例"]["function"] = "magic"


def _text_weight(cfg):
    cfg["indicators"]["内容原创比例"]["weight"] = "二十"


def _typo_key(cfg):
    cfg["grdaes"] = cfg.pop("grades")


@pytest.mark.parametrize("breaker", [_drop_key, _weights_not_100, _unknown_indicator, _unknown_function, _text_weight,
                                     _typo_key], ids=lambda f: f.__name__.strip("_"))
def test_broken_config_is_one_clear_message(tmp_path, breaker):
    cfg = yaml.safe_load(yaml.safe_dump(BASE, allow_unicode=True))
    breaker(cfg)
    path = tmp_path / "assessment.yaml"
    path.write_text(yaml.safe_dump(cfg, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_assessment(path)
    assert CJK.search(str(err.value)) and "Traceback" not in str(err.value)


def test_yaml_syntax_error_names_the_line(tmp_path):
    path = tmp_path / "assessment.yaml"
    path.write_text("version: 1\ngrades: {S: 110, A: 100\n  bad: [\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="行"):
        load_assessment(path)


def test_cli_exits_non_zero_with_the_message_before_any_stage(tmp_path):
    path = tmp_path / "assessment.yaml"
    cfg = yaml.safe_load(yaml.safe_dump(BASE, allow_unicode=True))
    _weights_not_100(cfg)
    path.write_text(yaml.safe_dump(cfg, allow_unicode=True), encoding="utf-8")
    (tmp_path / "data" / "raw" / "2026-10").mkdir(parents=True)
    proc = subprocess.run([sys.executable, "-m", "mediakpi.cli", "run", "--period", "2026-10", "--data-dir",
                           str(tmp_path / "data"), "--reports-dir", str(tmp_path / "reports"), "--config", str(path)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert CJK.search(proc.stderr) and "Traceback" not in proc.stderr
    assert not (tmp_path / "reports" / "2026-10").exists()
