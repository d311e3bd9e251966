"""The demo team's 互动与舆情记录 (team table) and WeChat comment payloads, one month at a time.

Realistic timing: items arrive through the day and evening, every day of the week; replies come quickly in working
hours, the next morning for evening and night items, on Monday for most weekend items; 赵磊 answers slowly and misses
some. Comments on the WeChat accounts come from the platform's comment API (a JSON file in the account folder), the
rest is typed in by the team lead 孙丽, with the comment's link; now and then an operator types in their own reply
(录入人 = themselves: not counted, the provenance rule of docs/scoring.md), and one WeChat comment is also typed into
the table (it counts once). The last month holds the planted incident: a burst of 退款 complaints on 青禾茶事
(抖音) over two days, one of them naming 12315 (a must-review word), some left unanswered.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..periods import TZ, Period
from . import team as T

SLOW = "赵磊"  # the slow responder
INCIDENT = ("青禾茶事", "douyin")  # the account of the planted burst (last month)
INCIDENT_DAYS = (20, 21)  # days of the last month
WECHAT_JSON = "公众号评论接口.json"
LOG_FILE = "互动与舆情记录.xlsx"

KINDS = [("评论", 0.62), ("私信", 0.2), ("@提及", 0.07), ("用户反馈", 0.08), ("负面信息", 0.03)]
VOLUME = {"wechat": 26, "weibo": 30, "douyin": 34, "xiaohongshu": 26, "bilibili": 18, "channels": 12, "kuaishou": 16}
TEXT = {
    "评论": [
        "这篇讲得很清楚，{t}原来要这样泡",
        "求{t}的购买链接",
        "请问{t}能放冰箱吗？",
        "青禾的{t}一直在喝，好喝",
        "{t}和去年比哪个好？",
        "收藏了，周末试试",
        "主播讲得真好",
        "有没有适合送礼的{t}礼盒",
    ],
    "私信": ["你好，{t}什么时候发货？", "想问下{t}礼盒可以开发票吗", "团购{t}有优惠吗", "地址填错了能改吗"],
    "@提及": ["@青禾茶事 推荐的{t}真的不错", "跟着@青禾茶事 学泡{t}", "被@青禾 种草了{t}"],
    "用户反馈": ["{t}包装有点简陋", "希望多出点{t}冲泡视频", "小程序下单页面打不开", "{t}的说明书字太小"],
    "负面信息": ["{t}收到有股怪味，差评", "物流太慢了，投诉一下", "{t}跟宣传的不一样"],
}
INCIDENT_TEXT = [
    "礼盒收到就破了，申请退款一直没人处理",
    "退款申请三天了还没通过",
    "买的{t}发霉，要求退款",
    "客服不回，退款怎么办",
    "同样问题，{t}礼盒要退款",
    "再不给退款就打12315了",
]
URL = {
    "wechat": "https://mp.weixin.qq.com/s/",
    "weibo": "https://weibo.com/detail/",
    "douyin": "https://www.douyin.com/video/",
    "xiaohongshu": "https://www.xiaohongshu.com/explore/",
    "bilibili": "https://www.bilibili.com/video/",
    "channels": "https://channels.weixin.qq.com/",
    "kuaishou": "https://www.kuaishou.com/short-video/",
}


@dataclass
class MonthLog:
    rows: list[dict] = field(default_factory=list)  # 互动与舆情记录 rows (by column key)
    comments: dict[str, list[dict]] = field(default_factory=dict)  # WeChat account folder -> articles with comments


def _arrival(rng: np.random.Generator, p: Period, n: int) -> list[pd.Timestamp]:
    days = rng.integers(0, p.days, n)
    # through the day and evening: few at night
    hours = rng.choice(np.arange(24), n, p=_HOURS / _HOURS.sum())
    mins = rng.integers(0, 60, n)
    return [p.start + pd.Timedelta(days=int(d), hours=int(h), minutes=int(m)) for d, h, m in zip(days, hours, mins)]


_HOURS = np.array([1, 0.5, 0.3, 0.2, 0.2, 0.3, 0.8, 2, 3, 4, 4, 4, 5, 4, 4, 4, 4, 4, 5, 6, 7, 7, 5, 3], dtype=float)


def _next_open(t: pd.Timestamp, rng: np.random.Generator, weekend_shift: bool) -> pd.Timestamp:
    """The next working morning after t (plus a little), or t itself when t is in working hours."""
    if t.day_of_week >= 5 and weekend_shift:
        t = (t + pd.Timedelta(days=7 - t.day_of_week)).normalize() + pd.Timedelta(hours=9)
    elif t.hour >= 18:
        t = (t + pd.Timedelta(days=1)).normalize() + pd.Timedelta(hours=9)
        if t.day_of_week >= 5 and weekend_shift:
            t = (t + pd.Timedelta(days=7 - t.day_of_week)).normalize() + pd.Timedelta(hours=9)
    elif t.hour < 9:
        t = t.normalize() + pd.Timedelta(hours=9)
    return t + pd.Timedelta(minutes=int(rng.integers(0, 50)))


def _reply(rng: np.random.Generator, op: str, when: pd.Timestamp, kind: str) -> pd.Timestamp | None:
    slow = op == SLOW
    if rng.random() < (0.14 if slow else 0.03):
        return None
    start = _next_open(when, rng, weekend_shift=rng.random() < (0.9 if slow else 0.7))
    mean_h = (3.5 if slow else 0.6) * (5 if kind == "用户反馈" else 1)
    return start + pd.Timedelta(minutes=int(rng.exponential(mean_h * 60)) + 3)


def month_log(seed: int, i: int, month: str, accounts: list, operator_of, last: bool) -> MonthLog:
    """The month's log: `accounts` are the demo accounts that exist that month, `operator_of(acc, when)` who held
    the account then."""
    p = Period.parse(month)
    out = MonthLog()
    for k, a in enumerate(accounts):
        rng = np.random.default_rng([seed, 700, i, k])
        n = int(rng.poisson(VOLUME[a.platform] * (0.4 if a.followers < 10_000 else 1.0)))
        kinds = rng.choice([x for x, _ in KINDS], n, p=[w for _, w in KINDS])
        articles: dict[int, dict] = {}
        for j, (kind, when) in enumerate(zip(kinds, _arrival(rng, p, n))):
            op = operator_of(a, when)
            t = str(rng.choice(T.TOPICS))
            text = str(rng.choice(TEXT[kind])).format(t=t)
            reply = _reply(rng, op, when, kind)
            if a.platform == "wechat" and kind == "评论":
                art = articles.setdefault(
                    int(rng.integers(0, 4)),
                    {
                        "title": f"{t}的故事（{month}）",
                        "url": f"{URL['wechat']}{seed % 997}{i:02d}{k}{len(articles)}",
                        "comment": [],
                    },
                )
                c = {
                    "user_comment_id": 10_000 * (i + 1) + 100 * k + j,
                    "openid": f"o{rng.integers(10**9):09d}",
                    "create_time": int(when.timestamp()),
                    "content": text,
                    "comment_type": int(rng.random() < 0.2),
                }
                if reply is not None:
                    c["reply"] = {"content": "谢谢你的留言～", "create_time": int(reply.timestamp())}
                art["comment"].append(c)
                if j == 0 and k == 0:  # the same comment typed into the table as well: it counts once
                    out.rows.append(_row(a, kind, text, when, reply, op, T.MANAGER, art["url"]))
                continue
            # the lead keeps the log; now and then an operator types in their own reply (not counted: provenance)
            by_self = kind == "评论" and rng.random() < 0.05
            link = None if kind == "私信" else f"{URL[a.platform]}{seed % 991}{i:02d}{k:02d}{j:03d}"
            out.rows.append(_row(a, kind, text, when, reply, op, op if by_self else T.MANAGER, link))
        if articles:
            out.comments[a.folder] = [articles[x] for x in sorted(articles)]
        if last and (a.folder, a.platform) == INCIDENT:
            out.rows.extend(_incident(np.random.default_rng([seed, 701]), p, a, operator_of))
    out.rows.sort(key=lambda r: (r["received_at"], r["account"], r["kind"]))
    return out


def _incident(rng: np.random.Generator, p: Period, a, operator_of) -> list[dict]:
    rows = []
    for day, n in zip(INCIDENT_DAYS, (9, 12)):
        base = p.start + pd.Timedelta(days=day - 1)
        for j in range(n):
            when = (base + pd.Timedelta(hours=float(rng.uniform(8, 23)))).floor("min")
            op = operator_of(a, when)
            text = INCIDENT_TEXT[(j + day) % len(INCIDENT_TEXT)].format(t=str(rng.choice(T.TOPICS)))
            reply = None if rng.random() < 0.3 else _reply(rng, op, when, "负面信息")
            escalate = "12315" in text or rng.random() < 0.15
            link = f"{URL[a.platform]}incident{day}{j:02d}"
            rows.append(
                _row(
                    a,
                    "负面信息" if "12315" in text else "评论",
                    text,
                    when,
                    reply,
                    op,
                    T.MANAGER,
                    link,
                    escalated=escalate,
                    outcome="已转客服退款" if reply is not None else None,
                )
            )
    return rows


def _row(a, kind, text, when, reply, op, entered_by, link, escalated=False, outcome=None) -> dict:
    naive = lambda t: None if t is None else t.tz_convert(TZ).tz_localize(None).to_pydatetime()  # noqa: E731
    return dict(
        platform=T.CALENDAR_PLATFORM[a.platform],
        account=a.folder,
        kind=kind,
        content=text,
        received_at=naive(when),
        first_reply_at=naive(reply),
        handler=op if reply is not None else None,
        escalated="是" if escalated else "否",
        outcome=outcome or ("已回复" if reply is not None else None),
        source_url=link,
        entered_by=entered_by,
    )


def write_comment_json(path: Path, articles: list[dict]) -> None:
    """The WeChat comment payload as a team would save it: several articles, each the API's answer."""
    body = {
        "articles": [
            {
                "title": a["title"],
                "url": a["url"],
                "errcode": 0,
                "errmsg": "ok",
                "total": len(a["comment"]),
                "comment": a["comment"],
            }
            for a in articles
        ]
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(body, ensure_ascii=False, indent=1), encoding="utf-8")
