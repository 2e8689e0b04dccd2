"""Properties every score must have, checked on generated drives (hypothesis).

Two generators: ``any_telemetry`` gives arbitrary finite values (the scorer must never fail or
leave 0..100 on them), and ``drive_plans`` gives physically continuous drives - segments of
constant acceleration, lateral acceleration, headway, weave - that can be sampled at any rate,
so the same drive can be scored at 30 Hz and at 60 Hz.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from isdc import telemetry as T
from isdc.scoring import score
from isdc.scoring.drive import REQUIRED
from isdc.scoring.infractions import RULE_EVENTS
from isdc.scoring.rubric import BUILTIN_DIR
from tests.scoring.factory import KMH, drive, with_column, with_events

SCENARIOS = sorted(p.stem for p in BUILTIN_DIR.glob("*.toml") if p.stem != "defaults")
FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# --------------------------------------------------------------------------- arbitrary data

finite32 = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False, width=32)


@st.composite
def any_telemetry(draw) -> T.Telemetry:
    n = draw(st.integers(0, 120))
    rate = draw(st.sampled_from([10, 30, 60, 100]))
    rec = T.Recorder(capacity=16)
    columns = [draw(arrays(np.float32, n, elements=finite32)) for _ in T.COLUMN_NAMES]
    zone = draw(arrays(np.uint8, n, elements=st.integers(0, 1)))
    for i in range(n):
        row = [c[i] for c in columns]
        row[T.COLUMN_INDEX["t"]] = i / rate
        row[T.COLUMN_INDEX["school_zone"]] = zone[i]
        rec.append(row)
    duration = n / rate
    for _ in range(draw(st.integers(0, 4))):
        rec.add_event(
            draw(st.floats(0, max(duration, 0.1))),
            draw(st.sampled_from(sorted(T.EVENT_KINDS))),
            draw(finite32),
            draw(finite32),
            **{"with": draw(st.sampled_from(["vehicle", "pedestrian", "static", "??"]))},
        )
    header = T.new_header(
        scenario_id=draw(st.sampled_from(SCENARIOS)),
        scenario_version=1,
        seed=0,
        vehicle=draw(st.sampled_from(["car", "motorcycle", "truck"])),
        driver="hypothesis",
        tick_rate=rate,
        started_at="2026-01-05T08:00:00+07:00",
        simulator_version="test",
        route_length_m=draw(st.floats(0, 1e5)),
    )
    header["outcome"] = draw(st.sampled_from(T.OUTCOMES))
    return rec.telemetry(header)


@FAST
@given(any_telemetry())
def test_any_finite_telemetry_scores_within_0_and_100(tel):
    report = score(tel)
    assert 0 <= report.score <= 100
    for part in report.parts:
        assert 0 <= part.value <= 100
    json.dumps(report.to_dict(), allow_nan=False)


@FAST
@given(any_telemetry())
def test_scoring_is_deterministic(tel):
    assert score(tel).to_dict() == score(tel).to_dict()


# --------------------------------------------------------------------------- continuous drives

SPEED_MIN, SPEED_MAX = 9.0, 30.0  # m/s; above every speed gate so gates never flicker


def away_from(*edges: float):
    return lambda x: all(abs(x - e) > 0.02 for e in edges)


segment = st.fixed_dictionaries(
    {
        "duration": st.floats(2.0, 8.0),
        "accel": st.floats(-6.0, 3.0),
        "lat": st.floats(-4.5, 4.5),
        "limit_kmh": st.sampled_from([30.0, 50.0, 60.0, 80.0]),
        "school": st.booleans(),
        "headway": st.none() | st.floats(0.6, 4.5).filter(away_from(1.0, 2.0, 4.0)),
        "closing": st.floats(-2.0, 6.0),
        "weave": st.floats(0.0, 0.6),
        "steer_amp": st.just(0.0) | st.floats(0.05, 0.3),
        "steer_hz": st.floats(0.05, 0.5),
        "friction": st.sampled_from([0.4, 0.7]),
        "hazard": st.booleans(),
    }
)


@dataclass
class Plan:
    """A continuous drive: piecewise-constant acceleration and conditions per segment."""

    segments: list[dict]
    v0: float

    def __post_init__(self):
        starts, v_starts, s_starts = [0.0], [self.v0], [0.0]
        for seg in self.segments:
            v_end = float(
                np.clip(v_starts[-1] + seg["accel"] * seg["duration"], SPEED_MIN, SPEED_MAX)
            )
            seg["accel"] = (v_end - v_starts[-1]) / seg["duration"]
            s_starts.append(s_starts[-1] + (v_starts[-1] + v_end) / 2 * seg["duration"])
            starts.append(starts[-1] + seg["duration"])
            v_starts.append(v_end)
        self.starts, self.v_starts, self.s_starts = (
            np.array(a) for a in (starts, v_starts, s_starts)
        )

    @property
    def duration(self) -> float:
        return float(self.starts[-1])

    def sample(self, rate: float) -> T.Telemetry:
        t = np.arange(int(round(self.duration * rate))) / rate  # the grid drive() records
        seg = np.clip(np.searchsorted(self.starts, t, side="right") - 1, 0, len(self.segments) - 1)
        tau = t - self.starts[seg]

        def per(key):
            return np.array([s[key] for s in self.segments], dtype=float)[seg]

        accel = per("accel")
        speed = self.v_starts[seg] + accel * tau
        headway = np.array(
            [np.nan if s["headway"] is None else s["headway"] for s in self.segments]
        )[seg]
        events = [
            {"t": float(start + 0.37), "kind": "hazard", "id": f"h{k}"}
            for k, (start, s) in enumerate(zip(self.starts, self.segments, strict=False))
            if s["hazard"]
        ]
        tel = drive(
            self.duration,
            rate,
            speed=speed,
            accel_lon=accel,
            accel_lat=per("lat"),
            steering=per("steer_amp") * np.sin(2 * np.pi * per("steer_hz") * t),
            lane_offset=per("weave") * np.sin(2 * np.pi * 0.2 * t),
            speed_limit=per("limit_kmh") * KMH,
            school_zone=per("school"),
            lead_gap=headway * speed,
            lead_closing=per("closing"),
            friction=per("friction"),
            events=events,
            route_length_m=float(self.s_starts[-1]),
        )
        # Distance along the route from the plan itself, not from the samples.
        route = self.s_starts[seg] + self.v_starts[seg] * tau + accel * tau**2 / 2
        tel = with_column(tel, "route_s", route)
        return with_column(tel, "x", route)


plans = st.builds(Plan, st.lists(segment, min_size=2, max_size=6), st.floats(SPEED_MIN + 0.5, 25.0))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plans)
def test_the_same_drive_at_30_and_60_hz_scores_within_2_points(plan):
    at_60 = score(plan.sample(60))
    at_30 = score(plan.sample(30))
    assert abs(at_60.score - at_30.score) <= 2, (at_60.to_dict(), at_30.to_dict())


rule_event = st.fixed_dictionaries(
    {
        "kind": st.sampled_from(RULE_EVENTS),
        "with": st.sampled_from(["vehicle", "pedestrian", "static", "cyclist"]),
    }
)


@FAST
@given(plans, rule_event, st.floats(0, 1), st.sampled_from(SCENARIOS))
def test_adding_an_infraction_never_raises_the_score(plan, event, when, scenario):
    tel = plan.sample(30)
    tel.header["scenario"] = {"id": scenario, "version": 1}
    before = score(tel)
    after = score(with_events(tel, {**event, "t": when * plan.duration}))
    assert after.score <= before.score + 1e-9
    assert not (after.passed and not before.passed)


@FAST
@given(plans, st.floats(1.0, 3.0))
def test_more_overspeed_never_scores_better(plan, k):
    tel = plan.sample(30)
    speed = tel["speed"].astype(float)
    limit = tel["speed_limit"].astype(float)
    faster = np.where(speed > limit, limit + k * (speed - limit), speed)
    assert score(with_column(tel, "speed", faster)).score <= score(tel).score + 1e-9


@FAST
@given(
    plans,
    st.sampled_from(REQUIRED),
    st.lists(st.floats(0, 1), min_size=1, max_size=40),
)
def test_missing_samples_are_reported_not_crashed_on(plan, column, where):
    tel = plan.sample(30)
    values = tel[column].astype(float)
    holes = sorted({int(w * (values.size - 1)) for w in where})
    values[holes] = np.nan
    report = score(with_column(tel, column, values))
    (warning,) = [w for w in report.warnings if w.get("column") == column]
    assert warning["code"] == "missing_samples" and warning["count"] == len(holes)
    assert 0 <= report.score <= 100
    json.dumps(report.to_dict(), allow_nan=False)
