"""Checks across tables: roster ↔ exports (unknown platforms, accounts not in the roster, missing downloads) and
ownership periods (who ran an account on the day a post was published)."""
from __future__ import annotations

import unicodedata

import numpy as np
import pandas as pd

from ..periods import Period
from ..schema import PLATFORMS
from .config import QualityConfig
from .records import account_subject, flags_from, note, platform_name

ACCOUNT = ["platform", "account"]


def _key(text) -> str:
    if text is None or pd.isna(text):
        return ""
    return "".join(unicodedata.normalize("NFKC", str(text)).casefold().split())


def platform_code(value, cfg: QualityConfig | None = None) -> str | None:
    """The platform code for a roster/calendar cell (`抖音`, `Douyin`, `ＸＨＳ`, `douyin` …), or None when unknown.

    The names live in one place, `platform_names` in config/platforms.yaml (ingest's registry)."""
    from ..ingest.layouts import load_registry

    k = _key(value)
    if not k:
        return None
    return k if k in PLATFORMS else load_registry().platform_code(value)


def _row_ref(row) -> str:
    src = row.get("source_file")
    r = row.get("source_row")
    if src is None or pd.isna(src):
        return "花名册"
    return f"{src} 第 {int(r)} 行" if r is not None and not pd.isna(r) else str(src)


def normalise_roster(roster: pd.DataFrame, cfg: QualityConfig) -> tuple[pd.DataFrame, list[dict]]:
    """Roster with platform codes and trimmed names; rows naming an unknown platform or lacking an account/name are
    kept out of the returned roster and reported (they cannot be matched to any export)."""
    notes: list[dict] = []
    if roster is None or roster.empty:
        return _empty_roster(), notes
    r = roster.copy()
    for col in ["name", "platform", "account", "start_date", "end_date", "source_file", "source_row"]:
        if col not in r.columns:
            r[col] = pd.NA
    r["platform_raw"] = r["platform"]
    r["platform"] = pd.Series([platform_code(v, cfg) for v in r["platform_raw"].tolist()], index=r.index, dtype="string")
    r["account"] = r["account"].astype("string").str.strip()
    r["name"] = r["name"].astype("string").str.strip()
    keep = pd.Series(True, index=r.index)
    for i, row in r.iterrows():
        ref = _row_ref(row)
        if pd.isna(row["platform"]):
            notes.append(note("error", "roster", ref,
                              f"花名册中的平台“{row['platform_raw']}”无法识别（账号 {row['account']}，负责人 {row['name']}）。"
                              "请改为 微信公众号、微博、抖音、小红书、B站、视频号、快手 之一；该行暂不参与匹配。"))
            keep[i] = False
        elif pd.isna(row["account"]) or row["account"] == "":
            notes.append(note("error", "roster", ref, "花名册该行没有填写账号：请补全“账号”，否则无法对应导出文件。"))
            keep[i] = False
        elif pd.isna(row["name"]) or row["name"] == "":
            notes.append(note("warn", "roster", ref,
                              f"花名册中 {account_subject(row['platform'], row['account'])} 没有填写负责人姓名：该账号的作品不计入任何人的绩效。"))
    r["start_date"] = pd.to_datetime(r["start_date"], errors="coerce")
    r["end_date"] = pd.to_datetime(r["end_date"], errors="coerce")
    bad_range = r["start_date"].notna() & r["end_date"].notna() & (r["end_date"] < r["start_date"])
    for _, row in r[bad_range & keep].iterrows():
        notes.append(note("warn", "roster", _row_ref(row),
                          f"{account_subject(row['platform'], row['account'])} 的负责结束日期早于开始日期：请检查日期。"))
    return r[keep].reset_index(drop=True), notes


def _empty_roster() -> pd.DataFrame:
    return pd.DataFrame({
        "name": pd.Series(dtype="string"), "platform": pd.Series(dtype="string"),
        "account": pd.Series(dtype="string"), "start_date": pd.Series(dtype="datetime64[ns]"),
        "end_date": pd.Series(dtype="datetime64[ns]"),
    })


