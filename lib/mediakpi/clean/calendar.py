"""Content calendar ↔ posts: which planned items were published, on time, late or missed, and which posts were
unplanned. Matching is by platform, account, a time window around the slot and the normalised title; an ambiguous
match is reported, never guessed."""
from __future__ import annotations

import re
import unicodedata

import numpy as np
import pandas as pd

from ..periods import Period
from .config import QualityConfig
from .crosscheck import platform_code
from .fastops import group_searchsorted
from .period import is_date_only
from .records import account_subject, note

STATUSES = ("on_time", "late", "missed", "not_due", "ambiguous")
HOUR = pd.Timedelta(hours=1)


def normalise_title(text) -> str:
    """NFKC, lower case, with whitespace, punctuation and symbols (emoji included) removed."""
    if text is None or pd.isna(text):
        return ""
    s = unicodedata.normalize("NFKC", str(text)).casefold()
    return "".join(ch for ch in s if unicodedata.category(ch)[0] not in "PSZC")


def normalise_titles(titles: pd.Series) -> pd.Series:
    """normalise_title for a whole column (object dtype, same index), without a Python loop over every character:
    NFKC per title (only where not already NFKC), then casefold and the removal of punctuation/symbols/spaces/controls
    on one joined string (casefold and the removal are per character; a private-use separator keeps titles apart),
    with the characters to drop classified once per distinct character."""
    present = titles.notna().to_numpy(dtype=bool)
    texts = [t if unicodedata.is_normalized("NFKC", t) else unicodedata.normalize("NFKC", t)
             for t in titles.astype(object)[present].map(str).tolist()]
    out = np.full(len(titles), "", dtype=object)
    if texts:
        joined = _SEP.join(texts)
        if _SEP in joined.replace(_SEP, "", len(texts) - 1):       # the separator occurs in the data: one by one
            parts = [normalise_title(t) for t in texts]
        else:
            folded = joined.casefold()
            drop = [ch for ch in set(folded) if ch != _SEP and unicodedata.category(ch)[0] in "PSZC"]
            if drop:
                folded = re.sub("[" + "".join(re.escape(ch) for ch in sorted(drop)) + "]", "", folded)
            parts = folded.split(_SEP)
        out[present] = parts
    return pd.Series(out, index=titles.index, dtype=object)


_SEP = "\ue000"


def _title_tier(a: str, b: str, min_prefix: int) -> int | None:
    """0 = same normalised title, 1 = one is a prefix of the other (truncated title), None = no match."""
    if not a or not b:
        return None
    if a == b:
        return 0
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    if len(short) >= min_prefix and long_.startswith(short):
        return 1
    return None


def _title_tiers(a: pd.Series, b: pd.Series, min_prefix: int) -> np.ndarray:
    """_title_tier for aligned columns (float: 0, 1 or NaN). Equal titles are found with one array comparison; the
    prefix test runs in Python only for the pairs whose first `min_prefix` characters agree (a prefix match of at
    least `min_prefix` characters needs that), not for every candidate pair."""
    av = np.asarray(a.tolist(), dtype=object)
    bv = np.asarray(b.tolist(), dtype=object)
    tier = np.full(len(av), np.nan)
    nonempty = (av != "") & (bv != "")
    same = nonempty & (av == bv)
    tier[same] = 0
    head_a = np.asarray([t[:min_prefix] if len(t) >= min_prefix else None for t in av], dtype=object)
    head_b = np.asarray([t[:min_prefix] if len(t) >= min_prefix else "\0" for t in bv], dtype=object)
    maybe = np.flatnonzero(nonempty & ~same & (head_a == head_b))
    tier[maybe] = [np.nan if (t := _title_tier(av[i], bv[i], min_prefix)) is None else t for i in maybe]
    return tier


def _item_ids(cal: pd.DataFrame) -> pd.Series:
    if "source_file" in cal.columns and cal["source_file"].notna().all() and "source_row" in cal.columns \
            and cal["source_row"].notna().all():
        return (cal["source_file"].astype(str) + "#" + cal["source_row"].astype("Int64").astype(str)).astype("string")
    return pd.Series([f"item{i + 1}" for i in range(len(cal))], index=cal.index, dtype="string")


