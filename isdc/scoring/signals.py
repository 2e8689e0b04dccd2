"""Whole-array signal helpers for scoring: sample durations, runs of a condition, hysteresis.

Everything here works on complete numpy arrays at once (runs are found with ``np.diff`` on a
padded boolean mask), so a one-hour run costs a few passes over memory instead of a Python loop
over 216,000 samples. Durations are measured from the time column, never from sample counts, so
the same drive recorded at 30 Hz and at 60 Hz gives the same answers.
"""

from __future__ import annotations

import numpy as np

_EMPTY = np.empty(0, dtype=np.intp)

# Episodes of one kind (speeding, close following) closer together than this are one episode.
EPISODE_MERGE_S = 3.0


def dot(a: np.ndarray, b: np.ndarray) -> float:
    """Sum of products, computed in float64 without BLAS.

    ``np.dot`` hands large float64 vectors to a multi-threaded BLAS, whose thread hand-off
    costs milliseconds on a busy two-core machine; einsum's own loop costs 0.06 ms per
    million-sample hour and never waits for another thread.
    """
    return float(np.einsum("i,i->", a, b, dtype=np.float64, casting="unsafe"))


def sample_durations(t: np.ndarray) -> np.ndarray:
    """How long each sample stands for: the time to the next sample, the last one a nominal step.

    Summing these over a mask gives the time that condition held, independent of the rate.
    """
    n = t.shape[0]
    if n == 0:
        return np.empty(0, dtype=np.float64)
    dt = np.empty(n, dtype=np.float64)
    if n == 1:
        dt[0] = 0.0
        return dt
    np.subtract(t[1:], t[:-1], out=dt[:-1])
    dt[-1] = (t[-1] - t[0]) / (n - 1)
    return dt


