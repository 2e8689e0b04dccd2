"""Speed: time and distance over the limit beyond a tolerance, the largest excess, ZoSS weighting.

Limits are those in force at each sample (the ``speed_limit`` column, PM 111/2015 Pasal 3).
Speeding inside a school zone counts ``school_zone_weight`` times, both in time and in excess.
"""

from __future__ import annotations

import numpy as np

from isdc.scoring.drive import KMH, Drive
from isdc.scoring.results import Finding, PartResult, Position
from isdc.scoring.rubric import Rubric
from isdc.scoring.signals import (
    EPISODE_MERGE_S,
    dot,
    keep_longer,
    merge_close,
    peak_index,
    run_durations,
    runs,
)
from isdc.scoring.wording import pair

MOVING_KMH = 2.0  # below this the vehicle is standing (waiting at a light), not driving


def measure_speed(d: Drive, r: Rubric) -> PartResult:
    rules = r.speed
    part = PartResult("speed", applicable=True)
    speed, limit = d.col["speed"], d.col["speed_limit"]
    zone = d.col["school_zone"] != 0
    excess = speed - limit  # m/s; NaN where either is missing
    with_limit = limit > 0
    over = (excess > np.float32(rules.tolerance_kmh * KMH)) & with_limit
    moving_time = d.time(d.moving(MOVING_KMH))
    time_over = d.time(over)
    zone_over = over & zone
    time_zone_over = d.time(zone_over)
    pct_time = 100 * time_over / moving_time if moving_time > 0 else 0.0
    pct_zone = 100 * time_zone_over / moving_time if moving_time > 0 else 0.0

    # Largest excess beyond the tolerance, outside and inside school zones, from the maxima of
    # the whole run and of the school-zone stretches (no weighted copy of the signal).
    tol = rules.tolerance_kmh
    # (A masked reduction is several times slower than a plain one: mask only when needed.)
    if with_limit.all():
        max_excess = float(np.fmax.reduce(excess, initial=-np.inf))
    else:
        max_excess = float(np.fmax.reduce(excess, where=with_limit, initial=-np.inf))
    worst_beyond = max(0.0, max_excess / KMH - tol) if time_over > 0 else 0.0
    zone_beyond = 0.0
    if time_zone_over > 0:
        z_starts, z_ends = runs(zone)
        zone_max = max(
            float(np.fmax.reduce(excess[s:e], where=with_limit[s:e], initial=-np.inf))
            for s, e in zip(z_starts.tolist(), z_ends.tolist(), strict=True)
        )
        zone_beyond = max(0.0, zone_max / KMH - tol)

    # Speeding in a school zone counts school_zone_weight times: the extra shows as its own
    # deduction, so the amounts stay true (% of time, km/h) and the weighting stays visible.
    extra = rules.school_zone_weight - 1
    per_pct, per_kmh = rules.points_per_pct_time, rules.points_per_kmh_max_excess
    part.deduct("time_over_limit", pct_time, "%", per_pct * pct_time)
    part.deduct("time_over_limit_school_zone", pct_zone, "%", per_pct * extra * pct_zone)
    if zone_beyond * rules.school_zone_weight > worst_beyond:
        part.deduct(
            "max_excess_school_zone",
            zone_beyond,
            "km/h",
            per_kmh * rules.school_zone_weight * zone_beyond,
        )
    else:
        part.deduct("max_excess", worst_beyond, "km/h", per_kmh * worst_beyond)

    starts, ends = merge_close(d.t, *runs(over), EPISODE_MERGE_S)
    starts, ends = keep_longer(d.t, d.dt, starts, ends, rules.episode_min_s)
    peaks = peak_index(excess, starts, ends)
    durations = run_durations(d.t, d.dt, starts, ends)
    night = str(d.tel.header.get("conditions", {}).get("light", "")) == "night"
    for t, pos, speed_i, limit_i, duration, in_zone, mu in zip(
        d.t[peaks].tolist(),
        d.positions(peaks),
        d.values("speed", peaks),
        d.values("speed_limit", peaks),
        durations.tolist(),
        zone[peaks].tolist(),
        d.values("friction", peaks),
        strict=True,
    ):
        finding = _speeding_finding(t, pos, speed_i / KMH, limit_i / KMH, duration, in_zone)
        _add_conditions(finding, night, mu < r.following.wet_friction_below)
        part.findings.append(finding)

    speed_moving = speed[d.moving(MOVING_KMH)]
    part.measures.update(
        {
            "time_over_limit_s": round(time_over, 2),
            "share_over_limit": round(time_over / moving_time, 4) if moving_time > 0 else 0.0,
            "distance_over_limit_m": round(dot(speed[over], d.dt[over]), 1),
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


def _add_conditions(finding: Finding, night: bool, wet: bool) -> None:
    """Too fast matters more in the dark and on a wet road; the advice says why."""
    if night:
        finding.advice_id += " Di malam hari, melajulah sehingga Anda bisa berhenti dalam jarak yang diterangi lampu."
        finding.advice_en += (
            " At night, drive so that you can stop within the distance your headlights light up."
        )
    if wet:
        finding.advice_id += " Di jalan basah jarak pengereman jauh lebih panjang."
        finding.advice_en += " On a wet road the braking distance is much longer."


def _speeding_finding(
    t: float, position: Position, speed: float, limit: float, duration: float, in_zone: bool
) -> Finding:
    over = round(speed - limit, 1)  # as the report shows it: 59.99 km/h over 50 is 10 over
    if in_zone:
        severity = "critical" if over >= 15 else "major"
        advice = pair(
            "Di zona sekolah (ZoSS) Anda melaju {speed:.0f} km/jam, batasnya {limit:.0f} km/jam "
            "(selama {dur:.1f} dtk). Anak-anak bisa menyeberang tiba-tiba: pelankan sebelum "
            "permukaan merah dan siap berhenti.",
            "In the school zone (ZoSS) you drove at {speed:.0f} km/h where the limit is "
            "{limit:.0f} km/h (for {dur:.1f} s). Children can step out at any moment: slow down "
            "before the red surface and be ready to stop.",
            speed=speed,
            limit=limit,
            dur=duration,
        )
    else:
        severity = "critical" if over >= 25 else "major" if over >= 10 else "minor"
        advice = pair(
            "Anda mencapai {speed:.0f} km/jam di zona {limit:.0f} km/jam selama {dur:.1f} dtk. "
            "Lepas gas lebih awal dan periksa speedometer setiap melihat rambu batas kecepatan.",
            "You reached {speed:.0f} km/h in a {limit:.0f} km/h zone for {dur:.1f} s. Ease off "
            "earlier and check the speedometer whenever you pass a speed-limit sign.",
            speed=speed,
            limit=limit,
            dur=duration,
        )
    return Finding(
        t=t,
        kind="school_zone_speeding" if in_zone else "speeding",
        severity=severity,
        position=position,
        advice_id=advice[0],
        advice_en=advice[1],
        detail={"speed_kmh": speed, "limit_kmh": limit, "duration_s": duration},
    )
