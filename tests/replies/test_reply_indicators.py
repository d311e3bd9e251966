"""The three reply indicators: their states (switched off, log missing, no item of the person, scored), their
explanations, and the item table the score stage writes beside them."""

from __future__ import annotations

import pandas as pd
import pytest
from tests.scoring.builders import minimal_month, ts, write_table

from mediakpi import catalog
from mediakpi.paths import Workspace
from mediakpi.scoring import load_assessment, score_period

NAMES = ["用户回复率", "回复及时率", "首次回复时长"]


@pytest.fixture
def ws(tmp_path):
    w = Workspace.of(tmp_path / "data", tmp_path / "reports")
    minimal_month(w)
    return w


def _log(ws, rows):
    write_table(ws, "2026-10", "interactions", rows)


def _rows(res, op):
    r = res.indicator_scores
    return r[(r["operator"] == op) & r["indicator"].isin(NAMES)].set_index("indicator")


def _item(day, hour, reply_after_h=None, kind="评论", account="品牌号", platform="wechat", **kw):
    recv = ts(f"2026-10-{day:02d} {hour:02d}:00")
    return {
        "platform": platform,
        "account": account,
        "kind": kind,
        "content": f"{day}-{hour}-{kind}",
        "received_at": recv,
        "first_reply_at": None if reply_after_h is None else recv + pd.Timedelta(hours=reply_after_h),
        "entered_by": "孙丽",
        "source_file": "互动与舆情记录.xlsx",
        "source_row": day * 100 + hour,
        **kw,
    }


def test_missing_log_is_missing_input_never_not_applicable(ws):
    res = score_period(ws, "2026-10")
    r = _rows(res, "张三")
    assert set(r["status"]) == {"missing_input"}
    assert r["missing_tables"].eq("interactions").all()
    assert r["explanation"].str.contains("互动与舆情记录").all()


def test_switched_off_in_the_plan_is_not_applicable(ws, tmp_path):
    cfg = load_assessment()
    for n in NAMES:
        cfg.indicators[n].params["enabled"] = 0
    res = score_period(ws, "2026-10", cfg)
    assert set(_rows(res, "张三")["status"]) == {"not_applicable"}


def test_scored_rows_explain_themselves_and_match_the_items(ws):
    _log(
        ws,
        [
            _item(8, 10, 0.5),
            _item(8, 11, 3),
            _item(9, 20, 14),  # Thu 10:00 +0.5h; +3h; Fri night → Sat
            _item(10, 10, None),  # never answered
            _item(12, 9, 30, kind="用户反馈"),
        ],
    )  # feedback: 24 h deadline
    res = score_period(ws, "2026-10")
    r = _rows(res, "张三")
    assert set(r["status"]) == {"scored"}
    assert r.loc["用户回复率", "actual"] == pytest.approx(4 / 5)
    assert "需回复5条，已回复4条" in r.loc["用户回复率", "explanation"]
    items = catalog.load(ws.processed("2026-10"), "reply_items")
    mine = items[items["operator"] == "张三"]
    assert len(mine) == 5
    assert r.loc["回复及时率", "actual"] == pytest.approx(mine["within_sla"].mean())
    # Friday 20:00 answered Saturday 10:00: no working hour passed
    fri = mine[mine["content"] == "9-20-评论"].iloc[0]
    assert fri["reply_hours"] == 0 and fri["within_sla"]
    # the median counts the unanswered item as the slowest
    assert r.loc["首次回复时长", "actual"] == pytest.approx(sorted(mine["reply_hours"])[2])


def test_a_person_whose_accounts_are_absent_from_the_log_is_missing_input(ws):
    _log(ws, [_item(8, 10, 0.5)])  # only 张三's account
    res = score_period(ws, "2026-10")
    assert set(_rows(res, "李四")["status"]) == {"missing_input"}


def test_more_than_half_unanswered_scores_the_floor_for_the_median(ws):
    _log(ws, [_item(8, 10, 0.5), _item(8, 11), _item(8, 12)])
    r = _rows(score_period(ws, "2026-10"), "张三")
    assert r.loc["首次回复时长", "score"] == 0
    assert "超过一半未回复" in r.loc["首次回复时长", "explanation"]
