"""The shortcuts that keep publish() fast at scale give the same pages as the plain per-person code."""
from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
from openpyxl import load_workbook

from mediakpi.labels import labels
from mediakpi.report.posts import label_ratio, with_ratio
from mediakpi.report.excel import write_scoreboard
from mediakpi.report.html import table, tables_by
import pytest

pytestmark = pytest.mark.slow  # left out by `make test-fast` (tiers: tests/conftest.py)

LAB = labels("zh")


def _frame(rng: np.random.Generator, n: int = 60) -> pd.DataFrame:
    ops = rng.choice(["张三", "李四", "王五", "<b>赵六</b>", None], n)
    whole = rng.integers(0, 1000, n).astype(float)
    whole[rng.random(n) < 0.2] = np.nan
    mixed = whole.copy()
    mixed[ops == "李四"] += 0.5  # whole numbers for everyone but 李四
    return pd.DataFrame({
        "operator": pd.array(ops, dtype="str"),
        "views": whole, "mixed": mixed,
        "masked": pd.array(np.where(rng.random(n) < 0.3, None, rng.integers(0, 9, n)), dtype="Float64"),
        "engagement_rate": rng.random(n),
        "sparse": np.where(ops == "王五", 1.0, np.nan),  # only 王五 has values
        "title": [f"标题 {i} <script>" for i in range(n)],
        "published_at": pd.date_range("2026-10-01", periods=n, freq="7h", tz="Asia/Shanghai"),
        "flag": rng.random(n) < 0.5,
    })


def _same(a, b) -> None:
    assert (a is None) == (b is None)
    if a is not None:
        assert (a.columns, a.headers, a.rows, a.numeric, a.total, a.note, a.links) == \
               (b.columns, b.headers, b.rows, b.numeric, b.total, b.note, b.links)


def test_tables_by_equals_table_per_group():
    frame = _frame(np.random.default_rng(1))
    for columns, limit in ((None, 200), (["title", "views", "mixed", "masked", "nope"], 3), (["nope"], 5)):
        fast = tables_by(frame, frame["operator"], LAB, columns, limit=limit, headers={"views": "阅读"})
        groups = dict(tuple(frame.groupby(frame["operator"].astype(str), sort=False)))
        assert set(fast) == (set(groups) if columns != ["nope"] else set())
        for name, g in groups.items():
            _same(fast.get(name), table(g, LAB, columns, limit=limit, headers={"views": "阅读"}))
    # whole numbers are decided per person, as table() does
    fast = tables_by(frame, frame["operator"], LAB, ["mixed"])
    assert any("." in r[0] for r in fast["李四"].rows if r[0] != "—")
    assert all("." not in r[0] for r in fast["张三"].rows)


def test_tables_by_drop_empty_equals_non_empty_columns():
    from mediakpi.report.team import non_empty_columns

    frame = _frame(np.random.default_rng(2))
    preferred = ["views", "sparse", "engagement_rate"]
    fast = tables_by(frame, frame["operator"], LAB, preferred, drop_empty=True)
    for name, g in frame.groupby(frame["operator"].astype(str), sort=False):
        _same(fast[name], table(g, LAB, non_empty_columns(g, preferred)))
    assert "sparse" in fast["王五"].columns and "sparse" not in fast["张三"].columns


def test_vs_baseline_labels_only_the_rows_shown():
    posts = pd.DataFrame({"primary_value": [10.0, 30.0, 5.0, 8.0], "baseline_median": [10.0, 0.0, 2.0, 4.0]})
    out = label_ratio(with_ratio(posts).sort_values("_ratio", ascending=False), 2)
    assert list(out["vs_baseline"]) == ["2.50×", "2.00×", "—", "—"]  # 30/0 has no ratio and sorts last
    assert list(label_ratio(with_ratio(posts))["vs_baseline"]) == ["1.00×", "—", "2.50×", "2.00×"]
    no_base = label_ratio(with_ratio(posts.drop(columns="baseline_median")))
    assert set(no_base["vs_baseline"]) == {"—"}


