"""Smoothness: longitudinal jerk and steering reversals.

Jerk is the rate of change of longitudinal acceleration over a window set in seconds, so its
size does not depend on the sampling rate. Steering reversals are counted between the extremes
of the steering signal after a short moving-average filter, keeping only swings larger than the
rubric's gap (after Markkula & Engstrom 2006); the rate is per minute of driving.
"""

from __future__ import annotations

import numpy as np

from isdc.scoring.drive import Drive
from isdc.scoring.results import Finding, PartResult
from isdc.scoring.rubric import Rubric
from isdc.scoring.signals import lagged_difference
from isdc.scoring.wording import pair

STEERING_FILTER_S = 0.3  # moving-average window that removes sensor jitter before counting


def measure_smoothness(d: Drive, r: Rubric) -> PartResult:
    rules = r.smoothness
    moving = d.moving(rules.speed_gate_kmh)
    moving_time = d.time(moving)
    part = PartResult("smoothness", applicable=moving_time > 0)
    if not part.applicable:
        return part

    jerk = lagged_jerk(d, rules.jerk_window_s)
    jerk_ok = moving & np.isfinite(jerk)
    jerk_time = d.time(jerk_ok)
    w = np.where(jerk_ok, d.dt, 0.0)
    jerk0 = np.where(jerk_ok, jerk, 0.0)
    jerk_rms = float(np.sqrt(np.dot(w, jerk0 * jerk0) / jerk_time)) if jerk_time > 0 else 0.0
    part.deduct(
        "jerk_rms",
        jerk_rms,
        "m/s^3",
        rules.points_per_jerk * max(0.0, jerk_rms - rules.jerk_reference),
    )
    reversals, swing_index = steering_reversals(d, moving, rules.reversal_gap)
    rate = reversals / (moving_time / 60)
    part.deduct(
        "steering_reversals",
        rate,
        "per min",
        rules.points_per_reversal_per_min * max(0.0, rate - rules.reversal_reference_per_min),
    )
    if jerk_rms > rules.jerk_reference:
        i = int(np.argmax(np.abs(jerk0)))
        text = pair(
            "Gas dan rem Anda tidak halus (jerk RMS {j:1} m/dtk³, acuan {ref:1}). Tekan dan "
            "lepas pedal secara bertahap; penumpang tidak boleh terdorong.",
            "Your throttle and brake were jerky (RMS jerk {j:1} m/s³, reference {ref:1}). "
            "Press and release the pedals progressively so passengers are not thrown about.",
            j=jerk_rms,
            ref=rules.jerk_reference,
        )
        part.findings.append(
            Finding(
                t=float(d.t[i]),
                kind="jerky_driving",
                severity="minor",
                position=d.position(i),
                advice_id=text[0],
                advice_en=text[1],
                detail={"jerk_rms": round(jerk_rms, 2), "peak_jerk": round(float(jerk0[i]), 2)},
            )
        )
    if rate > rules.reversal_reference_per_min and swing_index >= 0:
        text = pair(
            "Kemudi Anda banyak dikoreksi ({rate:0} kali per menit, acuan {ref:0}). Pandang jauh "
            "ke depan dan pegang kemudi dengan tenang di posisi jam 9 dan 3.",
            "You corrected the steering often ({rate:0} times a minute, reference {ref:0}). "
            "Look far ahead and hold the wheel calmly at nine and three o'clock.",
            rate=rate,
            ref=rules.reversal_reference_per_min,
        )
        part.findings.append(
            Finding(
                t=float(d.t[swing_index]),
                kind="weaving",
                severity="minor",
                position=d.position(swing_index),
                advice_id=text[0],
                advice_en=text[1],
                detail={"reversals_per_min": round(rate, 1)},
            )
        )
    part.measures.update(
        {
            "jerk_rms": round(jerk_rms, 3),
            "steering_reversals": int(reversals),
            "steering_reversal_rate_per_min": round(rate, 2),
        }
    )
    return part


def lagged_jerk(d: Drive, window_s: float) -> np.ndarray:
    """Centred jerk (m/s^3) over ``window_s``; NaN at the edges and next to missing samples."""
    return lagged_difference(d.col["accel_lon"], d.t, window_s)


def steering_reversals(d: Drive, moving: np.ndarray, gap: float) -> tuple[int, int]:
    """Number of steering reversals larger than ``gap`` while moving, and the index of the
    largest swing (-1 when there is none)."""
    steering = d.col["steering"]
    ok = moving & np.isfinite(steering)
    idx = np.flatnonzero(ok)
    if idx.size < 3:
        return 0, -1
    s = steering[idx].astype(np.float64)
    step = (d.t[-1] - d.t[0]) / max(1, d.n - 1)
    k = max(1, int(round(STEERING_FILTER_S / step))) if step > 0 else 1
    if k > 1 and s.size > k:
        c = np.cumsum(np.concatenate(([0.0], s)))
        s = (c[k:] - c[:-k]) / k
        idx = idx[k // 2 : k // 2 + s.size]
    ds = np.diff(s)
    moves = np.flatnonzero(ds != 0)
    if moves.size < 2:
        return 0, -1
    direction = np.sign(ds[moves])
    turn = np.flatnonzero(direction[1:] != direction[:-1])
    # Extremes: where the direction of travel changes, plus the two ends.
    ext = np.concatenate(([moves[0]], moves[turn + 1], [moves[-1] + 1]))
    values = s[ext]
    swings = np.abs(np.diff(values))
    big = swings >= gap
    # A reversal is a big swing following another big swing in the opposite direction; small
    # wiggles in between are ignored by comparing consecutive big swings' signs.
    signs = np.sign(np.diff(values))[big]
    reversals = int(np.count_nonzero(signs[1:] != signs[:-1]))
    if not big.any():
        return 0, -1
    largest = int(np.argmax(np.where(big, swings, -1)))
    return reversals, int(idx[ext[largest + 1]])
