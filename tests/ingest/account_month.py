"""A month folder with one Douyin and one Xiaohongshu account holding post lists and the account downloads (issue 24),
written by the project's own demo writers (mediakpi.demo.account_downloads) from a follower path made here."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pandas as pd

from mediakpi.demo.account_downloads import write_douyin_trend, write_xhs_account

from .builders import DOUYIN_HEAD, XHS_HEAD, douyin_row, write_xlsx
from .conftest import roster

STAMP = datetime(2026, 11, 1, 9, 0, tzinfo=timezone.utc)


@dataclass
class Path30:
    """30 days of one account's followers: totals at the end of each day, gains and losses."""
    days: pd.DatetimeIndex
    gained: np.ndarray
    lost: np.ndarray
    total: np.ndarray

    @property
    def net(self) -> np.ndarray:
        return self.gained - self.lost


def follower_path(seed: int, start: int = 20_000, end_day: str = "2026-10-31", n: int = 30,
                  lost_max: int = 80) -> Path30:
    rng = np.random.default_rng(seed)
    days = pd.date_range(end=pd.Timestamp(end_day), periods=n, freq="D")
    gained = rng.integers(0, 60, n)
    lost = rng.integers(0, lost_max, n)  # by default losses above gains on some days: net negative
    total = start + np.cumsum(gained - lost)
    return Path30(days, gained, lost, total)


DOUYIN_FILES = {   # metric -> a name a user gave the download (no platform word; renamed, a browser copy)
    "总粉丝量": "总粉丝量.xlsx",
    "净增粉丝": "数据总览 (3).xlsx",
    "取关粉丝": "掉粉-10月.xlsx",
    "播放量": "播放量趋势.xlsx",
}


def write_account_month(month: Path, seed: int = 1, newest_first: bool = True, names: dict | None = None,
                        folder: str = "品牌号", lost_max: int = 80) -> dict[str, Path30]:
    """One folder shared by a Douyin and a Xiaohongshu account (the roster's 账号 品牌号 twice): post lists, four
    Douyin 数据总览 downloads, the Xiaohongshu 近30日涨粉数据 and 近7日涨粉数据 workbooks and 近30日观看数据."""
    names = {**DOUYIN_FILES, **(names or {})}
    roster(month, [["王芳", "抖音", folder, "E1", "运营", "2025-01-01"],
                   ["陈静", "小红书", folder, "E2", "运营", "2025-01-01"]])
    acc = month / folder
    write_xlsx(acc / "抖音作品列表.xlsx", [DOUYIN_HEAD, douyin_row("秋茶", "2026-10-05 12:00:00", "900"),
                                          douyin_row("白茶", "2026-10-20 09:00:00", "400")])
    xhs = dict(zip(XHS_HEAD, ["笔记一", "2026年10月08日10时00分00秒", "图文", "500", "120", "0.18", "9", "2", "4",
                               "3", "1", "24", "0"]))
    write_xlsx(acc / "笔记列表明细表.xlsx", [["最多导出排序后前1000条笔记"] + [""] * 12, XHS_HEAD, list(xhs.values())])
    dy, rb = follower_path(seed, lost_max=lost_max), follower_path(seed + 100, start=5_000)
    rng = np.random.default_rng(seed + 7)
    values = {"总粉丝量": dy.total, "净增粉丝": dy.net, "取关粉丝": dy.lost, "播放量": rng.integers(100, 5000, 30)}
    for metric, name in names.items():
        if metric in values:
            write_douyin_trend(acc / name, metric, dy.days, values[metric], stamp=STAMP)
    fans = {"净涨粉趋势": rb.net, "新增关注趋势": rb.gained, "取消关注趋势": rb.lost,
            "主页访客趋势": rng.integers(10, 90, 30), "主页转粉率趋势": rng.uniform(0.0, 0.2, 30)}
    summary = {"净涨粉": rb.net.sum(), "新增关注": rb.gained.sum(), "取消关注": rb.lost.sum(), "主页访客": 900,
               "主页转粉率(%)": "3.2"}
    write_xhs_account(acc / "近30日涨粉数据.xlsx", "涨粉数据", rb.days, fans, stamp=STAMP, newest_first=newest_first,
                      summary=summary, changes={"净涨粉": 0.12})
    last7 = slice(23, 30)
    write_xhs_account(acc / "近7日涨粉数据.xlsx", "涨粉数据", rb.days[last7], {k: v[last7] for k, v in fans.items()},
                      stamp=STAMP, newest_first=newest_first, summary={"净涨粉": rb.net[last7].sum()})
    views = {"曝光趋势": rng.integers(1000, 9000, 30), "观看趋势": rng.integers(100, 900, 30),
             "封面点击率趋势": rng.uniform(0.05, 0.3, 30), "平均观看时长趋势": rng.integers(5, 60, 30),
             "观看总时长趋势": rng.integers(500, 5000, 30), "视频完播率趋势": np.zeros(30)}
    write_xhs_account(acc / "近30日观看数据.xlsx", "观看数据", rb.days, views, stamp=STAMP, newest_first=newest_first,
                      summary={"曝光": 120000, "观看": 15000})
    return {"douyin": dy, "xiaohongshu": rb}
