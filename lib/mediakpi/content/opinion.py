"""The public-opinion watch (舆情, duty 6), outside the score: config/opinion.yaml's word lists matched against the
logged items of 互动与舆情记录, a daily count of items and risk items per account, and alerts with their items.

The rule (docs/replies.md, "The alert rule"):
- an item is a **risk item** when its text holds a risk word or a must-review word, or its 类型 is one of `risk_kinds`;
- an account-day is a **burst** when its risk items exceed the mean + k × SD (population SD) of the account's risk
  items over the `window_days` days before it (days without items count as 0), it has at least `min_risk_items`, and
  the log reaches back `min_history_days` before it (the previous month's log is read for the first days);
- every account-day with an item holding a must-review word alerts too, whatever the counts;
- each alert lists its items (risk items of a burst; the must-review items) with who handled them; an alert is handled
  when every item has a first reply, an outcome or is escalated. Nothing here enters anyone's score.

Sentiment ordering is not built: the one offline candidate on PyPI, snownlp (0.12.3, 2015), ships its model but has
not been maintained for a decade and was trained on shopping reviews; items are ordered by their risk words instead.
"""

from __future__ import annotations

import hashlib
import unicodedata
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from .. import catalog, fmt
from ..config import load_model
from ..paths import CONFIG_DIR, Workspace
from ..periods import TZ, Period
from ..replies import reply_items

DEFAULT_PATH = CONFIG_DIR / "opinion.yaml"
TABLE = "interactions"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Words(_Strict):
    brand: list[str]
    risk: list[str]
    product: list[str]
    must_review: list[str]


class Alert(_Strict):
    k: float = Field(ge=0)
    window_days: int = Field(ge=2)
    min_history_days: int = Field(ge=0)
    min_risk_items: int = Field(ge=1)


class OpinionConfig(_Strict):
    version: int
    words: Words
    risk_kinds: list[str]
    alert: Alert

    def tried(
        self, *, k: float | None = None, risk: list[str] | None = None, must_review: list[str] | None = None
    ) -> "OpinionConfig":
        """A copy with another k or word list (the lab's what-if; the YAML is not changed)."""
        words = self.words.model_copy(
            update={key: v for key, v in (("risk", risk), ("must_review", must_review)) if v is not None}
        )
        alert = self.alert.model_copy(update={"k": k} if k is not None else {})
        return self.model_copy(update={"words": words, "alert": alert})


@lru_cache(maxsize=8)
def _load(path: str) -> OpinionConfig:
    return load_model(path, OpinionConfig)


def load_opinion_config(path: str | Path | None = None) -> OpinionConfig:
    return _load(str(path or DEFAULT_PATH))


# ----- word hits -----------------------------------------------------------------------------------------------


def _norm(s: pd.Series) -> pd.Series:
    return s.astype("string").fillna("").map(lambda t: unicodedata.normalize("NFKC", t).lower()).astype("string")


def match_words(text: pd.Series, words: list[str]) -> pd.Series:
    """The words of `words` each text contains (NFKC, case-insensitive), joined with 、; empty when none."""
    t = _norm(text)
    out = pd.Series("", index=text.index, dtype="string")
    # a word inside a longer listed word (315 in 12315) hits only where it stands outside that longer word
    listed = list(dict.fromkeys(str(x) for x in words if str(x).strip()))
    keys = {w: unicodedata.normalize("NFKC", w).lower() for w in listed}
    for w in listed:
        text = t
        for longer in listed:
            if len(keys[longer]) > len(keys[w]) and keys[w] in keys[longer]:
                text = text.str.replace(keys[longer], "\x00", regex=False)
        hit = text.str.contains(keys[w], regex=False).fillna(False)
        out = out.mask(hit & (out != ""), out + "、" + w).mask(hit & (out == ""), w)
    return out


