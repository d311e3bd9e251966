"""Cases found on real exports (issue 13), each on a fixture built from the public facts of docs/specs/platform-exports.md:
the newest snapshot decided by content only, ids that repeat inside a file, header-only files, image notes' watch
time, symbolic links that lead out of the month folder, private (自见) works."""
from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pandas as pd
from pandas.testing import assert_frame_equal

from mediakpi.ingest import ingest_period
from mediakpi.paths import Workspace

from .builders import (BILI_HEAD, DOUYIN_HEAD, WX2025_HEAD, XHS_HEAD, bili_row, douyin_row, write_csv, write_xlsx)
from .conftest import entry, reconciles
import pytest

pytestmark = pytest.mark.slow  # left out by `make test-fast` (tiers: tests/conftest.py)


def _age(paths_newest_first: list[Path]) -> None:
    """File times set against the download order: the file downloaded last gets the oldest modification time."""
    now = time.time()
    for k, p in enumerate(paths_newest_first):
        os.utime(p, (now - 86400 * (len(paths_newest_first) - k), now - 86400 * (len(paths_newest_first) - k)))


def _bili_snapshots(folder: Path) -> list[Path]:
    """Four 近期稿件对比 downloads of one account, weeks apart (at most 10 videos each, the most recent first): the
    video 《秋茶开箱》 has 955 views in the oldest and 1066 in the newest. The names are the browser's (` (1)` …), so
    path order puts the oldest download last."""
    files = []
    views = [955, 990, 1031, 1066]
    for k in range(4):                    # k = download order
        rows = [bili_row("秋茶开箱", "2026年10月03日 19:30:00", str(views[k]), 点赞量=str(40 + k))]
        for j in range(9):                # the other videos of the list: newer ones appear in later downloads
            day = 4 + 3 * k + j
            rows.append(bili_row(f"茶课第{day}讲", f"2026年10月{day:02d}日 12:00:00", str(100 + 10 * k + j)))
        name = "近期稿件对比.csv" if k == 0 else f"近期稿件对比 ({k}).csv"
        files.append(write_csv(folder / name, [BILI_HEAD] + rows))
    return files


def _douyin_snapshots(folder: Path) -> list[Path]:
    """Two 抖音作品列表 downloads (no date in the file or its name) listing the same works: a work had 11 plays in
    the first and 37 in the second. Both list the same newest work, so the cumulative counts decide."""
    older = [douyin_row("周末茶席", "2026-10-28 20:00:00", "11", 点赞量="1"),
             douyin_row("白茶怎么存", "2026-10-20 09:00:00", "500")]
    newer = [douyin_row("周末茶席", "2026-10-28 20:00:00", "37", 点赞量="4"),
             douyin_row("白茶怎么存", "2026-10-20 09:00:00", "520")]
    a = write_xlsx(folder / "抖音作品列表.xlsx", [DOUYIN_HEAD] + older)
    b = write_xlsx(folder / "抖音作品列表 (1).xlsx", [DOUYIN_HEAD] + newer)
    return [a, b]


def _ingest(root: Path):
    return ingest_period(Workspace.of(root, root / "reports"), "2026-10", write=False)


def test_newest_snapshot_by_content_not_file_times(tmp_path):
    month = tmp_path / "raw" / "2026-10"
    bili = _bili_snapshots(month / "青禾茶课")
    dy = _douyin_snapshots(month / "茶园日记")
    _age(list(reversed(bili)))            # newest download: oldest file time
    _age(list(reversed(dy)))
    r = _ingest(tmp_path)
    posts = r.posts.set_index("title")
    assert posts.loc["秋茶开箱", "views"] == 1066 and posts.loc["秋茶开箱", "likes"] == 43
    assert posts.loc["周末茶席", "views"] == 37 and posts.loc["白茶怎么存", "views"] == 520
    reconciles(r)
    # which rule decided, per file: the Bilibili lists differ in the newest video they list, the Douyin ones in counts
    oldest = entry(r, "青禾茶课/近期稿件对比.csv")
    assert oldest["snapshot_rule"] == "month_end"
    assert oldest["duplicates_decided_by"] == {"newest_published": oldest["duplicates_merged"]} == {"newest_published": 7}
    assert entry(r, "茶园日记/抖音作品列表.xlsx")["duplicates_decided_by"] == {"larger_counts": 2}
    assert entry(r, "茶园日记/抖音作品列表 (1).xlsx")["duplicates_merged"] == 0


