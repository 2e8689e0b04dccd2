"""Hazard response: brake reaction time from each hazard's onset to the first brake input.

Reaction times up to the expected value for an unexpected hazard (about 1.25 s, Green 2000)
cost nothing; later ones cost linearly more, up to the full "missed" cost when no brake comes
within the response window, so the cost has no jump at the window's edge. A hazard that starts
while the ego is already standing needs no reaction and is not counted.
"""

from __future__ import annotations

import numpy as np

from isdc.scoring.drive import KMH, Drive
from isdc.scoring.results import Finding, PartResult, Position
from isdc.scoring.rubric import Rubric
from isdc.scoring.wording import pair


def measure_hazard(d: Drive, r: Rubric) -> PartResult:
    rules = r.hazard
    hazards = [e for e in d.tel.events if e.get("kind") == "hazard"]
    hazards.sort(key=lambda e: float(e["t"]))
    onset = np.array([float(e["t"]) for e in hazards], dtype=np.float64)
    speed_at = d.value_at("speed", onset).astype(np.float64)
    counted = speed_at >= rules.stopped_below_kmh * KMH  # NaN speed: cannot judge, not counted
    part = PartResult("hazard", applicable=bool(counted.any()))
    if not part.applicable:
        part.note = {
            "id": "Tidak ada bahaya yang memerlukan reaksi dalam run ini.",
            "en": "No hazard needing a reaction occurred in this run.",
        }
    reaction = _reaction_times(d, onset, rules.brake_threshold)
    missed = counted & ~(reaction <= rules.response_window_s)
    span = rules.response_window_s - rules.expected_reaction_s
    late = np.clip((np.nan_to_num(reaction, nan=np.inf) - rules.expected_reaction_s) / span, 0, 1)
    points = rules.missed_points * late
    for k, event in enumerate(hazards):
        if not counted[k]:
            continue
        if missed[k]:
            part.deduct("missed_hazard", 1, "events", float(points[k]))
            part.findings.append(_missed_finding(d, event, rules.response_window_s))
        else:
            part.deduct("reaction_time", float(reaction[k]), "s", float(points[k]))
            if reaction[k] > rules.slow_reaction_s:
                part.findings.append(_slow_finding(d, event, float(reaction[k])))
    answered = reaction[counted & ~missed]
    part.measures.update(
        {
            "hazards": int(np.count_nonzero(counted)),
            "hazards_missed": int(np.count_nonzero(missed)),
            "reaction_time_mean_s": round(float(answered.mean()), 3) if answered.size else None,
            "reaction_time_max_s": round(float(answered.max()), 3) if answered.size else None,
        }
    )
    return part


def _reaction_times(d: Drive, onset: np.ndarray, threshold: float) -> np.ndarray:
    """Seconds from each onset to the first sample at or after it with the brake pressed."""
    if onset.size == 0 or d.n == 0:
        return np.full(onset.shape[0], np.nan)
    pressed = np.flatnonzero(d.col["brake"] >= np.float32(threshold))
    first_after = np.searchsorted(d.t, onset, side="left")
    j = np.searchsorted(pressed, first_after, side="left")
    out = np.full(onset.shape[0], np.nan)
    found = j < pressed.size
    out[found] = np.maximum(0.0, d.t[pressed[j[found]]] - onset[found])
    return out


def _what(event: dict) -> tuple[str, str]:
    label = event.get("label") or event.get("id")
    if isinstance(label, dict):
        return f" ({label.get('id', '')})", f" ({label.get('en', '')})"
    if label:
        return f" ({label})", f" ({label})"
    return "", ""


def _position(d: Drive, event: dict) -> Position:
    t = np.array([float(event["t"])])
    return Position(float(event["x"]), float(event["y"]), float(d.route_s_at(t)[0]))


def _slow_finding(d: Drive, event: dict, reaction: float) -> Finding:
    what_id, what_en = _what(event)
    text = pair(
        "Anda baru mengerem {rt:.1f} detik setelah bahaya muncul{what}. Saat melihat tanda "
        "bahaya (mobil parkir, anak di tepi jalan), siapkan kaki di atas pedal rem.",
        "You braked {rt:.1f} s after the hazard appeared{what_en}. When you see a warning sign "
        "(parked cars, children at the kerb), cover the brake pedal.",
        rt=reaction,
        what=what_id,
        what_en=what_en,
    )
    return Finding(
        t=float(event["t"]),
        kind="slow_reaction",
        severity="major" if reaction > 2.0 else "minor",
        position=_position(d, event),
        advice_id=text[0],
        advice_en=text[1],
        detail={"reaction_s": round(reaction, 2), "hazard": str(event.get("id", ""))},
    )


def _missed_finding(d: Drive, event: dict, window: float) -> Finding:
    what_id, what_en = _what(event)
    text = pair(
        "Anda tidak mengerem dalam {w:.0f} detik setelah bahaya muncul{what}. Amati tepi jalan "
        "terus-menerus dan kurangi kecepatan agar selalu bisa berhenti.",
        "You did not brake within {w:.0f} s of the hazard appearing{what_en}. Keep scanning the "
        "roadside and keep your speed low enough to stop.",
        w=window,
        what=what_id,
        what_en=what_en,
    )
    return Finding(
        t=float(event["t"]),
        kind="missed_hazard",
        severity="major",
        position=_position(d, event),
        advice_id=text[0],
        advice_en=text[1],
        detail={"hazard": str(event.get("id", ""))},
    )
