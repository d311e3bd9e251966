"""The 互动与舆情 sections of the team, person and quality pages: built from what 03_score (reply_items,
indicator_scores) and 04_content (opinion_alerts) wrote, through the one formatter. Nothing is recomputed here:
per-account figures are `replies.summary` of the scored items, the rule the indicators use (docs/replies.md)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import fmt
from ..replies import summary
from .inputs import Inputs

REPLY_INDICATORS = ("用户回复率", "回复及时率", "首次回复时长")
SLOWEST = 5  # slowest items on a person's page
ALERT_ITEMS = 8  # items shown per alert


def _hours(h: object) -> str:
    v = fmt.num(h)
    if v is None or not np.isfinite(v):
        return "未回复"
    return f"{fmt.plain(v, 1)} 个工作小时"


def _when(t: object) -> str:
    return "—" if t is None or pd.isna(t) else pd.Timestamp(t).strftime("%m-%d %H:%M")


def _figures(items: pd.DataFrame) -> dict:
    s = summary(items)
    return {
        "n": fmt.count(s["n"], "条"),
        "rate": fmt.percent(s["rate"]),
        "sla": fmt.percent(s["sla_share"]),
        "median": _hours(s["median_hours"]),
    }


def _alerts(alerts: pd.DataFrame | None, holder: str | None = None, open_only: bool = False) -> list[dict]:
    if alerts is None or alerts.empty:
        return []
    a = alerts if holder is None else alerts[alerts["holder"] == holder]
    if open_only:
        a = a[~a["alert_handled"].astype(bool)]
    out = []
    for _, g in a.sort_values(["date", "alert_id"]).groupby("alert_id", sort=False):
        first = g.iloc[0]
        items = [
            {
                "when": _when(r.received_at),
                "account": "",
                "kind": r.kind,
                "content": r.content,
                "words": r.words or "",
                "handler": r.handler if isinstance(r.handler, str) else "—",
                "state": "已处理" if r.handled else "未处理",
                "note": "",
            }
            for r in g.head(ALERT_ITEMS).itertuples()
        ]
        out.append(
            {
                "date": pd.Timestamp(first["date"]).strftime("%m-%d"),
                "account": first["account"],
                "platform": first["platform"],
                "holder": first["holder"] if isinstance(first["holder"], str) else "—",
                "reason": first["reason"],
                "handled": bool(first["alert_handled"]),
                "open": int((~g["handled"].astype(bool)).sum()),
                "n": len(g),
                "items": items,
                "more": max(0, len(g) - ALERT_ITEMS),
            }
        )
    return out


def team_interactions(inputs: Inputs, lab: dict[str, str]) -> dict | None:
    """The team page's 互动与舆情: a headline, reply figures per person and per account, the alerts with their items."""
    items, alerts = inputs.get("reply_items"), inputs.get("opinion_alerts")
    if items is None and alerts is None:
        return None
    out: dict = {"people": [], "accounts": [], "alerts": _alerts(alerts), "headline": ""}
    if items is not None:
        scores = inputs.get("indicator_scores")
        for op, g in items.groupby("operator", sort=True):
            row = {"name": op, **_figures(g)}
            if scores is not None:
                mine = scores[(scores["operator"] == op) & scores["indicator"].isin(REPLY_INDICATORS)]
                row["scores"] = "、".join(
                    f"{r.indicator} {fmt.score(r.score)}" for r in mine.itertuples() if pd.notna(r.score)
                )
            out["people"].append(row)
        for (plat, acc), g in items.drop_duplicates("item_id").groupby(["platform", "account"], sort=True):
            holders = "、".join(sorted(g["operator"].dropna().unique()))
            out["accounts"].append({"platform": plat, "account": acc, "holder": holders or "—", **_figures(g)})
        whole = _figures(items.drop_duplicates("item_id"))
        n_alerts = len(out["alerts"])
        n_open = sum(1 for a in out["alerts"] if not a["handled"])
        out["headline"] = lab["report.replies.headline"].format(
            n=whole["n"], rate=whole["rate"], sla=whole["sla"], alerts=n_alerts, open=n_open
        )
    return out


def person_interactions(inputs: Inputs, name: str) -> dict | None:
    """A person's page: their reply figures (the indicator rows: actual against target), the slowest items, and the
    alerts on their accounts left open (a gap for the account holder)."""
    items, scores = inputs.get("reply_items"), inputs.get("indicator_scores")
    alerts = inputs.get("opinion_alerts")
    mine = items[items["operator"] == name] if items is not None else None
    rows = []
    if scores is not None:
        for r in scores[(scores["operator"] == name) & scores["indicator"].isin(REPLY_INDICATORS)].itertuples():
            unit = "h" if r.indicator == "首次回复时长" else "%"
            show = (lambda v: _hours(v)) if unit == "h" else fmt.percent
            rows.append(
                {
                    "indicator": r.indicator,
                    "actual": show(r.actual),
                    "target": show(r.target),
                    "score": fmt.score(r.score),
                    "explanation": r.explanation,
                }
            )
    if not rows and (mine is None or mine.empty):
        return None
    slowest = []
    if mine is not None and not mine.empty:
        late = mine.sort_values(["reply_hours", "received_at"], ascending=[False, True]).head(SLOWEST)
        slowest = [
            {
                "when": _when(r.received_at),
                "account": r.account,
                "kind": r.kind,
                "content": r.content,
                "words": "",
                "state": f"{_hours(r.reply_hours)}（时限 {fmt.plain(r.sla_hours, 0)} 个工作小时）",
                "handler": r.handler if isinstance(r.handler, str) else "—",
                "note": r.note if isinstance(r.note, str) else "",
            }
            for r in late.itertuples()
        ]
    return {"rows": rows, "slowest": slowest, "gaps": _alerts(alerts, holder=name, open_only=True)}


def quality_interactions(inputs: Inputs, lab: dict[str, str]) -> dict | None:
    """The quality page: what was read into 互动与舆情记录 (files, typed vs platform rows, quarantined, duplicates,
    replies that did not count)."""
    manifest, items = inputs.get("manifest"), inputs.get("reply_items")
    if manifest is None and items is None:
        return None
    files = []
    if manifest is not None and "table" in manifest.columns:
        m = manifest[manifest["table"].astype("string").str.contains("interactions").fillna(False)]
        files = [
            {
                "path": r.path,
                "read": fmt.count(r.rows_read, "行"),
                "kept": fmt.count(r.rows_kept, "行"),
                "quarantined": fmt.count(r.rows_quarantined, "行"),
                "merged": fmt.count(r.duplicates_merged, "行"),
                "source": "平台评论接口" if str(r.path).lower().endswith(".json") else "手工表格",
            }
            for r in m.itertuples()
        ]
    lines = []
    if items is not None:
        ev = items.drop_duplicates("item_id")["evidence"].value_counts()
        n = {k: fmt.count(int(ev.get(k, 0)), "条") for k in ("platform", "link", "typed")}
        total = fmt.count(items["item_id"].nunique(), "条")
        lines.append(
            lab["report.replies.evidence"].format(n=total, platform=n["platform"], link=n["link"], typed=n["typed"])
        )
        merged = int((items["copies"].fillna(1) - 1).clip(lower=0).sum())
        if merged:
            lines.append(lab["report.replies.merged"].format(n=fmt.count(merged, "条")))
    if not files and not lines:
        return None
    return {"files": files, "lines": lines}
