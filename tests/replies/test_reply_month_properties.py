"""Whole generated months from the raw files through ingest, clean and score: no edit of the log that an operator or
a sloppy lead could make raises anyone's reply indicators or total: blank or garble a time, paste a row twice, copy
a row into another file with a faster reply, add an unanswered row, drop a row's link, write oneself as 录入人.
(Blanking a 录入人 that named the holder is not among them: the provenance rule takes a blank as someone else.)"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mediakpi import catalog
from mediakpi.paths import Workspace
from mediakpi.stages import run_stage

pytestmark = pytest.mark.slow

HEADER = [
    "平台",
    "账号",
    "类型",
    "内容",
    "收到时间",
    "首次回复时间",
    "处理人",
    "是否升级",
    "处理结果",
    "来源链接",
    "录入人",
]
ROSTER = [["姓名", "平台", "账号"], ["张三", "微信公众号", "品牌号"], ["李四", "抖音", "品牌抖音"]]
NAMES = ["用户回复率", "回复及时率", "首次回复时长"]
ACCOUNTS = [("微信公众号", "品牌号", "张三"), ("抖音", "品牌抖音", "李四")]


@st.composite
def months(draw):
    rows = []
    for i in range(draw(st.integers(4, 14))):
        plat, acc, op = draw(st.sampled_from(ACCOUNTS))
        recv = pd.Timestamp("2026-10-01") + pd.Timedelta(minutes=draw(st.integers(0, 60 * 24 * 29)))
        delay = draw(st.one_of(st.none(), st.integers(5, 60 * 30)))
        reply = "" if delay is None else (recv + pd.Timedelta(minutes=delay)).strftime("%Y-%m-%d %H:%M")
        rows.append(
            [
                plat,
                acc,
                draw(st.sampled_from(["评论", "私信", "用户反馈"])),
                f"第{i}条留言",
                recv.strftime("%Y-%m-%d %H:%M"),
                reply,
                op if reply else "",
                "否",
                "",
                draw(st.sampled_from(["", f"https://example.com/{i}"])),
                draw(st.sampled_from(["孙丽", op, ""])),
            ]
        )
    return rows


EDITS = ["blank_reply", "garble_reply", "garble_received", "paste_twice", "copy_to_other_file", "self_row", "drop_link"]


def _apply(rows, edit, k):
    rows = [list(r) for r in rows]
    extra = None
    r = rows[k]
    if edit == "blank_reply":
        r[5] = ""
    elif edit == "garble_reply":
        r[5] = "回复过了"
    elif edit == "garble_received":
        r[4] = "上周三"
    elif edit == "paste_twice":
        rows.insert(k, list(r))
    elif edit == "copy_to_other_file":
        extra = [list(r)]
        extra[0][5] = extra[0][4]  # the copy claims an instant reply
    elif edit == "self_row":
        rows.append([r[0], r[1], "评论", "新的一条", r[4], r[4], r[6], "否", "", "", ""])
        rows[-1][5] = ""  # an item nobody answered, typed in by the holder
    elif edit == "drop_link":
        r[9] = ""
    elif edit == "claim_own":
        r[10] = r[6] or ACCOUNTS[0][2]  # 录入人 set to the handler
    return rows, extra


def _write(root: Path, rows, extra=None):
    m = root / "data" / "raw" / "2026-10"
    m.mkdir(parents=True, exist_ok=True)
    for name, data in (("花名册.csv", ROSTER), ("互动与舆情记录.csv", [HEADER, *rows])):
        with open(m / name, "w", newline="", encoding="utf-8-sig") as fh:
            csv.writer(fh).writerows(data)
    if extra:
        (m / "另存").mkdir(exist_ok=True)
        with open(m / "另存" / "互动记录.csv", "w", newline="", encoding="utf-8-sig") as fh:
            csv.writer(fh).writerows([HEADER, *extra])


def _score(root: Path) -> pd.DataFrame:
    ws = Workspace(root / "data", root / "reports")
    for s in ("01_ingest", "02_clean", "03_score"):
        run_stage(s, ws, "2026-10")
    r = catalog.load(ws.processed("2026-10"), "indicator_scores")
    r = r[r["indicator"].isin(NAMES)]
    card = catalog.load(ws.processed("2026-10"), "scorecard")
    # one flat text key per figure ("张三 · 用户回复率", "张三 · total"): a mixed tuple index breaks reindex when a
    # month leaves one side empty
    scores = {f"{op} · {ind}": v for op, ind, v in zip(r["operator"], r["indicator"], r["score"])}
    scores.update({f"{op} · total": v for op, v in zip(card["operator"], card["total"])})
    return pd.Series(scores, dtype=float)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(months(), st.sampled_from(EDITS), st.data())
def test_no_edit_of_the_log_raises_a_score(tmp_path_factory, rows, edit, data):
    k = data.draw(st.integers(0, len(rows) - 1))
    base = tmp_path_factory.mktemp("base")
    _write(base, rows)
    before = _score(base)
    after_root = tmp_path_factory.mktemp("edit")
    edited, extra = _apply(rows, edit, k)
    _write(after_root, edited, extra)
    after = _score(after_root)
    b = before.reindex(after.index).fillna(-np.inf)
    a = after.fillna(-np.inf)
    worse_or_same = (a <= b + 1e-9) | (a == b)
    assert worse_or_same.all(), pd.DataFrame({"before": b, "after": a})[~worse_or_same]
