"""Small scenarios and scripted drivers for the simulator's tests.

The scenarios are built as dicts (the same schema as the TOML files) so each test states just
the road and entities it needs; the drivers are deliberately simple (hold a lane offset, hold a
speed, brake at a place) so that a detector test does not depend on the autopilot's rules.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable
from typing import Any

from isdc.simulator import Controls, Simulation
from isdc.simulator.drivers.base import DriverView, pedals_for
from isdc.simulator.scenario import scenario_from_dict

STRAIGHT: dict[str, Any] = {
    "id": "test_straight",
    "version": 1,
    "title": {"id": "Uji", "en": "Test"},
    "brief": {"id": "Uji", "en": "Test"},
    "time_limit_s": 60,
    "ego": {"lane": "main:f1", "s": 10, "speed_kmh": 0},
    "goal": {"kind": "reach", "lane": "main:f1", "s": 380},
    "roads": [
        {
            "id": "main",
            "type": "urban",
            "start": [0, 0],
            "heading_deg": 0,
            "pieces": [{"straight": 400}],
        }
    ],
}


def scenario(base: dict[str, Any] | None = None, **changes: Any):
    """A validated, built scenario: ``base`` (default: a 400 m urban road) with changes."""
    data = copy.deepcopy(base or STRAIGHT)
    for key, value in changes.items():
        data[key] = value
    return scenario_from_dict(data, build=True)


class Scripted:
    """Drives a target speed (km/h) at a lateral offset (m, left positive) from the route.

    ``speed`` and ``offset`` may be functions of the view, for drivers that change their
    mind at a place or a time. ``brake`` forces full braking when it returns True.
    """

    def __init__(
        self,
        speed: float | Callable[[DriverView], float],
        offset: float | Callable[[DriverView], float] = 0.0,
        brake: Callable[[DriverView], bool] | None = None,
        stop_at: Callable[[DriverView], float | None] | None = None,
        name: str = "scripted",
    ):
        self.speed = speed
        self.offset = offset
        self.brake = brake
        self.stop_at = stop_at  # route distance where the front bumper must come to rest
        self.name = name

    def reset(self, view: DriverView) -> None:
        pass

    def act(self, view: DriverView) -> Controls:
        ego = view.ego
        p = view.vehicle
        target = (self.speed(view) if callable(self.speed) else self.speed) / 3.6
        offset = self.offset(view) if callable(self.offset) else self.offset
        if self.brake is not None and self.brake(view):
            throttle, brake = 0.0, 1.0
        else:
            accel = max(-6.0, min(2.0, 1.0 * (target - ego.speed)))
            line = self.stop_at(view) if self.stop_at is not None else None
            if line is not None:
                room = line - (view.route_s + p.length / 2)
                need = ego.speed**2 / (2.0 * max(room, 0.05))
                if room < 0.3 or need > 1.5:  # brake just hard enough to stop at the line
                    accel = min(accel, -need if room > 0.05 else -6.0)
                    target = 0.0
            throttle, brake = pedals_for(accel, ego.speed, p)
            if target == 0 and ego.speed < 0.5:
                throttle, brake = 0.0, 0.5
        ahead = max(6.0, 0.8 * ego.speed) + p.wheelbase - p.rear_to_cg
        x, y, h = view.route_pose(ahead)
        x -= offset * math.sin(h)
        y += offset * math.cos(h)
        fwd = p.wheelbase - p.rear_to_cg
        fx, fy = ego.x + fwd * math.cos(ego.heading), ego.y + fwd * math.sin(ego.heading)
        alpha = math.atan2(y - fy, x - fx) - ego.heading
        ld = max(math.hypot(x - fx, y - fy), 1.0)
        delta = math.atan2(2.0 * p.wheelbase * math.sin(alpha), ld)
        return Controls(max(-1.0, min(1.0, delta / p.max_steer)), throttle, brake)


def stop_and_go(line: float, hold_s: float | None = None):
    """A ``stop_at`` plan: stop with the front at route distance ``line``; go on after
    standing ``hold_s`` seconds (never, if None)."""
    since: list[float] = []

    def plan(view: DriverView) -> float | None:
        if not since and view.ego.speed < 0.01 and view.route_s > 1.0:
            since.append(view.t)
        if since and hold_s is not None and view.t - since[0] >= hold_s:
            return None
        return line

    return plan


def drive(sc, driver, *, vehicle: str = "car", seed: int = 1, max_s: float | None = None):
    """Run ``driver`` in scenario ``sc``; returns (simulation, telemetry)."""
    sim = Simulation(sc, vehicle, seed, driver=getattr(driver, "name", "scripted"))
    limit = None if max_s is None else round(max_s * sc.tick_rate)
    tel = sim.run(driver, max_ticks=limit)
    return sim, tel


def kinds(tel) -> list[str]:
    return [e["kind"] for e in tel.events]


def of_kind(tel, kind: str) -> list[dict[str, Any]]:
    return [e for e in tel.events if e["kind"] == kind]
