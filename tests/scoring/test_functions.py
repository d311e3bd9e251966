import math

import numpy as np
import pandas as pd
import pytest

from mediakpi.scoring import bands, bonus, deduction, inverse, linear, rubric
from mediakpi.scoring.functions import achievement


def test_linear_worked_example_from_the_issue():
    # 计划12条，按时11条，按时率91.7%，目标95% → 96.5
    assert round(linear(11 / 12, 0.95), 1) == 96.5


def test_linear_caps_and_floors():
    assert linear(2.0, 1.0) == 120.0
    assert linear(-0.01, 0.02) == 0.0          # negative growth scores the floor
    assert linear(0.5, 1.0) == 50.0


def test_linear_target_zero_is_met_by_any_non_negative_actual():
    assert linear(0, 0) == 100.0
    assert linear(0.1, 0) == pytest.approx(110.0)
    assert linear(-1, 0) == 0.0


def test_no_data_gives_no_score_not_zero():
    s = linear(pd.Series([1.0, None, 3.0], index=[5, 6, 7]), 2.0)
    assert list(s.index) == [5, 6, 7]
    assert s[5] == 50.0 and math.isnan(s[6]) and s[7] == 120.0


def test_vectorised_targets():
    out = linear(np.array([1.0, 2.0, 3.0]), np.array([2.0, 2.0, 0.0]))
    assert out.tolist() == [50.0, 100.0, 120.0]


def test_inverse_lower_is_better():
    assert inverse(1, 1) == 100.0
    assert inverse(2, 1) == 0.0       # twice the allowed value
    assert inverse(0.5, 1) == 120.0   # capped
    assert inverse(0, 0) == 100.0
    assert inverse(0.3, 0) == pytest.approx(70.0)


def test_achievement_negative_target_infor_rule():
    # (a - t + |t|)/|t|: target -10, actual -5 → 1.5
    assert achievement(-5, -10) == pytest.approx(1.5)


def test_bands_threshold_target_stretch():
    x = pd.Series([0.5, 0.6, 0.7, 0.8, 0.875, 0.95, 1.0])
    assert bands(x, 0.6, 0.8, 0.95).round(6).tolist() == [0.0, 60.0, 80.0, 100.0, 110.0, 120.0, 120.0]


def test_bands_degenerate_and_missing():
    assert bands(1.0, 1.0, 1.0, 1.0) == 120.0
    assert bands(0.99, 1.0, 1.0, 1.0) == 0.0
    assert math.isnan(bands(float("nan"), 0, 1, 2))


def test_rubric_scales():
    assert rubric(86) == 86.0
    assert rubric(4, scale=5) == 80.0
    assert rubric(5, scale=5) == 100.0


def test_deduction_per_event_with_cap():
    assert deduction(2, 10) == 80.0
    assert deduction(30, 10) == 0.0              # floor 0
    assert deduction(3, 10, cap=15) == 85.0      # at most 15 taken


def test_bonus_capped_and_missing_is_zero():
    assert bonus(2, 3, cap=9) == 6.0
    assert bonus(5, 3, cap=9) == 9.0
    assert bonus(float("nan"), 3) == 0.0
