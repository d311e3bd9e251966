"""The item rules of replies.py over generated logs: a blank or impossible reply never beats the slowest one,
duplicates count once, self-entered replies need evidence, and no edit of these classes raises a figure."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from mediakpi import catalog
from mediakpi.replies import reply_items, summary, with_holder
from mediakpi.scoring.provenance import own_judgements

TZ = "Asia/Shanghai"
ROSTER = catalog.conform(
    pd.DataFrame([{"name": "张三", "platform": "wechat", "account": "品牌号"}]), catalog.team_table_dtypes("roster")
)
BASE = pd.Timestamp("2026-10-01", tz=TZ)
KINDS = ["评论", "私信", "@提及", "用户反馈", "负面信息"]


@st.composite
def logs(draw, min_size=1, max_size=12):
    n = draw(st.integers(min_size, max_size))
    rows = []
    for i in range(n):
        recv = BASE + pd.Timedelta(minutes=draw(st.integers(0, 60 * 24 * 29)))
        delay = draw(st.one_of(st.none(), st.integers(1, 60 * 24 * 4)))
        rows.append(
            {
                "platform": "wechat",
                "account": "品牌号",
                "kind": draw(st.sampled_from(KINDS)),
                "content": f"第{i}条",
                "received_at": recv,
                "first_reply_at": None if delay is None else recv + pd.Timedelta(minutes=delay),
                "handler": "张三",
                "source_url": draw(st.sampled_from([None, f"https://x/{i}"])),
                "entered_by": draw(st.sampled_from([None, "张三", "孙丽"])),
                "source_file": "互动与舆情记录.xlsx",
                "source_row": i + 2,
            }
        )
    return rows


def _frame(rows):
    return catalog.conform(pd.DataFrame(rows), catalog.team_table_dtypes("interactions"))


def _items(rows):
    """What the score stage does: the provenance rule (scoring/provenance.py) on the log, then the item rules."""
    tables, _ = own_judgements({"interactions": with_holder(_frame(rows), ROSTER)})
    return reply_items(tables["interactions"], ROSTER, "2026-10")


def _s(rows):
    return summary(_items(rows))


def _not_better(after, before):
    assert after["rate"] <= before["rate"] + 1e-12
    assert after["sla_share"] <= before["sla_share"] + 1e-12
    assert after["median_hours"] >= before["median_hours"] - 1e-12


@settings(max_examples=30, deadline=None)
@given(logs(), st.data())
def test_blank_or_impossible_reply_never_helps(rows, data):
    before = _s(rows)
    k = data.draw(st.integers(0, len(rows) - 1))
    blank = [dict(r) for r in rows]
    blank[k]["first_reply_at"] = None
    _not_better(_s(blank), before)
    early = [dict(r) for r in rows]
    early[k]["first_reply_at"] = early[k]["received_at"] - pd.Timedelta(hours=1)  # before it was received
    _not_better(_s(early), before)
    # a blank is slower than the slowest real reply: the item's delay is infinite
    items = _items(blank)
    assert np.isinf(items.loc[items["content"] == f"第{k}条", "reply_hours"]).all()


@settings(max_examples=25, deadline=None)
@given(logs(), st.data())
def test_duplicates_count_once(rows, data):
    before = _s(rows)
    k = data.draw(st.integers(0, len(rows) - 1))
    copy = dict(rows[k], source_file="副本.xlsx")
    if data.draw(st.booleans()):  # the copy may even claim a faster reply: it still counts once, the worse copy
        copy["first_reply_at"] = copy["received_at"] + pd.Timedelta(minutes=1)
    after = _s(rows + [copy])
    assert after["n"] == before["n"]
    _not_better(after, before)


@settings(max_examples=25, deadline=None)
@given(logs(), st.data())
def test_added_item_or_self_entered_reply_never_helps(rows, data):
    before = _s(rows)
    new = dict(data.draw(logs(1, 1))[0], content="新增", first_reply_at=None)  # an item nobody answered
    _not_better(_s(rows + [new]), before)
    k = data.draw(st.integers(0, len(rows) - 1))
    bare = [dict(r) for r in rows]
    bare[k].update(source_url=None, entered_by="张三")  # self-entered, no link
    _not_better(_s(bare), before)


def test_a_reply_entered_by_the_holder_does_not_count():
    recv = BASE + pd.Timedelta(hours=10)
    row = {
        "platform": "wechat",
        "account": "品牌号",
        "kind": "评论",
        "content": "x",
        "received_at": recv,
        "first_reply_at": recv + pd.Timedelta(minutes=30),
        "source_file": "a.xlsx",
        "source_row": 2,
    }
    assert _s([dict(row, entered_by="张三")])["answered"] == 0
    assert _s([dict(row, entered_by=" 张 三")])["answered"] == 0  # the name decides, spaces aside
    assert _s([dict(row, entered_by="孙丽")])["answered"] == 1
    assert _s([dict(row, entered_by=None)])["answered"] == 1  # blank: someone else (provenance.py)
    assert _s([dict(row, source_file="青禾/公众号评论接口.json")])["answered"] == 1


def test_feedback_has_its_own_deadline():
    recv = pd.Timestamp("2026-10-08 10:00", tz=TZ)  # Thursday
    row = {
        "platform": "wechat",
        "account": "品牌号",
        "content": "x",
        "received_at": recv,
        "entered_by": "孙丽",
        "first_reply_at": recv + pd.Timedelta(hours=5),
        "source_file": "a.xlsx",
        "source_row": 2,
    }
    assert _s([dict(row, kind="用户反馈")])["within_sla"] == 1  # 5 working hours ≤ 24
    assert _s([dict(row, kind="评论")])["within_sla"] == 0  # > 2
