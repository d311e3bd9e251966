"""Ingest's C-speed paths (issue 18) read exactly what the full grammar reads: plain decimals through Arrow, the ISO
date forms only tried on cells that begin like them, the header cache. Properties over generated cells (Hypothesis)."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from mediakpi.ingest import numbers
from mediakpi.ingest.dates import parse_datetimes
from mediakpi.ingest.layouts import load_registry
from mediakpi.ingest.numbers import parse_numbers
from mediakpi.ingest.tables import best_candidate, header_score
from mediakpi.periods import TZ

P = load_registry().placeholders

plain = st.from_regex(r"\A[0-9]{1,15}(\.[0-9]{1,15})?\Z", fullmatch=True)
# cells as exports write them: plain numbers, signs, spaces, separators, exponents, units, magnitudes, placeholders
messy = st.one_of(
    plain,
    st.from_regex(r"\A ?[+-]?[0-9]{1,6}(\.[0-9]{0,3})?(e[+-]?[0-9])? ?\Z", fullmatch=True),
    st.from_regex(r"\A[0-9]{1,3}(,[0-9]{3}){1,2}\Z", fullmatch=True),
    st.from_regex(r"\A[<>]?[0-9]{1,3}(\.[0-9]{1,2})?(%|‰|万|w|万\+|星|次)\Z", fullmatch=True),
    st.sampled_from(["-", "--", "—", "", " ", "暂无", "nan", "inf", "-inf", "１２３", "12.", ".5", "abc", "1.2.3"]),
)


def _oracle(cells: list[str], form: str) -> np.ndarray:
    """What the column reads as by definition: pandas' number reader where it gives a finite number, else the full
    grammar (forms int and float, whose fast path has no scale)."""
    raw = pd.Series(cells, dtype=object)
    fast = pd.to_numeric(raw, errors="coerce").astype("float64")
    fast = fast.where(np.isfinite(fast))
    rest = fast.isna() & raw.notna() & raw.ne("")
    if rest.any():
        fast[rest] = numbers._parse_slow(raw[rest], form, P).values
    return fast.to_numpy()


@settings(max_examples=200, deadline=None)
@given(st.lists(plain, min_size=1, max_size=40))
def test_plain_decimals_read_bit_for_bit_as_python_float(cells):
    p = parse_numbers(pd.Series(cells, dtype=object), "float", P)
    assert p.values.tolist() == [float(c) for c in cells]
    assert not p.bad.any()


@settings(max_examples=300, deadline=None)
@given(st.lists(messy, min_size=1, max_size=40), st.sampled_from(["int", "float"]))
def test_number_columns_read_as_the_grammar_defines_them(cells, form):
    got = parse_numbers(pd.Series(cells, dtype=object), form, P).values.to_numpy(dtype="float64")
    want = _oracle(cells, form)
    assert np.array_equal(got, want, equal_nan=True), list(zip(cells, got, want))


FORMS = ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d", "%Y-%m-%d %H:%M", "%Y年%m月%d日 %H:%M:%S", "%Y/%m/%d %H:%M",
         "%Y.%m.%d", "%Y%m%d"]
moments = st.datetimes(min_value=dt.datetime(2001, 1, 1), max_value=dt.datetime(2035, 12, 31)).map(
    lambda d: d.replace(microsecond=0))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(moments, st.sampled_from(FORMS)), min_size=1, max_size=30),
       st.lists(st.sampled_from(["", "-", "2026-02-30 10:00:00", "2026-13-01", "2026-10-01 25:00", "2026年10月1日24时",
                                 "2026-10-01 12:60", "昨天",
                                 " 2026-10-01 08:00:00"]), max_size=5))
def test_mixed_date_columns_read_every_form(stamped, junk):
    cells = [d.strftime(f) for d, f in stamped] + junk
    ts, bad = parse_datetimes(pd.Series(cells, dtype=object), P)
    for (d, f), got in zip(stamped, ts.iloc[:len(stamped)]):
        want = pd.Timestamp(d.strftime(f.replace("年", "-").replace("月", "-").replace("日", "")
                                        .replace("/", "-").replace(".", "-")) if f != "%Y%m%d"
                            else d.strftime("%Y-%m-%d")).tz_localize(TZ)
        assert got == want, (d.strftime(f), got, want)
    assert not bad.iloc[:len(stamped)].any()
    # junk: impossible dates are bad, placeholders are missing, a padded ISO cell is still read (by the grammar)
    for cell, got, is_bad in zip(junk, ts.iloc[len(stamped):], bad.iloc[len(stamped):]):
        if cell.strip() in ("", "-"):
            assert pd.isna(got) and not is_bad
        elif cell == " 2026-10-01 08:00:00":
            assert got == pd.Timestamp("2026-10-01 08:00:00", tz=TZ) and not is_bad
        else:
            assert pd.isna(got) and is_bad, cell


def test_header_cache_gives_the_same_answers_as_a_fresh_look():
    from mediakpi.ingest import tables

    reg = load_registry()
    score = header_score(reg)
    row = ["视频标题", "发布时间", "播放量(次)", "游客播放占比", "14029", "", " 点赞量 ", "评论量"]
    tables._header_cells(reg).kinds.clear()
    first = (score(row), best_candidate(reg, row))
    assert first[0] == 5 and first[1][0] is not None   # 播放量(次) counts only once its unit is split off
    assert first[1][1]["views"] == (2, "次")
    for _ in range(2):   # from the cache
        assert (score(list(row)), best_candidate(reg, list(row))) == first
    assert best_candidate(reg, ["14029", "0.5%", "标题"]) == (None, {}, 0)


cell_values = st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(-10**16, 10**16).map(float),
                        st.integers(-10**6, 10**6), st.booleans(), st.none(), st.text(max_size=5),
                        st.datetimes(min_value=dt.datetime(2001, 1, 1), max_value=dt.datetime(2035, 1, 1)))


@given(st.lists(cell_values, min_size=1, max_size=30))
def test_spreadsheet_columns_become_the_same_text_as_cell_by_cell(values):
    from mediakpi.ingest.grid import _cell, _frame

    rows = [["播放量", "标题"]] + [[v, "x"] for v in values]    # a header above the numbers, as in every export
    assert _frame(rows)[0].tolist() == ["播放量"] + [_cell(v) for v in values]