def opinion_hits(items: pd.DataFrame, cfg: OpinionConfig) -> pd.DataFrame:
    """One row per logged item (catalog OPINION_HITS) with its words; `items` as replies.reply_items gives them."""
    cols = catalog.OPINION_HITS
    if items is None or items.empty:
        return pd.DataFrame({c: pd.Series(dtype=t) for c, t in cols.items()})
    df = items.drop_duplicates("item_id", keep="first").reset_index(drop=True)
    text = df["content"]
    out = pd.DataFrame(
        {
            c: df[c]
            for c in (
                "item_id",
                "platform",
                "account",
                "operator",
                "kind",
                "content",
                "received_at",
                "handler",
                "first_reply_at",
                "outcome",
                "escalated",
            )
        }
    )
    out["date"] = pd.to_datetime(df["received_at"]).dt.tz_convert(TZ).dt.tz_localize(None).dt.normalize()
    for cat in ("brand", "risk", "product"):
        out[f"{cat}_words"] = match_words(text, getattr(cfg.words, cat))
    out["review_words"] = match_words(text, cfg.words.must_review)
    kind_risk = df["kind"].astype("string").isin(cfg.risk_kinds).fillna(False)
    out["risk"] = ((out["risk_words"] != "") | (out["review_words"] != "") | kind_risk).astype(bool)
    out["must_review"] = (out["review_words"] != "").astype(bool)
    out["handled"] = (
        df["first_reply_at"].notna()
        | df["outcome"].astype("string").str.strip().fillna("").ne("")
        | df["escalated"].fillna(False).astype(bool)
    ).astype(bool)
    return out[list(cols)].astype(cols)


# ----- daily counts and alerts ---------------------------------------------------------------------------------


def daily_counts(
    hits: pd.DataFrame, period: Period, cfg: OpinionConfig, log_from: pd.Timestamp | None = None
) -> pd.DataFrame:
    """Items and risk items per account and day (catalog OPINION_DAILY), with the trailing window and the burst
    flag. Days run from `log_from` (the first day the log covers; default the period's start) to the period's end;
    rows for the days before the period carry in_period = False."""
    cols = catalog.OPINION_DAILY
    dated = hits.dropna(subset=["date"]) if not hits.empty else hits
    if dated.empty:
        return pd.DataFrame({c: pd.Series(dtype=t) for c, t in cols.items()})
    a = cfg.alert
    start = pd.Timestamp(period.start).tz_localize(None)
    end = pd.Timestamp(period.end).tz_localize(None) - pd.Timedelta(days=1)
    first = min(pd.Timestamp(log_from).normalize() if log_from is not None else start, dated["date"].min())
    days = pd.date_range(first, max(end, dated["date"].max()), freq="D")
    frames = []
    for (plat, acc), g in dated.groupby(["platform", "account"], sort=True):
        n = g.groupby("date").size().reindex(days, fill_value=0)
        r = g[g["risk"]].groupby("date").size().reindex(days, fill_value=0)
        mr = g[g["must_review"]].groupby("date").size().reindex(days, fill_value=0)
        prev = r.shift(1)
        mean = prev.rolling(a.window_days, min_periods=1).mean()
        sd = prev.rolling(a.window_days, min_periods=1).std(ddof=0)
        history = pd.Series(np.arange(len(days)), index=days).clip(upper=a.window_days)
        thr = mean + a.k * sd
        burst = (history >= a.min_history_days) & (r >= a.min_risk_items) & (r > thr.fillna(np.inf))
        frames.append(
            pd.DataFrame(
                {
                    "platform": plat,
                    "account": acc,
                    "date": days,
                    "items": n.to_numpy(),
                    "risk_items": r.to_numpy(),
                    "trailing_days": history.to_numpy(),
                    "trailing_mean": mean.to_numpy(),
                    "trailing_sd": sd.to_numpy(),
                    "threshold": thr.to_numpy(),
                    "burst": burst.to_numpy(),
                    "must_review": mr.to_numpy(),
                    "in_period": ((days >= start) & (days <= end)),
                }
            )
        )
    out = pd.concat(frames, ignore_index=True)
    out["burst"] = out["burst"] & out["in_period"]
    return out[list(cols)].astype(cols)


def _alert_id(*parts) -> str:
    return hashlib.sha1("\x1f".join(map(str, parts)).encode("utf-8")).hexdigest()[:10]


