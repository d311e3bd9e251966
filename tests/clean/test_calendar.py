import pandas as pd

from mediakpi.clean import assign_period, match_calendar, normalise_title

from .conftest import make_calendar, make_posts


def _posts(rows):
    return assign_period(make_posts([{"snapshot_at": "2026-11-02 09:00", **r} for r in rows]), "2026-10")


def test_normalise_title():
    assert normalise_title(" 【双11】攻略！Ｈｅｌｌｏ 🎉\n") == normalise_title("[双11]攻略 hello")
    assert normalise_title(None) == ""


def test_on_time_late_missed_not_due(cfg):
    posts = _posts([
        {"title": "秋季新品发布", "published_at": "2026-10-03 20:30", "post_id": "a"},
        {"title": "门店探访 Vlog", "published_at": "2026-10-05 23:00", "post_id": "b"},
    ])
    cal = make_calendar([
        {"planned_at": "2026-10-03 20:00", "title": "秋季新品发布！", "is_original": True},
        {"planned_at": "2026-10-05 18:00", "title": "门店探访vlog", "is_original": False},
        {"planned_at": "2026-10-07 18:00", "title": "没发的选题"},
        {"planned_at": "2026-11-03 18:00", "title": "下月选题"},
    ])
    cm, out, notes = match_calendar(cal, posts, "2026-10", cfg)
    assert cm["status"].tolist() == ["on_time", "late", "missed", "not_due"]
    assert cm["post_id"].tolist()[:2] == ["a", "b"]
    assert cm["delay_hours"].iloc[1] == 5.0
    assert out.set_index("post_id")["on_time"].to_dict() == {"a": True, "b": False}
    assert out.set_index("post_id")["is_original"].to_dict() == {"a": True, "b": False}
    assert any("1 条排期没有找到" in n["message"] for n in notes)


def test_ambiguous_match_is_refused(cfg):
    posts = _posts([
        {"title": "每日早报", "published_at": "2026-10-03 12:00", "post_id": "a"},
        {"title": "每日早报", "published_at": "2026-10-04 12:00", "post_id": "b"},
    ])
    cal = make_calendar([{"planned_at": "2026-10-03 18:00", "title": "每日早报"}])   # neither within ±2 h
    cm, out, notes = match_calendar(cal, posts, "2026-10", cfg)
    assert cm["status"].iloc[0] == "ambiguous" and pd.isna(cm["post_id"].iloc[0])
    assert cm["candidates"].iloc[0] == 2
    assert out["calendar_item"].isna().all()
    assert any("未自动认定" in n["message"] for n in notes)


def test_series_resolved_by_the_one_on_time_candidate(cfg):
    posts = _posts([
        {"title": "每日早报", "published_at": "2026-10-03 08:00", "post_id": "a"},
        {"title": "每日早报", "published_at": "2026-10-04 08:00", "post_id": "b"},
    ])
    cal = make_calendar([{"planned_at": "2026-10-03 08:00", "title": "每日早报"},
                         {"planned_at": "2026-10-04 08:00", "title": "每日早报"}])
    cm, _, _ = match_calendar(cal, posts, "2026-10", cfg)
    assert cm["post_id"].tolist() == ["a", "b"] and cm["status"].tolist() == ["on_time", "on_time"]


def test_truncated_title_and_other_account_do_not_mix(cfg):
    posts = _posts([
        {"title": "十月城市漫步路线推荐第一", "published_at": "2026-10-03 20:00", "post_id": "a"},
        {"title": "十月城市漫步路线推荐第一期完整版", "account": "号B", "published_at": "2026-10-03 20:00", "post_id": "b"},
    ])
    cal = make_calendar([{"planned_at": "2026-10-03 20:00", "title": "十月城市漫步路线推荐第一期完整版"}])
    cm, _, _ = match_calendar(cal, posts, "2026-10", cfg)
    assert cm["post_id"].iloc[0] == "a" and "前缀" in cm["match_rule"].iloc[0]


def test_date_only_platform_on_time_by_day(cfg):
    posts = _posts([{"platform": "wechat", "title": "月度盘点", "published_at": "2026-10-10 00:00", "post_id": "w"}])
    cal = make_calendar([{"platform": "微信公众号", "planned_at": "2026-10-10 21:00", "title": "月度盘点"}])
    cm, out, _ = match_calendar(cal, posts, "2026-10", cfg)
    assert cm["status"].iloc[0] == "on_time" and out["on_time"].iloc[0]


