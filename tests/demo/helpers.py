"""Readers for the demo tests: they open the written files directly (bytes, xlrd, openpyxl, csv), never the ingest."""
from __future__ import annotations

import csv
import functools
import hashlib
import io
import re
from pathlib import Path

import openpyxl
import pandas as pd
import xlrd

from mediakpi.demo import layouts as L


def hashes(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def table(path: Path) -> list[list]:
    return table_cached(str(path), path.stat().st_mtime_ns)


@functools.lru_cache(maxsize=None)
def table_cached(name: str, _mtime: int) -> list[list]:
    """All rows of a file as lists of cells (xlsx, BIFF xls, HTML xls, csv in utf-8-sig or gb18030)."""
    path = Path(name)
    data = path.read_bytes()
    if data[:4] == b"PK\x03\x04":
        ws = openpyxl.load_workbook(path, read_only=True).active
        return [list(r) for r in ws.iter_rows(values_only=True)]
    if data[:8] == bytes.fromhex("D0CF11E0A1B11AE1"):
        sh = xlrd.open_workbook(file_contents=data).sheet_by_index(0)
        return [sh.row_values(r) for r in range(sh.nrows)]
    if data.lstrip()[:5].lower() == b"<html":
        rows = re.findall(r"<tr>(.*?)</tr>", data.decode("utf-8"), flags=re.S)
        return [re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", r) for r in rows]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("gb18030")
    return list(csv.reader(io.StringIO(text)))


def header_row(rows: list[list], must: str) -> tuple[int, list]:
    for i, r in enumerate(rows[:10]):
        cells = [str(c).strip() if c is not None else "" for c in r]
        if must in cells:
            return i, cells
    raise AssertionError(f"no header with {must}")


def frame(path: Path, must: str) -> pd.DataFrame:
    rows = table(path)
    i, head = header_row(rows, must)
    first = next(j for j, h in enumerate(head) if h)
    width = len(head) - first
    body = [(list(r) + [None] * len(head))[first:first + width] for r in rows[i + 1:]]
    return pd.DataFrame(body, columns=head[first:])


def files(root: Path, month: str | None = None) -> list[Path]:
    base = root / month if month else root
    return [p for p in sorted(base.rglob("*")) if p.is_file() and "templates" not in p.parts]


def layout_of(path: Path) -> str | None:
    """Which export layout a file holds, judged by its header signature (the way a parser must)."""
    try:
        rows = table(path)
    except Exception:
        return None
    sigs = {
        "douyin": L.DOUYIN, "xhs": L.XHS[:12], "bilibili": L.BILIBILI, "bilibili_trend": L.BILIBILI_TREND,
        "channels19": L.CHANNELS, "channels15": L.CHANNELS_SHORT, "wechat2026": L.WECHAT_2026,
        "wechat2022": L.WECHAT_2022, "wechat_growth": L.WECHAT_GROWTH, "weibo": L.WEIBO, "kuaishou": L.KUAISHOU,
        "wechat_tendency": ["日期", "渠道", "阅读人数", "分享人数", "传播渠道", "内容标题"],
    }
    found = None
    for r in rows[:6]:
        cells = [str(c).strip() for c in r if c not in (None, "")]
        for name, sig in sigs.items():
            if set(sig) <= set(cells) and (found is None or len(sig) > len(sigs[found])):
                found = name
    return found


