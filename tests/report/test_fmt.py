"""mediakpi.fmt: every number a reader sees, by its unit (issue 16's examples)."""
import math

import pandas as pd
import pytest

from mediakpi import fmt


@pytest.mark.parametrize("value, unit, expected", [
    (0.0127, "%", "1.3%"), (0.02, "%", "2.0%"), (6.0, "条", "6条"), (1234, "次", "1,234次"),
    (123456, "次", "12.3万次"), (100000, "次", "10万次"), (86.0, "分", "86.0分"), (1.85, "×", "1.85×"),
    (45, "秒", "45秒"), (125, "秒", "2分05秒"), (3780, "秒", "1小时03分"), (2.5, "条", "2.5条"),
    (None, "%", "—"), (float("nan"), "条", "—"), (pd.NA, "", "—"), (3.0, "", "3"), (0.126, "", "0.13"),
])
def test_value_by_unit(value, unit, expected):
    assert fmt.value(value, unit) == expected


def test_lower_bound_is_shown_as_such():
    assert fmt.count(100000, lower_bound=True) == "10万+"
    assert fmt.value(100000, "次", lower_bound=True) == "10万+次"


def test_changes():
    assert fmt.signed_percent(-0.159249) == "-15.9%"       # 阅读/播放环比, not "-0.2"
    assert fmt.signed_pp(0.00482) == "+0.5个百分点"          # 互动率环比, not "0.0"
    assert fmt.signed_pp(0.00001) == "±0.0个百分点"
    assert fmt.signed(7.2) == "+7.2" and fmt.signed(-4.9) == "-4.9"
    assert fmt.signed(7.2, fmt.POINTS) == "+7.2分" and fmt.signed(0.01, fmt.POINTS) == "±0.0分"
    assert fmt.change(0.87, 0.80, "%") == "+7.0个百分点"
    assert fmt.change(6, 4, "条") == "+50.0%"
    assert fmt.change(None, 4, "条") == "—"


def test_score_has_one_decimal():
    assert fmt.score(93.4244873956262) == "93.4" and fmt.score(None) == "—"
    assert not math.isnan(fmt.num("x") or 0)
