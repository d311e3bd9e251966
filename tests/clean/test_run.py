import pandas as pd

from mediakpi import catalog
from mediakpi.clean import clean_period

from .conftest import make_calendar, make_posts, make_roster, write_processed
import pytest

pytestmark = pytest.mark.slow  # left out by `make test-fast` (tiers: tests/conftest.py)

ROSTER = [{"name": "张三", "platform": "抖音", "account": "号A"},
          {"name": "王五", "platform": "微信公众号", "account": "公号"}]


def _read(ws, period, key):
    return pd.read_parquet(ws.processed(period) / catalog.file_name(key))


def _messages(res):
    return " ".join(res.notes["message"])


def test_full_run_writes_every_table(ws):
    posts = make_posts([{"published_at": f"2026-10-{d:02d} 20:00", "snapshot_at": "2026-11-02 09:00",
                         "views": 1000 + d, "likes": 40 + d, "title": f"视频{d}"} for d in range(1, 21)]
                       + [{"platform": "wechat", "account": "公号", "operator": "王五", "published_at": "2026-10-03",
                           "snapshot_at": "2026-11-01", "views": 120000, "format": "图文", "post_id": "w1",
                           "source_file": "公号/wechat.xls"},
                          {"published_at": "2026-09-20 20:00", "snapshot_at": "2026-11-02 09:00", "views": 900}])
    cal = make_calendar([{"planned_at": "2026-10-03 20:00", "title": "视频3", "is_original": True},
                         {"planned_at": "2026-10-04 09:00", "title": "没发"}])
    manifest = {"files": [{"path": "号A/douyin.xlsx", "kind": "platform_export", "platform": "douyin", "account": "号A"},
                          {"path": "说明.txt", "kind": "unrecognised", "message": "不是导出文件"}]}
    quarantine = pd.DataFrame({"source_file": ["号A/douyin.xlsx"], "source_row": [30], "table": ["posts"],
                               "reason": ["发布时间无法识别"], "values": ["{}"]}).astype(catalog.QUARANTINE)
    write_processed(ws, "2026-10", posts=posts, roster=make_roster(ROSTER), calendar=cal, manifest=manifest,
                    quarantine=quarantine)
    res = clean_period(ws, "2026-10")
    for key in ["posts_clean", "account_month", "calendar_match", "flags", "data_quality", "data_quality_notes"]:
        assert (ws.processed("2026-10") / catalog.file_name(key)).is_file(), key
    pc = _read(ws, "2026-10", "posts_clean")
    assert len(pc) == len(posts)                       # nothing dropped
    for col in ["in_period", "age_days", "mature", "media_type", "is_original", "calendar_item", "on_time", "viral",
                "viral_rule", "viral_strong", "primary_metric", "primary_value", "baseline_median", "flagged",
                "flag_reasons", *catalog.POSTS]:
        assert col in pc.columns, col
    assert pc["in_period"].sum() == 21
    w = pc.set_index("post_id").loc["w1"]
    assert w["viral"] and w["media_type"] == "image" and w["mature"]
    cm = _read(ws, "2026-10", "calendar_match")
    assert cm["status"].tolist() == ["on_time", "missed"]
    assert pc.set_index("title").loc["视频3", "is_original"]
    dq = _read(ws, "2026-10", "data_quality").set_index("account")
    assert dq.loc["号A", "quarantined_rows"] == 1 and dq.loc["号A", "files"] == 1
    assert dq.loc["号A", "posts"] == 21 and dq.loc["号A", "posts_in_period"] == 20
    assert "说明.txt" in _messages(res)
    assert res.summary and all(isinstance(s, str) for s in res.summary)


def test_empty_month_does_not_crash(ws):
    res = clean_period(ws, "2026-10")                  # no processed folder at all
    assert res.posts.empty and not res.ok
    assert "没有任何数据" in _messages(res) or "尚未导入" in _messages(res)
    assert (ws.processed("2026-10") / catalog.file_name("data_quality_notes")).is_file()


