"""Turn a validated scenario into a :class:`Layout`: the road map and every resolved reference.

Everything here is seed-independent and built once per loaded scenario; each simulation then
places its own traffic with its own random generator. Every reference between parts of the
file (lane ids, entities, signals, zebras) is checked here and refused with a
:class:`~isdc.simulator.scenario.ScenarioError` naming the key, so a simulation never starts
from a file that points at nothing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from isdc.simulator.geometry import Path
from isdc.simulator.roadmap import (
    FRICTION,
    ROAD_TYPES,
    SCHOOL_ZONE_KMH,
    Lane,
    Road,
    RoadMap,
    Sign,
    StopLine,
    Zone,
)
from isdc.simulator.route import Route
from isdc.simulator.scenario import Scenario, ScenarioError
from isdc.simulator.signals import Phase

# Body sizes (length, width) in metres of traffic and objects.
VEHICLE_SIZES = {
    "car": (4.4, 1.8),
    "motorcycle": (2.0, 0.8),
    "truck": (8.5, 2.5),
    "bus": (11.0, 2.5),
}
OBJECT_SIZES = {"cone": (0.4, 0.4), "barrier": (2.0, 0.5), "bollard": (0.3, 0.3)}
PEDESTRIAN_SPEED = {"adult": 1.4, "child": 1.6, "patrol": 1.2}  # m/s walking
VISIBILITY = {"day": 250.0, "dusk": 120.0, "night": 60.0}  # m, headlights at night


@dataclass
class VehicleSpec:
    id: str | None
    kind: str
    lane: int
    s: float
    lateral: float
    speed: float
    desired: float | None
    headway: float | None
    parked: bool
    route: list[int]


@dataclass
class TrafficSpec:
    lanes: list[int]
    count: int
    from_m: float
    to_m: float | None
    mix: dict[str, float]
    speed_range: tuple[float, float] | None
    inflow_per_min: float
    keep_clear: float
    min_gap: float


@dataclass
class StaticObject:
    kind: str
    x: float
    y: float
    heading: float
    length: float
    width: float
    lane: int = -1
    s: float = 0.0
    lateral: float = 0.0


@dataclass
class PedestrianSpec:
    id: str
    kind: str
    waypoints: list[tuple[float, float, float]]  # x, y, wait there (s)
    speed: float
    zebra: str | None
    conflict_s: float | None  # route distance where the walk crosses the ego's route


@dataclass
class SignalSpec:
    id: str
    groups: dict[str, list[int]]
    phases: list[Phase]
    amber_ticks: int
    all_red_ticks: int
    start_phase: int
    offset_ticks: int


@dataclass
class Goal:
    kind: str
    lane: int
    route_s: float  # reach: the goal point; stop_in_box: the near edge of the box
    line_s: float | None = None  # stop_in_box: route distance of the braking line
    box_from: float | None = None
    box_to: float | None = None
    min_speed: float = 0.0


@dataclass
class EventSpec:
    id: str
    hazard: bool
    trigger: dict[str, Any]
    delay_ticks: int
    actions: list[dict[str, Any]]


@dataclass
class Layout:
    """A scenario resolved against its road map: what a World is built from."""

    road_map: RoadMap
    route: Route
    ego_lane: int
    ego_s: float
    ego_lateral: float
    ego_speed: float
    goal: Goal
    vehicles: list[VehicleSpec]
    traffic: list[TrafficSpec]
    objects: list[StaticObject]
    pedestrians: list[PedestrianSpec]
    signals: list[SignalSpec]
    events: list[EventSpec]
    weather: str
    light: str
    visibility: float
    friction: float
    tick_rate: int
    time_limit_ticks: int
    stop_on_collision: bool
    signal_heads: list[tuple[str, str, float, float, float]] = field(default_factory=list)


class _Resolver:
    def __init__(self, scenario: Scenario):
        self.sc = scenario
        self.d = scenario.data
        self.map = RoadMap()
        self.friction = FRICTION[self.d["weather"]]

    def fail(self, where: str, problem: str) -> ScenarioError:
        return ScenarioError(f"{self.sc.base_id}: {where}: {problem}")

    def lane(self, ref: str, where: str) -> Lane:
        lane = self.map.lane_by_id.get(ref)
        if lane is None:
            road = ref.split(":")[0]
            if road in self.map.road_by_id:
                known = ", ".join(ln.id for ln in self.map.road_by_id[road].lanes)
                hint = f"lanes of road '{road}': {known}"
            else:
                hint = "lane ids are ROAD:f1, ROAD:b1, ... or a connector id"
            raise self.fail(where, f"no lane '{ref}' ({hint})")
        return lane

    def road(self, ref: str, where: str) -> Road:
        road = self.map.road_by_id.get(ref)
        if road is None or road.is_connector:
            raise self.fail(where, f"no road '{ref}'")
        return road

    def in_lane(self, lane: Lane, s: float, where: str) -> None:
        if not (lane.begin - 1e-6 <= s <= lane.end + 1e-6):
            raise self.fail(
                where, f"s = {s:g} m is outside lane {lane.id} ({lane.begin:g}..{lane.end:g} m)"
            )

    # ------------------------------------------------------------------------------- roads

    def roads(self) -> None:
        seen: set[str] = set()
        for i, r in enumerate(self.d["roads"]):
            where = f"roads[{i}]"
            if r["id"] in seen:
                raise self.fail(f"{where}.id", f"road id '{r['id']}' is used twice")
            seen.add(r["id"])
            specs = []
            for j, p in enumerate(r["pieces"]):
                if p["straight"] is not None and p["arc"] is None and p["turn_deg"] is None:
                    specs.append((p["straight"], 0.0))
                elif p["straight"] is None and p["arc"] is not None and p["turn_deg"]:
                    turn = math.radians(p["turn_deg"])
                    specs.append((p["arc"] * abs(turn), math.copysign(1.0 / p["arc"], turn)))
                else:
                    raise self.fail(
                        f"{where}.pieces[{j}]",
                        "give either straight = LENGTH or arc = RADIUS with turn_deg = ANGLE",
                    )
            x, y = r["start"]
            path = Path.build(x, y, math.radians(r["heading_deg"]), specs)
            if r["forward"] + r["backward"] == 0:
                raise self.fail(where, "a road needs at least one lane (forward or backward)")
            extra = []
            for j, e in enumerate(r["extra_lanes"]):
                if not e["from_m"] < e["to_m"] <= path.length + 1e-6:
                    raise self.fail(
                        f"{where}.extra_lanes[{j}]",
                        f"from_m..to_m must lie within the road (0..{path.length:.1f} m)",
                    )
                extra.append((e["id"], e["direction"], e["from_m"], e["to_m"]))
            road = self.map.add_road(
                r["id"],
                r["type"],
                path,
                forward=r["forward"],
                backward=r["backward"],
                lane_width=r["lane_width"],
                median=r["median_m"],
                shoulder=r["shoulder_m"],
                centre_line=r["centre_line"],
                extra=extra,
            )
            road.zones = self.zones(r, road, where)
            for j, line in enumerate(r["lines"]):
                self.line(road, line, f"{where}.lines[{j}]")

    def zones(self, r: dict[str, Any], road: Road, where: str) -> list[Zone]:
        limit, min_kmh = ROAD_TYPES[r["type"]]
        if r["limit_kmh"] is not None:
            limit = r["limit_kmh"]
        if r["min_kmh"] is not None:
            min_kmh = r["min_kmh"]
        fric = r["friction"] if r["friction"] is not None else self.friction
        zones = [Zone(0.0, road.length, limit, min_kmh, None, False, fric)]
        for j, z in enumerate(r["zones"]):
            a, b = z["from_m"], min(z["to_m"], road.length)
            if not a < b:
                raise self.fail(
                    f"{where}.zones[{j}]", "from_m must be below to_m and the road length"
                )
            zl = z["limit_kmh"] or (SCHOOL_ZONE_KMH if z["school"] else None)
            new = []
            for old in zones:
                if old.end <= a or old.start >= b:
                    new.append(old)
                    continue
                if old.start < a:
                    new.append(Zone(old.start, a, old.limit_kmh, old.min_kmh, old.advisory_kmh,
                                    old.school, old.friction))  # fmt: skip
                new.append(
                    Zone(
                        max(a, old.start),
                        min(b, old.end),
                        zl if zl is not None else old.limit_kmh,
                        z["min_kmh"] if z["min_kmh"] is not None else old.min_kmh,
                        z["advisory_kmh"] if z["advisory_kmh"] is not None else old.advisory_kmh,
                        z["school"] or old.school,
                        z["friction"] if z["friction"] is not None else old.friction,
                    )
                )
                if old.end > b:
                    new.append(Zone(b, old.end, old.limit_kmh, old.min_kmh, old.advisory_kmh,
                                    old.school, old.friction))  # fmt: skip
            zones = new
        return zones

    def line(self, road: Road, spec: dict[str, Any], where: str) -> None:
        names = spec["between"]
        if len(names) != 2:
            raise self.fail(f"{where}.between", "name exactly two lanes, e.g. ['f1', 'f2']")
        lanes = []
        for n in names:
            ref = n if ":" in n else f"{road.id}:{n}"
            lane = self.lane(ref, f"{where}.between")
            if lane.road is not road:
                raise self.fail(f"{where}.between", f"lane {ref} is not on road {road.id}")
            lanes.append(lane)
        a, b = lanes
        adjacent = b.index in (a.left, a.right) or (
            a.direction != b.direction and a.right < 0 and b.right < 0
        )
        if not adjacent:
            raise self.fail(f"{where}.between", f"lanes {a.id} and {b.id} are not side by side")
        end = spec["to_m"] if spec["to_m"] is not None else road.length
        self.map.set_line(road, a, b, spec["from_m"], end, spec["style"])

    def connectors(self) -> None:
        for i, c in enumerate(self.d["connectors"]):
            where = f"connectors[{i}]"
            if c["id"] in self.map.lane_by_id or c["id"] in self.map.road_by_id:
                raise self.fail(f"{where}.id", f"id '{c['id']}' is already used")
            src = self.lane(c["from"], f"{where}.from")
            dst = self.lane(c["to"], f"{where}.to")
            try:
                self.map.connect(c["id"], src, dst, junction=c["junction"])
            except ValueError as exc:
                raise self.fail(where, f"cannot join {src.id} to {dst.id} ({exc})") from None
        for i, c in enumerate(self.d["connectors"]):
            lane = self.map.lane_by_id.get(c["id"])
            for ref in c["yield_to"]:
                other = self.lane(ref, f"connectors[{i}].yield_to")
                if lane is not None:
                    lane.yield_to.append(other.index)
        for i, j in enumerate(self.d["junctions"]):
            poly = np.array(j["polygon"], dtype=np.float64) if j["polygon"] else None
            if poly is None and not any(ln.junction == j["id"] for ln in self.map.lanes):
                raise self.fail(
                    f"junctions[{i}]", "give a polygon, or connectors with this junction id"
                )
            self.map.add_junction(j["id"], poly)

    def stop_lines(self) -> list[SignalSpec]:
        rate = self.d["tick_rate"]
        signals = []
        for i, sg in enumerate(self.d["signals"]):
            where = f"signals[{i}]"
            groups: dict[str, list[int]] = {}
            for g, lane_ids in sg["groups"].items():
                groups[g] = []
                for ref in lane_ids:
                    lane = self.lane(ref, f"{where}.groups.{g}")
                    groups[g].append(lane.index)
                    s = lane.end - sg["setback_m"]
                    self.map.add_stop_line(
                        StopLine(
                            f"{sg['id']}.{g}@{lane.id}",
                            lane.index,
                            s,
                            "signal",
                            signal=sg["id"],
                            group=g,
                        )  # fmt: skip
                    )
                    # Heads stand on the kerb beside the kerb lane, and on a median if any.
                    if lane.left < 0:
                        x, y, h = lane.pose(s, lane.width / 2 + 0.8)
                        self.signal_heads.append((sg["id"], g, x, y, h))
                    if lane.right < 0 and lane.road.median > 0:
                        x, y, h = lane.pose(s, -lane.width / 2 - 0.5)
                        self.signal_heads.append((sg["id"], g, x, y, h))
            phases = []
            for j, ph in enumerate(sg["phases"]):
                for g in ph["green"]:
                    if g not in groups:
                        raise self.fail(f"{where}.phases[{j}].green", f"no signal group '{g}'")
                phases.append(Phase(frozenset(ph["green"]), round(ph["duration_s"] * rate)))
            if not phases:
                raise self.fail(f"{where}.phases", "a signal needs at least one phase")
            if sg["start_phase"] >= len(phases):
                raise self.fail(f"{where}.start_phase", f"there are only {len(phases)} phases")
            signals.append(
                SignalSpec(
                    sg["id"],
                    groups,
                    phases,
                    round(sg["amber_s"] * rate),
                    round(sg["all_red_s"] * rate),
                    sg["start_phase"],
                    round(sg["offset_s"] * rate),
                )
            )
        for i, st in enumerate(self.d["stop_signs"]):
            lane = self.lane(st["lane"], f"stop_signs[{i}].lane")
            s = lane.end - st["setback_m"]
            self.map.add_stop_line(StopLine(f"stop@{lane.id}", lane.index, s, "stop_sign"))
            x, y, h = lane.pose(s, lane.width / 2 + 1.0)
            self.map.signs.append(Sign("stop", x, y, h, None, lane.index))
        for i, z in enumerate(self.d["zebras"]):
            where = f"zebras[{i}]"
            road = self.road(z["road"], f"{where}.road")
            if not 0 <= z["at_m"] <= road.length:
                raise self.fail(f"{where}.at_m", f"outside road {road.id} (0..{road.length:.1f})")
            self.map.add_zebra(z["id"], road, z["at_m"], z["width_m"], z["school"])
        return signals

    def signs(self) -> None:
        for road in self.map.roads:
            if road.is_connector:
                continue
            lo, hi = road.lateral_extent()
            for direction in (1, -1):
                if not any(ln.direction == direction for ln in road.lanes):
                    continue
                ordered = road.zones if direction > 0 else list(reversed(road.zones))
                prev: Zone | None = None
                for z in ordered:
                    station = z.start if direction > 0 else z.end
                    lateral = (
                        (hi + road.shoulder + 0.8) if direction > 0 else (lo - road.shoulder - 0.8)
                    )
                    x, y, h = road.path.pose(min(max(station, 0.5), road.length - 0.5), lateral)
                    h = h if direction > 0 else h + math.pi
                    if prev is None or z.limit_kmh != prev.limit_kmh or z.school != prev.school:
                        kind = "school_zone" if z.school else "speed_limit"
                        self.map.signs.append(Sign(kind, x, y, h, z.limit_kmh))
                    if z.advisory_kmh is not None and (
                        prev is None or prev.advisory_kmh != z.advisory_kmh
                    ):
                        self.map.signs.append(Sign("advisory", x, y, h, z.advisory_kmh))
                    if z.min_kmh and (prev is None or prev.min_kmh != z.min_kmh):
                        self.map.signs.append(Sign("min_speed", x, y, h, z.min_kmh))
                    prev = z
        for zb in self.map.zebras:
            road = self.map.roads[zb.road]
            lo, hi = road.lateral_extent()
            for direction in (1, -1):
                st = zb.station - direction * (zb.width / 2 + 3.0)
                lat = (hi + road.shoulder + 0.8) if direction > 0 else (lo - road.shoulder - 0.8)
                x, y, h = road.path.pose(min(max(st, 0.0), road.length), lat)
                self.map.signs.append(Sign("zebra", x, y, h if direction > 0 else h + math.pi))

    # ------------------------------------------------------------------------------- entities

    def route(self) -> tuple[Route, Lane, float]:
        e = self.d["ego"]
        lane = self.lane(e["lane"], "ego.lane")
        self.in_lane(lane, e["s"], "ego.s")
        ids = list(e["route"])
        if not ids:
            ids = [lane.id]
            cur = lane
            goal_lane = self.d["goal"]["lane"]
            for _ in range(64):
                if cur.id == goal_lane or not cur.successors:
                    break
                cur = self.map.lanes[cur.successors[0]]
                ids.append(cur.id)
        for i, ref in enumerate(ids):
            self.lane(ref, f"ego.route[{i}]")
        if ids[0] != lane.id:
            raise self.fail("ego.route", f"the route must start on the ego's lane {lane.id}")
        try:
            route = Route(self.map, ids)
        except ValueError as exc:
            raise self.fail("ego.route", str(exc)) from None
        route.trim_start(e["s"])
        return route, lane, e["s"]

    def goal(self, route: Route) -> Goal:
        g = self.d["goal"]
        lane = self.lane(g["lane"], "goal.lane")
        if lane.index not in route.segments_of:
            raise self.fail("goal.lane", f"lane {lane.id} is not on the ego's route")

        def on_route(s: float | None, key: str) -> float:
            if s is None:
                raise self.fail(f"goal.{key}", f"missing (needed for goal kind '{g['kind']}')")
            self.in_lane(lane, s, f"goal.{key}")
            pos = route.position_of(lane.index, s)
            if pos is None or pos < 0:
                raise self.fail(f"goal.{key}", "lies before the ego's start on its route")
            return pos

        if g["kind"] == "reach":
            return Goal("reach", lane.index, on_route(g["s"], "s"))
        line = on_route(g["line_m"], "line_m")
        a = on_route(g["box_from_m"], "box_from_m")
        b = on_route(g["box_to_m"], "box_to_m")
        if not line < a < b:
            raise self.fail("goal", "need line_m < box_from_m < box_to_m")
        return Goal("stop_in_box", lane.index, a, line, a, b, g["min_speed_kmh"] / 3.6)

    def vehicle(self, v: dict[str, Any], where: str) -> VehicleSpec:
        lane = self.lane(v["lane"], f"{where}.lane")
        self.in_lane(lane, v["s"], f"{where}.s")
        route = [self.lane(r, f"{where}.route[{i}]").index for i, r in enumerate(v["route"])]
        return VehicleSpec(
            v["id"],
            v["kind"],
            lane.index,
            v["s"],
            v["lateral_m"],
            v["speed_kmh"] / 3.6,
            v["desired_kmh"] / 3.6 if v["desired_kmh"] else None,
            v["headway_s"],
            v["parked"],
            route,
        )

    def objects(self) -> list[StaticObject]:
        out = []
        for i, o in enumerate(self.d["objects"]):
            where = f"objects[{i}]"
            length, width = OBJECT_SIZES[o["kind"]]
            if o["at"] is not None:
                out.append(StaticObject(o["kind"], o["at"][0], o["at"][1], 0.0, length, width))
                continue
            if o["lane"] is None or o["s"] is None:
                raise self.fail(where, "give lane and s, or at = [x, y]")
            lane = self.lane(o["lane"], f"{where}.lane")
            self.in_lane(lane, o["s"], f"{where}.s")
            for lat in o["lateral_m"]:
                x, y, h = lane.pose(o["s"], lat)
                out.append(StaticObject(o["kind"], x, y, h, length, width, lane.index, o["s"], lat))
        return out

    def pedestrians(self, route: Route) -> list[PedestrianSpec]:
        out = []
        for i, p in enumerate(self.d["pedestrians"]):
            where = f"pedestrians[{i}]"
            if p["zebra"] is not None:
                zebra = next((z for z in self.map.zebras if z.id == p["zebra"]), None)
                if zebra is None:
                    raise self.fail(f"{where}.zebra", f"no zebra '{p['zebra']}'")
                road, station = self.map.roads[zebra.road], zebra.station + p["along_m"]
            elif p["road"] is not None:
                road = self.road(p["road"], f"{where}.road")
                if p["at_m"] is None or not 0 <= p["at_m"] <= road.length:
                    raise self.fail(f"{where}.at_m", "give at_m within the road")
                station = p["at_m"]
            else:
                station = None
                road = None
            if road is not None and station is not None:
                lo, hi = road.lateral_extent()
                gap = road.shoulder + p["kerb_gap_m"]
                left = road.path.pose(station, hi + gap)[:2]
                right = road.path.pose(station, lo - gap)[:2]
                start, end = (left, right) if p["side"] == "left" else (right, left)
            elif p["from"] is not None and p["to"] is not None:
                start, end = tuple(p["from"]), tuple(p["to"])
            else:
                raise self.fail(where, "give zebra, or road with at_m, or from and to points")
            if p["stop_at"] is not None:
                f = p["stop_at"]
                mid = (start[0] + f * (end[0] - start[0]), start[1] + f * (end[1] - start[1]))
                wps = [(start[0], start[1], 0.0), (mid[0], mid[1], p["hold_s"])]
                wps.append((start[0], start[1], 0.0) if p["return"] else (end[0], end[1], 0.0))
            else:
                wps = [(start[0], start[1], 0.0), (end[0], end[1], p["hold_s"])]
                if p["return"]:
                    wps.append((start[0], start[1], 0.0))
            conflict = route.crossing_s(start[0], start[1], end[0], end[1])
            speed = p["speed_ms"] or PEDESTRIAN_SPEED[p["kind"]]
            out.append(PedestrianSpec(p["id"], p["kind"], wps, speed, p["zebra"], conflict))
        return out

    def events(self, entities: dict[str, str], signals: list[SignalSpec], route: Route):
        rate = self.d["tick_rate"]
        out = []
        ids: set[str] = set()
        sig = {s.id: s for s in signals}
        for i, ev in enumerate(self.d["events"]):
            where = f"events[{i}]"
            if ev["id"] in ids:
                raise self.fail(f"{where}.id", f"event id '{ev['id']}' is used twice")
            ids.add(ev["id"])
            trig = dict(ev["trigger"])
            k = trig["kind"]
            need = {"time": "at_s", "distance": "m", "ttc": "below_s"}
            if k in need and trig[need[k]] is None:
                raise self.fail(f"{where}.trigger.{need[k]}", f"missing (needed for '{k}')")
            if k == "ttc":
                ent = trig["entity"]
                if ent is None and trig["lane"] is None and trig["at"] is None:
                    raise self.fail(f"{where}.trigger", "ttc needs an entity, a lane+s or at")
                if ent is not None and ent not in entities:
                    raise self.fail(f"{where}.trigger.entity", f"no entity '{ent}'")
            if k == "signal":
                if trig["signal"] not in sig:
                    raise self.fail(f"{where}.trigger.signal", f"no signal '{trig['signal']}'")
                if trig["group"] not in sig[trig["signal"]].groups:
                    raise self.fail(f"{where}.trigger.group", f"no group '{trig['group']}'")
                if trig["state"] is None:
                    raise self.fail(f"{where}.trigger.state", "missing: green, amber or red")
            if k in ("reach", "ttc") and trig["entity"] is None:
                trig["route_s"] = None
                if trig["lane"] is not None:
                    lane = self.lane(trig["lane"], f"{where}.trigger.lane")
                    if trig["s"] is None:
                        raise self.fail(f"{where}.trigger.s", "missing (needed with lane)")
                    self.in_lane(lane, trig["s"], f"{where}.trigger.s")
                    trig["route_s"] = route.position_of(lane.index, trig["s"])
                    trig["at"] = list(lane.pose(trig["s"])[:2])
                elif trig["at"] is None:
                    raise self.fail(f"{where}.trigger", f"'{k}' needs lane with s, or at = [x, y]")
                if k == "ttc" and trig["route_s"] is None:
                    trig["route_s"] = route.crossing_s(*_cross_bar(trig["at"], route))
            actions = []
            for j, a in enumerate(ev["actions"]):
                aw = f"{where}.actions[{j}]"
                kind = a["kind"]
                wants = {
                    "start_crossing": "pedestrian",
                    "brake_hard": "vehicle",
                    "set_speed": "vehicle",
                    "change_lane": "vehicle",
                }
                if kind in wants:
                    ent = a["entity"]
                    if ent is None:
                        raise self.fail(f"{aw}.entity", f"missing (needed for '{kind}')")
                    if entities.get(ent) != wants[kind]:
                        raise self.fail(f"{aw}.entity", f"no {wants[kind]} '{ent}'")
                if kind == "set_speed" and a["speed_kmh"] is None:
                    raise self.fail(f"{aw}.speed_kmh", "missing (needed for 'set_speed')")
                if kind == "change_lane" and a["to"] is None:
                    raise self.fail(f"{aw}.to", "missing: left or right")
                if kind == "change_signal":
                    if a["signal"] not in sig:
                        raise self.fail(f"{aw}.signal", f"no signal '{a['signal']}'")
                    if a["phase"] is None or a["phase"] >= len(sig[a["signal"]].phases):
                        raise self.fail(f"{aw}.phase", "missing or beyond the signal's phases")
                a = dict(a)
                if kind == "spawn":
                    if a["vehicle"] is None:
                        raise self.fail(f"{aw}.vehicle", "missing (needed for 'spawn')")
                    a["vehicle"] = self.vehicle(a["vehicle"], f"{aw}.vehicle")
                if a["hold_s"] is not None:
                    a["hold_ticks"] = round(a["hold_s"] * rate)
                actions.append(a)
            out.append(
                EventSpec(ev["id"], ev["hazard"], trig, round(ev["delay_s"] * rate), actions)
            )
        return out


def _cross_bar(at: list[float], route: Route) -> tuple[float, float, float, float]:
    """A short bar across the route through a point, to find the point's route distance."""
    d = (route.samples_x - at[0]) ** 2 + (route.samples_y - at[1]) ** 2
    i = int(np.argmin(d))
    h = float(route.samples_h[i])
    nx, ny = -math.sin(h) * 10, math.cos(h) * 10
    return (at[0] - nx, at[1] - ny, at[0] + nx, at[1] + ny)


