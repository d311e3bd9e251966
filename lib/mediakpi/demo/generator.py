"""`write_demo`: a realistic demo team's raw monthly downloads, in the platforms' own layouts, with their messiness.

The generator first simulates every account's posts and daily followers over the whole window (one random stream
per account, so the output is deterministic for a seed), then writes, month by month, what the team would have
downloaded a few days after the month ended: cumulative platform snapshots and the team's own tables.
"""
from __future__ import annotations

import json
import shutil
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from .. import catalog
from ..periods import Period, month_shift
from . import layouts as L
from . import team as T
from .model import PROFILES, TZ, at_snapshot, final_metrics, followers_path, publish_times
from .account_downloads import write_douyin_trend, write_xhs_account
from .writers import write_csv, write_html_xls, write_xls, write_xls_blocks, write_xlsx


@dataclass
class DemoSummary:
    """What `write_demo` wrote. `messiness` maps each planted quirk to where it is (file, and post where relevant)."""

    root: Path
    months: list[str]
    operators: list[str]
    accounts: list[tuple[str, str, str]]          # (platform, 账号, operator at the end of the window)
    files: list[str] = field(default_factory=list)  # relative to root
    posts: int = 0                                 # distinct posts in the exports (planted bogus rows excluded)
    export_rows: int = 0                           # post rows written, overlaps and duplicate downloads included
    messiness: dict[str, list[str]] = field(default_factory=dict)
    seconds: float = 0.0

    def note(self, item: str, where: str) -> None:
        self.messiness.setdefault(item, []).append(where)

    def __str__(self) -> str:
        lines = [f"演示数据已写入 {self.root}：{len(self.months)} 个月（{self.months[0]} 至 {self.months[-1]}），"
                 f"{len(self.operators)} 名运营，{len(self.accounts)} 个账号，{len(self.files)} 个文件，"
                 f"{self.posts} 篇内容（导出行 {self.export_rows}），用时 {self.seconds:.1f} 秒。"]
        lines += [f"  - {k}: {len(v)} 处" for k, v in sorted(self.messiness.items())]
        return "\n".join(lines)


# ---------------------------------------------------------------- simulation


@dataclass
class _Sim:
    acc: T.Account
    posts: pd.DataFrame       # final metrics + title/caption/published_at/ids
    daily: pd.DataFrame       # date (Beijing midnight), gained, lost, total


def _titles(rng: np.random.Generator, n: int, platform: str) -> tuple[list[str], list[str]]:
    titles, captions, seen = [], [], {}
    for _ in range(n):
        t, t2 = rng.choice(T.TOPICS, 2, replace=False)
        title = str(rng.choice(T.TEMPLATES)).format(t=t, t2=t2, p=rng.choice(T.PLACES))
        seen[title] = seen.get(title, 0) + 1
        if seen[title] > 1:  # a series: the same topic again gets a number, as operators title them
            title = f"{title}（{seen[title]}）"
        if platform in ("douyin", "xiaohongshu", "kuaishou", "channels") and rng.random() < 0.35:
            title = str(rng.choice(T.EMOJI)) + title
        cap = ""
        if platform in ("douyin", "weibo"):
            tags = " ".join(rng.choice(T.HASHTAGS, 2, replace=False))
            cap = f"今天聊聊{t}。\n{tags}" if platform == "douyin" else tags
        titles.append(title)
        captions.append(cap)
    return titles, captions


def _since(acc: T.Account, n_months: int) -> int:
    """The first month index an account exists in a window of `n_months` (team.py counts in a 12-month window
    ending at the demo's end month); -1 = it existed before the window."""
    if acc.since_index < 0:
        return -1
    k = acc.since_index + n_months - 12
    return k if k >= 0 else -1