def alerts(hits: pd.DataFrame, daily: pd.DataFrame, k: float) -> pd.DataFrame:
    """One row per alert × item (catalog OPINION_ALERTS): a burst day's risk items, and each day's must-review
    items. Only days of the period alert."""
    cols = catalog.OPINION_ALERTS
    rows = []
    if not daily.empty:
        inside = daily[daily["in_period"]]
        for d in inside[inside["burst"] | (inside["must_review"] > 0)].itertuples(index=False):
            day = hits[(hits["platform"] == d.platform) & (hits["account"] == d.account) & (hits["date"] == d.date)]
            for rule, items, reason in (
                (
                    "risk_burst",
                    day[day["risk"]] if d.burst else day.iloc[0:0],
                    f"风险条目{d.risk_items}条，超过前{d.trailing_days}天均值{fmt.plain(d.trailing_mean, 1)}"
                    f" + {fmt.plain(k, 1)}×标准差{fmt.plain(d.trailing_sd, 1)} = 阈值{fmt.plain(d.threshold, 1)}",
                ),
                ("must_review", day[day["must_review"]], "含必审词"),
            ):
                if items.empty:
                    continue
                aid = _alert_id(d.platform, d.account, d.date.date(), rule)
                holder = items["operator"].dropna()
                for it in items.itertuples(index=False):
                    words = "、".join(w for w in (it.review_words, it.risk_words) if w)
                    rows.append(
                        {
                            "alert_id": aid,
                            "platform": d.platform,
                            "account": d.account,
                            "date": d.date,
                            "rule": rule,
                            "reason": reason if rule == "risk_burst" else f"{reason}：{it.review_words}",
                            "risk_items": d.risk_items,
                            "threshold": d.threshold,
                            "holder": holder.iloc[0] if len(holder) else pd.NA,
                            "alert_handled": bool(items["handled"].all()),
                            "item_id": it.item_id,
                            "kind": it.kind,
                            "content": it.content,
                            "received_at": it.received_at,
                            "words": words,
                            "handler": it.handler,
                            "outcome": it.outcome,
                            "handled": bool(it.handled),
                        }
                    )
    if not rows:
        return pd.DataFrame({c: pd.Series(dtype=t) for c, t in cols.items()})
    return pd.DataFrame(rows)[list(cols)].astype(cols)


def watch(
    log: pd.DataFrame,
    roster: pd.DataFrame,
    period: Period | str,
    cfg: OpinionConfig | None = None,
    earlier_log: pd.DataFrame | None = None,
    log_from: pd.Timestamp | None = None,
) -> dict[str, pd.DataFrame]:
    """The three watch tables {opinion_hits, opinion_daily, opinion_alerts} from the period's log (and the earlier
    month's, for the trailing window of the first days). Pure: no file access."""
    cfg = cfg or load_opinion_config()
    per = period if isinstance(period, Period) else Period.parse(period)
    frames = [f for f in (earlier_log, log) if f is not None and not f.empty]
    both = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    items = reply_items(both, roster, per)
    hits = opinion_hits(items, cfg)
    daily = daily_counts(hits, per, cfg, log_from)
    start = pd.Timestamp(per.start).tz_localize(None)
    in_per = hits["date"].isna() | ((hits["date"] >= start) & (hits["date"] < pd.Timestamp(per.end).tz_localize(None)))
    return {
        "opinion_hits": hits[in_per.to_numpy(dtype=bool)].reset_index(drop=True),
        "opinion_daily": daily,
        "opinion_alerts": alerts(hits, daily, cfg.alert.k),
    }


def previous_month(period: Period) -> str:
    return (pd.Timestamp(period.start).tz_localize(None) - pd.Timedelta(days=1)).strftime("%Y-%m")


def watch_inputs(ws: Workspace, period: str, notes: list[str] | None = None) -> dict:
    """What watch() reads for a period: {log, roster, period, earlier_log, log_from} from data/processed (the month
    before is read for the trailing window when it was published)."""
    per = Period.parse(period)
    notes = notes if notes is not None else []
    folder = ws.processed(per.text)
    log = catalog.try_load(folder, TABLE, notes)
    roster = catalog.try_load(folder, "roster", notes)
    prev = previous_month(per)
    earlier, log_from = None, pd.Timestamp(per.start).tz_localize(None)
    if catalog.path(ws.processed(prev), TABLE).is_file():
        earlier = catalog.try_load(ws.processed(prev), TABLE, notes)
        if earlier is not None and not earlier.empty:
            log_from = pd.Timestamp(f"{prev}-01")
    if log is None or log.empty:
        notes.append("本期没有互动与舆情记录，舆情监测无数据。")
    return {
        "log": log if log is not None else pd.DataFrame(),
        "roster": roster if roster is not None else pd.DataFrame(),
        "period": per,
        "earlier_log": earlier,
        "log_from": log_from,
    }


def watch_period(
    ws: Workspace, period: str, notes: list[str] | None = None, cfg: OpinionConfig | None = None
) -> dict[str, pd.DataFrame]:
    """watch() over data/processed/<period>/interactions (and the month before it, when published)."""
    return watch(cfg=cfg, **watch_inputs(ws, period, notes))
