"""Conflicting copies of one post (issue 22): a later export with more interactions but no more plays is flagged
and the lower figures count (ingest.conflicts), through ingest and clean from the raw files."""
from __future__ import annotations

from mediakpi.clean.run import clean_period
from mediakpi.paths import Workspace

from .builders import DOUYIN_HEAD, douyin_row
from .builders import write_csv
from .conftest import reconciles


def test_a_doctored_later_copy_is_flagged_and_the_lower_figures_count(tmp_path, month, run):
    write_csv(month / "号一" / "抖音作品_20261020.csv", [DOUYIN_HEAD, douyin_row("视频一", views="5000", **{"点赞量": "100", "评论量": "10"})])
    write_csv(month / "号一" / "抖音作品_20261031.csv", [DOUYIN_HEAD, douyin_row("视频一", views="5000", **{"点赞量": "250", "评论量": "25"})])
    r = run(write=True)
    p = r.posts
    assert len(p) == 1 and int(p["likes"].iloc[0]) == 100 and int(p["comments"].iloc[0]) == 10
    assert bool(p["snapshot_conflict"].iloc[0])
    reconciles(r)
    res = clean_period(Workspace.of(tmp_path, tmp_path / "reports"), "2026-10")
    assert (res.flags["check"] == "snapshot_conflict").any()


def test_an_honest_later_copy_wins_unflagged(month, run):
    write_csv(month / "号一" / "抖音作品_20261020.csv", [DOUYIN_HEAD, douyin_row("视频一", views="5000", **{"点赞量": "100"})])
    write_csv(month / "号一" / "抖音作品_20261031.csv", [DOUYIN_HEAD, douyin_row("视频一", views="9000", **{"点赞量": "180"})])
    p = run().posts
    assert len(p) == 1 and int(p["likes"].iloc[0]) == 180
    assert "snapshot_conflict" not in p.columns or not p["snapshot_conflict"].fillna(False).any()
