"""One simulator run: world, storyboard, detectors, goal and telemetry, stepped by a driver.

This is the Python API of the simulation core (SPEC section 5)::

    from isdc.simulator import Simulation, Controls, load_scenario

    sim = Simulation(load_scenario("school_zone"), vehicle="car", seed=7)
    while not sim.done:
        sim.step(Controls(steering=0.0, throttle=0.3, brake=0.0))
    sim.save("run.isdc.npz")

Controls are rounded to float32 before they are applied - the precision they are recorded
with - so a run can be re-simulated exactly from its own telemetry (see ``replay``).
"""

from __future__ import annotations

import math
import os
from typing import Any

import numpy as np

from isdc import telemetry
from isdc.simulator.build import Layout
from isdc.simulator.detectors import Detectors
from isdc.simulator.scenario import Scenario, load_scenario
from isdc.simulator.storyboard import Storyboard
from isdc.simulator.vehicle import VEHICLES, Controls, EgoState
from isdc.simulator.world import World
from isdc.version import __version__

STOPPED = 0.05  # m/s: below this the ego counts as standing still (goal "stop_in_box")
EPOCH = "1970-01-01T00:00:00+00:00"  # started_at when the caller gives none: no clock is read


class SimulationOver(RuntimeError):
    """Raised when stepping a simulation that has already ended."""


def _f32(v: float) -> float:
    return float(np.float32(v))