def runs(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Start and end (exclusive) indices of every run of consecutive True values."""
    if mask.shape[0] == 0:
        return _EMPTY, _EMPTY
    edges = np.diff(mask.view(np.int8), prepend=np.int8(0), append=np.int8(0))
    starts = np.flatnonzero(edges == 1)
    ends = np.flatnonzero(edges == -1)
    return starts, ends


def hysteresis_runs(
    value: np.ndarray, enter: float, leave: float, allowed: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Runs that start when ``value`` rises above ``enter`` and last until it falls to ``leave``.

    Implemented without a loop: every run of ``value > leave`` that contains at least one sample
    above ``enter`` is an event, starting at its first sample above ``enter``. Where ``allowed``
    is False (e.g. below a speed gate) the signal counts as quiet. NaN never exceeds anything.
    """
    above_leave = value > leave
    above_enter = value > enter
    if allowed is not None:
        above_leave &= allowed
        above_enter &= allowed
    starts, ends = runs(above_leave)
    if starts.shape[0] == 0:
        return _EMPTY, _EMPTY
    hot = np.flatnonzero(above_enter)
    if hot.shape[0] == 0:
        return _EMPTY, _EMPTY
    # Which leave-run each sample above `enter` falls in; the first such sample starts the event.
    run_of_hot = np.searchsorted(starts, hot, side="right") - 1
    run_ids, first = np.unique(run_of_hot, return_index=True)
    return hot[first], ends[run_ids]


def run_durations(
    t: np.ndarray, dt: np.ndarray, starts: np.ndarray, ends: np.ndarray
) -> np.ndarray:
    """Duration in seconds of each run: from its first sample to the end of its last sample."""
    if starts.shape[0] == 0:
        return np.empty(0, dtype=np.float64)
    return t[ends - 1] - t[starts] + dt[ends - 1]


def keep_longer(
    t: np.ndarray, dt: np.ndarray, starts: np.ndarray, ends: np.ndarray, min_s: float
) -> tuple[np.ndarray, np.ndarray]:
    """Only the runs lasting at least ``min_s`` seconds (a small tolerance absorbs rounding)."""
    if starts.shape[0] == 0:
        return starts, ends
    keep = run_durations(t, dt, starts, ends) >= min_s - 1e-6
    return starts[keep], ends[keep]


def run_indices(starts: np.ndarray, ends: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every sample index inside the runs, concatenated, and the run number of each."""
    lengths = ends - starts
    total = int(lengths.sum())
    run_of = np.repeat(np.arange(starts.shape[0]), lengths)
    offsets = np.cumsum(lengths) - lengths
    idx = np.arange(total) + (starts - offsets)[run_of]
    return idx, run_of


def merge_close(
    t: np.ndarray, starts: np.ndarray, ends: np.ndarray, gap_s: float
) -> tuple[np.ndarray, np.ndarray]:
    """Join runs separated by less than ``gap_s`` seconds: hovering around a threshold is one
    episode for the person reading the report, not a dozen."""
    if starts.shape[0] < 2:
        return starts, ends
    gaps = t[starts[1:]] - t[ends[:-1] - 1]
    new = np.concatenate(([True], gaps >= gap_s))
    return starts[new], ends[np.concatenate((new[1:], [True]))]


def run_means(
    values: np.ndarray, starts: np.ndarray, ends: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Mean and minimum of the finite values inside each run (NaN for a run with none).

    Only the samples inside the runs are touched, with one reduceat per statistic.
    """
    if starts.shape[0] == 0:
        return np.empty(0), np.empty(0)
    idx, _ = run_indices(starts, ends)
    lengths = ends - starts
    offsets = np.cumsum(lengths) - lengths
    vals = values[idx].astype(np.float64)
    ok = np.isfinite(vals)
    counts = np.add.reduceat(ok, offsets, dtype=np.float64)
    sums = np.add.reduceat(np.where(ok, vals, 0.0), offsets)
    mins = np.fmin.reduceat(vals, offsets)
    means = np.where(counts > 0, sums / np.where(counts > 0, counts, 1), np.nan)
    return means, mins


def peak_index(value: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Index of the largest value inside each run (the first one on ties).

    NaN values are skipped (merged runs can span missing samples); a run holding nothing but
    NaN gives its first index.
    """
    if starts.shape[0] == 0:
        return _EMPTY
    idx, run_of = run_indices(starts, ends)
    vals = value[idx]
    seg_max = np.fmax.reduceat(vals, np.cumsum(ends - starts) - (ends - starts))
    hit = np.flatnonzero(vals == seg_max[run_of])
    runs_hit, first = np.unique(run_of[hit], return_index=True)
    peaks = starts.astype(np.intp, copy=True)
    peaks[runs_hit] = idx[hit[first]]
    return peaks


def overlapping(
    starts: np.ndarray, ends: np.ndarray, other_starts: np.ndarray, other_ends: np.ndarray
) -> np.ndarray:
    """For each run [start, end), whether any of the other runs overlaps it.

    Works on the run lists alone (sorted by start, a running maximum of ends), so it costs
    nothing per sample.
    """
    if starts.shape[0] == 0 or other_starts.shape[0] == 0:
        return np.zeros(starts.shape[0], dtype=bool)
    order = np.argsort(other_starts, kind="stable")
    o_starts = other_starts[order]
    reach = np.maximum.accumulate(other_ends[order])
    before = np.searchsorted(o_starts, ends, side="left")  # others starting before our end
    hit = np.zeros(starts.shape[0], dtype=bool)
    some = before > 0
    hit[some] = reach[before[some] - 1] > starts[some]
    return hit


def inside_any(points: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """For each sample index, whether it lies inside one of the (sorted, disjoint) runs."""
    if points.shape[0] == 0 or starts.shape[0] == 0:
        return np.zeros(points.shape[0], dtype=bool)
    j = np.searchsorted(starts, points, side="right") - 1
    out = j >= 0
    out[out] = points[out] < ends[j[out]]
    return out


def lagged_difference(value: np.ndarray, t: np.ndarray, window_s: float) -> np.ndarray:
    """Centred rate of change over ``window_s`` seconds: (v[i+k] - v[i-k]) / (t[i+k] - t[i-k]).

    The window is set in seconds (k samples each side from the mean step), so a derivative such
    as jerk does not double when the sampling rate doubles. Edges are NaN.
    """
    n = value.shape[0]
    out = np.full(n, np.nan, dtype=np.float64)
    if n < 3:
        return out
    step = (t[-1] - t[0]) / (n - 1)
    k = max(1, int(round(window_s / 2 / step))) if step > 0 else 1
    if 2 * k >= n:
        return out
    span = t[2 * k :] - t[: -2 * k]
    out[k:-k] = (value[2 * k :] - value[: -2 * k]) / span
    return out
