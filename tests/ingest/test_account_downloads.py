"""Account-level downloads (issue 24): Douyin 数据总览 per-metric trend files, Xiaohongshu 近30日/近7日 workbooks whose
metric is the sheet's name, account_daily merged per column, the roster deciding the platform of files that name none,
unrecognised files described, and 图文 watch time kept as exported. The files are written by the project's own demo
writers (mediakpi.demo.account_downloads), in the byte shapes docs/specs/platform-exports.md and the issue describe."""
from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pandas.testing import assert_frame_equal

from mediakpi.config import ConfigError
from mediakpi.demo.account_downloads import write_douyin_trend, write_xhs_account
from mediakpi.ingest import ingest_period, read_export
from mediakpi.ingest.daily_merge import merge_columns
from mediakpi.ingest.layouts import load_registry
from mediakpi.paths import Workspace

from .account_month import STAMP, follower_path, write_account_month
from .builders import write_csv
from .conftest import entry, reconciles, roster


def _ingest(root: Path):
    return ingest_period(Workspace.of(root, root / "reports"), "2026-10", write=False)


# ------------------------------------------------------------------------------------------------ Douyin
def test_douyin_trend_files_are_read_by_their_metric_header(tmp_path):
    fp = follower_path(3)
    f = tmp_path / "a.xlsx"
    write_douyin_trend(f, "净增粉丝", fp.days, fp.net, stamp=STAMP)
    lid, df = read_export(f)
    assert lid == "douyin_account_trend"
    assert df["net_growth"].tolist() == fp.net.tolist() and (df["net_growth"] < 0).any()   # net: negative kept
    write_douyin_trend(f, "封面点击率", fp.days, np.full(30, 0.25), stamp=STAMP)
    lid, df = read_export(f)
    assert df["cover_ctr"].tolist() == [0.25] * 30                                        # `25.00%` text
    assert str(df["date"].iloc[0])[:10] == "2026-10-02" and str(df["date"].iloc[-1])[:10] == "2026-10-31"


def test_douyin_trend_in_a_folder_the_roster_gives_to_another_platform_is_not_read(month, run):
    fp = follower_path(4)
    roster(month, [["杨帆", "快手", "青禾快手", "E1", "运营", "2025-01-01"]])
    write_douyin_trend(month / "青禾快手" / "总粉丝量.xlsx", "总粉丝量", fp.days, fp.total, stamp=STAMP)
    r = run()
    e = entry(r, "总粉丝量.xlsx")
    assert e["rows_read"] == 0 and "快手" in e["message"] and "抖音" in e["message"] and "未读取" in e["message"]
    assert r.account_daily.empty
    reconciles(r)


def test_douyin_trend_in_a_folder_not_in_the_roster_is_read_with_the_usual_message(month, run):
    fp = follower_path(5)
    roster(month, [["王芳", "抖音", "品牌号", "E1", "运营", "2025-01-01"]])
    write_douyin_trend(month / "旧号" / "x.xlsx", "总粉丝量", fp.days, fp.total, stamp=STAMP)
    r = run()
    assert len(r.account_daily) == 30 and "不在花名册" in entry(r, "x.xlsx")["message"]


# ------------------------------------------------------------------------------------------------ Xiaohongshu
@pytest.mark.parametrize("newest_first", [True, False])
def test_xiaohongshu_trend_sheets_take_their_metric_from_the_sheet_name(tmp_path, newest_first):
    fp = follower_path(6)
    f = tmp_path / "近30日涨粉数据.xlsx"
    write_xhs_account(f, "涨粉数据", fp.days, {"净涨粉趋势": fp.net, "新增关注趋势": fp.gained, "取消关注趋势": fp.lost,
                                              "主页转粉率趋势": np.full(30, 0.03)},
                      stamp=STAMP, newest_first=newest_first, summary={"净涨粉": fp.net.sum()})
    lid, df = read_export(f)
    assert lid == "xiaohongshu_account_trend"
    by = {c: df.dropna(subset=[c]).sort_values("date")[c].tolist() for c in ("net_growth", "followers_gained",
                                                                             "followers_lost")}
    assert by == {"net_growth": fp.net.tolist(), "followers_gained": fp.gained.tolist(),
                  "followers_lost": fp.lost.tolist()}
    assert df["profile_conversion_rate"].dropna().round(6).tolist() == [0.03] * 30          # `3%`


