"""The driver protocol and the read-only view of the world a driver decides from.

A driver is any object with ``reset(view)`` and ``act(view) -> Controls``; the simulation calls
``act`` once per tick. :class:`DriverView` answers the questions a driver asks - where does my
route go, what limit applies, who is ahead, which lights, stop signs, zebras and give-way lines
are coming and in what state - without letting the driver change anything.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, runtime_checkable

import numpy as np

from isdc.simulator.pedestrians import DONE, HOLDING, WAITING, WALKING
from isdc.simulator.roadmap import StopLine
from isdc.simulator.vehicle import Controls, EgoState, VehicleParams
from isdc.simulator.world import Conditions, Lead, PedestrianView, VehicleView, World

if TYPE_CHECKING:
    from isdc.simulator.simulation import Simulation


@runtime_checkable
class Driver(Protocol):
    """Anything that turns what it sees into controls, once per tick."""

    name: str

    def reset(self, view: DriverView) -> None:
        """Called once before the first tick (plan the route, clear memory)."""

    def act(self, view: DriverView) -> Controls:
        """Controls for the coming tick."""
        ...


@dataclass(frozen=True)
class Stop:
    """A place ahead on the route where the driver may have to stop."""

    kind: str  # signal | stop_sign | zebra | give_way | lane_end | box (braking exercise)
    distance: float  # from the ego's front bumper, m (negative once passed)
    route_s: float  # route distance of the line
    state: str | None = None  # signal: green|amber|red; zebra/give_way: "busy" or "clear"
    since_s: float = 0.0  # signal: seconds in the current state; box: since the braking line
    ident: str = ""  # stop line id, or the connector that gives way


@dataclass(frozen=True)
class Crossing:
    """A walking pedestrian whose path crosses the route ahead."""

    pedestrian: str
    kind: str
    distance: float  # from the ego's front bumper to where the path crosses the route, m
    offset: float  # signed distance still to walk before the pedestrian clears the route, m
    walking_s: float  # how long the pedestrian has been walking
    visible: bool  # within the visibility distance (night, rain)


class DriverView:
    """What a driver may read; every method is a query, none changes the world."""

    def __init__(self, sim: Simulation):
        self._sim = sim
        self._world: World = sim.world
        w = self._world
        route = w.route
        lines: list[tuple[float, StopLine]] = []
        for line in w.map.stop_lines:
            pos = route.position_of(line.lane, line.s)
            if pos is not None:
                lines.append((pos, line))
        self._lines = sorted(lines, key=lambda p: p[0])
        gives: list[tuple[float, int]] = []
        for seg in route.segments:
            first = w.map.lanes[seg.lanes[0]]
            if first.yield_to:
                gives.append((seg.base - 0.5, first.index))
        self._gives = gives
        ends: list[tuple[float, str]] = []
        for seg in route.segments:
            for li in seg.lanes[:-1]:  # lanes to leave before they end (acceleration lanes)
                lane = w.map.lanes[li]
                if not lane.successors and lane.end < seg.exit_s:
                    ends.append((seg.base + lane.end - seg.entry_s, lane.id))
        self._ends = ends
        self._walk_start: dict[int, int] = {}
        self._line_t: float | None = None
        # Where each pedestrian's walk crosses the route (fixed): x, y, route heading there.
        self._conflicts = [
            route.pose(p.conflict_s) if p.conflict_s is not None else None for p in w.peds.specs
        ]

    # ---- the ego and its place on the route
    @property
    def t(self) -> float:
        return self._world.t

    @property
    def dt(self) -> float:
        return self._world.dt

    @property
    def ego(self) -> EgoState:
        return self._world.ego

    @property
    def vehicle(self) -> VehicleParams:
        return self._world.vehicle

    @property
    def conditions(self) -> Conditions:
        return self._world.conditions

    @property
    def route_s(self) -> float:
        return self._world.route_s

    @property
    def route_length(self) -> float:
        return float(self._sim.layout.goal.route_s)

    @property
    def goal(self):
        return self._sim.layout.goal

    @property
    def lane_id(self) -> str | None:
        lane = self._world.ego_lane
        return lane.id if lane is not None else None

    @property
    def lane_offset(self) -> float:
        """Offset from the lane centre, left positive (NaN off every lane)."""
        return self._world.ego_d

    @property
    def speed_limit(self) -> float:
        return self._world.speed_limit

    @property
    def friction(self) -> float:
        return self._world.friction

    @property
    def lead(self) -> Lead | None:
        return self._world.lead

    def route_profile(self) -> dict[str, np.ndarray]:
        """Per metre of route: s, x, y, heading, curvature, limit, advisory (m/s), friction."""
        r = self._world.route
        return {
            "s": r.samples_s,
            "x": r.samples_x,
            "y": r.samples_y,
            "heading": r.samples_h,
            "curvature": r.samples_k,
            "limit": r.samples_limit,
            "advisory": r.samples_advisory,
            "friction": r.samples_friction,
            "school": r.samples_school,
        }

    def route_segment(self) -> tuple[int, list[str]]:
        """(index, lane ids) of the route segment the ego is in."""
        w = self._world
        seg = w.route.segments[w.segment]
        return w.segment, [w.map.lanes[i].id for i in seg.lanes]

    def route_pose(self, ahead: float = 0.0) -> tuple[float, float, float]:
        """World (x, y, heading) of the route's centre line ``ahead`` metres from the ego."""
        w = self._world
        return w.route.pose(w.route_s + ahead)

    def lane_pose(self, lane_id: str, s: float, d: float = 0.0) -> tuple[float, float, float]:
        return self._world.map.lane_by_id[lane_id].pose(s, d)

    def target_point(self, ahead: float, lane_id: str | None = None) -> tuple[float, float]:
        """A point ``ahead`` metres further along the route, on ``lane_id`` while in its segment."""
        w = self._world
        r = w.route
        k, s = r.locate(w.route_s + ahead)
        seg = r.segments[k]
        # A segment not reached yet is entered on its first lane; the one the ego is in leads
        # to its target lane unless the driver names a lane of it.
        lane = seg.lanes[0] if k > w.segment else seg.target
        if lane_id is not None:
            li = w.map.lane_by_id[lane_id].index
            if li in seg.lanes:
                lane = li
        ln = w.map.lanes[lane]
        s = min(max(s, ln.begin), ln.end)
        x, y, _ = ln.pose(s)
        return x, y

    # ---- things ahead
    def stops_ahead(self, horizon: float = 150.0) -> list[Stop]:
        w = self._world
        front = w.route_s + w.vehicle.length / 2
        out: list[Stop] = []
        for pos, line in self._lines:
            dist = pos - front
            if dist < -2.0 or dist > horizon:
                continue
            if line.kind == "signal":
                sig = w.signals[line.signal]
                since = (w.tick - sig.since[line.group]) * w.dt
                out.append(Stop("signal", dist, pos, sig.group_state(line.group), since, line.id))
            elif line.kind == "stop_sign":
                out.append(Stop("stop_sign", dist, pos, None, 0.0, line.id))
            elif line.kind == "zebra":
                busy = w.zebra_busy(line.zebra, margin=3.0)
                out.append(Stop("zebra", dist, pos, "busy" if busy else "clear", 0.0, line.zebra))
        for pos, conn in self._gives:
            dist = pos - front
            if -2.0 <= dist <= horizon:
                blocked = w.connector_blocked(conn, horizon=6.0, include_ego=False)
                lane_id = w.map.lanes[conn].id
                out.append(Stop("give_way", dist, pos, "busy" if blocked else "clear", 0, lane_id))
        goal = self._sim.layout.goal
        if goal.kind == "stop_in_box" and front >= goal.line_s:
            # Past the braking line: the box to stop in (its middle), and how long ago the line.
            if self._line_t is None:
                self._line_t = w.t
            mid = 0.5 * (goal.box_from + goal.box_to)
            out.append(Stop("box", mid - front, mid, None, w.t - self._line_t, "box"))
        for pos, lane_id in self._ends:
            dist = pos - front
            if -2.0 <= dist <= horizon and self.lane_id == lane_id:
                out.append(Stop("lane_end", dist, pos, None, 0.0, lane_id))
        out.sort(key=lambda st: st.distance)
        return out

    def priority_clear(self, connector_id: str, horizon: float = 6.0) -> bool:
        """Is there no traffic on the lanes ``connector_id`` gives way to, for ``horizon`` s?"""
        w = self._world
        return not w.connector_blocked(
            w.map.lane_by_id[connector_id].index, horizon, include_ego=False
        )

    def crossings_ahead(self, horizon: float = 120.0) -> list[Crossing]:
        """Pedestrians walking (or standing) across the route ahead, as a driver would see them."""
        w = self._world
        peds = w.peds
        front = w.route_s + w.vehicle.length / 2
        out = []
        for i, spec in enumerate(peds.specs):
            state = peds.state[i]
            if state in (WALKING, HOLDING):
                self._walk_start.setdefault(i, w.tick)
            if state in (WAITING, DONE) or spec.conflict_s is None:
                continue
            dist = spec.conflict_s - front
            if dist < -w.vehicle.length or dist > horizon:
                continue
            cx, cy, ch = self._conflicts[i]
            px, py = float(peds.x[i]), float(peds.y[i])
            # Signed distance across the route line, positive on the side the walk heads to.
            across = -(px - cx) * math.sin(ch) + (py - cy) * math.cos(ch)
            heading = float(peds.heading[i])
            towards = -math.sin(ch) * math.cos(heading) + math.cos(ch) * math.sin(heading)
            offset = -across if towards >= 0 else across
            ego_dist = math.hypot(px - w.dyn.x, py - w.dyn.y)
            out.append(
                Crossing(
                    spec.id,
                    spec.kind,
                    dist,
                    offset,
                    (w.tick - self._walk_start[i]) * w.dt,
                    ego_dist <= w.conditions.visibility_m,
                )
            )
        return out

    def vehicles_near(
        self, lane_id: str, s_from: float, s_to: float
    ) -> list[tuple[float, float, float]]:
        """(s, speed, half length) of the vehicles in a lane between two positions (gap checks)."""
        w = self._world
        tr = w.traffic
        n = tr.n
        li = w.map.lane_by_id[lane_id].index
        s = tr.s
        m = (tr.lane[:n] == li) & (s >= s_from) & (s <= s_to)
        idx = np.flatnonzero(m)
        half = tr.f[:n, 4]
        return [(float(s[i]), float(tr.v[i]), float(half[i])) for i in idx.tolist()]

    def line_style_between(self, lane_a: str, lane_b: str, s: float) -> str:
        """Marking between two side-by-side lanes at lane position ``s``: dashed, solid, ..."""
        m = self._world.map
        a, b = m.lane_by_id[lane_a], m.lane_by_id[lane_b]
        if b.index == a.right:
            return a.line_style("right", s)
        if b.index == a.left:
            return a.line_style("left", s)
        return "none"

    def lane_end(self, lane_id: str) -> float:
        """Lane s where a lane ends (an acceleration lane's end, a connector's end)."""
        return self._world.map.lane_by_id[lane_id].end

    def speed_limit_min(self, lane_id: str, s: float) -> float:
        """Minimum speed (m/s) in force on a lane at ``s`` (toll roads: 60 km/h), else 0."""
        lane = self._world.map.lane_by_id[lane_id]
        return lane.road.zone_at(lane.station(s)).min_kmh / 3.6

    @property
    def ego_lane_s(self) -> float:
        return self._world.ego_s

    def vehicles(self) -> VehicleView:
        return self._world.vehicles()

    def pedestrians(self) -> PedestrianView:
        return self._world.pedestrians()


def pedals_for(accel: float, speed: float, p: VehicleParams) -> tuple[float, float]:
    """Throttle and brake that give about ``accel`` m/s^2 at ``speed`` (inverse vehicle model)."""
    from isdc.simulator.vehicle import AIR_DENSITY, G

    resist = p.rolling * G + 0.5 * AIR_DENSITY * p.drag_area * speed * speed / p.mass
    need = accel + resist
    if need >= 0:
        drive_max = min(p.max_drive_accel, p.power / (p.mass * max(speed, 1.0)))
        return min(need / drive_max, 1.0), 0.0
    return 0.0, min(-need / p.max_brake_decel, 1.0)
