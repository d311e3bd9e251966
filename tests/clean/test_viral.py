import numpy as np
import pandas as pd

from mediakpi.clean import add_maturity
from mediakpi.clean.viral import flag_viral, trailing_median, viral_rate

from .conftest import make_posts


def _series(platform, values, start="2026-09-01 12:00", snapshot="2026-11-05 09:00", metric="views", **kw):
    t0 = pd.Timestamp(start)
    rows = [{"platform": platform, "published_at": str(t0 + pd.Timedelta(days=2 * i)), "snapshot_at": snapshot,
             metric: v, "post_id": f"{platform}{i}", **kw} for i, v in enumerate(values)]
    return make_posts(rows)


def test_absolute_floor_wechat_and_xhs(cfg):
    posts = make_posts([
        {"platform": "wechat", "views": 100000, "published_at": "2026-10-01 08:00", "snapshot_at": "2026-10-10 08:00"},
        {"platform": "wechat", "views": 99999, "published_at": "2026-10-01 09:00", "snapshot_at": "2026-10-10 08:00"},
        {"platform": "xiaohongshu", "likes": 1000, "views": 50000, "published_at": "2026-10-01 08:00",
         "snapshot_at": "2026-10-10 08:00"},
    ])
    out = flag_viral(add_maturity(posts, cfg), None, cfg)
    assert out["viral"].tolist() == [True, False, True]
    assert "绝对门槛" in out["viral_rule"].iloc[0] and "100,000" in out["viral_rule"].iloc[0]
    assert out["primary_metric"].tolist() == ["views", "views", "likes"]
    assert pd.isna(out["viral_rule"].iloc[1])


def test_relative_rule_needs_8_earlier_posts_in_window(cfg):
    # 8 earlier posts at 1000, then a post at 3000 (= 3x median): viral by the relative rule
    posts = _series("douyin", [1000] * 8 + [3000])
    out = flag_viral(add_maturity(posts, cfg), None, cfg)
    last = out.iloc[-1]
    assert last["viral"] and last["baseline_median"] == 1000 and last["baseline_posts"] == 8
    assert "相对门槛" in last["viral_rule"] and "3.0 倍" in last["viral_rule"]
    # only 7 earlier posts: no relative rule
    out7 = flag_viral(add_maturity(_series("douyin", [1000] * 7 + [3000]), cfg), None, cfg)
    assert not out7["viral"].iloc[-1]
    # 2.9x: not viral
    out29 = flag_viral(add_maturity(_series("douyin", [1000] * 8 + [2900]), cfg), None, cfg)
    assert not out29["viral"].iloc[-1]


def test_history_feeds_baseline_and_current_snapshot_wins(cfg):
    hist = _series("douyin", [1000] * 8, start="2026-08-20 12:00")
    cur = make_posts([{"platform": "douyin", "views": 5000, "published_at": "2026-10-10 12:00",
                       "snapshot_at": "2026-11-01 09:00", "post_id": "new"}])
    # a history row with the same key as a current post must be ignored
    dup = make_posts([{"platform": "douyin", "views": 1, "published_at": "2026-10-10 12:00", "post_id": "new"}])
    out = flag_viral(add_maturity(cur, cfg), pd.concat([hist, dup], ignore_index=True), cfg)
    assert out["viral"].iloc[0]
    assert out["baseline_posts"].iloc[0] == 8   # 8 history posts within 90 days, the duplicate not counted


def test_outside_90_days_not_in_baseline(cfg):
    hist = _series("douyin", [1000] * 8, start="2026-05-01 12:00")
    cur = make_posts([{"platform": "douyin", "views": 5000, "published_at": "2026-10-10 12:00",
                       "snapshot_at": "2026-11-01 09:00", "post_id": "new"}])
    out = flag_viral(add_maturity(cur, cfg), hist, cfg)
    assert out["baseline_posts"].iloc[0] == 0 and not out["viral"].iloc[0]


def test_immature_post_is_pending_not_viral(cfg):
    posts = make_posts([{"platform": "wechat", "views": 200000, "published_at": "2026-10-30 08:00",
                         "snapshot_at": "2026-10-31 08:00"}])
    out = flag_viral(add_maturity(posts, cfg), None, cfg)
    assert not out["viral"].iloc[0] and out["viral_pending"].iloc[0]
    assert out["viral_rule"].iloc[0].startswith("尚未成熟")


def test_strong_needs_modified_z(cfg):
    values = [900, 1000, 1100, 950, 1050, 1000, 980, 1020, 30000]
    out = flag_viral(add_maturity(_series("douyin", values), cfg), None, cfg)
    assert out["viral_strong"].iloc[-1] and "统计异常" in out["viral_rule"].iloc[-1]
    mild = flag_viral(add_maturity(_series("douyin", [500, 2000, 800, 1500, 1000, 600, 1800, 1000, 3100]), cfg), None, cfg)
    assert mild["viral"].iloc[-1] and not mild["viral_strong"].iloc[-1]


