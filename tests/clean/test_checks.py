import numpy as np
import pandas as pd

from mediakpi import catalog
from mediakpi.clean import (account_checks, account_month, add_maturity, assign_operators, assign_period,
                            attach_flags, fraud_flags, modified_z, normalise_roster, platform_code,
                            plausibility_flags)
from mediakpi.clean.records import conform
from mediakpi.periods import Period

from .conftest import make_posts, make_roster


def test_platform_code(cfg):
    assert [platform_code(v) for v in ["抖音", "ＸＨＳ", "B站", "Douyin", "微信 公众号", "脸书", None]] == \
        ["douyin", "xiaohongshu", "bilibili", "douyin", "wechat", None, None]


def test_roster_unknown_platform_is_reported(cfg):
    roster, notes = normalise_roster(make_roster([
        {"name": "张三", "platform": "抖音", "account": "号A"},
        {"name": "赵六", "platform": "脸书", "account": "fb"},
    ]), cfg)
    assert roster["platform"].tolist() == ["douyin"]
    assert len(notes) == 1 and notes[0]["level"] == "error" and "脸书" in notes[0]["message"]
    assert "第 3 行" in notes[0]["subject"]


def test_ownership_split_by_publish_date(cfg):
    roster, _ = normalise_roster(make_roster([
        {"name": "张三", "platform": "抖音", "account": "号A", "end_date": "2026-10-15"},
        {"name": "李四", "platform": "抖音", "account": "号A", "start_date": "2026-10-16"},
    ]), cfg)
    posts = assign_period(make_posts([
        {"published_at": "2026-10-15 23:00", "operator": None},
        {"published_at": "2026-10-16 01:00", "operator": "张三"},   # ingest got it wrong
    ]), "2026-10")
    out, flags = assign_operators(posts, roster)
    assert out["operator"].tolist() == ["张三", "李四"]
    assert flags["check"].tolist() == ["operator_corrected"]


def test_ownership_overlap_flagged(cfg):
    roster, _ = normalise_roster(make_roster([
        {"name": "张三", "platform": "抖音", "account": "号A"},
        {"name": "李四", "platform": "抖音", "account": "号A", "start_date": "2026-10-10"},
    ]), cfg)
    posts = assign_period(make_posts([{"published_at": "2026-10-12 10:00", "operator": "张三"}]), "2026-10")
    out, flags = assign_operators(posts, roster)
    # two people on the publish day: nobody is credited by guess (#15: the old rule kept ingest's value, i.e. the last
    # roster row), and the flag names both
    assert pd.isna(out["operator"].iloc[0]) and flags["check"].tolist() == ["ownership_overlap"]
    assert "张三、李四" in flags["message"].iloc[0]


def test_accounts_not_in_roster_and_missing_download(cfg):
    roster, _ = normalise_roster(make_roster([
        {"name": "张三", "platform": "抖音", "account": "号A"},
        {"name": "王五", "platform": "公众号", "account": "公号"},
        {"name": "旧人", "platform": "快手", "account": "老号", "end_date": "2026-08-31"},  # not active in October
    ]), cfg)
    posts = make_posts([{"account": "号A"}, {"account": "野号"}])
    acc, notes = account_checks(posts, catalog.empty(catalog.ACCOUNT_DAILY), roster, Period.parse("2026-10"))
    got = acc.set_index("account")
    assert bool(got.loc["公号", "missing_download"]) and not bool(got.loc["号A", "missing_download"])
    assert not bool(got.loc["野号", "in_roster"]) and "老号" not in got.index
    msgs = " ".join(n["message"] for n in notes)
    assert "野号 不在花名册中" in msgs and "公号" in msgs and "缺少下载" in msgs


def test_plausibility(cfg):
    posts = make_posts([
        {"views": -5, "published_at": "2026-10-01 10:00", "snapshot_at": "2026-10-05 10:00"},
        {"followers_gained": -30, "published_at": "2026-10-01 10:00"},                    # net column: fine
        {"completion_rate": 35.6, "published_at": "2026-10-01 10:00"},
        {"published_at": "2026-10-06 10:00", "snapshot_at": "2026-10-05 10:00"},
        {"published_at": "2026-10-05 18:00", "snapshot_at": "2026-10-05 00:00"},           # date-only snapshot: fine
        {"likes": 200, "views": 100, "published_at": "2026-10-01 10:00"},
        {"platform": "weibo", "likes": 200, "views": 100, "published_at": "2026-10-01 10:00"},
        {"platform": "douyin", "likes": 200, "views": 100000, "views_lower_bound": True, "published_at": "2026-10-01"},
        {"published_at": None},
        {"platform": "bilibili", "cover_ctr": 4.0, "published_at": "2026-10-01 10:00"},   # 4星: exempt
    ])
    f = plausibility_flags(posts, cfg)
    by_post = f.groupby("post_id")["check"].apply(list).to_dict()
    assert by_post == {"p0": ["negative_count"], "p2": ["rate_out_of_range"], "p3": ["published_after_snapshot"],
                       "p5": ["likes_above_views"], "p8": ["missing_published_at"]}
    assert (f["message"].str.len() > 5).all() and "阅读/播放量 为负数" in f["message"].iloc[0]
    flagged = attach_flags(posts, f)
    assert flagged["flagged"].sum() == 5 and "负数" in flagged["flag_reasons"].iloc[0]
    assert len(flagged) == len(posts)   # never drops


