"""account_daily merged per column: each file contributes its columns, the newest non-null value of each column wins.

Account-level downloads often hold one metric per file (Douyin 数据总览: 总粉丝量, 净增粉丝, 取关粉丝 … each its own
file; Xiaohongshu 近30日: a sheet per metric), so two rows of one (platform, account, date) are rarely copies of each
other: they are parts of one day. Keeping the newest row whole (as for posts) would drop every series but one.

`merge_columns` is a pure function over rows already in precedence order (ingest's DAILY_ORDER: the later snapshot,
then the file reaching the later day, then path order; the last row of a key is the newest): the key's newest row is
the one kept (its source_file, snapshot_at …), and each value column takes the last non-null value of the key.
`given` says, for every value written, which row gave it, so that the manifest can say which file gave which column.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

# columns that describe the row rather than the day's figures (never merged: the kept row's own values stay)
BOOKKEEPING = ("platform", "account", "operator", "date", "source_file", "source_row", "snapshot_at", "layout",
               "ownership")


def value_columns(df: pd.DataFrame) -> list[str]:
    """The day's figures: every column that is not a key, bookkeeping or internal (`_…`)."""
    return [c for c in df.columns if c not in BOOKKEEPING and not str(c).startswith("_")]


def merge_columns(df: pd.DataFrame, keys: list[str], columns: list[str] | None = None
                  ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Rows in precedence order (later rows win) -> (one row per key, provenance).

    The result keeps, per key, its last row (index preserved), with each of `columns` (default value_columns) set to
    the last non-null value of that column within the key (null when no row has one). Provenance: one row per value
    written, `row` = the position in `df` of the row that gave it, `kept` = the position of the key's kept row,
    `column`. The result does not depend on the order of rows of different keys, nor on rows whose columns are all
    null."""
    cols = value_columns(df) if columns is None else list(columns)
    n = len(df)
    if n == 0:
        return df.copy(), pd.DataFrame({"row": pd.Series(dtype=np.int64), "kept": pd.Series(dtype=np.int64),
                                        "column": pd.Series(dtype=object)})
    gid = df.groupby(keys, sort=False, dropna=False).ngroup().to_numpy()
    ngroups = int(gid.max()) + 1
    pos = np.arange(n)
    last = np.full(ngroups, -1, dtype=np.int64)
    np.maximum.at(last, gid, pos)                       # each key's last row: the kept one
    out = df.iloc[np.sort(last)].copy()
    kept_of_group = last
    group_of_out = gid[np.sort(last)]
    prov: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    for c in cols:
        v = df[c]
        has = v.notna().to_numpy(dtype=bool)
        src = np.full(ngroups, -1, dtype=np.int64)
        if has.any():
            np.maximum.at(src, gid[has], pos[has])     # the last row with a value, per key
        take = src[group_of_out]
        ok = take >= 0
        col = v.take(np.where(ok, take, 0)).to_numpy()
        newcol = pd.Series(col, index=out.index, dtype=v.dtype)
        if not ok.all():
            newcol = newcol.where(pd.Series(ok, index=out.index))
        out[c] = newcol
        g = group_of_out[ok]
        prov.append((take[ok], kept_of_group[g], np.full(int(ok.sum()), len(prov), dtype=np.int32)))
    if not prov:
        return out, pd.DataFrame({"row": pd.Series(dtype=np.int64), "kept": pd.Series(dtype=np.int64),
                                  "column": pd.Categorical([], categories=cols)})
    given = pd.DataFrame({"row": np.concatenate([p[0] for p in prov]), "kept": np.concatenate([p[1] for p in prov]),
                          "column": pd.Categorical.from_codes(np.concatenate([p[2] for p in prov]), categories=cols)})
    return out, given


def contributors(df: pd.DataFrame, given: pd.DataFrame, column: str) -> pd.Series:
    """Per kept row (index of the merged frame), the distinct values of `column` (e.g. `layout`) of the rows that
    gave it a value, sorted and joined with ","."""
    if given.empty:
        return pd.Series(dtype="string")
    # only values given by another row than the kept one can add anything (usually none: one file per day)
    other = given[given["row"].to_numpy() != given["kept"].to_numpy()]
    if other.empty:
        return pd.Series(dtype="string")
    keys = np.unique(other["kept"].to_numpy(dtype=np.int64))
    sub = given[np.isin(given["kept"].to_numpy(dtype=np.int64), keys)]
    vals = df[column].astype("string").to_numpy(dtype=object)
    t = pd.DataFrame({"kept": df.index.to_numpy()[sub["kept"].to_numpy(dtype=np.int64)],
                      "v": vals[sub["row"].to_numpy(dtype=np.int64)]}).dropna().drop_duplicates()
    return t.sort_values(["kept", "v"]).groupby("kept", sort=False)["v"].agg(",".join).astype("string")


def layout_columns(df: pd.DataFrame, registry, known: dict[str, str], base: dict[str, str],
                   have: dict[str, str]) -> dict[str, str]:
    """The further account_daily columns present in `df` that an account-level layout declares (Douyin 主页访问 and
    封面点击率 are also post columns: their dtype is the posts' one in `known`, else the layout form's)."""
    from .. import catalog

    out: dict[str, str] = {}
    for lay in registry.layouts:
        if lay.spec.target != "account_daily":
            continue
        held = lay.spec.metric_from_sheet.column if lay.spec.metric_from_sheet else None
        for col, cs in lay.spec.columns.items():
            if col in base or col in have or col in out or col == held or col not in df.columns:
                continue
            out[col] = known.get(col, catalog.form_dtype(cs.form))
    return out


def columns_given(given: pd.DataFrame, files: np.ndarray) -> pd.DataFrame:
    """Provenance -> (file, column, values): how many values of each column each file gave. `files`: the file of
    each row of the frame merge_columns was given."""
    if given.empty:
        return pd.DataFrame({"file": pd.Series(dtype=np.int64), "column": pd.Series(dtype=object),
                             "values": pd.Series(dtype=np.int64)})
    f = files[given["row"].to_numpy(dtype=np.int64)]
    col = given["column"]
    col = col if isinstance(col.dtype, pd.CategoricalDtype) else col.astype("category")
    codes, cats = col.cat.codes.to_numpy(dtype=np.int64), col.cat.categories.to_numpy()
    fu, fi = np.unique(f, return_inverse=True)
    pair, n = np.unique(fi * len(cats) + codes, return_counts=True)
    return pd.DataFrame({"file": fu[pair // len(cats)], "column": cats[pair % len(cats)], "values": n})


__all__ = ["layout_columns", "merge_columns", "columns_given", "contributors", "value_columns", "BOOKKEEPING"]