def test_xiaohongshu_watch_workbook_units(tmp_path):
    fp = follower_path(7)
    f = tmp_path / "近30日观看数据.xlsx"
    write_xhs_account(f, "观看数据", fp.days, {"封面点击率趋势": np.full(30, 0.19), "平均观看时长趋势": np.full(30, 24),
                                              "观看总时长趋势": np.full(30, 1030), "视频完播率趋势": np.zeros(30)},
                      stamp=STAMP)
    _, df = read_export(f)
    assert df["cover_ctr"].dropna().round(6).unique().tolist() == [0.19]
    assert df["avg_watch_seconds"].dropna().unique().tolist() == [24]
    assert df["watch_seconds_total"].dropna().unique().tolist() == [1030]
    assert df["completion_rate"].dropna().unique().tolist() == [0]


def test_unknown_trend_sheet_is_set_aside_and_named(month, run):
    from openpyxl import Workbook

    roster(month, [["陈静", "小红书", "茶小禾", "E2", "运营", "2025-01-01"]])
    wb = Workbook()
    wb.active.title = "净涨粉趋势"
    for r in [["日期", "数值"], ["2026年10月02日", 3], ["2026年10月01日", -1]]:
        wb.active.append(r)
    ws = wb.create_sheet("新功能趋势")
    for r in [["日期", "数值"], ["2026年10月02日", 5]]:
        ws.append(r)
    (month / "茶小禾").mkdir(parents=True)
    wb.save(month / "茶小禾" / "近7日.xlsx")
    r = run()
    e = entry(r, "近7日.xlsx")
    assert e["rows_kept"] == 2 and e["rows_ignored"] == 1 and "新功能趋势" in e["message"]
    assert sorted(r.account_daily["net_growth"].tolist()) == [-1, 3]
    reconciles(r)


# ------------------------------------------------------------------------------------------------ config
def _config_with(tmp_path, old: str, new: str) -> str:
    text = (Path(__file__).parents[2] / "config" / "platforms.yaml").read_text(encoding="utf-8")
    assert old in text
    p = tmp_path / "platforms.yaml"
    p.write_text(text.replace(old, new, 1), encoding="utf-8")
    return str(p)


@pytest.mark.parametrize("old,new,named", [
    ("净涨粉趋势: net_growth", "净涨粉趋势: net_gain", "metric_from_sheet.sheets"),
    ("    metric_from_sheet:\n      column: value", "    metric_from_sheet:\n      column: valu", "metric_from_sheet.column"),
    ("    metric_from_sheet:\n      column: value", "    metric_from_sheet:\n      colum: value", "metric_from_sheet"),
    ("signature_any: [followers_total,", "signature_any: [followers_totl,", "signature_any"),
])
def test_config_errors_name_the_key(tmp_path, old, new, named):
    path = _config_with(tmp_path, old, new)
    with pytest.raises(ConfigError) as exc:
        load_registry(path)
    assert named in str(exc.value) and "platforms.yaml" in str(exc.value)


# ------------------------------------------------------------------------------------------------ per-column merge
def test_one_metric_per_file_gives_one_row_per_day_with_every_column(month, run):
    paths = write_account_month(month)
    r = run()
    d = r.account_daily.sort_values(["platform", "date"])
    dy, xhs = d[d["platform"] == "douyin"], d[d["platform"] == "xiaohongshu"]
    assert len(dy) == 30 and len(xhs) == 30
    assert dy["followers_total"].tolist() == paths["douyin"].total.tolist()
    assert dy["followers_lost"].tolist() == paths["douyin"].lost.tolist()       # the 30 取关粉丝 rows are not lost
    assert dy["net_growth"].tolist() == paths["douyin"].net.tolist()
    assert xhs["followers_gained"].tolist() == paths["xiaohongshu"].gained.tolist()
    assert xhs["followers_lost"].tolist() == paths["xiaohongshu"].lost.tolist()
    assert xhs["impressions"].notna().all() and xhs["views"].notna().all()
    # the manifest says which file gave which column, and accounts for every file
    assert entry(r, "掉粉-10月.xlsx")["columns_given"] == {"followers_lost": 30}
    assert entry(r, "总粉丝量.xlsx")["columns_given"] == {"followers_total": 30}
    assert entry(r, "数据总览 (3).xlsx")["columns_given"] == {"net_growth": 30}
    assert set(r.manifest["kind"]) == {"platform_export", "team_table"}
    reconciles(r)
    m = r.manifest
    assert m["rows_kept"].sum() == len(r.posts) + len(r.account_daily) + sum(len(t) for t in r.team.values())


rows_st = st.lists(st.tuples(st.integers(0, 3), st.integers(0, 4),
                             st.one_of(st.none(), st.integers(-50, 50)), st.one_of(st.none(), st.integers(0, 99))),
                   max_size=25)