def _covers(roster_rows: pd.DataFrame, day: pd.Series) -> pd.Series:
    start_ok = roster_rows["start_date"].isna() | (roster_rows["start_date"] <= day)
    end_ok = roster_rows["end_date"].isna() | (roster_rows["end_date"] >= day)
    return start_ok & end_ok


def assign_operators(posts: pd.DataFrame, roster: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Verify and fill `operator` from the roster's ownership periods (负责开始日期/负责结束日期, inclusive, by the post's
    publish date in Beijing time). Returns (posts, flags).

    - exactly one roster row covers the date: that person (an ingest value that differs is corrected and flagged);
    - several rows cover it (overlapping ranges): the ingest value is kept and the overlap is flagged;
    - the account is in the roster but nobody covers the date: operator stays as ingest set it, flagged for
      posts in the period.
    """
    out = posts.copy(deep=False)   # copy-on-write: columns set below never reach the caller
    if "operator" not in out.columns:
        out["operator"] = pd.Series(pd.NA, index=out.index, dtype="string")
    if out.empty or roster.empty:
        return out, flags_from(out, pd.Series(False, index=out.index), "x", "info", "")
    left = out[ACCOUNT + ["published_at"]].copy()
    left["_idx"] = out.index
    left["_day"] = left["published_at"].dt.tz_localize(None).dt.normalize() if left["published_at"].dt.tz is not None \
        else left["published_at"].dt.normalize()
    m = left.merge(roster[ACCOUNT + ["name", "start_date", "end_date"]], on=ACCOUNT, how="inner")
    m = m[_covers(m, m["_day"])]
    m = m.dropna(subset=["name"]).drop_duplicates(["_idx", "name"]).sort_values(["_idx", "name"])
    # owners per post: counts with one groupby; names listed only for the few posts with several owners
    # (an agg(list) over every post was the slow part)
    per_post = m.groupby("_idx").size()
    in_roster = out.set_index(ACCOUNT).index.isin(roster.set_index(ACCOUNT).index)
    in_roster = pd.Series(in_roster, index=out.index)
    n_owners = per_post.reindex(out.index).fillna(0).astype(int)
    one = m[m["_idx"].map(per_post).to_numpy() == 1]
    single = pd.Series(one["name"].astype(object).to_numpy(), index=one["_idx"].to_numpy()).reindex(out.index)
    current = out["operator"].astype("string")
    changed = single.notna() & (current.isna() | (current != single.astype("string")))
    corrected = single.notna() & current.notna() & (current != single.astype("string"))
    msg_fix = pd.Series(
        [f"负责人由“{c}”更正为“{s}”（按花名册负责日期与发布日期）"
         for c, s in zip(current[corrected].fillna(""), single[corrected].fillna(""))],
        index=out.index[corrected.to_numpy(dtype=bool)], dtype=object)
    flags = [flags_from(out, corrected, "operator_corrected", "info", msg_fix)]
    out.loc[changed, "operator"] = single[changed].astype("string")
    overlap = n_owners > 1
    several = m[m["_idx"].map(per_post).to_numpy() > 1].astype({"name": object}).groupby("_idx")["name"].agg(list)
    msg_overlap = several.map(
        lambda x: f"发布当天花名册中有多人负责该账号（{'、'.join(x)}）：请修正负责日期，否则以导入时的负责人为准")
    flags.append(flags_from(out, overlap, "ownership_overlap", "warn", msg_overlap))
    in_period = out["in_period"] if "in_period" in out.columns else pd.Series(True, index=out.index)
    gap = in_roster & (n_owners == 0) & in_period & out["published_at"].notna()
    flags.append(flags_from(out, gap, "ownership_gap", "warn",
                            "发布日期不在花名册任何人的负责日期内：请补全负责开始/结束日期"))
    from .records import concat_flags
    return out, concat_flags(flags)


def roster_accounts_active(roster: pd.DataFrame, period: Period) -> pd.DataFrame:
    """Roster accounts whose ownership range overlaps the period (one row per platform/account, operators joined)."""
    if roster.empty:
        return pd.DataFrame({"platform": pd.Series(dtype="string"), "account": pd.Series(dtype="string"),
                             "operator": pd.Series(dtype="string")})
    start = period.start.tz_localize(None)
    last = (period.end - pd.Timedelta(days=1)).tz_localize(None).normalize()
    active = (roster["start_date"].isna() | (roster["start_date"] <= last)) & \
             (roster["end_date"].isna() | (roster["end_date"] >= start))
    r = roster[active]
    # the distinct names per account, sorted and joined with one groupby (not a Python function per account)
    names = r[ACCOUNT + ["name"]].dropna(subset=["name"]).drop_duplicates().astype({"name": object})
    names = names.iloc[np.argsort(names["name"].to_numpy(dtype=object), kind="stable")]
    joined = names.groupby(ACCOUNT, dropna=False)["name"].agg("、".join)
    g = joined.reindex(r.groupby(ACCOUNT, dropna=False).size().index)
    g = g.where(g.notna() & (g != ""), pd.NA)
    return g.rename("operator").reset_index().astype({"platform": "string", "account": "string", "operator": "string"})


def account_checks(posts: pd.DataFrame, daily: pd.DataFrame, roster: pd.DataFrame, period: Period
                   ) -> tuple[pd.DataFrame, list[dict]]:
    """Accounts seen in the exports but not in the roster, and roster accounts with no export this period (missing
    download). Returns (accounts table: platform, account, operator, in_roster, has_export, missing_download), notes."""
    notes: list[dict] = []
    seen = pd.concat([posts[ACCOUNT], daily[ACCOUNT]], ignore_index=True).drop_duplicates() if not (
        posts.empty and daily.empty) else pd.DataFrame({"platform": pd.Series(dtype="string"),
                                                        "account": pd.Series(dtype="string")})
    seen = seen.astype("string").dropna(subset=["platform"])
    seen["has_export"] = True
    active = roster_accounts_active(roster, period)
    active["in_roster"] = True
    known = roster[ACCOUNT].drop_duplicates().astype("string") if not roster.empty else active[ACCOUNT]
    acc = active.merge(seen, on=ACCOUNT, how="outer")
    acc["in_roster"] = acc["in_roster"].astype("boolean").fillna(False).astype(bool)
    acc["has_export"] = acc["has_export"].astype("boolean").fillna(False).astype(bool)
    acc["missing_download"] = acc["in_roster"] & ~acc["has_export"]
    known_idx = known.set_index(ACCOUNT).index
    for _, row in acc[~acc["in_roster"]].iterrows():
        subj = account_subject(row["platform"], row["account"])
        if (row["platform"], row["account"]) in known_idx:
            msg = f"{subj} 在花名册中，但负责日期不覆盖本期：本期作品不计入任何人的绩效；如仍在运营，请更新花名册的负责日期。"
        else:
            msg = (f"导出文件中的账号 {subj} 不在花名册中：其作品已保留，但不计入任何人的绩效。"
                   "请在花名册中补充该账号（平台、账号、姓名），或确认账号文件夹名与花名册“账号”一致。")
        notes.append(note("warn", "account", subj, msg))
    for _, row in acc[acc["missing_download"]].iterrows():
        subj = account_subject(row["platform"], row["account"])
        notes.append(note("error", "account", subj,
                          f"花名册中的账号 {subj}（负责人 {row['operator'] if not pd.isna(row['operator']) else '未填写'}）"
                          f"本期没有任何导出文件（缺少下载）：请从{platform_name(row['platform'])}后台下载本期数据，"
                          f"放到 data/raw/{period.months[0] if period.kind == 'month' else '<月份>'}/{row['account']}/ 下后重新运行。"))
    return acc.sort_values(ACCOUNT).reset_index(drop=True), notes
