"""Writing the processed tables: Parquet, atomically (a temporary file renamed into place), in row groups.

A million posts converted to Arrow in one piece double the memory of the frame for the length of the write; slices
of `ROWS_PER_GROUP` rows keep that to one slice. The file reads back to the same DataFrame as `DataFrame.to_parquet`
gives (the pandas metadata is the whole frame's); only its row groups differ.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

ROWS_PER_GROUP = 200_000


def write_parquet(df: pd.DataFrame, path: str | Path, rows_per_group: int = ROWS_PER_GROUP) -> Path:
    """Write `df` (without its index) to `path`; readers never see a half-written file."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    if len(df) <= rows_per_group or df.attrs:  # small, or attrs to keep: pandas' own writer in one piece
        df.to_parquet(tmp, index=False)
    else:
        frame = df.reset_index(drop=True)
        schema = pa.Schema.from_pandas(frame.iloc[:0], preserve_index=False)
        with pq.ParquetWriter(tmp, schema) as writer:
            for start in range(0, len(frame), rows_per_group):
                part = frame.iloc[start:start + rows_per_group]
                writer.write_table(pa.Table.from_pandas(part, schema=schema, preserve_index=False))
    tmp.replace(path)
    return path


def release_memory() -> None:
    """Hand memory freed by Arrow (its allocator keeps it: a few hundred MB after reading or building a million
    posts) and by the C heap back to the system. Only a hint; does nothing where unsupported."""
    try:
        import pyarrow as pa

        pa.default_memory_pool().release_unused()
    except Exception:  # noqa: BLE001 - only a memory hint
        pass
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except Exception:  # noqa: BLE001 - not glibc
        pass


__all__ = ["write_parquet", "release_memory", "ROWS_PER_GROUP"]
