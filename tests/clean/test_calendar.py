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
