"""The scale generator on a small team: right counts in the files, mixed formats, same bytes for a seed; and the
synthetic processed history."""
from __future__ import annotations

import hashlib
from datetime import datetime

import numpy as np
import openpyxl
import pandas as pd
import pytest

from mediakpi import catalog
from mediakpi.demo import scaled_team, write_scaled, write_scaled_history
from mediakpi.demo import layouts as L
from mediakpi.demo import scale
from mediakpi.demo.writers import sheet_rows_xml, write_xlsx_fast

from .helpers import frame, layout_of

pytestmark = pytest.mark.slow  # left out by `make test-fast` (tiers: tests/conftest.py)

POSTS, ACCOUNTS, OPERATORS = 2000, 40, 8


@pytest.fixture(scope="module")
def scaled(tmp_path_factory):
    root = tmp_path_factory.mktemp("scaled")
    return root, write_scaled(root, month="2026-10", operators=OPERATORS, accounts=ACCOUNTS, posts=POSTS, seed=3)


KEYS = {"douyin": ("作品名称", ["作品名称", "发布时间"]), "xhs": ("笔记标题", ["笔记标题", "首次发布时间"]),
        "bilibili": ("视频标题", ["视频标题", "发布时间"]), "channels19": ("视频描述", ["视频ID"]),
        "wechat2026": ("内容标题", ["内容url"]), "weibo": ("微博内容", ["微博内容", "发布时间"]),
        "kuaishou": ("作品", ["作品", "发布时间"])}


def test_counts_in_the_files_match_the_request(scaled):
    root, s = scaled
    month = root / "2026-10"
    rows, keys, by_ext = 0, set(), {}
    for p in sorted(month.rglob("*")):
        if not p.is_file() or p.parent == month:
            continue
        lay = layout_of(p)
        if lay not in KEYS:
            continue
        must, key = KEYS[lay]
        df = frame(p, must)
        rows += len(df)
        by_ext[p.suffix] = by_ext.get(p.suffix, 0) + 1
        if lay == "bilibili":
            assert 1 <= len(df) <= 10
        for k in df[key].astype(str).itertuples(index=False, name=None):
            keys.add((p.parent.name, lay, k))
    assert s.posts == POSTS == len(keys)
    assert rows == s.rows >= POSTS
    assert {".csv", ".xlsx", ".xls"} <= set(by_ext)
    folders = {p.name for p in month.iterdir() if p.is_dir()}
    roster = frame(month / "花名册.xlsx", "姓名")
    assert folders == set(roster["账号"]) and len(folders) == ACCOUNTS
    assert roster["姓名"].nunique() == OPERATORS
    team = scaled_team(OPERATORS, ACCOUNTS, 3)
    assert set(team["platform"]) == set(catalog.PLATFORMS)
    cal = frame(month / "内容排期表.csv", "计划发布时间")
    assert 0.85 * POSTS < len(cal) < POSTS


def test_scaled_is_deterministic_and_chunking_changes_nothing(scaled, tmp_path, monkeypatch):
    root, s = scaled
    monkeypatch.setattr(scale, "CHUNK_ROWS", 37)  # many small formatting chunks instead of one
    again = write_scaled(tmp_path, month="2026-10", operators=OPERATORS, accounts=ACCOUNTS, posts=POSTS, seed=3)
    h = lambda r: {p.relative_to(r).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()  # noqa: E731
                   for p in sorted(r.rglob("*")) if p.is_file()}
    assert h(root) == h(tmp_path) and again.rows == s.rows


def test_fast_xlsx_reads_back_cell_for_cell(tmp_path):
    df = pd.DataFrame({"标题": ["a<b & c", "=SUM(A1)", None, " 换行\n标题 ", "🍵"],
                       "数": pd.Series([1, None, 3, 4, 5], dtype=object),
                       "率": [0.5, 0.25, 1.0, 2.5, 0.0], "文本数": ["1", "2", "-", "4", "1.2万"]})
    path = tmp_path / "x.xlsx"
    write_xlsx_fast(path, list(df.columns), sheet_rows_xml(df, np.arange(len(df)) + 3),
                    stamp=datetime(2026, 11, 2, 2), banner=L.XHS_BANNER)
    ws = openpyxl.load_workbook(path).active
    assert [str(r) for r in ws.merged_cells.ranges] == ["A1:D1"]
    got = [list(r) for r in ws.iter_rows(values_only=True)]
    assert got[0][0] == L.XHS_BANNER and got[1] == list(df.columns)
    want = [[None if (v is None or v != v) else v for v in r] for r in df.itertuples(index=False, name=None)]
    assert got[2:] == want
    assert isinstance(got[2][3], str) and isinstance(got[2][1], int)


def test_history_has_the_contract_dtypes(tmp_path):
    written = write_scaled_history(tmp_path, "2026-10", months=2, operators=OPERATORS, accounts=ACCOUNTS,
                                   posts=500, seed=3)
    assert [p.parent.name for p in written] == ["2026-08", "2026-09"]
    team = scaled_team(OPERATORS, ACCOUNTS, 3)
    for p in written:
        df = pd.read_parquet(p)
        assert p.name == catalog.file_name("posts") and len(df) == 500
        for col, dtype in catalog.POSTS.items():
            assert str(df[col].dtype) == dtype, col
        assert set(df["account"]) <= set(team["account"])
        month = p.parent.name
        assert (df["published_at"].dt.strftime("%Y-%m") == month).all()
        assert df["post_id"].is_unique and df["views"].min() >= 1
