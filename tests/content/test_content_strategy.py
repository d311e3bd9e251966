"""Before/after a strategy change: equal windows, Mann–Whitney U, Cliff's δ, and plain 数据不足."""
import numpy as np
import pandas as pd
import pytest
from scipy.stats import mannwhitneyu

from mediakpi.content.settings import load_content_config
from mediakpi.strategy import cliffs_delta, magnitude, platform_code, strategy_table
from mediakpi.periods import TZ

EFFECTIVE = pd.Timestamp("2026-10-15")


def _posts(before_er, after_er, platform="douyin", account="号", gap_days=1):
    rows = []
    for side, ers in (("before", before_er), ("after", after_er)):
        for k, er in enumerate(ers):
            offset = -(k + 1) * gap_days if side == "before" else k * gap_days
            rows.append({"platform": platform, "account": account, "operator": "李四", "post_id": f"{side}{k}",
                         "published_at": EFFECTIVE.tz_localize(TZ) + pd.Timedelta(days=offset, hours=10),
                         "views": 1000, "likes": int(er * 1000), "comments": 0, "shares": 0})
    df = pd.DataFrame(rows)
    for c in ("views", "likes", "comments", "shares"):
        df[c] = df[c].astype("Int64")
    return df


def _suggestion(**kw):
    base = {"operator": "李四", "submitted_date": pd.Timestamp("2026-10-01"), "suggestion": "改为晚上发布",
            "adopted": True, "effective_date": EFFECTIVE, "platform": "抖音", "account": None,
            "target_metric": "互动率", "source_file": "建议.xlsx", "source_row": 2}
    base.update(kw)
    return pd.DataFrame([base])


def test_clear_improvement_is_significant_with_large_effect():
    posts = _posts([0.01, 0.012, 0.011, 0.009, 0.013, 0.010], [0.05, 0.06, 0.055, 0.052, 0.058, 0.061])
    out = strategy_table(_suggestion(), posts, "2026-10", load_content_config().strategy.model_copy(update=dict(window_days=14))).iloc[0]
    assert out["status"] == "tested" and out["significant"]
    assert out["cliffs_delta"] == 1.0 and out["effect_size"] == "大"
    assert out["n_before"] == 6 and out["n_after"] == 6
    assert out["median_after"] > out["median_before"]
    assert "上升" in out["verdict"] and "显著" in out["verdict"] and "平台 抖音" == out["scope"]


def test_too_few_posts_says_insufficient_data():
    posts = _posts([0.01, 0.02], [0.05, 0.06, 0.07, 0.08, 0.09])
    out = strategy_table(_suggestion(), posts, "2026-10", load_content_config().strategy.model_copy(update=dict(min_posts_each_side=5))).iloc[0]
    assert out["status"] == "insufficient" and out["verdict"].startswith("数据不足")
    assert np.isnan(out["p_value"]) and "实施前 2 篇" in out["verdict"]


def test_windows_are_equal_and_cut_at_the_period_end():
    # effective on 25 Oct: 7 days left in October, so both windows are 7 days; posts every day
    eff = pd.Timestamp("2026-10-25")
    posts = _posts([0.01] * 20, [0.02] * 20)
    posts["published_at"] = [eff.tz_localize(TZ) + pd.Timedelta(days=d, hours=1) for d in range(-20, 0)] + \
                            [eff.tz_localize(TZ) + pd.Timedelta(days=d, hours=1) for d in range(0, 20)]
    out = strategy_table(_suggestion(effective_date=eff), posts, "2026-10", load_content_config().strategy.model_copy(update=dict(window_days=28))).iloc[0]
    assert out["window_days"] == 7 and out["n_before"] == 7 and out["n_after"] == 7


def test_unadopted_skipped_missing_date_and_future_date_explained():
    posts = _posts([0.01] * 6, [0.02] * 6)
    sug = pd.concat([_suggestion(adopted=False), _suggestion(effective_date=pd.NaT),
                     _suggestion(effective_date=pd.Timestamp("2026-11-20"))], ignore_index=True)
    out = strategy_table(sug, posts, "2026-10")
    assert list(out["status"]) == ["no_date", "too_recent"]
    assert "实施日期" in out["verdict"].iloc[0]


def test_unknown_metric_falls_back_and_says_so():
    posts = _posts([0.01] * 6, [0.02] * 6)
    out = strategy_table(_suggestion(target_metric="心情指数"), posts, "2026-10").iloc[0]
    assert out["metric"] == "engagement_rate" and "心情指数" in out["verdict"]


def test_scope_by_account_filters_other_accounts():
    posts = pd.concat([_posts([0.01] * 6, [0.05] * 6, account="甲"), _posts([0.05] * 6, [0.01] * 6, account="乙")])
    out = strategy_table(_suggestion(platform=None, account="甲"), posts, "2026-10").iloc[0]
    assert out["n_before"] == 6 and out["cliffs_delta"] == 1.0


def test_cliffs_delta_equals_rank_biserial_from_u():
    rng = np.random.default_rng(3)
    a, b = rng.normal(1, 1, 30), rng.normal(0.5, 1, 25)
    u = mannwhitneyu(a, b).statistic
    assert cliffs_delta(a, b) == pytest.approx(2 * u / (len(a) * len(b)) - 1)
    assert magnitude(0.1, [0.147, 0.33, 0.474]) == "可忽略" and magnitude(-0.5, [0.147, 0.33, 0.474]) == "大"


def test_platform_names_as_people_write_them():
    assert platform_code("B站") == "bilibili" and platform_code("公众号") == "wechat"
    assert platform_code("WeChat OA") == "wechat" and platform_code("抖音") == "douyin"
    assert platform_code("知乎") is None and platform_code(None) is None
