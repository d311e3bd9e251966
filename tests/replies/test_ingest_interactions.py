"""The team table 互动与舆情记录 and the WeChat comment payload through ingest: recognised, typed, reconciled."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.ingest.builders import ROSTER, write_csv

from mediakpi.ingest import ingest_period
from mediakpi.ingest.interactions import comment_rows
from mediakpi.paths import Workspace

HEADER = ["平台", "账号", "类型", "内容", "收到时间", "首次回复时间", "处理人", "是否升级", "处理结果", "来源链接"]


def _comment(cid, when, text="好文", reply=None):
    c = {"user_comment_id": cid, "openid": "oSECRET", "create_time": when, "content": text, "comment_type": 0}
    if reply:
        c["reply"] = {"content": "谢谢", "create_time": reply}
    return c


@pytest.fixture
def month(tmp_path: Path) -> Path:
    m = tmp_path / "raw" / "2026-10"
    write_csv(m / "花名册.csv", ROSTER + [["张三", "微信公众号", "品牌号", "", "", "", ""]])
    return m


def _run(tmp_path):
    return ingest_period(Workspace.of(tmp_path, tmp_path / "reports"), "2026-10", write=False)


def _reconciles(res):
    m = res.manifest
    assert (m["rows_read"] == m["rows_kept"] + m["rows_quarantined"] + m["duplicates_merged"]).all(), m.to_string()


T0 = int(pd.Timestamp("2026-10-08 10:00", tz="Asia/Shanghai").timestamp())


@pytest.mark.parametrize("shape", ["one", "list", "articles"])
def test_comment_payload_shapes(tmp_path, month, shape):
    one = {
        "errcode": 0,
        "errmsg": "ok",
        "total": 2,
        "comment": [_comment(1, T0, "怎么退款", T0 + 1800), _comment(2, T0 + 60)],
    }
    other = {"errcode": 0, "total": 1, "comment": [_comment(3, T0 + 120)]}
    body = {
        "one": one,
        "list": [one, other],
        "articles": {
            "articles": [
                {"title": "文一", "url": "https://mp.weixin.qq.com/s/a", **one},
                {"title": "文二", "url": "https://mp.weixin.qq.com/s/b", **other},
            ]
        },
    }[shape]
    (month / "品牌号").mkdir()
    (month / "品牌号" / "评论.json").write_text(json.dumps(body, ensure_ascii=False), encoding="utf-8")
    res = _run(tmp_path)
    _reconciles(res)
    log = res.team["interactions"]
    assert len(log) == (2 if shape == "one" else 3)
    assert set(log["account"]) == {"品牌号"} and set(log["platform"]) == {"wechat"}
    first = log[log["item_ref"] == "1"].iloc[0]
    assert first["received_at"] == pd.Timestamp("2026-10-08 10:00", tz="Asia/Shanghai")
    assert first["first_reply_at"] - first["received_at"] == pd.Timedelta(minutes=30)
    assert log.loc[log["item_ref"] == "2", "first_reply_at"].isna().all()
    assert "oSECRET" not in log.astype(str).to_string()  # the reader's personal id is not kept
    if shape == "articles":
        assert log.loc[log["item_ref"] == "3", "source_url"].iloc[0] == "https://mp.weixin.qq.com/s/b"


def test_table_and_payload_together_reconcile_and_merge_copies(tmp_path, month):
    rows = [
        [
            "微信公众号",
            "品牌号",
            "私信",
            "发货了吗",
            "2026-10-08 21:00",
            "2026-10-09 09:20",
            "张三",
            "否",
            "已回复",
            "",
        ],
        ["微信公众号", "品牌号", "评论", "好文", "2026-10-08 10:01", "", "", "否", "", ""],
        ["微信公众号", "品牌号", "私信", "坏时间", "2026-13-45 99:00", "", "", "", "", ""],  # unreadable: quarantined
        ["微信公众号", "", "评论", "没写账号", "2026-10-08 10:01", "", "", "", "", ""],
    ]  # required 账号 blank
    write_csv(month / "互动与舆情记录.csv", [HEADER, *rows])
    copy = month / "副本" / "互动与舆情记录.csv"
    write_csv(copy, [HEADER, rows[0]])  # the same row saved again elsewhere: merged
    (month / "品牌号").mkdir()
    (month / "品牌号" / "c.json").write_text(json.dumps({"comment": [_comment(9, T0)]}), encoding="utf-8")
    res = _run(tmp_path)
    _reconciles(res)
    m = res.manifest.set_index("path")
    assert m.loc["互动与舆情记录.csv", "rows_quarantined"] == 1
    bad = res.team["interactions"].set_index("content").loc["坏时间"]
    assert pd.isna(bad["received_at"]) and "received_at" in str(bad["unread_cells"])  # the row stays: still an item
    assert m.loc["副本/互动与舆情记录.csv", "duplicates_merged"] == 1
    assert m.loc["品牌号/c.json", "kind"] == "team_table"
    reasons = " ".join(res.quarantine["reason"].astype(str))
    assert "账号" in reasons


def test_payload_at_the_top_is_quarantined_with_a_reason(tmp_path, month):
    (month / "c.json").write_text(json.dumps({"comment": [_comment(9, T0)]}), encoding="utf-8")
    res = _run(tmp_path)
    _reconciles(res)
    assert res.team["interactions"].empty
    assert len(res.quarantine) == 1
    assert "以账号命名的子文件夹" in " ".join(res.manifest["message"].astype(str))


def test_an_error_body_is_still_an_error(tmp_path, month):
    (month / "x.json").write_text(json.dumps({"errcode": 45009, "errmsg": "api freq out of limit"}), encoding="utf-8")
    res = _run(tmp_path)
    assert res.manifest.set_index("path").loc["x.json", "kind"] == "unreadable"


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(1, 10**9),
            st.integers(1_700_000_000, 1_800_000_000),
            st.text(max_size=30),
            st.one_of(st.none(), st.integers(0, 10**6)),
        ),
        max_size=15,
    )
)
def test_every_comment_becomes_one_row(comments):
    payload = {"comment": [_comment(c, t, text, None if r is None else t + r) for c, t, text, r in comments]}
    rows = comment_rows(payload, "品牌号")
    assert len(rows) == len(comments)
    for row, (c, _t, text, r) in zip(rows, comments):
        assert row[8] == str(c) and row[3] == text
        assert (row[5] == "") == (r is None)
