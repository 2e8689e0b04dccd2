"""Replaying a run: re-simulate it from its telemetry, exactly, to see the whole world again.

A telemetry file records the ego and the driver's controls, not the traffic. Because the
simulation is deterministic and applies controls at the precision they are recorded with
(float32), feeding the recorded controls back into the same scenario, vehicle and seed
reproduces the run bit for bit - traffic, pedestrians, lights and all. :class:`Replay` does
that, keeps snapshots so seeking backwards is quick, and checks the reproduced ego against the
recording (``diverged`` tells a renderer when a scenario file has changed since the run).
"""

from __future__ import annotations

import bisect
import copy
from pathlib import Path

import numpy as np

from isdc.simulator.scenario import Scenario, ScenarioError, load_scenario
from isdc.simulator.simulation import Simulation
from isdc.simulator.vehicle import Controls
from isdc.telemetry import Telemetry

SNAPSHOT_EVERY_S = 5.0
DIVERGED_M = 0.05  # the ego more than this far from the recording means a different world


class ReplayError(ValueError):
    """A run that cannot be replayed (its scenario is missing); the message says why."""


def scenario_of(tel: Telemetry, override: str | Path | None = None) -> Scenario:
    """The scenario a run was recorded in: ``override``, the built-in id, or its source file."""
    info = tel.header["scenario"]
    ref = override
    if ref is None:
        source = info.get("source", "builtin")
        variant = info.get("variant")
        if source in ("builtin", "inline"):
            ref = info["id"]
        else:
            ref = f"{source}#{variant}" if variant else source
    try:
        return load_scenario(ref)
    except ScenarioError as exc:
        raise ReplayError(f"cannot replay run {tel.run_id}: {exc}") from None


class Replay:
    """A run re-simulated tick by tick. ``seek(t)`` positions it; ``sim``/``world`` show it."""

    def __init__(self, tel: Telemetry, scenario: Scenario | None = None):
        self.tel = tel
        self.scenario = scenario or scenario_of(tel)
        h = tel.header
        self.changed = (
            h["scenario"].get("sha256") not in (None, self.scenario.sha256)
            or h["scenario"].get("version") != self.scenario.version
        )
        self._controls = np.stack((tel["steering"], tel["throttle"], tel["brake"]), axis=1).astype(
            np.float64
        )
        self._x = tel["x"].astype(np.float64)
        self._y = tel["y"].astype(np.float64)
        self.sim = self._fresh()
        self.tick = 0  # ticks replayed so far (the world's time is tick * dt)
        self.diverged = False
        self._snap_ticks: list[int] = [0]
        self._snaps: list[Simulation] = [self._copy(self.sim)]
        self._snap_every = max(1, round(SNAPSHOT_EVERY_S * self.sim.layout.tick_rate))

    def _fresh(self) -> Simulation:
        h = self.tel.header
        return Simulation(
            self.scenario,
            h["vehicle"],
            h["seed"],
            driver=h["driver"],
            run_id=h["run_id"],
            started_at=h["started_at"],
            station=h.get("station"),
            trainee=h.get("trainee"),
            assignment=h.get("assignment"),
        )

    def _copy(self, sim: Simulation) -> Simulation:
        # The layout and scenario are read-only and shared; everything else is copied.
        memo = {id(sim.layout): sim.layout, id(self.scenario): self.scenario}
        return copy.deepcopy(sim, memo)

    @property
    def world(self):
        return self.sim.world

    @property
    def duration(self) -> float:
        return self.tel.duration_s

    @property
    def t(self) -> float:
        return self.sim.world.t

    def step(self) -> bool:
        """Replay one more tick; False at the end of the recording."""
        k = self.tick
        if k >= self.tel.ticks or self.sim.done:
            return False
        c = self._controls[k]
        self.sim.step(Controls(float(c[0]), float(c[1]), float(c[2])))
        self.tick = k + 1
        d = self.sim.world.dyn
        if not self.diverged and (
            abs(d.x - self._x[k]) > DIVERGED_M or abs(d.y - self._y[k]) > DIVERGED_M
        ):
            self.diverged = True
        if self.tick % self._snap_every == 0 and self.tick > self._snap_ticks[-1]:
            self._snap_ticks.append(self.tick)
            self._snaps.append(self._copy(self.sim))
        return True

    def seek(self, t: float) -> None:
        """Position the replay at simulated time ``t`` (clamped to the run)."""
        dt = 1.0 / self.sim.layout.tick_rate
        target = int(round(min(max(t, 0.0), self.duration) / dt))
        target = min(target, self.tel.ticks)
        if target < self.tick:
            i = bisect.bisect_right(self._snap_ticks, target) - 1
            self.sim = self._copy(self._snaps[i])
            self.tick = self._snap_ticks[i]
        while self.tick < target and self.step():
            pass
