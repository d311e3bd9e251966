from pathlib import Path

import pytest
import yaml

from mediakpi.config import ConfigError
from mediakpi.paths import CONFIG_DIR
from mediakpi.scoring import load_assessment


def default():
    return yaml.safe_load((CONFIG_DIR / "assessment.yaml").read_text(encoding="utf-8"))


def write(tmp_path, data) -> Path:
    p = tmp_path / "assessment.yaml"
    p.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return p


def broken(tmp_path, change) -> str:
    data = default()
    change(data)
    with pytest.raises(ConfigError) as err:
        load_assessment(write(tmp_path, data))
    msg = str(err.value)
    assert "\n" not in msg and "Traceback" not in msg
    return msg


def test_default_config_is_valid_and_has_24_indicators():
    cfg = load_assessment()
    assert len(cfg.indicators) == 24   # the plan's 21 and the three reply indicators (docs/replies.md)
    assert cfg.weights_for("month") == {"内容运营": 30, "用户运营": 25, "平台与活动运营": 15, "数据分析与优化": 15,
                                        "综合能力与协作": 15}
    assert cfg.weights_for("year")["综合能力与协作"] == 20
    for dim in ["内容运营", "用户运营", "平台与活动运营", "数据分析与优化"]:
        core = sum(i.weight for i in cfg.indicators.values() if i.dimension == dim and i.role == "core")
        assert core == pytest.approx(75)


def test_dimension_weights_that_do_not_add_up(tmp_path):
    msg = broken(tmp_path, lambda d: d["dimension_weights"]["month"].update({"内容运营": 40}))
    assert "dimension_weights.month" in msg and "110" in msg and "应为 100" in msg


def test_core_aux_split_checked(tmp_path):
    def change(d):
        d["indicators"]["内容质量"]["weight"] = 30
        d["indicators"]["爆款内容数量"]["weight"] = 15
    msg = broken(tmp_path, change)
    assert "核心指标权重合计 70" in msg


def test_unknown_indicator(tmp_path):
    msg = broken(tmp_path, lambda d: d["indicators"].update({"阅读量": d["indicators"].pop("内容互动情况")}))
    assert "未知指标 '阅读量'" in msg


def test_unknown_scoring_function(tmp_path):
    msg = broken(tmp_path, lambda d: d["indicators"]["内容原创比例"].update({"function": "sigmoid"}))
    assert "未知的评分函数 'sigmoid'" in msg and "内容原创比例" in msg


def test_missing_key(tmp_path):
    msg = broken(tmp_path, lambda d: d.pop("grades"))
    assert "grades" in msg and "缺少必填项" in msg


def test_misspelt_key(tmp_path):
    msg = broken(tmp_path, lambda d: d["indicators"]["内容原创比例"].update({"wieght": 3}))
    assert "wieght" in msg and "未知的配置项" in msg


def test_bad_yaml(tmp_path):
    p = tmp_path / "assessment.yaml"
    p.write_text("indicators: [\n  oops", encoding="utf-8")
    with pytest.raises(ConfigError, match="YAML 格式有误"):
        load_assessment(p)


def test_person_target_for_someone_not_in_the_roster(tmp_path):
    data = default()
    data["indicators"]["内容按时发布率"]["target"]["per_person"] = {"赵六": 0.9}
    path = write(tmp_path, data)
    cfg = load_assessment(path)  # fine on its own
    with pytest.raises(ConfigError, match="赵六（内容按时发布率）"):
        cfg.check_people(["张三", "李四"])
    with pytest.raises(ConfigError, match="不在花名册"):
        load_assessment(path, roster=["张三"])


def test_digest_changes_with_content(tmp_path):
    data = default()
    a = load_assessment(write(tmp_path, data)).digest
    data["grades"]["S"] = 112
    assert load_assessment(write(tmp_path, data)).digest != a


def test_misspelt_parameter(tmp_path):
    msg = broken(tmp_path, lambda d: d["indicators"]["内容原创比例"]["params"].update({"treshold": 0.5}))
    assert "indicators.内容原创比例.params 有未知参数 ['treshold']" in msg


def test_parameter_must_be_a_number(tmp_path):
    msg = broken(tmp_path, lambda d: d["indicators"]["内容原创比例"]["params"].update({"threshold": "一"}))
    assert "应为数字" in msg


def test_missing_file():
    with pytest.raises(ConfigError, match="找不到配置文件"):
        load_assessment("/nonexistent/assessment.yaml")
