"""Rule infractions: events that multiply the score by a factor each (CARLA-style), with findings.

Collisions are told apart by what was hit (pedestrian, vehicle, static) and counted once per
object within a few seconds or metres (CARLA's rule), because one crash often touches twice.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from isdc.scoring.drive import KMH, Drive
from isdc.scoring.results import Factor, Finding, Position
from isdc.scoring.rubric import Rubric
from isdc.scoring.wording import pair

RULE_EVENTS = (
    "collision",
    "solid_line",
    "red_light",
    "amber_light",
    "stop_sign",
    "fail_to_yield",
    "off_road",
    "wrong_side",
)
SEVERITY = {
    "collision_pedestrian": "critical",
    "collision_vehicle": "critical",
    "collision_static": "critical",
    "red_light": "critical",
    "fail_to_yield": "critical",
    "stop_sign": "major",
    "off_road": "major",
    "wrong_side": "major",
    "solid_line": "major",
    "amber_light": "minor",
    "timeout": "minor",
}
# What a fixed object the simulator names is called in each language.
OBJECT_NAMES: dict[str, tuple[str, str]] = {
    "cone": ("kerucut lalu lintas", "a traffic cone"),
    "barrier": ("pembatas jalan", "a barrier"),
    "bollard": ("tiang pembatas", "a bollard"),
    "": ("benda di jalan", "an object on the road"),
}
REAR_END_GAP_M = 3.0  # the vehicle ahead in the lane this close at contact: a rear-end crash
_VULNERABLE = {"pedestrian", "cyclist", "bicycle", "child"}
_STATIC = {"static", "object", "barrier", "wall", "pole", "tree", "building", "kerb"}

ADVICE: dict[str, tuple[str, str]] = {
    "red_light": (
        "Anda melewati garis henti saat lampu merah pada {v:.0f} km/jam. Saat lampu kuning menyala "
        "dan Anda masih bisa berhenti dengan nyaman, berhentilah di belakang garis.",
        "You crossed the stop line on red at {v:.0f} km/h. When the light turns amber and you "
        "can still stop comfortably, stop behind the line.",
    ),
    "amber_light": (
        "Anda melintas saat lampu kuning pada {v:.0f} km/jam padahal masih bisa berhenti dengan "
        "aman. Kuning berarti bersiap berhenti, bukan mempercepat.",
        "You crossed on amber at {v:.0f} km/h although you could have stopped safely. Amber "
        "means prepare to stop, not speed up.",
    ),
    "stop_sign": (
        "Anda tidak berhenti penuh di rambu STOP (kecepatan {v:.0f} km/jam). Berhenti total di "
        "belakang garis, lihat kanan-kiri, baru jalan.",
        "You did not stop fully at the stop sign ({v:.0f} km/h). Stop completely behind the "
        "line, look both ways, then go.",
    ),
    "fail_to_yield": (
        "Pejalan kaki sedang atau akan menyeberang dan Anda tidak memberi jalan ({v:.0f} "
        "km/jam). Pelankan saat mendekati zebra cross dan berhenti di belakang garis bila ada "
        "yang menyeberang.",
        "A pedestrian was on or entering the crossing and you did not give way ({v:.0f} km/h). "
        "Slow down approaching crossings and stop behind the line when someone is crossing.",
    ),
    "off_road": (
        "Kendaraan keluar dari badan jalan pada {v:.0f} km/jam. Kurangi kecepatan sebelum "
        "tikungan dan arahkan pandangan ke arah tujuan.",
        "The vehicle left the road at {v:.0f} km/h. Slow down before bends and look where you "
        "want to go.",
    ),
    "wrong_side": (
        "Anda berada di sisi kanan jalan pada {v:.0f} km/jam. Indonesia wajib lajur kiri "
        "(Pasal 108); menyalip hanya bila jalan di depan jelas kosong.",
        "You drove on the right-hand side at {v:.0f} km/h. Indonesia keeps left (Article 108); "
        "overtake only when the road ahead is clearly free.",
    ),
    "collision_pedestrian": (
        "Anda menabrak pejalan kaki pada {v:.0f} km/jam. Di tempat orang berjalan, melajulah "
        "cukup pelan agar bisa berhenti dalam jarak yang terlihat kosong.",
        "You hit a pedestrian at {v:.0f} km/h. Where people walk, drive slowly enough to stop "
        "within the distance you can see to be clear.",
    ),
    "collision_vehicle": (
        "Anda bertabrakan dengan kendaraan lain pada {v:.0f} km/jam. Sebelum berbelok atau "
        "berpindah lajur, periksa spion dan titik buta, dan beri jalan bila wajib.",
        "You collided with another vehicle at {v:.0f} km/h. Before turning or changing lanes, "
        "check the mirrors and the blind spot, and give way where you must.",
    ),
    "collision_rear_end": (
        "Anda menabrak kendaraan di depan pada {v:.0f} km/jam. Jaga jarak minimal 3 detik agar "
        "Anda selalu bisa berhenti ketika kendaraan di depan mengerem mendadak.",
        "You ran into the vehicle ahead at {v:.0f} km/h. Keep at least a 3-second gap so you "
        "can always stop when the vehicle ahead brakes hard.",
    ),
    "collision_static": (
        "Anda menabrak {obj_id} pada {v:.0f} km/jam. Perhatikan rintangan jauh di depan dan "
        "kurangi kecepatan cukup awal agar bisa berhenti atau menghindarinya.",
        "You hit {obj_en} at {v:.0f} km/h. Watch for obstacles well ahead and slow down early "
        "enough to stop or steer clear of them.",
    ),
    "solid_line": (
        "Anda pindah lajur melewati garis utuh{side_id}. Garis utuh berarti dilarang berpindah "
        "lajur: tunggu sampai garisnya putus-putus.",
        "You changed lane across a solid line{side_en}. A solid line means no lane change: "
        "wait until the line is broken.",
    ),
    "timeout": (
        "Waktu skenario habis sebelum tujuan tercapai. Bila aman, tetap melaju dengan lancar: "
        "terlalu ragu juga membahayakan.",
        "The scenario's time ran out before you reached the goal. When it is safe, keep "
        "moving steadily: too much hesitation is a hazard too.",
    ),
}


# Specifics the simulator's detectors attach to an event, added to the advice when present.
EXTRA: dict[str, tuple[str, str, str]] = {
    # kind: (event key, Indonesian sentence, English sentence); {x} is the value
    "red_light": (
        "red_for_s",
        " Lampu sudah merah {x:.1f} dtk.",
        " The light had been red for {x:.1f} s.",
    ),
    "off_road": ("duration_s", " (selama {x:.1f} dtk)", " (for {x:.1f} s)"),
    "wrong_side": ("duration_s", " (selama {x:.1f} dtk)", " (for {x:.1f} s)"),
}


def collision_kind(event: dict[str, Any]) -> str:
    what = str(event.get("with", "vehicle")).lower()
    if what in _VULNERABLE:
        return "collision_pedestrian"
    if what in _STATIC:
        return "collision_static"
    return "collision_vehicle"


def rule_infractions(d: Drive, r: Rubric) -> tuple[list[Factor], list[Finding], dict[str, int]]:
    """The factors (one per infraction kind present), a finding per infraction, and counts."""
    events = sorted(
        (e for e in d.tel.events if e.get("kind") in RULE_EVENTS), key=lambda e: float(e["t"])
    )
    counted: list[tuple[str, dict[str, Any]]] = []
    last_hit: dict[tuple[str, str], dict[str, Any]] = {}
    for event in events:
        kind = event["kind"]
        if kind == "collision":
            kind = collision_kind(event)
            key = (kind, str(event.get("object", event.get("other", event.get("id", "")))))
            previous = last_hit.get(key)
            last_hit[key] = event
            if previous is not None and (
                float(event["t"]) - float(previous["t"]) < r.rules.collision_repeat_s
                or math.dist((event["x"], event["y"]), (previous["x"], previous["y"]))
                < r.rules.collision_repeat_m
            ):
                continue
        counted.append((kind, event))
    timed_out = d.tel.header.get("outcome") == "timeout" or any(
        e.get("kind") == "timeout" for e in d.tel.events
    )
    if timed_out:
        timeout_events = [e for e in d.tel.events if e.get("kind") == "timeout"]
        ev = timeout_events[0] if timeout_events else _end_event(d)
        counted.append(("timeout", ev))

    times = np.array([float(e["t"]) for _, e in counted], dtype=np.float64)
    speeds = d.value_at("speed", times).astype(np.float64) / KMH
    gaps_ahead = d.value_at("lead_gap", times).astype(np.float64)
    route = d.route_s_at(times)
    findings: list[Finding] = []
    counts: dict[str, int] = {}
    for k, (kind, event) in enumerate(counted):
        counts[kind] = counts.get(kind, 0) + 1
        speed = float(speeds[k])
        if kind == "stop_sign" and _number(event.get("min_speed_kmh")) is not None:
            speed = float(event["min_speed_kmh"])  # the slowest it got near the line
        advice_kind = kind
        if kind == "collision_vehicle" and gaps_ahead[k] <= REAR_END_GAP_M:
            advice_kind = "collision_rear_end"  # the vehicle ahead in the lane was hit
        id_text, en_text = _advice(advice_kind, event, speed)
        findings.append(
            Finding(
                t=float(event["t"]),
                kind=kind,
                severity=SEVERITY[kind],
                position=Position(float(event["x"]), float(event["y"]), float(route[k])),
                advice_id=id_text,
                advice_en=en_text,
                detail=_detail(event, speed),
            )
        )
    factors = [Factor(kind, counts[kind], r.factors[kind]) for kind in sorted(counts)]
    return factors, findings, counts


def _number(value: Any) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        return float(value)
    return None


def _advice(kind: str, event: dict[str, Any], speed: float) -> tuple[str, str]:
    """The advice line for an infraction, with what the detector recorded about it."""
    side = event.get("side")
    side_id = {"left": " ke kiri", "right": " ke kanan"}.get(str(side), "")
    side_en = {"left": " to the left", "right": " to the right"}.get(str(side), "")
    obj_id, obj_en = OBJECT_NAMES.get(str(event.get("object_kind")), OBJECT_NAMES[""])
    id_text, en_text = pair(
        *ADVICE[kind], v=speed, side_id=side_id, side_en=side_en, obj_id=obj_id, obj_en=obj_en
    )
    if kind == "amber_light":
        dist, stop = (
            _number(event.get("distance_at_onset_m")),
            _number(event.get("stopping_distance_m")),
        )
        if dist is not None and stop is not None:
            more = pair(
                " Saat lampu berubah kuning Anda {d:.0f} m dari garis; jarak henti Anda {s:.0f} m.",
                " When it turned amber you were {d:.0f} m from the line and needed {s:.0f} m to stop.",
                d=dist,
                s=stop,
            )
            id_text, en_text = id_text + more[0], en_text + more[1]
    extra = EXTRA.get(kind)
    if extra is not None and _number(event.get(extra[0])) is not None:
        more = pair(extra[1], extra[2], x=float(event[extra[0]]))
        # A bracketed duration belongs before the sentence's full stop.
        if more[0].startswith(" ("):
            id_text = _insert_before_first_stop(id_text, more[0])
            en_text = _insert_before_first_stop(en_text, more[1])
        else:
            id_text, en_text = id_text + more[0], en_text + more[1]
    return id_text, en_text


def _insert_before_first_stop(text: str, insert: str) -> str:
    head, sep, tail = text.partition(". ")
    return f"{head}{insert}{sep}{tail}" if sep else text + insert


def _detail(event: dict[str, Any], speed_kmh: float) -> dict[str, Any]:
    detail: dict[str, Any] = {
        "speed_kmh": round(speed_kmh, 1) if math.isfinite(speed_kmh) else None
    }
    for key in (
        "with",
        "object",
        "object_kind",
        "relative_speed_kmh",
        "id",
        "other",
        "signal",
        "stop_line",
        "red_for_s",
        "min_speed_kmh",
        "distance_at_onset_m",
        "stopping_distance_m",
        "duration_s",
        "zebra",
        "pedestrian",
        "side",
    ):
        value = event.get(key)
        if isinstance(value, str | int | float) and not isinstance(value, bool):
            detail[key] = value
    return detail


def _end_event(d: Drive) -> dict[str, Any]:
    if d.n == 0:
        return {"t": 0.0, "x": float("nan"), "y": float("nan")}
    return {
        "t": float(d.t[-1]),
        "x": float(d.col["x"][-1]),
        "y": float(d.col["y"][-1]),
    }
