"""Earlier months from data/processed/, for baselines and trends (no stage reads another period's raw files)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from . import catalog
from .fastops import text_codes
from .paths import Workspace
from .periods import Period, previous_months


def _dataset(name: str) -> str:
    """A dataset name of the catalog (a file name such as "posts.parquet" is accepted too)."""
    if name in catalog.datasets():
        return name
    return next(n for n, d in catalog.datasets().items() if d.file == name)


def read_months(ws: Workspace, months: list[str], dataset: str, columns=None,
                warnings: list[str] | None = None, tag: bool = False, filters=None) -> pd.DataFrame:
    """Concatenate `dataset` (catalog name) from the processed folders of `months` (those that exist), oldest first.

    `columns` (see catalog.load) reads only those: twelve months of a 1M-post team do not fit in memory with all
    columns. With a `warnings` list, an unreadable month is skipped with a Chinese line there instead of raising.
    `tag` adds a `history_month` column; `filters` (see catalog.load) keeps only the rows they match, while
    reading. Empty when no month exists.
    """
    name = _dataset(dataset)
    frames = []
    for month in months:
        try:
            frame = catalog.load(ws.processed(month), name, columns=columns, filters=filters)
        except catalog.DatasetMissing:
            continue
        except catalog.DatasetError as exc:
            if warnings is None:
                raise
            warnings.append(f"{month}：{exc.message}该月不计入历史。")
            continue
        if tag:
            frame["history_month"] = month
        frames.append(frame)
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def month_range(start: str, end: str) -> list[str]:
    """The months from `start` to `end` inclusive (YYYY-MM), oldest first."""
    from .periods import month_shift

    first, last = Period.parse(start).months[0], Period.parse(end).months[-1]
    if first > last:
        raise ValueError(f"月份范围 {start}–{end} 的开始晚于结束。")
    months = [first]
    while months[-1] < last:
        months.append(month_shift(months[-1], 1))
    return months


def load_history(ws: Workspace, start: str, end: str, table: str = "posts_clean", columns=None,
                 persons: list[str] | None = None, platforms: list[str] | None = None) -> pd.DataFrame:
    """One table of many months of the processed store in one call (00_explore.ipynb): `table` (a catalog dataset,
    e.g. posts_clean, account_month, scorecard) of every month from `start` to `end` that
    has it, with the month as the column `period`, keeping only the given persons (`operator`) and platforms (a
    table without such a column is not filtered by it).

    pandas reading each month's Parquet file (read_months), only the wanted columns. Chosen by measurement (`mediakpi
    bench --history`, README "For analysts"): loading 12 months into a DataFrame took 1.2 s this way against 5.6 s
    through DuckDB; DuckDB is faster only when the aggregation itself runs in SQL."""
    if columns is not None:
        filtered = (["operator"] if persons else []) + (["platform"] if platforms else [])
        columns = list(dict.fromkeys([*columns, *filtered]))
    frame = read_months(ws, month_range(start, end), table, columns, tag=True)
    if frame.empty:
        return frame
    for column, wanted in (("operator", persons), ("platform", platforms)):
        if wanted and column in frame.columns:
            frame = frame[frame[column].isin(list(wanted)).fillna(False).to_numpy(dtype=bool)]
    frame = frame.drop(columns=["period"], errors="ignore").rename(columns={"history_month": "period"})
    if columns is not None:   # the columns asked for, in that order, then the period
        frame = frame[[c for c in columns if c in frame.columns and c != "period"] + ["period"]]
    return frame.reset_index(drop=True)


def earlier_tables(ws: Workspace, period: str, dataset: str, months: int = 3, columns: list[str] | None = None,
                   warnings: list[str] | None = None) -> pd.DataFrame:
    """`dataset` of the `months` months before the period's first month (see read_months), with `history_month`."""
    first = Period.parse(period).months[0]
    return read_months(ws, previous_months(first, months), dataset, columns, warnings, tag=True)


def posts_before(ws: Workspace, period: str, current_posts: pd.DataFrame, months: int = 3,
                 columns: list[str] | None = None) -> pd.DataFrame:
    """Posts published before the period: those still listed in this period's (cumulative) exports, plus those kept in
    earlier processed months; one row per post (the newest snapshot wins). `columns` limits what is read from the
    earlier months and kept of the current posts (the keys and `published_at`/`snapshot_at` always are)."""
    start = Period.parse(period).start
    current = current_posts
    if columns is not None:
        columns = list(dict.fromkeys(["platform", "account", "post_id", "published_at", "snapshot_at", *columns]))
        wanted = set(columns)
        # a million current posts carry dozens of columns: select the few wanted ones before any row is copied
        current = current_posts[[c for c in current_posts.columns if c in wanted]]
    earlier = earlier_tables(ws, period, "posts", months, columns=columns)
    parts = [current[current["published_at"] < start]]
    if not earlier.empty:
        parts.append(earlier.drop(columns=["history_month"]))
    hist = pd.concat([p for p in parts if not p.empty], ignore_index=True) if any(not p.empty for p in parts) else current_posts.iloc[0:0]
    if hist.empty:
        return hist
    order = "snapshot_at" if "snapshot_at" in hist.columns else "published_at"
    key = row_keys(hist, ["platform", "account", "post_id"])
    if key is None:   # too many distinct keys for one int64
        hist = hist.sort_values(order, na_position="first")
        return hist.drop_duplicates(["platform", "account", "post_id"], keep="last").reset_index(drop=True)
    # what sort_values + drop_duplicates(keep="last") give, with one row copy instead of two: the sort order as
    # sort_values computes it (Series.sort_values orders exactly as DataFrame.sort_values by one column), then the
    # last row per integer key
    hist = hist.reset_index(drop=True)
    indexer = hist[order].sort_values(na_position="first").index.to_numpy()
    last = ~pd.Series(key[indexer]).duplicated(keep="last").to_numpy()
    return hist.take(indexer[last]).reset_index(drop=True)


def row_keys(frame: pd.DataFrame, columns: list[str]) -> np.ndarray | None:
    """One int64 per row such that two rows get the same number exactly when they agree on all `columns` (a missing
    value equals a missing value, as in drop_duplicates); None when the combinations do not fit in int64."""

    key = np.zeros(len(frame), dtype=np.int64)
    size = 1
    for col in columns:
        codes, n = text_codes(frame[col])
        size *= max(n, 1)
        if size >= 2**62:
            return None
        key = key * np.int64(max(n, 1)) + codes
    return key
