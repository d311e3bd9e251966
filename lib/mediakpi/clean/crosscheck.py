"""Checks across tables: roster ↔ exports (unknown platforms, accounts not in the roster, missing downloads) and
ownership (who ran an account on the day a post was published: asked of mediakpi.ownership, the rule's one home)."""
from __future__ import annotations

import pandas as pd

from .. import ownership
from ..ownership import row_ref
from ..periods import Period
from ..platforms import platform_code
from .config import QualityConfig
from .records import account_subject, flags_from, note, platform_name

ACCOUNT = ["platform", "account"]


def _row_ref(row) -> str:
    return row_ref(row.get("source_file"), row.get("source_row"))


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
    r["platform"] = pd.Series([platform_code(v) for v in r["platform_raw"].tolist()], index=r.index, dtype="string")
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


def conflict_notes(roster: pd.DataFrame, period: Period) -> list[dict]:
    """An error note per pair of roster rows that give one account to two people on the same days of the period,
    naming both rows (ownership.conflicts); posts and follower days in the overlap are attributed to nobody."""
    out = []
    c = ownership.conflicts(roster, period)
    for r in c.itertuples(index=False):
        days = f"{r.first_day:%Y-%m-%d} 至 {r.last_day:%Y-%m-%d}（{r.days} 天）"
        out.append(note("error", "roster", f"{r.row_a}；{r.row_b}",
                        f"花名册把 {account_subject(r.platform, r.account)} 同时分给了 {r.operator_a}（{r.row_a}）和 "
                        f"{r.operator_b}（{r.row_b}），重叠 {days}：这些天的作品和粉丝不计入任何人。"
                        "请在花名册中填写负责开始/结束日期，使同一天只有一人负责，然后重新运行。"))
    return out


def assign_operators(posts: pd.DataFrame, roster: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Set `operator` from the roster by the post's publish date (ownership.owners; days inclusive, Beijing time).
    Returns (posts, flags).

    - one person holds the account that day: that person (an ingest value that differs is corrected, info flag);
    - several people (overlapping roster rows): nobody — operator null, warning naming them (the error note naming
      both roster rows comes from conflict_notes);
    - the account is in the roster but nobody holds it that day: operator null, warning for posts in the period;
    - accounts not in the roster keep ingest's value (null).
    """
    out = posts.copy(deep=False)   # copy-on-write: columns set below never reach the caller
    if "operator" not in out.columns:
        out["operator"] = pd.Series(pd.NA, index=out.index, dtype="string")
    if out.empty or roster.empty:
        return out, flags_from(out, pd.Series(False, index=out.index), "x", "info", "")
    who = ownership.owners(roster, out["platform"], out["account"], out["published_at"])
    status = who["ownership"]
    in_roster = status != ownership.NOT_IN_ROSTER
    single = who["operator"]
    current = out["operator"].astype("string")
    corrected = (single.notna() & current.notna() & (current != single)).fillna(False).astype(bool)
    msg_fix = pd.Series(
        [f"负责人由“{c}”更正为“{s}”（按花名册负责日期与发布日期）"
         for c, s in zip(current[corrected].fillna(""), single[corrected].fillna(""))],
        index=out.index[corrected.to_numpy(dtype=bool)], dtype=object)
    flags = [flags_from(out, corrected, "operator_corrected", "info", msg_fix)]
    out["operator"] = current.where(~in_roster, single)
    overlap = (status == ownership.CONFLICT).astype(bool)
    msg_overlap = who.loc[overlap, "holders"].map(
        lambda x: f"发布当天花名册中有多人负责该账号（{x}）：本条不计入任何人，请修正花名册的负责日期")
    flags.append(flags_from(out, overlap, "ownership_overlap", "warn", msg_overlap))
    in_period = out["in_period"] if "in_period" in out.columns else pd.Series(True, index=out.index)
    gap = (status == ownership.VACANT) & in_period & out["published_at"].notna()
    flags.append(flags_from(out, gap.astype(bool), "ownership_gap", "warn",
                            "发布日期不在花名册任何人的负责日期内：请补全负责开始/结束日期"))
    from .records import concat_flags
    return out, concat_flags(flags)


def roster_accounts_active(roster: pd.DataFrame, period: Period) -> pd.DataFrame:
    """Roster accounts held (or in conflict) on at least one day of the period: one row per platform/account, with
    the people who held it on those days joined (ownership.clipped)."""
    empty_ = pd.DataFrame({"platform": pd.Series(dtype="string"), "account": pd.Series(dtype="string"),
                           "operator": pd.Series(dtype="string")})
    if roster.empty:
        return empty_
    seg = ownership.clipped(roster, period)
    seg = seg[seg["covered"]]
    if seg.empty:
        return empty_
    rows = []
    for (plat, acc), g in seg.groupby(ACCOUNT, sort=True):
        names = sorted({n for h in g["holders"] for n in h})
        rows.append((plat, acc, "、".join(names) if names else pd.NA))
    return pd.DataFrame(rows, columns=["platform", "account", "operator"]).astype("string") if rows else empty_


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
