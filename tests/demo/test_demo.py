"""The demo writer: deterministic, every platform and layout, the planted messiness really in the bytes.

These tests read the written files directly (bytes, xlrd, openpyxl, csv) and never import the ingest.
"""
from __future__ import annotations

import json
import re
import unicodedata

import numpy as np
import openpyxl
import pandas as pd
import pytest

from mediakpi import catalog
from mediakpi.demo import write_demo

from mediakpi.demo import team as T

from .helpers import files, frame, hashes, header_row, layout_of, table

pytestmark = pytest.mark.slow  # left out by `make test-fast` (tiers: tests/conftest.py)

END = "2026-10"


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    root = tmp_path_factory.mktemp("raw")
    (root / "templates").mkdir()
    (root / "templates" / "keep.txt").write_text("模板", encoding="utf-8")
    summary = write_demo(root, end_month=END)
    return root, summary


# ---------------------------------------------------------------- determinism and safety


def test_deterministic_refuses_to_overwrite_and_never_touches_templates(demo, tmp_path):
    a = write_demo(tmp_path / "a", end_month="2026-03", months=1)
    b = write_demo(tmp_path / "b", end_month="2026-03", months=1)
    ha, hb = hashes(tmp_path / "a"), hashes(tmp_path / "b")
    assert ha == hb and len(ha) > 30
    assert a.files == b.files and a.posts == b.posts and a.posts > 100
    with pytest.raises(FileExistsError, match="2026-03"):
        write_demo(tmp_path / "a", end_month="2026-03", months=1)
    assert hashes(tmp_path / "a") == ha
    write_demo(tmp_path / "a", end_month="2026-03", months=1, seed=5, overwrite=True)
    hc = hashes(tmp_path / "a")
    assert sum(ha[k] != hc.get(k) for k in ha) > len(ha) // 2
    root, _ = demo
    assert sorted(p.name for p in (root / "templates").iterdir()) == ["keep.txt"]
    assert (root / "templates" / "keep.txt").read_text(encoding="utf-8") == "模板"


# ---------------------------------------------------------------- coverage


def test_twelve_months_every_platform_and_layout(demo):
    root, summary = demo
    months = sorted(p.name for p in root.iterdir() if p.is_dir() and p.name != "templates")
    assert months == summary.months and len(months) == 12 and months[-1] == END
    layouts = {}
    for p in files(root):
        lay = layout_of(p)
        if lay:
            layouts.setdefault(lay, []).append(p)
    expected = {"douyin", "xhs", "bilibili", "bilibili_trend", "channels19", "channels15", "wechat2026",
                "wechat2022", "wechat_growth", "weibo", "kuaishou", "wechat_tendency"}
    assert expected <= set(layouts), expected - set(layouts)
    # WeChat 已通知内容 comes as .xls, .xlsx and .csv.
    wechat_ext = {p.suffix for k in ("wechat2026", "wechat2022") for p in layouts[k]}
    assert wechat_ext == {".xls", ".xlsx", ".csv"}
    # Team size and platforms, from the roster of the last month.
    roster = frame(root / END / "花名册.xlsx", "姓名")
    assert 6 <= roster["姓名"].nunique() <= 10
    assert 10 <= len(roster.drop_duplicates(["平台", "账号"])) <= 15
    codes = {_platform_code(x) for x in roster["平台"]}
    assert codes == set(catalog.PLATFORMS)


def _platform_code(name: str) -> str:
    n = unicodedata.normalize("NFKC", str(name)).strip().lower()
    for code, names in T.PLATFORM_NAMES.items():
        if n in {unicodedata.normalize("NFKC", x).lower() for x in names}:
            return code
    raise AssertionError(f"unknown platform spelling {name!r}")


def test_roster_consistent_with_folders_and_handover(demo):
    root, summary = demo
    spellings = set()
    handover_seen = False
    for month in summary.months:
        roster = frame(next((root / month).glob("花名册.xlsx"), root / month / "人员账号表.csv"), "姓名")
        spellings |= set(roster["平台"])
        names = set(roster["账号"])
        folders = {p.name for p in (root / month).iterdir() if p.is_dir()}
        extra = folders - names
        assert extra <= {"青禾旧号"}, (month, extra)
        if month == END:
            assert extra == {"青禾旧号"}
        rows = roster[roster["账号"] == "茶园日记"]
        if len(rows) == 2:
            handover_seen = True
            ends = rows["负责结束日期"].dropna()
            starts = rows["负责开始日期"]
            assert len(ends) == 1 and pd.Timestamp(ends.iloc[0]) + pd.Timedelta(days=1) == pd.Timestamp(starts.max())
            assert rows["姓名"].nunique() == 2
    assert handover_seen
    assert len(spellings) >= 10  # varied accepted spellings
    assert {_platform_code(s) for s in spellings} == set(catalog.PLATFORMS)
    # One brand folder holds several platforms.
    lays = {layout_of(p) for p in (root / END / "青禾茶事").iterdir()}
    assert {"douyin", "weibo"} <= lays and lays & {"wechat2026", "wechat2022"}


