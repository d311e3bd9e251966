"""Ingest's de-duplication and finishing pass: the rows of every file as one table per target, post ids settled
(adopted from another file of the same article, else the stable hash), the newest snapshot of each post or day kept
(the rule that decided counted per file), and the output order and dtypes."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import catalog
from ..labels import label
from ..catalog import ACCOUNT_DAILY, INT, POSTS, POSTS_EXTRA, STRING, TIMESTAMP, empty, team_table_dtypes
from ..store import release_memory
from . import daily_merge
from .batch import conform_typed
from .layouts import Registry, load_registry
from .manifest import FileRecord
from .parse import stable_id, title_day_key
from .team import identical_rows
from .conflicts import resolve_conflicts


def concat_parts(parts: list[pd.DataFrame], dtypes: dict) -> pd.DataFrame:
    """The parts as one frame (the list is left as it is), or an empty typed one."""
    df = merged_parts(list(parts))
    return empty({**dtypes, "_file": INT, "_month": STRING}) if df is None else df


def stable_order(df: pd.DataFrame, keys: list[str]) -> np.ndarray:
    """Row positions in the order `df.sort_values(keys, kind="stable")` gives (nulls last, NaN counted as null):
    one stable multi-key sort in Arrow (`pyarrow.compute.sort_indices`) over the key columns as they are (text in
    UTF-8 byte order, which is code point order, as Python compares), instead of pandas' multi-key sort or a
    factorize of every text key over a million rows."""
    import pyarrow as pa
    import pyarrow.compute as pc

    arrays = {}
    for i, k in enumerate(keys):
        col = df[k]
        if pd.api.types.is_string_dtype(col.dtype) or col.dtype == object:
            arr = pa.array(col.astype("string"))
        elif isinstance(col.dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_any_dtype(col.dtype):
            v = (
                col.to_numpy(dtype="datetime64[ns]")
                if getattr(col.dtype, "tz", None) is None
                else col.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy(dtype="datetime64[ns]")
            )
            arr = pa.array(v.astype(np.int64), mask=np.isnat(v))
        else:
            v = col.to_numpy(dtype="float64", na_value=np.nan)
            arr = pa.array(v, mask=np.isnan(v))
        arrays[f"k{i}"] = arr
    table = pa.table(arrays)
    order = pc.sort_indices(table, sort_keys=[(name, "ascending") for name in arrays])  # nulls last (default)
    return order.to_numpy().astype(np.intp, copy=False)


# Which of two rows of the same post wins, from the files' content only (never their modification time, which a
# copy resets): the higher-priority layout, the later snapshot (the date the file states, else the month rule), the
# file listing the newer publish time, the larger cumulative counts (views, then the sum of the other counts: they
# only grow between snapshots); when the content cannot tell, the file first in path order (so a byte-identical
# ` (1)` download merges into the file it copies, which the manifest names), and within a file the later row.
# (column, rule name written in the manifest's `duplicates_decided_by`)
POST_ORDER = [
    ("_prio", "layout_priority"),
    ("snapshot_at", "snapshot_at"),
    ("_newest", "newest_published"),
    ("_views", "larger_counts"),
    ("_counts", "larger_counts"),
    ("_path_rank", "file_order"),
    ("_order", "same_values"),
    ("_seq", "same_values"),
]
DAILY_ORDER = [
    ("snapshot_at", "snapshot_at"),
    ("_newest", "newest_date"),
    ("_path_rank", "file_order"),
    ("_order", "same_values"),
    ("_seq", "same_values"),
]
# cumulative counts that only grow between two snapshots of a post (besides views)
_GROWING = ["likes", "comments", "shares", "saves", "danmaku", "coins", "zaikan", "recommends", "reads"]


def _newest_wins(
    df: pd.DataFrame,
    first: np.ndarray,
    keys: pd.DataFrame,
    order: list[tuple[str, str]],
    by_file: dict[int, FileRecord],
    pairs: list | None = None,
) -> np.ndarray:
    """Rows (in the sorted order `first`) that lose to a later row of the same key -> mask. Counts each loss in its
    file's `duplicates_merged` and, under the first rule of `order` on which loser and winner differ, in its
    `decided_by` (rows equal on every rule: `same_values`)."""
    n = len(first)
    if n == 0:
        return np.zeros(0, dtype=bool)
    gid = keys.groupby(list(keys.columns), sort=False, dropna=False).ngroup().to_numpy()
    _, rev = np.unique(gid[::-1], return_index=True)  # each group's last row, counted from the end
    winner = (n - 1 - rev)[gid]
    dup = winner != np.arange(n)
    if not dup.any():
        return dup
    lose, win = first[dup], first[winner[dup]]
    if pairs is not None:   # (merged copy, the row that won over it) for conflicts.resolve_conflicts
        pairs.append((lose, win))
    files = df["_file"].to_numpy()[lose]
    rule = np.full(len(lose), "same_values", dtype=object)
    open_ = np.ones(len(lose), dtype=bool)
    for col, name in order:
        c = df[col]
        x, y = c.take(lose).reset_index(drop=True), c.take(win).reset_index(drop=True)
        same = ((x == y).fillna(False) | (x.isna() & y.isna())).to_numpy(dtype=bool)
        hit = open_ & ~same
        rule[hit] = name
        open_ &= same
        if not open_.any():
            break
    _count_dropped(pd.Series(files), by_file)
    for (f, r), k in pd.Series(1, index=pd.MultiIndex.from_arrays([files, rule])).groupby(level=[0, 1]).sum().items():
        d = by_file[int(f)].decided_by
        d[r] = d.get(r, 0) + int(k)
    return dup


def _count_dropped(dropped: pd.Series, by_file: dict[int, FileRecord]) -> None:
    for f, n in dropped.value_counts().items():
        by_file[int(f)].duplicates_merged += int(n)


def _count_kept(kept: pd.Series, by_file: dict[int, FileRecord]) -> None:
    for f, n in kept.value_counts().items():
        by_file[int(f)].rows_kept += int(n)


def _extra_dtypes(df: pd.DataFrame, registry: Registry, base: dict) -> dict:
    extra = {k: v for k, v in POSTS_EXTRA.items()}
    for k, v in POSTS_EXTRA.items():  # the workbook's extras are always present (typed nulls when no file had them)
        if k not in df.columns:
            df[k] = pd.Series(index=df.index, dtype=v)
    for lay in registry.layouts:
        for col, cs in lay.spec.columns.items():
            if col in base or col in extra or col not in df.columns:
                continue
            extra[col] = catalog.form_dtype(cs.form)
    return extra


def merged_parts(parts: list[pd.DataFrame]) -> pd.DataFrame | None:
    """The non-empty parts as one frame (None when there is none); the list is emptied, so the caller's reference
    lets go of the parts too and only the merged frame stays in memory."""
    frames = [p for p in parts if not p.empty]
    parts.clear()
    if not frames:
        return None
    return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0].reset_index(drop=True)


def finish_posts(parts: list[pd.DataFrame], by_file: dict[int, FileRecord]) -> pd.DataFrame:
    registry = load_registry()
    df = merged_parts(parts)
    if df is None:
        return conform_typed(empty(POSTS), POSTS)
    if "title" not in df.columns:
        df["title"] = pd.NA
    if "post_id" not in df.columns:
        df["post_id"] = pd.NA
    df["post_id"] = df["post_id"].astype("string")
    # rows without a platform id adopt the id of the same article (title + day) from a file that has one; only
    # accounts with rows of both kinds can adopt anything, so the keys are built for those rows alone
    has = df["post_id"].notna().to_numpy(dtype=bool)
    if has.any() and (~has).any():
        acct = df.groupby(["platform", "account"], sort=False, dropna=False).ngroup().to_numpy()
        both = np.bincount(acct[has], minlength=acct.max() + 1).astype(bool) & np.bincount(
            acct[~has], minlength=acct.max() + 1
        ).astype(bool)
        mixed = both[acct]
        if mixed.any():
            sub = df.loc[mixed]
            match = title_day_key(sub["platform"], sub["account"], sub["title"], sub["published_at"])
            with_id = has[mixed]
            ids = pd.DataFrame({"_match": match[with_id], "post_id": sub["post_id"][with_id]}).drop_duplicates()
            unique = ids.groupby("_match")["post_id"].nunique()
            ids = (
                ids[ids["_match"].isin(unique[unique == 1].index)]
                .drop_duplicates("_match")
                .set_index("_match")["post_id"]
            )
            adopt = match[~with_id].map(ids).astype("string")
            df.loc[adopt.index, "post_id"] = adopt
    missing = df["post_id"].isna()
    if missing.any():
        text = None
        if {"_id_title", "_id_when"} <= set(df.columns) and df.loc[missing, "_id_when"].notna().all():
            text = (df.loc[missing, "_id_title"].fillna(""), df.loc[missing, "_id_when"])
        df.loc[missing, "post_id"] = stable_id(
            df.loc[missing, "platform"],
            df.loc[missing, "account"],
            df.loc[missing, "title"],
            df.loc[missing, "published_at"],
            text,
        )
        del text
    df = df.drop(columns=[c for c in ("_id_title", "_id_when") if c in df.columns])  # their memory goes now
    release_memory()
    df["_views"] = df["views"].astype("Float64").fillna(-1) if "views" in df.columns else 0
    counts = [c for c in _GROWING if c in df.columns]
    df["_counts"] = df[counts].astype("Float64").sum(axis=1, min_count=1).fillna(-1) if counts else 0
    # newest snapshot last, then the last row per post kept, then the output order: positions only, one row take
    df["_path_rank"] = -df["_file"]
    first = stable_order(df, [c for c, _ in POST_ORDER])
    keys = df[["platform", "account", "post_id", "published_at", "_file"]].iloc[first]
    pairs: list = []
    dup = _newest_wins(df, first, keys[["platform", "account", "post_id"]], POST_ORDER, by_file, pairs)
    conflict = resolve_conflicts(df, *pairs[0]) if pairs else np.zeros(0, dtype=np.intp)
    if len(conflict):   # interactions up while views were not: lower figures kept, the post marked (ingest.conflicts)
        mark = np.zeros(len(df), dtype=bool)
        mark[conflict] = True
        df["snapshot_conflict"] = pd.array(mark, dtype="boolean")
    kept = keys[~dup]
    rows = first[~dup][stable_order(kept, ["platform", "account", "published_at", "post_id"])]
    _count_kept(pd.Series(df["_file"].to_numpy()[rows]), by_file)
    # only the columns that are written are taken (not the internal ones): one copy of what stays, not of everything
    extra = _extra_dtypes(df, registry, POSTS)
    df = df[[c for c in {**POSTS, **extra} if c in df.columns]].iloc[rows]
    return conform_typed(df, POSTS, extra)


def finish_daily(parts: list[pd.DataFrame], by_file: dict[int, FileRecord]) -> pd.DataFrame:
    registry = load_registry()
    df = merged_parts(parts)
    if df is None:
        return conform_typed(empty(ACCOUNT_DAILY), ACCOUNT_DAILY)
    df["_path_rank"] = -df["_file"]
    first = stable_order(df, [c for c, _ in DAILY_ORDER])
    _newest_wins(df, first, df[["platform", "account", "date"]].iloc[first], DAILY_ORDER, by_file)  # counts merges
    # per column: each file gives its columns, the newest non-null value of each wins (daily_merge)
    df = _merge_daily_columns(df.iloc[first], by_file)
    df = df.iloc[stable_order(df, ["platform", "account", "date"])]
    _count_kept(df["_file"], by_file)
    extra = {"snapshot_at": TIMESTAMP, "layout": STRING}
    extra.update({k: v for k, v in _extra_dtypes(df, registry, ACCOUNT_DAILY).items() if k not in POSTS_EXTRA})
    extra.update(daily_merge.layout_columns(df, registry, {**POSTS, **POSTS_EXTRA}, ACCOUNT_DAILY, extra))
    return conform_typed(df, ACCOUNT_DAILY, extra)


def _merge_daily_columns(ordered: pd.DataFrame, by_file: dict[int, FileRecord]) -> pd.DataFrame:
    """daily_merge.merge_columns over rows in DAILY_ORDER; the files' `columns_given`, their message, and the kept
    rows' `layout` (every layout that gave a value) are filled in."""
    ordered = ordered.reset_index(drop=True)
    merged, given = daily_merge.merge_columns(ordered, ["platform", "account", "date"])
    files = ordered["_file"].to_numpy()
    for f, col, n in daily_merge.columns_given(given, files).itertuples(index=False, name=None):
        d = by_file[int(f)].columns_given
        d[col] = d.get(col, 0) + int(n)
    for f in pd.unique(files):
        rec = by_file[int(f)]
        if rec.duplicates_merged and rec.columns_given:
            text = "、".join(f"{label('ingest.column.' + c).replace('ingest.column.', '')} {k} 个"
                            for c, k in sorted(rec.columns_given.items()))
            rec.messages.append(label("ingest.message.daily_merged").replace("{n}", str(rec.duplicates_merged))
                                .replace("{given}", text))
    if "layout" in merged.columns:
        merged["layout"] = daily_merge.contributors(ordered, given, "layout").reindex(merged.index).fillna(
            merged["layout"].astype("string"))
    return merged


def finish_team(name: str, parts: list[pd.DataFrame], by_file: dict[int, FileRecord]) -> pd.DataFrame:
    dtypes = team_table_dtypes(name)
    extra = {"platform_name": STRING} if "platform" in dtypes else {}
    df = merged_parts(parts)
    if df is None:
        return conform_typed(empty(dtypes), dtypes, extra)
    content = [c for c in dtypes if c not in ("source_file", "source_row") and c in df.columns]
    # identical rows (text compared without spaces), in another file (a roster copied into every month, a table
    # saved twice) or in the same file (a row pasted twice), count once: merged into the first, with a note
    dup = identical_rows(df, content)
    _count_dropped(df.loc[dup, "_file"], by_file)
    for f, r in zip(df.loc[dup, "_file"].tolist()[:20], df.loc[dup, "source_row"].tolist()[:20]):
        by_file[int(f)].messages.append(f"第 {r} 行与前面的一行完全相同（空格不计），已合并，只计一次。")
    df = df[~dup]
    _count_kept(df["_file"], by_file)
    return conform_typed(df, dtypes, extra)