def test_month_with_only_roster(ws):
    write_processed(ws, "2026-10", roster=make_roster(ROSTER))
    res = clean_period(ws, "2026-10")
    assert "只有花名册" in _messages(res)
    assert res.data_quality["missing_download"].all() and (res.data_quality["status"] == "error").all()
    assert set(res.account_month["source"]) == {"none"}


def test_roster_with_unknown_platform(ws):
    write_processed(ws, "2026-10", posts=make_posts([{"published_at": "2026-10-02 10:00"}]),
                    roster=make_roster(ROSTER + [{"name": "赵六", "platform": "脸书", "account": "fb"}]))
    res = clean_period(ws, "2026-10")
    row = res.notes[res.notes["message"].str.contains("脸书")]
    assert len(row) == 1 and row["level"].iloc[0] == "error" and row["scope"].iloc[0] == "roster"


def test_account_folder_not_in_roster(ws):
    write_processed(ws, "2026-10", roster=make_roster(ROSTER),
                    posts=make_posts([{"published_at": "2026-10-02 10:00"},
                                      {"account": "新号", "operator": None, "published_at": "2026-10-02 10:00"}]))
    res = clean_period(ws, "2026-10")
    assert "新号 不在花名册中" in _messages(res)
    dq = res.data_quality.set_index("account")
    assert not dq.loc["新号", "in_roster"] and dq.loc["新号", "status"] == "warn"
    assert len(res.posts) == 2


def test_broken_and_incomplete_inputs_become_notes(ws):
    folder = ws.processed("2026-10")
    folder.mkdir(parents=True)
    (folder / catalog.file_name("posts")).write_bytes(b"not a parquet file")
    write_processed(ws, "2026-10", roster=make_roster(ROSTER))
    (folder / catalog.file_name("manifest")).write_text("{broken", encoding="utf-8")
    res = clean_period(ws, "2026-10")
    msgs = _messages(res)
    assert "posts.parquet 无法读取" in msgs and "导入清单无法读取" in msgs


def test_posts_missing_columns_are_tolerated(ws):
    folder = ws.processed("2026-10")
    folder.mkdir(parents=True)
    slim = make_posts([{"published_at": "2026-10-02 10:00", "views": 10}])[["platform", "account", "post_id",
                                                                              "published_at", "views"]]
    slim.to_parquet(folder / catalog.file_name("posts"))
    res = clean_period(ws, "2026-10")
    assert len(res.posts) == 1 and "缺少列" in _messages(res)


def test_history_from_earlier_month_feeds_viral(ws):
    earlier = make_posts([{"published_at": f"2026-09-{d:02d} 20:00", "snapshot_at": "2026-10-02 09:00",
                           "views": 1000, "post_id": f"s{d}"} for d in range(1, 11)])
    write_processed(ws, "2026-09", posts=earlier)
    now = make_posts([{"published_at": "2026-10-05 20:00", "snapshot_at": "2026-11-02 09:00", "views": 4000}])
    write_processed(ws, "2026-10", posts=now, roster=make_roster(ROSTER))
    res = clean_period(ws, "2026-10")
    row = res.posts.iloc[0]
    assert row["viral"] and row["baseline_posts"] == 10 and "相对门槛" in row["viral_rule"]


def test_rows_failing_the_ingest_schema_are_kept_and_noted(ws):
    posts = make_posts([{"published_at": "2026-10-02 10:00"},
                        {"platform": "facebook", "published_at": "2026-10-02 10:00", "source_row": 7}])
    write_processed(ws, "2026-10", posts=posts, roster=make_roster(ROSTER))
    res = clean_period(ws, "2026-10")
    assert len(res.posts) == 2
    line = res.notes[res.notes["message"].str.contains("不符合数据规范")]
    assert len(line) == 1 and "第 7 行" in line["message"].iloc[0]