def test_team_tables_carry_the_yaml_headers(demo):
    root, summary = demo
    tables = catalog.team_tables()
    found = {}
    for p in files(root):
        if p.parent.name not in summary.months or p.suffix not in (".xlsx", ".csv"):
            continue
        rows = table(p)
        if not rows:
            continue
        head = {str(c) for c in rows[0] if c}
        for name, spec in tables.items():
            req = {c["header"] for c in spec["columns"].values() if c.get("required")}
            if req <= head:
                found.setdefault(name, []).append(p)
    assert set(found) == set(tables)
    periods = set()
    for p in found["qualitative_reviews"]:
        df = frame(p, "被评价人")
        periods |= set(df["考核周期"])
        assert {"上级", "自评"} <= set(df["评价人角色"])
    assert {"2026-Q3", "2026", END} <= periods
    # Campaigns in some months only.
    assert 0 < len(found["campaigns"]) < 12
    # Data reports: some late, some missing.
    reps = pd.concat([frame(p, "报告名称") for p in found["data_reports"]])
    due, sub = pd.to_datetime(reps["应交日期"]), pd.to_datetime(reps["提交日期"])
    assert sub.isna().sum() > 0 and (sub > due).sum() > 0 and (sub == due).sum() > len(reps) / 2


def test_calendar_matches_most_posts_with_missed_and_unplanned(demo):
    root, _ = demo
    cal = frame(root / END / f"内容排期表_{END}.xlsx", "计划发布时间")
    dy = frame(root / END / "青禾茶事" / "抖音作品列表.xlsx", "作品名称")
    cal = cal[(cal["账号"] == "青禾茶事") & (cal["平台"] == "抖音")]
    pub = pd.to_datetime(dy["发布时间"])
    dy = dy[(pub >= "2026-10-01") & (pub < "2026-11-01")]
    pub = pd.to_datetime(dy["发布时间"])
    planned = pd.to_datetime(cal["计划发布时间"])
    matched = [((planned - t).abs() <= pd.Timedelta(hours=2)).any() for t in pub]
    assert 0.6 * len(pub) <= sum(matched) < len(pub) + 1
    titles = set(cal["标题"])
    unplanned = [t for t in dy["作品名称"] if not any(t.startswith(c) for c in titles)]
    assert len(cal) > 0 and len(unplanned) < len(dy) / 2


# ---------------------------------------------------------------- messiness in the bytes


