"""The benchmark team at scale: `write_scaled` (one month of raw downloads) and `write_scaled_history`
(synthetic processed `posts.parquet` for the months before it, so baselines have history).

Everything is generated per platform in one vectorised batch (numpy), formatted with the same layout functions as the
demo, then split by account and written: Douyin/Xiaohongshu/Kuaishou as xlsx (openpyxl write-only), Bilibili and
视频号 as CSV with BOM, WeChat 已通知内容 as .xls / .xlsx / .csv by account, Weibo as xlsx or CSV.
"""
from __future__ import annotations

import shutil
import time
from functools import lru_cache
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .. import catalog
from ..periods import Period, month_shift
from . import layouts as L
from . import team as T
from .model import PROFILES, TZ, at_snapshot, final_metrics
from . import writers as W
from .writers import write_csv, write_html_xls, write_xls, write_xlsx

# Share of accounts per platform in the benchmark team.
PLATFORM_MIX = {"wechat": 0.20, "weibo": 0.10, "douyin": 0.18, "xiaohongshu": 0.18, "bilibili": 0.10,
                "channels": 0.14, "kuaishou": 0.10}
SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹")
GIVEN = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀英",
         "霞", "平", "刚", "桂英", "华", "鹏", "婷", "玲", "飞", "斌", "宇", "浩"]
BRANDS = ["青禾", "云栖", "山岚", "知味", "拾光", "南枝", "半夏", "木心", "微澜", "初见"]
SUFFIX = {"wechat": "研究所", "weibo": "官微", "douyin": "茶事", "xiaohongshu": "日常", "bilibili": "TV",
          "channels": "视频号", "kuaishou": "小店"}


@dataclass
class ScaledSummary:
    root: Path
    month: str
    operators: int
    accounts: int
    posts: int                      # distinct posts
    rows: int                       # post rows written (overlapping Bilibili exports and duplicate downloads included)
    files: int
    by_platform: dict[str, int] = field(default_factory=dict)
    by_format: dict[str, int] = field(default_factory=dict)
    bytes: int = 0
    seconds: float = 0.0

    def __str__(self) -> str:
        plat = "，".join(f"{k} {v}" for k, v in self.by_platform.items())
        fmt = "，".join(f"{k} {v}" for k, v in self.by_format.items())
        return (f"规模数据已写入 {self.root / self.month}：{self.operators} 名运营，{self.accounts} 个账号，"
                f"{self.posts} 篇内容（写出 {self.rows} 行），{self.files} 个文件，{self.bytes / 1e6:.0f} MB，"
                f"用时 {self.seconds:.1f} 秒。\n  按平台：{plat}\n  按格式：{fmt}")


def scaled_team(operators: int = 200, accounts: int = 2000, seed: int = 7) -> pd.DataFrame:
    """The benchmark team: one row per account (account, platform, operator, followers, weight)."""
    rng = np.random.default_rng([seed, 1])
    combos = [s + g for g in GIVEN for s in SURNAMES]
    order = rng.permutation(len(combos))
    names = [combos[k] for k in order[:min(operators, len(combos))]]
    names += [f"{combos[k % len(combos)]}{k // len(combos) + 1}" for k in range(len(names), operators)]
    plats = np.array(list(PLATFORM_MIX))
    counts = np.floor(np.array(list(PLATFORM_MIX.values())) * accounts).astype(int)
    counts[0] += accounts - counts.sum()
    platform = np.repeat(plats, counts)
    platform = platform[rng.permutation(accounts)]
    brand = np.array(BRANDS)[np.arange(accounts) % len(BRANDS)]
    account = [f"{b}{SUFFIX[p]}{k + 1:04d}" for k, (b, p) in enumerate(zip(brand, platform))]
    operator = np.array(names)[rng.permutation(np.arange(accounts) % operators)]
    followers = np.clip(rng.lognormal(np.log(30_000), 1.5, accounts), 200, 5_000_000).round()
    cadence = np.array([np.mean(PROFILES[p].cadence) for p in platform])
    weight = cadence * rng.lognormal(0, 0.3, accounts)
    return pd.DataFrame({"account": account, "platform": platform, "operator": operator,
                         "followers": followers, "weight": weight})