class Simulation:
    """A run of one scenario with one vehicle and seed. Step it until ``done``."""

    def __init__(
        self,
        scenario: Scenario | str | os.PathLike[str],
        vehicle: str = "car",
        seed: int = 0,
        *,
        driver: str = "api",
        run_id: str | None = None,
        started_at: str | None = None,
        station: str | None = None,
        trainee: str | None = None,
        assignment: int | str | None = None,
    ):
        if not isinstance(scenario, Scenario):
            scenario = load_scenario(scenario)
        if vehicle not in VEHICLES:
            raise ValueError(f"unknown vehicle {vehicle!r}; choose {', '.join(VEHICLES)}")
        self.scenario = scenario
        self.layout: Layout = scenario.layout
        self.vehicle = vehicle
        self.seed = int(seed)
        self.world = World(self.layout, VEHICLES[vehicle], self.seed)
        self.storyboard = Storyboard(self.layout.events)
        self.detectors = Detectors(self.world)
        self.recorder = telemetry.Recorder(capacity=min(self.layout.time_limit_ticks + 2, 36_000))
        lay = self.layout
        self.header = telemetry.new_header(
            scenario_id=scenario.id,
            scenario_version=scenario.version,
            seed=self.seed,
            vehicle=vehicle,
            driver=driver,
            tick_rate=lay.tick_rate,
            started_at=started_at or EPOCH,
            simulator_version=__version__,
            run_id=run_id,
            station=station,
            trainee=trainee,
            assignment=assignment,
            route_length_m=round(self._route_length(), 3),
            conditions={
                "weather": lay.weather,
                "light": lay.light,
                "visibility_m": lay.visibility,
                "friction": lay.friction,
            },
            scenario_title=scenario.title("en"),
        )
        self.header["scenario"] = scenario.header_info()
        self.done = False
        self.outcome: str | None = None
        self._line_speed: float | None = None  # stop_in_box: speed when crossing the line

    def _route_length(self) -> float:
        """Route distance (of the ego's centre) at which the goal counts as reached."""
        g = self.layout.goal
        if g.kind == "stop_in_box":
            return g.route_s - VEHICLES[self.vehicle].length / 2  # front bumper at the box
        return g.route_s

    # ------------------------------------------------------------------------------ reading

    @property
    def t(self) -> float:
        return self.world.t

    @property
    def ego(self) -> EgoState:
        return self.world.ego

    @property
    def events(self) -> list[dict[str, Any]]:
        return self.recorder.events

    @property
    def route_s(self) -> float:
        return self.world.route_s

    # ------------------------------------------------------------------------------ stepping

    def step(self, controls: Controls) -> list[dict[str, Any]]:
        """Advance one tick; returns the events of this tick (also kept in ``events``)."""
        if self.done:
            raise SimulationOver("the run has ended; read its telemetry or start a new one")
        c = controls.clipped()
        c = Controls(_f32(c.steering), _f32(c.throttle), _f32(c.brake))
        w = self.world
        hazards = self.storyboard.update(w)
        w.step(c)
        found = [{"kind": "hazard", **h} for h in hazards]
        found.extend(self.detectors.update(w))
        self._record(c)
        new = [self._event(e) for e in found]
        if any(e["kind"] == "collision" and e["with"] != "static" for e in new) and (
            self.layout.stop_on_collision
        ):
            self._end("collision")
        elif self._goal_reached(new):
            self._end("completed")
        elif w.tick >= self.layout.time_limit_ticks:
            new.append(self._event({"kind": "timeout"}))
            self._end("timeout")
        return new

    def abort(self, reason: str = "operator") -> None:
        """Stop the run before its end (the driver or operator quit)."""
        if self.done:
            return
        self._event({"kind": "aborted", "reason": reason})
        self._end("aborted")

    def run(self, driver, max_ticks: int | None = None) -> telemetry.Telemetry:
        """Drive to the end with ``driver`` (see ``isdc.simulator.drivers.Driver``)."""
        from isdc.simulator.drivers.base import DriverView

        view = DriverView(self)
        driver.reset(view)
        ticks = 0
        while not self.done:
            self.step(driver.act(view))
            ticks += 1
            if max_ticks is not None and ticks >= max_ticks:
                self.abort("limit")
        return self.telemetry()

    def _event(self, detail: dict[str, Any]) -> dict[str, Any]:
        """Record an event at the ego's position now. The dict itself is kept (and reordered
        to t, kind, x, y, details), so a detector may still fill in e.g. a duration later."""
        w = self.world
        ordered = {"t": w.t, "kind": detail.pop("kind"), "x": w.dyn.x, "y": w.dyn.y, **detail}
        detail.clear()
        detail.update(ordered)
        self.recorder.events.append(detail)
        return detail

    def _record(self, c: Controls) -> None:
        w = self.world
        d = w.dyn
        lane = w.ego_lane
        lead = w.lead
        self.recorder.append(
            (
                w.t, d.x, d.y, d.heading, d.speed, d.accel_lon, d.accel_lat, d.yaw_rate,
                c.steering, c.throttle, c.brake,
                w.ego_d if lane is not None else math.nan,
                lane.width if lane is not None else math.nan,
                w.route_s, w.speed_limit,
                lead.gap if lead is not None else math.nan,
                lead.closing if lead is not None else math.nan,
                w.friction, 1.0 if w.school_zone else 0.0,
            )
        )  # fmt: skip

    def _goal_reached(self, new: list[dict[str, Any]]) -> bool:
        g = self.layout.goal
        w = self.world
        if g.kind == "reach":
            if w.route_s >= g.route_s:
                self._event({"kind": "completed", "route_s": round(w.route_s, 2)})
                return True
            return False
        half = w.vehicle.length / 2
        front = w.route_s + half
        if self._line_speed is None:
            if front >= g.line_s:
                self._line_speed = w.dyn.speed
            return False
        if w.dyn.speed > STOPPED:
            return False
        in_box = g.box_from <= front <= g.box_to + 1e-6
        self._event({
            "kind": "completed",
            "route_s": round(w.route_s, 2),
            "stop_front_m": round(front, 2),
            "in_box": in_box,
            "box_m": [round(g.box_from, 2), round(g.box_to, 2)],
            "speed_at_line_kmh": round(self._line_speed * 3.6, 1),
            "speed_ok": self._line_speed + 1e-9 >= g.min_speed,
        })  # fmt: skip
        return True

    def _end(self, outcome: str) -> None:
        self.done = True
        self.outcome = outcome
        self.detectors.finish(self.world)

    # ------------------------------------------------------------------------------ output

    def telemetry(self) -> telemetry.Telemetry:
        header = dict(self.header)
        header["outcome"] = self.outcome or "aborted"
        return self.recorder.telemetry(header)

    def save(self, path: str | os.PathLike[str]):
        """Write the telemetry file atomically (temporary file, then rename)."""
        return telemetry.write(path, self.telemetry())