def test_messiness_is_really_in_the_files(demo):
    root, summary = demo
    m = summary.messiness
    required = ["bom", "gb18030", "wan_values", "10wan_plus", "banner_row", "duplicate_download", "unreadable_json",
                "stray_txt", "top_level_export", "unknown_account_folder", "placeholders", "excel_serial_date",
                "odd_titles", "empty_titles", "fraud_like_post", "future_publish_time", "negative_count",
                "biff_xls", "html_xls", "side_by_side_tables"]
    assert set(required) <= set(m), set(required) - set(m)
    path = lambda s: root / s.split(" — ")[0]  # noqa: E731

    for f in m["bom"]:
        assert path(f).read_bytes()[:3] == b"\xef\xbb\xbf"
    for f in m["gb18030"]:
        data = path(f).read_bytes()
        with pytest.raises(UnicodeDecodeError):
            data.decode("utf-8")
        assert "视频描述" in data.decode("gb18030").splitlines()[0]
    for f in m["biff_xls"] + m["side_by_side_tables"]:
        assert path(f).read_bytes()[:8] == bytes.fromhex("D0CF11E0A1B11AE1")
    for f in m["html_xls"]:
        data = path(f).read_bytes()
        assert path(f).suffix == ".xls" and data.startswith(b"<html") and b'class="tb"' in data
        assert b'rowspan="2"' in data and b"<tr></tr>" in data
    for f in m["banner_row"]:
        wb = openpyxl.load_workbook(path(f))
        ws = wb.active
        assert ws.cell(1, 1).value.startswith("最多导出") and ws.cell(2, 1).value == "笔记标题"
        assert any(str(r).startswith("A1:") for r in ws.merged_cells.ranges)
    dup = path(m["duplicate_download"][0])
    assert dup.name.endswith(" (1).xlsx")
    assert dup.read_bytes() == dup.with_name(dup.name.replace(" (1)", "")).read_bytes()
    bad = path(m["unreadable_json"][0])
    assert bad.suffix == ".xlsx" and "msg" in json.loads(bad.read_bytes().decode("utf-8"))
    assert all(path(f).suffix == ".txt" for f in m["stray_txt"])
    top = path(m["top_level_export"][0])
    assert top.parent.name == END and layout_of(top) == "kuaishou"
    assert path(m["unknown_account_folder"][0]).parent.name == "青禾旧号"

    # Side-by-side tables: three header groups at B, F and L under title rows with the date range; channels overlap.
    rows = table(path(m["side_by_side_tables"][-1]))
    i, head = header_row(rows, "传播渠道")
    assert head[1] == "日期" and head[5] == "日期" and head[11] == "传播渠道" and head[0] == ""
    assert re.search(r"\(\d{4}\.\d\d\.\d\d-\d{4}\.\d\d\.\d\d\)", str(rows[0][1]))
    art = pd.DataFrame([r[11:16] for r in rows[i + 1:] if r[11]], columns=head[11:16])
    first = art["内容标题"].iloc[0]
    one = art[art["内容标题"] == first]
    assert one.loc[one["传播渠道"] != "全部", "阅读人数"].sum() > one.loc[one["传播渠道"] == "全部", "阅读人数"].iloc[0]

    cells_last = {p: table(p) for p in files(root, END) if p.suffix in (".xlsx", ".csv", ".xls")
                  and not p.read_bytes().startswith(b"{")}
    flat = [str(c) for rows in cells_last.values() for r in rows for c in r if c is not None]
    assert "-" in flat and "暂无" in flat and "10万+" in flat and "-3" in flat
    assert any(re.fullmatch(r"\d+(\.\d)?万", c) for c in flat)
    assert any("<script>" in c for c in flat) and any(c.startswith("=") for c in flat)
    assert any("\n" in c for c in flat) and any("🍵" in c for c in flat)

    serial = frame(path(m["excel_serial_date"][-1]), "视频描述")
    assert all(isinstance(v, (int, float)) and 40000 < v < 50000 for v in serial["发布时间"])
    assert serial["视频描述"].isna().any() or (serial["视频描述"] == "").any()
    xhs = frame(root / END / "茶小禾" / "笔记列表明细表.xlsx", "笔记标题")
    assert xhs["笔记标题"].isna().any() or (xhs["笔记标题"] == "").any()
    when = pd.to_datetime(xhs["首次发布时间"], format="%Y年%m月%d日%H时%M分%S秒")
    assert (when > pd.Timestamp("2026-12-01")).sum() == 1

    # Fraud-like: one post's interactions far above the account's norm.
    dy = frame(root / END / "茶园日记" / "抖音作品列表.xlsx", "作品名称")
    ratio = dy["点赞量"].astype(float) / dy["播放量"].astype(float)
    assert ratio.max() > 10 * ratio.median()


# ---------------------------------------------------------------- realistic numbers


def test_viral_hits_and_heavy_tails(demo):
    root, summary = demo
    reads = []
    for p in files(root):
        lay = layout_of(p)
        if lay in ("wechat2026", "wechat2022"):
            df = frame(p, "内容标题")
            col = "阅读人数" if lay == "wechat2026" else "总阅读人数"
            reads += [float(x) for x in df[col] if str(x) not in ("", "None")]
    assert max(reads) >= 100_000
    dy = frame(root / END / "青禾茶事" / "抖音作品列表.xlsx", "作品名称")
    plays = dy["播放量"].astype(float)
    assert plays.max() >= 3 * plays.median()
    assert isinstance(dy["播放量"].iloc[0], str)  # numbers as text
    assert dy["作品名称"].str.contains("\n").all()


def test_posting_times_differ_by_platform(demo):
    root, _ = demo
    hours = {}
    for p in files(root):
        lay = layout_of(p)
        if lay == "douyin" and p.parent.name != "青禾旧号":
            hours.setdefault("douyin", []).extend(pd.to_datetime(frame(p, "作品名称")["发布时间"]).dt.hour)
        if lay == "wechat2026":
            pass
        if lay == "kuaishou":
            hours.setdefault("kuaishou", []).extend(pd.to_datetime(frame(p, "作品")["发布时间"]).dt.hour)
    wx = []
    for p in files(root):
        if layout_of(p) == "xhs":
            wx.extend(pd.to_datetime(frame(p, "笔记标题")["首次发布时间"], format="%Y年%m月%d日%H时%M分%S秒").dt.hour)
    dy = np.bincount(hours["douyin"], minlength=24) / len(hours["douyin"])
    xh = np.bincount(wx, minlength=24) / len(wx)
    assert dy[18:22].sum() > 0.35 and xh[20:23].sum() > 0.3
    assert np.abs(dy - xh).sum() > 0.2