def match_calendar(calendar: pd.DataFrame, posts: pd.DataFrame, period: str | Period, cfg: QualityConfig,
                   title_keys: pd.Series | None = None) -> tuple[pd.DataFrame, pd.DataFrame, list[dict]]:
    """Match calendar items to posts.

    Returns (calendar_match, posts, notes):
    - calendar_match: the calendar's columns + `item_id`, `in_period` (slot inside the period), `status`
      (on_time / late / missed / not_due / ambiguous), `post_id`, `delay_hours` (published − planned; negative = early),
      `candidates` (posts that fitted), `match_rule`, `note` (plain Chinese);
    - posts with `calendar_item`, `on_time` (null when unplanned) and `is_original` (from the matched item's 是否原创).

    `title_keys`: normalise_titles(posts["title"]) when the caller already has it (it is the costly part at scale).
    """
    p = period if isinstance(period, Period) else Period.parse(period)
    c = cfg.calendar
    posts = posts.copy(deep=False)   # copy-on-write: shallow is enough, saves a full copy at scale
    posts["calendar_item"] = pd.Series(pd.NA, index=posts.index, dtype="string")
    posts["on_time"] = pd.Series(pd.NA, index=posts.index, dtype="boolean")
    posts["is_original"] = pd.Series(pd.NA, index=posts.index, dtype="boolean")
    notes: list[dict] = []
    if calendar is None or calendar.empty:
        return _empty_match(), posts, notes

    cal = calendar.copy().reset_index(drop=True)
    for col in ["planned_at", "platform", "account", "title", "is_original"]:
        if col not in cal.columns:
            cal[col] = pd.NA
    cal["item_id"] = _item_ids(cal)
    cal["platform_raw"] = cal["platform"]
    cells = cal["platform"].astype(object).where(cal["platform"].notna(), None).tolist()
    codes = {v: platform_code(v, cfg) for v in set(cells)}          # once per distinct cell
    cal["platform"] = pd.Series([codes[v] for v in cells], dtype="string")
    cal["account"] = cal["account"].astype("string").str.strip()
    cal["in_period"] = p.contains(cal["planned_at"]).fillna(False).astype(bool)
    for _, row in cal[cal["platform"].isna()].iterrows():
        notes.append(note("warn", "calendar", str(row["item_id"]),
                          f"排期表中的平台“{row['platform_raw']}”无法识别（标题：{row['title']}）：该条无法匹配作品。"))

    cal["_t"] = normalise_titles(cal["title"])
    po = posts[["platform", "account", "post_id", "title", "published_at"]].copy()
    po["_pidx"] = posts.index
    po["_t"] = normalise_titles(po["title"]) if title_keys is None else title_keys.reindex(po.index)
    po["_date_only"] = is_date_only(po["published_at"]) & po["platform"].isin(c.date_only_platforms)
    m = _candidates(cal[["item_id", "platform", "account", "planned_at", "_t"]], po, c.match_window_hours,
                    c.min_prefix_chars)
    if not m.empty:
        dt = (m["published_at"] - m["planned_at"]) / HOUR
        m["delay_hours"] = dt.astype("float64")
        # a date-only publish time is compared with the planned day, not the planned hour
        same_day = m["published_at"].dt.normalize() == m["planned_at"].dt.normalize()
        within = (m["delay_hours"].abs() <= c.match_window_hours) | (m["_date_only"] & same_day)
        m = m[within.fillna(False)]
        m["tier"] = _title_tiers(m["_t_cal"], m["_t_post"], c.min_prefix_chars)
        m = m[m["tier"].notna()]
        m["_same_day"] = (m["published_at"].dt.normalize() == m["planned_at"].dt.normalize())
        m["_on_time"] = np.where(m["_date_only"], m["_same_day"], m["delay_hours"].abs() <= c.on_time_tolerance_hours)
        best = m.groupby("item_id")["tier"].transform("min")
        m = m[m["tier"] == best]
    if m.empty:
        m = m.assign(tier=pd.Series(dtype="float64"), _on_time=pd.Series(dtype=bool),
                     delay_hours=pd.Series(dtype="float64"))
    n_cand = m.groupby("item_id").size()
    n_on = m.groupby("item_id")["_on_time"].sum()
    # one best candidate, or several of which exactly one is on time
    only = m["item_id"].map(n_cand) == 1
    single_on = m["_on_time"].astype(bool) & (m["item_id"].map(n_on) == 1)
    picked = m[only | (~only & single_on)]
    ambiguous: dict[str, str] = {}
    for item, grp in m[~m["item_id"].isin(picked["item_id"])].groupby("item_id"):
        titles = "；".join(f"{t}（{ts:%m-%d %H:%M}）" for t, ts in zip(grp["title"], grp["published_at"]))
        ambiguous[item] = f"有 {len(grp)} 条作品都可能是这条排期，未自动认定：{titles}。请在排期表中写明更具体的标题或时间。"
    # a post claimed by several items: none of them gets it
    claims = picked.groupby("_pidx")["item_id"].transform("size")
    for _, row in picked[claims > 1].iterrows():
        ambiguous[row["item_id"]] = (f"同一条作品（{row['title']}）同时匹配了 {int(claims[_])} 条排期，未自动认定："
                                     "请检查排期表是否重复。")
    picked = picked[claims == 1].set_index("item_id")

    hit = cal["item_id"].isin(picked.index)
    pk = picked.reindex(cal["item_id"])
    pk.index = cal.index
    on_time = pk["_on_time"].astype("boolean")
    status = pd.Series("missed", index=cal.index, dtype="string")
    status[hit & on_time.fillna(False)] = "on_time"
    status[hit & ~on_time.fillna(True)] = "late"
    is_amb = cal["item_id"].isin(list(ambiguous))
    status[is_amb] = "ambiguous"
    # unmatched and not yet due: the slot is after the account's export time, or after the period
    snap = posts.groupby(["platform", "account"])["snapshot_at"].max().rename("_snap") if "snapshot_at" in posts.columns \
        and not posts.empty else None
    cutoff = pd.Series(p.end, index=cal.index)
    if snap is not None:
        taken = cal[["platform", "account"]].merge(snap.reset_index(), on=["platform", "account"], how="left")["_snap"]
        taken.index = cal.index
        cutoff = cutoff.where(taken.isna() | (taken >= p.end), taken)
    not_due = ~hit & ~is_amb & (cal["planned_at"].isna() | (cal["planned_at"] >= cutoff).fillna(True))
    status[not_due] = "not_due"

    delay = pk["delay_hours"].astype("float64")
    note_col = pd.Series(pd.NA, index=cal.index, dtype="string")
    late = status == "late"
    date_only = pk["_date_only"].astype("boolean").fillna(False)
    note_col[late & date_only] = "未在计划当天发布"
    timed = late & ~date_only
    note_col[timed] = [f"比计划{'晚' if d > 0 else '早'} {abs(d):.1f} 小时（允许 ±{c.on_time_tolerance_hours:g} 小时）"
                       for d in delay[timed]]
    note_col[is_amb] = cal.loc[is_amb, "item_id"].map(ambiguous)
    note_col[not_due] = np.where(cal.loc[not_due, "planned_at"].isna(), "缺少计划时间", "计划时间在导出时间之后或不在本期，暂不计入")
    note_col[status == "missed"] = "在时间窗口内没有找到标题相符的作品"
    for _, row in cal[is_amb].iterrows():
        notes.append(note("warn", "calendar", account_subject(row["platform"], row["account"]),
                          f"排期“{row['title']}”（{_fmt_ts(row['planned_at'])}）：{ambiguous[row['item_id']]}"))

    # write the match back to the posts
    if not picked.empty:
        items = cal.loc[hit, ["item_id", "is_original"]].set_index("item_id")
        pidx = picked["_pidx"]
        posts.loc[pidx.to_numpy(), "calendar_item"] = pd.array(picked.index, dtype="string")
        posts.loc[pidx.to_numpy(), "on_time"] = pd.array(picked["_on_time"].astype(bool).to_numpy(), dtype="boolean")
        orig = items["is_original"].reindex(picked.index).astype("boolean")
        posts.loc[pidx.to_numpy(), "is_original"] = pd.array(orig.to_numpy(), dtype="boolean")

    cal["status"] = status
    cal["post_id"] = pk["post_id"].astype("string")
    cal["delay_hours"] = delay
    cal["candidates"] = cal["item_id"].map(n_cand).fillna(0).astype("Int64")
    cal["match_rule"] = pk["tier"].map({0: "标题一致", 1: "标题前缀一致（标题被截断或改动）"}).astype("string")
    cal["note"] = note_col
    cal = cal.drop(columns=["_t", "platform_raw"])

    # summary notes per account: missed items and unplanned posts in the period
    due = cal[cal["in_period"]]
    # counts per account in one groupby (iterating over per-account sub-frames was the slow part)
    missed_n = (due["status"] == "missed").groupby([due["platform"], due["account"]], dropna=True).sum()
    for (plat, acc), missed in missed_n[missed_n > 0].items():
        missed = int(missed)
        if missed:
            notes.append(note("warn", "calendar", account_subject(plat, acc),
                              f"本期有 {missed} 条排期没有找到对应作品（漏发或标题不符），见排期匹配表。"))
    if "in_period" in posts.columns:
        planned_accounts = set(zip(cal["platform"], cal["account"]))
        unplanned = posts[posts["in_period"] & posts["calendar_item"].isna()]
        for (plat, acc), n in unplanned.groupby(["platform", "account"], dropna=True).size().items():
            if (plat, acc) in planned_accounts:
                notes.append(note("info", "calendar", account_subject(plat, acc),
                                  f"本期有 {n} 条作品不在排期表中（计划外发布）。"))
    return cal.reset_index(drop=True), posts, notes


