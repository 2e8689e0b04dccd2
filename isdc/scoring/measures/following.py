"""Following: time headway to the vehicle ahead and time-to-collision (TTC, TET).

Time headway is gap / own speed; the share of following time below the rule (2 s, doubled on
wet roads) and below 1 s and the minimum are reported. TTC is gap / closing speed while closing;
TET is the time spent below the critical TTC (Minderhoud & Bovy 2001).
"""

from __future__ import annotations

import numpy as np

from isdc.scoring.drive import KMH, Drive
from isdc.scoring.infractions import collision_kind
from isdc.scoring.results import Finding, PartResult
from isdc.scoring.rubric import Rubric
from isdc.scoring.signals import (
    EPISODE_MERGE_S,
    keep_longer,
    merge_close,
    overlapping,
    peak_index,
    run_durations,
    run_means,
    runs,
)
from isdc.scoring.wording import pair

MIN_CLOSING = 0.1  # m/s; slower closing is measurement noise, not an approach
TTC_EPISODE_MIN_S = 0.3  # a TTC dip shorter than this is a sensor blip, not a near miss
CRASH_WINDOW_S = 1.0  # a TTC episode ending this close to a vehicle collision was that crash


def measure_following(d: Drive, r: Rubric) -> PartResult:
    rules = r.following
    speed, gap, closing = d.col["speed"], d.col["lead_gap"], d.col["lead_closing"]
    moving = d.moving(rules.speed_gate_kmh)
    nan = np.float32(np.nan)
    headway = np.divide(gap, speed, out=np.full(d.n, nan, dtype=np.float32), where=moving)
    headway[gap < 0] = nan
    following = headway <= np.float32(rules.follow_within_s)
    wet = d.col["friction"] < np.float32(rules.wet_friction_below)
    rule_headway = np.where(
        wet,
        np.float32(rules.headway_s * rules.wet_headway_factor),
        np.float32(rules.headway_s),
    )
    below = following & (headway < rule_headway)
    close = following & (headway < np.float32(rules.close_headway_s))
    approaching = moving & (closing > MIN_CLOSING) & (gap >= 0)
    ttc = np.divide(gap, closing, out=np.full(d.n, nan, dtype=np.float32), where=approaching)
    critical = ttc < np.float32(rules.ttc_critical_s)

    follow_time = d.time(following)
    tet = d.time(critical)
    # Applicable when a vehicle was ahead while driving; the shares that cost points are of
    # driving time, which (unlike following time) does not grow when the driver closes in.
    part = PartResult("following", applicable=bool(np.any(moving & (gap >= 0))))
    if not part.applicable:
        part.note = {
            "id": "Tidak ada kendaraan di depan yang diikuti.",
            "en": "No vehicle ahead was followed.",
        }
    driving_time = d.time(moving)
    time_below, time_close = d.time(below), d.time(close)
    pct_below = 100 * time_below / driving_time if driving_time > 0 else 0.0
    pct_close = 100 * time_close / driving_time if driving_time > 0 else 0.0
    # The smallest headway of all is a following one whenever there is any following at all.
    min_headway = float(np.fmin.reduce(headway, initial=np.inf))
    if not min_headway <= rules.follow_within_s:
        min_headway = np.inf
    min_ttc = float(np.fmin.reduce(ttc, initial=np.inf))

    part.deduct(
        "headway_below_rule", pct_below, "%", rules.points_per_pct_below_headway * pct_below
    )
    part.deduct("headway_below_close", pct_close, "%", rules.points_per_pct_below_close * pct_close)
    part.deduct("tet", tet, "s", rules.points_per_s_tet * tet)
    if np.isfinite(min_ttc):
        deficit = max(0.0, rules.ttc_critical_s - min_ttc)
        part.deduct("ttc_min", min_ttc, "s", rules.points_per_s_ttc_deficit * deficit)

    # Findings: close-following episodes, long short-headway episodes without a close one in
    # them, and near misses (TTC below critical).
    c_starts, c_ends = merge_close(d.t, *runs(close), EPISODE_MERGE_S)
    c_starts, c_ends = keep_longer(d.t, d.dt, c_starts, c_ends, rules.episode_min_s)
    part.findings += _headway_findings(d, headway, c_starts, c_ends, wet, True)
    b_starts, b_ends = merge_close(d.t, *runs(below), EPISODE_MERGE_S)
    b_starts, b_ends = keep_longer(d.t, d.dt, b_starts, b_ends, rules.short_episode_min_s)
    if b_starts.size:
        alone = ~overlapping(b_starts, b_ends, c_starts, c_ends)
        b_starts, b_ends = b_starts[alone], b_ends[alone]
    part.findings += _headway_findings(d, headway, b_starts, b_ends, wet, False)
    t_starts, t_ends = keep_longer(d.t, d.dt, *runs(critical), TTC_EPISODE_MIN_S)
    # A near miss that ends in a crash with a vehicle is reported as the crash.
    crashes = np.array(
        [
            float(e["t"])
            for e in d.tel.events
            if e.get("kind") == "collision" and collision_kind(e) == "collision_vehicle"
        ]
    )
    for i, end in zip(peak_index(-ttc, t_starts, t_ends).tolist(), t_ends.tolist(), strict=True):
        end_t = float(d.t[end - 1])
        if crashes.size and np.any(np.abs(crashes - end_t) <= CRASH_WINDOW_S):
            continue
        part.findings.append(_ttc_finding(d, i, float(ttc[i]), rules.ttc_critical_s))

    part.measures.update(
        {
            "following_time_s": round(follow_time, 2),
            "headway_min_s": round(min_headway, 2) if np.isfinite(min_headway) else None,
            "headway_share_below_rule": round(time_below / follow_time, 4)
            if follow_time > 0
            else 0.0,
            "headway_share_below_2s": round(
                d.time(following & (headway < np.float32(2.0))) / follow_time, 4
            )
            if follow_time > 0
            else 0.0,
            "headway_share_below_1s": round(
                d.time(following & (headway < np.float32(1.0))) / follow_time, 4
            )
            if follow_time > 0
            else 0.0,
            "ttc_min_s": round(min_ttc, 2) if np.isfinite(min_ttc) else None,
            "tet_s": round(tet, 2),
        }
    )
    return part