def test_not_due_after_snapshot(cfg):
    posts = assign_period(make_posts([{"title": "x", "published_at": "2026-10-01 10:00",
                                       "snapshot_at": "2026-10-20 09:00"}]), "2026-10")
    cal = make_calendar([{"planned_at": "2026-10-25 18:00", "title": "后来的选题"}])
    cm, _, _ = match_calendar(cal, posts, "2026-10", cfg)
    assert cm["status"].iloc[0] == "not_due"


def test_empty_calendar(cfg):
    cm, out, notes = match_calendar(make_calendar([]), _posts([{"published_at": "2026-10-01 10:00"}]), "2026-10", cfg)
    assert cm.empty and notes == [] and out["on_time"].isna().all()


def test_calendar_without_any_post(cfg):
    posts = assign_period(make_posts([]), "2026-10")
    cal = make_calendar([{"planned_at": "2026-10-03 20:00", "title": "选题一"},
                         {"planned_at": "2026-11-03 20:00", "title": "选题二"}])
    cm, out, notes = match_calendar(cal, posts, "2026-10", cfg)
    assert cm["status"].tolist() == ["missed", "not_due"] and cm["post_id"].isna().all()
    assert cm["candidates"].tolist() == [0, 0]


def test_early_beyond_tolerance_is_late_with_note(cfg):
    posts = _posts([{"title": "提前发的", "published_at": "2026-10-03 12:00", "post_id": "a"}])
    cal = make_calendar([{"planned_at": "2026-10-03 20:00", "title": "提前发的"}])
    cm, out, _ = match_calendar(cal, posts, "2026-10", cfg)
    assert cm["status"].iloc[0] == "late" and cm["delay_hours"].iloc[0] == -8.0 and "早" in cm["note"].iloc[0]
    assert out["on_time"].iloc[0] == False  # noqa: E712


def test_one_post_claimed_by_two_items_is_refused(cfg):
    posts = _posts([{"title": "重复选题", "published_at": "2026-10-03 20:00", "post_id": "a"}])
    cal = make_calendar([{"planned_at": "2026-10-03 20:00", "title": "重复选题"},
                         {"planned_at": "2026-10-03 21:00", "title": "重复选题"}])
    cm, out, notes = match_calendar(cal, posts, "2026-10", cfg)
    assert cm["status"].tolist() == ["ambiguous", "ambiguous"] and out["calendar_item"].isna().all()
    assert any("同时匹配了 2 条排期" in n["message"] for n in notes)


def _reference_match(cal, posts, cfg, period="2026-10"):
    """The matching rules read item by item, the obvious way (statuses, picked posts, candidate counts, rules)."""
    import numpy as np

    from mediakpi.clean.calendar import _title_tier
    from mediakpi.platforms import platform_code
    from mediakpi.clean.period import is_date_only
    from mediakpi.periods import Period

    c, p = cfg.calendar, Period.parse(period)
    hour = pd.Timedelta(hours=1)
    po = posts.assign(_t=[normalise_title(t) for t in posts["title"]],
                      _d=is_date_only(posts["published_at"]) & posts["platform"].isin(c.date_only_platforms))
    best = {}
    for i, item in cal.iterrows():
        plat = platform_code(item["platform"])
        acc = None if pd.isna(item["account"]) else item["account"].strip()
        t, at = normalise_title(item["title"]), item["planned_at"]
        found = []
        for j, post in po.iterrows():
            if (post["platform"] if pd.notna(post["platform"]) else None) != plat or pd.isna(at) \
                    or (post["account"] if pd.notna(post["account"]) else None) != acc or pd.isna(post["published_at"]):
                continue
            delay = (post["published_at"] - at) / hour
            day = post["published_at"].normalize() == at.normalize()
            tier = _title_tier(t, post["_t"], c.min_prefix_chars)
            if tier is None or not (abs(delay) <= c.match_window_hours or (post["_d"] and day)):
                continue
            on = day if post["_d"] else abs(delay) <= c.on_time_tolerance_hours
            found.append((tier, j, on, delay))
        top = min((f[0] for f in found), default=None)
        best[i] = [f for f in found if f[0] == top]
    picks = {}
    for i, found in best.items():
        on = [f for f in found if f[2]]
        if len(found) == 1 or (len(found) > 1 and len(on) == 1):
            picks[i] = found[0] if len(found) == 1 else on[0]
    claimed = pd.Series([f[1] for f in picks.values()]).value_counts()
    snap = posts.groupby(["platform", "account"])["snapshot_at"].max()
    rows = []
    for i, item in cal.iterrows():
        f = picks.get(i)
        ok = f is not None and claimed[f[1]] == 1
        if ok:
            status = "on_time" if f[2] else "late"
        elif best[i]:
            status = "ambiguous"
        else:
            plat = platform_code(item["platform"])
            taken = snap.get((plat, item["account"].strip()), pd.NaT) if plat and pd.notna(item["account"]) else pd.NaT
            cutoff = taken if pd.notna(taken) and taken < p.end else p.end
            status = "not_due" if pd.isna(item["planned_at"]) or item["planned_at"] >= cutoff else "missed"
        rows.append({"status": status, "post_id": posts.at[f[1], "post_id"] if ok else None,
                     "candidates": len(best[i]), "delay_hours": f[3] if ok else np.nan,
                     "tier": f[0] if ok else None})
    return pd.DataFrame(rows)