@lru_cache(maxsize=1)
def _title_grid() -> np.ndarray:
    """Every template × topic × second topic × place, formatted once (13,824 strings)."""
    tp, tc, pl = T.TEMPLATES, T.TOPICS, T.PLACES
    return np.array([[[[k.format(t=a, t2=b, p=c) for c in pl] for b in tc] for a in tc] for k in tp], dtype=object)


def _titles(rng: np.random.Generator, n: int) -> np.ndarray:
    t = rng.integers(0, len(T.TOPICS), n)
    t2 = (t + 1 + rng.integers(0, len(T.TOPICS) - 1, n)) % len(T.TOPICS)
    pl = rng.integers(0, len(T.PLACES), n)
    tp = rng.integers(0, len(T.TEMPLATES), n)
    em = rng.integers(0, len(T.EMOJI) * 3, n)
    emoji = np.array(T.EMOJI + [""] * (2 * len(T.EMOJI)), dtype=object)
    return (pd.Series(emoji[em], dtype="string") + pd.Series(_title_grid()[tp, t, t2, pl], dtype="string")) \
        .to_numpy(dtype=object)


def _posts(team: pd.DataFrame, n_posts: int, month: str, seed: int) -> dict[str, pd.DataFrame]:
    """Posts of the month per platform, sorted by account and time, metrics as of the snapshot."""
    rng = np.random.default_rng([seed, 2, *map(int, month.split("-"))])
    per_account = rng.multinomial(n_posts, team["weight"] / team["weight"].sum())
    p = Period.parse(month)
    days = pd.date_range(p.start, p.end - pd.Timedelta(days=1), freq="D")
    snap = p.end + pd.Timedelta(days=2, hours=10)
    out = {}
    for plat in PLATFORM_MIX:
        idx = np.flatnonzero(team["platform"].to_numpy() == plat)
        n = per_account[idx]
        acc_rows = np.repeat(idx, n)
        total = int(n.sum())
        if total == 0:
            continue
        prof = PROFILES[plat]
        w = np.asarray(prof.weekdays)[days.day_of_week]
        day = rng.choice(len(days), size=total, p=w / w.sum())
        hour = rng.choice(24, size=total, p=prof.hours)
        sec = rng.integers(0, 3600, size=total)
        off = (day * 86400 + hour * 3600 + sec).astype("int64")
        order = np.lexsort((off, acc_rows))
        acc_rows, off = acc_rows[order], off[order]
        pub = pd.DatetimeIndex(p.start.value + off * 1_000_000_000, tz="UTC").tz_convert(TZ)
        fin = final_metrics(rng, plat, team["followers"].to_numpy()[acc_rows])
        fin.insert(0, "published_at", pub)
        fin.insert(1, "title", _titles(rng, total))
        fin.insert(2, "caption", "今天聊聊好茶。\n#茶生活 #好茶推荐" if plat in ("douyin", "weibo") else "")
        fin["row_account"] = acc_rows
        k = np.arange(total)
        if plat == "wechat":
            ks = pd.Series(k, dtype="int64").astype("string")
            biz = pd.Series(acc_rows, dtype="int64").astype("string").str.zfill(7)
            mid = pd.Series(k + 2247480000, dtype="int64").astype("string")
            fin["url"] = ("http://mp.weixin.qq.com/s?__biz=MzS" + biz + "==&mid=" + mid + "&idx=1&sn="
                          + ks.str.zfill(8) + "#rd").to_numpy(dtype=object)
            fin["recipients"] = np.round(team["followers"].to_numpy()[acc_rows] * 0.97)
        if plat == "channels":
            fin["video_id"] = (f"export/S{seed}{month.replace('-', '')}"
                               + pd.Series(k, dtype="int64").astype("string").str.zfill(9)).to_numpy(dtype=object)
        out[plat] = at_snapshot(fin, fin["published_at"], snap, plat, 7.0 if plat == "wechat" else None)
    return out


