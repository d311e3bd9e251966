"""Roster, accounts and operators; team tables; reconciliation; outputs; config validation; templates."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd
import pytest

from mediakpi.config import ConfigError
from mediakpi.ingest import ingest_period, read_export, write_templates
from mediakpi.ingest.layouts import load_registry
from mediakpi.paths import Workspace
from mediakpi.catalog import POSTS, file_name, team_file, team_tables

from .builders import (BILI_HEAD, CHANNELS_HEAD, DOUYIN_HEAD, bili_row, channels_row, douyin_row, wechat_tendency_rows,
                       write_csv, write_user_growth_html, write_xls, write_xlsx)
from .conftest import entry, reconciles, roster

pytestmark = pytest.mark.slow  # left out by `make test-fast` (tiers: tests/conftest.py)


@pytest.mark.parametrize("name,code", [("微信公众号", "wechat"), ("ＷｅＣｈａｔ", "wechat"), ("公众号", "wechat"), ("Ｂ站", "bilibili"),
                                       ("哔哩哔哩", "bilibili"), ("XHS", "xiaohongshu"), ("red", "xiaohongshu"),
                                       ("微信视频号", "channels"), ("KuaiShou", "kuaishou"), ("微博", "weibo"), ("抖音", "douyin")])
def test_roster_platform_names_any_case_any_width(name, code):
    assert load_registry().platform_code(name) == code


def test_folder_and_platform_pick_the_roster_row(month, run):
    roster(month, [["张三", "抖音", "品牌"], ["李四", "视频号", "品牌"]])
    write_xlsx(month / "品牌" / "a.xlsx", [DOUYIN_HEAD, douyin_row()])
    write_csv(month / "品牌" / "b.csv", [CHANNELS_HEAD, channels_row()])
    r = run()
    ops = r.posts.set_index("platform")["operator"]
    assert ops["douyin"] == "张三" and ops["channels"] == "李四"
    assert set(r.posts["account"]) == {"品牌"}


def test_top_level_export_single_and_ambiguous(month, run):
    roster(month, [["张三", "抖音", "号一"], ["李四", "B站", "号二"], ["王五", "B站", "号三"]])
    write_xlsx(month / "抖音.xlsx", [DOUYIN_HEAD, douyin_row()])
    write_csv(month / "b站.csv", [BILI_HEAD, bili_row()])
    r = run()
    assert r.posts["account"].tolist() == ["号一"]
    e = entry(r, "b站.csv")
    assert e["rows_read"] == 0 and "号二" in e["message"] and "号三" in e["message"]
    reconciles(r)


def test_roster_with_unknown_platform_is_kept_and_named(month, run):
    roster(month, [["张三", "今日头条", "号一"], ["李四", "抖音", "号二"]])
    r = run()
    assert r.team["roster"]["platform"].tolist() == ["今日头条", "douyin"]
    assert "今日头条" in entry(r, "花名册.csv")["message"]


def test_quarter_names_months_without_files(tmp_path):
    roster(tmp_path / "raw" / "2026-08", [["张三", "抖音", "号一"]])
    r = ingest_period(Workspace.of(tmp_path, tmp_path / "r"), "2026-Q3", write=False)
    assert any("2026-07" in m and "2026-09" in m for m in r.messages)


def test_account_folder_not_in_roster_is_still_ingested(month, run):
    roster(month, [["张三", "抖音", "号一"]])
    write_xlsx(month / "野号" / "a.xlsx", [DOUYIN_HEAD, douyin_row()])
    r = run()
    assert r.posts.loc[0, "account"] == "野号" and pd.isna(r.posts.loc[0, "operator"])
    assert "不在花名册" in entry(r, "a.xlsx")["message"]


def test_hand_over_mid_month_splits_by_publish_date(month, run):
    roster(month, [["张三", "抖音", "号一", "", "", "2026-01-01", "2026-10-15"], ["李四", "抖音", "号一", "", "", "2026-10-16", ""]])
    write_xlsx(month / "号一" / "a.xlsx", [DOUYIN_HEAD, douyin_row("早", "2026-10-10 10:00:00"), douyin_row("晚", "2026-10-20 10:00:00")])
    r = run()
    assert r.posts.set_index("title")["operator"].to_dict() == {"早": "张三", "晚": "李四"}


def test_roster_folder_name_matched_after_nfkc(month, run):
    roster(month, [["张三", "B站", "Brand Ａ"]])
    write_csv(month / "brand a" / "b.csv", [BILI_HEAD, bili_row()])
    r = run()
    assert r.posts.loc[0, "account"] == "Brand Ａ" and r.posts.loc[0, "operator"] == "张三"


def test_team_tables_recognised_by_headers_typed_and_range_checked(month, run):
    cal = [["计划发布时间", "平台", "账号", "标题", "负责人", "形式", "是否原创"],
           ["2026-10-05 20:00", "抖音", "号一", "选题一", "张三", "视频", "是"],
           ["2026/10/06 08:00", "Ｂ站", "号二", "选题二", "李四", "视频", "否"],
           ["", "抖音", "号一", "没有时间", "张三", "视频", "是"]]
    write_xlsx(month / "排期" / "随便起的名字.xlsx", cal)
    write_csv(month / "评价.csv", [["被评价人", "考核周期", "评价人", "评价人角色", "专业能力", "职业素养", "团队协作"],
                                   ["张三", "2026-10", "王经理", "上级", "4", "5", "4.5"],
                                   ["李四", "2026-10", "王经理", "上级", "7", "5", "4"]])
    r = run()
    c = r.team["content_calendar"]
    assert len(c) == 2 and c["platform"].tolist() == ["douyin", "bilibili"]
    assert c["is_original"].tolist() == [True, False]
    assert str(c["planned_at"].dtype) == "datetime64[ns, Asia/Shanghai]"
    q = r.quarantine.set_index("table")
    assert "计划发布时间" in q.loc["content_calendar", "reason"]
    assert "1 到 5" in q.loc["qualitative_reviews", "reason"]
    assert json.loads(q.loc["qualitative_reviews", "values"])["专业能力"] == "7"
    reconciles(r)


def test_roster_copied_into_every_month_of_a_quarter(tmp_path):
    for m in ("2026-07", "2026-08", "2026-09"):
        roster(tmp_path / "raw" / m, [["张三", "抖音", "号一"]])
        write_xlsx(tmp_path / "raw" / m / "号一" / "a.xlsx", [DOUYIN_HEAD, douyin_row("同一视频", "2026-07-05 10:00:00", views=str(100 * int(m[-1])))])
    r = ingest_period(Workspace.of(tmp_path, tmp_path / "r"), "2026-Q3", write=False)
    assert len(r.team["roster"]) == 1 and len(r.posts) == 1
    assert r.posts.loc[0, "views"] == 900  # the September snapshot is the newest
    reconciles(r)


def test_every_file_reconciles_on_a_messy_month(month, run):
    roster(month, [["张三", "抖音", "号一"], ["李四", "微信公众号", "号一"], ["王五", "B站", "号一"]])
    rows = [DOUYIN_HEAD, douyin_row("a"), douyin_row("b", views="坏"), douyin_row("c", when="不是日期"), ["合计"] + [""] * 15]
    write_xlsx(month / "号一" / "dy.xlsx", rows)
    write_xlsx(month / "号一" / "dy (1).xlsx", rows)
    write_xls(month / "号一" / "tendency.xls", wechat_tendency_rows())
    write_user_growth_html(month / "号一" / "ua.xls", [["2026-10-01", "1", "0", "1", "10"], ["2026-10-01", "1", "0", "1", "10"]])
    write_csv(month / "号一" / "b1.csv", [BILI_HEAD, bili_row("x"), bili_row("y")])
    write_csv(month / "号一" / "b2.csv", [BILI_HEAD, bili_row("y"), bili_row("z", views="-")])
    (month / "号一" / "junk.txt").write_text("随便写的笔记")
    r = run()
    reconciles(r)
    m = r.manifest
    assert m["rows_quarantined"].sum() == len(r.quarantine) == 4
    assert m["rows_kept"].sum() == len(r.posts) + len(r.account_daily) + sum(len(t) for t in r.team.values())
    assert entry(r, "junk.txt")["kind"] == "unrecognised"


def test_outputs_written_with_contract_names_and_raw_untouched(month, tmp_path):
    roster(month, [["张三", "抖音", "号一"]])
    write_xlsx(month / "号一" / "dy.xlsx", [DOUYIN_HEAD, douyin_row(), douyin_row("坏", views="x")])
    before = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in month.rglob("*") if p.is_file()}
    ws = Workspace.of(tmp_path, tmp_path / "reports")
    r = ingest_period(ws, "2026-10")
    after = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in month.rglob("*") if p.is_file()}
    assert before == after
    out = ws.processed("2026-10")
    posts = pd.read_parquet(out / file_name("posts"))
    assert list(posts.columns[: len(POSTS)]) == list(POSTS)
    assert str(posts["published_at"].dtype) == "datetime64[ns, Asia/Shanghai]"
    for t in team_tables():
        assert (out / team_file(t)).is_file()
    assert len(pd.read_parquet(out / team_file("campaigns"))) == 0
    q = pd.read_csv(out / file_name("quarantine_csv"), encoding="utf-8-sig")
    assert len(q) == 1 and (out / file_name("quarantine_csv")).read_bytes().startswith(b"\xef\xbb\xbf")
    doc = json.loads((out / file_name("manifest")).read_text(encoding="utf-8"))
    assert {f["path"] for f in doc["files"]} == {"花名册.csv", "号一/dy.xlsx"}
    assert set(doc["files"][0]) >= {"path", "sha256", "kind", "layout", "table", "platform", "account", "rows_read",
                                    "rows_kept", "rows_quarantined", "duplicates_merged", "message"}
    assert r.messages and "读取" in r.messages[0]


def test_empty_period_does_not_crash(run):
    r = run()
    assert r.posts.empty and r.manifest.empty and any("没有找到任何文件" in m for m in r.messages)


def test_read_export_reports_layout_and_problems(tmp_path):
    p = write_xlsx(tmp_path / "x.xlsx", [DOUYIN_HEAD, douyin_row(), douyin_row(views="??")])
    lid, df = read_export(p)
    assert lid == "douyin_works" and df["_problem"].notna().tolist() == [False, True]
    assert read_export(write_csv(tmp_path / "n.csv", [["甲", "乙"], ["1", "2"]]))[0] is None


def test_platforms_yaml_is_validated_with_chinese_messages(tmp_path):
    src = (Path(__file__).resolve().parents[2] / "config" / "platforms.yaml").read_text(encoding="utf-8")
    bad = tmp_path / "platforms.yaml"
    bad.write_text(src.replace("form: seconds", "form: secs", 1), encoding="utf-8")
    with pytest.raises(ConfigError, match="platforms.yaml"):
        load_registry(str(bad))
    bad.write_text(src.replace("signature: [title, published_at, views, likes]", "signature: [title, nope]"), encoding="utf-8")
    with pytest.raises(ConfigError, match="nope"):
        load_registry(str(bad))


def test_a_new_layout_is_a_yaml_edit_only(tmp_path):
    src = (Path(__file__).resolve().parents[2] / "config" / "platforms.yaml").read_text(encoding="utf-8")
    extra = """
  toutiao_like:
    platform: weibo
    title: 试验版式
    target: posts
    signature: [title, published_at, views]
    columns:
      title: {headers: [文章名], form: text}
      published_at: {headers: [上线时间], form: datetime}
      views: {headers: [展现], form: int}
      completion_rate: {headers: [读完率], form: percent, sentinels: ["-1"]}
"""
    cfg = tmp_path / "platforms.yaml"
    cfg.write_text(src + extra, encoding="utf-8")
    reg = load_registry(str(cfg))
    p = write_csv(tmp_path / "t.csv", [["文章名", "上线时间", "展现", "读完率"], ["甲", "2026-10-01 10:00", "3万", "16.55"],
                                       ["乙", "2026-10-02 10:00", "5", "-1.00"]])
    lid, df = read_export(p, reg)
    assert lid == "toutiao_like" and df["views"].tolist() == [30000, 5]
    assert df["completion_rate"].iloc[0] == pytest.approx(0.1655) and pd.isna(df["completion_rate"].iloc[1])


def test_templates_round_trip(tmp_path):
    paths = write_templates(tmp_path / "templates")
    assert len(paths) == 2 * len(team_tables())
    for p in paths:
        lid, df = read_export(p)
        assert lid in team_tables() and df.empty, p.name  # every template is recognised as its own table
