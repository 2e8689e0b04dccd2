"""The storyboard: scenario events whose triggers start actions, as in OpenSCENARIO but small.

Triggers (checked every tick until they fire, each event fires once):

* ``time`` - simulated time reaches ``at_s``;
* ``distance`` - the ego has travelled ``m`` metres (odometer);
* ``reach`` - the ego reaches a place: a lane point on its route, or within ``radius_m`` of a point;
* ``ttc`` - the ego's time to reach an entity (or a place) on its route drops below ``below_s``;
* ``signal`` - a signal group shows a state (pedestrians cross when the traffic turns red).

Actions: ``start_crossing`` (a pedestrian walks), ``brake_hard`` (a vehicle brakes to a stop),
``change_signal`` (a signal changes to a phase, through amber), ``spawn`` (a vehicle appears),
``set_speed`` (a vehicle's desired speed) and ``change_lane``. An event marked ``hazard`` is
recorded as a ``hazard`` telemetry event with its id the moment it fires, so scoring can measure
the driver's reaction time from it.
"""

from __future__ import annotations

import math
from typing import Any

from isdc.simulator.build import EventSpec
from isdc.simulator.world import World


class Storyboard:
    def __init__(self, events: list[EventSpec]):
        self.waiting = list(events)
        self.scheduled: list[tuple[int, EventSpec]] = []
        self.fired: dict[str, float] = {}  # event id -> time it fired

    def update(self, world: World) -> list[dict[str, Any]]:
        """Check triggers against the current state; run due actions. Returns hazard events."""
        out: list[dict[str, Any]] = []
        if self.waiting:
            still = []
            for ev in self.waiting:
                if self._triggered(ev.trigger, world):
                    if ev.delay_ticks:
                        self.scheduled.append((world.tick + ev.delay_ticks, ev))
                    else:
                        self._fire(ev, world, out)
                else:
                    still.append(ev)
            self.waiting = still
        if self.scheduled:
            due = [(t, ev) for t, ev in self.scheduled if t <= world.tick]
            self.scheduled = [(t, ev) for t, ev in self.scheduled if t > world.tick]
            for _, ev in due:
                self._fire(ev, world, out)
        return out

    def _triggered(self, trig: dict[str, Any], world: World) -> bool:
        kind = trig["kind"]
        ego = world.dyn
        if kind == "time":
            return world.t >= trig["at_s"] - 1e-9
        if kind == "distance":
            return ego.odometer >= trig["m"]
        if kind == "reach":
            if trig.get("route_s") is not None:
                return world.route_s >= trig["route_s"]
            x, y = trig["at"]
            return math.hypot(ego.x - x, ego.y - y) <= trig["radius_m"]
        if kind == "ttc":
            ttc = time_to_reach(world, trig)
            return ttc is not None and ttc < trig["below_s"]
        if kind == "signal":
            return world.signal_state(trig["signal"], trig["group"]) == trig["state"]
        return False

    def _fire(self, ev: EventSpec, world: World, out: list[dict[str, Any]]) -> None:
        self.fired[ev.id] = world.t
        entities = []
        for action in ev.actions:
            run_action(action, world)
            if action.get("entity"):
                entities.append(action["entity"])
        if ev.hazard:
            hazard: dict[str, Any] = {"id": ev.id}
            if entities:
                hazard["entity"] = entities[0]
            out.append(hazard)


def time_to_reach(world: World, trig: dict[str, Any]) -> float | None:
    """Seconds until the ego's front reaches the entity or place at its current speed."""
    ego = world.dyn
    v = ego.speed
    if v < 0.5:
        return None
    half = world.vehicle.length / 2
    ent = trig.get("entity")
    if ent is None:
        target = trig.get("route_s")
        if target is None:
            return None
        gap = target - world.route_s - half
        return gap / v if gap > 0 else None
    if ent in world.peds.index:
        spec = world.peds.specs[world.peds.index[ent]]
        if spec.conflict_s is None:
            return None
        gap = spec.conflict_s - world.route_s - half
        return gap / v if gap > 0 else None
    i = world.traffic.index_of(ent)
    if i < 0:
        return None
    pos = world.route.position_of(int(world.traffic.lane[i]), float(world.traffic.s[i]))
    if pos is None:
        return None
    gap = pos - world.route_s - half - float(world.traffic.length[i]) / 2
    closing = v - float(world.traffic.v[i])
    if gap <= 0 or closing <= 0.1:
        return None
    return gap / closing


def run_action(action: dict[str, Any], world: World) -> None:
    kind = action["kind"]
    tr = world.traffic
    if kind == "start_crossing":
        world.peds.start(world.peds.index[action["entity"]])
        return
    if kind == "change_signal":
        sig = world.signals[action["signal"]]
        changes = sig.force(action["phase"], world.tick, action.get("hold_ticks"))
        world.forced_signal_changes.extend((sig.id, g, st) for g, st in changes)
        return
    if kind == "spawn":
        world.add_vehicle(action["vehicle"])
        tr.update_poses()
        return
    i = tr.index_of(action["entity"])
    if i < 0:
        return  # the vehicle has already left the map
    if kind == "brake_hard":
        decel = action["decel"]
        hold = action.get("hold_ticks")
        if hold is None:
            # Brake to a standstill, then stand for two seconds before driving on.
            hold = round((float(tr.v[i]) / decel + 2.0) * world.rate)
        tr.brake_hard(i, decel, world.tick + hold)
    elif kind == "set_speed":
        tr.set_desired(i, action["speed_kmh"] / 3.6)
    elif kind == "change_lane":
        tr.change_lane(i, action["to"])
