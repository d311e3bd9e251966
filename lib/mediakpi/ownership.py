"""Who held which account on which day: the one home of the roster's ownership rule.

Every stage asks here (ingest when it fills `operator`, clean when it checks it and splits followers, scoring when it
lists the people of a period and pro-rates count targets); none keeps its own copy of the rule.

The rule
--------
- The roster (花名册: 姓名, 平台, 账号, optional 负责开始日期 / 负责结束日期) gives each person a range of days on an
  account, both ends inclusive, a blank end open. Days are calendar days in Beijing time.
- On a given day an account is **held** by the one person whose rows cover the day, **vacant** when no row covers it,
  and in **conflict** when rows of two or more different people cover it (tried: the same account twice without
  dates). Nothing is attributed by guess on a conflicting day: the owner is null, the reason is recorded, and
  `conflicts()` names both roster rows (source file and row) for the data-quality page. Two rows of the same person
  that overlap are simply merged.
- A row without a name holds nothing (the account is in the roster, nobody is credited). A row whose end is before its
  start covers no day (clean reports it).
- Several months' rosters in one period (a quarter, or a roster copied into each month's folder): a month's roster
  speaks for its own month onwards. For a day in month M the account's rows from the latest roster month ≤ M are used
  (the earliest roster speaks for the days before it). So October's roster, which no longer lists the person who
  handed the account over in September, does not undo September, and September's open-ended row does not clash with
  October's new holder. The roster month comes from a `roster_month` column, ingest's `_month`, or the first folder of
  `source_file` (`2026-10/花名册.xlsx`); rows without one speak for every month.

Functions (all pure, DataFrame in, DataFrame out)
-------------------------------------------------
- `prepare(roster)`: the roster with platform codes, trimmed names and day numbers (idempotent).
- `timeline(roster)`: per account, the consecutive segments of days with one status and owner.
- `owners(roster, platform, account, when)`: owner and status for many rows at once (posts by publish time, daily
  follower rows by date); `owner_on` gives only the owner.
- `holdings(roster, period)`: the holding intervals per (platform, account, operator), clipped to the period.
- `days_held(roster, period)`: per (platform, account, operator): days held in the period, days in the period, share.
- `person_days(roster, period)`: per operator: days on which the person held at least one account, and the share of
  the period (for pro-rating a person's count targets).
- `conflicts(roster, period=None)`: one row per pair of roster rows that give one account to two people on the same
  days, with both rows' source file and row, and the overlapping days.
- `active_people(roster, period)`: names holding at least one account on at least one day of the period.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .periods import TZ, Period
from .platforms import name_key, platform_codes

ACCOUNT = ["platform", "account"]
OPEN_START = -(10 ** 7)          # day numbers (days since 1970-01-01); a blank start/end is open
OPEN_END = 10 ** 7
_DAY_NS = 86_400 * 10 ** 9
_MONTH_RE = re.compile(r"^(\d{4})-(\d{2})(?:[/\\]|$)")

# statuses of a (platform, account, day)
HELD, CONFLICT, VACANT, NOT_IN_ROSTER, NO_DATE = "held", "conflict", "vacant", "not_in_roster", "no_date"

SEGMENTS = {"platform": "string", "account": "string", "_key": "string", "seg_start": "int64", "seg_end": "int64",
            "status": "string", "operator": "string", "holders": "object", "rows": "object", "covered": "bool"}


# ----- inputs -------------------------------------------------------------------------------------------------------

def day_numbers(values) -> np.ndarray:
    """Calendar days (Beijing time) as int64 days since 1970-01-01; missing → OPEN_START − 1 (never inside a range).

    Timezone-aware timestamps are converted to Beijing time first; naive ones and dates are taken as Beijing days."""
    s = values if isinstance(values, pd.Series) else pd.Series(values)
    if not pd.api.types.is_datetime64_any_dtype(s.dtype):
        s = pd.to_datetime(s, errors="coerce")
    if getattr(s.dt, "tz", None) is not None:
        s = s.dt.tz_convert(TZ).dt.tz_localize(None)
    ns = s.to_numpy(dtype="datetime64[ns]").astype("int64")
    na = s.isna().to_numpy()
    days = np.floor_divide(ns, _DAY_NS)
    return np.where(na, OPEN_START - 1, days).astype("int64")


def day_timestamp(day: int) -> pd.Timestamp:
    """A day number back as a naive midnight timestamp (NaT for the open ends)."""
    if day <= OPEN_START or day >= OPEN_END:
        return pd.NaT
    return pd.Timestamp(int(day) * _DAY_NS)


def _month_number(text) -> float:
    if text is None or (not isinstance(text, str) and pd.isna(text)):
        return np.nan
    m = _MONTH_RE.match(str(text).strip())
    return float(int(m.group(1)) * 12 + int(m.group(2)) - 1) if m else np.nan


def _first_day_of_month(month_number: int) -> int:
    y, m = divmod(int(month_number), 12)
    return int(np.datetime64(f"{y:04d}-{m + 1:02d}-01", "D").astype("int64"))


def _month_of_days(days: np.ndarray) -> np.ndarray:
    d = np.clip(days, -(10 ** 6), 10 ** 6).astype("datetime64[D]")
    ym = d.astype("datetime64[M]").astype("int64")              # months since 1970-01
    return ym + 1970 * 12


def prepare(roster: pd.DataFrame | None) -> pd.DataFrame:
    """The roster as this module reads it (idempotent): platform codes (any accepted spelling), trimmed account and
    name, `_key` (the account compared ignoring case, width and spaces), `_start` / `_end` day numbers (open ends as
    OPEN_START / OPEN_END), `_rmonth` (the roster's month, NaN when unknown), `_ref` (“file 第 N 行”) and `_valid`
    (a known platform and an account: only such rows can own an export or be in conflict; the others still keep the
    person on the roster for active_people, and clean reports them). Rows with neither a name nor an account are
    left out."""
    cols = ["name", "platform", "account", "start_date", "end_date", "source_file", "source_row"]
    if roster is None or roster.empty:
        out = pd.DataFrame({c: pd.Series(dtype="object") for c in cols})
        for c, t in {"_key": "string", "_start": "int64", "_end": "int64", "_rmonth": "float64", "_ref": "string",
                     "_valid": "bool"}.items():
            out[c] = pd.Series(dtype=t)
        return out
    if "_key" in roster.columns and "_start" in roster.columns:
        return roster
    r = roster.copy()
    for c in cols:
        if c not in r.columns:
            r[c] = pd.NA
    raw = r["platform"].astype("string").str.strip()
    code = platform_codes(r["platform"])
    r["account"] = r["account"].astype("string").str.strip().fillna("")
    r["name"] = r["name"].astype("string").str.strip().replace("", pd.NA)
    r["_valid"] = (code.notna() & (r["account"] != "")).to_numpy()
    r["platform"] = code.fillna(raw).fillna("")
    r = r[r["name"].notna() | (r["account"] != "")].copy()
    r["_key"] = r["account"].map(name_key).astype("string")
    start = day_numbers(r["start_date"])
    end = day_numbers(r["end_date"])
    r["_start"] = np.where(start < OPEN_START, OPEN_START, start)
    r["_end"] = np.where(end < OPEN_START, OPEN_END, end)
    if "roster_month" in r.columns:
        month_src = r["roster_month"]
    elif "_month" in r.columns:
        month_src = r["_month"]
    else:
        month_src = r["source_file"]
    r["_rmonth"] = [_month_number(x) for x in month_src.tolist()]
    r["_ref"] = [row_ref(f, n) for f, n in zip(r["source_file"].tolist(), r["source_row"].tolist())]
    r["_ref"] = r["_ref"].astype("string")
    return r.reset_index(drop=True)


def row_ref(source_file, source_row) -> str:
    """“花名册.xlsx 第 3 行”: how a message names a roster row."""
    if source_file is None or pd.isna(source_file):
        return "花名册" if source_row is None or pd.isna(source_row) else f"花名册第 {int(source_row)} 行"
    return f"{source_file} 第 {int(source_row)} 行" if source_row is not None and not pd.isna(source_row) \
        else str(source_file)


# ----- the timeline -------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Row:
    start: int
    end: int
    name: str | None
    rmonth: float
    rid: int


def _account_segments(rows: list[_Row]) -> list[tuple[int, int, str, str | None, tuple, tuple, bool]]:
    """(start, end, status, operator, holders, conflicting rows, covered by any row) covering OPEN_START..OPEN_END for
    one account."""
    months = sorted({int(r.rmonth) for r in rows if not np.isnan(r.rmonth)})
    bounds = {OPEN_START}
    for r in rows:
        if r.end >= r.start:
            bounds.add(max(r.start, OPEN_START))
            if r.end < OPEN_END:
                bounds.add(r.end + 1)
    gov_starts = [_first_day_of_month(m) for m in months]
    bounds.update(gov_starts[1:])
    edges = sorted(b for b in bounds if b < OPEN_END)
    segs: list[tuple[int, int, str, str | None, tuple, tuple, bool]] = []
    for i, s in enumerate(edges):
        e = edges[i + 1] - 1 if i + 1 < len(edges) else OPEN_END
        if months:
            k = int(np.searchsorted(gov_starts, s, side="right")) - 1
            gm = months[max(k, 0)]
            active = [r for r in rows if np.isnan(r.rmonth) or int(r.rmonth) == gm]
        else:
            active = rows
        cover = [r for r in active if r.start <= s <= r.end]
        names = tuple(sorted({r.name for r in cover if r.name is not None}))
        if len(names) == 1:
            seg = (s, e, HELD, names[0], names, (), True)
        elif names:
            seg = (s, e, CONFLICT, None, names, tuple(sorted({r.rid for r in cover if r.name is not None})), True)
        else:
            seg = (s, e, VACANT, None, (), (), bool(cover))
        if segs and segs[-1][2:] == seg[2:] and segs[-1][1] + 1 == s:
            segs[-1] = (segs[-1][0], e, *seg[2:])
        else:
            segs.append(seg)
    return segs


_CACHE: dict[bytes, pd.DataFrame] = {}
_CACHE_SIZE = 16


def _fingerprint(roster: pd.DataFrame | None) -> bytes:
    """A digest of the roster columns the rule reads (the same roster gives the same timeline)."""
    if roster is None or roster.empty:
        return b""
    cols = [c for c in ["name", "platform", "account", "start_date", "end_date", "source_file", "source_row",
                        "roster_month", "_month"] if c in roster.columns]
    h = pd.util.hash_pandas_object(roster[cols].astype("string"), index=False).to_numpy()
    return hashlib.blake2b(h.tobytes() + "|".join(cols).encode(), digest_size=16).digest()


def timeline(roster: pd.DataFrame | None) -> pd.DataFrame:
    """See _timeline; computed once per distinct roster (a small cache keyed by the roster's content; callers never
    modify the returned frame)."""
    key = _fingerprint(roster)
    hit = _CACHE.get(key)
    if hit is None:
        hit = _timeline(roster)
        if len(_CACHE) >= _CACHE_SIZE:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[key] = hit
    return hit


def _timeline(roster: pd.DataFrame | None) -> pd.DataFrame:
    """Per account (platform, account, `_key`), consecutive day segments `seg_start`..`seg_end` (inclusive day
    numbers; together they cover every day) with `status` held / vacant / conflict, `operator` (the holder, null
    otherwise), `holders` (the names covering the segment), `rows` (for a conflict: the positions in prepare(roster)
    of the rows covering it) and `covered` (some roster row covers it, even one without a name)."""
    r = prepare(roster)
    out = []
    if not r.empty:
        names = r["name"].astype(object).where(r["name"].notna(), None).tolist()
        by: dict[tuple, list[_Row]] = {}
        first: dict[tuple, str] = {}
        for rid, (plat, acc, key, s, e, n, m) in enumerate(zip(
                r["platform"].tolist(), r["account"].tolist(), r["_key"].tolist(), r["_start"].tolist(),
                r["_end"].tolist(), names, r["_rmonth"].tolist())):
            k = (plat, key)
            by.setdefault(k, []).append(_Row(int(s), int(e), n, float(m), rid))
            first.setdefault(k, acc)
        for (plat, key), rows in by.items():
            for s, e, st, op, holders, refs, covered in _account_segments(rows):
                out.append((plat, first[(plat, key)], key, s, e, st, op, holders, refs, covered))
    seg = pd.DataFrame(out, columns=list(SEGMENTS))
    return seg.astype({k: v for k, v in SEGMENTS.items() if v != "object"})


# ----- attribution --------------------------------------------------------------------------------------------------

def owners(roster: pd.DataFrame | None, platform: pd.Series, account: pd.Series, when) -> pd.DataFrame:
    """The owner of (platform, account) on each row's day, vectorised; index as `platform`'s.

    `when`: timestamps (a post's `published_at`, converted to its Beijing day) or dates (account_daily's `date`).
    Returns `operator` (null unless `ownership` is held) and `ownership`: held / conflict (several people on that day,
    nothing attributed) / vacant (in the roster, nobody that day) / not_in_roster / no_date (the row has no date and
    the account had more than one holder, so the day cannot be told); `holders`: the names on the roster that day,
    joined with 、 (several for a conflict).

    One searchsorted over the roster's segments for all rows; each distinct (platform, account) is looked up once
    and the result columns are taken from the segments' own small arrays (a million posts in about a second)."""
    idx = platform.index
    n = len(idx)
    seg = timeline(roster)
    s_n = len(seg)
    # the answers: every segment, then "not in roster" and "no date"
    vocab = {
        "operator": pd.array([*seg["operator"].astype(object).where(seg["operator"].notna(), None), None, None],
                             dtype="string"),
        "ownership": pd.array([*seg["status"].astype(object), NOT_IN_ROSTER, NO_DATE], dtype="string"),
        "holders": pd.array([*("、".join(h) or None for h in seg["holders"]), None, None], dtype="string"),
    }
    k = np.full(n, s_n, dtype="int64")                         # default: not in the roster
    if n and s_n:
        accs = seg[["platform", "_key"]].drop_duplicates().reset_index(drop=True)
        acc_id = {(p, key): i for i, (p, key) in enumerate(zip(accs["platform"].tolist(), accs["_key"].tolist()))}
        p_codes, p_uniq = pd.factorize(platform.astype("string"), use_na_sentinel=True)
        a_codes, a_uniq = pd.factorize(account.astype("string"), use_na_sentinel=True)
        pair = np.where((p_codes >= 0) & (a_codes >= 0), p_codes.astype("int64") * (len(a_uniq) + 1) + a_codes, -1)
        pair_codes, pair_uniq = pd.factorize(pair)
        p_list, a_list = list(p_uniq), list(a_uniq)
        ids = np.array([-1 if v < 0 else acc_id.get((p_list[v // (len(a_uniq) + 1)],
                                                      name_key(a_list[v % (len(a_uniq) + 1)])), -1)
                        for v in pair_uniq.tolist()], dtype="int64")
        row_acc = ids[pair_codes]
        day = day_numbers(when if isinstance(when, pd.Series) else pd.Series(when, index=idx))
        seg_acc = np.array([acc_id[(p, key)] for p, key in zip(seg["platform"].tolist(), seg["_key"].tolist())],
                           dtype="int64")
        span = np.int64(OPEN_END - OPEN_START + 2)
        seg_key = seg_acc * span + (seg["seg_start"].to_numpy() - OPEN_START)
        order = np.argsort(seg_key, kind="stable")
        seg_key = seg_key[order]
        known = row_acc >= 0
        dated = day >= OPEN_START
        q = np.where(known & dated, row_acc * span + (day - OPEN_START), -1)
        pos = np.searchsorted(seg_key, q, side="right") - 1
        hit = known & dated & (pos >= 0)
        k[hit] = order[pos[hit]]
        # no date: the account's only holder ever (any of its held segments answers), else "no date"
        undated = known & ~dated
        if undated.any():
            st = seg["status"].to_numpy(dtype=object)
            ops = seg["operator"].astype(object).to_numpy()
            names: dict[int, set] = {}
            first_held: dict[int, int] = {}
            for i, (a, status) in enumerate(zip(seg_acc.tolist(), st.tolist())):
                if status == HELD:
                    names.setdefault(a, set()).add(ops[i])
                    first_held.setdefault(a, i)
                elif status == CONFLICT:
                    names.setdefault(a, set()).update({None, "\0"})
            answer = np.array([first_held[a] if len(names.get(a, ())) == 1 else s_n + 1 for a in range(len(accs))],
                              dtype="int64")
            k[undated] = answer[row_acc[undated]]
    return pd.DataFrame({c: v.take(k) for c, v in vocab.items()}, index=idx)


def owner_on(roster: pd.DataFrame | None, platform: pd.Series, account: pd.Series, when) -> pd.Series:
    """Only the `operator` column of owners(): the holder on each row's day, null when nobody or several held it."""
    return owners(roster, platform, account, when)["operator"]


# ----- per period ---------------------------------------------------------------------------------------------------

def _period_days(period: Period | str) -> tuple[int, int]:
    p = period if isinstance(period, Period) else Period.parse(period)
    first = int(day_numbers(pd.Series([p.start]))[0])
    return first, first + p.days - 1


def clipped(roster: pd.DataFrame | None, period: Period | str) -> pd.DataFrame:
    """timeline() clipped to the period: every segment that touches it, with `start` / `end` (naive midnight
    timestamps, inclusive) and `days`."""
    lo, hi = _period_days(period)
    seg = timeline(roster)
    s = seg[(seg["seg_end"] >= lo) & (seg["seg_start"] <= hi)].copy()
    s["seg_start"] = s["seg_start"].clip(lower=lo)
    s["seg_end"] = s["seg_end"].clip(upper=hi)
    s["days"] = (s["seg_end"] - s["seg_start"] + 1).astype("int64")
    s["start"] = pd.to_datetime(s["seg_start"].to_numpy() * _DAY_NS)
    s["end"] = pd.to_datetime(s["seg_end"].to_numpy() * _DAY_NS)
    return s.reset_index(drop=True)


def holdings(roster: pd.DataFrame | None, period: Period | str) -> pd.DataFrame:
    """The holding intervals per (platform, account, operator) inside the period: platform, account, operator,
    start, end (inclusive, naive midnight), days. An interval broken only by a roster-month boundary is one interval."""
    s = clipped(roster, period)
    s = s[s["status"] == HELD]
    cols = ["platform", "account", "operator", "start", "end", "days"]
    if s.empty:
        return pd.DataFrame({"platform": pd.Series(dtype="string"), "account": pd.Series(dtype="string"),
                             "operator": pd.Series(dtype="string"), "start": pd.Series(dtype="datetime64[ns]"),
                             "end": pd.Series(dtype="datetime64[ns]"), "days": pd.Series(dtype="int64")})
    s = s.sort_values(["platform", "_key", "seg_start"], kind="stable")
    # segments of one person that touch (e.g. split by a roster month) merge
    prev_same = (s["platform"].eq(s["platform"].shift()) & s["_key"].eq(s["_key"].shift())
                 & s["operator"].eq(s["operator"].shift()) & s["seg_start"].eq(s["seg_end"].shift() + 1))
    grp = (~prev_same.fillna(False).astype(bool)).cumsum()
    g = s.groupby(grp, sort=False)
    out = pd.DataFrame({"platform": g["platform"].first(), "account": g["account"].first(),
                        "operator": g["operator"].first(), "seg_start": g["seg_start"].min(),
                        "seg_end": g["seg_end"].max()})
    out["start"] = pd.to_datetime(out["seg_start"].to_numpy() * _DAY_NS)
    out["end"] = pd.to_datetime(out["seg_end"].to_numpy() * _DAY_NS)
    out["days"] = (out["seg_end"] - out["seg_start"] + 1).astype("int64")
    return out[cols].astype({"platform": "string", "account": "string", "operator": "string"}).reset_index(drop=True)


def days_held(roster: pd.DataFrame | None, period: Period | str) -> pd.DataFrame:
    """Per (platform, account, operator) holding the account on at least one day of the period:
    `days_held`, `period_days` and `share` = days_held / period_days. Per account the shares sum to ≤ 1 (less when some
    days were vacant or in conflict). Use it to pro-rate an account's count target (e.g. posts per month) to each
    holder."""
    p = period if isinstance(period, Period) else Period.parse(period)
    h = holdings(roster, p)
    g = h.groupby(["platform", "account", "operator"], sort=True)["days"].sum().rename("days_held").reset_index()
    g["days_held"] = g["days_held"].astype("int64")
    g["period_days"] = np.int64(p.days)
    g["share"] = (g["days_held"] / p.days).astype("float64")
    return g.astype({"platform": "string", "account": "string", "operator": "string"})


def person_days(roster: pd.DataFrame | None, period: Period | str) -> pd.DataFrame:
    """Per operator holding anything in the period: `days_held` (days on which the person held at least one account;
    two accounts on the same day count once), `period_days` and `share` (0–1). Use it to pro-rate a person's count
    target: a mid-month joiner who held accounts on 16 of 31 days owes 16/31 of the month's posts."""
    p = period if isinstance(period, Period) else Period.parse(period)
    h = holdings(roster, p)
    rows = []
    for name, g in h.groupby("operator", sort=True):
        days: set[int] = set()
        for s, e in zip(g["start"], g["end"]):
            days.update(range(int(s.value // _DAY_NS), int(e.value // _DAY_NS) + 1))
        rows.append((name, len(days)))
    out = pd.DataFrame(rows, columns=["operator", "days_held"]).astype({"operator": "string", "days_held": "int64"})
    out["period_days"] = np.int64(p.days)
    out["share"] = (out["days_held"] / p.days).astype("float64")
    return out


def active_people(roster: pd.DataFrame | None, period: Period | str) -> list[str]:
    """Names holding an account on at least one day of the period, in roster order. A person whose only days in the
    period are in conflict is included (they are on the roster for the period; their posts on those days are not
    attributed to anyone until the roster is fixed)."""
    r = prepare(roster)
    s = clipped(r, period)
    on = set()
    for holders in s.loc[s["status"].isin([HELD, CONFLICT]), "holders"]:
        on.update(holders)
    names = r["name"].dropna().astype(str).tolist()
    return [n for n in dict.fromkeys(names) if n in on]


def conflicts(roster: pd.DataFrame | None, period: Period | str | None = None) -> pd.DataFrame:
    """Pairs of roster rows that give one account to two different people on the same days (within the period when
    given): platform, account, operator_a, row_a, operator_b, row_b (references “file 第 N 行”), first_day, last_day
    (naive midnight timestamps; NaT for an open end) and days (null when open-ended)."""
    r = prepare(roster)
    r = r[r["_valid"]].reset_index(drop=True)
    seg = timeline(r) if period is None else clipped(r, period)
    c = seg[seg["status"] == CONFLICT]
    cols = ["platform", "account", "operator_a", "row_a", "operator_b", "row_b", "first_day", "last_day", "days"]
    if c.empty:
        return pd.DataFrame({k: pd.Series(dtype=t) for k, t in zip(cols, ["string"] * 6 + ["datetime64[ns]"] * 2 + ["Int64"])})
    names, refs = r["name"].astype(object).tolist(), r["_ref"].astype(object).tolist()
    found: dict[tuple, list[int]] = {}
    for plat, acc, s, e, rids in zip(c["platform"], c["account"], c["seg_start"], c["seg_end"], c["rows"]):
        for i, ra in enumerate(rids):
            for rb in rids[i + 1:]:
                if names[ra] == names[rb]:
                    continue
                k = (plat, acc, ra, rb)
                lo, hi = found.get(k, [int(s), int(e)])
                found[k] = [min(lo, int(s)), max(hi, int(e))]
    rows = []
    for (plat, acc, ra, rb), (s, e) in found.items():
        open_ = s <= OPEN_START or e >= OPEN_END
        rows.append((plat, acc, names[ra], refs[ra], names[rb], refs[rb], day_timestamp(s), day_timestamp(e),
                     None if open_ else e - s + 1))
    out = pd.DataFrame(rows, columns=cols)
    return out.astype({**{k: "string" for k in cols[:6]}, "first_day": "datetime64[ns]", "last_day": "datetime64[ns]",
                       "days": "Int64"}).sort_values(["platform", "account", "row_a", "row_b"]).reset_index(drop=True)


def whole_months(account_month: pd.DataFrame) -> pd.DataFrame:
    """account_month (one row per holder and month) folded back to one row per (platform, account, month), whoever
    held it: the account's own month for its baselines (trailing medians for targets and viral standards). Start is
    the earliest stretch's start (by `first_day`), end the end of the stretch that ends last (by `last_day`; row order
    where the table has neither), gained / lost / net summed (each holder's stretch starts where the previous one
    ended, so the nets add up to the month's end − start), growth rate = net ÷ start. Other columns are dropped."""
    keys = ["platform", "account", "month"]
    cols = keys + ["followers_start", "followers_end", "followers_gained", "followers_lost", "net_growth", "growth_rate"]
    if account_month is None or account_month.empty:
        return pd.DataFrame({c: pd.Series(dtype="object" if c in keys else "float64") for c in cols})
    am = account_month
    num = {c: pd.to_numeric(am[c], errors="coerce").astype("float64") if c in am.columns
           else pd.Series(np.nan, index=am.index) for c in cols[3:-1]}
    d = pd.DataFrame({**{k: am[k] for k in keys}, **num})
    d["_i"] = np.arange(len(d))
    d["_o"] = pd.to_datetime(am["first_day"], errors="coerce") if "first_day" in am.columns else pd.NaT
    d["_z"] = pd.to_datetime(am["last_day"], errors="coerce") if "last_day" in am.columns else d["_o"]
    g = d.sort_values(keys + ["_o", "_i"], kind="stable", na_position="last").groupby(keys, sort=False, dropna=False)
    # the end: the holder row whose stretch ends last (a row of nobody's days may start first and end last)
    last = d.sort_values(keys + ["_z", "_i"], kind="stable", na_position="first").groupby(keys, sort=False, dropna=False)
    out = pd.DataFrame({
        "followers_start": g["followers_start"].first(),  # first non-null in stretch order
        "followers_end": last["followers_end"].last(),
        "followers_gained": g["followers_gained"].sum(min_count=1),
        "followers_lost": g["followers_lost"].sum(min_count=1),
        "net_growth": g["net_growth"].sum(min_count=1),
    })
    ok = out["net_growth"].notna() & (out["followers_start"] > 0)
    out["growth_rate"] = (out["net_growth"] / out["followers_start"]).where(ok)
    return out.reset_index()[cols]


__all__ = ["HELD", "CONFLICT", "VACANT", "NOT_IN_ROSTER", "NO_DATE", "OPEN_START", "OPEN_END", "day_numbers",
           "prepare", "row_ref", "timeline", "owners", "owner_on", "clipped", "holdings", "days_held", "person_days",
           "active_people", "conflicts", "whole_months"]
