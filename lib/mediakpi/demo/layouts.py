"""Platform export layouts, as described in docs/specs/platform-exports.md.

Each `*_rows` function turns a frame of posts *as of the snapshot* (columns from model.final_metrics plus `title`,
`caption`, `published_at`, and ids) into a frame whose columns are the platform's own headers and whose cells are
written the way the platform writes them (text numbers, `%` strings, `星`, Chinese dates, `-` for missing).
They are vectorised: the scale generator formats a million rows with them.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

DOUYIN = ["作品名称", "发布时间", "体裁", "审核状态", "播放量", "完播率", "5s完播率", "封面点击率", "2s跳出率",
          "平均播放时长", "点赞量", "分享量", "评论量", "收藏量", "主页访问量", "粉丝增量"]
XHS = ["笔记标题", "首次发布时间", "体裁", "曝光", "观看量", "封面点击率", "点赞", "评论", "收藏", "涨粉", "分享",
       "人均观看时长", "弹幕"]
XHS_BANNER = "最多导出排序后前1000条笔记"
BILIBILI = ["视频标题", "发布时间", "播放量", "游客播放占比", "粉丝观看率", "封标点击率", "粉丝点击率", "游客点击率",
            "3秒跳出率", "粉丝3秒跳出率", "游客3秒跳出率", "互动率", "粉丝互动率", "游客互动率", "涨粉量", "播转粉率",
            "取关量", "点赞量", "点赞率", "评论量", "评论率", "弹幕量", "弹幕率", "收藏量", "收藏率", "投币量",
            "投币率", "转发量", "转发率", "平均播放进度"]
BILIBILI_TREND = ["时间", "播放量", "累计粉丝", "点赞", "收藏", "硬币", "评论", "弹幕", "分享"]
CHANNELS = ["视频描述", "视频ID", "发布时间", "完播率", "平均播放时长", "播放量", "推荐", "喜欢", "评论量", "分享量",
            "关注量", "转发聊天和朋友圈", "设为铃声", "设为状态", "设为朋友圈封面", "企微链接点击次数",
            "企微链接点击人数", "添加到通讯录次数", "添加到通讯录人数"]
CHANNELS_SHORT = CHANNELS[:15]
WECHAT_2026 = ["数据来源概况", "内容标题", "发表日期", "阅读人数", "分享人数", "阅读后关注人数", "送达人数",
               "送达完成率", "阅读完成率", "内容url"]
WECHAT_2022 = ["内容标题", "发表时间", "总阅读人数", "总阅读次数", "总分享人数", "总分享次数", "阅读后关注人数",
               "送达人数", "公众号消息阅读次数", "送达阅读率", "首次分享次数", "分享产生阅读次数", "首次分享率",
               "每次分享带来阅读次数", "阅读完成率", "内容url"]
WECHAT_GROWTH = ["时间", "新关注人数", "取消关注人数", "净增关注人数", "累积关注人数"]
WECHAT_CHANNELS = ["公众号消息", "聊天会话", "朋友圈", "公众号主页", "推荐", "搜一搜", "其他"]
WEIBO = ["发布时间", "微博内容", "阅读数", "转发数", "评论数", "点赞数", "互动数", "视频播放量"]
KUAISHOU = ["作品", "发布时间", "播放量", "完播率", "评论量", "点赞量", "收藏量", "涨粉量"]


# ---------------------------------------------------------------- cell formatters (vectorised)


def int_text(s: pd.Series) -> pd.Series:
    """Integers written as text (Douyin), NA as `-`."""
    v = pd.to_numeric(s, errors="coerce")
    out = v.round().astype("Int64").astype("string")
    return out.fillna("-").astype(object)


def ints(s) -> pd.Series:
    """Integer cells; missing values as empty cells."""
    idx = s.index if isinstance(s, pd.Series) else None
    v = pd.to_numeric(pd.Series(s, index=idx), errors="coerce").to_numpy(dtype=float)
    mask = np.isnan(v)
    out = np.round(np.where(mask, 0, v)).astype(np.int64)
    if not mask.any():
        return pd.Series(out, index=idx)
    obj = out.astype(object)
    obj[mask] = None
    return pd.Series(obj, index=idx)


def frac_text(s: pd.Series, digits: int = 4) -> pd.Series:
    v = pd.to_numeric(s, errors="coerce").round(digits)
    return v.astype("string").fillna("-").astype(object)


def pct(s: pd.Series, digits: int = 2, floor_marker: bool = True) -> pd.Series:
    """A fraction as a percent string (`4.41%`); tiny non-zero values as `<0.1%` (Bilibili)."""
    v = pd.to_numeric(s, errors="coerce").to_numpy(dtype=float) * 100
    txt = pd.Series(np.round(v, digits), index=s.index).astype("string") + "%"
    if floor_marker:
        txt = txt.mask((v > 0) & (v < 0.1), "<0.1%")
    return txt.fillna("-").astype(object)


def stars(s: pd.Series) -> pd.Series:
    """Bilibili 封标点击率: a 1-5 star score in half stars, `4星` / `3.5星`."""
    v = np.clip(np.round(pd.to_numeric(s, errors="coerce").to_numpy(dtype=float) * 2) / 2, 1, 5)
    txt = pd.Series(v, index=s.index).map(lambda x: f"{x:g}星")
    return txt.astype(object)


def wan(s: pd.Series) -> pd.Series:
    """Weibo-style counts: `1.2万` from 10,000 up, plain integers below."""
    v = pd.to_numeric(s, errors="coerce").to_numpy(dtype=float)
    small = pd.Series(np.round(v), index=s.index).astype("Int64").astype("string")
    big = pd.Series(np.round(v / 1e4, 1), index=s.index).astype("string") + "万"
    return small.where(v < 10_000, big).fillna("暂无").astype(object)


def ts_text(s: pd.Series, fmt: str) -> pd.Series:
    return pd.Series(pd.DatetimeIndex(s).strftime(fmt), index=s.index).astype(object)


# ---------------------------------------------------------------- layouts


def douyin_rows(p: pd.DataFrame) -> pd.DataFrame:
    """Douyin 作品列表 (16 columns, everything as text, `-` for missing, 作品名称 = title + caption)."""
    video = p["is_video"].astype(bool)
    fmt = np.where(~video, "图文", np.where(p["u3"] < 0.5, "1-3min视频", "视频"))
    name = p["title"].astype(str) + np.where(p["caption"].astype(str) != "", " " + p["caption"].astype(str), "")
    cover = frac_text(pd.Series(np.where(p["u1"] < 0.55, np.nan, p["views"] / p["impressions"]), index=p.index))
    return pd.DataFrame({
        "作品名称": name,
        "发布时间": ts_text(p["published_at"], "%Y-%m-%d %H:%M:%S"),
        "体裁": fmt,
        "审核状态": np.where(p["u2"] < 0.02, "自见", "公开"),
        "播放量": int_text(p["views"]),
        "完播率": frac_text(p["completion_rate"]),
        "5s完播率": frac_text(pd.Series(np.where(video, 0.25 + 0.5 * p["u2"], np.nan), index=p.index)),
        "封面点击率": cover,
        "2s跳出率": frac_text(pd.Series(np.where(video, 0.15 + 0.3 * p["u1"], np.nan), index=p.index)),
        "平均播放时长": frac_text(p["avg_watch_seconds"], 1),
        "点赞量": int_text(p["likes"]),
        "分享量": int_text(p["shares"]),
        "评论量": int_text(p["comments"]),
        "收藏量": int_text(p["saves"]),
        "主页访问量": int_text(p["profile_visits"]),
        "粉丝增量": int_text(p["followers_gained"]),
    }, index=p.index)


def xhs_rows(p: pd.DataFrame, danmaku: bool = True) -> pd.DataFrame:
    """Xiaohongshu 笔记列表明细表 (header on row 2 under a banner, `YYYY年MM月DD日HH时MM分SS秒`)."""
    out = pd.DataFrame({
        "笔记标题": p["title"].astype(object),
        "首次发布时间": ts_text(p["published_at"], "%Y年%m月%d日%H时%M分%S秒"),
        "体裁": np.where(p["is_video"].astype(bool), "视频", "图文"),
        "曝光": ints(p["impressions"]),
        "观看量": ints(p["views"]),
        "封面点击率": (p["views"] / p["impressions"]).round(4),
        "点赞": ints(p["likes"]),
        "评论": ints(p["comments"]),
        "收藏": ints(p["saves"]),
        "涨粉": ints(p["followers_gained"]),
        "分享": ints(p["shares"]),
        "人均观看时长": p["avg_watch_seconds"].round(1),
        "弹幕": ints(p["danmaku"]),
    }, index=p.index)
    return out if danmaku else out.drop(columns="弹幕")


def bilibili_rows(p: pd.DataFrame) -> pd.DataFrame:
    """Bilibili 近期稿件对比 (30 columns, `%` strings with `<0.1%`, `星` scores, `YYYY年MM月DD日 HH:MM:SS`)."""
    v = p["views"].astype(float)
    inter = (p["likes"] + p["comments"] + p["danmaku"] + p["saves"] + p["coins"] + p["shares"]) / v
    visitor = 0.3 + 0.6 * p["u1"]
    fans_rate = (v * (1 - visitor)) / (v / (0.02 + 0.1 * p["u2"]))
    star = 1.5 + 3.5 * p["u3"]
    out = {
        "视频标题": p["title"].astype(object),
        "发布时间": ts_text(p["published_at"], "%Y年%m月%d日 %H:%M:%S"),
        "播放量": ints(p["views"]),
        "游客播放占比": pct(visitor),
        "粉丝观看率": pct(fans_rate),
        "封标点击率": stars(star),
        "粉丝点击率": stars(star + 0.5),
        "游客点击率": stars(star - 0.5),
        "3秒跳出率": pct(0.1 + 0.3 * p["u2"]),
        "粉丝3秒跳出率": pct(0.05 + 0.2 * p["u2"]),
        "游客3秒跳出率": pct(0.12 + 0.35 * p["u2"]),
        "互动率": pct(inter),
        "粉丝互动率": pct(inter * 1.6),
        "游客互动率": pct(inter * 0.6),
        "涨粉量": ints(p["followers_gained"]),
        "播转粉率": pct(p["followers_gained"] / v),
        "取关量": ints(p["followers_lost"]),
    }
    for head, col in [("点赞", "likes"), ("评论", "comments"), ("弹幕", "danmaku"), ("收藏", "saves"),
                      ("投币", "coins"), ("转发", "shares")]:
        out[f"{head}量"] = ints(p[col])
        out[f"{head}率"] = pct(p[col] / v)
    out["平均播放进度"] = pct(p["completion_rate"] + 0.25)
    return pd.DataFrame(out, index=p.index)[BILIBILI]


def channels_rows(p: pd.DataFrame, short: bool = False) -> pd.DataFrame:
    """视频号 动态数据明细 (19 columns, or 15; `4.41%`, `14.73秒`, date without time, 视频ID)."""
    d = pd.DatetimeIndex(p["published_at"])
    date = pd.Series(d.year.astype(str) + "/" + d.month.astype(str) + "/" + d.day.astype(str), index=p.index)
    v = p["views"].astype(float)
    out = pd.DataFrame({
        "视频描述": p["title"].astype(object),
        "视频ID": p["video_id"].astype(object),
        "发布时间": date.astype(object),
        "完播率": pct(p["completion_rate"], floor_marker=False),
        "平均播放时长": (p["avg_watch_seconds"].round(2).astype("string") + "秒").astype(object),
        "播放量": ints(v),
        "推荐": ints(p["recommends"]),
        "喜欢": ints(p["likes"]),
        "评论量": ints(p["comments"]),
        "分享量": ints(p["shares"]),
        "关注量": ints(p["followers_gained"]),
        "转发聊天和朋友圈": ints(p["forwards"]),
        "设为铃声": ints(np.floor(v * 0.0002 * p["u1"])),
        "设为状态": ints(np.floor(v * 0.0005 * p["u2"])),
        "设为朋友圈封面": ints(np.floor(v * 0.0003 * p["u3"])),
        "企微链接点击次数": ints(np.floor(v * 0.002 * p["u2"])),
        "企微链接点击人数": ints(np.floor(v * 0.0015 * p["u2"])),
        "添加到通讯录次数": ints(np.floor(v * 0.001 * p["u3"])),
        "添加到通讯录人数": ints(np.floor(v * 0.0008 * p["u3"])),
    }, index=p.index)
    return out[CHANNELS_SHORT] if short else out


def wechat_rows(p: pd.DataFrame, layout: str, source: str | None = "公众号后台") -> pd.DataFrame:
    """WeChat 已通知内容 per-article export, `layout` = "2026" (数据来源概况 … 送达完成率) or "2022" (16 columns)."""
    date = pd.DatetimeIndex(p["published_at"]).strftime("%Y%m%d")
    recipients = p["recipients"].astype(float)
    msg_reads = np.round(p["reads_total"] * (0.35 + 0.3 * p["u1"]))
    if layout == "2026":
        return pd.DataFrame({
            "数据来源概况": source,
            "内容标题": p["title"].astype(object),
            "发表日期": pd.Series(date, index=p.index).astype(object),
            "阅读人数": ints(p["views"]),
            "分享人数": ints(p["shares"]),
            "阅读后关注人数": ints(p["followers_gained"]),
            "送达人数": ints(recipients),
            "送达完成率": (msg_reads / recipients).round(4),
            "阅读完成率": p["completion_rate"].round(6),
            "内容url": p["url"].astype(object),
        }, index=p.index)
    first = np.round(p["share_times"] * (0.5 + 0.3 * p["u2"]))
    from_share = np.round(p["reads_total"] - msg_reads).clip(lower=0)
    return pd.DataFrame({
        "内容标题": p["title"].astype(object),
        "发表时间": pd.Series(date.astype(int), index=p.index),
        "总阅读人数": ints(p["views"]),
        "总阅读次数": ints(p["reads_total"]),
        "总分享人数": ints(p["shares"]),
        "总分享次数": ints(p["share_times"]),
        "阅读后关注人数": ints(p["followers_gained"]),
        "送达人数": ints(recipients),
        "公众号消息阅读次数": ints(msg_reads),
        "送达阅读率": (msg_reads / recipients).round(4),
        "首次分享次数": ints(first),
        "分享产生阅读次数": ints(from_share),
        "首次分享率": (first / p["reads_total"].clip(lower=1)).round(4),
        "每次分享带来阅读次数": (from_share / p["share_times"].clip(lower=1)).round(2),
        "阅读完成率": p["completion_rate"].round(4),
        "内容url": p["url"].astype(object),
    }, index=p.index)


def weibo_rows(p: pd.DataFrame) -> pd.DataFrame:
    """Weibo (headers as commonly quoted; big numbers as `12.3万`, `暂无` where a post has no video)."""
    video_plays = pd.Series(np.where(p["is_video"].astype(bool), p["views"] * (0.3 + 0.4 * p["u1"]), np.nan),
                            index=p.index)
    text = p["title"].astype(str) + np.where(p["caption"].astype(str) != "", " " + p["caption"].astype(str), "")
    return pd.DataFrame({
        "发布时间": ts_text(p["published_at"], "%Y-%m-%d %H:%M"),
        "微博内容": text,
        "阅读数": wan(p["views"]),
        "转发数": wan(p["shares"]),
        "评论数": wan(p["comments"]),
        "点赞数": wan(p["likes"]),
        "互动数": wan(p["shares"] + p["comments"] + p["likes"]),
        "视频播放量": wan(video_plays),
    }, index=p.index)


def kuaishou_rows(p: pd.DataFrame) -> pd.DataFrame:
    """Kuaishou 作品列表明细 (the one public header hint; 完播率 as `20.6%`)."""
    return pd.DataFrame({
        "作品": p["title"].astype(object),
        "发布时间": ts_text(p["published_at"], "%Y-%m-%d %H:%M"),
        "播放量": ints(p["views"]),
        "完播率": pct(p["completion_rate"], 1, floor_marker=False),
        "评论量": ints(p["comments"]),
        "点赞量": ints(p["likes"]),
        "收藏量": ints(p["saves"]),
        "涨粉量": ints(p["followers_gained"]),
    }, index=p.index)


def wechat_growth_rows(days: pd.DatetimeIndex, gained, lost, total) -> pd.DataFrame:
    return pd.DataFrame({"时间": days.strftime("%Y-%m-%d"), "新关注人数": gained, "取消关注人数": lost,
                         "净增关注人数": np.asarray(gained) - np.asarray(lost), "累积关注人数": total})


def wechat_tendency_blocks(p: pd.DataFrame, days: pd.DatetimeIndex, rng: np.random.Generator,
                           range_text: str) -> list[tuple[int, int, list[list]]]:
    """WeChat 内容分析 → 下载数据明细: three tables side by side (B:D, F:J, L:P) under title cells with the date
    range; the per-channel rows overlap, so they add up to more than the `全部` row."""
    pub_day = pd.DatetimeIndex(p["published_at"]).normalize().tz_localize(None)
    daily_readers = np.zeros(len(days))
    for i, d in enumerate(days):
        age = (d - pub_day).days.to_numpy()
        share = np.where((age >= 0) & (age < 7), np.exp(-age / 1.5), 0.0)
        share = share * 0.45
        daily_readers[i] = float((p["views"].to_numpy() * share).sum()) + rng.integers(5, 40)
    t1 = [["日期", "渠道", "阅读人数"]]
    t2 = [["日期", "分享人数", "跳转阅读原文人数", "微信收藏人数", "发表篇数"]]
    for i, d in enumerate(days):
        ds = d.strftime("%Y-%m-%d")
        total = int(daily_readers[i])
        t1.append([ds, "全部", total])
        shares = rng.dirichlet(np.ones(len(WECHAT_CHANNELS)) * 1.2) * total * 1.18
        for ch, v in zip(WECHAT_CHANNELS, shares):
            t1.append([ds, ch, int(v)])
        n_pub = int((pub_day == d).sum())
        t2.append([ds, int(total * 0.03), int(total * 0.004), int(total * 0.01), n_pub])
    t3 = [["传播渠道", "发表日期", "内容标题", "阅读人数", "阅读人数占比"]]
    for _, r in p.iterrows():
        ds = r["published_at"].strftime("%Y%m%d")
        total = int(r["views"])
        t3.append(["全部", ds, r["title"], total, 1])
        shares = rng.dirichlet(np.ones(4)) * 1.15
        for ch, s in zip(["公众号消息", "聊天会话", "朋友圈", "推荐"], shares):
            t3.append([ch, ds, r["title"], int(total * s), round(float(min(s, 1.0)), 4)])
    title_l = f"数据趋势概况({range_text})"
    title_r = f"数据来源概况({range_text})"
    return [(0, 1, [[title_l]]), (0, 11, [[title_r]]), (2, 1, t1), (2, 5, t2), (2, 11, t3)]