def _headway_findings(
    d: Drive,
    headway: np.ndarray,
    starts: np.ndarray,
    ends: np.ndarray,
    wet: np.ndarray,
    close: bool,
) -> list[Finding]:
    """Following episodes, each told by its mean headway, gap and speed and placed where it
    began: the moment to remember is when the driver let the gap close."""
    typical, closest = run_means(headway, starts, ends)
    gaps, _ = run_means(d.col["lead_gap"], starts, ends)
    speeds, _ = run_means(d.col["speed"], starts, ends)
    durations = run_durations(d.t, d.dt, starts, ends)
    return [
        _headway_finding(d, i, h, h_min, gap, v / KMH, dur, bool(wet[i]), close)
        for i, h, h_min, gap, v, dur in zip(
            starts.tolist(),
            typical.tolist(),
            closest.tolist(),
            gaps.tolist(),
            speeds.tolist(),
            durations.tolist(),
            strict=True,
        )
    ]


def _headway_finding(
    d: Drive,
    start: int,
    typical: float,
    closest: float,
    gap: float,
    speed_kmh: float,
    duration: float,
    wet: bool,
    close: bool,
) -> Finding:
    keep_id = "Jalan basah: jaga minimal 4 detik." if wet else "Jaga minimal 2 detik, idealnya 3."
    keep_en = "Wet road: keep at least 4 s." if wet else "Keep at least 2 s, ideally 3 s."
    text = pair(
        "Selama {dur:.1f} dtk Anda mengikuti hanya sekitar {h:.1f} detik ({gap:.0f} m) di "
        "belakang kendaraan depan pada {v:.0f} km/jam (terdekat {hmin:.1f} detik). {keep} "
        "Hitung 'seribu satu, seribu dua, seribu tiga' dari saat kendaraan depan melewati "
        "sebuah patokan.",
        "For {dur:.1f} s you followed only about {h:.1f} s ({gap:.0f} m) behind the vehicle "
        "ahead at {v:.0f} km/h (closest {hmin:.1f} s). {keep_en} Count 'one thousand and one, "
        "two, three' from when it passes a landmark.",
        h=typical,
        hmin=closest,
        gap=gap,
        v=speed_kmh,
        dur=duration,
        keep=keep_id,
        keep_en=keep_en,
    )
    return Finding(
        t=float(d.t[start]),
        kind="close_following" if close else "short_headway",
        severity="major" if close else "minor",
        position=d.position(start),
        advice_id=text[0],
        advice_en=text[1],
        detail={
            "headway_s": typical,
            "headway_min_s": closest,
            "gap_m": gap,
            "speed_kmh": speed_kmh,
            "duration_s": duration,
            "wet": wet,
        },
    )


def _ttc_finding(d: Drive, i: int, ttc: float, critical: float) -> Finding:
    closing_kmh = float(d.col["lead_closing"][i]) / KMH
    text = pair(
        "Waktu-menuju-tabrakan turun ke {ttc:.1f} detik: Anda mendekati kendaraan depan "
        "{c:.0f} km/jam lebih cepat darinya. Mulai mengerem begitu jarak menyusut, jangan "
        "menunggu.",
        "Time to collision fell to {ttc:.1f} s: you were closing on the vehicle ahead at "
        "{c:.0f} km/h. Brake as soon as the gap starts to shrink; do not wait.",
        ttc=ttc,
        c=closing_kmh,
    )
    return Finding(
        t=float(d.t[i]),
        kind="low_ttc",
        severity="critical" if ttc < critical * 2 / 3 else "major",
        position=d.position(i),
        advice_id=text[0],
        advice_en=text[1],
        detail={"ttc_s": round(ttc, 2), "closing_kmh": round(closing_kmh, 1)},
    )
