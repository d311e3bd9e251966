"""Account-level downloads as the platforms' web pages write them (the demo generator and the tests both use these).

- Douyin 创作者中心 → 数据总览: each metric downloads as its own .xlsx, one sheet `Sheet1`, two columns
  日期 | <metric>, 30 rows, dates as text `2026-03-14` ascending, counts as numbers, a rate as text `25.00%`. The file
  carries no platform word (users rename it freely).
- Xiaohongshu 创作服务平台 → 近30日 (or 近7日) 涨粉/观看/互动/发布数据: one workbook, a summary sheet
  `账号总体…数据` (指标 | 数值, with 环比 rows) and one trend sheet per metric named by the metric (`净涨粉趋势` …), each
  with the header 日期 | 数值 and dates as text `2026年03月16日`, newest first.

Byte-deterministic (zip entry times and docProps from `stamp`), like every demo writer.
"""
from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path
from typing import Sequence

import numpy as np
import pandas as pd

from .writers import normalise_xlsx

DOUYIN_TREND_METRICS = ("总粉丝量", "净增粉丝", "取关粉丝", "播放量", "作品点赞", "作品评论", "作品分享", "主页访问",
                        "封面点击率")
DOUYIN_RATES = ("封面点击率",)

# Xiaohongshu workbook -> (summary sheet, trend sheets in the page's order)
XHS_WORKBOOKS = {
    "涨粉数据": ("账号总体涨粉数据", ("净涨粉趋势", "新增关注趋势", "取消关注趋势", "主页访客趋势", "主页转粉率趋势")),
    "观看数据": ("账号总体观看数据", ("曝光趋势", "观看趋势", "封面点击率趋势", "平均观看时长趋势", "观看总时长趋势",
                                     "视频完播率趋势")),
    "互动数据": ("账号总体互动数据", ("点赞趋势", "评论趋势", "收藏趋势", "分享趋势")),
    "发布数据": ("账号总体发布数据", ("总发布趋势", "发布视频趋势", "发布图文趋势")),
}
# how each Xiaohongshu trend writes its value: count (number), pct (`19%`), seconds (`24秒`)
XHS_FORMS = {"主页转粉率趋势": "pct", "封面点击率趋势": "pct", "视频完播率趋势": "pct", "平均观看时长趋势": "seconds",
             "观看总时长趋势": "seconds"}


def _workbook(sheets: dict[str, list[list]], stamp: datetime) -> bytes:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    wb.properties.creator = "xlsx"          # the page's exporter, not Excel
    wb.properties.created = stamp
    wb.properties.modified = stamp
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r in rows:
            ws.append([None if (isinstance(v, float) and np.isnan(v)) else v for v in r])
    buf = io.BytesIO()
    wb.save(buf)
    return normalise_xlsx(buf.getvalue(), stamp)


def douyin_trend_rows(metric: str, days: Sequence[pd.Timestamp], values: Sequence[float]) -> list[list]:
    """[[日期, metric], [`2026-03-14`, value] …] ascending by day; a rate as text `25.00%` (value a fraction)."""
    order = np.argsort(pd.DatetimeIndex(days).asi8, kind="stable")
    out: list[list] = [["日期", metric]]
    for k in order:
        d, v = pd.Timestamp(days[k]), values[k]
        cell: str | int = f"{float(v) * 100:.2f}%" if metric in DOUYIN_RATES else int(round(float(v)))
        out.append([d.strftime("%Y-%m-%d"), cell])
    return out


def write_douyin_trend(path: Path, metric: str, days: Sequence[pd.Timestamp], values: Sequence[float], *,
                       stamp: datetime) -> Path:
    """One Douyin 数据总览 metric download (sheet `Sheet1`, 日期 | metric)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(_workbook({"Sheet1": douyin_trend_rows(metric, days, values)}, stamp))
    return path


def _xhs_cell(sheet: str, v: float):
    form = XHS_FORMS.get(sheet, "count")
    if form == "pct":
        return f"{float(v) * 100:.0f}%"
    if form == "seconds":
        return f"{int(round(float(v)))}秒"
    return int(round(float(v)))


def xhs_trend_rows(sheet: str, days: Sequence[pd.Timestamp], values: Sequence[float],
                   newest_first: bool = True) -> list[list]:
    """[[日期, 数值], [`2026年03月16日`, value] …], newest first as the page writes it."""
    order = list(np.argsort(pd.DatetimeIndex(days).asi8, kind="stable"))
    if newest_first:
        order = order[::-1]
    out: list[list] = [["日期", "数值"]]
    for k in order:
        out.append([pd.Timestamp(days[k]).strftime("%Y年%m月%d日"), _xhs_cell(sheet, values[k])])
    return out


def xhs_summary_rows(totals: dict[str, float], changes: dict[str, float] | None = None) -> list[list]:
    """指标 | 数值 rows of a 账号总体…数据 sheet: the period's figures, then their 环比 (as `12%`)."""
    out: list[list] = [["指标", "数值"]]
    for k, v in totals.items():
        out.append([k, v if isinstance(v, str) else int(round(float(v)))])
    for k, v in (changes or {}).items():
        out.append([f"{k}环比", f"{float(v) * 100:.0f}%"])
    return out


def write_xhs_account(path: Path, kind: str, days: Sequence[pd.Timestamp], series: dict[str, Sequence[float]], *,
                      stamp: datetime, newest_first: bool = True, summary: dict[str, float] | None = None,
                      changes: dict[str, float] | None = None) -> Path:
    """One Xiaohongshu 近30日/近7日 workbook of `kind` (涨粉数据, 观看数据, 互动数据, 发布数据): its summary sheet and the
    trend sheets given in `series` (sheet name -> values per day, in the page's sheet order)."""
    head, trends = XHS_WORKBOOKS[kind]
    sheets = {head: xhs_summary_rows(summary or {}, changes)}
    for name in trends:
        if name in series:
            sheets[name] = xhs_trend_rows(name, days, series[name], newest_first)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(_workbook(sheets, stamp))
    return path


__all__ = ["DOUYIN_TREND_METRICS", "XHS_WORKBOOKS", "douyin_trend_rows", "write_douyin_trend", "xhs_trend_rows",
           "xhs_summary_rows", "write_xhs_account"]
