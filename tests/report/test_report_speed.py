"""Issue 18 (speed at scale): the report's team-wide forms give what the per-person / per-row forms gave.

Each reference below is the earlier implementation, kept here as the oracle: the fast form must agree with it on
awkward inputs (ties, missing values, missing operators, index labels that are not positions)."""
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from mediakpi.report import person


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.floats(min_value=-1e6, max_value=1e6), st.just(float("nan")),
                          st.integers(-5, 5), st.none()), max_size=20))
def test_review_mean_is_pandas_mean(values):
    fast = person.mean_of(values)
    slow = pd.to_numeric(pd.Series(values, dtype=object), errors="coerce").mean()
    assert (pd.isna(fast) and pd.isna(slow)) or fast == slow


