"""Smoothness: longitudinal jerk and steering reversals.

Jerk is the rate of change of longitudinal acceleration over a window set in seconds, so its
size does not depend on the sampling rate. Steering reversals are counted between the extremes
of the steering signal after a short moving-average filter, keeping only swings larger than the
rubric's gap (after Markkula & Engstrom 2006); the rate is per minute of driving.
"""

from __future__ import annotations

import numpy as np

from isdc.scoring.drive import KMH, Drive
from isdc.scoring.results import Finding, PartResult
from isdc.scoring.rubric import Rubric
from isdc.scoring.signals import dot, lagged_difference
from isdc.scoring.wording import pair

STEERING_BLOCK_S = 0.1  # block average: removes sensor jitter and fixes the rate at ~10 Hz


def measure_smoothness(d: Drive, r: Rubric) -> PartResult:
    rules = r.smoothness
    moving = d.moving(rules.speed_gate_kmh)
    moving_time = d.time(moving)
    part = PartResult("smoothness", applicable=moving_time > 0)
    if not part.applicable:
        return part

    jerk_rms, peak_at, peak_jerk = jerk_statistics(
        d, moving, rules.jerk_window_s, r.harsh.hazard_exempt_s
    )
    part.deduct(
        "jerk_rms",
        jerk_rms,
        "m/s^3",
        rules.points_per_jerk * max(0.0, jerk_rms - rules.jerk_reference),
    )
    reversals, swing_index = steering_reversals(d, rules.speed_gate_kmh, rules.reversal_gap)
    rate = reversals / (moving_time / 60)
    part.deduct(
        "steering_reversals",
        rate,
        "per min",
        rules.points_per_reversal_per_min * max(0.0, rate - rules.reversal_reference_per_min),
    )
    if jerk_rms > rules.jerk_reference and peak_at >= 0:
        i = peak_at
        text = pair(
            "Gas dan rem Anda tidak halus (jerk RMS {j:.1f} m/dtk³, acuan {ref:.1f}). Tekan dan "
            "lepas pedal secara bertahap; penumpang tidak boleh terdorong.",
            "Your throttle and brake were jerky (RMS jerk {j:.1f} m/s³, reference {ref:.1f}). "
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
                detail={"jerk_rms": round(jerk_rms, 2), "peak_jerk": round(peak_jerk, 2)},
            )
        )
    if rate > rules.reversal_reference_per_min and swing_index >= 0:
        text = pair(
            "Kemudi Anda banyak dikoreksi ({rate:.0f} kali per menit, acuan {ref:.0f}). Pandang jauh "
            "ke depan dan pegang kemudi dengan tenang di posisi jam 9 dan 3.",
            "You corrected the steering often ({rate:.0f} times a minute, reference {ref:.0f}). "
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


def _near_hazards(d: Drive, exempt_s: float, lead_s: float) -> np.ndarray:
    """Samples from ``lead_s`` before each hazard's onset (a centred jerk sees a step that
    early) to ``exempt_s`` after it; a loop over the few hazards, not over samples."""
    mask = np.zeros(d.n, dtype=bool)
    lo = np.searchsorted(d.t, d.hazard_times - lead_s, side="left")
    hi = np.searchsorted(d.t, d.hazard_times + exempt_s, side="right")
    for a, b in zip(lo.tolist(), hi.tolist(), strict=True):
        mask[a:b] = True
    return mask


def jerk_statistics(
    d: Drive, moving: np.ndarray, window_s: float, exempt_s: float = 0.0
) -> tuple[float, int, float]:
    """RMS longitudinal jerk (m/s^3) while moving, and where and how large its peak was.

    The jerk is a centred difference over ``window_s`` seconds of acceleration; samples within
    half a window of the ends, or next to a missing value, have none and are left out.
    """
    accel = d.col["accel_lon"]
    n = d.n
    step = (d.t[-1] - d.t[0]) / (n - 1) if n > 1 else 0.0
    k = max(1, int(round(window_s / 2 / step))) if step > 0 else 1
    if 2 * k >= n:
        return 0.0, -1, 0.0
    if d.uniform_step is not None:
        jerk = (accel[2 * k :] - accel[: -2 * k]) / np.float32(2 * k * step)
        weight = None
    else:
        jerk = lagged_difference(accel, d.t, window_s)[k:-k]
        weight = d.dt[k:-k]
    ok = moving[k:-k]
    if d.hazard_times.size:
        # An emergency stop for a hazard is meant to be abrupt: its jerk is not a fault.
        ok = ok & ~_near_hazards(d, exempt_s, window_s / 2)[k:-k]
    if "accel_lon" in d.incomplete or weight is not None:
        ok = ok & np.isfinite(jerk)
        jerk = np.where(ok, jerk, 0)
    if not ok.any():
        return 0.0, -1, 0.0
    square = jerk * jerk
    if weight is None:
        mean_square = dot(square, ok) / int(np.count_nonzero(ok))
    else:
        w = weight * ok
        mean_square = dot(square, w) / float(w.sum())
    peak = int(np.argmax(square * ok))
    return float(np.sqrt(mean_square)), peak + k, float(jerk[peak])


def block_mean(values: np.ndarray, k: int, blocks: int) -> np.ndarray:
    """Mean of each block of ``k`` samples (strided sums: far faster than reshape().mean())."""
    total = values[0 : blocks * k : k].astype(np.float64)
    for j in range(1, k):
        total += values[j : blocks * k : k]
    return total / k


def steering_reversals(d: Drive, gate_kmh: float, gap: float) -> tuple[int, int]:
    """Number of steering reversals larger than ``gap`` while moving, and the sample index of
    the largest swing (-1 when there is none).

    The steering signal is first averaged over blocks of about 0.1 s (a low-pass filter that
    also makes the count independent of the sampling rate and shrinks the work six-fold at
    60 Hz) and then over three blocks; reversals are counted between its extremes.
    """
    n = d.n
    step = (d.t[-1] - d.t[0]) / (n - 1) if n > 1 else 0.0
    k = max(1, int(round(STEERING_BLOCK_S / step))) if step > 0 else 1
    blocks = n // k
    if blocks < 5:
        return 0, -1
    steering = block_mean(d.col["steering"], k, blocks)
    speed = block_mean(d.col["speed"], k, blocks)
    ok = np.flatnonzero(np.isfinite(steering) & (speed >= gate_kmh * KMH))
    if ok.size < 5:
        return 0, -1
    s = steering[ok]
    s = (s[:-2] + s[1:-1] + s[2:]) / 3
    centre = ok[1:-1] * k + k // 2
    ds = np.diff(s)
    moves = np.flatnonzero(ds != 0)
    if moves.size < 2:
        return 0, -1
    direction = np.sign(ds[moves])
    turn = np.flatnonzero(direction[1:] != direction[:-1])
    # Extremes: where the direction of travel changes, plus the two ends.
    ext = np.concatenate(([moves[0]], moves[turn + 1], [moves[-1] + 1]))
    values = s[ext]
    change = np.diff(values)
    big = np.abs(change) >= gap
    if not big.any():
        return 0, -1
    # A reversal is a big swing following a big swing the other way; small wiggles between
    # them are skipped, as in Markkula & Engstrom's gap-based count.
    signs = np.sign(change[big])
    reversals = int(np.count_nonzero(signs[1:] != signs[:-1]))
    largest = int(np.argmax(np.abs(change)))
    return reversals, int(centre[ext[largest + 1]])
