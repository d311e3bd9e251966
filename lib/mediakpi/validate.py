"""Row-level schemas (pandera) for posts, account_daily and every team table; failing rows are quarantined.

Why pandera: it is the maintained DataFrame-validation library for pandas, validates lazily (every failing row and
rule in one pass, vectorised), and each check carries its own message, so a rule reads as plain Chinese in the
quarantine. Plausibility (negative counts, rates above 1, likes above views) is NOT checked here: 02_clean flags those
and never drops; this layer only sets aside rows that cannot be used at all (no publish time, unreadable cells,
required team-table fields missing, values outside a declared range).
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from .imports import without

with without("hypothesis"):  # pandera's data-synthesis strategies, never used here (mediakpi.imports)
    import pandera.backends.pandas.builtin_checks  # noqa: F401 - imported by the first validation otherwise
    import pandera.pandas as pa

from .catalog import ACCOUNT_DAILY, PLATFORMS, POSTS, team_table_dtypes, team_tables

_EARLIEST = pd.Timestamp("2000-01-01", tz="Asia/Shanghai")
_LATEST = pd.Timestamp("2100-01-01", tz="Asia/Shanghai")


def _nonempty(s: pd.Series) -> pd.Series:
    """Not null and not blank. Computed once per distinct value: `account` repeats one value per file over a
    million rows."""
    codes, uniques = pd.factorize(s)
    ok = pd.Series(uniques).astype("string").str.strip().ne("").fillna(False).to_numpy(dtype=bool)
    out = np.zeros(len(s), dtype=bool)
    valid = codes >= 0
    out[valid] = ok[codes[valid]]
    return pd.Series(out, index=s.index)


def posts_schema() -> pa.DataFrameSchema:
    return pa.DataFrameSchema(
        {
            "platform": pa.Column("string", pa.Check.isin(PLATFORMS, error="平台代码不在支持的平台之内"), nullable=False),
            "account": pa.Column("string", pa.Check(_nonempty, error="账号为空（无法确定文件属于哪个账号）", ignore_na=False), nullable=True),
            "post_id": pa.Column("string", nullable=True, required=False),  # computed after validation
            "published_at": pa.Column(
                POSTS["published_at"],
                [pa.Check(lambda s: s.isna() | ((s >= _EARLIEST) & (s < _LATEST)), error="发布时间不合理（早于 2000 年或晚于 2100 年）"),
                 pa.Check(lambda s: s.notna(), error="缺少发布时间（无法归入任何月份）", ignore_na=False)],
                nullable=True,
            ),
        },
        strict=False,
    )


def account_daily_schema() -> pa.DataFrameSchema:
    return pa.DataFrameSchema(
        {
            "platform": pa.Column("string", pa.Check.isin(PLATFORMS, error="平台代码不在支持的平台之内"), nullable=False),
            "account": pa.Column("string", pa.Check(_nonempty, error="账号为空", ignore_na=False), nullable=True),
            "date": pa.Column(ACCOUNT_DAILY["date"], pa.Check(lambda s: s.notna(), error="缺少日期", ignore_na=False), nullable=True),
        },
        strict=False,
    )


def team_schema(table: str) -> pa.DataFrameSchema:
    spec = team_tables()[table]
    dtypes = team_table_dtypes(table)
    cols = {}
    for col, cs in spec["columns"].items():
        checks = []
        header = cs["header"]
        if cs.get("required"):
            checks.append(pa.Check(_nonempty, error=f"必填项“{header}”为空", ignore_na=False))
        rng = cs.get("range")
        if rng:
            lo, hi = rng
            if lo is not None and hi is not None:
                checks.append(pa.Check(lambda s, lo=lo, hi=hi: s.isna() | ((s >= lo) & (s <= hi)),
                                       error=f"“{header}”应在 {lo} 到 {hi} 之间"))
            elif lo is not None:
                checks.append(pa.Check(lambda s, lo=lo: s.isna() | (s >= lo), error=f"“{header}”不能小于 {lo}"))
            elif hi is not None:
                checks.append(pa.Check(lambda s, hi=hi: s.isna() | (s <= hi), error=f"“{header}”不能大于 {hi}"))
        cols[col] = pa.Column(dtypes[col], checks, nullable=True, required=False)
    return pa.DataFrameSchema(cols, strict=False)


SCHEMAS = {"posts": posts_schema, "account_daily": account_daily_schema}


@lru_cache(maxsize=None)
def schema_for(table: str) -> pa.DataFrameSchema:
    """The pandera schema of a processed table: `posts`, `account_daily` or a team table name."""
    return SCHEMAS[table]() if table in SCHEMAS else team_schema(table)


def failing_rows(df: pd.DataFrame, table: str) -> pd.Series:
    """Reason per row (plain Chinese, rules joined by '；'), null for rows that pass. Index aligned with df."""
    reasons = pd.Series(pd.NA, index=df.index, dtype="string")
    if df.empty:
        return reasons
    try:
        schema_for(table).validate(df, lazy=True)
        return reasons
    except pa.errors.SchemaErrors as exc:
        fc = exc.failure_cases
    fc = fc[fc["index"].notna()]
    for idx, group in fc.groupby("index"):
        msgs = []
        for _, r in group.iterrows():
            check = str(r["check"])
            if check == "not_nullable":
                check = f"“{r['column']}”为空"
            elif check.startswith("dtype("):
                check = f"“{r['column']}”类型不对"
            if check not in msgs:
                msgs.append(check)
        if idx in reasons.index:
            reasons.loc[idx] = "；".join(msgs)
    return reasons


def validate(df: pd.DataFrame, table: str, parse_reasons: pd.Series | None = None) -> tuple[pd.DataFrame, pd.Series]:
    """-> (rows that pass, reasons for the rows that fail). Parse errors found earlier (unreadable cells) join in."""
    reasons = failing_rows(df, table)
    if parse_reasons is not None:
        pr = parse_reasons.reindex(df.index)
        both = reasons.notna() & pr.notna()
        joined = pr + "；" + reasons
        reasons = reasons.fillna(pr).mask(both, joined)
    bad = reasons.notna()
    return df[~bad], reasons[bad]
