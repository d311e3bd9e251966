import pytest

from mediakpi.clean import QualityConfig, load_quality_config, parse_quality_config
from mediakpi.clean.records import FLAGS
from mediakpi.config import ConfigError
from mediakpi.labels import label


def test_shipped_config_loads():
    cfg = load_quality_config()
    assert isinstance(cfg, QualityConfig)
    assert cfg.maturity_for("wechat") == 3 and cfg.maturity_for("douyin") == 7
    assert cfg.viral.floors["wechat"].min == 100000 and cfg.viral.floors["xiaohongshu"].metric == "likes"
    assert cfg.calendar.on_time_tolerance_hours == 2


@pytest.mark.parametrize("data, words", [
    ({"viral": {"multipler": 3}}, "viral.multipler"),
    ({"maturity_days": {"default": 7, "facebook": 3}}, "未知平台"),
    ({"maturity_days": {"wechat": 3}}, "default"),
    ({"viral": {"multiplier": 0.5}}, "multiplier"),
    ([1, 2], "键值表"),
])
def test_bad_config_names_the_key(data, words):
    with pytest.raises(ConfigError) as exc:
        parse_quality_config(data, "quality.yaml")
    assert words in str(exc.value) and "quality.yaml" in str(exc.value)


def test_every_check_has_a_label():
    for check in ["negative_count", "rate_out_of_range", "published_after_snapshot", "likes_above_views",
                  "missing_published_at", "fraud_interactions_per_view", "fraud_views_per_like",
                  "operator_corrected", "ownership_overlap", "ownership_gap", "suspected_duplicate"]:
        assert label(f"quality.check.{check}") != f"quality.check.{check}"
    assert "check" in FLAGS
