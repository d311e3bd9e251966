"""Replies to users: working-hour arithmetic and the one table of logged items (互动与舆情记录) with their first-reply
time, deadline (SLA) and whether the reply counts. config/replies.yaml holds the settings; docs/replies.md the rules.

The rules, each written once here:
- **Working hours.** W(t) is the number of working hours from a fixed origin to t (working days × day length, plus
  the part of t's day inside the working hours); a delay in working hours is W(reply) − W(received). It is additive
  (W(a→c) = W(a→b) + W(b→c)), never more than the clock hours, and 0 across a night or a weekend.
- **Who answers for an item.** The account's holder on the day it was received (ownership.owner_on); an item without
  a readable 收到时间 belongs to every person who held the account in the period.
- **What counts as answered.** A 首次回复时间 at or after 收到时间. A reply entered by the account's holder (录入人) is
  set aside by the scoring stage's provenance rule (scoring/provenance.py) before these rules run, so it arrives
  here blank. A reply before the item was received, or a blank: not answered. An unanswered item is slower than any answered one
  (its delay is infinite), so a blank never beats the slowest reply.
- **Duplicates count once**: the same (platform, account, 类型, minute received, text) logged twice, by hand and from
  the platform file, or in two files, is one item; the platform's copy is kept, else the worse copy.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, field_validator

from .catalog import REPLY_ITEMS
from .config import load_model
from .ownership import holdings, owner_on
from .paths import CONFIG_DIR
from .periods import TZ, Period

DEFAULT_PATH = CONFIG_DIR / "replies.yaml"

ITEM_COLUMNS = REPLY_ITEMS


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class WorkingHours(_Strict):
    start: str
    end: str
    weekdays: list[int]
    holidays: list[str]
    workdays: list[str]

    @field_validator("start", "end")
    @classmethod
    def _clock(cls, v: str) -> str:
        try:
            h, m = (int(x) for x in v.split(":"))
        except ValueError:
            raise ValueError(f"时间应写成 HH:MM（如 09:00），现为 {v!r}") from None
        if not (0 <= h <= 24 and 0 <= m < 60) or h * 60 + m > 24 * 60:
            raise ValueError(f"时间应在 00:00 到 24:00 之间，现为 {v!r}")
        return v

    @field_validator("weekdays")
    @classmethod
    def _days(cls, v: list[int]) -> list[int]:
        if not v or any(d not in range(1, 8) for d in v):
            raise ValueError("weekdays 应为 1（周一）到 7（周日）之间的数字，至少一个")
        return v


class Sla(_Strict):
    basis: str
    hours: dict[str, float]
    other: float = Field(gt=0)

    @field_validator("basis")
    @classmethod
    def _basis(cls, v: str) -> str:
        if v not in ("working_hours", "clock_hours"):
            raise ValueError("basis 应为 working_hours 或 clock_hours")
        return v


class RepliesConfig(_Strict):
    version: int
    working_hours: WorkingHours
    sla: Sla
    kinds: list[str]

    def minutes(self) -> tuple[int, int]:
        def m(t: str) -> int:
            h, mm = (int(x) for x in t.split(":"))
            return h * 60 + mm

        a, b = m(self.working_hours.start), m(self.working_hours.end)
        if b <= a:
            raise ValueError("working_hours.end 应晚于 start")
        return a, b

    def sla_for(self, kind) -> float:
        return float(self.sla.hours.get(str(kind), self.sla.other)) if isinstance(kind, str) else float(self.sla.other)


@lru_cache(maxsize=8)
def _load(path: str) -> RepliesConfig:
    cfg = load_model(path, RepliesConfig)
    cfg.minutes()
    return cfg


def load_replies_config(path: str | Path | None = None) -> RepliesConfig:
    return _load(str(path or DEFAULT_PATH))


# ----- working hours ---------------------------------------------------------------------------------------------


def _calendar(cfg: RepliesConfig) -> tuple[str, np.ndarray, np.ndarray]:
    wh = cfg.working_hours
    mask = "".join("1" if d in wh.weekdays else "0" for d in range(1, 8))
    off = np.array(sorted(wh.holidays), dtype="datetime64[D]")
    extra = np.array(sorted(wh.workdays), dtype="datetime64[D]")
    return mask, off, extra


def _naive_local(ts: pd.Series) -> pd.Series:
    t = pd.to_datetime(ts)
    if getattr(t.dt, "tz", None) is not None:
        t = t.dt.tz_convert(TZ).dt.tz_localize(None)
    return t


def working_clock(ts, cfg: RepliesConfig | None = None) -> np.ndarray:
    """W(t): working hours from 1970-01-05 (a Monday) to each t (NaN for a missing t). Vectorised."""
    cfg = cfg or load_replies_config()
    t = _naive_local(pd.Series(ts))
    out = np.full(len(t), np.nan)
    ok = t.notna().to_numpy()
    if not ok.any():
        return out
    tv = t[ok].to_numpy(dtype="datetime64[ns]")
    day = tv.astype("datetime64[D]")
    mask, off, extra = _calendar(cfg)
    a, b = cfg.minutes()
    origin = np.datetime64("1970-01-05", "D")
    before = np.busday_count(origin, day, weekmask=mask, holidays=off).astype(float)
    # 调休: weekend days worked count as working days
    if len(extra):
        before += np.searchsorted(extra, day, side="left")
        is_extra = np.isin(day, extra)
    else:
        is_extra = np.zeros(len(day), dtype=bool)
    working = np.is_busday(day, weekmask=mask, holidays=off) | is_extra
    minute = (tv - day.astype("datetime64[ns]")).astype("timedelta64[s]").astype(float) / 60.0
    inside = np.clip(minute, a, b) - a
    out[ok] = (before * (b - a) + np.where(working, inside, 0.0)) / 60.0
    return out


def working_hours_between(start, end, cfg: RepliesConfig | None = None) -> np.ndarray:
    """Working hours from each start to each end (negative when end is before start; NaN when either is missing)."""
    return working_clock(end, cfg) - working_clock(start, cfg)


def clock_hours_between(start, end) -> np.ndarray:
    s, e = _naive_local(pd.Series(start)), _naive_local(pd.Series(end))
    return ((e - s).dt.total_seconds() / 3600.0).to_numpy(dtype=float, na_value=np.nan)


# ----- the item table ----------------------------------------------------------------------------------------------


def is_platform_row(source_file: pd.Series) -> pd.Series:
    """Rows read from the platform's own file (the WeChat comment payload, ingest/interactions.py), not typed in."""
    return source_file.astype("string").str.lower().str.endswith(".json").fillna(False).astype(bool)