def test_copied_files_give_identical_tables(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    month = a / "raw" / "2026-10"
    files = _bili_snapshots(month / "青禾茶课") + _douyin_snapshots(month / "茶园日记")
    _age(files)
    shutil.copytree(a / "raw", b / "raw", copy_function=shutil.copy)   # a plain copy: new modification times
    _age(list(reversed(sorted((b / "raw").rglob("*.*")))))
    ra, rb = _ingest(a), _ingest(b)
    assert_frame_equal(ra.posts, rb.posts)
    assert_frame_equal(ra.manifest, rb.manifest)


def test_banner_date_decides(tmp_path):
    """Xiaohongshu's banner row can state when the data was taken: the later statement wins, whatever the path order
    and file times say."""
    month = tmp_path / "raw" / "2026-10"
    head = [h for h in XHS_HEAD]

    def xhs(views, banner):
        row = dict(zip(XHS_HEAD, ["秋日茶会", "2026年10月05日15时39分28秒", "视频", "1000", views, "0.18", "10", "2", "3",
                                  "1", "1", "18", "0"]))
        return [[banner] * len(head), head, [row[h] for h in head]]

    late = write_xlsx(month / "茶小禾" / "笔记列表明细表 (1).xlsx",
                      xhs("120", "最多导出排序后前1000条笔记，数据统计截至2026年10月31日"))
    early = write_xlsx(month / "茶小禾" / "笔记列表明细表.xlsx",
                       xhs("150", "最多导出排序后前1000条笔记，数据统计截至2026-10-20"))
    _age([late, early])
    r = _ingest(tmp_path)
    assert r.posts.loc[0, "views"] == 120          # the later statement, although its count is smaller
    assert r.posts.loc[0, "snapshot_at"] == pd.Timestamp("2026-11-01", tz="Asia/Shanghai")
    e = entry(r, "笔记列表明细表.xlsx")
    assert e["snapshot_rule"] == "banner" and e["duplicates_decided_by"] == {"snapshot_at": 1}
    assert e["snapshot_at"].startswith("2026-10-21")


def test_repeated_url_is_not_an_id(tmp_path):
    """已通知内容 whose 内容url is the same truncated link on every row (`…__biz=…#rd`, no mid/idx): three articles
    stay three; a row repeated whole still merges."""
    month = tmp_path / "raw" / "2026-10"
    url = "http://mp.weixin.qq.com/s?__biz=MzA5NjM3NjU0MQ==#rd"

    def art(title, day, reads):
        return ["", title, day, reads, "5", "1", "1200", "0.12", "0.45", url]
    rows = [["数据来源概况", *WX2025_HEAD[1:]], art("白茶到底分几类？", "20261003", "642"),
            art("秋天喝什么茶", "20261010", "511"), art("寿眉的三种喝法", "20261017", "480")]
    write_csv(month / "青禾研究所" / "total_1759248000_1761840000.csv", rows)
    ok_url = "http://mp.weixin.qq.com/s?__biz=MzA5&mid=2&idx=1&sn=ab#rd"
    write_csv(month / "青禾茶事" / "已通知内容.csv", [rows[0], art("同一行两次", "20261005", "10")[:-1] + [ok_url],
                                                   art("同一行两次", "20261005", "10")[:-1] + [ok_url]])
    r = _ingest(tmp_path)
    wx = r.posts[r.posts["account"] == "青禾研究所"]
    assert sorted(wx["views"].tolist()) == [480, 511, 642] and wx["post_id"].str.startswith("h:").all()
    e = entry(r, "total_1759248000_1761840000.csv")
    assert e["id_fallback"] and "标题+发布时间" in e["message"] and e["duplicates_merged"] == 0
    same = entry(r, "已通知内容.csv")
    assert not same["id_fallback"] and same["duplicates_merged"] == 1
    assert r.posts.loc[r.posts["account"] == "青禾茶事", "post_id"].str.startswith("url:").all()
    reconciles(r)


def test_header_only_export_says_it_has_no_rows(tmp_path):
    month = tmp_path / "raw" / "2026-10"
    write_xlsx(month / "茶园日记" / "抖音作品列表.xlsx", [DOUYIN_HEAD])
    r = _ingest(tmp_path)
    e = entry(r, "抖音作品列表.xlsx")
    assert e["kind"] == "platform_export" and e["rows_read"] == 0
    assert "没有数据行" in e["message"] and e["message"] != "已读取。"


def test_image_notes_keep_their_exported_watch_time(tmp_path):
    """Issue 24: real note lists write 人均观看时长 on every 图文 note (2–106 s); it is kept. Only an exported 0 on a
    图文 note is read as "not measured"; a video's 0 is a real 0."""
    month = tmp_path / "raw" / "2026-10"
    vals = lambda t, fmt, secs: [dict(zip(XHS_HEAD, [t, "2026年10月05日15时39分28秒", fmt, "1000", "100", "0.18", "10",
                                                      "2", "3", "1", "1", secs, "0"]))[h] for h in XHS_HEAD]
    write_xlsx(month / "茶小禾" / "笔记列表明细表.xlsx",
               [["最多导出排序后前1000条笔记"] * len(XHS_HEAD), XHS_HEAD, vals("图文一", "图文", "0"),
                vals("图文二", "图文", "24"), vals("图文三", "图文", "106"),
                vals("视频一", "视频", "18"), vals("视频二", "视频", "0")], merge=["A1:M1"])
    r = _ingest(tmp_path)
    w = r.posts.set_index("title")["avg_watch_seconds"]
    assert pd.isna(w["图文一"]) and w["图文二"] == 24 and w["图文三"] == 106
    assert w["视频一"] == 18 and w["视频二"] == 0
    assert r.posts["avg_watch_seconds"].mean() == (24 + 106 + 18 + 0) / 4


def test_symlink_out_of_the_month_folder_is_not_opened(tmp_path):
    month = tmp_path / "raw" / "2026-10"
    write_xlsx(month / "茶园日记" / "抖音作品列表.xlsx", [DOUYIN_HEAD, douyin_row()])
    outside = write_csv(tmp_path / "elsewhere" / "secret.csv", [DOUYIN_HEAD, douyin_row("外面的视频")])
    (month / "茶园日记" / "link.csv").symlink_to(outside)
    (month / "茶园日记" / "passwd.csv").symlink_to("/etc/passwd")
    (month / "茶园日记" / "gone.csv").symlink_to(tmp_path / "nothing.csv")
    (month / "linked_dir").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    (month / "茶园日记" / "inside.xlsx").symlink_to(month / "茶园日记" / "抖音作品列表.xlsx")
    r = _ingest(tmp_path)
    assert "外面的视频" not in r.posts["title"].tolist()
    for name in ("link.csv", "passwd.csv", "gone.csv", "linked_dir"):
        e = entry(r, name)
        assert e["kind"] == "skipped" and e["rows_read"] == 0 and "链接" in e["message"], e
    assert "本月文件夹以外" in entry(r, "passwd.csv")["message"]
    assert entry(r, "inside.xlsx")["kind"] == "platform_export"       # a link inside the folder is an ordinary file
    assert r.totals["skipped"] == 4
    reconciles(r)


def test_private_works_keep_their_visibility(tmp_path):
    month = tmp_path / "raw" / "2026-10"
    write_xlsx(month / "茶园日记" / "抖音作品列表.xlsx",
               [DOUYIN_HEAD, douyin_row("公开视频"), douyin_row("自见视频", "2026-10-06 12:00:00", "0", 审核状态="自见")])
    write_csv(month / "青禾茶课" / "近期稿件对比.csv", [BILI_HEAD, bili_row(), bili_row("视频二", "2026年10月06日 10:00:00")])
    r = _ingest(tmp_path)
    vis = r.posts.set_index("title")["visibility"]
    assert vis["公开视频"] == "公开" and vis["自见视频"] == "自见"
    assert r.posts.loc[r.posts["platform"] == "bilibili", "visibility"].isna().all()   # the export has none
    assert r.posts.set_index("title").loc["自见视频", "views"] == 0 and r.posts.set_index("title").loc["自见视频", "likes"] == 50


def test_skipped_link_is_a_note_in_clean(tmp_path):
    from mediakpi.clean.quality import read_manifest

    month = tmp_path / "raw" / "2026-10"
    write_xlsx(month / "茶园日记" / "抖音作品列表.xlsx", [DOUYIN_HEAD, douyin_row()])
    (month / "茶园日记" / "passwd.csv").symlink_to("/etc/passwd")
    r = ingest_period(Workspace.of(tmp_path, tmp_path / "reports"), "2026-10", write=True)
    _, notes = read_manifest(r.out_dir)
    assert any("passwd.csv" in n["message"] and "符号链接" in n["message"] for n in notes)
