"""Hand-built telemetry for scoring tests: a drive described by its signals, recorded as the
simulator records it (isdc.telemetry.Recorder + new_header)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from isdc import telemetry as T

KMH = 1 / 3.6
Signal = float | np.ndarray | Callable[[np.ndarray], np.ndarray]


def _signal(value: Signal, t: np.ndarray) -> np.ndarray:
    if callable(value):
        return np.asarray(value(t), dtype=np.float64) * np.ones_like(t)
    return np.asarray(value, dtype=np.float64) * np.ones_like(t)


def drive(
    duration_s: float = 60.0,
    rate: float = 60.0,
    *,
    speed: Signal = 40 * KMH,
    speed_limit: Signal = 50 * KMH,
    accel_lon: Signal | None = None,
    accel_lat: Signal = 0.0,
    steering: Signal = 0.0,
    brake: Signal | None = None,
    throttle: Signal | None = None,
    lane_offset: Signal = 0.0,
    lane_width: Signal = 3.5,
    lead_gap: Signal = np.nan,
    lead_closing: Signal = np.nan,
    friction: Signal = 0.7,
    school_zone: Signal = 0.0,
    events: Iterable[dict[str, Any]] = (),
    scenario: str = "urban_intersection",
    vehicle: str = "car",
    outcome: str = "completed",
    route_length_m: float | None = None,
    run_id: str = "00000000-0000-4000-8000-000000000001",
) -> T.Telemetry:
    """A straight drive east along the route; every signal a constant, an array or f(t)."""
    n = int(round(duration_s * rate))
    t = np.arange(n, dtype=np.float64) / rate
    v = _signal(speed, t)
    a = _signal(accel_lon, t) if accel_lon is not None else np.gradient(v, t) if n > 1 else 0 * t
    dist = np.concatenate(([0.0], np.cumsum(0.5 * (v[1:] + v[:-1]) * np.diff(t)))) if n else t
    b = _signal(brake, t) if brake is not None else np.clip(-a / 8.0, 0, 1) * (a < -0.3)
    th = _signal(throttle, t) if throttle is not None else np.clip(a / 3.0, 0, 1) * (a > 0)
    cols = {
        "t": t,
        "x": dist,
        "y": np.zeros(n),
        "heading": np.zeros(n),
        "speed": v,
        "accel_lon": a,
        "accel_lat": _signal(accel_lat, t),
        "yaw_rate": np.zeros(n),
        "steering": _signal(steering, t),
        "throttle": th,
        "brake": b,
        "lane_offset": _signal(lane_offset, t),
        "lane_width": _signal(lane_width, t),
        "route_s": dist,
        "speed_limit": _signal(speed_limit, t),
        "lead_gap": _signal(lead_gap, t),
        "lead_closing": _signal(lead_closing, t),
        "friction": _signal(friction, t),
        "school_zone": _signal(school_zone, t),
    }
    rec = T.Recorder(capacity=max(16, n))
    table = np.column_stack([cols[name] for name in T.COLUMN_NAMES]) if n else None
    for row in table if table is not None else ():
        rec.append(row)
    for ev in events:
        ev = dict(ev)
        i = min(max(0, int(np.searchsorted(t, ev["t"]))), max(0, n - 1))
        ev.setdefault("x", float(dist[i]) if n else 0.0)
        ev.setdefault("y", 0.0)
        rec.add_event(ev.pop("t"), ev.pop("kind"), ev.pop("x"), ev.pop("y"), **ev)
    header = T.new_header(
        scenario_id=scenario,
        scenario_version=1,
        seed=1,
        vehicle=vehicle,
        driver="test",
        tick_rate=rate,
        started_at="2026-01-05T08:00:00+07:00",
        simulator_version="test",
        run_id=run_id,
        route_length_m=float(dist[-1]) if route_length_m is None and n else route_length_m or 0.0,
    )
    header["outcome"] = outcome
    return rec.telemetry(header)


def with_events(tel: T.Telemetry, *events: dict[str, Any]) -> T.Telemetry:
    """A copy of a run with more events (positions default to the ego's at that time)."""
    extra = []
    for ev in events:
        ev = dict(ev)
        t = tel["t"]
        i = min(int(np.searchsorted(t, ev["t"])), len(t) - 1) if len(t) else 0
        ev.setdefault("x", float(tel["x"][i]) if len(t) else 0.0)
        ev.setdefault("y", float(tel["y"][i]) if len(t) else 0.0)
        extra.append(ev)
    return T.Telemetry(
        header=dict(tel.header),
        columns={k: v.copy() for k, v in tel.columns.items()},
        events=[*tel.events, *extra],
    )


def with_column(tel: T.Telemetry, name: str, values: np.ndarray) -> T.Telemetry:
    """A copy of a run with one column replaced (cast to its declared dtype)."""
    dtype = next(c.dtype for c in T.COLUMNS if c.name == name)
    cols = {k: v.copy() for k, v in tel.columns.items()}
    cols[name] = np.asarray(values).astype(dtype)
    return T.Telemetry(header=dict(tel.header), columns=cols, events=list(tel.events))