def quarantined_items(quarantine: pd.DataFrame | None) -> pd.DataFrame:
    """Rows of 互动与舆情记录 that ingest quarantined (an unreadable 收到时间, a bad cell …), as items of the log with
    what could be read of them (platform, account, 类型, 内容) and `quarantine_reason`: each still needed an answer,
    so it counts as not answered (a garbled cell never removes an item). Rows without platform or account cannot be
    placed and stay only in the quarantine (the data-quality page lists them)."""
    import json

    from .catalog import team_tables
    from .platforms import platform_code

    cols = team_tables()["interactions"]["columns"]
    if quarantine is None or quarantine.empty or "table" not in quarantine.columns:
        return pd.DataFrame()
    q = quarantine[quarantine["table"].astype("string") == "interactions"]
    names: dict[str, str] = {}
    for col, cs in cols.items():
        for h in [cs["header"], col, *cs.get("aliases", [])]:
            names.setdefault(str(h).strip().lower(), col)
    rows = []
    for f, r, why, values in zip(q["source_file"], q["source_row"], q["reason"], q["values"]):
        try:
            cells = json.loads(values) if isinstance(values, str) else {}
        except ValueError:
            cells = {}
        got = {names[k.strip().lower()]: v for k, v in cells.items() if k.strip().lower() in names}
        plat, acc = platform_code(got.get("platform")), str(got.get("account") or "").strip()
        if not plat or not acc:
            continue
        rows.append(
            {
                "platform": plat,
                "account": acc,
                "kind": got.get("kind"),
                "content": got.get("content"),
                "source_file": f,
                "source_row": r,
                "quarantine_reason": str(why),
            }
        )
    return pd.DataFrame(rows)