def _simulate(acc: T.Account, idx: int, seed: int, months: list[str], horizon: tuple[pd.Timestamp, pd.Timestamp],
              effects: list[tuple]) -> _Sim:
    rng = np.random.default_rng([seed, idx])
    start, end = horizon
    days = pd.date_range(start, end - pd.Timedelta(days=1), freq="D")
    since = _since(acc, len(months))
    born = (Period.parse(months[since]).start + pd.Timedelta(days=9)) if since >= 0 else start
    g, lo = followers_path(rng, acc.followers, len(days), acc.growth, acc.churn)
    alive = np.asarray(days >= born.normalize())
    g, lo = g * alive, lo * alive
    base = np.where(alive, acc.followers, 0) + np.cumsum(g - lo)

    prof = PROFILES[acc.platform]
    pubs = []
    m = month_shift(months[0], -1)
    while Period.parse(m).start < end:
        p = Period.parse(m)
        lo_t, hi_t = max(p.start, born), min(p.end, end)
        if lo_t < hi_t:
            frac = (hi_t - lo_t) / (p.end - p.start)
            n = int(round(rng.integers(prof.cadence[0], prof.cadence[1] + 1) * frac))
            pubs.append(publish_times(rng, acc.platform, lo_t, hi_t, n))
        m = month_shift(m, 1)
    pub = pubs[0].append(pubs[1:]) if pubs else pd.DatetimeIndex([], tz=TZ)
    day_idx = np.clip(((pub.normalize() - start) / pd.Timedelta(days=1)).astype(int), 0, len(days) - 1)
    fin = final_metrics(rng, acc.platform, np.maximum(base[day_idx], 50))
    fin.insert(0, "published_at", pub)
    titles, captions = _titles(rng, len(pub), acc.platform)
    fin.insert(1, "title", titles)
    fin.insert(2, "caption", captions)
    if acc.platform == "wechat":
        biz = "".join(rng.choice(list("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"), 10))
        fin["url"] = [f"http://mp.weixin.qq.com/s?__biz=Mz{biz}==&mid={2247480000 + k}&idx=1&sn="
                      f"{rng.integers(0, 16**8):08x}#rd" for k in range(len(pub))]
        fin["recipients"] = np.round(base[day_idx] * rng.uniform(0.95, 0.99, len(pub)))
    if acc.platform == "channels":
        alphabet = list("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        fin["video_id"] = ["export/" + "".join(rng.choice(alphabet, 24)) for _ in range(len(pub))]
    for folder, platform, eff_date, factor in effects:
        if (folder, platform) == (acc.folder, acc.platform):
            after = fin["published_at"] >= eff_date
            for c in ("views", "likes", "saves", "comments", "shares", "followers_gained"):
                fin.loc[after, c] = np.round(fin.loc[after, c] * factor)
    # Posts bring followers on their day: the daily follows include what the posts report.
    np.add.at(g, day_idx, fin["followers_gained"].to_numpy(dtype=np.int64))
    total = np.where(alive, acc.followers, 0) + np.cumsum(g - lo)
    daily = pd.DataFrame({"date": days, "gained": g, "lost": lo, "total": total})[alive].reset_index(drop=True)
    return _Sim(acc, fin.reset_index(drop=True), daily)


# ---------------------------------------------------------------- the writer


class _Demo:
    def __init__(self, raw_root: Path, seed: int, months: list[str]):
        self.root = raw_root
        self.seed = seed
        self.months = months
        self.rng = np.random.default_rng([seed, 999])
        self.tt = catalog.team_tables()
        self.horizon = (Period.parse(month_shift(months[0], -1)).start,
                        Period.parse(months[-1]).end + pd.Timedelta(days=8))
        n = len(months)
        self.i_handover = min(max(T.HANDOVER[3] + n - 12, 0), n - 1)
        self.i_strategy = max(0, n - 5)
        self.i_viral = max(0, n - 3)
        self.eff_date = Period.parse(months[self.i_strategy]).start + pd.Timedelta(days=14)
        self.summary = DemoSummary(raw_root, months, [o[0] for o in T.OPERATORS], [])
        effects = [("茶小禾", "xiaohongshu", self.eff_date, 1.6)]
        self.sims = [_simulate(a, k, seed, months, self.horizon, effects) for k, a in enumerate(T.ACCOUNTS)]
        self._plant_posts()
        self.post_keys: set = set()

    # -- helpers
    def operator(self, acc: T.Account, when: pd.Timestamp) -> str:
        folder, platform, new_op, mi, day = T.HANDOVER
        if (acc.folder, acc.platform) == (folder, platform):
            switch = Period.parse(self.months[self.i_handover]).start + pd.Timedelta(days=day - 1)
            return new_op if when >= switch else acc.operator
        return acc.operator

    def rel(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()

    def add(self, path: Path) -> str:
        r = self.rel(path)
        self.summary.files.append(r)
        return r

    def sim(self, folder: str, platform: str) -> _Sim:
        return next(s for s in self.sims if (s.acc.folder, s.acc.platform) == (folder, platform))

    def _plant_posts(self) -> None:
        last = Period.parse(self.months[-1])
        # One WeChat 10万+ article (exact number in the back-end export).
        s = self.sim("青禾茶事", "wechat")
        pv = Period.parse(self.months[self.i_viral])
        k = s.posts.index[pv.contains(s.posts["published_at"])][2]
        f = 126_832 / s.posts.at[k, "views"]
        for c in ("views", "reads_total", "shares", "share_times", "zaikan", "followers_gained"):
            s.posts.at[k, c] = round(s.posts.at[k, c] * f)
        self.viral_title, self.viral_key = s.posts.at[k, "title"], k
        # Odd titles in the last month.
        def retitle(folder, platform, j, text):
            sm = self.sim(folder, platform)
            ks = sm.posts.index[last.contains(sm.posts["published_at"])]
            sm.posts.at[ks[j], "title"] = text
        retitle("青禾茶事", "douyin", 1, "<script>alert('xss')</script>茶汤颜色对比")
        retitle("茶小禾", "xiaohongshu", 0, "=SUM(A1:A3) 三款白茶横评")
        retitle("茶小禾", "xiaohongshu", 1, "秋天第一杯白茶\n附冲泡步骤")
        retitle("茶小禾", "xiaohongshu", 2, "🍵🌿 周末茶席布置灵感 ✨")
        retitle("茶小禾", "xiaohongshu", 3, "")
        retitle("青禾茶事视频号", "channels", 1, "")
        # A fraud-like post: interactions far above the account's norm.
        sm = self.sim("茶园日记", "douyin")
        ks = sm.posts.index[last.contains(sm.posts["published_at"])]
        k = ks[len(ks) // 2]
        v = sm.posts.at[k, "views"]
        sm.posts.loc[k, ["likes", "comments", "shares", "saves"]] = [round(v * 0.85), round(v * 0.25),
                                                                   round(v * 0.3), round(v * 0.4)]
        self.fraud_title = sm.posts.at[k, "title"]
        # Weibo: make sure the biggest post of the last month is above 10万 (it is written as `10万+`).
        sw = self.sim("青禾茶事", "weibo")
        ks = sw.posts.index[last.contains(sw.posts["published_at"])]
        k = sw.posts.loc[ks, "views"].idxmax()
        sw.posts.at[k, "views"] = max(sw.posts.at[k, "views"], 180_000)
        self.weibo_top = k

    def snapshot(self, s: _Sim, lo: pd.Timestamp, hi: pd.Timestamp, at: pd.Timestamp,
                 freeze: float | None = None) -> pd.DataFrame:
        p = s.posts[(s.posts["published_at"] >= lo) & (s.posts["published_at"] < min(hi, at))]
        out = at_snapshot(p, p["published_at"], at, s.acc.platform, freeze)
        for k in out.index:
            self.post_keys.add((s.acc.folder, s.acc.platform, k))
        self.summary.export_rows += len(out)
        return out

    # -- platform exports
    def write_exports(self, i: int, s: _Sim, folder: Path, at: pd.Timestamp) -> None:
        acc, p = s.acc, Period.parse(self.months[i])
        last = i == len(self.months) - 1
        plat = acc.platform
        note = self.summary.note
        if plat == "wechat":
            snap = self.snapshot(s, p.start - pd.Timedelta(days=3), p.end, at, freeze=7.0)
            layout = "2022" if i < len(self.months) // 2 - 1 else "2026"
            rows = L.wechat_rows(snap, layout, source=None if i % 2 else "公众号后台")
            u0, u1 = int(p.start.timestamp()), int((p.end - pd.Timedelta(days=1)).timestamp())
            kind = ["xls", "xlsx", "csv"][(i + len(acc.folder)) % 3]
            path = folder / f"total_{u0}_{u1}.{kind}"
            if kind == "xls":
                write_xls(path, list(rows.columns), rows, title=f"已通知内容({p.start:%Y.%m.%d}-{at:%Y.%m.%d})")
                note("biff_xls", self.add(path))
            elif kind == "xlsx":
                write_xlsx(path, list(rows.columns), rows, stamp=at.tz_convert("UTC").to_pydatetime())
                self.add(path)
            else:
                intro = [f"数据来源概况({p.start:%Y.%m.%d}-{(p.end - pd.Timedelta(days=1)):%Y.%m.%d})"]
                write_csv(path, list(rows.columns), rows, intro=intro)
                note("csv_intro_line", self.add(path))
                note("bom", self.rel(path))
            note(f"wechat_{layout}_layout", self.rel(path))
            # 内容分析 下载数据明细: three side-by-side tables.
            in_month = snap[p.contains(snap["published_at"])]
            days = pd.date_range(p.start.tz_localize(None), p.end.tz_localize(None) - pd.Timedelta(days=1))
            rng = np.random.default_rng([self.seed, 7, i, len(acc.folder)])
            rtext = f"{days[0]:%Y.%m.%d}-{days[-1]:%Y.%m.%d}"
            path = folder / f"tendency_{u0}_{u1}.xls"
            write_xls_blocks(path, L.wechat_tendency_blocks(in_month, days, rng, rtext))
            note("side_by_side_tables", self.add(path))
            # 用户分析 → 用户增长 (HTML saved as .xls).
            d = s.daily[(s.daily["date"] >= p.start) & (s.daily["date"] < p.end)]
            growth = L.wechat_growth_rows(pd.DatetimeIndex(d["date"]), d["gained"].to_numpy(),
                                          d["lost"].to_numpy(), d["total"].to_numpy()).astype(object)
            if last:
                growth.iat[len(growth) // 2, 2] = None  # written as `-`
                growth.iat[len(growth) // 2, 3] = None
            path = folder / "用户分析_用户增长.xls"
            write_html_xls(path, f"用户增长（{days[0]:%Y-%m-%d} 至 {days[-1]:%Y-%m-%d}）", L.WECHAT_GROWTH, growth)
            note("html_xls", self.add(path))
            if last:
                note("placeholders", f"{self.rel(path)} — `-`")
            if acc.folder == "青禾茶事" and self.viral_key in snap.index:
                note("viral_wechat_100k", f"{self.rel(folder / f'total_{u0}_{u1}.{kind}')} — 《{self.viral_title}》")
        elif plat == "douyin":
            snap = self.snapshot(s, p.start - pd.offsets.MonthBegin(1), p.end + pd.Timedelta(days=10), at)
            rows = L.douyin_rows(snap).astype(object)
            if last and acc.folder == "青禾茶事":
                rows.iat[3, rows.columns.get_loc("评论量")] = "-3"
                note("negative_count", f"{self.rel(folder / '抖音作品列表.xlsx')} — 评论量 -3")
            path = folder / "抖音作品列表.xlsx"
            write_xlsx(path, L.DOUYIN, rows, stamp=at.tz_convert("UTC").to_pydatetime())
            self.add(path)
            if last:
                note("placeholders", f"{self.rel(path)} — `-`")
            if last and acc.folder == "青禾茶事":
                dup = folder / "抖音作品列表 (1).xlsx"
                dup.write_bytes(path.read_bytes())
                note("duplicate_download", self.add(dup))
                self.summary.export_rows += len(rows)
                note("odd_titles", f"{self.rel(path)} — <script> 标题")
            if last and acc.folder == "茶园日记":
                note("fraud_like_post", f"{self.rel(path)} — 《{self.fraud_title}》")
            self.account_downloads(i, s, folder, at)
        elif plat == "xiaohongshu":
            snap = self.snapshot(s, p.start - pd.offsets.MonthBegin(1), p.end + pd.Timedelta(days=10), at)
            rows = L.xhs_rows(snap, danmaku=i >= 4)
            name = "笔记列表明细表.xlsx"
            if last and acc.folder == "茶小禾":
                bogus = rows.iloc[[0]].copy()
                bogus.iloc[0, 0] = "双十二囤茶预告"
                bogus.iloc[0, 1] = (at + pd.Timedelta(days=40)).strftime("%Y年%m月%d日%H时%M分%S秒")
                rows = pd.concat([rows, bogus])
                self.summary.export_rows += 1
                note("future_publish_time", f"{self.rel(folder / name)} — 《双十二囤茶预告》")
                note("odd_titles", f"{self.rel(folder / name)} — `=`、换行、emoji 标题")
                note("empty_titles", self.rel(folder / name))
            if last and acc.folder == "茶小禾日常":
                bad = folder / name
                bad.parent.mkdir(parents=True, exist_ok=True)
                bad.write_bytes(json.dumps({"code": 403, "msg": "请求过于频繁，请稍后再试", "data": None},
                                           ensure_ascii=False).encode("utf-8"))
                note("unreadable_json", self.add(bad))
                name = "笔记列表明细表 (1).xlsx"
            path = folder / name
            write_xlsx(path, list(rows.columns), rows, stamp=at.tz_convert("UTC").to_pydatetime(),
                       banner=L.XHS_BANNER)
            note("banner_row", self.add(path))
            self.account_downloads(i, s, folder, at)
        elif plat == "bilibili":
            snap = self.snapshot(s, p.start - pd.Timedelta(days=5), p.end, at).sort_values("published_at")
            if len(snap) < 2:
                snap = self.snapshot(s, p.start - pd.Timedelta(days=60), p.end, at).tail(2)
            rows = L.bilibili_rows(snap)
            starts = list(range(0, max(len(rows) - 1, 1), 9))
            for b, st in enumerate(starts):
                part = rows.iloc[st:st + 10]
                path = folder / ("近期稿件对比.csv" if b == 0 else f"近期稿件对比 ({b}).csv")
                write_csv(path, L.BILIBILI, part)
                note("bom", self.add(path))
                if b:
                    self.summary.export_rows += 1  # the overlapping video
                    note("bilibili_split_exports", self.rel(path))
            d = self._bili_trend(s, p)
            path = folder / "历史累计数据趋势.csv"
            write_csv(path, L.BILIBILI_TREND, d)
            self.add(path)
        elif plat == "channels":
            snap = self.snapshot(s, p.start, p.end, at)
            short = acc.folder == "青禾好物" and i < len(self.months) // 2
            rows = L.channels_rows(snap, short=short)
            if acc.folder == "青禾茶事视频号" and i in (len(self.months) - 1, len(self.months) - 3):
                # Opened in Excel and re-saved as xlsx: dates become serial numbers, percents numbers.
                d = pd.DatetimeIndex(snap["published_at"]).tz_localize(None).normalize()
                rows["发布时间"] = ((d - pd.Timestamp("1899-12-30")) / pd.Timedelta(days=1)).astype(int).to_numpy()
                rows["完播率"] = snap["completion_rate"].round(4).to_numpy()
                path = folder / "微信视频号动态数据明细.xlsx"
                write_xlsx(path, list(rows.columns), rows, stamp=at.tz_convert("UTC").to_pydatetime(),
                           number_formats={3: "0.00%"})
                note("excel_serial_date", self.add(path))
                if last:
                    note("empty_titles", self.rel(path))
            elif acc.folder == "青禾好物" and i in (len(self.months) - 1, len(self.months) - 5):
                path = folder / "微信视频号动态数据明细.csv"
                write_csv(path, list(rows.columns), rows, encoding="gb18030")
                note("gb18030", self.add(path))
            else:
                path = folder / "微信视频号动态数据明细.csv"
                write_csv(path, list(rows.columns), rows)
                note("bom", self.add(path))
        elif plat == "weibo":
            snap = self.snapshot(s, p.start, p.end, at)
            rows = L.weibo_rows(snap)
            if last and acc.folder == "青禾茶事" and self.weibo_top in snap.index:
                rows.at[self.weibo_top, "阅读数"] = "10万+"
            if acc.folder == "青禾茶事":
                path = folder / "微博数据_博文.xlsx"
                write_xlsx(path, L.WEIBO, rows, stamp=at.tz_convert("UTC").to_pydatetime())
            else:
                path = folder / "博文数据.csv"
                write_csv(path, L.WEIBO, rows)
            self.add(path)
            if (rows["阅读数"].astype(str).str.endswith("万")).any():
                note("wan_values", self.rel(path))
            if (rows["阅读数"] == "10万+").any():
                note("10wan_plus", self.rel(path))
            if last and (rows["视频播放量"] == "暂无").any():
                note("placeholders", f"{self.rel(path)} — 暂无")
        elif plat == "kuaishou":
            snap = self.snapshot(s, p.start - pd.Timedelta(days=7), p.end, at)
            rows = L.kuaishou_rows(snap)
            path = (folder.parent / "快手作品列表明细.xlsx") if last else folder / "作品列表明细.xlsx"
            write_xlsx(path, L.KUAISHOU, rows, stamp=at.tz_convert("UTC").to_pydatetime())
            self.add(path)
            if last:
                note("top_level_export", self.rel(path))

    # Douyin 数据总览 metric downloads, as users name them: the first month's names as downloaded, later ones renamed
    # (no platform word, a browser copy suffix, a month in the name)
    DOUYIN_NAMES = [
        {"总粉丝量": "总粉丝量.xlsx", "净增粉丝": "净增粉丝.xlsx", "取关粉丝": "取关粉丝.xlsx", "播放量": "播放量.xlsx"},
        {"总粉丝量": "粉丝总量-{m}.xlsx", "净增粉丝": "数据总览 (1).xlsx", "取关粉丝": "掉粉.xlsx", "播放量": "数据总览 (2).xlsx"},
        {"总粉丝量": "fans_total.xlsx", "净增粉丝": "新增（其实是净增）.xlsx", "取关粉丝": "{m}取关.xlsx",
         "播放量": "播放.xlsx"},
    ]

    def account_downloads(self, i: int, s: _Sim, folder: Path, at: pd.Timestamp) -> None:
        """The account-level downloads of a Douyin or Xiaohongshu account, taken with the month's exports: the last
        30 days up to yesterday (the pages are T+1), so a 31-day month is covered from its 2nd day."""
        end = at.normalize() - pd.Timedelta(days=1)
        d = s.daily[(s.daily["date"] > end - pd.Timedelta(days=30)) & (s.daily["date"] <= end)]
        if d.empty:
            return
        days = pd.DatetimeIndex(d["date"])
        stamp = at.tz_convert("UTC").to_pydatetime()
        gained, lost, total = (d[c].to_numpy(dtype=np.int64) for c in ("gained", "lost", "total"))
        views = self._daily_accrual(s, days, "views")
        month = Period.parse(self.months[i])
        note = self.summary.note
        if s.acc.platform == "douyin":
            names = self.DOUYIN_NAMES[(i + len(s.acc.folder)) % len(self.DOUYIN_NAMES)]
            for metric, values in (("总粉丝量", total), ("净增粉丝", gained - lost), ("取关粉丝", lost),
                                   ("播放量", views)):
                path = folder / names[metric].replace("{m}", f"{month.start.month}月")
                write_douyin_trend(path, metric, days, values, stamp=stamp)
                note("douyin_account_trend", self.add(path))
                if names[metric] != f"{metric}.xlsx":
                    note("renamed_account_download", self.rel(path))
            return
        visits = np.round(gained * 2.5 + 3).astype(np.int64)
        fans = {"净涨粉趋势": gained - lost, "新增关注趋势": gained, "取消关注趋势": lost, "主页访客趋势": visits,
                "主页转粉率趋势": np.round(gained / np.maximum(visits, 1), 2)}
        summary = {"净涨粉": int((gained - lost).sum()), "新增关注": int(gained.sum()), "取消关注": int(lost.sum()),
                   "主页访客": int(visits.sum()), "主页转粉率(%)": f"{gained.sum() / max(visits.sum(), 1) * 100:.1f}"}
        path = folder / "近30日涨粉数据.xlsx"
        write_xhs_account(path, "涨粉数据", days, fans, stamp=stamp, summary=summary, changes={"净涨粉": 0.05})
        note("xhs_sheet_metrics", self.add(path))
        note("newest_first_sheet", self.rel(path))
        impressions = self._daily_accrual(s, days, "impressions")
        watch = {"曝光趋势": impressions, "观看趋势": views,
                 "封面点击率趋势": np.round(views / np.maximum(impressions, 1), 2)}
        path = folder / "近30日观看数据.xlsx"
        write_xhs_account(path, "观看数据", days, watch, stamp=stamp,
                          summary={"曝光": int(impressions.sum()), "观看": int(views.sum())})
        note("xhs_sheet_metrics", self.add(path))
        if i == len(self.months) - 1:    # a 近7日 download too: overlaps the 近30日 one day for day
            last7 = slice(max(len(days) - 7, 0), len(days))
            path = folder / "近7日涨粉数据 (1).xlsx"
            write_xhs_account(path, "涨粉数据", days[last7], {k: v[last7] for k, v in fans.items()}, stamp=stamp,
                              summary={"净涨粉": int((gained - lost)[last7].sum())})
            note("xhs_sheet_metrics", self.add(path))
            note("renamed_account_download", self.rel(path))

    def _daily_accrual(self, s: _Sim, days: pd.DatetimeIndex, col: str) -> np.ndarray:
        """What the account's posts gained of `col` on each day (the same accrual curve as the post snapshots)."""
        posts = s.posts[s.posts["published_at"] < days[-1] + pd.Timedelta(days=1)]
        if posts.empty or col not in posts.columns:
            return np.zeros(len(days), dtype=np.int64)
        p_ns = pd.DatetimeIndex(posts["published_at"]).as_unit("ns").asi8
        edges = pd.DatetimeIndex(list(days) + [days[-1] + pd.Timedelta(days=1)]).as_unit("ns").asi8
        age = (edges[None, :] - p_ns[:, None]) / 86_400e9
        g = np.where(age > 0, 1 - np.exp(-np.clip(age, 0, None) / PROFILES[s.acc.platform].tau_days), 0.0)
        cum = posts[col].to_numpy(dtype=float) @ g
        return np.maximum(np.round(np.diff(cum)), 0).astype(np.int64)

    def _bili_trend(self, s: _Sim, p: Period) -> pd.DataFrame:
        days = pd.date_range(p.start, p.end - pd.Timedelta(days=1), freq="D")
        posts = s.posts[s.posts["published_at"] < p.end]
        p_ns = pd.DatetimeIndex(posts["published_at"]).as_unit("ns").asi8
        age = (days.as_unit("ns").asi8[None, :] - p_ns[:, None]) / 86_400e9
        g = np.where(age > 0, 1 - np.exp(-np.clip(age, 0, None) / PROFILES["bilibili"].tau_days), 0.0)
        col = lambda c: np.round(posts[c].to_numpy(dtype=float) @ g).astype(np.int64)  # noqa: E731
        tot = s.daily.set_index("date")["total"].reindex(days).ffill().bfill().to_numpy()
        return pd.DataFrame({"时间": days.strftime("%Y-%m-%d"), "播放量": col("views"), "累计粉丝": tot,
                             "点赞": col("likes"), "收藏": col("saves"), "硬币": col("coins"),
                             "评论": col("comments"), "弹幕": col("danmaku"), "分享": col("shares")})

    # -- team tables
    def frame(self, table: str, records: list[dict]) -> tuple[list[str], list[list]]:
        cols = self.tt[table]["columns"]
        keys = [c for c in cols if any(c in r for r in records)] if records else list(cols)
        return [cols[c]["header"] for c in keys], [[r.get(c) for c in keys] for r in records]

    def table(self, table: str, path: Path, records: list[dict], at: pd.Timestamp) -> None:
        header, rows = self.frame(table, records)
        if path.suffix == ".csv":
            rows = [[v.isoformat() if isinstance(v, (date, datetime)) else v for v in r] for r in rows]
            write_csv(path, header, rows)
        else:
            write_xlsx(path, header, rows, stamp=at.tz_convert("UTC").to_pydatetime())
        self.add(path)

    def write_team_tables(self, i: int, folder: Path, at: pd.Timestamp) -> None:
        month = self.months[i]
        p = Period.parse(month)
        rng = np.random.default_rng([self.seed, 100, i])
        ops = {o[0]: o for o in T.OPERATORS}
        # Roster
        roster = []
        for k, a in enumerate(T.ACCOUNTS):
            since = _since(a, len(self.months))
            if since > i:
                continue
            names = T.PLATFORM_NAMES[a.platform]
            pname = names[(k + i) % len(names)]
            start = date.fromisoformat(a.roster_start) if since < 0 else (
                Period.parse(self.months[since]).start + pd.Timedelta(days=9)).date()
            h = T.HANDOVER
            if (a.folder, a.platform) == (h[0], h[1]) and i >= self.i_handover:
                switch = (Period.parse(self.months[self.i_handover]).start + pd.Timedelta(days=h[4] - 1)).date()
                if i == self.i_handover:
                    roster.append(dict(name=a.operator, platform=pname, account=a.folder,
                                       employee_id=ops[a.operator][1], role=ops[a.operator][2], start_date=start,
                                       end_date=switch - timedelta(days=1)))
                roster.append(dict(name=h[2], platform=pname, account=a.folder, employee_id=ops[h[2]][1],
                                   role=ops[h[2]][2], start_date=switch, end_date=None))
                continue
            roster.append(dict(name=a.operator, platform=pname, account=a.folder, employee_id=ops[a.operator][1],
                               role=ops[a.operator][2], start_date=start, end_date=None))
        self.table("roster", folder / ("人员账号表.csv" if i == 5 else "花名册.xlsx"), roster, at)
        if i == self.i_handover:
            self.summary.note("handover", f"{month}/花名册.xlsx — {h[0]} {h[2]}")

        # Content calendar, quality reviews: from the month's posts.
        cal, reviews, month_titles = [], [], {}
        for s in self.sims:
            a = s.acc
            if _since(a, len(self.months)) > i:
                continue
            ps = s.posts[p.contains(s.posts["published_at"])]
            r = np.random.default_rng([self.seed, 200, i, T.ACCOUNTS.index(a)])
            orig_p = 0.7 if a.operator == "刘洋" else 0.88
            for _k, row in ps.iterrows():
                op = self.operator(a, row["published_at"])
                month_titles.setdefault(op, []).append(row["title"])
                u = r.random()
                if u < 0.08:
                    continue  # unplanned post
                pub = row["published_at"]
                if u < 0.18:
                    planned = (pub - pd.Timedelta(hours=float(r.uniform(3, 30)))).floor("30min")
                else:
                    planned = (pub + pd.Timedelta(minutes=float(r.uniform(-80, 80)))).round("30min")
                title = row["title"] or "周末茶园随拍"
                cal.append(dict(planned_at=planned.tz_localize(None).to_pydatetime(),
                                platform=T.CALENDAR_PLATFORM[a.platform], account=a.folder,
                                title=title.split("\n")[0], operator=op,
                                format="视频" if row["is_video"] else "图文",
                                is_original="是" if r.random() < orig_p else "否"))
            n_missed = int(r.binomial(max(len(ps), 1), 0.06))
            for _ in range(n_missed):
                when = publish_times(r, a.platform, p.start, p.end, 1)
                if not len(when):
                    continue
                t, = r.choice(T.TOPICS, 1)
                cal.append(dict(planned_at=when[0].floor("30min").tz_localize(None).to_pydatetime(),
                                platform=T.CALENDAR_PLATFORM[a.platform], account=a.folder,
                                title=f"{t}专题（待定）", operator=self.operator(a, when[0]),
                                format="图文", is_original="是"))
        cal.sort(key=lambda r: (r["planned_at"], r["account"], r["platform"]))
        self.table("content_calendar", folder / f"内容排期表_{month}.xlsx", cal, at)

        for name, _, _, mean_q, _ in T.OPERATORS:
            titles = month_titles.get(name, [])
            for t in list(rng.choice(titles, min(len(titles), int(rng.integers(2, 4))), replace=False)):
                reviews.append(dict(operator=name, review_date=(p.end - pd.Timedelta(days=int(rng.integers(1, 6)))).date(),
                                    title=t, reviewer=T.MANAGER,
                                    score=int(np.clip(rng.normal(mean_q, 5), 55, 99))))
        self.table("quality_reviews", folder / "内容质量评审.xlsx", reviews, at)

        # Data-report log: weekly reports due on Mondays, the monthly report due on the 3rd of next month.
        reports = []
        mondays = [d for d in pd.date_range(p.start, p.end - pd.Timedelta(days=1)) if d.day_of_week == 0]
        for name, *_ in T.OPERATORS:
            items = [(f"{d:%m月%d日}周报", d.date()) for d in mondays]
            items.append((f"{p.year}年{p.index}月运营月报", (p.end + pd.Timedelta(days=2)).date()))
            for rep, due in items:
                u = rng.random()
                late = int(rng.integers(1, 5)) if u < 0.12 else 0
                missing = u > 0.97 or (name == "赵磊" and u > 0.85)
                reports.append(dict(operator=name, report=rep, due_date=due,
                                    submitted_date=None if missing else due + timedelta(days=late),
                                    quality_score=None if missing else int(np.clip(rng.normal(82, 8), 55, 98))))
        self.table("data_reports", folder / "数据报告提交记录.xlsx", reports, at)

        # Suggestions: a few each month; one adopted strategy change with a date and a target metric that moves.
        sugg = []
        for name, *_ in T.OPERATORS:
            for _ in range(int(rng.integers(0, 3))):
                adopted = rng.random() < 0.5
                sub = p.start + pd.Timedelta(days=int(rng.integers(0, 25)))
                sugg.append(dict(operator=name, submitted_date=sub.date(),
                                 suggestion=f"{rng.choice(T.TOPICS)}选题增加对比测评形式",
                                 adopted="是" if adopted else "否",
                                 effective_date=(sub + pd.Timedelta(days=7)).date() if adopted else None))
        if i == self.i_strategy:
            sugg.append(dict(operator="陈静", submitted_date=(self.eff_date - pd.Timedelta(days=10)).date(),
                             suggestion="小红书封面统一改为实拍图＋大字标题，标题前置核心关键词",
                             adopted="是", effective_date=self.eff_date.date(), platform="小红书", account="茶小禾",
                             target_metric="观看量"))
            self.summary.note("strategy_change", f"{month}/优化建议记录.xlsx — 茶小禾 {self.eff_date:%Y-%m-%d} 观看量 ×1.6")
        self.table("suggestions", folder / "优化建议记录.xlsx", sugg, at)

        # Qualitative reviews: monthly (manager, peers, self), quarterly and annual where due.
        names = [o[0] for o in T.OPERATORS]
        def review_rows(period_text: str, with_peers: bool) -> list[dict]:
            out = []
            for name, _, _, _, mean_r in T.OPERATORS:
                raters = [(T.MANAGER, "上级")]
                if with_peers:
                    peers = [n for n in names if n != name]
                    raters += [(str(x), "同事") for x in rng.choice(peers, 2, replace=False)]
                raters.append((name, "自评"))
                for rater, role in raters:
                    bump = 0.3 if role == "自评" else 0.0
                    vals = [int(np.clip(round(rng.normal(mean_r + bump, 0.5)), 1, 5)) for _ in range(3)]
                    row = dict(operator=name, period=period_text, rater=rater, rater_role=role,
                               professional=vals[0], conduct=vals[1], teamwork=vals[2])
                    if role == "上级":
                        row["bonus_points"] = 2.0 if rng.random() < 0.1 else None
                        row["violations"] = 0
                        row["veto"] = "否"
                        row["comment"] = str(rng.choice(T.COMMENTS))
                    out.append(row)
            return out
        monthly = review_rows(month, True)
        if i == max(0, len(self.months) - 8):
            for r in monthly:
                if r["operator"] == "赵磊" and r["rater_role"] == "上级":
                    r.update(violations=1, veto="是", comment="发布未经审核的促销信息，造成投诉")
                    self.summary.note("veto", f"{month}/综合能力评价.xlsx — 赵磊")
        self.table("qualitative_reviews", folder / "综合能力评价.xlsx", monthly, at)
        if p.index % 3 == 0:
            q = f"{p.year}-Q{p.index // 3}"
            self.table("qualitative_reviews", folder / f"季度综合评价_{q}.xlsx", review_rows(q, False), at)
            self.summary.note("quarter_review", f"{month}/季度综合评价_{q}.xlsx")
        if p.index == 12 or i == len(self.months) - 1:
            self.table("qualitative_reviews", folder / f"年度综合评价_{p.year}.xlsx",
                       review_rows(str(p.year), True), at)
            self.summary.note("year_review", f"{month}/年度综合评价_{p.year}.xlsx")

        # Community and conversions: every month.
        comm = []
        for cname, op, size in T.COMMUNITIES:
            start_m = int(size * (1 + 0.03 * i))
            lost = int(start_m * rng.uniform(0.02, 0.06))
            end_m = start_m - lost + int(start_m * rng.uniform(0.04, 0.09))
            total_i = int(start_m * rng.uniform(1.5, 3.0))
            comm.append(dict(month=month, community=cname, operator=op, members_start=start_m, members_end=end_m,
                             members_lost=lost, avg_daily_active=round(start_m * rng.uniform(0.08, 0.2), 1),
                             core_interactions=int(total_i * rng.uniform(0.3, 0.55)), total_interactions=total_i))
        self.table("community", folder / "社群运营月报.csv", comm, at)
        conv = []
        for op, path_name, target in T.CONVERSIONS:
            reached = int(rng.integers(3000, 20000))
            conv.append(dict(month=month, operator=op, path=path_name, reached=reached,
                             converted=int(reached * target * rng.uniform(0.6, 1.4)), target_rate=target))
        self.table("conversions", folder / "用户转化记录.xlsx", conv, at)

        # Campaigns: only in festival months.
        if p.index in T.FESTIVALS:
            camps = []
            for op in rng.choice(names, 2, replace=False):
                budget = float(rng.integers(5, 30) * 1000)
                cost = round(budget * rng.uniform(0.8, 1.1), 0)
                target = float(rng.integers(2, 10) * 1000)
                camps.append(dict(campaign=f"{p.year}{T.FESTIVALS[p.index]}·{op}", operator=str(op),
                                  start_date=(p.start + pd.Timedelta(days=int(rng.integers(0, 10)))).date(),
                                  end_date=(p.start + pd.Timedelta(days=int(rng.integers(14, 25)))).date(),
                                  main_metric="参与人数", target=target,
                                  actual=round(target * rng.uniform(0.6, 1.4)), budget=budget, cost=cost,
                                  revenue=round(cost * rng.uniform(0.8, 4.0), 0), target_roi=1.5,
                                  media_impressions=float(rng.integers(50, 500) * 1000),
                                  media_impressions_target=200000.0))
            self.table("campaigns", folder / "活动记录.xlsx", camps, at)
        # Partnerships: every third month.
        if i % 3 == 2:
            parts = []
            for op in rng.choice(names, 2, replace=False):
                st = p.start + pd.Timedelta(days=int(rng.integers(0, 10)))
                due = st + pd.Timedelta(days=int(rng.integers(10, 20)))
                parts.append(dict(operator=str(op), partner=str(rng.choice(T.PARTNERS)),
                                  project=f"{rng.choice(T.TOPICS)}联名内容", start_date=st.date(), due_date=due.date(),
                                  delivered_date=(due + pd.Timedelta(days=int(rng.integers(-3, 4)))).date(),
                                  quality_score=int(rng.integers(70, 96)), is_new_partner="是" if rng.random() < 0.5 else "否",
                                  partner_rating=int(rng.integers(3, 6)),
                                  media_impressions=float(rng.integers(20, 300) * 1000)))
            self.table("partnerships", folder / "合作项目记录.xlsx", parts, at)

    # -- one month
    def write_month(self, i: int) -> None:
        month = self.months[i]
        p = Period.parse(month)
        folder = self.root / month
        folder.mkdir(parents=True, exist_ok=True)
        for k, s in enumerate(self.sims):
            if _since(s.acc, len(self.months)) > i:
                continue
            at = p.end + pd.Timedelta(days=1 + (i + k) % 4, hours=9, minutes=(7 * k + 13 * i) % 60)
            self.write_exports(i, s, folder / s.acc.folder, at)
        at = p.end + pd.Timedelta(days=5, hours=10)
        self.write_team_tables(i, folder, at)
        last = i == len(self.months) - 1
        if last:
            note = folder / "说明.txt"
            note.write_text(f"{month} 数据已全部下载。茶小禾日常的笔记列表第一次下载失败（文件打不开），已重新下载。\n"
                            "快手账号只有一个，导出直接放在月份文件夹里了。\n—— 张伟\n", encoding="utf-8")
            self.summary.note("stray_txt", self.add(note))
            # A retired account's folder that is not in the roster.
            s = self.sim("茶园日记", "douyin")
            snap = at_snapshot(s.posts.iloc[:6], s.posts["published_at"].iloc[:6], at, "douyin")
            snap = snap.assign(title=[f"旧号存档{k + 1}" for k in range(len(snap))])
            path = folder / "青禾旧号" / "抖音作品列表.xlsx"
            write_xlsx(path, L.DOUYIN, L.douyin_rows(snap), stamp=at.tz_convert("UTC").to_pydatetime())
            self.summary.export_rows += len(snap)
            self.summary.note("unknown_account_folder", self.add(path))
        if i == 3:
            path = folder / "青禾TV" / "备注.txt"
            path.write_text("B站一次最多导出 10 个稿件，本月分了几次导出。\n", encoding="utf-8")
            self.summary.note("stray_txt", self.add(path))


def write_demo(raw_root: Path, seed: int = 20261, end_month: str = "2026-10", months: int = 12,
               overwrite: bool = False) -> DemoSummary:
    """Write the demo team's raw downloads for the `months` months ending at `end_month` under `raw_root`
    (data/raw): one folder per month, team tables at its top level, one sub-folder per account.

    Deterministic: the same seed gives the same bytes. Never touches `raw_root/templates`. A month folder that
    already holds files is replaced only with `overwrite=True`; otherwise a FileExistsError explains what to do.
    """
    t0 = time.perf_counter()
    raw_root = Path(raw_root)
    Period.parse(end_month)
    month_list = [month_shift(end_month, k - months + 1) for k in range(months)]
    busy = [m for m in month_list if (raw_root / m).is_dir() and any((raw_root / m).iterdir())]
    if busy and not overwrite:
        raise FileExistsError(f"{raw_root} 下已有这些月份的文件：{'、'.join(busy)}。演示数据不会覆盖它们；"
                              "请换一个目录，或确认可以删除后加 --force（overwrite=True）重新生成。")
    for m in busy:
        shutil.rmtree(raw_root / m)
    demo = _Demo(raw_root, seed, month_list)
    for i in range(len(month_list)):
        demo.write_month(i)
    sm = demo.summary
    sm.accounts = [(a.platform, a.folder, demo.operator(a, Period.parse(month_list[-1]).end)) for a in T.ACCOUNTS]
    sm.posts = len(demo.post_keys)
    sm.files.sort()
    sm.seconds = time.perf_counter() - t0
    return sm
