"""Harsh events: braking, acceleration, cornering and use of the tyres' grip limit.

An event starts when its signal rises above the vehicle's threshold, ends when it falls below
the threshold less the hysteresis, must last a minimum time and only counts above a speed gate
(fleet telematics practice). Braking hard in the seconds after a hazard begins is the right
response and is not counted. A grip event that overlaps a braking/acceleration/cornering event
is folded into it, so one manoeuvre is one finding.
"""

from __future__ import annotations

import numpy as np

from isdc.scoring.drive import GRAVITY, KMH, Drive
from isdc.scoring.results import Finding, PartResult
from isdc.scoring.rubric import Rubric
from isdc.scoring.signals import (
    hysteresis_runs,
    inside_any,
    keep_longer,
    merge_close,
    peak_index,
    run_durations,
)
from isdc.scoring.wording import pair

_NONE = np.empty(0, dtype=np.intp)
KINDS = ("braking", "accelerating", "cornering", "grip")
FINDING_KIND = {
    "braking": "harsh_braking",
    "accelerating": "harsh_accelerating",
    "cornering": "harsh_cornering",
    "grip": "grip_limit",
}


def measure_harsh(d: Drive, r: Rubric) -> PartResult:
    rules = r.harsh
    vehicle = r.vehicle(str(d.tel.header.get("vehicle", "car")))
    part = PartResult("harsh", applicable=True)
    lon, lat = d.col["accel_lon"], d.col["accel_lat"]
    g = GRAVITY
    # Signals in m/s^2 against thresholds in m/s^2 (grip: a share of mu*g against a share).
    # Each is built only when its extreme passes the threshold: most drives never corner at
    # 0.45 g, and a run that cannot contain an event costs no further passes.
    lat_abs = np.abs(lat)
    lon_hi = float(np.fmax.reduce(lon, initial=-np.inf))
    lon_lo = float(np.fmin.reduce(lon, initial=np.inf))
    lat_hi = float(np.fmax.reduce(lat_abs, initial=-np.inf))
    thresholds = {
        "braking": vehicle.braking_g * g,
        "accelerating": vehicle.accelerating_g * g,
        "cornering": vehicle.cornering_g * g,
        "grip": vehicle.grip_use,
    }
    signals: dict[str, np.ndarray | None] = {
        "braking": -lon if -lon_lo > thresholds["braking"] else None,
        "accelerating": lon if lon_hi > thresholds["accelerating"] else None,
        "cornering": lat_abs if lat_hi > thresholds["cornering"] else None,
        "grip": None,
    }
    friction = np.maximum(d.col["friction"], np.float32(0.05))
    mu_lo = float(np.fmin.reduce(friction, initial=np.inf))
    # |a| <= |lon| + |lat|: only compute the friction-circle share when it could pass.
    if max(abs(lon_hi), abs(lon_lo)) + lat_hi > vehicle.grip_use * g * mu_lo:
        signals["grip"] = np.sqrt(lon * lon + lat * lat) / (friction * np.float32(g))
    found: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
    exempt_count = 0
    for kind in KINDS:
        value = signals[kind]
        enter = thresholds[kind]
        if value is None:
            found[kind] = (_NONE, _NONE, _NONE)  # never past the threshold: nothing to find
            continue
        allowed = d.moving(rules.speed_gate_kmh[kind])
        starts, ends = hysteresis_runs(value, enter, enter * (1 - rules.hysteresis), allowed)
        starts, ends = keep_longer(d.t, d.dt, starts, ends, rules.min_duration_s)
        # Events of one kind moments apart are one manoeuvre (one bend taken too fast).
        starts, ends = merge_close(d.t, starts, ends, rules.merge_within_s)
        if kind in ("braking", "grip") and starts.size and d.hazard_times.size:
            keep = ~_after_hazard(d.t[starts], d.hazard_times, rules.hazard_exempt_s)
            exempt_count += int(np.count_nonzero(~keep)) if kind == "braking" else 0
            starts, ends = starts[keep], ends[keep]
        found[kind] = (starts, ends, peak_index(value, starts, ends))

    # A grip event whose worst moment falls inside a braking/acceleration/cornering event is
    # that manoeuvre (reported with "close to losing grip"); a long slide stays its own finding.
    g_starts, g_ends, g_peaks = found["grip"]
    if g_starts.size:
        folded = np.zeros(g_peaks.size, dtype=bool)
        for kind in ("braking", "accelerating", "cornering"):
            folded |= inside_any(g_peaks, found[kind][0], found[kind][1])
        found["grip"] = (g_starts[~folded], g_ends[~folded], g_peaks[~folded])

    speed = d.col["speed"]
    friction = d.col["friction"]
    for kind in KINDS:
        starts, ends, peaks = found[kind]
        value = signals[kind]
        if value is None or not starts.size:
            continue
        enter = thresholds[kind]
        unit = 1.0 if kind == "grip" else g  # findings speak in g, or in a share of the grip
        ratio = value[peaks].astype(np.float64) / enter
        # Half the points at the threshold, all of them from full_points_ratio on.
        scale = 0.5 + 0.5 * np.clip((ratio - 1) / (rules.full_points_ratio - 1), 0, 1)
        points = rules.points[kind] * scale
        part.deduct(FINDING_KIND[kind], float(starts.size), "events", float(points.sum()))

        limit_hit = (
            inside_any(peaks, g_starts, g_ends) if kind != "grip" else np.ones(peaks.size, bool)
        )
        durations = run_durations(d.t, d.dt, starts, ends).tolist()
        for i, peak_ratio, at_limit, duration in zip(
            peaks.tolist(), ratio.tolist(), limit_hit.tolist(), durations, strict=True
        ):
            part.findings.append(
                _harsh_finding(
                    d,
                    kind,
                    i,
                    float(value[i]) / unit,
                    peak_ratio >= rules.full_points_ratio or at_limit,
                    float(speed[i]) / KMH,
                    float(friction[i]),
                    at_limit,
                    duration,
                )
            )
    rolling = d.moving(1.0)
    peak_decel = float(np.fmax.reduce(-lon * rolling, initial=0.0)) / GRAVITY
    part.measures.update(
        {
            "harsh_braking": int(found["braking"][0].size),
            "harsh_accelerating": int(found["accelerating"][0].size),
            "harsh_cornering": int(found["cornering"][0].size),
            "grip_limit_events": int(found["grip"][0].size),
            "hazard_braking_exempt": exempt_count,
            "peak_decel_g": round(peak_decel, 3),
            "peak_lat_g": round(float(np.fmax.reduce(lat_abs * rolling, initial=0.0)) / GRAVITY, 3),
        }
    )
    return part


