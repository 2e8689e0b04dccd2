"""Whole-array run detection: the building blocks every measure relies on."""

import numpy as np
import pytest

from isdc.scoring import signals as S


def test_runs_finds_every_run_with_exclusive_ends():
    mask = np.array([1, 1, 0, 0, 1, 0, 1, 1, 1], dtype=bool)
    starts, ends = S.runs(mask)
    assert starts.tolist() == [0, 4, 6]
    assert ends.tolist() == [2, 5, 9]


def test_runs_of_nothing_and_of_empty_arrays():
    assert [a.size for a in S.runs(np.zeros(5, dtype=bool))] == [0, 0]
    assert [a.size for a in S.runs(np.zeros(0, dtype=bool))] == [0, 0]


def test_hysteresis_starts_above_enter_and_lasts_until_below_leave():
    # Rises past 0.3 (leave), past 0.4 (enter) at index 3, dips to 0.35 (still above leave),
    # falls below leave at index 7. A second bump reaches only 0.38: never enters.
    value = np.array([0.0, 0.32, 0.38, 0.45, 0.35, 0.42, 0.31, 0.1, 0.38, 0.2])
    starts, ends = S.hysteresis_runs(value, enter=0.4, leave=0.3)
    assert starts.tolist() == [3]
    assert ends.tolist() == [7]


def test_hysteresis_respects_the_allowed_mask_and_ignores_nan():
    value = np.array([0.5, 0.5, np.nan, 0.5, 0.5, 0.5])
    allowed = np.array([True, True, True, False, True, True])
    starts, ends = S.hysteresis_runs(value, enter=0.4, leave=0.3, allowed=allowed)
    assert list(zip(starts.tolist(), ends.tolist(), strict=True)) == [(0, 2), (4, 6)]


def test_keep_longer_uses_time_not_sample_counts():
    t = np.arange(100) / 10  # 10 Hz
    dt = S.sample_durations(t)
    starts, ends = np.array([0, 20]), np.array([1, 25])  # 0.1 s and 0.5 s
    kept = S.keep_longer(t, dt, starts, ends, 0.3)
    assert kept[0].tolist() == [20]


def test_merge_close_joins_runs_separated_by_short_gaps():
    t = np.arange(100, dtype=float)
    starts, ends = np.array([0, 10, 50]), np.array([5, 20, 60])
    s, e = S.merge_close(t, starts, ends, gap_s=7)
    assert s.tolist() == [0, 50] and e.tolist() == [20, 60]


def test_peak_index_finds_the_first_maximum_inside_each_run():
    value = np.array([0, 3, 5, 5, 1, 0, 2, 9, 4], dtype=float)
    peaks = S.peak_index(value, np.array([1, 6]), np.array([5, 9]))
    assert peaks.tolist() == [2, 7]


@pytest.mark.parametrize("rate", [30, 60, 100])
def test_lagged_difference_is_the_same_slope_at_any_rate(rate):
    t = np.arange(0, 5, 1 / rate)
    ramp = 2.5 * t
    slope = S.lagged_difference(ramp, t, 0.25)
    inner = slope[np.isfinite(slope)]
    assert inner.size > 0.8 * t.size
    np.testing.assert_allclose(inner, 2.5, rtol=1e-9)


def test_overlapping_compares_run_lists_without_touching_samples():
    starts, ends = np.array([0, 10, 20, 40]), np.array([5, 15, 30, 45])
    others_s, others_e = np.array([28, 4, 50]), np.array([29, 6, 60])  # unsorted on purpose
    assert S.overlapping(starts, ends, others_s, others_e).tolist() == [True, False, True, False]
    # Touching is not overlapping: [5, 10) and [10, 15) share no sample.
    assert S.overlapping(
        np.array([10]), np.array([15]), np.array([5]), np.array([10])
    ).tolist() == [False]


def test_inside_any_tells_which_samples_fall_in_runs():
    points = np.array([0, 3, 5, 9, 12])
    assert S.inside_any(points, np.array([2, 9]), np.array([5, 10])).tolist() == [
        False, True, False, True, False
    ]  # fmt: skip
