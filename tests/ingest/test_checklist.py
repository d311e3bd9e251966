"""One test per item of the messy-input checklist (docs/specs/platform-exports.md section 9), on tiny imitation files."""
from __future__ import annotations

import json
import time
import zipfile

import pandas as pd
import pytest

from mediakpi.ingest import read_export
from mediakpi.ingest.grid import _raw_xml
from mediakpi.ingest.numbers import parse_numbers
from mediakpi.ingest.dates import parse_datetimes
from mediakpi.ingest.layouts import load_registry

from .builders import (BILI_HEAD, CHANNELS_HEAD, DOUYIN_HEAD, WX2022_HEAD, WX2025_HEAD, XHS_HEAD, bili_row, channels_row,
                       douyin_row, wechat_tendency_rows, write_csv, write_user_growth_html, write_xls, write_xlsx)
from .conftest import entry, reconciles

pytestmark = pytest.mark.slow  # left out by `make test-fast` (tiers: tests/conftest.py)

P = load_registry().placeholders


def wx2022(title="文章一", day="20261008", reads="94", url="http://mp.weixin.qq.com/s?__biz=A&mid=1&idx=1&sn=x#rd"):
    return [title, day, reads, "163", "7", "10", "0", "2112", "79", "0.0374", "5", "69", "0.0633", "6.9", "0.6889", url]


def xhs(title="笔记一", when="2026年10月19日15时39分28秒", views="100", **kw):
    vals = dict(zip(XHS_HEAD, [title, when, "图文", "1000", views, "0.18", "10", "2", "3", "1", "1", "18", "0"]))
    vals.update(kw)
    return [vals[h] for h in XHS_HEAD if h in vals]


# ---------------------------------------------------------------- file type and container
def test_c01_html_disguised_as_xls(month, run):
    write_user_growth_html(month / "号A" / "用户分析_用户增长.xls", [["2026-10-01", "3", "1", "2", "328"]], bom=True)
    r = run()
    e = entry(r, "用户分析_用户增长.xls")
    assert (e["kind"], e["layout"], e["rows_kept"]) == ("platform_export", "wechat_user_growth", 1)
    row = r.account_daily.iloc[0]
    assert (row["followers_gained"], row["followers_lost"], row["followers_total"]) == (3, 1, 328)


def test_c02_genuine_biff8_xls(month, run):
    path = write_xls(month / "号A" / "ContentAnalysis.xls", [WX2022_HEAD, wx2022()])
    assert path.read_bytes()[:8] == bytes.fromhex("D0CF11E0A1B11AE1")
    r = run()
    p = r.posts.iloc[0]
    assert (p["views"], p["shares"], p["recipients"], p["completion_rate"]) == (94, 7, 2112, 0.6889)
    assert p["published_at"] == pd.Timestamp("2026-10-08", tz="Asia/Shanghai")


def test_c03_same_export_as_xls_xlsx_csv(tmp_path):
    rows = [["", *WX2025_HEAD[1:]], ["", "白茶到底分几类？", "20260911", "642", "51", "7", "1", "0", "0.401869148015976", "http://mp.weixin.qq.com/s?x=1#rd"]]
    rows[0][0] = "数据来源概况"
    xls = write_xls(tmp_path / "a.xls", [[""], *[[""] + r for r in rows]])
    xlsx = write_xlsx(tmp_path / "b.xlsx", rows, numeric=True)
    csv = write_csv(tmp_path / "c.csv", [["数据来源概况(2026.09.01-2026.09.30)"], *rows])
    got = [read_export(p) for p in (xls, xlsx, csv)]
    assert {g[0] for g in got} == {"wechat_notified_2025"}
    for _, df in got:
        assert df.loc[0, "views"] == 642 and df.loc[0, "shares"] == 51
        assert df.loc[0, "completion_rate"] == pytest.approx(0.401869148015976)
        assert df.loc[0, "published_at"] == pd.Timestamp("2026-09-11", tz="Asia/Shanghai")