def _ns(ts: pd.Series) -> np.ndarray:
    if getattr(ts.dt, "tz", None) is not None:
        ts = ts.dt.tz_convert("UTC").dt.tz_localize(None)
    return ts.to_numpy("datetime64[ns]").astype(np.int64)


def _candidates(cal: pd.DataFrame, po: pd.DataFrame, window_hours: float, min_prefix: int | None = None
                ) -> pd.DataFrame:
    """What `cal.merge(po, on=["platform", "account"], how="inner", suffixes=("_cal", "_post"))` gives (same columns,
    same row order: calendar rows in order, each with its posts in order), restricted to the pairs that can pass the
    time-window test: a post within ±window of the slot or on the slot's day. The full merge pairs every item with
    every post of the account (quadratic in posts per account); here each item only looks up its time range in the
    account's posts sorted by time. With `min_prefix`, pairs whose titles cannot pass _title_tier (neither equal
    nor sharing their first `min_prefix` characters) are dropped too, before any column is materialised."""
    keys = pd.concat([cal[["platform", "account"]], po[["platform", "account"]]], ignore_index=True).astype("string")
    codes = keys.groupby(["platform", "account"], dropna=False, sort=False).ngroup().to_numpy(dtype=np.int64)
    c_code, p_code = codes[: len(cal)], codes[len(cal):]
    p_ok = po["published_at"].notna().to_numpy(dtype=bool)
    p_pos = np.flatnonzero(p_ok)
    p_t = _ns(po["published_at"])[p_ok]
    srt = np.lexsort((p_t, p_code[p_ok]))
    p_pos, p_t, p_grp = p_pos[srt], p_t[srt], p_code[p_ok][srt]
    c_ok = cal["planned_at"].notna().to_numpy(dtype=bool)
    c_pos = np.flatnonzero(c_ok)
    planned = cal["planned_at"][c_ok]
    w = np.int64(round(float(window_hours) * 3_600_000_000_000))
    t0 = _ns(planned)
    day0 = _ns(planned.dt.normalize())
    lo_t = np.minimum(t0 - w, day0)                               # a superset of both tests; the exact test follows
    hi_t = np.maximum(t0 + w, day0 + np.int64(86_400_000_000_000))
    lo = group_searchsorted(p_grp, p_t, c_code[c_ok], lo_t, side="left")
    hi = group_searchsorted(p_grp, p_t, c_code[c_ok], hi_t, side="right")
    n = np.maximum(hi - lo, 0)
    left = np.repeat(c_pos, n)
    start = np.repeat(lo - np.concatenate(([0], np.cumsum(n)[:-1])), n)
    right = p_pos[start + np.arange(n.sum())]
    if min_prefix is not None and len(left):
        # titles and title heads as shared integer codes: the pair test is two integer comparisons
        ct, pt = cal["_t"].astype(object).to_numpy(), po["_t"].astype(object).to_numpy()
        t_code, _ = pd.factorize(np.concatenate((ct, pt)))
        ch = [t[:min_prefix] if len(t) >= min_prefix else None for t in ct]
        ph = [t[:min_prefix] if len(t) >= min_prefix else None for t in pt]
        h_code, _ = pd.factorize(np.asarray(ch + ph, dtype=object), use_na_sentinel=True)
        ct_code, pt_code = t_code[: len(ct)], t_code[len(ct):]
        ch_code, ph_code = h_code[: len(ct)], h_code[len(ct):]
        nonempty = np.asarray([bool(t) for t in ct])[left] & np.asarray([bool(t) for t in pt])[right]
        keep = nonempty & ((ct_code[left] == pt_code[right]) | ((ch_code[left] == ph_code[right]) & (ch_code[left] >= 0)))
        left, right = left[keep], right[keep]
    order = np.lexsort((right, left))                              # merge order: calendar row, then post row
    left, right = left[order], right[order]
    a = cal.iloc[left].rename(columns={"_t": "_t_cal"}).reset_index(drop=True)
    b = po.iloc[right].drop(columns=["platform", "account"]).rename(columns={"_t": "_t_post"}).reset_index(drop=True)
    return pd.concat([a, b], axis=1)


def _fmt_ts(ts) -> str:
    return "无时间" if ts is None or pd.isna(ts) else f"{ts:%Y-%m-%d %H:%M}"


def _empty_match() -> pd.DataFrame:
    from ..schema import team_table_dtypes, empty
    cols = {**team_table_dtypes("content_calendar"), "item_id": "string", "in_period": "bool", "status": "string",
            "post_id": "string", "delay_hours": "float64", "candidates": "Int64", "match_rule": "string", "note": "string"}
    return empty(cols)
