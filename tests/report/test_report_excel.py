"""The HR workbook: formula-like text is neutralised, real numbers stay numbers."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from mediakpi import catalog
from mediakpi.report.publish import publish
from mediakpi.report.excel import FORMULA_TRIGGERS, neutralise, write_scoreboard
from .report_fixture import make_processed

pytestmark = pytest.mark.slow  # left out by `make test-fast` (tiers: tests/conftest.py)


@pytest.mark.parametrize("value, expected", [
    ("=1+1", "'=1+1"), ("+8613800000000", "'+8613800000000"), ("-5", "'-5"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\t=cmd", "'\t=cmd"), ("张三", "张三"), ("a=b", "a=b"), ("", ""),
    (-5, -5), (-2.5, -2.5), (0, 0), (np.int64(-3), -3), (np.float64(-1.5), -1.5), (True, True),
    (None, None), (pd.NA, None), (float("nan"), None),
])
def test_neutralise(value, expected):
    assert neutralise(value) == expected


def test_neutralise_dates_and_control_characters():
    ts = pd.Timestamp("2026-10-01 08:00", tz="Asia/Shanghai")
    assert neutralise(ts) == dt.datetime(2026, 10, 1, 8, 0)
    assert neutralise("a\x00b\x07c") == "abc"


def test_workbook_never_holds_a_formula(tmp_path):
    frame = pd.DataFrame({"operator": ["=HYPERLINK(\"http://x\",\"y\")", "-1+1", "李四"],
                          "total": [95.5, -3.0, 88.0], "note": ["@cmd", "+1", None]})
    path = write_scoreboard(tmp_path / "s.xlsx", [("总表", frame, ["姓名", "总分", "备注"])], note="说明")
    wb = load_workbook(path)
    ws = wb["总表"]
    values = [[c.value for c in row] for row in ws.iter_rows(min_row=2)]
    assert values[0][0] == "'=HYPERLINK(\"http://x\",\"y\")" and values[1][0] == "'-1+1"
    assert values[1][1] == -3 and isinstance(values[1][1], (int, float))  # numeric, not text
    assert values[0][2] == "'@cmd" and values[1][2] == "'+1" and values[2][2] is None
    for sheet in wb.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", cell.coordinate
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(FORMULA_TRIGGERS), cell.coordinate


def test_published_scoreboard(workspace, tmp_path):
    people = make_processed(workspace, "2026-10", n_people=4)
    folder = workspace.processed("2026-10")
    card = pd.read_parquet(folder / catalog.file_name("scorecard"))
    card.loc[0, "operator"] = "=cmd|' /C calc'!A0"
    card.to_parquet(folder / catalog.file_name("scorecard"))
    ind = pd.read_parquet(folder / catalog.file_name("indicator_scores"))
    ind.loc[0, "actual"] = -12.5
    ind.loc[1, "explanation"] = "-10 分：两次未按时发布"
    ind.to_parquet(folder / catalog.file_name("indicator_scores"))
    result = publish(workspace, "2026-10", tmp_path / "out")
    wb = load_workbook(result.excel)
    board = wb.worksheets[0]
    header = [c.value for c in board[1]]
    assert header[:3] == ["姓名", "工号", "岗位"] and "内容运营" in header
    names = {board.cell(row=r, column=1).value for r in range(2, board.max_row + 1)}
    assert "'=cmd|' /C calc'!A0" in names and set(people[1:]) <= names
    totals = [board.cell(row=r, column=header.index("总分") + 1).value for r in range(2, board.max_row + 1)]
    assert all(isinstance(t, (int, float)) for t in totals)
    detail = wb.worksheets[1]
    cells = [c.value for row in detail.iter_rows(min_row=2) for c in row]
    assert -12.5 in cells
    assert "'-10 分：两次未按时发布" in cells


def test_hr_workbook_is_ready_to_read(published):
    """Issue 16: number formats, 是/否, autofilter and frozen header on every sheet, a 说明 sheet with cut-offs,
    weights and definitions."""
    _, result, _ = published
    wb = load_workbook(result.excel)
    assert {"成绩总表", "指标明细", "说明"} <= set(wb.sheetnames)
    for ws in wb.worksheets:
        assert ws.freeze_panes in ("A2", "B2") and ws.auto_filter.ref, ws.title
    board = wb["成绩总表"]
    head = [c.value for c in board[1]]
    total = board.cell(row=2, column=head.index("总分") + 1)
    assert isinstance(total.value, float) and total.number_format == "0.0"
    ind = wb["指标明细"]
    head = [c.value for c in ind[1]]
    rows = list(ind.iter_rows(min_row=2))
    ach = [r[head.index("达成率")] for r in rows if isinstance(r[head.index("达成率")].value, float)]
    assert ach and all(c.number_format == "0.0%" for c in ach)
    values = [c.value for r in rows for c in r]
    assert not any(isinstance(v, bool) for v in values)
    vetoes = [c.value for c in wb["成绩总表"]["Q"][1:]]       # 一票否决 as 是/否
    assert set(vetoes) <= {"是", "否"} and vetoes
    rate_rows = [r for r in rows if r[head.index("单位")].value == "%" and isinstance(r[head.index("实际值")].value, float)]
    assert rate_rows and all(r[head.index("实际值")].number_format == "0.0%" for r in rate_rows)
    about = [c.value for r in wb["说明"].iter_rows() for c in r if c.value is not None]
    text = " ".join(str(v) for v in about)
    for what in ("等级线", "维度权重", "指标定义", "内容按时发布率", "30%", "排期内容在计划时间"):
        assert what in text, what


HR_COLUMNS = ["姓名", "工号", "岗位", "周期", "周期开始", "周期结束", "排名", "总分", "等级", "等级状态", "已评权重",
              "上期总分", "较上期", "加分", "扣分", "加减分原因", "一票否决", "主管评语", "本人确认（签名、日期）",
              "申诉（如有）", "申诉截止日"]


def test_hr_workbook_is_fit_for_appraisal(published):
    """Issue 23: every item HR files with an appraisal, in Chinese, panes frozen on 姓名, printed landscape and as
    wide as the page with the header on every page; no English word and no file path in any cell."""
    import re

    ws, result, people = published
    wb = load_workbook(result.excel)
    board = wb["成绩总表"]
    head = [c.value for c in board[1]]
    assert [h for h in HR_COLUMNS if h not in head] == []
    assert head[0] == "姓名" and board.freeze_panes == "B2"
    card = pd.read_parquet(ws.processed("2026-10") / catalog.file_name("scorecard")).set_index("operator")
    for row in board.iter_rows(min_row=2, values_only=True):
        rec = dict(zip(head, row))
        src = card.loc[rec["姓名"]]
        assert abs(rec["总分"] - float(src["total"])) < 1e-9
        assert rec["等级状态"] in ("正式", "暂定", "暂不评级")
        assert rec["周期开始"] == "2026-10-01" and rec["周期结束"] == "2026-10-31"
        assert rec["申诉截止日"] > rec["周期结束"]
        assert rec["主管评语"] in (None, "") and rec["申诉（如有）"] in (None, "")
        for d in ("内容运营", "用户运营", "平台与活动运营", "数据分析与优化", "综合能力与协作"):
            assert rec[d] == "不计入" if pd.isna(src[d]) else abs(rec[d] - float(src[d])) < 1e-9
    for sheet in wb.worksheets:
        if sheet.title != "说明":
            assert sheet.page_setup.orientation == "landscape" and sheet.print_title_rows == "$1:$1"
            assert sheet.sheet_properties.pageSetUpPr.fitToPage
        for row in sheet.iter_rows(values_only=True):
            for v in row:
                if isinstance(v, str) and v not in people:
                    assert not re.search(r"config/|\.ya?ml|\b(status|scored|final|provisional|withheld)\b", v), v
    detail = wb["指标明细"]
    dh = [c.value for c in detail[1]]
    assert len(dh) == len(set(dh))                      # one column per heading (two 状态 columns were written)
    weights = [r[dh.index("维度内权重")] for r in detail.iter_rows(min_row=2)]
    assert all(c.number_format == "0.0%" for c in weights if isinstance(c.value, float))