def test_modified_z():
    z = modified_z(pd.Series([1.0, 2.0, 3.0, 4.0, 100.0]))
    # median 3, MAD 1 -> 0.6745 * 97
    assert z.iloc[-1] == np.float64(0.6745 * 97)
    assert modified_z(pd.Series([5.0, 5.0, 5.0])).isna().all()


def test_fraud_interactions_per_view(cfg):
    rows = [{"views": 10000 + 100 * i, "likes": 200 + 5 * i, "comments": 20, "shares": 10, "saves": 10,
             "published_at": "2026-10-01 10:00"} for i in range(10)]
    rows.append({"views": 10000, "likes": 6000, "comments": 900, "shares": 500, "saves": 800,
                 "published_at": "2026-10-01 10:00"})
    f = fraud_flags(make_posts(rows), cfg)
    assert set(f["post_id"]) == {"p10"}
    assert "fraud_interactions_per_view" in set(f["check"]) and "疑似" in f["message"].iloc[0]
    # too few posts in the account: no baseline, no signal
    assert fraud_flags(make_posts(rows[-4:]), cfg).empty


def test_account_month_from_daily_with_handover():
    daily = pd.DataFrame({
        "platform": "wechat", "account": "公号",
        "operator": ["王五"] * 3 + ["李四"] * 2 + ["李四"],
        "date": pd.to_datetime(["2026-09-30", "2026-10-01", "2026-10-02", "2026-10-03", "2026-10-31", "2026-11-01"]),
        "followers_total": [1000, 1010, 1030, 1025, 1100, 1105],
        "followers_gained": [5, 12, 22, 3, 80, 5],
        "followers_lost": [1, 2, 2, 8, 5, 0],
    })
    daily = conform(daily, catalog.ACCOUNT_DAILY)
    am = account_month(make_posts([]), daily, "2026-10")
    assert am["operator"].tolist() == ["王五", "李四"]
    wang, li = am.iloc[0], am.iloc[1]
    assert (wang["followers_start"], wang["followers_end"], wang["net_growth"]) == (1000, 1030, 30)
    assert wang["growth_rate"] == 0.03 and wang["source"] == "account_daily"
    assert (li["followers_start"], li["followers_end"], li["followers_gained"], li["followers_lost"]) == (1030, 1100, 83, 13)


def test_account_month_from_posts_and_none():
    posts = make_posts([{"published_at": "2026-10-02 10:00", "followers_gained": 10},
                        {"published_at": "2026-10-09 10:00", "followers_gained": 15},
                        {"published_at": "2026-09-09 10:00", "followers_gained": 99}])
    accounts = pd.DataFrame({"platform": ["douyin", "wechat"], "account": ["号A", "公号"], "operator": ["张三", "王五"]})
    am = account_month(posts, catalog.empty(catalog.ACCOUNT_DAILY), "2026-10", accounts)
    got = am.set_index("account")
    assert got.loc["号A", "followers_gained"] == 25 and got.loc["号A", "source"] == "posts"
    assert pd.isna(got.loc["号A", "growth_rate"])
    assert got.loc["公号", "source"] == "none"


def test_account_month_quarter_one_row_per_month():
    posts = make_posts([{"published_at": f"2026-{m:02d}-05 10:00", "followers_gained": m} for m in (7, 8, 9)])
    am = account_month(posts, catalog.empty(catalog.ACCOUNT_DAILY), "2026-Q3")
    assert am["month"].tolist() == ["2026-07", "2026-08", "2026-09"]
    assert am["followers_gained"].tolist() == [7, 8, 9]


def test_maturity_config_change(cfg):
    custom = cfg.model_copy(deep=True)
    custom.maturity_days["douyin"] = 1
    posts = make_posts([{"published_at": "2026-10-01 10:00", "snapshot_at": "2026-10-03 10:00"}])
    assert not add_maturity(posts, cfg)["mature"].iloc[0]
    assert add_maturity(posts, custom)["mature"].iloc[0]


def test_suspected_duplicate():
    from mediakpi.clean import duplicate_flags
    posts = make_posts([
        {"platform": "wechat", "title": "新手避坑清单", "published_at": "2026-10-14", "views": 2432, "post_id": "h:1"},
        {"platform": "wechat", "title": "新手避坑清单", "published_at": "2026-10-14", "views": 1786, "post_id": "url:a"},
        {"platform": "wechat", "title": "新手避坑清单！", "published_at": "2026-10-14", "views": 2432, "post_id": "url:b"},
        {"platform": "wechat", "title": "新手避坑清单", "published_at": "2026-10-15", "views": 2432, "post_id": "url:c"},
    ])
    f = duplicate_flags(posts)
    assert sorted(f["post_id"]) == ["h:1", "url:b"] and set(f["check"]) == {"suspected_duplicate"}


def test_absurd_counts_and_publish_times_in_the_future(cfg):
    posts = make_posts([
        {"views": 999_999_999_999_999, "published_at": "2026-10-01 10:00"},
        {"views": 5_000_000, "published_at": "2026-10-01 10:00"},
        {"published_at": "2031-01-01 10:00", "snapshot_at": "2031-01-02 10:00"},  # the file's own date is wrong too
    ])
    now = pd.Timestamp("2026-11-26 12:00", tz="Asia/Shanghai")
    f = plausibility_flags(posts, cfg, now=now)
    by_post = f.groupby("post_id")["check"].apply(list).to_dict()
    assert by_post == {"p0": ["absurd_count"], "p2": ["published_in_future"]}
    assert "大得不可能" in f["message"].iloc[0]