@settings(deadline=None, max_examples=80)  # pandas on a shared 2-core machine: an example can take over 200 ms
@given(rows_st, st.randoms(use_true_random=False))
def test_merge_columns_takes_the_newest_non_null_value_of_each_column(rows, rnd):
    """Against the definition: for each key and column, the value of the last row (in precedence order) that has
    one; the result does not depend on how rows of different keys interleave."""
    df = pd.DataFrame(rows, columns=["k", "rank", "a", "b"]).astype({"a": "Int64", "b": "Int64"})
    df = df.sort_values("rank", kind="stable").reset_index(drop=True)   # precedence order
    out, given_ = merge_columns(df, ["k"], ["a", "b"])
    for k, g in df.groupby("k"):
        row = out[out["k"] == k]
        assert len(row) == 1
        for c in ("a", "b"):
            vals = g[c].dropna()
            want = vals.iloc[-1] if len(vals) else pd.NA
            got = row[c].iloc[0]
            assert (pd.isna(got) and pd.isna(want)) or got == want
    assert len(out) == df["k"].nunique()
    assert len(given_) == int(out[["a", "b"]].notna().sum().sum())
    # interleaving of other keys: any shuffle that keeps each key's own order
    pick = [rnd.random() for _ in range(len(df))]
    mixed = df.assign(_r=pick)
    mixed["_r"] = mixed.groupby("k")["_r"].transform(lambda s: np.sort(s.to_numpy()))
    mixed = mixed.sort_values("_r", kind="stable").drop(columns="_r").reset_index(drop=True)
    out2, _ = merge_columns(mixed, ["k"], ["a", "b"])
    assert_frame_equal(out.sort_values("k")[["k", "a", "b"]].reset_index(drop=True),
                       out2.sort_values("k")[["k", "a", "b"]].reset_index(drop=True))


# ------------------------------------------------------------------------------------------------ the whole month
def _tables(r) -> tuple[pd.DataFrame, pd.DataFrame]:
    """account_daily and posts without the columns that name files (a renamed file is named differently)."""
    drop = ["source_file", "source_row"]
    d = r.account_daily.drop(columns=drop).sort_values(["platform", "account", "date"]).reset_index(drop=True)
    p = r.posts.drop(columns=drop).sort_values(["platform", "post_id"]).reset_index(drop=True)
    return d, p


def _set_times(root: Path, seed: int) -> None:
    rng = np.random.default_rng(seed)
    now = time.time()
    for p in sorted(root.rglob("*")):
        if p.is_file():
            t = now - float(rng.integers(0, 86400 * 90))
            os.utime(p, (t, t))


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.permutations(["总粉丝量", "净增粉丝", "取关粉丝", "播放量"]), st.booleans(), st.integers(0, 10_000))
def test_any_renaming_order_or_sheet_order_gives_the_same_tables(tmp_path_factory, perm, newest_first, seed):
    """Renaming the Douyin downloads (the names shuffled between metrics, so the files sort differently), writing
    the Xiaohongshu sheets newest-first or oldest-first and changing every file time give the same account_daily."""
    base = tmp_path_factory.mktemp("base")
    write_account_month(base / "raw" / "2026-10")
    other = tmp_path_factory.mktemp("other")
    names = dict(zip(perm, ["a.xlsx", "下载 (1).xlsx", "z-趋势.xlsx", "数据总览.xlsx"]))
    write_account_month(other / "raw" / "2026-10", names=names, newest_first=newest_first)
    _set_times(other / "raw", seed)
    a, b = _ingest(base), _ingest(other)
    for x, y in zip(_tables(a), _tables(b)):
        assert_frame_equal(x, y)
    reconciles(b)


def _follower_indicators(root: Path) -> pd.DataFrame:
    from mediakpi.clean import clean_period
    from mediakpi.clean.run import write_result
    from mediakpi.scoring.pipeline import score_period

    ws = Workspace.of(root, root / "reports")
    ingest_period(ws, "2026-10")
    write_result(ws, clean_period(ws, "2026-10"))
    i = score_period(ws, "2026-10").indicator_scores
    return i[i["indicator"].isin(["粉丝增长率", "用户留存率"])].sort_values(["operator", "indicator"]).reset_index(drop=True)