def test_viral_chart_gets_only_the_top_accounts():
    from mediakpi.content.charts import top_viral_accounts, viral_chart

    rates = [0.1, None, 0.5, 0.3, 0.0, 0.9]
    ov = pd.DataFrame({"level": ["team", "platform"] + ["account"] * 6, "platform": "douyin",
                       "account": ["", ""] + [f"a{i}" for i in range(6)],
                       "viral_rate": [0.2, 0.2] + rates, "mature_posts": [9, 9, 5, 0, 5, 5, 5, 5],
                       "viral_posts": [1, 1, 1, 0, 2, 1, 0, 4]})
    assert list(top_viral_accounts(ov, 3)["account"]) == ["a2", "a3", "a5"]  # the top 3, in their original order
    assert list(top_viral_accounts(ov.head(4), 3)["account"]) == ["a0", "a1"]  # few accounts: all of them
    # all rates zero: the accounts with mature posts come first, so the chart does not claim there are none
    zero = ov.assign(viral_rate=0.0, mature_posts=[9, 9, 0, 0, 0, 4, 0, 0])
    assert "a3" in set(top_viral_accounts(zero, 3)["account"])
    # 2,000 accounts: the figure keeps the top bars only and its title says so
    many = pd.DataFrame({"level": "account", "platform": "douyin", "account": [f"号{i}" for i in range(2000)],
                         "viral_rate": np.linspace(0, 0.5, 2000), "mature_posts": 10, "viral_posts": 1})
    fig = viral_chart(SimpleNamespace(overview=many, config=SimpleNamespace(charts=SimpleNamespace(max_bars=15))))
    assert fig.get_size_inches()[1] < 10 and "共 2000 个" in fig.axes[0].get_title()
    assert len(fig.axes[0].patches) == 15


def test_workbook_layout_and_error_like_text(tmp_path):
    frame = pd.DataFrame({"operator": ["#N/A", "李四"], "total": [np.nan, 88.0], "note": ["#DIV/0!", "一段很长的说明" * 3]})
    path = write_scoreboard(tmp_path / "s.xlsx", [("总表", frame, ["姓名", "总分", "备注"])], note="说明")
    ws = load_workbook(path)["总表"]
    assert ws.freeze_panes == "B2" and ws["A1"].font.b and ws["A1"].value == "姓名"
    assert ws["A2"].value == "#N/A" and ws["A2"].data_type == "s" and ws["C2"].data_type == "s"
    assert ws["B2"].value is None and ws["B3"].value == 88
    assert ws.column_dimensions["C"].width == 2 * 21 + 2 and ws.column_dimensions["B"].width == 8


def test_account_bar_charts_are_capped_and_say_so():
    from mediakpi.content.charts import overview_chart, video_chart

    n = 40
    cfg = SimpleNamespace(charts=SimpleNamespace(max_bars=15))
    accounts = {"platform": "douyin", "account": [f"号{i}" for i in range(n)]}
    ov = pd.DataFrame({"level": "account", **accounts, "operator": "张三", "engagement_rate": np.linspace(0.01, 0.2, n),
                       "posts": 5})
    video = pd.DataFrame({**accounts, "media_type": "video", "completion_n": np.arange(n) + 1,
                          "completion_median": 0.3, "watch_seconds_median": 12.0})
    for fig in (overview_chart(SimpleNamespace(overview=ov, config=cfg)),
                video_chart(SimpleNamespace(video=video, config=cfg))):
        assert len(fig.axes[0].patches) == 15 and "共 40 个" in fig.axes[0].get_title()
    # the video chart keeps the accounts with the most videos
    labels_shown = [t.get_text() for t in video_chart(SimpleNamespace(video=video, config=cfg)).axes[0].get_yticklabels()]
    assert labels_shown[-1].endswith("号39") and not any(t.endswith("号0") for t in labels_shown)
