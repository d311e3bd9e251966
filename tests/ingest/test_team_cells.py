"""Team-table cells (issue 22): everyday forms are read, one bad cell sets aside that cell and not the row, identical
rows (after normalising spaces) count once — through ingest_period, from the raw files."""
from __future__ import annotations

from .conftest import reconciles, write_csv

HEAD = ["被评价人", "考核周期", "评价人", "评价人角色", "专业能力", "职业素养", "团队协作", "加分", "重大违规", "评语"]


def test_everyday_yes_no_and_a_bad_cell_keeps_the_row(month, run):
    write_csv(month / "评价.csv", [HEAD,
                                   ["张三", "2026-10", "王经理", "上级", "4", "4", "4", "", "有", "未审先发"],
                                   ["李四", "2026-10", "王经理", "上级", "4", "5", "4", "", "无", ""],
                                   ["王五", "2026-10", "王经理", "上级", "3", "3", "3", "很多", "有点", ""]])
    r = run()
    q = r.team["qualitative_reviews"].set_index("operator")
    assert bool(q.at["张三", "veto"]) is True and bool(q.at["李四", "veto"]) is False
    # 王五's row: 加分 and 重大违规 unreadable -> those cells set aside, the three ratings still there
    assert q.at["王五", "professional"] == 3 and "veto=有点" in q.at["王五", "unread_cells"]
    assert "bonus_points=很多" in q.at["王五", "unread_cells"]
    assert r.quarantine.empty or "qualitative_reviews" not in set(r.quarantine["table"])
    reconciles(r)


def test_identical_rows_count_once_even_with_spaces(month, run):
    head = ["负责人", "提交日期", "建议内容", "是否采纳"]
    write_csv(month / "建议.csv", [head, ["张三", "2026-10-03", "标题加数字", "是"],
                                   ["张三 ", "2026-10-03", "标题 加数字", "是"], ["张三", "2026-10-04", "改封面", "否"]])
    r = run()
    s = r.team["suggestions"]
    assert len(s) == 2
    assert int(r.manifest["duplicates_merged"].sum()) == 1
    reconciles(r)


def test_dates_written_in_words_are_read(month, run):
    head = ["负责人", "报告名称", "应交日期", "提交日期", "质量评分"]
    write_csv(month / "报告.csv", [head, ["张三", "周报1", "二〇二六年十月七日", "2026年10月9号", "80"],
                                   ["李四", "周报1", "2026-10-07", "下周吧", "80"]])
    r = run()
    d = r.team["data_reports"].set_index("operator")
    assert str(d.at["张三", "due_date"])[:10] == "2026-10-07" and str(d.at["张三", "submitted_date"])[:10] == "2026-10-09"
    # an unreadable optional date is set aside (and named), the row stays
    assert "submitted_date=下周吧" in d.at["李四", "unread_cells"]
    reconciles(r)