def test_copied_month_gives_the_same_account_daily_and_follower_growth(tmp_path):
    """The check of issue 24: one Douyin and one Xiaohongshu account with post lists and account downloads
    (renamed), copied elsewhere with every file time changed: the same account_daily, the same 粉丝增长率 and
    用户留存率, and a manifest that accounts for every file."""
    a = tmp_path / "a"
    paths = write_account_month(a / "raw" / "2026-10")
    b = tmp_path / "b"
    shutil.copytree(a / "raw", b / "raw")
    _set_times(b / "raw", 11)
    ra, rb = _ingest(a), _ingest(b)
    assert_frame_equal(ra.account_daily, rb.account_daily)
    assert_frame_equal(ra.manifest, rb.manifest)
    files = sorted(str(p.relative_to(b / "raw" / "2026-10")) for p in (b / "raw" / "2026-10").rglob("*") if p.is_file())
    assert sorted(rb.manifest["path"]) == files
    reconciles(rb)
    fa, fb = _follower_indicators(a), _follower_indicators(b)
    assert_frame_equal(fa, fb)
    dy = fa[(fa["operator"] == "王芳") & (fa["indicator"] == "粉丝增长率")].iloc[0]
    assert dy["status"] == "scored" and "抖音账号数据文件" in dy["explanation"] and "粉丝总数" in dy["explanation"]
    net = int(paths["douyin"].total[-1] - paths["douyin"].total[0] + paths["douyin"].net[0])
    assert net < 0 and f"净减{net:,}只覆盖部分天数" in dy["explanation"]   # extended to the 31 days held
    assert f"按负责天数折算为{round(net * 31 / 30):,}" in dy["explanation"]
    assert "只覆盖10月2日至10月31日" in dy["explanation"]          # 30 of 31 days: the month is only partly covered
    ret = fa[(fa["operator"] == "王芳") & (fa["indicator"] == "用户留存率")].iloc[0]
    assert f"取关{int(paths['douyin'].lost.sum()):,}" in ret["explanation"]
    xhs = fa[(fa["operator"] == "陈静") & (fa["indicator"] == "粉丝增长率")].iloc[0]
    assert "小红书账号数据文件" in xhs["explanation"] and "作品涨粉" not in xhs["explanation"]


# ------------------------------------------------------------------------------------------------ unrecognised
def test_unrecognised_file_with_a_follower_series_is_never_called_ignorable(month, run):
    write_csv(month / "品牌号" / "导出.csv", [["统计日", "粉丝净增"], ["2026-10-01", "3"], ["2026-10-02", "-2"]])
    write_csv(month / "品牌号" / "备忘.csv", [["事项", "负责人"], ["买茶", "张三"]])
    r = run()
    fans = entry(r, "导出.csv")
    assert fans["kind"] == "unrecognised" and "可以忽略" not in fans["message"]
    assert "粉丝增长率" in fans["message"] and "统计日" in fans["message"]
    other = entry(r, "备忘.csv")
    assert other["kind"] == "unrecognised" and "可以忽略" in other["message"] and "事项" in other["message"]


@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sets(st.integers(0, 29), min_size=1, max_size=10))
def test_days_missing_from_the_account_files_never_raise_follower_growth(tmp_path_factory, gone):
    """Missing data never helps: the same month (a growing account) with some days cut out of every Douyin
    download (the files then cover part of the month) scores 粉丝增长率 no higher, and 用户留存率 extends the losses
    it saw to the days held (an estimate: the explanation says so)."""
    from openpyxl import load_workbook

    full = tmp_path_factory.mktemp("full")
    write_account_month(full / "raw" / "2026-10", lost_max=12)
    cut = tmp_path_factory.mktemp("cut")
    write_account_month(cut / "raw" / "2026-10", lost_max=12)
    for f in (cut / "raw" / "2026-10" / "品牌号").glob("*.xlsx"):
        wb = load_workbook(f)
        if wb.sheetnames != ["Sheet1"]:
            continue
        ws = wb["Sheet1"]
        for r in sorted((k + 2 for k in gone), reverse=True):
            ws.delete_rows(r)
        wb.save(f)
    a, b = _follower_indicators(full), _follower_indicators(cut)
    pick = lambda t, ind: t[(t["operator"] == "王芳") & (t["indicator"] == ind)].iloc[0]  # noqa: E731
    ga, gb = pick(a, "粉丝增长率"), pick(b, "粉丝增长率")
    assert 0 < ga["score"] and gb["score"] <= ga["score"] + 1e-9, (ga["explanation"], gb["explanation"])
    ra, rb = pick(a, "用户留存率"), pick(b, "用户留存率")
    assert 0 < ra["score"] and "按负责天数折算" in rb["explanation"] and "只覆盖" in rb["explanation"]
