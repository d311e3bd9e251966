"""store.write_parquet: the file reads back as DataFrame.to_parquet's does, in row groups, atomically."""
import numpy as np
import pandas as pd
import pyarrow.parquet as pq

from mediakpi.store import write_parquet


def test_sliced_write_reads_back_like_to_parquet(tmp_path):
    n = 1000
    rng = np.random.default_rng(0)
    df = pd.DataFrame({
        "s": pd.array([None if i % 7 == 0 else f"标题{i}" for i in range(n)], dtype="string"),
        "i": pd.array([None if i % 5 == 0 else i for i in range(n)], dtype="Int64"),
        "f": rng.random(n), "b": pd.array([None if i % 3 == 0 else i % 2 == 0 for i in range(n)], dtype="boolean"),
        "t": pd.Series(pd.date_range("2026-10-01", periods=n, freq="h", tz="Asia/Shanghai")),
        "flag": rng.random(n) > 0.5,
    }, index=np.arange(n) * 3)                        # a non-default index is not written, as with index=False
    df.loc[df.index[:400], "s"] = pd.NA                 # a first row group with only nulls in one column
    ref = tmp_path / "ref.parquet"
    df.to_parquet(ref, index=False)
    out = write_parquet(df, tmp_path / "t.parquet", rows_per_group=300)
    pd.testing.assert_frame_equal(pd.read_parquet(out), pd.read_parquet(ref))
    assert pq.ParquetFile(out).num_row_groups == 4
    assert not list(tmp_path.glob("*.tmp"))


def test_small_frames_and_attrs_use_pandas_writer(tmp_path):
    df = pd.DataFrame({"a": [1, 2]})
    df.attrs = {"summary": ["一行"]}
    out = write_parquet(df, tmp_path / "a.parquet", rows_per_group=1)
    assert pd.read_parquet(out).attrs == {"summary": ["一行"]}
