"""The metric dictionary: validation messages, per-platform interactions, group rates."""
import numpy as np
import pandas as pd
import pytest
import yaml

from mediakpi import metrics
from mediakpi.config import ConfigError
from mediakpi.paths import CONFIG_DIR


def _rows(**cols):
    n = len(next(iter(cols.values())))
    return pd.DataFrame({k: (pd.array(v, dtype="Int64") if k not in ("platform", "media_type") else v)
                         for k, v in cols.items()}, index=range(n))


def test_shipped_dictionary_is_valid_and_every_rate_declares_its_denominator():
    md = metrics.load_metrics()
    for key, m in md.metrics.items():
        if m.kind == "ratio":
            assert m.denominator and m.numerator, key
    table = metrics.dictionary_table(md)
    assert (table.loc[table["kind"] == "ratio", "denominator"] != "").all()
    assert set(table.attrs["interactions"]["platform"]) == set(md.interactions)


def test_interactions_follow_each_platform_definition():
    posts = _rows(platform=["wechat", "bilibili", "douyin", "xiaohongshu"],
                  likes=[1, 1, 1, 1], zaikan=[10, 10, 10, 10], comments=[100, 100, 100, 100],
                  shares=[1000, 1000, 1000, 1000], saves=[10000, 10000, 10000, 10000],
                  danmaku=[5, 5, 5, 5], coins=[50, 50, 50, 50])
    got = metrics.interactions(posts).tolist()
    assert got == [1 + 10 + 100 + 1000,                                # 点赞+在看+评论+转发
                   5 + 100 + 1 + 50 + 10000 + 1000,                     # 弹幕+评论+点赞+投币+收藏+转发
                   100 + 1 + 1000,                                      # 评论+点赞+转发
                   100 + 1 + 10000 + 1000]                              # 评论+点赞+收藏+转发


def test_missing_components_are_not_zero_when_all_are_missing():
    posts = _rows(platform=["weibo", "weibo"], likes=[pd.NA, 4], comments=[pd.NA, pd.NA], shares=[pd.NA, 1])
    got = metrics.interactions(posts)
    assert np.isnan(got.iloc[0])
    assert got.iloc[1] == 5


def test_exported_total_is_used_only_when_no_part_was_exported():
    posts = _rows(platform=["weibo", "weibo"], likes=[pd.NA, 4], comments=[pd.NA, 1], shares=[pd.NA, 1],
                  interactions=[50, 999], views=[1000, 1000])
    assert metrics.interactions(posts).tolist() == [50, 6]
    assert metrics.metric_values(posts, "engagement_rate").tolist() == [0.05, 0.006]


def test_weighted_interactions_use_configured_weights():
    posts = _rows(platform=["xiaohongshu"], likes=[1], saves=[1], comments=[1], shares=[1])
    w = metrics.load_metrics().weighted_interactions
    assert metrics.interactions(posts, weighted=True).iloc[0] == w["likes"] + w["saves"] + w["comments"] + w["shares"]


def test_group_rate_is_ratio_of_sums_over_posts_with_both_parts():
    posts = _rows(platform=["weibo"] * 3, views=[100, 1000, pd.NA], likes=[10, 10, 500],
                  comments=[0, 0, 0], shares=[0, 0, 0])
    posts["g"] = "x"
    out = metrics.group_rate(posts, "engagement_rate", ["g"])
    assert out["engagement_rate"].iloc[0] == pytest.approx(20 / 1100)  # the post without views is left out
    assert out["engagement_rate_n"].iloc[0] == 2


def test_video_metric_is_blank_on_image_posts():
    posts = pd.DataFrame({"platform": ["douyin", "wechat"], "media_type": ["video", "image"],
                          "completion_rate": [0.3, 0.8]})
    assert metrics.metric_values(posts, "video_completion_rate").tolist()[0] == 0.3
    assert np.isnan(metrics.metric_values(posts, "video_completion_rate").iloc[1])
    assert metrics.metric_values(posts, "article_read_completion").iloc[1] == 0.8


def test_resolve_names_and_aliases():
    md = metrics.load_metrics()
    assert md.resolve("互动率") == "engagement_rate"
    assert md.resolve(" 播放量 ") == "views"
    assert md.resolve("完播率") == "video_completion_rate"
    assert md.resolve("心情指数") is None
    assert md.resolve(None) is None


def _write(tmp_path, mutate):
    data = yaml.safe_load((CONFIG_DIR / "metrics.yaml").read_text(encoding="utf-8"))
    mutate(data)
    path = tmp_path / "metrics.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.parametrize("mutate, words", [
    (lambda d: d["interactions"].pop("weibo"), ["weibo"]),
    (lambda d: d["metrics"]["engagement_rate"].pop("denominator"), ["denominator", "分母"]),
    (lambda d: d["metrics"]["like_rate"].update(denominator="reach"), ["reach"]),
    (lambda d: d["metrics"]["like_rate"].update(aliases=["互动率"]), ["互动率"]),
    (lambda d: d.update(unknown_key=1), ["unknown_key", "未知"]),
    (lambda d: d["interactions"]["douyin"].append("plays"), ["plays"]),
])
def test_bad_dictionary_gives_a_chinese_message_naming_the_problem(tmp_path, mutate, words):
    with pytest.raises(ConfigError) as err:
        metrics.load_metrics(_write(tmp_path, mutate))
    assert "metrics.yaml" in str(err.value)
    assert any(w in str(err.value) for w in words)