CHUNK_ROWS = 60_000


def _groups(bounds: list[tuple[int, int, int]], max_rows: int) -> list[list[tuple[int, int, int]]]:
    """Consecutive accounts packed into groups of at most `max_rows` rows (an account is never split)."""
    groups, cur, size = [], [], 0
    for b in bounds:
        n = b[2] - b[1]
        if cur and size + n > max_rows:
            groups.append(cur)
            cur, size = [], 0
        cur.append(b)
        size += n
    if cur:
        groups.append(cur)
    return groups


def _bounds(codes: np.ndarray) -> list[tuple[int, int, int]]:
    """(account row, start, end) of each run of equal codes in a sorted array."""
    if len(codes) == 0:
        return []
    cut = np.flatnonzero(np.diff(codes)) + 1
    starts = np.r_[0, cut]
    ends = np.r_[cut, len(codes)]
    return [(int(codes[s]), int(s), int(e)) for s, e in zip(starts, ends)]


def write_scaled(raw_root: Path, month: str = "2026-10", operators: int = 200, accounts: int = 2000,
                 posts: int = 1_000_000, seed: int = 7, overwrite: bool = False) -> ScaledSummary:
    """Write one month of raw downloads for the benchmark team under `raw_root/<month>/` and return a summary.
    Prints nothing; the caller prints `str(summary)`."""
    t0 = time.perf_counter()
    raw_root = Path(raw_root)
    Period.parse(month)
    folder = raw_root / month
    if folder.is_dir() and any(folder.iterdir()):
        if not overwrite:
            raise FileExistsError(f"{folder} 已有文件，规模数据不会覆盖；请换一个目录，或确认后用 overwrite=True。")
        shutil.rmtree(folder)
    folder.mkdir(parents=True, exist_ok=True)
    team = scaled_team(operators, accounts, seed)
    frames = _posts(team, posts, month, seed)
    p = Period.parse(month)
    at = p.end + pd.Timedelta(days=2, hours=10)
    stamp = at.tz_convert("UTC").to_pydatetime()
    rows_written, files, by_format = 0, 0, {}
    names = team["account"].to_numpy()

    def count(path: Path, n: int) -> None:
        nonlocal rows_written, files
        rows_written += n
        files += 1
        by_format[path.suffix] = by_format.get(path.suffix, 0) + 1

    u0, u1 = int(p.start.timestamp()), int((p.end - pd.Timedelta(days=1)).timestamp())
    builders = {"douyin": L.douyin_rows, "xiaohongshu": L.xhs_rows, "bilibili": L.bilibili_rows,
                "channels": L.channels_rows, "weibo": L.weibo_rows, "kuaishou": L.kuaishou_rows,
                "wechat": lambda d: L.wechat_rows(d, "2026")}
    for plat, df in frames.items():
        for group in _groups(_bounds(df["row_account"].to_numpy()), CHUNK_ROWS):
            # Formatting works on chunks of whole accounts, so memory stays flat however many posts there are.
            g0, g1 = group[0][1], group[-1][2]
            table = builders[plat](df.iloc[g0:g1]).reset_index(drop=True)
            header = list(table.columns)
            group = [(a, s - g0, e - g0) for a, s, e in group]
            lengths = np.array([e - s for _, s, e in group])
            first = 3 if plat == "xiaohongshu" else 2
            row_numbers = np.arange(len(table)) - np.repeat([s for _, s, _ in group], lengths) + first
            need_xlsx = plat in ("douyin", "xiaohongshu", "kuaishou", "weibo", "wechat")
            xml = W.sheet_rows_xml(table, row_numbers) if need_xlsx else None
            lines = W.csv_lines(table) if plat in ("bilibili", "channels", "weibo", "wechat") else None
            for a, s, e in group:
                sub = folder / names[a]
                n = e - s
                if plat in ("douyin", "xiaohongshu", "kuaishou") or (plat == "weibo" and a % 2):
                    fname = {"douyin": "抖音作品列表.xlsx", "xiaohongshu": "笔记列表明细表.xlsx",
                             "kuaishou": "作品列表明细.xlsx", "weibo": "微博数据_博文.xlsx"}[plat]
                    path = sub / fname
                    W.write_xlsx_fast(path, header, xml[s:e], stamp=stamp,
                                      banner=L.XHS_BANNER if plat == "xiaohongshu" else None)
                    count(path, n)
                    if plat == "douyin" and a % 97 == 0:  # a duplicate download now and then
                        dup = sub / "抖音作品列表 (1).xlsx"
                        dup.write_bytes(path.read_bytes())
                        count(dup, n)
                elif plat == "weibo":
                    path = sub / "博文数据.csv"
                    W.write_csv_lines(path, header, lines[s:e])
                    count(path, n)
                elif plat == "channels":
                    path = sub / "微信视频号动态数据明细.csv"
                    W.write_csv_lines(path, header, lines[s:e], encoding="gb18030" if a % 50 == 0 else "utf-8-sig")
                    count(path, n)
                elif plat == "bilibili":
                    for b, st in enumerate(range(0, max(n - 1, 1), 9)):
                        path = sub / ("近期稿件对比.csv" if b == 0 else f"近期稿件对比 ({b}).csv")
                        chunk = lines[s + st:min(s + st + 10, e)]
                        W.write_csv_lines(path, header, chunk)
                        count(path, len(chunk))
                else:
                    kind = ("xls", "xlsx", "csv")[a % 3]
                    path = sub / f"total_{u0}_{u1}.{kind}"
                    if kind == "xls" and n < 65000:
                        write_xls(path, header, table.iloc[s:e], title=f"已通知内容({p.start:%Y.%m.%d}-{at:%Y.%m.%d})")
                    elif kind == "csv":
                        intro = [f"数据来源概况({p.start:%Y.%m.%d}-{p.end - pd.Timedelta(days=1):%Y.%m.%d})"]
                        W.write_csv_lines(path, header, lines[s:e], intro=intro)
                    else:
                        path = path.with_suffix(".xlsx")
                        W.write_xlsx_fast(path, header, xml[s:e], stamp=stamp)
                    count(path, n)
    _scaled_account_daily(team, frames, folder, p, seed, count)
    _scaled_team_tables(team, frames, folder, p, seed, stamp, count)
    total_bytes = sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())
    by_platform = {k: len(v) for k, v in frames.items()}
    return ScaledSummary(raw_root, month, operators, accounts, int(sum(by_platform.values())), rows_written, files,
                         by_platform, dict(sorted(by_format.items())), total_bytes, time.perf_counter() - t0)


