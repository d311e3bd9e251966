"""The vectorised forms (issue 8) agree with their plain definitions, and awkward input does not crash them."""
import numpy as np
import pandas as pd
import pytest

from .content_fixtures import make_account_month, make_calendar_match, make_posts
from mediakpi.content.overview import prepare_posts, publishing_table, video_table
from mediakpi.strategy import cliffs_delta
from mediakpi.indices import account_indices

pytestmark = pytest.mark.slow  # left out by `make test-fast` (tiers: tests/conftest.py)


@pytest.mark.parametrize("seed", range(5))
def test_cliffs_delta_equals_the_pairwise_definition_with_ties(seed):
    rng = np.random.default_rng(seed)
    after, before = rng.integers(0, 6, 40).astype(float), rng.integers(0, 6, 33).astype(float)  # many ties
    pairwise = np.mean(np.sign(after[:, None] - before[None, :]))
    assert cliffs_delta(after, before) == pytest.approx(pairwise, abs=1e-15)


def test_publishing_counts_match_a_per_account_filter(posts):
    prepared = prepare_posts(posts)
    cm = make_calendar_match()
    cm = pd.concat([cm, cm.assign(account="只有排期", operator="只有排期的人")], ignore_index=True)
    pub = publishing_table(prepared, cm, "2026-10")
    acc = pub[pub["level"] == "account"].set_index(["platform", "account"])
    for (plat, name), c in cm.groupby(["platform", "account"]):
        row = acc.loc[(plat, name)]
        assert row["on_time"] == (c["status"] == "on_time").sum() and row["missed"] == (c["status"] == "missed").sum()
        mine = prepared[(prepared["platform"] == plat) & (prepared["account"] == name)]
        assert row["posts"] == len(mine)
        assert row["active_days"] == mine["published_at"].dt.date.nunique()
    # planned items of an account and a person without posts still show, with zero posts
    assert acc.loc[("weibo", "只有排期"), "posts"] == 0
    person = pub[(pub["level"] == "operator") & (pub["operator"] == "只有排期的人")].iloc[0]
    assert person["planned_due"] == 4 * 5 and person["posts"] == 0
    assert (pub["level"] == "team").sum() == 1


def test_video_table_with_a_missing_media_type_does_not_crash(posts):
    prepared = prepare_posts(posts)
    prepared.loc[prepared.index[:4], "media_type"] = pd.NA
    table = video_table(prepared)
    assert table["posts"].sum() == len(prepared)
    unknown = table[table["media_type"].isna()]
    assert not unknown.empty and (unknown["watch_n"] == 0).all()


def test_account_indices_lead_articles_are_found_per_account():
    # two WeChat accounts publishing in the same minute: each has its own lead article
    t = pd.Timestamp("2026-10-05 08:00", tz="Asia/Shanghai")
    posts = pd.DataFrame({"platform": ["wechat"] * 4, "account": ["甲", "甲", "乙", "乙"], "operator": ["张三"] * 4,
                          "published_at": [t] * 4, "source_row": [3, 2, 2, 3],
                          "views": [10, 20, 30, 40], "zaikan": [1, 1, 1, 1], "likes": [0, 0, 0, 0],
                          "shares": [0, 0, 0, 0]})
    out = account_indices(posts, None, "2026-10")
    rt = dict(zip(out["account"], out["inputs"].str.extract(r"Rt=(\d+)")[0].astype(int)))
    assert rt == {"甲": 20, "乙": 30}  # the first row by source_row of each account's push


def test_account_indices_without_follower_data_or_columns_do_not_crash():
    posts = prepare_posts(make_posts()).drop(columns=["zaikan"])
    out = account_indices(posts, make_account_month().drop(columns=["followers_end"]), "2026-10")
    wechat = out[out["index"] == "WCI V14.2"].iloc[0]
    assert "在看" in wechat["note"]
    assert "粉丝总数" in out[out["index"] == "BVCI V2.0"].iloc[0]["note"]


def _decay_of_every_snapshot(ws, period, md):
    """engagement_decay over every row of the posts files (the plain definition _decay_snapshots narrows)."""
    from mediakpi.content.overview import DECAY_INPUT, engagement_decay
    from mediakpi.history import read_months

    frames = [f for f in (read_months(ws, ["2026-08", "2026-09", period], "posts"),) if not f.empty]
    snaps = frames[0] if frames else None
    if snaps is not None and "interactions" in snaps.columns:
        snaps = snaps[[c for c in snaps.columns if c in DECAY_INPUT]]
    else:
        snaps = snaps[[c for c in snaps.columns if c in {*DECAY_INPUT, *md.columns}]]
    return engagement_decay(snaps)


@pytest.mark.parametrize("case", ["repeated", "once", "null ids", "no current file"])
def test_decay_reads_only_posts_with_two_snapshots_and_gives_the_same_table(tmp_path, case):
    from .content_fixtures import build_workspace
    from mediakpi import catalog
    from mediakpi.content.analyse import _decay_snapshots
    from mediakpi.content.overview import engagement_decay
    from mediakpi.metrics import load_metrics

    md = load_metrics()
    ws = build_workspace(tmp_path)
    sep, octo = (ws.processed(m) / catalog.file_name("posts") for m in ("2026-09", "2026-10"))
    a, b = pd.read_parquet(sep), pd.read_parquet(octo)
    if case == "once":   # no post in both exports
        a["post_id"] = "s-" + a["post_id"].astype(str)
    else:   # a third of October's posts were already in September's export, with an earlier snapshot
        again = b.iloc[::3].assign(snapshot_at=lambda f: f["snapshot_at"] - pd.Timedelta(days=20), views=1)
        a = pd.concat([a, again], ignore_index=True)
    if case == "null ids":
        a.loc[a.index[:2], "post_id"] = None
        b.loc[b.index[:2], "post_id"] = None
    a.to_parquet(sep)
    b.to_parquet(octo)
    if case == "no current file":
        octo.unlink()
    table, note = engagement_decay(_decay_snapshots(ws, "2026-10", md))
    plain, plain_note = _decay_of_every_snapshot(ws, "2026-10", md)
    pd.testing.assert_frame_equal(table, plain)
    assert note == plain_note
    assert (len(table) > 0) == (case != "once")