def with_holder(log: pd.DataFrame, roster: pd.DataFrame | None) -> pd.DataFrame:
    """The log with `operator`: the account's holder on the day each item was received (ownership.owner_on), for
    the provenance rule (whose judgement a typed reply is)."""
    if log is None or log.empty or roster is None or roster.empty:
        return (
            log if log is None or log.empty else log.assign(operator=pd.Series(pd.NA, index=log.index, dtype="string"))
        )
    return log.assign(operator=owner_on(roster, log["platform"], log["account"], log["received_at"]).to_numpy())


def with_quarantined(log: pd.DataFrame, quarantine: pd.DataFrame | None) -> pd.DataFrame:
    """The log with its quarantined rows appended as unanswered items (quarantined_items)."""
    extra = quarantined_items(quarantine)
    if extra.empty:
        return log
    extra = extra.astype(
        {
            "platform": "string",
            "account": "string",
            "kind": "string",
            "content": "string",
            "source_file": "string",
            "source_row": "Int64",
            "quarantine_reason": "string",
        }
    )
    return pd.concat([log, extra], ignore_index=True) if log is not None and not log.empty else extra


def _text(s: pd.Series) -> pd.Series:
    return s.astype("string").str.strip().replace("", pd.NA)


def _item_key(df: pd.DataFrame) -> pd.Series:
    """The same item however it was logged: platform, account, 类型, minute received, text without spaces.
    Rows without a received time and without text cannot be told apart from others: each stays its own item."""
    minute = _naive_local(df["received_at"]).dt.floor("min").astype("string")
    text = df["content"].astype("string").str.replace(r"\s+", "", regex=True)
    parts = [df[c].astype("string").fillna("") for c in ("platform", "account", "kind")] + [
        minute.fillna(""),
        text.fillna(""),
    ]
    key = parts[0].str.cat(parts[1:], sep="\x1f")
    lone = df["received_at"].isna() & text.fillna("").eq("")
    return key.mask(
        lone,
        "row:" + df["source_file"].astype("string").fillna("") + ":" + df["source_row"].astype("string").fillna(""),
    )


def _hash(s: pd.Series) -> pd.Series:
    return s.map(lambda x: hashlib.sha1(str(x).encode("utf-8")).hexdigest()[:12]).astype("string")