def test_floor_and_config_override(cfg):
    custom = cfg.model_copy(deep=True)
    custom.viral.floors.pop("wechat")
    posts = add_maturity(make_posts([{"platform": "wechat", "views": 200000, "published_at": "2026-10-01 08:00",
                                      "snapshot_at": "2026-10-10 08:00"}]), cfg)
    assert flag_viral(posts, None, cfg)["viral"].iloc[0]
    assert not flag_viral(posts, None, custom)["viral"].iloc[0]


def test_trailing_median_window():
    t = np.array(["2026-01-01", "2026-01-02", "2026-01-03", "2026-03-01"], dtype="datetime64[ns]")
    v = np.array([1.0, 3.0, np.nan, 10.0])
    med, cnt = trailing_median(t, v, np.array(["2026-01-03", "2026-03-02"], dtype="datetime64[ns]"), 30)
    assert med[0] == 2.0 and cnt[0] == 2
    assert med[1] == 10.0 and cnt[1] == 1


def test_viral_rate(cfg):
    posts = flag_viral(add_maturity(_series("douyin", [1000] * 8 + [3000]), cfg), None, cfg)
    rate = viral_rate(posts)
    assert rate["viral_posts"].iloc[0] == 1 and rate["mature_posts"].iloc[0] == 9


def test_baselines_equal_the_per_post_reading(cfg):
    """Many accounts, history with NaN metrics, negative values, rows also present this period (dropped, this period's
    snapshot wins) and a missing account: baseline median/count and the modified z equal a per-post loop."""
    from mediakpi.clean.plausibility import robust_center_scale

    rng = np.random.default_rng(7)
    start = pd.Timestamp("2026-06-20 08:00", tz="Asia/Shanghai")

    def frame(n, first, prefix):
        return make_posts([
            {"platform": rng.choice(["douyin", "xiaohongshu"]), "account": rng.choice(["号A", "号B", "号C", None]),
             "post_id": f"{prefix}{i}", "views": int(rng.integers(-3, 400)), "likes": int(rng.integers(0, 60)),
             "published_at": first + pd.Timedelta(hours=int(rng.integers(0, 24 * 40))),
             "snapshot_at": "2026-11-05 09:00"} for i in range(n)])

    cur = add_maturity(frame(120, start + pd.Timedelta(days=100), "c"), cfg)
    hist = frame(400, start, "h")
    hist.loc[hist.index[::9], "views"] = pd.NA
    hist.loc[hist.index[:10], "post_id"] = cur["post_id"].iloc[:10].to_numpy()          # also in this period
    hist.loc[hist.index[:10], ["platform", "account"]] = cur[["platform", "account"]].iloc[:10].to_numpy()
    out = flag_viral(cur, hist, cfg)

    key = ["platform", "account", "post_id"]
    seen = set(map(tuple, cur[key].astype(object).where(cur[key].notna(), None).to_numpy().tolist()))
    h = hist[[tuple(None if pd.isna(v) else v for v in r) not in seen for r in hist[key].to_numpy().tolist()]]
    pool = pd.concat([cur, h], ignore_index=True)
    metric = {"douyin": "views", "xiaohongshu": "likes"}
    pool["v"] = [r[metric[r["platform"]]] for _, r in pool.iterrows()]
    pool["v"] = pd.to_numeric(pool["v"], errors="coerce").astype(float)
    pool = pool[pool["account"].notna() & pool["v"].notna()]
    for i, post in cur.iterrows():
        if pd.isna(post["account"]):
            assert out.at[i, "baseline_posts"] == 0 and pd.isna(out.at[i, "viral_z"])
            continue
        acc = pool[(pool["platform"] == post["platform"]) & (pool["account"] == post["account"])]
        t = post["published_at"]
        window = acc[(acc["published_at"] >= t - pd.Timedelta(days=90)) & (acc["published_at"] < t)]["v"]
        assert out.at[i, "baseline_posts"] == len(window)
        got = out.at[i, "baseline_median"]
        assert (np.isnan(got) and window.empty) or got == window.median()
        logv = np.log1p(acc["v"].clip(lower=0))
        med, scale = robust_center_scale(logv)
        z = scale * (np.log1p(max(float(post[metric[post["platform"]]]), 0)) - med)
        got = out.at[i, "viral_z"]
        assert np.isclose(got, z, rtol=0, atol=1e-12) or (np.isnan(z) and np.isnan(got))
