"""The public-opinion watch: word hits, the burst rule against the trailing window, must-review alerts, what-if
settings; and on the demo's last month, the planted 退款 incident is caught while ordinary days stay quiet."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mediakpi import catalog
from mediakpi.content.opinion import load_opinion_config, match_words, watch

TZ = "Asia/Shanghai"
CFG = load_opinion_config()
ROSTER = catalog.conform(
    pd.DataFrame([{"name": "张三", "platform": "douyin", "account": "号"}]), catalog.team_table_dtypes("roster")
)


def _log(per_day: dict[int, list[str]], month="2026-10") -> pd.DataFrame:
    rows = []
    for day, texts in per_day.items():
        for j, t in enumerate(texts):
            rows.append(
                {
                    "platform": "douyin",
                    "account": "号",
                    "kind": "评论",
                    "content": f"{t}#{day}-{j}",
                    "received_at": pd.Timestamp(f"{month}-{day:02d} 10:00", tz=TZ) + pd.Timedelta(minutes=j),
                    "source_file": "log.xlsx",
                    "source_row": day * 100 + j,
                }
            )
    return catalog.conform(pd.DataFrame(rows), catalog.team_table_dtypes("interactions"))


def test_match_words_is_width_and_case_blind():
    s = pd.Series(["要求ＴＵＩ款", "我要退款！", "打１２３１５", None])
    assert match_words(s, ["退款", "12315", "tui"]).tolist() == ["tui", "退款", "12315", ""]


def test_burst_over_the_trailing_window_and_quiet_days():
    base = {d: ["好喝", "差评"] if d % 4 == 0 else ["好喝"] for d in range(1, 20)}  # one risk item every 4th day
    base[20] = ["退款"] * 6
    out = watch(_log(base), ROSTER, "2026-10", CFG)
    d = out["opinion_daily"].set_index("date")
    assert d.loc["2026-10-20", "burst"]
    assert not d.drop(pd.Timestamp("2026-10-20"))["burst"].any()
    a = out["opinion_alerts"]
    assert set(a["rule"]) == {"risk_burst"} and (a["date"] == "2026-10-20").all() and len(a) == 6
    assert not a["alert_handled"].any()
    # the first week of the month cannot burst without the month before (min_history_days)
    early = watch(_log({2: ["退款"] * 8}), ROSTER, "2026-10", CFG)["opinion_daily"]
    assert not early["burst"].any()


def test_must_review_alerts_alone_and_k_changes_the_alerts():
    history = {d: ["好喝", "差评", "差评"] if d % 2 else ["好喝"] for d in range(1, 15)}  # 2, 0, 2, 0 … risk items
    log = _log({**history, 15: ["差评", "差评", "差评", "要找记者曝光"]})  # 4 risk items, one must-review
    out = watch(log, ROSTER, "2026-10", CFG)
    assert set(out["opinion_alerts"]["rule"]) == {"must_review", "risk_burst"}  # 4 > 1 + 2 × 1
    calm = watch(log, ROSTER, "2026-10", CFG.tried(k=10))  # 4 < 1 + 10 × 1
    assert set(calm["opinion_alerts"]["rule"]) == {"must_review"}
    review = calm["opinion_alerts"]
    assert review["content"].str.contains("记者").all() and review["reason"].str.contains("记者").all()
    assert watch(log, ROSTER, "2026-10", CFG.tried(must_review=[], risk=[]))["opinion_alerts"].empty


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(0, 3), min_size=14, max_size=14), st.integers(0, 10), st.integers(1, 6))
def test_more_risk_items_on_a_day_never_lift_its_alert(history, today, more):
    """Monotone: a day that bursts still bursts with more risk items; the alert lists exactly that day's risk items."""
    per_day = {d + 1: ["退款"] * n + ["好喝"] for d, n in enumerate(history)}
    a = watch(_log({**per_day, 15: ["退款"] * today + ["好喝"]}), ROSTER, "2026-10", CFG)
    b = watch(_log({**per_day, 15: ["退款"] * (today + more) + ["好喝"]}), ROSTER, "2026-10", CFG)
    da, db = (x["opinion_daily"].set_index("date").loc["2026-10-15"] for x in (a, b))
    assert not da["burst"] or db["burst"]
    alerts = b["opinion_alerts"]
    burst = alerts[(alerts["rule"] == "risk_burst") & (alerts["date"] == "2026-10-15")]
    assert len(burst) == (today + more if db["burst"] else 0)
    hist = np.array(history[-7:], dtype=float)
    assert db["threshold"] == pytest.approx(hist.mean() + CFG.alert.k * hist.std())