def reply_items(
    log: pd.DataFrame,
    roster: pd.DataFrame,
    period: Period | str,
    cfg: RepliesConfig | None = None,
) -> pd.DataFrame:
    """One row per logged item (ITEM_COLUMNS): its holder, first-reply delay, deadline and whether the reply counts.

    `log` is the team table `interactions` of the period; `period` places items without a received time."""
    cfg = cfg or load_replies_config()
    per = period if isinstance(period, Period) else Period.parse(period)
    if log is None or log.empty:
        return pd.DataFrame({c: pd.Series(dtype=t) for c, t in ITEM_COLUMNS.items()})
    df = log.copy().reset_index(drop=True)
    for c in (
        "content",
        "handler",
        "outcome",
        "source_url",
        "entered_by",
        "source_file",
        "first_reply_at",
        "received_at",
        "escalated",
        "item_ref",
        "source_row",
    ):
        if c not in df.columns:
            df[c] = pd.NA
    df["kind"] = _text(df["kind"])
    df["from_platform"] = is_platform_row(df["source_file"])
    # who answers for it
    holder = (
        owner_on(roster, df["platform"], df["account"], df["received_at"])
        if roster is not None and not roster.empty
        else pd.Series(pd.NA, index=df.index, dtype="string")
    )
    df["operator"] = holder.astype("string").to_numpy()
    undated = df["received_at"].isna()
    if undated.any() and roster is not None and not roster.empty:
        held = holdings(roster, per)
        extra = []
        for i in np.flatnonzero(undated.to_numpy()):
            who = (
                held.loc[
                    (held["platform"] == df.at[i, "platform"]) & (held["account"] == df.at[i, "account"]), "operator"
                ]
                .dropna()
                .unique()
            )
            for k, op in enumerate(who):
                if k == 0:
                    df.at[i, "operator"] = op
                else:
                    extra.append(df.loc[[i]].assign(operator=op))
        if extra:
            df = pd.concat([df, *extra], ignore_index=True)
    # the reply and whether it counts
    reply, recv = df["first_reply_at"], df["received_at"]
    link = _text(df["source_url"]).notna().to_numpy(dtype=bool)
    platform = df["from_platform"].to_numpy(dtype=bool)
    evidence = np.select([platform, link], ["platform", "link"], "typed")
    df["evidence"] = evidence
    has_reply = reply.notna().to_numpy()
    before = (reply < recv).fillna(False).to_numpy(dtype=bool)
    answered = has_reply & ~before & recv.notna().to_numpy()
    note = np.where(
        ~has_reply,
        "未回复或未填首次回复时间",
        np.where(
            before,
            "首次回复时间早于收到时间，按未回复计",
            np.where(recv.isna().to_numpy(), "未填收到时间，按未回复计", ""),
        ),
    )
    if cfg.sla.basis == "working_hours":
        hours = working_hours_between(recv, reply, cfg)
    else:
        hours = clock_hours_between(recv, reply)
    df["reply_hours"] = np.where(answered, hours, np.inf)
    df["answered"] = answered
    df["sla_hours"] = df["kind"].map(cfg.sla_for).astype(float)
    df["within_sla"] = answered & (df["reply_hours"].to_numpy() <= df["sla_hours"].to_numpy() + 1e-9)
    df["note"] = pd.Series(note, index=df.index).replace("", pd.NA).astype("string")
    if "quarantine_reason" in df.columns:
        held = df["quarantine_reason"].notna()
        df.loc[held, "note"] = "这一行被隔离（" + df.loc[held, "quarantine_reason"].astype("string") + "），按未回复计"
    # duplicates count once: the platform's copy, else the worse one (unanswered, then the slower reply)
    df["_key"] = _item_key(df) + "\x1f" + df["operator"].astype("string").fillna("")
    df = df.sort_values(
        ["_key", "from_platform", "answered", "reply_hours"], ascending=[True, False, True, False], kind="stable"
    )
    df["copies"] = df.groupby("_key", sort=False)["_key"].transform("size").astype("Int64")
    df = df.drop_duplicates("_key", keep="first")
    df["item_id"] = _hash(_item_key(df))
    df = df.sort_values(["platform", "account", "received_at", "item_id"], kind="stable", na_position="last")
    out = pd.DataFrame({c: df[c] if c in df.columns else pd.Series(pd.NA, index=df.index) for c in ITEM_COLUMNS})
    return out.astype(ITEM_COLUMNS).reset_index(drop=True)


def in_window(items: pd.DataFrame, win: Period, data_period: Period) -> pd.DataFrame:
    """Items received in the window; items without a received time belong to the data period (when win is it)."""
    if items.empty:
        return items
    inside = win.contains(pd.to_datetime(items["received_at"]))
    undated = items["received_at"].isna() & (win.text == data_period.text)
    return items[(inside.fillna(False) | undated).to_numpy(dtype=bool)]


def summary(items: pd.DataFrame) -> dict:
    """Reply rate, median first-reply hours (inf when more than half are unanswered) and SLA share of some items."""
    n = len(items)
    if n == 0:
        return {"n": 0, "answered": 0, "within_sla": 0, "rate": np.nan, "median_hours": np.nan, "sla_share": np.nan}
    ans = int(items["answered"].sum())
    ok = int(items["within_sla"].sum())
    return {
        "n": n,
        "answered": ans,
        "within_sla": ok,
        "rate": ans / n,
        "median_hours": float(np.median(items["reply_hours"].to_numpy(dtype=float))),
        "sla_share": ok / n,
    }