def test_matching_equals_the_item_by_item_rules_with_repeated_titles(cfg):
    """Many items and posts sharing a few titles (as series do; the scale data too), truncated titles, date-only posts,
    missing times and accounts: the vectorised match gives what the rules give read item by item."""
    import numpy as np

    rng = np.random.default_rng(11)
    titles = ["每日早报", "每日早报第二期", "十月城市漫步路线推荐第一期完整版", "十月城市漫步路线推荐第一", "短", "",
              None, "abcdefghij", "abcdefgh", "abcdefghXY"]
    start = pd.Timestamp("2026-09-28", tz="Asia/Shanghai")
    n = 150
    published = pd.Series(start + pd.to_timedelta(rng.integers(0, 40 * 24 * 4, n) * 15, unit="min"))
    published[rng.random(n) < 0.15] = published.dt.normalize()
    published[rng.random(n) < 0.05] = pd.NaT
    posts = assign_period(make_posts([
        {"platform": rng.choice(["douyin", "wechat", "weibo"]), "account": rng.choice(["号A", "号B"]),
         "title": titles[rng.integers(0, len(titles))], "post_id": f"p{i}", "published_at": published[i],
         "snapshot_at": "2026-11-02 09:00" if i % 5 else "2026-10-20 09:00"} for i in range(n)]), "2026-10")
    src = rng.integers(0, n, 80)
    planned = (posts["published_at"].iloc[src].reset_index(drop=True)
               + pd.to_timedelta(rng.choice([0, 30, -90, 300, -4800, 2880, 1380], len(src)), unit="min"))
    cal = make_calendar([
        {"platform": {"douyin": "抖音", "wechat": "微信公众号", "weibo": "xx平台"}[posts.at[k, "platform"]],
         "account": f" {posts.at[k, 'account']} " if k % 3 else posts.at[k, "account"],
         "title": ((posts.at[k, "title"] if pd.notna(posts.at[k, "title"]) else "")[: -2 if k % 4 == 0 else None]
                   or None),
         "planned_at": planned[j], "is_original": bool(k % 2)} for j, k in enumerate(src)])
    cm, out, _ = match_calendar(cal, posts, "2026-10", cfg)
    # issue 22: rows planning the same thing (platform, account, slot, normalised title) are one item; the
    # item-by-item reference reads the calendar without its pasted copies
    from mediakpi.clean.calendar import normalise_titles
    from mediakpi.platforms import platform_code
    key = pd.DataFrame({"p": cal["platform"].map(platform_code), "a": cal["account"].astype("string").str.strip(),
                        "t": cal["planned_at"], "n": normalise_titles(cal["title"])})
    cal = cal[~key.duplicated().to_numpy()].reset_index(drop=True)
    ref = _reference_match(cal, posts, cfg)
    assert cm["status"].tolist() == ref["status"].tolist()
    def values(s):
        return [None if pd.isna(v) else v for v in s]

    assert values(cm["post_id"]) == values(ref["post_id"])
    assert cm["candidates"].tolist() == ref["candidates"].tolist()
    pd.testing.assert_series_equal(cm["delay_hours"], ref["delay_hours"], check_names=False)
    rule = {0: "标题一致", 1: "标题前缀一致（标题被截断或改动）"}
    assert values(cm["match_rule"]) == [None if pd.isna(t) else rule[t] for t in ref["tier"]]
    assert set(cm["status"]) >= {"on_time", "late", "ambiguous", "missed"}
    matched = out[out["calendar_item"].notna()]
    assert sorted(matched["post_id"]) == sorted(cm["post_id"].dropna())
