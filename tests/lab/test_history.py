"""Many months of the processed store in one call (history.load_history), and the same files read by DuckDB as they are."""
from __future__ import annotations

import pandas as pd
import pytest

from mediakpi.lab import explore
from mediakpi.history import load_history, month_range

from .conftest import MONTHS

pytestmark = pytest.mark.slow  # left out by `make test-fast` (tiers: tests/conftest.py)


def test_month_range():
    assert month_range("2025-11", "2026-02") == ["2025-11", "2025-12", "2026-01", "2026-02"]
    assert month_range("2026-Q3", "2026-Q3") == ["2026-07", "2026-08", "2026-09"]
    with pytest.raises(ValueError):
        month_range("2026-10", "2026-01")


def test_load_history_is_every_month_with_its_period(demo_store):
    posts = load_history(demo_store, "2026-01", MONTHS[-1], "posts_clean", columns=["platform", "operator", "views"])
    assert sorted(posts["period"].unique()) == MONTHS   # months without a processed folder are skipped
    for month in MONTHS:
        one = pd.read_parquet(demo_store.processed(month) / "posts_clean.parquet", columns=["views"])
        assert (posts["period"] == month).sum() == len(one)
    assert list(posts.columns) == ["platform", "operator", "views", "period"]


def test_load_history_filters_persons_and_platforms(demo_store):
    everyone = load_history(demo_store, MONTHS[0], MONTHS[-1], "posts_clean", columns=["platform", "operator"])
    person, platform = everyone["operator"].dropna().iloc[0], everyone["platform"].iloc[0]
    some = load_history(demo_store, MONTHS[0], MONTHS[-1], "posts_clean", persons=[person], platforms=[platform])
    expected = everyone[(everyone["operator"] == person) & (everyone["platform"] == platform)]
    assert len(some) == len(expected) > 0
    # a table without a platform column is filtered by person only
    cards = load_history(demo_store, MONTHS[0], MONTHS[-1], "scorecard", persons=[person], platforms=[platform])
    assert set(cards["operator"]) == {person} and len(cards) == len(MONTHS)


def test_duckdb_reads_the_store_as_it_is_with_the_period(demo_store):
    duckdb = pytest.importorskip("duckdb")
    glob = str(demo_store.processed_root / "*" / "posts.parquet")
    got = duckdb.sql(
        "SELECT regexp_extract(filename, '([0-9]{4}-[0-9]{2})/posts.parquet$', 1) AS period, count(*) AS n, "
        f"sum(views) AS views FROM read_parquet('{glob}', filename=true) GROUP BY ALL ORDER BY period").df()
    ours = load_history(demo_store, MONTHS[0], MONTHS[-1], "posts", columns=["views"])
    want = ours.groupby("period").agg(n=("views", "size"), views=("views", "sum")).reset_index()
    assert got["period"].tolist() == MONTHS
    assert got["n"].tolist() == want["n"].tolist()
    assert got["views"].astype(float).tolist() == pytest.approx(want["views"].astype(float).tolist())


def test_explore_tables(demo_store):
    posts = load_history(demo_store, MONTHS[0], MONTHS[-1], "posts_clean")
    trend = explore.monthly_trend(posts, by="operator", metric="views", top=3)
    assert list(trend.index) == MONTHS and trend.shape[1] == 3
    published = posts[posts["in_period"]]
    person = trend.columns[0]
    for month in MONTHS:
        mine = published[(published["period"] == month) & (published["operator"] == person)]
        assert trend.loc[month, person] == pytest.approx(mine["views"].sum())
    share = explore.format_share(posts)
    assert share.sum(axis=1).round(0).eq(100).all()
    topics = explore.topic_trend(posts, top=5)
    assert list(topics.index) == MONTHS and 0 < topics.shape[1] <= 5
    cards = load_history(demo_store, MONTHS[0], MONTHS[-1], "scorecard")
    hist = explore.score_history(cards)
    assert list(hist.index) == MONTHS and hist.notna().any().all()
    assert explore.split_list(" 张三，李四 ,") == ["张三", "李四"] and explore.split_list("") == []
    assert explore.line_chart(hist, "总分").axes
