"""Ingest's accounts and owners pass: each file's account (its folder, or the roster's only account of the platform)
and each row's operator on its day (ownership.owner_on)."""

from __future__ import annotations

import pandas as pd

from ..labels import label
from ..ownership import owner_on
from .account_files import roster_platform_problem
from .layouts import load_registry, norm_header
from .manifest import FileRecord


def roster_index(roster: pd.DataFrame) -> pd.DataFrame:
    if roster.empty:
        return pd.DataFrame(columns=["platform", "account", "name", "start_date", "end_date", "_acc", "_month"])
    r = roster.copy()
    r["_acc"] = r["account"].map(norm_header)
    return r


def assign_operator(df: pd.DataFrame, roster: pd.DataFrame, when: pd.Series) -> pd.Series:
    """Operator by (platform, account) and day: ownership.owner_on (a hand-over splits by date; a day the roster gives
    to two people is nobody's until the roster is fixed, and clean reports both rows)."""
    if roster.empty or df.empty:
        return pd.Series(pd.NA, index=df.index, dtype="string")
    return owner_on(roster, df["platform"], df["account"], when)


class AccountIndex:
    """Roster lookups for account resolution, built once (a pandas filter per file cost ~1 ms × thousands of files)."""

    def __init__(self, rindex: pd.DataFrame):
        self.by_key: dict[tuple[str, str], str] = {}
        self.by_platform: dict[str, set[str]] = {}
        self.by_folder: dict[str, set[str]] = {}
        if not rindex.empty:
            for plat, acc, name in zip(rindex["platform"], rindex["_acc"], rindex["account"]):
                if pd.isna(plat):
                    continue
                self.by_key.setdefault((plat, acc), str(name))
                self.by_platform.setdefault(plat, set()).add(str(name))
                self.by_folder.setdefault(acc, set()).add(str(plat))

    def platforms_of(self, folder: str | None) -> set[str]:
        """The platforms the roster lists for an account folder (empty: not in the roster, or no folder)."""
        return set(self.by_folder.get(norm_header(folder), ())) if folder else set()

    def resolve(self, rec: FileRecord, platform: str) -> str | None:
        pname = label(f"platform.{platform}")
        if rec.folder:
            return self.by_key.get((platform, norm_header(rec.folder)), rec.folder)
        cands = sorted(self.by_platform.get(platform, ()))
        if len(cands) == 1:
            rec.messages.append(f"文件放在月份文件夹顶层，按花名册归到{pname}唯一的账号“{cands[0]}”。")
            return cands[0]
        if not cands:
            rec.messages.append(
                f"文件放在月份文件夹顶层，但花名册里没有{pname}账号，无法判断属于哪个账号，整个文件未读取；"
                f"请把它放进以账号命名的子文件夹。"
            )
        else:
            rec.messages.append(
                f"文件放在月份文件夹顶层，但花名册里{pname}有 {len(cands)} 个账号（{'、'.join(cands)}），"
                f"无法判断属于哪个，整个文件未读取；请把它放进对应账号的子文件夹。"
            )
        return None

    def has(self, platform: str | None, account: str | None) -> bool:
        return (platform, norm_header(account)) in self.by_key


def assign_accounts(
    platform_parts: dict[str, list[pd.DataFrame]],
    by_file: dict[int, FileRecord],
    accounts: AccountIndex,
    rindex: pd.DataFrame,
) -> None:
    """Pass 2, in place: each platform table's rows get their file's account (files that cannot be placed are
    rejected whole) and each row its operator on its day; every target's parts end as one frame (or none)."""
    registry = load_registry()
    for target in ("posts", "account_daily"):
        frames = []
        parts = platform_parts.pop(target)
        while parts:  # each part let go once handled: the month is then in memory once, not twice
            df = parts.pop(0)
            if df.empty:
                continue
            plat = df["platform"].iloc[0]
            acc_of: dict[int, str] = {}
            for f in pd.unique(df["_file"]):
                rec = by_file[int(f)]
                why = roster_platform_problem(registry, df["layout"].iloc[0], rec.folder, accounts.platforms_of(rec.folder))
                if why:  # a download naming no platform, in a folder the roster gives to other platforms only
                    rec.rejected = True
                    rec.messages.append(why)
                    continue
                acc = accounts.resolve(rec, plat)
                if acc is None:
                    rec.rejected = True
                else:
                    rec.account = acc
                    acc_of[int(f)] = acc
            if len(acc_of) < len(pd.unique(df["_file"])):
                df = df[df["_file"].isin(list(acc_of))]
            if df.empty:
                continue
            frames.append(df.assign(account=df["_file"].map(acc_of).astype("string")))
            del df
        if frames:
            df = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0].reset_index(drop=True)
            frames.clear()
            when = df["published_at"] if target == "posts" else df["date"]
            df["operator"] = assign_operator(df, rindex, when)
            frames = [df]
            del df, when
        platform_parts[target] = frames


def note_unlisted_folders(recs: list[FileRecord], accounts: AccountIndex) -> None:
    """A platform export read from an account folder the roster does not list: the file says so in the manifest."""
    for rec in recs:
        if (
            rec.kind == "platform_export"
            and not rec.rejected
            and rec.account
            and rec.folder
            and not accounts.has(rec.platform, rec.account)
        ):
            rec.messages.append(
                f"账号文件夹“{rec.folder}”不在花名册里（{label(f'platform.{rec.platform}')}），数据照常读取，负责人为空；请在花名册补上这个账号。"
            )