def test_cumulative_snapshots_grow_across_months(demo):
    root, summary = demo
    a, b = summary.months[-2], summary.months[-1]
    old = frame(root / a / "青禾茶事" / "抖音作品列表.xlsx", "作品名称").set_index("作品名称")
    new = frame(root / b / "青禾茶事" / "抖音作品列表.xlsx", "作品名称").set_index("作品名称")
    common = old.index.intersection(new.index)
    assert len(common) >= 5  # the later export still lists earlier posts
    grown = new.loc[common, "播放量"].astype(float) >= old.loc[common, "播放量"].astype(float)
    assert grown.all() and (new.loc[common, "播放量"] != old.loc[common, "播放量"]).any()
    # Exports are taken a few days after the month ended: some list posts from the first days of the next month.
    after = 0
    for month in summary.months:
        for p in (root / month).glob("*/抖音作品列表.xlsx"):
            pub = pd.to_datetime(frame(p, "作品名称")["发布时间"])
            after += int((pub >= pd.Timestamp(f"{month}-01") + pd.offsets.MonthBegin(1)).sum())
    assert after > 0


def test_followers_consistent_between_daily_and_posts(demo):
    root, _ = demo
    folder = root / END / "青禾茶事"
    growth = frame(folder / "用户分析_用户增长.xls", "时间").replace("-", np.nan)
    g = growth.set_index("时间")
    new, lost = g["新关注人数"].astype(float), g["取消关注人数"].astype(float)
    total = g["累积关注人数"].astype(float)
    ok = new.notna() & lost.notna()
    assert ((total.diff() - (new - lost))[ok].dropna().abs() < 1e-9).all()
    total_file = next(p for p in folder.iterdir() if p.name.startswith("total_"))
    art = frame(total_file, "内容标题")
    date_col = "发表日期" if "发表日期" in art else "发表时间"
    day = pd.to_datetime(art[date_col].astype(str).str[:8], format="%Y%m%d").dt.strftime("%Y-%m-%d")
    follows = art.assign(day=day).groupby("day")["阅读后关注人数"].apply(lambda s: s.astype(float).sum())
    for d, v in follows.items():
        if d in new.index and pd.notna(new[d]):
            assert v <= new[d]


def test_strategy_change_moves_the_target_metric(demo):
    root, summary = demo
    sugg = pd.concat([frame(p, "建议内容") for p in root.glob("*/优化建议记录.xlsx")])
    row = sugg[(sugg.get("账号") == "茶小禾") & (sugg["是否采纳"] == "是")].iloc[0]
    assert row["目标指标"] == "观看量"
    eff = pd.Timestamp(row["实施日期"])
    posts = []
    for p in sorted(root.glob("*/茶小禾/笔记列表明细表*.xlsx")):
        df = frame(p, "笔记标题")
        df["t"] = pd.to_datetime(df["首次发布时间"], format="%Y年%m月%d日%H时%M分%S秒")
        posts.append(df)
    allp = pd.concat(posts).drop_duplicates(["笔记标题", "首次发布时间"], keep="last")
    allp = allp[allp["t"] < pd.Timestamp("2026-12-01")]
    before = allp[(allp["t"] < eff) & (allp["t"] >= eff - pd.Timedelta(days=90))]["观看量"].astype(float)
    after = allp[(allp["t"] >= eff) & (allp["t"] < eff + pd.Timedelta(days=90))]["观看量"].astype(float)
    assert len(before) >= 8 and len(after) >= 8
    assert after.median() > 1.2 * before.median()


def test_xlsx_cells_are_values_never_formulas(demo):
    """Titles starting with `=` must be written as text (a platform export holds no formulas)."""
    import zipfile

    root, _ = demo
    checked = 0
    for p in files(root):
        if p.suffix == ".xlsx" and p.read_bytes()[:2] == b"PK":
            with zipfile.ZipFile(p) as z:
                for n in z.namelist():
                    if n.startswith("xl/worksheets/"):
                        assert b"<f>" not in z.read(n) and b"<f " not in z.read(n), p
                        checked += 1
    assert checked > 100
    ws = openpyxl.load_workbook(root / END / "茶小禾" / "笔记列表明细表.xlsx").active
    cells = [c for row in ws.iter_rows() for c in row if isinstance(c.value, str) and c.value.startswith("=SUM")]
    assert cells and all(c.data_type == "s" for c in cells)
    cal = frame(root / END / f"内容排期表_{END}.xlsx", "计划发布时间")
    assert cal["标题"].notna().all() and (cal["标题"].astype(str).str.strip() != "").all()