def build_layout(scenario: Scenario) -> Layout:
    """Resolve a validated scenario; raises ScenarioError naming the first bad reference."""
    r = _Resolver(scenario)
    r.signal_heads = []
    r.roads()
    r.connectors()
    signals = r.stop_lines()
    r.signs()
    r.map.signal_heads = r.signal_heads
    r.map.finish()
    route, ego_lane, ego_s = r.route()
    goal = r.goal(route)
    d = r.d
    entities: dict[str, str] = {}
    vehicles = []
    for i, v in enumerate(d["vehicles"]):
        spec = r.vehicle(v, f"vehicles[{i}]")
        if spec.id is not None:
            if spec.id in entities:
                raise r.fail(f"vehicles[{i}].id", f"id '{spec.id}' is used twice")
            entities[spec.id] = "vehicle"
        vehicles.append(spec)
    traffic = []
    for i, t in enumerate(d["traffic"]):
        lanes = [r.lane(ref, f"traffic[{i}].lanes").index for ref in t["lanes"]]
        rng = t["speed_kmh"]
        if rng is not None and (len(rng) != 2 or rng[0] > rng[1]):
            raise r.fail(f"traffic[{i}].speed_kmh", "give [lowest, highest] desired speed")
        mix = t["mix"]
        for kind in mix:
            if kind not in VEHICLE_SIZES:
                raise r.fail(f"traffic[{i}].mix.{kind}", "unknown vehicle kind")
        if sum(mix.values()) <= 0:
            raise r.fail(f"traffic[{i}].mix", "shares must add up to more than zero")
        traffic.append(
            TrafficSpec(
                lanes,
                t["count"],
                t["from_m"],
                t["to_m"],
                mix,
                (rng[0] / 3.6, rng[1] / 3.6) if rng else None,
                t["inflow_per_min"],
                t["keep_clear_of_ego_m"],
                t["min_gap_m"],
            )
        )
    pedestrians = r.pedestrians(route)
    for i, p in enumerate(pedestrians):
        if p.id in entities:
            raise r.fail(f"pedestrians[{i}].id", f"id '{p.id}' is used twice")
        entities[p.id] = "pedestrian"
    for e in d["events"]:
        for a in e["actions"]:
            if a["kind"] == "spawn" and a["vehicle"] and a["vehicle"].get("id"):
                entities[a["vehicle"]["id"]] = "vehicle"
    events = r.events(entities, signals, route)
    visibility = d["visibility_m"] or VISIBILITY[d["light"]]
    return Layout(
        road_map=r.map,
        route=route,
        ego_lane=ego_lane.index,
        ego_s=ego_s,
        ego_lateral=d["ego"]["lateral_m"],
        ego_speed=d["ego"]["speed_kmh"] / 3.6,
        goal=goal,
        vehicles=vehicles,
        traffic=traffic,
        objects=r.objects(),
        pedestrians=pedestrians,
        signals=signals,
        events=events,
        weather=d["weather"],
        light=d["light"],
        visibility=float(visibility),
        friction=r.friction,
        tick_rate=d["tick_rate"],
        time_limit_ticks=round(d["time_limit_s"] * d["tick_rate"]),
        stop_on_collision=d["stop_on_collision"],
        signal_heads=r.signal_heads,
    )
