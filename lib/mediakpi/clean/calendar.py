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
from ..platforms import platform_code
from ..fastops import group_order, group_searchsorted, take_text
from .period import is_date_only
from .records import account_subject, note

STATUSES = ("on_time", "late", "missed", "not_due", "ambiguous")


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
    # each distinct title once (calendars and series repeat titles): codes per row, the work on the distinct texts
    given = titles[present]
    if not isinstance(given.dtype, pd.StringDtype):
        given = given.astype(object).map(str)                   # as text first: 1 and 1.0 are different titles
    codes, distinct = pd.factorize(given.to_numpy(dtype=object))
    texts = [t if unicodedata.is_normalized("NFKC", t) else unicodedata.normalize("NFKC", t) for t in distinct.tolist()]
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
        out[present] = np.asarray(parts, dtype=object)[codes]
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


def _item_ids(cal: pd.DataFrame) -> pd.Series:
    if "source_file" in cal.columns and cal["source_file"].notna().all() and "source_row" in cal.columns \
            and cal["source_row"].notna().all():
        return (cal["source_file"].astype(str) + "#" + cal["source_row"].astype("Int64").astype(str)).astype("string")
    return pd.Series([f"item{i + 1}" for i in range(len(cal))], index=cal.index, dtype="string")


def _merge_duplicate_items(cal: pd.DataFrame, notes: list[dict]) -> pd.DataFrame:
    """Duplicates count once: calendar rows that plan the same thing (platform, account, slot and normalised title)
    are one item; the copies are merged into the first with a note, so a row pasted twice neither counts twice nor
    wipes out its item (two rows claiming one post would otherwise be "ambiguous" and neither matched)."""
    key = cal[["platform", "account", "planned_at", "_t"]]
    dup = key.duplicated(keep="first").to_numpy(dtype=bool)
    if not dup.any():
        return cal
    grp = key.groupby(list(key.columns), dropna=False, sort=False).ngroup().to_numpy()
    _, first_at = np.unique(grp, return_index=True)
    first_of = dict(zip(np.unique(grp).tolist(), first_at.tolist()))
    at = np.flatnonzero(dup)
    if len(at) > 50:   # the first 50 named, the rest counted (a whole calendar pasted twice is one note, not 10⁵)
        notes.append(note("info", "calendar", "calendar", f"另有 {len(at) - 50} 条排期与前面的行完全相同，已合并，只计一次。"))
    for i in at[:50].tolist():
        j = first_of[int(grp[i])]
        notes.append(note("info", "calendar", str(cal["item_id"].iat[i]),
                          f"排期“{cal['title'].iat[i]}”与 {cal['item_id'].iat[j]} 完全相同（重复粘贴）：已合并为一条，只计一次。"))
    return cal[~dup].reset_index(drop=True)