def _scaled_account_daily(team, frames, folder: Path, p: Period, seed: int, count) -> None:
    """WeChat 用户增长 (HTML .xls) and Bilibili 历史累计数据趋势 for every account of those platforms."""
    rng = np.random.default_rng([seed, 3])
    days = pd.date_range(p.start, p.end - pd.Timedelta(days=1), freq="D")
    for _a, row in team.iterrows():
        if row["platform"] not in ("wechat", "bilibili"):
            continue
        f = float(row["followers"])
        gained = rng.poisson(f * 0.03 / 30 + 1, len(days))
        lost = rng.poisson(f * 0.01 / 30, len(days))
        total = (f + np.cumsum(gained - lost)).astype(np.int64)
        sub = folder / row["account"]
        if row["platform"] == "wechat":
            path = sub / "用户分析_用户增长.xls"
            write_html_xls(path, f"用户增长（{days[0]:%Y-%m-%d} 至 {days[-1]:%Y-%m-%d}）", L.WECHAT_GROWTH,
                           L.wechat_growth_rows(days, gained, lost, total))
        else:
            plays = np.cumsum(rng.poisson(f * 0.05, len(days)))
            path = sub / "历史累计数据趋势.csv"
            write_csv(path, L.BILIBILI_TREND, pd.DataFrame({
                "时间": days.strftime("%Y-%m-%d"), "播放量": plays, "累计粉丝": total, "点赞": plays // 25,
                "收藏": plays // 60, "硬币": plays // 120, "评论": plays // 250, "弹幕": plays // 300,
                "分享": plays // 300}))
        count(path, 0)


def _scaled_team_tables(team, frames, folder: Path, p: Period, seed: int, stamp, count) -> None:
    """Roster (xlsx), content calendar (csv, one row per planned post) and the small monthly tables."""
    rng = np.random.default_rng([seed, 4])
    tt = catalog.team_tables()

    def headers(table: str, keys: list[str]) -> list[str]:
        return [tt[table]["columns"][k]["header"] for k in keys]

    names = [T.PLATFORM_NAMES[x][0] for x in team["platform"]]
    roster = pd.DataFrame({"n": team["operator"], "p": names, "a": team["account"],
                           "r": "新媒体运营", "s": "2025-01-01"})
    path = folder / "花名册.xlsx"
    write_xlsx(path, headers("roster", ["name", "platform", "account", "role", "start_date"]), roster,
               stamp=stamp, write_only=True)
    count(path, 0)
    cal = []
    for plat, df in frames.items():
        keep = rng.random(len(df)) < 0.92
        d = df[keep]
        late = rng.random(len(d)) < 0.1
        shift = np.where(late, -rng.uniform(3, 30, len(d)) * 60, rng.uniform(-80, 80, len(d)))
        planned = (pd.DatetimeIndex(d["published_at"]) + pd.to_timedelta(shift, unit="m")).round("30min")
        cal.append(pd.DataFrame({
            "t": planned.tz_localize(None).strftime("%Y-%m-%d %H:%M"), "p": T.CALENDAR_PLATFORM[plat],
            "a": team["account"].to_numpy()[d["row_account"].to_numpy()], "title": d["title"].to_numpy(),
            "o": team["operator"].to_numpy()[d["row_account"].to_numpy()],
            "f": np.where(d["is_video"].to_numpy(), "视频", "图文"),
            "orig": np.where(rng.random(len(d)) < 0.85, "是", "否")}))
    path = folder / "内容排期表.csv"
    write_csv(path, headers("content_calendar", ["planned_at", "platform", "account", "title", "operator", "format",
                                                 "is_original"]), pd.concat(cal, ignore_index=True))
    count(path, 0)
    ops = sorted(set(team["operator"]))
    n = len(ops)
    due = (p.end + pd.Timedelta(days=2)).strftime("%Y-%m-%d")
    late = rng.integers(0, 3, n) * (rng.random(n) < 0.15)
    reps = pd.DataFrame({"o": ops, "r": f"{p.year}年{p.index}月运营月报", "d": due,
                         "s": [(pd.Timestamp(due) + pd.Timedelta(days=int(x))).strftime("%Y-%m-%d") for x in late],
                         "q": rng.integers(60, 98, n)})
    path = folder / "数据报告提交记录.xlsx"
    write_xlsx(path, headers("data_reports", ["operator", "report", "due_date", "submitted_date", "quality_score"]),
               reps, stamp=stamp, write_only=True)
    count(path, 0)
    qr = pd.DataFrame({"o": ops, "d": (p.end - pd.Timedelta(days=3)).strftime("%Y-%m-%d"), "r": T.MANAGER,
                       "s": rng.integers(60, 98, n)})
    path = folder / "内容质量评审.xlsx"
    write_xlsx(path, headers("quality_reviews", ["operator", "review_date", "reviewer", "score"]), qr, stamp=stamp,
               write_only=True)
    count(path, 0)
    roles = [(T.MANAGER, "上级"), (None, "同事"), (None, "自评")]
    rv = []
    for rater, role in roles:
        rv.append(pd.DataFrame({"o": ops, "p": p.text,
                                "r": rater or "", "role": role,
                                "a": rng.integers(2, 6, n), "b": rng.integers(2, 6, n), "c": rng.integers(2, 6, n)}))
    rv = pd.concat(rv, ignore_index=True)
    rv.loc[rv["role"] == "自评", "r"] = rv.loc[rv["role"] == "自评", "o"]
    peers = np.array(ops)[(np.arange(n) + 1) % n]
    rv.loc[rv["role"] == "同事", "r"] = peers
    path = folder / "综合能力评价.xlsx"
    write_xlsx(path, headers("qualitative_reviews", ["operator", "period", "rater", "rater_role", "professional",
                                                     "conduct", "teamwork"]), rv, stamp=stamp, write_only=True)
    count(path, 0)


# ---------------------------------------------------------------- processed history


_LAYOUT = {"wechat": "wechat_notified_2026", "weibo": "weibo_posts", "douyin": "douyin_works",
           "xiaohongshu": "xhs_note_list", "bilibili": "bilibili_compare", "channels": "channels_detail",
           "kuaishou": "kuaishou_works"}


def write_scaled_history(processed_root: Path, month: str, months: int = 12, operators: int = 200,
                         accounts: int = 2000, posts: int = 1_000_000, seed: int = 7) -> list[Path]:
    """Synthetic processed `posts.parquet` (catalog.POSTS dtypes) for the `months` months before `month`, for the same
    team as `write_scaled`, so baselines and trailing medians have history. Returns the files written."""
    team = scaled_team(operators, accounts, seed)
    written = []
    for k in range(months, 0, -1):
        m = month_shift(month, -k)
        frames = _posts(team, posts, m, seed)
        snap = Period.parse(m).end + pd.Timedelta(days=2, hours=10)
        parts = []
        for plat, df in frames.items():
            a = df["row_account"].to_numpy()
            post_id = (df["url"] if plat == "wechat" else df["video_id"] if plat == "channels"
                       else f"{plat}-{m}-" + pd.Series(np.arange(len(df)), index=df.index).astype("string"))
            parts.append(pd.DataFrame({
                "platform": plat, "account": team["account"].to_numpy()[a], "operator": team["operator"].to_numpy()[a],
                "post_id": post_id.to_numpy(), "title": df["title"].to_numpy(), "published_at": df["published_at"],
                "format": np.where(df["is_video"].to_numpy(), "视频", "图文"),
                "views": df["views"], "impressions": df["impressions"] if "impressions" in df else np.nan,
                "likes": df["likes"] if plat != "wechat" else np.nan, "comments": df["comments"],
                "shares": df["shares"], "saves": df["saves"], "followers_gained": df["followers_gained"],
                "completion_rate": df["completion_rate"],
                "avg_watch_seconds": df["avg_watch_seconds"] if plat in ("douyin", "xiaohongshu", "channels")
                else np.nan,
                "source_file": f"{m}/synthetic/{plat}", "source_row": np.arange(len(df)) + 2,
                "snapshot_at": snap, "layout": _LAYOUT[plat], "views_lower_bound": False,
            }))
        out = catalog.conform(pd.concat(parts, ignore_index=True), catalog.POSTS, catalog.POSTS_EXTRA)
        folder = Path(processed_root) / m
        folder.mkdir(parents=True, exist_ok=True)
        written.append(catalog.save(folder, "posts", out))
    return written
