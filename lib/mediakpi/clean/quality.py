"""Follower growth per account and month, the ingest manifest as notes, and the per-account data-quality summary."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .. import catalog, ownership
from ..periods import Period
from ..labels import label
from ..catalog import empty
from .period import day_text
from .records import account_subject, note

ACCOUNT = ["platform", "account"]

# the schemas of account_month and data_quality live in the catalog
ACCOUNT_MONTH = catalog.ACCOUNT_MONTH
DATA_QUALITY = catalog.DATA_QUALITY


# ---------------------------------------------------------------- account_month
def _daily_rows(d: pd.DataFrame, months: list[str]) -> pd.DataFrame:
    """Stretches of account_daily: one per account, month and consecutive run of days with the same owner (operator
    and ownership status), with start (the account's last total on an earlier day, from any file; else the first
    day's total minus that day's net change), end (the last total), gained, lost, net (end − start, else gained −
    lost), days with data, first and last day. Vectorised over all accounts at once."""
    d = d[d["platform"].notna() & d["account"].notna()]
    if d.empty:
        return pd.DataFrame()
    d = d.sort_values(ACCOUNT + ["date"], kind="stable").reset_index(drop=True)
    n = len(d)
    pos = np.arange(n)
    tot = pd.to_numeric(d["followers_total"], errors="coerce").astype("float64").to_numpy()
    gained = pd.to_numeric(d["followers_gained"], errors="coerce").astype("float64").to_numpy()
    lost = pd.to_numeric(d["followers_lost"], errors="coerce").astype("float64").to_numpy()
    net_col = (pd.to_numeric(d["net_growth"], errors="coerce").astype("float64").to_numpy()
               if "net_growth" in d.columns else np.full(n, np.nan))
    # which follower figures the files gave (before anything is derived): the source named in the explanation
    given = {c: ~np.isnan(v) for c, v in (("followers_total", tot), ("followers_gained", gained),
                                          ("followers_lost", lost), ("net_growth", net_col))}
    # a day's net: as exported (Douyin 净增粉丝, Xiaohongshu 净涨粉, WeChat 净增关注人数), else gained − lost;
    # a day's gains: as exported, else net + lost (Douyin gives 净增 and 取关, not 新增)
    day_net = np.where(~np.isnan(net_col), net_col, gained - np.nan_to_num(lost, nan=0.0))
    gained = np.where(np.isnan(gained) & ~np.isnan(net_col) & ~np.isnan(lost), net_col + lost, gained)
    acc = d.groupby(ACCOUNT, sort=False).ngroup().to_numpy()
    date = d["date"].to_numpy()
    new_acc = np.r_[True, acc[1:] != acc[:-1]]
    acc_start = np.maximum.accumulate(np.where(new_acc, pos, 0))
    new_day = new_acc | np.r_[True, date[1:] != date[:-1]]
    day_start = np.maximum.accumulate(np.where(new_day, pos, 0))
    valid = ~np.isnan(tot)
    last_valid = np.maximum.accumulate(np.where(valid, pos, -1))   # last row with a total, up to each row

    m = d["month"].isin(months).to_numpy()
    mp = pos[m]                                                     # rows in the period's months, in order
    if not len(mp):
        return pd.DataFrame()
    month = d["month"].to_numpy(dtype=object)[mp]
    op = d["operator"].astype(object).where(d["operator"].notna(), "\0").to_numpy(dtype=object)[mp]
    own = d["ownership"].astype(object).fillna("").to_numpy(dtype=object)[mp]
    acc_m = acc[mp]
    new_am = np.r_[True, (acc_m[1:] != acc_m[:-1]) | (month[1:] != month[:-1])]
    new_seg = new_am | np.r_[True, (op[1:] != op[:-1]) | (own[1:] != own[:-1])]   # runs of the same owner
    seg = np.cumsum(new_seg) - 1

    f = mp[new_seg]                                                 # first row of each stretch
    # start: the last total on an earlier date of the account; else back out the first total of the stretch
    before = day_start[f] - 1
    lv = np.where(before >= acc_start[f], last_valid[np.maximum(before, 0)], -1)
    prior = np.where((lv >= acc_start[f]) & (lv >= 0), tot[np.maximum(lv, 0)], np.nan)
    prior_day = np.where(~np.isnan(prior), date[np.maximum(lv, 0)], np.datetime64("NaT"))
    frame = pd.DataFrame({"seg": seg, "tot": tot[mp], "g": gained[mp], "l": lost[mp], "n": day_net[mp],
                          "date": date[mp], **{f"_{c}": v[mp] for c, v in given.items()}})
    vt = frame[~np.isnan(frame["tot"].to_numpy())]
    first_v = vt.drop_duplicates("seg", keep="first").set_index("seg").reindex(range(len(f)))
    last_v = vt.drop_duplicates("seg", keep="last").set_index("seg")["tot"].reindex(range(len(f))).to_numpy()
    backed = (first_v["tot"] - first_v["n"].fillna(0)).to_numpy()
    start = np.where(~np.isnan(prior), prior, backed)
    grp = frame.groupby("seg", sort=True)
    g = grp["g"].sum(min_count=1).to_numpy()
    lo = grp["l"].sum(min_count=1).to_numpy()
    ns = grp["n"].sum(min_count=1).to_numpy()
    net = np.where(~np.isnan(start) & ~np.isnan(last_v), last_v - start, ns)
    # the days the net spans: from the day after the prior total (or the stretch's first day) to its last day
    first_day, last_day = grp["date"].min().to_numpy(), grp["date"].max().to_numpy()
    from_day = np.where(~np.isnan(prior), prior_day.astype("datetime64[ns]") + np.timedelta64(1, "D"), first_day)
    net_days = ((last_day - from_day) / np.timedelta64(1, "D")).astype(float) + 1
    had = grp[[f"_{c}" for c in given]].any()
    src = [",".join(c for c in given if row[f"_{c}"]) for row in had.to_dict("records")]
    return pd.DataFrame({
        "platform": d["platform"].to_numpy(dtype=object)[f], "account": d["account"].to_numpy(dtype=object)[f],
        "operator": d["operator"].to_numpy(dtype=object)[f], "month": month[new_seg], "ownership": own[new_seg],
        "followers_start": start, "followers_end": last_v, "followers_gained": g, "followers_lost": lo,
        "net_growth": net, "days": grp["date"].nunique().to_numpy(), "first_day": first_day,
        "last_day": last_day, "source_columns": src, "net_days": net_days})


def _per_holder(stretches: pd.DataFrame) -> pd.DataFrame:
    """Stretches folded to one row per (platform, account, month, operator): start of the first stretch, end of the
    last, gained / lost / net summed over the holder's stretches (so a holder who held the account twice in a month
    is credited with each stretch's own growth, not with the other holder's days in between)."""
    s = stretches.assign(_op=stretches["operator"].astype(object).where(stretches["operator"].notna(), "\0"))
    s = s.sort_values(ACCOUNT + ["month", "first_day"], kind="stable")
    g = s.groupby(ACCOUNT + ["month", "_op"], sort=False)
    out = pd.DataFrame({
        "operator": g["operator"].first(), "ownership": g["ownership"].agg(_ownership_of),
        "followers_start": g["followers_start"].first(), "followers_end": g["followers_end"].last(),
        "followers_gained": g["followers_gained"].sum(min_count=1), "followers_lost": g["followers_lost"].sum(min_count=1),
        "net_growth": g["net_growth"].sum(min_count=1), "days": g["days"].sum(),
        "first_day": g["first_day"].min(), "last_day": g["last_day"].max(), "_runs": g.size(),
        "source_columns": g["source_columns"].agg(_joined_columns), "net_days": g["net_days"].sum(min_count=1),
    }).reset_index().drop(columns="_op")
    runs = out.groupby(ACCOUNT + ["month"])["_runs"].transform("sum")
    with np.errstate(divide="ignore", invalid="ignore"):
        ok = out["net_growth"].notna() & out["followers_start"].notna() & (out["followers_start"] > 0)
        out["growth_rate"] = (out["net_growth"] / out["followers_start"]).where(ok)
    out["source"] = "account_daily"
    out["source_detail"] = [follower_source_text(p, c) for p, c in zip(out["platform"], out["source_columns"])]
    out["coverage"] = [coverage_note(m, dy, a, b) if r == 1 else None
                       for m, dy, a, b, r in zip(out["month"], out["days"], out["first_day"], out["last_day"], runs)]
    out["note"] = out["coverage"]
    return out.drop(columns="_runs")


FOLLOWER_COLUMNS = ("followers_total", "followers_gained", "followers_lost", "net_growth")


def _joined_columns(values: pd.Series) -> str:
    have = set(",".join(v for v in values if isinstance(v, str)).split(","))
    return ",".join(c for c in FOLLOWER_COLUMNS if c in have)


def follower_source_text(platform: str, columns: str | None) -> str:
    """Which account-file figures a row of account_month rests on, in words (`抖音账号数据文件：粉丝总数、取关、净增粉丝`):
    the source named by 粉丝增长率 and 用户留存率."""
    from ..labels import label

    cols = [c for c in (columns or "").split(",") if c]
    names = "、".join(label(f"ingest.column.{c}") for c in cols) or label("quality.follower_source.none")
    return label("quality.follower_source.account_files").replace("{platform}", label(f"platform.{platform}")) \
        .replace("{columns}", names)


def coverage_note(month: str, days: int, first, last) -> str | None:
    """`账号数据文件只覆盖 10月2日至10月31日（30/31 天）…` when the account files cover part of the month; None when whole."""
    from ..labels import label

    p = Period.parse(month)
    whole = int((p.end - p.start) / pd.Timedelta(days=1))
    if days >= whole or pd.isna(first) or pd.isna(last):
        return None
    a, b = pd.Timestamp(first), pd.Timestamp(last)
    return (label("quality.follower_coverage.partial").replace("{first}", f"{a.month}月{a.day}日")
            .replace("{last}", f"{b.month}月{b.day}日").replace("{days}", str(int(days))).replace("{whole}", str(whole)))


def _ownership_of(values: pd.Series) -> str:
    """One word for a holder row's stretches: held, or for the nobody row conflict (if any day was) / vacant /
    not_in_roster."""
    v = set(values.dropna().tolist()) - {""}
    for word in (ownership.HELD, ownership.CONFLICT, ownership.VACANT, ownership.NOT_IN_ROSTER, ownership.NO_DATE):
        if word in v:
            return word
    return ""


OWNERSHIP_NOTES = {
    ownership.CONFLICT: "花名册在这些天把账号同时分给了多人：这些天的粉丝变化不计入任何人，请修正花名册",
    ownership.VACANT: "花名册中这些天没有人负责该账号：这些天的粉丝变化不计入任何人",
}


def _holder_days(roster: pd.DataFrame | None, months: list[str]) -> pd.DataFrame:
    """Per (platform, account, month, operator): days the roster gives that person (ownership.days_held), and for
    operator null the days of the month nobody held it (vacant or in conflict)."""
    parts = []
    if roster is None or roster.empty:
        return pd.DataFrame(columns=ACCOUNT + ["month", "operator", "days_held"])
    for month in months:
        held = ownership.days_held(roster, month)[ACCOUNT + ["operator", "days_held"]]
        seg = ownership.clipped(roster, month)
        nobody = seg[seg["status"] != ownership.HELD].groupby(ACCOUNT, sort=False)["days"].sum()
        nobody = nobody[nobody > 0].rename("days_held").reset_index().assign(operator=pd.NA)
        parts += [held.assign(month=month), nobody.assign(month=month)]
    out = pd.concat([p for p in parts if not p.empty], ignore_index=True) if any(not p.empty for p in parts) \
        else pd.DataFrame(columns=ACCOUNT + ["month", "operator", "days_held"])
    return out.astype({"platform": "string", "account": "string", "month": "string", "operator": "string"})


def prior_totals(daily: pd.DataFrame, before: pd.Timestamp) -> pd.DataFrame:
    """Each account's last followers_total on a day before `before` (a previous month's account_daily): the rows
    account_month needs so that a month's growth starts from the previous day's total where any file has it."""
    if daily is None or daily.empty or "followers_total" not in daily.columns:
        return pd.DataFrame(columns=ACCOUNT + ["date", "followers_total"])
    d = daily[ACCOUNT + ["date", "followers_total"]].copy()
    d["date"] = pd.to_datetime(d["date"], errors="coerce")
    cut = before.tz_localize(None) if before.tzinfo is not None else before
    d = d[d["date"].notna() & (d["date"] < cut) & d["followers_total"].notna()]
    return d.sort_values(ACCOUNT + ["date"], kind="stable").drop_duplicates(ACCOUNT, keep="last").reset_index(drop=True)


def account_month(posts: pd.DataFrame, daily: pd.DataFrame, period: str | Period,
                  accounts: pd.DataFrame | None = None, roster: pd.DataFrame | None = None,
                  prior: pd.DataFrame | None = None) -> pd.DataFrame:
    """Followers per account, month and holder: one row per (platform, account, month, operator).

    With a `roster`, each account_daily day belongs to the person holding the account that day (ownership.owners);
    days nobody held (vacant, or given to two people: a conflict) form a row with operator null, so that the rows of
    an account-month add up to the account's month and nothing is lost. `days_held` is the roster's days for the
    holder (for the null row: the days nobody held it), `days` the days with data, `first_day` / `last_day` the
    holder's first and last day with data, `ownership` held / vacant / conflict / not_in_roster.

    From `account_daily` where the account has rows in that month (`source` = account_daily): each holder's start is
    the account's total at the end of the day before the holder's first day, from any file (this month's exports, or
    `prior`: the previous month's last totals, see prior_totals); when no file has an earlier total, the first day's
    total minus that day's net change. Gained / lost / net are over the holder's own days. Otherwise from the posts
    published in that month (`source` = posts: the sum of followers gained via posts, by the posts' operator, without
    start/end, so no growth rate); accounts in `accounts` (e.g. the roster) with neither get a row per holder with
    `source` = none. An account's own whole month (for its baselines): ownership.whole_months.
    """
    p = period if isinstance(period, Period) else Period.parse(period)
    parts = []
    have: set = set()
    d = daily.copy() if daily is not None else empty({})
    if not d.empty:
        if prior is not None and not prior.empty:
            d = pd.concat([prior.assign(_prior=True), d], ignore_index=True)
        d["date"] = pd.to_datetime(d["date"], errors="coerce")
        d = d[d["date"].notna()]
        d["month"] = d["date"].dt.strftime("%Y-%m")
        if "operator" not in d.columns:
            d["operator"] = pd.NA
        if roster is not None and not roster.empty:
            who = ownership.owners(roster, d["platform"], d["account"], d["date"])
            d["operator"], d["ownership"] = who["operator"], who["ownership"]
        else:
            d["ownership"] = pd.NA
        stretches = _daily_rows(d, p.months)
        if not stretches.empty:
            parts.append(_per_holder(stretches))
            have = set(zip(stretches["platform"], stretches["account"], stretches["month"]))
    if posts is not None and not posts.empty:
        # only the columns used (a copy of every posts column was the costly part at scale)
        used = [c for c in ACCOUNT + ["operator", "published_at", "followers_gained", "followers_lost"]
                if c in posts.columns]
        pm = posts.loc[posts["published_at"].notna(), used]
        pm["month"] = day_text(pm["published_at"], "%Y-%m")
        pm = pm[pm["month"].isin(p.months)]
        if "followers_lost" not in pm.columns:
            pm["followers_lost"] = pd.NA
        pm = pm.assign(_g=pd.to_numeric(pm["followers_gained"], errors="coerce"),
                       _l=pd.to_numeric(pm["followers_lost"], errors="coerce"))
        sums = pm.groupby(ACCOUNT + ["month", "operator"], dropna=False)[["_g", "_l"]].sum(min_count=1).reset_index()
        sums = sums[sums["platform"].notna()]
        sums = sums[[k not in have for k in zip(sums["platform"], sums["account"], sums["month"])]]
        if not sums.empty:
            parts.append(pd.DataFrame({
                "platform": sums["platform"], "account": sums["account"], "operator": sums["operator"],
                "month": sums["month"], "followers_gained": sums["_g"], "followers_lost": sums["_l"],
                "net_growth": (sums["_g"] - sums["_l"].fillna(0)).where(sums["_g"].notna()), "days": 0,
                "source": "posts", "source_detail": label("quality.follower_source.posts"),
                "note": "没有账号粉丝日报，按作品的涨粉数汇总（不含未发作品带来的关注与取关），无法计算增长率"}))
    done = set()
    for part in parts:
        done |= set(zip(part["platform"], part["account"], part["month"]))
    held = _holder_days(roster, p.months)
    if accounts is not None and not accounts.empty:
        rows = []
        by_acc = {k: g for k, g in held.groupby(ACCOUNT + ["month"], sort=False)} if not held.empty else {}
        for plat, acc, op in zip(accounts["platform"], accounts["account"], accounts.get("operator", pd.Series(
                pd.NA, index=accounts.index))):
            for month in p.months:
                if (plat, acc, month) in done:
                    continue
                g = by_acc.get((plat, acc, month))
                ops = g["operator"].dropna().tolist() if g is not None else []
                ops = ops or [op]
                for o in ops:
                    rows.append({"platform": plat, "account": acc, "operator": o, "month": month, "days": 0,
                                 "source": "none", "note": "本月没有粉丝数据（既无账号粉丝日报，也无作品涨粉数）"})
        if rows:
            parts.append(pd.DataFrame(rows))
    if not parts:
        return empty(ACCOUNT_MONTH)
    out = pd.concat(parts, ignore_index=True)
    for c in ACCOUNT_MONTH:
        if c not in out.columns:
            out[c] = pd.NA
    out["operator"] = out["operator"].astype("string")
    if not held.empty:
        out = out.drop(columns="days_held").merge(held, on=ACCOUNT + ["month", "operator"], how="left")
    held_own = out["ownership"].astype("string").replace("", pd.NA)
    if roster is not None and not roster.empty:   # rows from posts or without data: from the roster's days
        in_roster = pd.Series(list(zip(out["platform"], out["account"]))).isin(
            set(zip(held["platform"], held["account"]))).to_numpy()
        guess = np.where(out["operator"].notna() & (out["days_held"].fillna(0) > 0), ownership.HELD,
                         np.where(in_roster, ownership.VACANT, ownership.NOT_IN_ROSTER))
        held_own = held_own.fillna(pd.Series(guess, index=out.index, dtype="string"))
    out["ownership"] = held_own
    extra = held_own.map(OWNERSHIP_NOTES).astype("string")
    out["note"] = out["note"].astype("string").where(extra.isna(), extra)
    for c in ["followers_start", "followers_end", "followers_gained", "followers_lost", "net_growth"]:
        out[c] = pd.to_numeric(out[c], errors="coerce").round()
    out["growth_rate"] = pd.to_numeric(out["growth_rate"], errors="coerce").astype("float64")
    out = out[list(ACCOUNT_MONTH)].astype(ACCOUNT_MONTH)
    return out.sort_values(ACCOUNT + ["month", "first_day"], kind="stable", na_position="last").reset_index(drop=True)


# ---------------------------------------------------------------- manifest
_ALIASES = {
    "path": ["path", "relative_path", "file", "source_file", "rel_path"],
    "kind": ["kind", "recognised_as", "recognized_as", "type", "status", "category"],
    "platform": ["platform"],
    "account": ["account"],
    "rows_read": ["rows_read", "read"],
    "rows_kept": ["rows_kept", "kept"],
    "rows_quarantined": ["rows_quarantined", "quarantined"],
    "duplicates_merged": ["duplicates_merged", "duplicates"],
    "message": ["message", "reason", "note"],
}
PROBLEM_KINDS = ("unrecognised", "unrecognized", "unreadable", "rejected", "error", "failed", "unknown", "skipped")


def read_manifest(folder: Path) -> tuple[pd.DataFrame, list[dict]]:
    """The ingest manifest of a period folder as a table (path, kind, platform, account, row counts, message), plus
    notes for files ingest could not use. A missing or unreadable manifest is a note, not a crash."""
    cols = list(_ALIASES)
    notes: list[dict] = []
    try:
        data = catalog.load(folder, "manifest")
    except catalog.DatasetMissing:
        notes.append(note("warn", "file", catalog.file_name("manifest"),
                          "没有找到导入清单（ingest_manifest.json）：文件数与隔离行数无法核对。请先运行 01_ingest。"))
        return pd.DataFrame(columns=cols), notes
    except catalog.DatasetError as exc:
        notes.append(note("error", "file", catalog.file_name("manifest"), f"导入清单无法读取：{exc.message}"))
        return pd.DataFrame(columns=cols), notes
    entries = data
    if isinstance(data, dict):
        entries = next((data[k] for k in ("files", "entries", "items") if isinstance(data.get(k), list)), [])
    rows = []
    for e in entries if isinstance(entries, list) else []:
        if not isinstance(e, dict):
            continue
        rows.append({k: next((e[a] for a in al if a in e), None) for k, al in _ALIASES.items()})
    df = pd.DataFrame(rows, columns=cols)
    # plain column values, not iterrows (tens of thousands of files at scale)
    for path_, kind_, account_, kept, message in zip(df["path"].tolist(), df["kind"].tolist(), df["account"].tolist(),
                                                     df["rows_kept"].tolist(), df["message"].tolist()):
        kind = str(kind_ or "").lower()
        if any(k in kind for k in PROBLEM_KINDS):
            msg = message or "无法识别或读取"
            notes.append(note("warn", "file", str(path_), f"文件 {path_} 未被使用：{msg}"))
        elif kind == "platform_export" and not account_ and not (kept or 0):
            # recognised but not assigned to any account (e.g. a top-level export with several candidate accounts)
            notes.append(note("warn", "file", str(path_), f"文件 {path_} 没有对应到账号，未使用：{message or ''}"))
    return df, notes


# ---------------------------------------------------------------- data-quality summary
def data_quality(accounts: pd.DataFrame, posts: pd.DataFrame, daily: pd.DataFrame, flags: pd.DataFrame,
                 quarantine: pd.DataFrame, manifest: pd.DataFrame, period: str | Period | None = None) -> pd.DataFrame:
    """One row per account (roster accounts and accounts seen in the exports): files, posts, posts in the period,
    private works published in the period (`private_posts`: not counted as posts of the period; needs `period` and
    posts' `private`), quarantined rows, flags, missing download, status (ok / warn / error) and a plain-Chinese
    note."""
    if accounts.empty:
        return empty(DATA_QUALITY)
    acc = accounts[ACCOUNT + ["operator", "in_roster", "missing_download"]].copy()
    # files per account: from the manifest where it names the account, else the source files of posts/daily
    files_of: dict = {}
    for frame in (posts, daily):
        if frame is not None and not frame.empty and "source_file" in frame.columns:
            # distinct (account, file) pairs instead of a loop over per-account groups; keys in groupby order
            sub = frame[ACCOUNT + ["source_file"]].dropna(subset=ACCOUNT)
            for k in sub.groupby(ACCOUNT, dropna=True).size().index:
                files_of.setdefault(k, set())
            pairs = sub[sub["source_file"].notna()].drop_duplicates()
            for plat, a, f in zip(pairs["platform"].tolist(), pairs["account"].tolist(), pairs["source_file"].tolist()):
                files_of[(plat, a)].add(str(f))
    if manifest is not None and not manifest.empty:
        m = manifest.dropna(subset=["account"])
        for path_, plat, a in zip(m["path"].tolist(), m["platform"].tolist(), m["account"].tolist()):
            if path_ is not None and plat is not None:
                files_of.setdefault((plat, a), set()).add(str(path_))
    file_to_acc = {f: k for k, fs in files_of.items() for f in fs}
    q_counts: dict = {}
    if quarantine is not None and not quarantine.empty and "source_file" in quarantine.columns:
        for f, n in quarantine.groupby("source_file").size().items():
            k = file_to_acc.get(str(f))
            if k:
                q_counts[k] = q_counts.get(k, 0) + int(n)
    post_n = posts.groupby(ACCOUNT).size() if not posts.empty else pd.Series(dtype=int)
    in_n = posts.loc[posts["in_period"], ACCOUNT].groupby(ACCOUNT).size() if not posts.empty else pd.Series(dtype=int)
    priv_n = pd.Series(dtype=int)
    if period is not None and not posts.empty and "private" in posts.columns:
        per = period if isinstance(period, Period) else Period.parse(period)
        sel = posts["private"].fillna(False).astype(bool) & per.contains(posts["published_at"]).fillna(False)
        priv_n = posts.loc[sel.to_numpy(dtype=bool), ACCOUNT].groupby(ACCOUNT).size()
    # info-level flags (e.g. an operator corrected from the roster) are not problems with the data
    fl = flags[flags["in_period"].fillna(True).astype(bool) & (flags["level"] != "info")] if not flags.empty else flags
    flag_n = fl.groupby(ACCOUNT).size() if not fl.empty else pd.Series(dtype=int)
    err_n = fl[fl["level"] == "error"].groupby(ACCOUNT).size() if not fl.empty else pd.Series(dtype=int)
    keys = list(zip(acc["platform"], acc["account"]))
    # counts as plain dicts: a Series.get per account and count was the slow part with thousands of accounts
    post_n, in_n, priv_n, flag_n, err_n = (_counts(x) for x in (post_n, in_n, priv_n, flag_n, err_n))
    acc["files"] = [len(files_of.get(k, ())) for k in keys]
    acc["posts"] = [int(post_n.get(k, 0)) for k in keys]
    acc["posts_in_period"] = [int(in_n.get(k, 0)) for k in keys]
    acc["private_posts"] = [int(priv_n.get(k, 0)) for k in keys]
    acc["quarantined_rows"] = [q_counts.get(k, 0) for k in keys]
    acc["flags"] = [int(flag_n.get(k, 0)) for k in keys]
    acc["flag_errors"] = [int(err_n.get(k, 0)) for k in keys]
    status, notes = [], []
    for missing, in_roster, errors, flags_, quarantined, files, in_period, private in zip(
            acc["missing_download"].tolist(), acc["in_roster"].tolist(), acc["flag_errors"].tolist(),
            acc["flags"].tolist(), acc["quarantined_rows"].tolist(), acc["files"].tolist(),
            acc["posts_in_period"].tolist(), acc["private_posts"].tolist()):
        parts = []
        level = "ok"
        if missing:
            level = "error"
            parts.append("缺少本期导出文件")
        if not in_roster:
            level = "warn" if level == "ok" else level
            parts.append("不在花名册中（不计入绩效）")
        if errors:
            level = "error"
            parts.append(f"{errors} 条作品数据不合理")
        if flags_ - errors:
            level = "warn" if level == "ok" else level
            parts.append(f"{flags_ - errors} 条提醒")
        if quarantined:
            level = "warn" if level == "ok" else level
            parts.append(f"{quarantined} 行被隔离")
        if not missing and files and in_period == 0:
            level = "warn" if level == "ok" else level
            parts.append("本期没有发布作品")
        if private:   # information, not a problem: the platform lists private works in its export
            parts.append(f"{private} 条私密/自见作品未计入本期作品")
        status.append(level)
        notes.append("；".join(parts) if parts else "数据完整")
    acc["status"] = status
    acc["note"] = notes
    return acc[list(DATA_QUALITY)].astype(DATA_QUALITY).sort_values(ACCOUNT).reset_index(drop=True)


def _counts(sizes: pd.Series) -> dict:
    """A groupby(...).size() by (platform, account) as {(platform, account): n} (empty when it is not keyed so)."""
    if not isinstance(sizes.index, pd.MultiIndex):
        return {}
    return dict(zip(sizes.index.tolist(), sizes.tolist()))


def account_notes(dq: pd.DataFrame) -> list[dict]:
    """Notes for accounts whose data has problems (missing downloads are noted by the cross-table check)."""
    out = []
    for _, r in dq.iterrows():
        if r["status"] != "ok" and not r["missing_download"] and r["in_roster"] and (r["flags"] or r["quarantined_rows"]):
            out.append(note("warn" if r["status"] == "warn" else "error", "account",
                            account_subject(r["platform"], r["account"]), f"{r['note']}：详见 flags 与隔离表。"))
    return out
