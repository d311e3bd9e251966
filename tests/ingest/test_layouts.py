"""One recognition test per platform layout in config/platforms.yaml, on the spec's headers."""
from __future__ import annotations

import pytest

from mediakpi.ingest import read_export
from mediakpi.ingest.layouts import load_registry

from .builders import (BILI_HEAD, CHANNELS_HEAD, DOUYIN_HEAD, WX2022_HEAD, WX2025_HEAD, XHS_HEAD, bili_row, channels_row,
                       douyin_row, wechat_tendency_rows, write_csv, write_user_growth_html, write_xls, write_xlsx)

CH19 = CHANNELS_HEAD + ["企微链接点击次数", "企微链接点击人数", "添加到通讯录次数", "添加到通讯录人数"]


def _one(path):
    lid, df = read_export(path)
    return lid, df


def test_every_layout_has_a_test_here():
    ids = {l.id for l in load_registry().layouts}
    covered = {"wechat_notified_2022", "wechat_notified_2025", "wechat_content_channels", "wechat_daily_reads",
               "wechat_daily_actions", "wechat_user_growth", "douyin_works", "xiaohongshu_notes", "bilibili_compare",
               "bilibili_history", "channels_videos", "kuaishou_works", "weibo_posts", "weibo_fans_daily",
               # issue 24: tests/ingest/test_account_downloads.py
               "douyin_account_trend", "xiaohongshu_account_trend", "xiaohongshu_account_summary"}
    assert ids == covered


def test_wechat_2022(tmp_path):
    lid, df = _one(write_xlsx(tmp_path / "ContentAnalysis_SingleMass.xlsx", [WX2022_HEAD, ["微软头马会议 | 婚姻与家庭?", "20220329", "94", "163", "7", "10", "0", "2112", "79", "0.0374", "5", "69", "0.0633", "6.9", "0.6889", "xxx"]], numeric=True))
    assert lid == "wechat_notified_2022" and df.loc[0, "views"] == 94 and df.loc[0, "delivery_read_rate"] == 0.0374


def test_wechat_2025_xls_from_row_3_column_b(tmp_path):
    rows = [[""], [""], [""] + WX2025_HEAD, ["", "", "白茶", "20260911", "642", "51", "7", "1", "0", "0.4", "http://mp/s?1#rd"]]
    lid, df = _one(write_xls(tmp_path / "total.xls", rows))
    assert lid == "wechat_notified_2025" and df.loc[0, "post_id"] == "url:mp/s?1" and df.loc[0, "recipients"] == 1


def test_wechat_content_channels_and_daily_tables(tmp_path):
    lid, df = _one(write_xls(tmp_path / "tendency.xls", wechat_tendency_rows()))
    assert lid == "wechat_content_channels" and len(df) == 2


def test_wechat_daily_tables_recognised_but_not_used(month, run):
    write_xls(month / "号" / "tendency.xls", wechat_tendency_rows())
    r = run()
    layouts = r.manifest.loc[0, "layout"].split(",")
    assert {"wechat_daily_reads", "wechat_daily_actions", "wechat_content_channels"} == set(layouts)
    assert "不入库" in r.manifest.loc[0, "message"]


def test_wechat_user_growth(tmp_path):
    lid, df = _one(write_user_growth_html(tmp_path / "ua.xls", [["2026-03-15", "0", "0", "0", "328"]]))
    assert lid == "wechat_user_growth" and df.loc[0, "followers_total"] == 328


def test_douyin_numbers_as_text(tmp_path):
    lid, df = _one(write_xlsx(tmp_path / "dy.xlsx", [DOUYIN_HEAD, douyin_row(views="1000", 平均播放时长="20.0")]))
    assert lid == "douyin_works" and df.loc[0, "views"] == 1000 and df.loc[0, "profile_visits"] == 132
    assert df.loc[0, "format"] == "1-3min视频" and df.loc[0, "visibility"] == "公开" and df.loc[0, "bounce_rate"] == 0.33


def test_xiaohongshu(tmp_path):
    row = ["笔记", "2026年05月19日15时39分28秒", "视频", "1000", "200", "0.18", "10", "1", "2", "3", "4", "18", "0"]
    lid, df = _one(write_xlsx(tmp_path / "x.xlsx", [["最多导出排序后前1000条笔记"], XHS_HEAD, row]))
    assert lid == "xiaohongshu_notes"
    assert (df.loc[0, "impressions"], df.loc[0, "views"], df.loc[0, "cover_ctr"], df.loc[0, "avg_watch_seconds"]) == (1000, 200, 0.18, 18)


def test_bilibili_compare_30_columns(tmp_path):
    assert len(BILI_HEAD) == 30
    lid, df = _one(write_csv(tmp_path / "近期稿件对比.csv", [BILI_HEAD, bili_row()]))
    assert lid == "bilibili_compare"
    assert (df.loc[0, "cover_ctr"], df.loc[0, "bounce_rate"], df.loc[0, "avg_progress"]) == (4.0, 0.001, pytest.approx(0.455))


def test_bilibili_history(tmp_path):
    head = ["时间", "播放量", "累计粉丝", "点赞", "收藏", "硬币", "评论", "弹幕", "分享"]
    lid, df = _one(write_csv(tmp_path / "历史累计数据趋势.csv", [head, ["2026-10-01", "100", "5,000", "1", "1", "1", "1", "1", "1"]]))
    assert lid == "bilibili_history" and df.loc[0, "followers_total"] == 5000


@pytest.mark.parametrize("head", [CHANNELS_HEAD, CH19])
def test_channels_15_and_19_columns(tmp_path, head):
    row = channels_row() + ["1"] * (len(head) - len(CHANNELS_HEAD))
    lid, df = _one(write_csv(tmp_path / "微信视频号动态数据明细.csv", [head, row]))
    assert lid == "channels_videos" and df.loc[0, "post_id"] == "id:export/v1" and df.loc[0, "avg_watch_seconds"] == 14.73


def test_kuaishou(tmp_path):
    head = ["作品", "发布时间", "播放量", "完播率", "评论量", "点赞量", "收藏量", "涨粉量"]
    lid, df = _one(write_xlsx(tmp_path / "k.xlsx", [head, ["作品一", "2026-10-01 10:00", "1.5万", "20.6%", "3", "4", "5", "6"]]))
    assert lid == "kuaishou_works" and df.loc[0, "views"] == 15000 and df.loc[0, "completion_rate"] == pytest.approx(0.206)


def test_weibo_posts_and_fans(tmp_path):
    lid, df = _one(write_csv(tmp_path / "w.csv", [["博文内容", "发博时间", "阅读量", "转发", "评论", "赞", "转评赞数"],
                                                  ["内容", "20261001", "123.4万", "1", "2", "3", "6"]]))
    assert lid == "weibo_posts" and df.loc[0, "views"] == 1234000 and df.loc[0, "interactions"] == 6
    lid, df = _one(write_csv(tmp_path / "f.csv", [["日期", "新增粉丝数", "减少粉丝数", "粉丝总数"], ["2026-10-01", "5", "1", "1000"]]))
    assert lid == "weibo_fans_daily" and df.loc[0, "followers_lost"] == 1


def test_missing_publish_time_is_quarantined_with_reason(month, run):
    write_xlsx(month / "号" / "dy.xlsx", [DOUYIN_HEAD, douyin_row(when=""), douyin_row("好")])
    r = run()
    assert len(r.posts) == 1 and "缺少发布时间" in r.quarantine.loc[0, "reason"]
