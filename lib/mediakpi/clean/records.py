"""The two record types every check produces: post-level flags and data-quality notes (plain Chinese)."""
from __future__ import annotations

import pandas as pd

from .. import catalog
from ..labels import label
from ..catalog import PLATFORMS, empty
from ..catalog import conform as schema_conform

LEVELS = ("error", "warn", "info")

# the schemas of flags.parquet and data_quality_notes.parquet live in the catalog
FLAGS = catalog.FLAGS
NOTES = catalog.NOTES



def conform(df: pd.DataFrame, columns: dict[str, str], extra: dict[str, str] | None = None) -> pd.DataFrame:
    """catalog.conform, with missing columns added as typed nulls first (catalog.conform cannot make a float64 column
    from pd.NA)."""
    df = df.copy(deep=False)   # copy-on-write (pandas 3): shallow is enough, the caller's frame is never changed
    for col, dtype in columns.items():
        if col not in df.columns:
            df[col] = pd.Series(index=df.index, dtype=dtype)
    return schema_conform(df, columns, extra)


def note(level: str, scope: str, subject: str, message: str) -> dict:
    assert level in LEVELS, level
    return {"level": level, "scope": scope, "subject": subject, "message": message}


def notes_frame(rows: list[dict]) -> pd.DataFrame:
    if not rows:
        return empty(NOTES)
    df = pd.DataFrame(rows)
    order = {lvl: i for i, lvl in enumerate(LEVELS)}
    df = df.assign(_o=df["level"].map(order)).sort_values("_o", kind="stable").drop(columns="_o")
    return df.astype(NOTES).reset_index(drop=True)


def flags_from(posts: pd.DataFrame, mask: pd.Series, check: str, level: str, messages) -> pd.DataFrame:
    """Flag rows for the posts selected by `mask`; `messages` is one string or a Series aligned with posts."""
    mask = mask.fillna(False).astype(bool)
    if not mask.any():                    # most checks fire for no post: no row selection over every column
        return empty(FLAGS)
    cols = [c for c in ["platform", "account", "operator", "post_id", "title", "source_file", "source_row", "in_period"]
            if c in posts.columns]
    sel = posts.loc[mask, cols] if cols else posts.loc[mask]   # only the columns a flag row carries
    if sel.empty:
        return empty(FLAGS)
    out = pd.DataFrame(index=sel.index)
    for col in ["platform", "account", "operator", "post_id", "title", "source_file", "source_row", "in_period"]:
        out[col] = sel[col] if col in sel.columns else pd.NA
    out["check"] = check
    out["level"] = level
    out["message"] = messages.loc[sel.index] if isinstance(messages, pd.Series) else messages
    return out[list(FLAGS)].astype(FLAGS)


def concat_flags(frames: list[pd.DataFrame]) -> pd.DataFrame:
    frames = [f for f in frames if f is not None and not f.empty]
    if not frames:
        return empty(FLAGS)
    return pd.concat(frames, ignore_index=True).astype(FLAGS)


def column_name(col: str) -> str:
    """The Chinese name of a posts column for messages (labels `quality.metric.<col>`), else the column itself."""
    key = f"quality.metric.{col}"
    name = label(key)
    return col if name == key else name


def platform_name(code) -> str:
    if code is None or pd.isna(code):
        return "未知平台"
    return label(f"platform.{code}") if code in PLATFORMS else str(code)


def account_subject(platform, account) -> str:
    acc = "（无账号名）" if account is None or pd.isna(account) else str(account)
    return f"{platform_name(platform)} / {acc}"


def fmt_num(x) -> str:
    if type(x) is float:                  # the common case, without pd.isna's dispatch (called per row at scale)
        if x != x:
            return "—"
    elif x is None or pd.isna(x):
        return "—"
    else:
        x = float(x)
    return f"{x:,.0f}" if abs(x) >= 100 or x == int(x) else f"{x:,.2f}"