def match_calendar(calendar: pd.DataFrame, posts: pd.DataFrame, period: str | Period, cfg: QualityConfig,
                   title_keys: pd.Series | None = None) -> tuple[pd.DataFrame, pd.DataFrame, list[dict]]:
    """Match calendar items to posts.

    Returns (calendar_match, posts, notes):
    - calendar_match: the calendar's columns + `item_id`, `in_period` (slot inside the period), `status`
      (on_time / late / missed / not_due / ambiguous), `post_id`, `delay_hours` (published − planned; negative = early),
      `candidates` (posts that fitted), `match_rule`, `note` (plain Chinese);
    - posts with `calendar_item`, `on_time` (null when unplanned) and `is_original` (from the matched item's 是否原创).

    `title_keys`: normalise_titles(posts["title"]) when the caller already has it (it is the costly part at scale).

    Everything runs on integer codes and numpy arrays (items, posts, accounts and titles as numbers); Python builds
    only the messages, for the items that need one.
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

    cal = calendar.copy(deep=False).reset_index(drop=True)   # copy-on-write: columns set below never reach the caller
    for col in ["planned_at", "platform", "account", "title", "is_original"]:
        if col not in cal.columns:
            cal[col] = pd.NA
    cal["item_id"] = _item_ids(cal)
    cal["platform_raw"] = cal["platform"]
    cells, distinct = pd.factorize(cal["platform"], use_na_sentinel=False)      # once per distinct cell
    found = [platform_code(v) for v in distinct.tolist()]
    cal["platform"] = pd.Series(np.asarray(found, dtype=object)[cells] if len(cells) else [], dtype="string")
    cal["account"] = cal["account"].astype("string").str.strip()
    cal["in_period"] = p.contains(cal["planned_at"]).fillna(False).astype(bool)
    unknown = cal["platform"].isna().to_numpy(dtype=bool)
    for item, raw, title in zip(cal["item_id"][unknown], cal["platform_raw"][unknown], cal["title"][unknown]):
        notes.append(note("warn", "calendar", str(item),
                          f"排期表中的平台“{raw}”无法识别（标题：{title}）：该条无法匹配作品。"))

    cal["_t"] = normalise_titles(cal["title"])
    cal = _merge_duplicate_items(cal, notes)
    post_t = normalise_titles(posts["title"]) if title_keys is None else title_keys.reindex(posts.index)
    date_only = (is_date_only(posts["published_at"]) & posts["platform"].isin(c.date_only_platforms)
                 ).to_numpy(dtype=bool)
    acct, acct_known = _account_codes(cal, posts)
    mt = _match_pairs(cal, posts, cal["_t"].to_numpy(dtype=object), post_t.to_numpy(dtype=object), date_only, acct, c)

    # ---- per item (items as integer codes; the same item_id on two rows is one item, as a groupby would have it)
    item_of_row, item_names = pd.factorize(cal["item_id"])
    n_items = len(item_names)
    left, right, tier, on_time, delay = mt["left"], mt["right"], mt["tier"], mt["on_time"], mt["delay_hours"]
    it = item_of_row[left]
    # keep the best title tier of each item (0 = same title beats 1 = prefix)
    has_exact = np.bincount(it[tier == 0], minlength=n_items) > 0
    best = (tier == 0) | ~has_exact[it]
    left, right, tier, on_time, delay, it = left[best], right[best], tier[best], on_time[best], delay[best], it[best]
    pair_date_only = date_only[right]
    n_cand = np.bincount(it, minlength=n_items)
    n_on = np.bincount(it, weights=on_time.astype(np.float64), minlength=n_items)
    # one best candidate, or several of which exactly one is on time
    only = n_cand[it] == 1
    picked = only | (~only & on_time & (n_on[it] == 1))
    ambiguous: dict[int, str] = {}
    has_pick = np.bincount(it[picked], minlength=n_items) > 0
    undecided = np.flatnonzero(~has_pick[it])                       # pairs of items with candidates but no pick
    if len(undecided):
        rows = undecided[np.argsort(it[undecided], kind="stable")]  # grouped by item, pair order kept
        titles = posts["title"].take(right[rows]).astype(object).tolist()
        stamps = posts["published_at"].take(right[rows]).dt.strftime("%m-%d %H:%M").tolist()
        items = it[rows]
        cuts = np.flatnonzero(np.r_[True, items[1:] != items[:-1], True])
        for a, b in zip(cuts[:-1], cuts[1:]):
            text = "；".join(f"{t}（{s}）" for t, s in zip(titles[a:b], stamps[a:b]))
            ambiguous[int(items[a])] = (f"有 {b - a} 条作品都可能是这条排期，未自动认定：{text}。"
                                        "请在排期表中写明更具体的标题或时间。")
    # a post claimed by several items: none of them gets it
    sel = np.flatnonzero(picked)
    claims = np.bincount(right[sel], minlength=len(posts))[right[sel]]
    shared = sel[claims > 1]
    if len(shared):
        titles = posts["title"].take(right[shared]).astype(object).tolist()
        for i, t, k in zip(it[shared].tolist(), titles, claims[claims > 1].tolist()):
            ambiguous[i] = f"同一条作品（{t}）同时匹配了 {int(k)} 条排期，未自动认定：请检查排期表是否重复。"
    final = sel[claims == 1]
    pick_of_item = np.full(n_items, -1, dtype=np.int64)
    pick_of_item[it[final]] = final

    # ---- per calendar row
    pk = pick_of_item[item_of_row]                                  # the row's picked pair, −1 when none
    hit = pk >= 0
    hp = pk[hit]
    on = np.zeros(len(cal), dtype=bool)
    on[hit] = on_time[hp]
    is_amb = np.zeros(n_items, dtype=bool)
    is_amb[list(ambiguous)] = True
    is_amb = is_amb[item_of_row]
    status = np.full(len(cal), "missed", dtype=object)
    status[hit & on] = "on_time"
    status[hit & ~on] = "late"
    status[is_amb] = "ambiguous"
    # unmatched and not yet due: the slot is after the account's export time, or after the period
    planned = cal["planned_at"]
    no_plan = planned.isna().to_numpy(dtype=bool)
    plan_ns = _ns(planned)
    end_ns = np.int64(pd.Timestamp(p.end).value)
    cutoff = np.full(len(cal), end_ns, dtype=np.int64)
    if "snapshot_at" in posts.columns and not posts.empty:
        snap = posts["snapshot_at"]
        has_snap = snap.notna().to_numpy(dtype=bool) & acct_known[len(cal):]
        p_acct = acct[len(cal):][has_snap]
        taken = np.full(int(acct.max()) + 1, np.iinfo(np.int64).min, dtype=np.int64)
        np.maximum.at(taken, p_acct, _ns(snap)[has_snap])            # newest export per account (min int: none)
        t = np.where(acct_known[: len(cal)], taken[acct[: len(cal)]], np.iinfo(np.int64).min)
        earlier = (t != np.iinfo(np.int64).min) & (t < end_ns)
        cutoff[earlier] = t[earlier]
    not_due = ~hit & ~is_amb & (no_plan | (plan_ns >= cutoff))
    status[not_due] = "not_due"

    delay_cal = np.full(len(cal), np.nan)
    delay_cal[hit] = delay[hp]
    note_col = np.full(len(cal), None, dtype=object)
    late = status == "late"
    d_only = np.zeros(len(cal), dtype=bool)
    d_only[hit] = pair_date_only[hp]
    note_col[late & d_only] = "未在计划当天发布"
    timed = late & ~d_only
    note_col[timed] = [f"比计划{'晚' if d > 0 else '早'} {abs(d):.1f} 小时（允许 ±{c.on_time_tolerance_hours:g} 小时）"
                       for d in delay_cal[timed]]
    amb_rows = np.flatnonzero(is_amb)
    note_col[amb_rows] = [ambiguous[i] for i in item_of_row[amb_rows].tolist()]
    note_col[not_due] = np.where(no_plan[not_due], "缺少计划时间", "计划时间在导出时间之后或不在本期，暂不计入")
    note_col[status == "missed"] = "在时间窗口内没有找到标题相符的作品"
    subjects: dict = {}
    slots = planned.take(amb_rows)
    slot_text = slots.dt.strftime("%Y-%m-%d %H:%M").where(slots.notna(), "无时间")     # one format for every note
    for plat, acc, title, ts, i in zip(cal["platform"].take(amb_rows).tolist(), cal["account"].take(amb_rows).tolist(),
                                       cal["title"].take(amb_rows).tolist(), slot_text.tolist(),
                                       item_of_row[amb_rows].tolist()):
        subj = subjects.get((plat, acc))
        if subj is None:
            subj = subjects[(plat, acc)] = account_subject(plat, acc)
        notes.append(note("warn", "calendar", subj, f"排期“{title}”（{ts}）：{ambiguous[i]}"))

    # write the match back to the posts
    if len(final):
        pos = right[final]
        rows = left[final]
        item_of_post = np.full(len(posts), -1, dtype=np.int64)
        item_of_post[pos] = rows
        posts["calendar_item"] = pd.Series(take_text(cal["item_id"], item_of_post), index=posts.index)
        on_col = np.zeros(len(posts), dtype=bool)
        on_col[pos] = on_time[final]
        has = np.zeros(len(posts), dtype=bool)
        has[pos] = True
        posts["on_time"] = pd.Series(pd.arrays.BooleanArray(on_col, ~has), index=posts.index)
        orig = cal["is_original"].astype("boolean").take(rows)
        o_val = np.zeros(len(posts), dtype=bool)
        o_na = np.ones(len(posts), dtype=bool)
        o_val[pos] = orig.fillna(False).to_numpy(dtype=bool)
        o_na[pos] = orig.isna().to_numpy(dtype=bool)
        posts["is_original"] = pd.Series(pd.arrays.BooleanArray(o_val, o_na), index=posts.index)

    cal["status"] = pd.Series(status, index=cal.index, dtype="string")
    post_of_row = np.full(len(cal), -1, dtype=np.int64)
    post_of_row[hit] = right[hp]
    cal["post_id"] = pd.Series(take_text(posts["post_id"], post_of_row), index=cal.index)
    cal["delay_hours"] = delay_cal
    cal["candidates"] = pd.array(n_cand[item_of_row], dtype="Int64")
    rule = np.full(len(cal), None, dtype=object)
    rule[hit] = np.where(tier[hp] == 0, "标题一致", "标题前缀一致（标题被截断或改动）")
    cal["match_rule"] = pd.Series(rule, index=cal.index, dtype="string")
    cal["note"] = pd.Series(note_col, index=cal.index, dtype="string")
    cal = cal.drop(columns=["_t", "platform_raw"])

    # summary notes per account: missed items and unplanned posts in the period
    due = cal[["platform", "account", "status"]][cal["in_period"]]
    # counts per account in one groupby (iterating over per-account sub-frames was the slow part)
    missed_n = (due["status"] == "missed").groupby([due["platform"], due["account"]], dropna=True).sum()
    for (plat, acc), missed in missed_n[missed_n > 0].items():
        missed = int(missed)
        if missed:
            notes.append(note("warn", "calendar", account_subject(plat, acc),
                              f"本期有 {missed} 条排期没有找到对应作品（漏发或标题不符），见排期匹配表。"))
    if "in_period" in posts.columns:
        keys = cal[["platform", "account"]].drop_duplicates()
        planned_accounts = set(zip(keys["platform"], keys["account"]))
        unplanned = posts.loc[posts["in_period"] & posts["calendar_item"].isna(), ["platform", "account"]]
        for (plat, acc), n in unplanned.groupby(["platform", "account"], dropna=True).size().items():
            if (plat, acc) in planned_accounts:
                notes.append(note("info", "calendar", account_subject(plat, acc),
                                  f"本期有 {n} 条作品不在排期表中（计划外发布）。"))
    return cal.reset_index(drop=True), posts, notes


def _account_codes(cal: pd.DataFrame, posts: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """(platform, account) as one integer per row, for the calendar rows followed by the posts: equal codes for equal
    pairs (a missing value matches a missing value, as a merge does), and whether both parts are present."""
    code = np.zeros(len(cal) + len(posts), dtype=np.int64)
    known = np.ones(len(code), dtype=bool)
    for col in ["platform", "account"]:
        both = pd.concat([cal[col].astype("string"), posts[col].astype("string")], ignore_index=True)
        c, uniques = pd.factorize(both, use_na_sentinel=False)
        known &= both.notna().to_numpy(dtype=bool)
        code = code * np.int64(max(len(uniques), 1)) + c
    code, _ = pd.factorize(code)                                     # dense
    return code.astype(np.int64, copy=False), known


def _match_pairs(cal: pd.DataFrame, posts: pd.DataFrame, cal_t: np.ndarray, post_t: np.ndarray, date_only: np.ndarray,
                 acct: np.ndarray, c) -> dict[str, np.ndarray]:
    """The (calendar row, post row) pairs that match: same platform and account, the post within ±window of the slot
    or (date-only post) on the slot's day, and titles equal or one a prefix (≥ min_prefix characters) of the other.
    Pairs come in merge order (calendar row, then post row) with `tier` (0 same title, 1 prefix), `delay_hours`,
    `on_time`.

    Titles are integer codes; a pair can only match when the titles are equal or share their first min_prefix
    characters, so posts are grouped by (account, title head) and each item looks up its time range only among the
    posts of its own group: repeated titles no longer multiply the pairs that have to be looked at."""
    n_cal = len(cal)
    k = c.min_prefix_chars
    t_code, t_uniq = pd.factorize(np.concatenate((cal_t, post_t)))
    t_uniq = np.asarray(t_uniq, dtype=object)
    head, _ = pd.factorize(np.asarray([u[:k] if len(u) >= k else u for u in t_uniq], dtype=object))
    filled = np.asarray([u != "" for u in t_uniq], dtype=bool)
    n_head = int(head.max()) + 1 if len(head) else 1
    group = acct * np.int64(n_head) + head[t_code].astype(np.int64)
    if len(group) and int(acct.max()) + 1 > (2**62) // n_head:   # too many combinations for int64: dense numbers
        group = pd.DataFrame({"a": acct, "h": head[t_code]}).groupby(["a", "h"], sort=False).ngroup().to_numpy(np.int64)
    ok = filled[t_code]
    c_group, p_group = group[:n_cal], group[n_cal:]
    ct_code, pt_code = t_code[:n_cal], t_code[n_cal:]

    p_pub = posts["published_at"]
    p_ns = _ns(p_pub)
    p_ok = p_pub.notna().to_numpy(dtype=bool) & ok[n_cal:]
    p_pos = np.flatnonzero(p_ok)
    srt = group_order(p_group[p_pos], p_ns[p_pos])
    p_pos = p_pos[srt]
    planned = cal["planned_at"]
    c_ok = planned.notna().to_numpy(dtype=bool) & ok[:n_cal]
    c_pos = np.flatnonzero(c_ok)
    c_ns = _ns(planned)
    c_day = _ns(planned.dt.normalize())
    w = np.int64(round(float(c.match_window_hours) * 3_600_000_000_000))
    t0, day0 = c_ns[c_pos], c_day[c_pos]
    lo_t = np.minimum(t0 - w, day0)                               # a superset of both tests; the exact test follows
    hi_t = np.maximum(t0 + w, day0 + np.int64(86_400_000_000_000))
    lo = group_searchsorted(p_group[p_pos], p_ns[p_pos], c_group[c_pos], lo_t, side="left")
    hi = group_searchsorted(p_group[p_pos], p_ns[p_pos], c_group[c_pos], hi_t, side="right")
    n = np.maximum(hi - lo, 0)
    left = np.repeat(c_pos, n)
    start = np.repeat(lo - np.concatenate(([0], np.cumsum(n)[:-1])), n)
    right = p_pos[start + np.arange(n.sum())]
    order = np.lexsort((right, left))                              # merge order: calendar row, then post row
    left, right = left[order], right[order]

    # the exact tests
    delay_ns = p_ns[right] - c_ns[left]
    delay_hours = delay_ns / np.int64(3_600_000_000_000)          # what (published − planned) / 1 hour gives
    p_day = _ns(p_pub.dt.normalize())
    same_day = p_day[right] == c_day[left]
    d_only = date_only[right]
    within = (np.abs(delay_hours) <= c.match_window_hours) | (d_only & same_day)
    a, b = ct_code[left], pt_code[right]
    tier = np.where(a == b, 0.0, np.nan)
    other = np.flatnonzero(within & (a != b))
    if len(other):                                                 # the prefix test once per distinct title pair
        pair = a[other].astype(np.int64) * np.int64(len(t_uniq)) + b[other]
        codes, uniq = pd.factorize(pair)
        tiers = np.asarray([np.nan if (t := _title_tier(t_uniq[u // len(t_uniq)], t_uniq[u % len(t_uniq)], k)) is None
                            else t for u in uniq.tolist()], dtype=np.float64)
        tier[other] = tiers[codes]
    keep = within & ~np.isnan(tier)
    left, right, tier, delay_hours = left[keep], right[keep], tier[keep], delay_hours[keep]
    on_time = np.where(d_only[keep], same_day[keep], np.abs(delay_hours) <= c.on_time_tolerance_hours)
    return {"left": left, "right": right, "tier": tier, "delay_hours": delay_hours, "on_time": on_time.astype(bool)}


def _ns(ts: pd.Series) -> np.ndarray:
    if getattr(ts.dt, "tz", None) is not None:
        ts = ts.dt.tz_convert("UTC").dt.tz_localize(None)
    return ts.to_numpy("datetime64[ns]").astype(np.int64)


def _empty_match() -> pd.DataFrame:
    from ..catalog import team_table_dtypes, empty
    cols = {**team_table_dtypes("content_calendar"), "item_id": "string", "in_period": "bool", "status": "string",
            "post_id": "string", "delay_hours": "float64", "candidates": "Int64", "match_rule": "string", "note": "string"}
    return empty(cols)
