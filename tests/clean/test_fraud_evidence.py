"""Fraud flags need enough evidence (issue 13): a 14-view post with 2 likes on a small account is noise; the same
ratio on thousands of views, or a planted fake-engagement post, still fires."""
import numpy as np
import pandas as pd
import pytest

from mediakpi.clean.config import load_quality_config
from mediakpi.clean.plausibility import fraud_flags, wilson_bounds

from .conftest import make_posts


def _small_account(extra: dict) -> pd.DataFrame:
    rng = np.random.default_rng(5)
    rows = [{"views": int(v), "likes": int(round(v * r)), "comments": 1, "shares": 0, "saves": 1,
             "published_at": f"2026-10-{d + 1:02d} 12:00", "account": "小号"}
            for d, (v, r) in enumerate(zip(rng.integers(150, 400, 12), rng.uniform(0.015, 0.025, 12)))]
    return make_posts(rows + [{**extra, "published_at": "2026-10-20 12:00", "account": "小号", "post_id": "x"}])


def _before(cfg):
    return cfg.model_copy(update={"fraud": cfg.fraud.model_copy(update={"min_views": 0, "wilson_z": 0.0, "min_fold": 2.0})})


def test_fourteen_views_two_likes_is_not_fraud():
    cfg = load_quality_config()
    posts = _small_account({"views": 14, "likes": 2, "comments": 0, "shares": 0, "saves": 0})
    assert "x" in set(fraud_flags(posts, _before(cfg))["post_id"])     # the false alarm of the issue
    assert fraud_flags(posts, cfg).empty


def test_the_same_ratio_on_many_views_is_evidence():
    cfg = load_quality_config()
    posts = _small_account({"views": 3000, "likes": 600, "comments": 40, "shares": 30, "saves": 50})
    f = fraud_flags(posts, cfg)
    assert set(f["post_id"]) == {"x"} and {"fraud_interactions_per_view", "fraud_views_per_like"} <= set(f["check"])


def test_too_few_likes_needs_the_upper_bound_below_the_norm():
    cfg = load_quality_config()
    # 20,000 plays and 2 likes on an account that gets 2 % likes: 刷播放
    f = fraud_flags(_small_account({"views": 20000, "likes": 2, "comments": 0, "shares": 0, "saves": 0}), cfg)
    assert f.loc[f["check"] == "fraud_views_per_like", "post_id"].tolist() == ["x"]
    assert "疑似刷阅读/播放" in f["message"].iloc[-1]
    # 150 plays and no like is not evidence of anything (no ratio at all), nor is 150 plays with 1 like
    assert fraud_flags(_small_account({"views": 150, "likes": 1, "comments": 0, "shares": 0, "saves": 0}), cfg).empty


def test_wilson_bounds():
    lo, hi = wilson_bounds([2, 0, 10, 5], [14, 10, 10, 0], 1.96)
    assert lo[0] == pytest.approx(0.0401, abs=1e-3) and hi[0] == pytest.approx(0.3994, abs=1e-3)
    assert lo[1] == 0 and hi[2] == pytest.approx(1.0) and np.isnan(lo[3])
    p, _ = wilson_bounds([3], [12], 0.0)
    assert p[0] == 0.25
