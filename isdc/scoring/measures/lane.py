"""Lane keeping: SDLP, lane departures and lane changes from the lateral offset in the lane.

SDLP (standard deviation of lateral position) is pooled over stretches between lane changes,
so changing lane on purpose does not count as weaving. A departure is a wheel over the lane line
(|offset| > (lane width - vehicle width) / 2) for a minimum time that is not part of a lane
change. Wrong-side driving is a rule infraction (UU 22/2009 Pasal 108), scored as a factor.
"""

from __future__ import annotations

import numpy as np

from isdc.scoring.drive import KMH, Drive
from isdc.scoring.results import Finding, PartResult
from isdc.scoring.rubric import Rubric
from isdc.scoring.signals import dot, keep_longer, overlapping, peak_index, run_durations, runs
from isdc.scoring.wording import pair

EPISODE_MARGIN_S = 0.5  # a departure this close to a wrong-side/off-road episode is part of it


def measure_lane(d: Drive, r: Rubric) -> PartResult:
    rules = r.lane
    vehicle = r.vehicle(str(d.tel.header.get("vehicle", "car")))
    offset, width = d.col["lane_offset"], d.col["lane_width"]
    valid = d.moving(rules.speed_gate_kmh) & np.isfinite(offset) & np.isfinite(width)
    valid_time = d.time(valid)
    part = PartResult("lane", applicable=valid_time > 0)
    if not part.applicable:
        part.note = {
            "id": "Tidak ada data posisi lajur saat berkendara.",
            "en": "No lane position was recorded while driving.",
        }

    # A lane change shows as a jump of the offset by about a lane width between two samples.
    jump = np.zeros(d.n, dtype=bool)
    if d.n > 1:
        jump[1:] = np.abs(offset[1:] - offset[:-1]) > np.float32(0.5) * width[1:]
    # Stretches: a new one starts at every lane change and where valid samples resume. The
    # pooled within-stretch variance is sum(w x^2) - sum over stretches of (sum w x)^2 / sum w,
    # computed with one reduceat per sum instead of a loop over stretches.
    sdlp = np.nan
    if valid_time > 0:
        resumed = valid.copy()
        resumed[1:] &= jump[1:] | ~valid[:-1]
        starts_seg = np.flatnonzero(resumed)
        if starts_seg[0] != 0:
            starts_seg = np.concatenate(([0], starts_seg))
        w = d.dt * valid
        x = np.where(valid, offset, np.float32(0)).astype(np.float64)
        wx = w * x
        sw = np.add.reduceat(w, starts_seg)
        swx = np.add.reduceat(wx, starts_seg)
        between = float(np.sum(swx * swx / np.where(sw > 0, sw, 1.0)))
        variance = max(0.0, (dot(wx, x) - between) / valid_time)
        sdlp = float(np.sqrt(variance))

    margin = (width - np.float32(vehicle.width_m)) / np.float32(2)
    over_line = valid & (np.abs(offset) > margin)
    starts, ends = keep_longer(d.t, d.dt, *runs(over_line), rules.departure_min_s)
    if starts.size:
        # Drop lane changes: runs that contain, begin or end at a jump of the offset.
        # A jump at index j is between samples j-1 and j: it touches runs with start <= j <= end.
        at = np.flatnonzero(jump)
        keep = np.searchsorted(at, starts, side="left") == np.searchsorted(at, ends, side="right")
        starts, ends = starts[keep], ends[keep]
    if starts.size:
        # Crossing onto the wrong side or off the road is one mistake, scored as that rule
        # infraction; the lane departure that was part of it is not counted again.
        keep = ~overlapping(d.t[starts], d.t[ends - 1], *_rule_episodes(d))
        starts, ends = starts[keep], ends[keep]
    overshoot = np.abs(offset) - margin
    peaks = peak_index(overshoot, starts, ends)
    durations = run_durations(d.t, d.dt, starts, ends)
    for i, dur in zip(peaks.tolist(), durations.tolist(), strict=True):
        part.findings.append(_departure_finding(d, i, dur, float(overshoot[i])))

    if np.isfinite(sdlp):
        excess_cm = max(0.0, (sdlp - rules.sdlp_reference_m) * 100)
        part.deduct("sdlp", sdlp * 100, "cm", rules.points_per_cm_sdlp * excess_cm)
    part.deduct("lane_departures", starts.size, "events", rules.points_per_departure * starts.size)
    part.measures.update(
        {
            "sdlp_m": round(sdlp, 3) if np.isfinite(sdlp) else None,
            "lane_departures": int(starts.size),
            "lane_changes": int(np.count_nonzero(jump & valid)),
            "lane_time_s": round(valid_time, 2),
        }
    )
    return part


def _rule_episodes(d: Drive) -> tuple[np.ndarray, np.ndarray]:
    """Time spans of the wrong-side and off-road episodes the simulator reported."""
    spans = [
        (float(e["t"]) - EPISODE_MARGIN_S, float(e["t"]) + _duration(e) + EPISODE_MARGIN_S)
        for e in d.tel.events
        if e.get("kind") in ("wrong_side", "off_road")
    ]
    return np.array([a for a, _ in spans]), np.array([b for _, b in spans])


def _duration(event: dict) -> float:
    value = event.get("duration_s")
    ok = isinstance(value, int | float) and not isinstance(value, bool) and np.isfinite(value)
    return float(value) if ok else 1.0


def _departure_finding(d: Drive, i: int, duration: float, overshoot_m: float) -> Finding:
    left = float(d.col["lane_offset"][i]) > 0
    text = pair(
        "Roda melewati garis lajur {side} sejauh {cm:.0f} cm selama {dur:.1f} dtk tanpa pindah "
        "lajur. Arahkan pandangan jauh ke tengah lajur dan koreksi kemudi sedikit demi sedikit.",
        "A wheel crossed the {side_en} lane line by {cm:.0f} cm for {dur:.1f} s without changing "
        "lane. Look well ahead to the middle of your lane and correct with small steering inputs.",
        side="kiri" if left else "kanan",
        side_en="left" if left else "right",
        cm=overshoot_m * 100,
        dur=duration,
    )
    return Finding(
        t=float(d.t[i]),
        kind="lane_departure",
        severity="major" if overshoot_m > 0.5 else "minor",
        position=d.position(i),
        advice_id=text[0],
        advice_en=text[1],
        detail={
            "side": "left" if left else "right",
            "over_line_m": round(overshoot_m, 2),
            "duration_s": round(duration, 2),
            "speed_kmh": round(float(d.col["speed"][i]) / KMH, 1),
        },
    )
