"""Follower growth per account and month, the ingest manifest as notes, and the per-account data-quality summary."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from ..periods import Period
from ..schema import BOOL, FLOAT, INT, STRING, empty
from .period import day_text
from .records import account_subject, note

ACCOUNT = ["platform", "account"]

ACCOUNT_MONTH: dict[str, str] = {
    "platform": STRING, "account": STRING, "operator": STRING, "month": STRING,
    "followers_start": INT, "followers_end": INT, "followers_gained": INT, "followers_lost": INT,
    "net_growth": INT, "growth_rate": FLOAT,
    "source": STRING,          # account_daily / posts / none
    "days": INT,               # days with account_daily rows in the month (for this operator)
    "note": STRING,
}

DATA_QUALITY: dict[str, str] = {
    "platform": STRING, "account": STRING, "operator": STRING,
    "files": INT, "posts": INT, "posts_in_period": INT, "private_posts": INT, "quarantined_rows": INT, "flags": INT,
    "missing_download": BOOL, "status": STRING, "note": STRING,
    "in_roster": BOOL, "flag_errors": INT,
}


# ---------------------------------------------------------------- account_month
def _daily_segment(seg: pd.DataFrame, before: pd.DataFrame) -> dict:
    seg = seg.sort_values("date")
    tot = pd.to_numeric(seg["followers_total"], errors="coerce")
    gained = pd.to_numeric(seg["followers_gained"], errors="coerce")
    lost = pd.to_numeric(seg["followers_lost"], errors="coerce")
    start = np.nan
    prior = pd.to_numeric(before["followers_total"], errors="coerce").dropna() if not before.empty else pd.Series(dtype=float)
    if len(prior):
        start = prior.iloc[-1]                              # the day before the segment
    elif tot.notna().any():
        first = tot.first_valid_index()
        g0 = gained.get(first, np.nan)
        l0 = lost.get(first, np.nan)
        start = tot[first] - (0 if pd.isna(g0) else g0) + (0 if pd.isna(l0) else l0)   # total before that first day
    end = tot.dropna().iloc[-1] if tot.notna().any() else np.nan
    g = gained.sum(min_count=1)
    lo = lost.sum(min_count=1)
    if pd.notna(start) and pd.notna(end):
        net = end - start
    elif pd.notna(g):
        net = g - (0 if pd.isna(lo) else lo)
    else:
        net = np.nan
    rate = net / start if pd.notna(net) and pd.notna(start) and start > 0 else np.nan
    return {"followers_start": start, "followers_end": end, "followers_gained": g, "followers_lost": lo,
            "net_growth": net, "growth_rate": rate, "days": int(seg["date"].nunique())}


def _daily_rows(d: pd.DataFrame, months: list[str]) -> list[dict]:
    """account_month rows from account_daily (see account_month): one per account, month and consecutive run of the
    same operator, with the numbers _daily_segment gives. Vectorised over all accounts at once (the former loop
    sorted and filtered the table per account and per segment)."""
    d = d[d["platform"].notna() & d["account"].notna()]
    if d.empty:
        return []
    d = d.sort_values(ACCOUNT + ["date"], kind="stable").reset_index(drop=True)
    n = len(d)
    pos = np.arange(n)
    tot = pd.to_numeric(d["followers_total"], errors="coerce").astype("float64").to_numpy()
    gained = pd.to_numeric(d["followers_gained"], errors="coerce").astype("float64").to_numpy()
    lost = pd.to_numeric(d["followers_lost"], errors="coerce").astype("float64").to_numpy()
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
    month = d["month"].to_numpy(dtype=object)[mp]
    op = d["operator"].astype(object).where(d["operator"].notna(), "\0").to_numpy(dtype=object)[mp]
    acc_m = acc[mp]
    new_am = np.r_[True, (acc_m[1:] != acc_m[:-1]) | (month[1:] != month[:-1])]
    new_seg = new_am | np.r_[True, op[1:] != op[:-1]]              # consecutive runs of the same operator
    seg = np.cumsum(new_seg) - 1
    am_id = np.cumsum(new_am) - 1
    n_runs = np.bincount(am_id, weights=new_seg.astype(float)).astype(int)[am_id[new_seg]]

    f = mp[new_seg]                                                 # first row of each segment
    # start: the last total on an earlier date of the account; else back out the first total of the segment
    before = day_start[f] - 1
    lv = np.where(before >= acc_start[f], last_valid[np.maximum(before, 0)], -1)
    prior = np.where((lv >= acc_start[f]) & (lv >= 0), tot[np.maximum(lv, 0)], np.nan)
    frame = pd.DataFrame({"seg": seg, "tot": tot[mp], "g": gained[mp], "l": lost[mp], "date": date[mp]})
    vt = frame[~np.isnan(frame["tot"].to_numpy())]
    first_v = vt.drop_duplicates("seg", keep="first").set_index("seg").reindex(range(len(f)))
    last_v = vt.drop_duplicates("seg", keep="last").set_index("seg")["tot"].reindex(range(len(f))).to_numpy()
    backed = (first_v["tot"] - first_v["g"].fillna(0) + first_v["l"].fillna(0)).to_numpy()
    start = np.where(~np.isnan(prior), prior, backed)
    grp = frame.groupby("seg", sort=True)
    g = grp["g"].sum(min_count=1).to_numpy()
    lo = grp["l"].sum(min_count=1).to_numpy()
    days = grp["date"].nunique().to_numpy()
    net = np.where(~np.isnan(start) & ~np.isnan(last_v), last_v - start,
                   np.where(~np.isnan(g), g - np.nan_to_num(lo, nan=0.0), np.nan))
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(~np.isnan(net) & ~np.isnan(start) & (start > 0), net / start, np.nan)
    plat = d["platform"].to_numpy(dtype=object)[f]
    account = d["account"].to_numpy(dtype=object)[f]
    operator = d["operator"].to_numpy(dtype=object)[f]
    rows = []
    for i in range(len(f)):
        dy = int(days[i])
        rows.append({"platform": plat[i], "account": account[i], "operator": operator[i], "month": month[new_seg][i],
                     "followers_start": start[i], "followers_end": last_v[i], "followers_gained": g[i],
                     "followers_lost": lo[i], "net_growth": net[i], "growth_rate": rate[i], "days": dy,
                     "source": "account_daily",
                     "note": None if dy >= 20 or n_runs[i] > 1 else f"该月只有 {dy} 天的粉丝数据"})
    return rows


def account_month(posts: pd.DataFrame, daily: pd.DataFrame, period: str | Period,
                  accounts: pd.DataFrame | None = None) -> pd.DataFrame:
    """Followers per account, month and operator: start/end of the month, gained, lost, net, growth rate.

    From `account_daily` where the account has rows in that month (`source` = account_daily; an account that changed
    hands mid-month gets one row per operator, split by the daily rows' operator); otherwise from the posts published
    in that month (`source` = posts: the sum of followers gained via posts, without start/end, so no growth rate);
    accounts in `accounts` (e.g. the roster) with neither get a row with `source` = none.
    """
    p = period if isinstance(period, Period) else Period.parse(period)
    rows = []
    have: set = set()
    d = daily.copy() if daily is not None else empty({})
    if not d.empty:
        d["date"] = pd.to_datetime(d["date"], errors="coerce")
        d = d[d["date"].notna()]
        d["month"] = d["date"].dt.strftime("%Y-%m")
        if "operator" not in d.columns:
            d["operator"] = pd.NA
        rows += _daily_rows(d, p.months)
        have = {(r["platform"], r["account"], r["month"]) for r in rows}
    if posts is not None and not posts.empty:
        # only the columns used (a copy of every posts column was the costly part at scale)
        used = [c for c in ACCOUNT + ["operator", "published_at", "followers_gained", "followers_lost"]
                if c in posts.columns]
        pm = posts.loc[posts["published_at"].notna(), used]
        pm["month"] = day_text(pm["published_at"], "%Y-%m")
        pm = pm[pm["month"].isin(p.months)]
        if "followers_lost" not in pm.columns:
            pm["followers_lost"] = pd.NA
        # one grouped sum instead of a loop over (account, month, operator) sub-frames; same group order
        pm = pm.assign(_g=pd.to_numeric(pm["followers_gained"], errors="coerce"),
                       _l=pd.to_numeric(pm["followers_lost"], errors="coerce"))
        sums = pm.groupby(ACCOUNT + ["month", "operator"], dropna=False)[["_g", "_l"]].sum(min_count=1)
        for (plat, acc, month, op), g, lo in zip(sums.index, sums["_g"], sums["_l"]):
            if (plat, acc, month) in have or pd.isna(plat):
                continue
            net = g - (0 if pd.isna(lo) else lo) if pd.notna(g) else np.nan
            rows.append({"platform": plat, "account": acc, "operator": op, "month": month,
                         "followers_start": np.nan, "followers_end": np.nan, "followers_gained": g,
                         "followers_lost": lo, "net_growth": net, "growth_rate": np.nan, "days": 0,
                         "source": "posts",
                         "note": "没有账号粉丝日报，按作品的涨粉数汇总（不含未发作品带来的关注与取关），无法计算增长率"})
    done = {(r["platform"], r["account"], r["month"]) for r in rows}
    if accounts is not None and not accounts.empty:
        for _, a in accounts.iterrows():
            for month in p.months:
                if (a["platform"], a["account"], month) in done:
                    continue
                rows.append({"platform": a["platform"], "account": a["account"], "operator": a.get("operator"),
                             "month": month, "days": 0, "source": "none",
                             "note": "本月没有粉丝数据（既无账号粉丝日报，也无作品涨粉数）"})
    if not rows:
        return empty(ACCOUNT_MONTH)
    out = pd.DataFrame(rows)
    for c in ACCOUNT_MONTH:
        if c not in out.columns:
            out[c] = pd.NA
    for c in ["followers_start", "followers_end", "followers_gained", "followers_lost", "net_growth"]:
        out[c] = pd.to_numeric(out[c], errors="coerce").round()
    out["growth_rate"] = pd.to_numeric(out["growth_rate"], errors="coerce").astype("float64")
    out["operator"] = out["operator"].replace("\0", pd.NA)
    return out[list(ACCOUNT_MONTH)].astype(ACCOUNT_MONTH).sort_values(ACCOUNT + ["month"]).reset_index(drop=True)


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
PROBLEM_KINDS = ("unrecognised", "unrecognized", "unreadable", "rejected", "error", "failed", "unknown")


def read_manifest(path: Path) -> tuple[pd.DataFrame, list[dict]]:
    """The ingest manifest as a table (path, kind, platform, account, row counts, message), plus notes for files
    ingest could not use. A missing or unreadable manifest is a note, not a crash."""
    cols = list(_ALIASES)
    notes: list[dict] = []
    if not path.is_file():
        notes.append(note("warn", "file", path.name, "没有找到导入清单（ingest_manifest.json）：文件数与隔离行数无法核对。请先运行 01_ingest。"))
        return pd.DataFrame(columns=cols), notes
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        notes.append(note("error", "file", path.name, f"导入清单无法读取（{exc}）：请重新运行 01_ingest。"))
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