def _after_hazard(times: np.ndarray, hazards: np.ndarray, window_s: float) -> np.ndarray:
    """True for each time within ``window_s`` after the latest hazard onset before it."""
    latest = np.searchsorted(hazards, times, side="right") - 1
    has = latest >= 0
    out = np.zeros(times.shape[0], dtype=bool)
    out[has] = times[has] - hazards[latest[has]] <= window_s
    return out


def _harsh_finding(
    d: Drive,
    kind: str,
    i: int,
    peak: float,
    major: bool,
    speed_kmh: float,
    friction: float,
    at_limit: bool,
    duration: float,
) -> Finding:
    if kind == "braking":
        text = pair(
            "Anda mengerem {g:.2f} g pada {v:.0f} km/jam. Lihat jauh ke depan, antisipasi, dan "
            "mulai mengerem lebih awal secara bertahap.",
            "You braked at {g:.2f} g from {v:.0f} km/h. Look further ahead, anticipate, and start "
            "braking earlier and more gradually.",
            g=peak,
            v=speed_kmh,
        )
    elif kind == "accelerating":
        text = pair(
            "Anda berakselerasi {g:.2f} g pada {v:.0f} km/jam. Tekan pedal gas perlahan: "
            "akselerasi halus menjaga cengkeraman ban dan menghemat BBM.",
            "You accelerated at {g:.2f} g at {v:.0f} km/h. Press the throttle progressively: "
            "smooth acceleration keeps grip and saves fuel.",
            g=peak,
            v=speed_kmh,
        )
    elif kind == "cornering":
        text = pair(
            "Anda menikung dengan {g:.2f} g pada {v:.0f} km/jam. Kurangi kecepatan sebelum "
            "tikungan, bukan di dalamnya.",
            "You cornered at {g:.2f} g at {v:.0f} km/h. Slow down before the bend, not in it.",
            g=peak,
            v=speed_kmh,
        )
    else:
        wet = friction < 0.5
        text = pair(
            "Selama {dur:.1f} dtk ban memakai hingga {pct:.0f} % dari cengkeraman yang tersedia "
            "({road}, μ {mu:.2f}) pada {v:.0f} km/jam. Kurangi kecepatan dan buat setiap gerakan "
            "kemudi, gas dan rem lebih halus.",
            "For {dur:.1f} s the tyres used up to {pct:.0f} % of the grip available ({road_en}, "
            "μ {mu:.2f}) at {v:.0f} km/h. Slow down and make every steering, throttle and brake "
            "input gentler.",
            dur=duration,
            pct=peak * 100,
            mu=friction,
            v=speed_kmh,
            road="jalan basah" if wet else "jalan kering",
            road_en="wet road" if wet else "dry road",
        )
    if at_limit and kind != "grip":
        text = (
            text[0] + " Ban hampir kehilangan cengkeraman.",
            text[1] + " The tyres were close to losing grip.",
        )
    detail: dict[str, float | bool] = {"speed_kmh": speed_kmh, "duration_s": duration}
    if kind == "grip":
        detail["grip_use"] = round(peak, 3)
        detail["friction"] = round(friction, 2)
    else:
        detail["peak_g"] = round(peak, 3)
        detail["near_grip_limit"] = at_limit
    return Finding(
        t=float(d.t[i]),
        kind=FINDING_KIND[kind],
        severity="major" if major else "minor",
        position=d.position(i),
        advice_id=text[0],
        advice_en=text[1],
        detail=detail,
    )
