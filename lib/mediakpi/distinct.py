"""Work done once per distinct value and spread back over the rows.

Exports and processed tables repeat their cells a great deal (是/否, 10万+, the same slot time, the same title, a few
thousand account names over a million rows), and text parsing and formatting cost per value, so the stages compute
them on the distinct values only.
"""
from __future__ import annotations

import pandas as pd


def on_distinct(s: pd.Series, fn):
    """fn applied once to the distinct values of `s`, its result spread back over the rows of `s`.

    fn takes the distinct values as a Series (object dtype, index 0..k-1; a null value stays null, as one value) and
    returns a Series, a DataFrame, or a tuple of them, aligned to it; the result has the same shape, indexed like `s`."""
    codes, uniques = pd.factorize(s.astype(object), use_na_sentinel=False)
    repeated = len(uniques) != len(s)
    res = fn(pd.Series(uniques, dtype=object) if repeated else s.astype(object).reset_index(drop=True))

    def spread(r):
        return (r.iloc[codes] if repeated else r).set_axis(s.index)
    return tuple(spread(r) for r in res) if isinstance(res, tuple) else spread(res)


def map_distinct(values: pd.Series, func) -> pd.Series:
    """values.map(func), with func called once per distinct value (a missing value included), not once per row."""
    out = on_distinct(values, lambda u: pd.Series([func(v) for v in u.tolist()], index=u.index, dtype=object))
    return out.rename(values.name)


__all__ = ["on_distinct", "map_distinct"]