def test_c04_xlsx_with_broken_styles(tmp_path):
    good = write_xlsx(tmp_path / "good.xlsx", [DOUYIN_HEAD, douyin_row()])
    broken = tmp_path / "头条.xlsx"
    with zipfile.ZipFile(good) as zin, zipfile.ZipFile(broken, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/styles.xml":
                data = b"<styleSheet><fills><fill><patternFill patternType='bogus'/></fill></fills></styleSheet>"
            zout.writestr(item, data)
    lid, df = read_export(broken)
    assert lid == "douyin_works" and df.loc[0, "views"] == 1000
    raw = _raw_xml(broken)[0].cells  # the last-resort reader gives the same cells
    assert raw.iloc[0].tolist() == DOUYIN_HEAD and raw.iloc[1, 4] == "1000"


def test_c05_json_error_body_saved_as_xlsx(month, run):
    (month / "号A").mkdir(parents=True)
    (month / "号A" / "笔记列表明细表.xlsx").write_text(json.dumps({"code": -1, "msg": "登录已过期"}, ensure_ascii=False))
    (month / "号A" / "empty.csv").write_bytes(b"")
    write_xlsx(month / "号A" / "抖音.xlsx", [DOUYIN_HEAD, douyin_row()])
    r = run()
    e = entry(r, "笔记列表明细表.xlsx")
    assert e["kind"] == "unreadable" and "错误信息" in e["message"] and "登录已过期" in e["message"] and "重新下载" in e["message"]
    assert entry(r, "empty.csv")["kind"] == "unreadable"
    assert len(r.posts) == 1  # the run went on


def test_c06_duplicate_downloads_do_not_double_count(month, run):
    rows = [DOUYIN_HEAD, douyin_row("一"), douyin_row("二")]
    for name in ("抖音作品列表.xlsx", "抖音作品列表 (1).xlsx", "抖音作品列表 (2).xlsx"):
        write_xlsx(month / "号A" / name, rows)
    r = run()
    assert len(r.posts) == 2
    assert r.manifest["duplicates_merged"].sum() == 4
    reconciles(r)


def test_c07_platform_from_content_not_file_name(month, run):
    write_csv(month / "号A" / "抖音作品列表.csv", [CHANNELS_HEAD, channels_row()])  # really 视频号
    write_xlsx(month / "号A" / "内容分析_流量数据.xlsx", [XHS_HEAD, xhs()])
    r = run()
    assert entry(r, "抖音作品列表.csv")["platform"] == "channels"
    assert entry(r, "内容分析_流量数据.xlsx")["platform"] == "xiaohongshu"


# ---------------------------------------------------------------- encoding
def test_c08_utf8_bom_on_first_header(month, run):
    path = write_csv(month / "号A" / "视频号.csv", [CHANNELS_HEAD, channels_row(desc="第一条")], encoding="utf-8-sig")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    r = run()
    assert r.posts.loc[0, "title"] == "第一条"  # 视频描述 (with the BOM stuck to it) was recognised


def test_c09_gb18030_utf16_and_mojibake(month, run):
    write_csv(month / "号A" / "gbk.csv", [BILI_HEAD, bili_row("国标编码")], encoding="gb18030")
    write_csv(month / "号B" / "u16.csv", [BILI_HEAD, bili_row("十六位编码")], encoding="utf-16")
    write_csv(month / "号D" / "broken.csv", [BILI_HEAD, bili_row("锟斤拷标题")], encoding="utf-8")
    r = run()
    assert set(r.posts["title"]) >= {"国标编码", "十六位编码", "锟斤拷标题"}
    assert "GB18030" in entry(r, "gbk.csv")["message"]
    assert "乱码" in entry(r, "broken.csv")["message"]
    assert "UTF-16" in entry(r, "u16.csv")["message"]


@pytest.mark.parametrize("delim", ["\t", ";"])
def test_c10_tab_and_semicolon_delimiters(month, run, delim):
    write_csv(month / "号A" / "pasted.txt", [XHS_HEAD, xhs(views="1,234")], delimiter=delim)
    r = run()
    assert r.posts.loc[0, "views"] == 1234


# ---------------------------------------------------------------- layout
def test_c11_banner_and_intro_rows_above_header(month, run):
    banner = ["最多导出排序后前1000条笔记，数据更新至昨日"] + [""] * 12
    write_xlsx(month / "号A" / "笔记列表明细表.xlsx", [banner, XHS_HEAD, xhs()])
    write_csv(month / "号B" / "total.csv", [["数据来源概况(2026.10.01-2026.10.31)"], WX2025_HEAD,
                                             ["", "标题", "20261003", "10", "1", "0", "5", "0.2", "0.3", "http://x/1"]])
    r = run()
    assert len(r.posts) == 2 and r.quarantine.empty
    wx = r.posts[r.posts["platform"] == "wechat"].iloc[0]
    assert wx["snapshot_at"] == pd.Timestamp("2026-11-01", tz="Asia/Shanghai")  # end of the title's range + 1 day


def test_c12_merged_banner_cells(month, run):
    write_xlsx(month / "号A" / "笔记列表明细表.xlsx", [["最多导出排序后前1000条笔记"] + [""] * 12, XHS_HEAD, xhs()],
               merge=["A1:M1"])
    r = run()
    assert entry(r, "笔记列表明细表.xlsx")["layout"] == "xiaohongshu_notes" and len(r.posts) == 1


def test_c13_side_by_side_tables_use_only_total_rows(month, run):
    write_xls(month / "号A" / "tendency_1.xls", wechat_tendency_rows())
    r = run()
    assert sorted(r.posts["title"]) == ["十月第一篇", "十月第二篇"]
    assert r.posts.set_index("title").loc["十月第一篇", "views"] == 10  # 全部, not 10+6+7
    e = entry(r, "tendency_1.xls")
    assert e["rows_read"] == 2 and e["rows_ignored"] >= 2 and "全部" in e["message"]


def test_c14_leading_empty_column_a(month, run):
    write_xls(month / "号A" / "total.xls", [[""], [""] + WX2022_HEAD, [""] + wx2022()])
    r = run()
    assert r.posts.loc[0, "views"] == 94 and r.posts.loc[0, "source_row"] == 3


def test_c15_rowspan_header_leaves_no_bad_row(month, run):
    write_user_growth_html(month / "号A" / "user_analysis.xls", [["2026-10-01", "1", "0", "1", "10"], ["2026-10-02", "2", "0", "2", "12"]])
    r = run()
    e = entry(r, "user_analysis.xls")
    assert (e["rows_read"], e["rows_quarantined"]) == (2, 0)


def test_c16_multiple_sheets(month, run):
    write_xlsx(month / "号A" / "笔记.xlsx", {"说明": [["导出说明"], ["仅供参考"]], "笔记列表": [XHS_HEAD, xhs()],
                                             "观看趋势": [["日期", "数值"], ["2026年10月1日", "5"]]})
    write_xlsx(month / "号A" / "某笔记-数据明细表.xlsx", {"基础数据总览": [["曝光数", "100"], ["观看数", "20"]],
                                                        "观看数": [["日期", "观看数"], ["2026年10月1日", "20"]]})
    r = run()
    assert len(r.posts) == 1
    e = entry(r, "某笔记-数据明细表.xlsx")
    assert e["kind"] == "unrecognised" and "单篇笔记" in e["message"]


def test_c17_header_drift_and_normalisation(month, run):
    head = ["内容标题", "发表日期", "总阅读人数", "分享次数", "送达完成率"]  # drifted names
    write_xlsx(month / "号A" / "a.xlsx", [head, ["文一", "20261002", "10", "3", "12.5%"]])
    write_xlsx(month / "号B" / "b.xlsx", [["笔记标题", "首次发布时间", "观看量", "平均观看时长（s）", "点 赞"],
                                         ["笔记", "2026年10月19日15时39分28秒", "100", "7.5", "9"]])
    write_csv(month / "号C" / "c.csv", [["时间", "播放量", "累积粉丝"], ["2026-10-01", "10", "500"]])
    r = run()
    wx = r.posts[r.posts["platform"] == "wechat"].iloc[0]
    assert wx["views"] == 10 and wx["share_count"] == 3 and wx["delivery_read_rate"] == pytest.approx(0.125)
    x = r.posts[r.posts["platform"] == "xiaohongshu"].iloc[0]
    assert x["avg_watch_seconds"] == 7.5 and x["likes"] == 9
    assert r.account_daily.loc[0, "followers_total"] == 500


def test_c18_optional_columns_missing(month, run):
    head = [h for h in XHS_HEAD if h != "弹幕"]
    write_xlsx(month / "号A" / "old.xlsx", [head, xhs()[:-1]])
    write_csv(month / "号B" / "sph.csv", [CHANNELS_HEAD[:12], channels_row()[:12]])
    r = run()
    assert len(r.posts) == 2 and r.posts["danmaku"].isna().all()


def test_c19_trailing_empty_rows_and_whitespace_cells(month, run):
    write_xlsx(month / "号A" / "dy.xlsx", [DOUYIN_HEAD, douyin_row(), [""] * 16, ["  "] * 16, [None] * 16])
    write_csv(month / "号B" / "sph.csv", [CHANNELS_HEAD, channels_row(), [], [" ", " "]])
    r = run()
    assert entry(r, "dy.xlsx")["rows_read"] == 1 and entry(r, "sph.csv")["rows_read"] == 1
    assert r.quarantine.empty


def test_c20_summary_rows_are_not_posts(month, run):
    total = douyin_row("累计", when="", views="5000")
    write_xlsx(month / "号A" / "dy.xlsx", [DOUYIN_HEAD, total, douyin_row("一"), ["合计"] + [""] * 3 + ["1000"] + [""] * 11])
    r = run()
    e = entry(r, "dy.xlsx")
    assert len(r.posts) == 1 and e["rows_ignored"] == 2 and "合计" in e["message"]


# ---------------------------------------------------------------- numbers
def test_c21_integers_as_text_or_float(month, run):
    write_xls(month / "号A" / "t.xls", [WX2022_HEAD, wx2022(reads="94.0")], numeric=False)
    write_xlsx(month / "号B" / "dy.xlsx", [DOUYIN_HEAD, douyin_row(views=1000.0)], numeric=True)
    r = run()
    assert sorted(r.posts["views"].tolist()) == [94, 1000]
    assert str(r.posts["views"].dtype) == "Int64"


def test_c22_thousands_separators():
    p = parse_numbers(pd.Series(["1,234", "20,816", "1,234,567.5"]), "float", P)
    assert p.values.tolist() == [1234, 20816, 1234567.5]


def test_c23_wan_suffix_and_lower_bounds(month, run):
    p = parse_numbers(pd.Series(["1.2万", "3,481.92万", "5 万次播放", "1.1万", "3.4w", "2亿", "10万+", "100000+"]), "int", P)
    assert p.values.tolist() == [12000, 34819200, 50000, 11000, 34000, 2e8, 100000, 100000]
    assert p.lower_bound.tolist() == [False] * 6 + [True, True]
    write_csv(month / "号A" / "wb.csv", [["微博内容", "发布时间", "阅读数", "转发数", "评论数", "点赞数"],
                                        ["爆了", "2026-10-03 10:00", "10万+", "1.2万", "300", "2w"]])
    r = run()
    post = r.posts.iloc[0]
    assert (post["views"], post["shares"], post["likes"], bool(post["views_lower_bound"])) == (100000, 12000, 20000, True)


def test_c24_percentages_by_declared_form(month, run):
    write_xlsx(month / "号A" / "dy.xlsx", [DOUYIN_HEAD, douyin_row(完播率="0.0374")])
    write_csv(month / "号A" / "sph.csv", [CHANNELS_HEAD, channels_row(完播率="4.41%")])
    write_csv(month / "号A" / "bili.csv", [BILI_HEAD, bili_row(游客播放占比="35.6")])
    r = run()
    rate = r.posts.set_index("platform")
    assert rate.loc["douyin", "completion_rate"] == pytest.approx(0.0374)
    assert rate.loc["channels", "completion_rate"] == pytest.approx(0.0441)
    assert rate.loc["bilibili", "visitor_play_share"] == pytest.approx(0.356)  # bare percent number, declared percent


def test_c25_bound_markers():
    p = parse_numbers(pd.Series(["<0.1%", ">99%", "0.5%"]), "percent", P)
    assert p.values.round(6).tolist() == [0.001, 0.99, 0.005]
    assert p.bad.sum() == 0


def test_c26_duration_units():
    p = parse_numbers(pd.Series(["14.73秒", "12秒", "9.2s", "02:56", "1分20秒", "1:02:03", "20.0"]), "seconds", P)
    assert p.values.tolist() == [14.73, 12, 9.2, 176, 80, 3723, 20]
    assert parse_numbers(pd.Series(["1.5"]), "seconds", P, unit_hint="分").values.tolist() == [90]


def test_c27_placeholders_are_null_never_zero(month, run, tmp_path):
    p = parse_numbers(pd.Series(["-", "--", "—", "", "暂无", " ", None, "0"]), "int", P)
    assert p.values.isna().tolist() == [True] * 7 + [False] and p.values.iloc[-1] == 0 and not p.bad.any()
    s = parse_numbers(pd.Series(["-1", "-1.00", "-2"]), "float", P, sentinels=["-1"])
    assert s.values.isna().tolist() == [True, True, False]
    write_xlsx(month / "号A" / "dy.xlsx", [DOUYIN_HEAD, douyin_row(封面点击率="-", 点赞量="--", 收藏量="暂无")])
    r = run()
    post = r.posts.iloc[0]
    assert pd.isna(post["cover_ctr"]) and pd.isna(post["likes"]) and pd.isna(post["saves"]) and r.quarantine.empty


def test_c28_star_ratings(month, run):
    write_csv(month / "号A" / "bili.csv", [BILI_HEAD, bili_row(封标点击率="3.5星")])
    r = run()
    assert r.posts.loc[0, "cover_ctr"] == 3.5


def test_c29_money_in_fen():
    assert parse_numbers(pd.Series(["1234", "1,000"]), "fen", P).values.tolist() == [12.34, 10.0]


def test_c30_negative_net_values_are_kept(month, run):
    write_user_growth_html(month / "号A" / "ua.xls", [["2026-10-01", "1", "5", "-4", "96"]])
    r = run()
    assert r.account_daily.loc[0, "net_growth"] == -4 and r.quarantine.empty


# ---------------------------------------------------------------- dates and times
def _dates(values):
    return parse_datetimes(pd.Series(values), P)


def test_c31_numeric_date_forms():
    ts, bad = _dates(["2026-10-05", "2026/10/05", "2026/10/5", "20261005", "20261005.0", "2026.10.05"])
    assert not bad.any() and (ts == pd.Timestamp("2026-10-05", tz="Asia/Shanghai")).all()


def test_c32_chinese_date_forms():
    ts, bad = _dates(["2026年05月19日15时39分28秒", "2026年05月29日 12:40:34", "2026年5月1日20时", "2026年5月1日"])
    assert not bad.any()
    assert [str(t) for t in ts] == ["2026-05-19 15:39:28+08:00", "2026-05-29 12:40:34+08:00",
                                    "2026-05-01 20:00:00+08:00", "2026-05-01 00:00:00+08:00"]


def test_c33_excel_serial_dates(month, run, tmp_path):
    import datetime as dt
    import xlwt
    ts, bad = _dates(["46233", "46233.5"])
    assert str(ts[0]) == "2026-07-30 00:00:00+08:00" and str(ts[1]) == "2026-07-30 12:00:00+08:00"
    write_xlsx(month / "号A" / "sph.xlsx", [CHANNELS_HEAD, channels_row(when="46233")], numeric=True)
    # an xls with a real date cell (xlrd float date)
    wb = xlwt.Workbook()
    ws = wb.add_sheet("s")
    for j, h in enumerate(DOUYIN_HEAD):
        ws.write(0, j, h)
    for j, v in enumerate(douyin_row()):
        if j == 1:
            ws.write(1, j, dt.datetime(2026, 10, 5, 12, 30), xlwt.easyxf(num_format_str="yyyy-mm-dd hh:mm"))
        else:
            ws.write(1, j, v)
    (month / "号B").mkdir(parents=True, exist_ok=True)
    wb.save(str(month / "号B" / "dy.xls"))
    r = run()
    got = r.posts.set_index("platform")["published_at"]
    assert str(got["channels"]) == "2026-07-30 00:00:00+08:00"
    assert str(got["douyin"]) == "2026-10-05 12:30:00+08:00"


def test_c34_dates_in_title_text_and_file_names(month, run):
    write_xls(month / "号A" / "tendency.xls", wechat_tendency_rows("2026.10.01", "2026.10.20"))
    write_xls(month / "号B" / "total_1759248000_1761926400.xls", [WX2022_HEAD, wx2022()])
    r = run()
    snap = r.posts.set_index("account")["snapshot_at"]
    assert (snap["号A"] == pd.Timestamp("2026-10-21", tz="Asia/Shanghai")).all()
    assert snap["号B"] == pd.Timestamp(1761926400, unit="s", tz="UTC").tz_convert("Asia/Shanghai")


@pytest.mark.skipif(not hasattr(time, "tzset"), reason="needs time.tzset")
def test_c35_beijing_time_whatever_the_host_zone(monkeypatch):
    monkeypatch.setenv("TZ", "America/Los_Angeles")
    time.tzset()
    try:
        ts, _ = _dates(["2026-10-31 23:30:00", "1793462400"])  # 1793462400 = 2026-10-31 16:00 UTC
        assert str(ts[0]) == "2026-10-31 23:30:00+08:00"
        assert str(ts[1]) == "2026-11-01 00:00:00+08:00"
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()


def test_c36_date_only_titles_same_day_stay_distinct(month, run):
    write_xlsx(month / "号A" / "t.xlsx", [WX2022_HEAD, wx2022("早报", url=""), wx2022("晚报", url="")])
    write_csv(month / "号B" / "b.csv", [BILI_HEAD, bili_row("同名", when="2026年10月05日 08:00:00"),
                                        bili_row("同名", when="2026年10月05日 20:00:00")])
    r = run()
    assert len(r.posts) == 4 and r.posts["post_id"].nunique() == 4


# ---------------------------------------------------------------- text fields
def test_c37_titles_kept_as_exported(month, run):
    titles = ["  🎾7.26 网球有故事｜温网屋顶谁说了算\n温网中央球场的屋顶…  ", "=1+1 不是公式", "@所有人", "'=SUM(A1)", "-减脂餐"]
    write_xlsx(month / "号A" / "dy.xlsx", [DOUYIN_HEAD] + [douyin_row(t, when=f"2026-10-0{i + 1} 10:00:00") for i, t in enumerate(titles)])
    r = run()
    got = r.posts.sort_values("published_at")["title"].tolist()
    assert got == ["🎾7.26 网球有故事｜温网屋顶谁说了算\n温网中央球场的屋顶…", "=1+1 不是公式", "@所有人", "=SUM(A1)", "-减脂餐"]


def test_c38_empty_titles(month, run):
    write_xlsx(month / "号A" / "x.xlsx", [XHS_HEAD, xhs(""), xhs("", when="2026年10月20日10时00分00秒")])
    r = run()
    assert len(r.posts) == 2 and r.posts["title"].isna().all() and r.posts["post_id"].nunique() == 2


def test_c39_titles_matched_after_normalisation_ambiguity_refused(month, run):
    write_xls(month / "号A" / "tendency.xls", wechat_tendency_rows())
    write_xlsx(month / "号A" / "total.xlsx", [WX2022_HEAD, wx2022("十月第一篇 ", "20261001", "15", url="http://mp/1"),
                                              wx2022("十月第二篇", "20261003", "25", url="http://mp/2"),
                                              wx2022("十月第二篇", "20261003", "26", url="http://mp/3")])
    r = run()
    first = r.posts[r.posts["title"].str.strip() == "十月第一篇"]
    assert len(first) == 1 and first.iloc[0]["views"] == 15  # merged into the article with the URL
    # two articles with the same title on the same day: the tendency row is not guessed into either
    assert (r.posts["title"] == "十月第二篇").sum() == 3
    reconciles(r)


# ---------------------------------------------------------------- semantics
def test_c40_cumulative_snapshots_newest_wins(month, run):
    write_xlsx(month / "号A" / "抖音_2026-11-02.xlsx", [DOUYIN_HEAD, douyin_row("老视频", "2026-09-20 10:00:00", "900")])
    write_xlsx(month / "号A" / "抖音_2026-10-15.xlsx", [DOUYIN_HEAD, douyin_row("老视频", "2026-09-20 10:00:00", "500")])
    r = run()
    assert len(r.posts) == 1
    post = r.posts.iloc[0]
    assert post["views"] == 900 and post["snapshot_at"] == pd.Timestamp("2026-11-03", tz="Asia/Shanghai")
    assert post["published_at"] < pd.Timestamp("2026-10-01", tz="Asia/Shanghai")  # older posts stay, with their dates


def test_c41_windowed_exports_overlap(month, run):
    vids = [bili_row(f"视频{i}", when=f"2026年10月{i + 1:02d}日 12:00:00") for i in range(14)]
    write_csv(month / "号A" / "近期稿件对比.csv", [BILI_HEAD] + vids[:10])
    write_csv(month / "号A" / "近期稿件对比 (1).csv", [BILI_HEAD] + vids[6:14])
    r = run()
    assert len(r.posts) == 14 and r.manifest["duplicates_merged"].sum() == 4
    reconciles(r)


def test_c42_snapshot_never_before_newest_data(month, run):
    # no date in the file or its name: the documented rule (end of the month folder, or later if the data is later)
    write_xlsx(month / "号A" / "dy.xlsx", [DOUYIN_HEAD, douyin_row(when="2026-11-02 09:00:00")])
    r = run()
    snap = r.posts.loc[0, "snapshot_at"]
    assert snap >= r.posts.loc[0, "published_at"] and snap >= pd.Timestamp("2026-11-01", tz="Asia/Shanghai")


def test_c43_unique_users_vs_counts(month, run):
    write_xlsx(month / "号A" / "t.xlsx", [WX2022_HEAD, wx2022()])
    r = run()
    p = r.posts.iloc[0]
    assert p["views"] == 94 and p["reads"] == 163 and p["shares"] == 7 and p["share_count"] == 10


def test_c44_platform_specific_metrics_not_mixed(month, run):
    write_csv(month / "号A" / "sph.csv", [CHANNELS_HEAD, channels_row(推荐="3", 喜欢="10")])
    write_xlsx(month / "号A" / "t.xlsx", [WX2022_HEAD, wx2022()])
    r = run()
    sph = r.posts.set_index("platform").loc["channels"]
    assert sph["likes"] == 10 and sph["recommends"] == 3 and pd.isna(sph["saves"])
    assert pd.isna(r.posts.set_index("platform").loc["wechat", "likes"])


def test_c45_rounded_ui_numbers(month, run):
    write_xlsx(month / "号A" / "dy.xlsx", [DOUYIN_HEAD, douyin_row(views="1.1万", 完播率="31.73%")])
    r = run()
    assert r.posts.loc[0, "views"] == 11000 and r.posts.loc[0, "completion_rate"] == pytest.approx(0.3173)


def test_c46_distribution_blocks_below_data(month, run):
    rows = [WX2022_HEAD, wx2022(), [""] * 16, ["性别分布"], ["性别", "人数", "占比"], ["男", "10", "0.4"], ["女", "15", "0.6"]]
    write_xlsx(month / "号A" / "detail.xlsx", rows)
    r = run()
    e = entry(r, "detail.xlsx")
    assert (e["rows_read"], e["rows_kept"], e["rows_quarantined"], e["rows_ignored"]) == (1, 1, 0, 4)
    assert "性别分布" in e["message"]


def test_c17_unit_text_in_header_brackets_and_unicode_minus():
    from mediakpi.ingest.layouts import match_headers
    lay = load_registry().layout("kuaishou_works")
    found = match_headers(lay.lookup, ["作品", "完播率(20.6%)", "平均播放时长（秒）"])
    assert set(found) == {"title", "completion_rate", "avg_watch_seconds"}
    assert parse_numbers(pd.Series(["\u22125", "−3"]), "int", P).values.tolist() == [-5, -3]
