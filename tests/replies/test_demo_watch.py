"""On the demo team (two months through ingest, clean, score and content): the planted 退款 incident on 青禾茶事
(抖音) is caught on both days, ordinary days do not alert, and the reply items carry the demo's timing."""

from __future__ import annotations

import pandas as pd
import pytest

from mediakpi import catalog
from mediakpi.demo import write_demo
from mediakpi.demo.interactions import INCIDENT, INCIDENT_DAYS, SLOW
from mediakpi.paths import Workspace
from mediakpi.stages import run_stage

pytestmark = pytest.mark.slow
MONTHS = ["2026-09", "2026-10"]


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    root = tmp_path_factory.mktemp("demo-watch")
    ws = Workspace.of(root / "data", root / "reports")
    write_demo(ws.raw_root, end_month=MONTHS[-1], months=len(MONTHS))
    for month in MONTHS:
        for stage in ("01_ingest", "02_clean", "03_score", "04_content"):
            run_stage(stage, ws, month)
    run_stage("05_report", ws, MONTHS[-1])
    return ws.processed(MONTHS[-1])


def _page(folder, name):
    return (folder.parents[2] / "reports" / MONTHS[-1] / name).read_text(encoding="utf-8")


def test_the_incident_is_caught_and_ordinary_days_are_quiet(folder):
    alerts = catalog.load(folder, "opinion_alerts")
    bursts = alerts[alerts["rule"] == "risk_burst"]
    caught = set(zip(bursts["account"], bursts["platform"], bursts["date"].dt.day))
    assert caught == {(*INCIDENT, d) for d in INCIDENT_DAYS}
    assert bursts["content"].str.contains("退款").mean() > 0.8
    review = alerts[alerts["rule"] == "must_review"]
    assert review["content"].str.contains("12315").all() and len(review) >= 1
    daily = catalog.load(folder, "opinion_daily")
    ordinary = daily[daily["in_period"] & ~daily["date"].dt.day.isin(INCIDENT_DAYS)]
    assert not ordinary["burst"].any() and ordinary["items"].sum() > 150
    assert ordinary["risk_items"].sum() > 0  # ordinary days have complaints too, just not a burst
    assert (daily.loc[daily["in_period"], "trailing_days"] == 7).all()  # September's log reaches back


def test_reply_items_show_the_timing(folder):
    items = catalog.load(folder, "reply_items")
    log = catalog.load(folder, "interactions")
    assert len(items) >= len(log) - 5 and (items["copies"] > 1).sum() >= 1  # the typed copy of a comment
    assert (items["evidence"] == "platform").sum() > 0
    ledger = catalog.load(folder, "score_ledger")
    own = ledger[(ledger["kind"] == "not_counted") & ledger["detail"].str.contains("首次回复时间")]
    assert len(own) > 0  # replies the holders typed in themselves: listed, not counted
    by_person = items.groupby("operator").agg(rate=("answered", "mean"), sla=("within_sla", "mean"))
    assert by_person.loc[SLOW, "sla"] == by_person["sla"].min()
    night = items[items["answered"] & (items["received_at"].dt.hour >= 20)]
    assert (night["reply_hours"] < (night["first_reply_at"] - night["received_at"]).dt.total_seconds() / 3600).all()
    scores = catalog.load(folder, "indicator_scores")
    mine = scores[scores["indicator"] == "回复及时率"].set_index("operator")
    assert mine.loc[SLOW, "score"] == mine["score"].min()
    assert pd.Series(mine["status"]).eq("scored").all()


def test_pages_render_what_the_tables_say(folder):
    """The team page's figures are the scored items' (replies.summary, the indicators' rule); every alert is on it
    with its items; the holder of an open alert sees it as a gap; the quality page lists the files read."""
    import html as H

    from mediakpi import fmt
    from mediakpi.replies import summary

    items = catalog.load(folder, "reply_items")
    alerts = catalog.load(folder, "opinion_alerts")
    team = H.unescape(_page(folder, "team.html"))
    whole = summary(items.drop_duplicates("item_id"))
    assert (
        f"回复率 {fmt.percent(whole['rate'])}" in team and f"时限内首次回复 {fmt.percent(whole['sla_share'])}" in team
    )
    assert f"舆情预警 {alerts['alert_id'].nunique()} 条" in team
    for text in alerts["content"].head(5):
        assert text in team
    for op, g in items.groupby("operator"):
        assert f'<td class="num">{fmt.percent(summary(g)["rate"])}</td>' in team, op
    holder = alerts.loc[~alerts["alert_handled"], "holder"].iloc[0]
    person = H.unescape(_page(folder, f"people/{holder}.html"))
    assert "舆情预警还有条目未处理" in person
    slow = items[items["operator"] == holder].sort_values("reply_hours", ascending=False).iloc[0]
    assert slow["content"] in person
    quality = H.unescape(_page(folder, "quality.html"))
    assert "公众号评论接口.json" in quality and "互动与舆情记录" in quality
