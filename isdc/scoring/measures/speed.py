"""Speed: time and distance over the limit beyond a tolerance, the largest excess, ZoSS weighting.

Limits are those in force at each sample (the ``speed_limit`` column, PM 111/2015 Pasal 3).
Speeding inside a school zone counts ``school_zone_weight`` times, both in time and in excess.
"""

from __future__ import annotations

import numpy as np

from isdc.scoring.drive import KMH, Drive
from isdc.scoring.results import Finding, PartResult
from isdc.scoring.rubric import Rubric
from isdc.scoring.signals import keep_longer, peak_index, run_durations, runs
from isdc.scoring.wording import pair

MOVING_KMH = 2.0  # below this the vehicle is standing (waiting at a light), not driving


def measure_speed(d: Drive, r: Rubric) -> PartResult:
    rules = r.speed
    part = PartResult("speed", applicable=True)
    speed, limit = d.col["speed"], d.col["speed_limit"]
    zone = d.col["school_zone"] != 0
    excess = speed - limit  # m/s; NaN where either is missing
    over = (excess > np.float32(rules.tolerance_kmh * KMH)) & (limit > 0)
    moving_time = d.time(d.moving(MOVING_KMH))
    time_over = d.time(over)
    zone_over = over & zone
    time_zone_over = d.time(zone_over)
    weighted_time = time_over + (rules.school_zone_weight - 1) * time_zone_over
    pct_time = 100 * weighted_time / moving_time if moving_time > 0 else 0.0

    beyond = np.where(over, (excess - np.float32(rules.tolerance_kmh * KMH)) / np.float32(KMH), 0)
    if time_zone_over > 0:
        beyond = np.where(zone, beyond * np.float32(rules.school_zone_weight), beyond)
    worst_beyond = float(beyond.max()) if d.n else 0.0
    with_limit = limit > 0
    max_excess = float(np.fmax.reduce(excess, where=with_limit, initial=-np.inf))

    part.deduct("time_over_limit", pct_time, "%", rules.points_per_pct_time * pct_time)
    part.deduct("max_excess", worst_beyond, "km/h", rules.points_per_kmh_max_excess * worst_beyond)

    starts, ends = keep_longer(d.t, d.dt, *runs(over), rules.episode_min_s)
    peaks = peak_index(excess, starts, ends)
    durations = run_durations(d.t, d.dt, starts, ends)
    for i, duration in zip(peaks.tolist(), durations.tolist(), strict=True):
        part.findings.append(_speeding_finding(d, i, duration, bool(zone[i])))

    speed_moving = speed[d.moving(MOVING_KMH)]
    part.measures.update(
        {
            "time_over_limit_s": round(time_over, 2),
            "share_over_limit": round(time_over / moving_time, 4) if moving_time > 0 else 0.0,
            "distance_over_limit_m": round(float(np.dot(speed[over], d.dt[over])), 1),
            "school_zone_time_over_s": round(time_zone_over, 2),
            "max_excess_kmh": _kmh_or_none(max_excess),
            "speeding_episodes": int(starts.shape[0]),
            "moving_time_s": round(moving_time, 2),
            "mean_speed_kmh": (
                round(float(speed_moving.mean(dtype=np.float64)) / KMH, 1)
                if speed_moving.size
                else None
            ),
            "max_speed_kmh": _kmh_or_none(float(np.fmax.reduce(speed, initial=-np.inf))),
        }
    )
    return part


def _kmh_or_none(value: float) -> float | None:
    return round(value / KMH, 1) if np.isfinite(value) else None


def _speeding_finding(d: Drive, i: int, duration: float, in_zone: bool) -> Finding:
    speed = float(d.col["speed"][i]) / KMH
    limit = float(d.col["speed_limit"][i]) / KMH
    over = speed - limit
    if in_zone:
        severity = "critical" if over >= 15 else "major"
        advice = pair(
            "Di zona sekolah (ZoSS) Anda melaju {speed:0} km/jam, batasnya {limit:0} km/jam "
            "(selama {dur:1} dtk). Anak-anak bisa menyeberang tiba-tiba: pelankan sebelum "
            "permukaan merah dan siap berhenti.",
            "In the school zone (ZoSS) you drove at {speed:0} km/h where the limit is "
            "{limit:0} km/h (for {dur:1} s). Children can step out at any moment: slow down "
            "before the red surface and be ready to stop.",
            speed=speed,
            limit=limit,
            dur=duration,
        )
    else:
        severity = "critical" if over >= 25 else "major" if over >= 10 else "minor"
        advice = pair(
            "Anda mencapai {speed:0} km/jam di zona {limit:0} km/jam selama {dur:1} dtk. "
            "Lepas gas lebih awal dan periksa speedometer setiap melihat rambu batas kecepatan.",
            "You reached {speed:0} km/h in a {limit:0} km/h zone for {dur:1} s. Ease off "
            "earlier and check the speedometer whenever you pass a speed-limit sign.",
            speed=speed,
            limit=limit,
            dur=duration,
        )
    return Finding(
        t=float(d.t[i]),
        kind="school_zone_speeding" if in_zone else "speeding",
        severity=severity,
        position=d.position(i),
        advice_id=advice[0],
        advice_en=advice[1],
        detail={
            "speed_kmh": round(speed, 1),
            "limit_kmh": round(limit, 1),
            "duration_s": round(duration, 2),
        },
    )
