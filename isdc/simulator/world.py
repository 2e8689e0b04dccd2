"""The world: ego, traffic, pedestrians, objects and signals on the road map, stepped at a fixed dt.

``World.step(controls)`` advances everything by one tick. The world reads no clock and draws its
randomness from one seeded ``numpy.random.Generator``, so the same layout, vehicle, seed and
controls give the same world, bit for bit. Everything a renderer or a driver may read is
exposed through read-only views (:meth:`vehicles`, :meth:`pedestrians`, :attr:`ego`, ...);
nothing outside the simulation core changes the world.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from isdc.simulator.build import VEHICLE_SIZES, Layout, StaticObject, VehicleSpec
from isdc.simulator.pedestrians import DONE, HOLDING, WAITING, WALKING, Pedestrians
from isdc.simulator.pedestrians import KINDS as PED_KINDS
from isdc.simulator.roadmap import Lane, LaneHit, RoadMap, StopLine
from isdc.simulator.signals import AMBER, GREEN, RED, SignalController
from isdc.simulator.traffic import (
    ALWAYS,
    DECIDE_EVERY,
    KINDS,
    STOP_SIGN,
    WIDE,
    YIELD,
    Obstacles,
    Traffic,
)
from isdc.simulator.traffic import AMBER as OBS_AMBER
from isdc.simulator.traffic import RED as OBS_RED
from isdc.simulator.vehicle import Controls, EgoDynamics, EgoState, VehicleParams

OFF_ROAD_FRICTION = 0.45  # grass and gravel beside the road
NEAR_LINE_M = 8.0  # a vehicle this close to a junction counts as arriving, even if standing


@dataclass(frozen=True)
class Conditions:
    weather: str  # dry | rain
    light: str  # day | dusk | night
    visibility_m: float
    friction: float  # the scenario's default tyre-road mu


@dataclass(frozen=True)
class VehicleView:
    """Active traffic vehicles this tick (parallel read-only arrays)."""

    ids: tuple[str | None, ...]
    kind: tuple[str, ...]  # car | motorcycle | truck | bus
    x: np.ndarray
    y: np.ndarray
    heading: np.ndarray
    length: np.ndarray
    width: np.ndarray
    speed: np.ndarray
    braking: np.ndarray  # bool: brake lights on
    parked: np.ndarray  # bool
    serial: np.ndarray  # int: the same vehicle keeps its number (parked ones -1, -2, ...)


@dataclass(frozen=True)
class PedestrianView:
    ids: tuple[str, ...]
    kind: tuple[str, ...]  # adult | child | patrol
    x: np.ndarray
    y: np.ndarray
    heading: np.ndarray
    radius: np.ndarray
    walking: np.ndarray  # bool


@dataclass(frozen=True)
class ObjectView:
    """Fixed objects: cones, barriers, bollards (parked vehicles are in ``vehicles()``)."""

    kind: tuple[str, ...]
    x: np.ndarray
    y: np.ndarray
    heading: np.ndarray
    length: np.ndarray
    width: np.ndarray


@dataclass(frozen=True)
class Lead:
    """The nearest vehicle ahead on the ego's path."""

    index: int  # traffic slot
    gap: float  # bumper to bumper, m
    speed: float  # its speed, m/s
    closing: float  # ego speed minus its speed, m/s


def _ro(a: np.ndarray) -> np.ndarray:
    a.setflags(write=False)
    return a


class World:
    def __init__(self, layout: Layout, vehicle: VehicleParams, seed: int):
        self.layout = layout
        self.map: RoadMap = layout.road_map
        self.route = layout.route
        self.vehicle = vehicle
        self.seed = seed
        self.rng = np.random.default_rng(seed)
        self.rate = layout.tick_rate
        self.dt = 1.0 / layout.tick_rate
        self.tick = 0
        self.conditions = Conditions(
            layout.weather, layout.light, layout.visibility, layout.friction
        )
        lane = self.map.lanes[layout.ego_lane]
        x, y, h = lane.pose(layout.ego_s, layout.ego_lateral)
        self.dyn = EgoDynamics(vehicle, x, y, h, layout.ego_speed)
        self.controls = Controls()
        self.traffic = Traffic(self.map, self.rng, self.dt)
        self.peds = Pedestrians(layout.pedestrians, self.dt)
        objs = layout.objects
        self.obj_x = _ro(np.array([o.x for o in objs], dtype=np.float64))
        self.obj_y = _ro(np.array([o.y for o in objs], dtype=np.float64))
        self.obj_h = _ro(np.array([o.heading for o in objs], dtype=np.float64))
        self.obj_len = _ro(np.array([o.length for o in objs], dtype=np.float64))
        self.obj_wid = _ro(np.array([o.width for o in objs], dtype=np.float64))
        self.obj_kind = tuple(o.kind for o in objs)
        self.signals: dict[str, SignalController] = {
            s.id: SignalController(
                s.id,
                list(s.groups),
                s.phases,
                s.amber_ticks,
                s.all_red_ticks,
                s.start_phase,
                s.offset_ticks,
            )  # fmt: skip
            for s in layout.signals
        }
        self.signal_changes: list[tuple[str, str, str]] = []  # (signal, group, state) this tick
        self.forced_signal_changes: list[tuple[str, str, str]] = []  # made by actions
        # Ego localisation, refreshed every tick by _localise().
        self.ego_hits: list[LaneHit] = []
        self.ego_lane: Lane | None = None
        self.ego_s = math.nan
        self.ego_d = math.nan
        self.on_road = True
        self.wrong_side = False
        self.segment = 0
        self.route_s = 0.0
        self.speed_limit = 0.0
        self.advisory = 0.0
        self.friction = layout.friction
        self.school_zone = False
        self.lead: Lead | None = None
        self._inflow: list = []
        self._busy_cache: dict[tuple[int, str, float], bool] = {}
        self._zebra = {z.id: z for z in self.map.zebras}
        # Connectors that give way, with the lanes leading into them (fixed for the run).
        self._yielding = [
            (ln.index, [src.index for src in self.map.lanes if ln.index in src.successors])
            for ln in self.map.lanes
            if ln.yield_to
        ]
        self._lane_objects = [o for o in layout.objects if o.lane >= 0]
        # Lanes some connector gives way to; their arrival times are computed once per tick.
        # (Index -1, "no next lane", maps to the spare last entry, never a priority lane.)
        self._is_priority = np.zeros(len(self.map.lanes) + 1, dtype=bool)
        for ln in self.map.lanes:
            self._is_priority[ln.yield_to] = True
        self._eta = np.full(len(self.map.lanes) + 1, np.inf)
        self._eta_tick = -1
        # Parked vehicles never move: fixed objects drawn and collided with as vehicles.
        self.parked_ids: list[str | None] = []
        self.parked_kind: list[str] = []
        self.parked_x = np.zeros(0)
        self.parked_y = np.zeros(0)
        self.parked_h = np.zeros(0)
        self.parked_len = np.zeros(0)
        self.parked_wid = np.zeros(0)
        self._spawn_traffic()
        self._localise()
        self.traffic.update_poses()
        self._find_lead()
        self._ego_state = self.dyn.state(0.0, self.controls)

    # ------------------------------------------------------------------------------ set-up

    def add_vehicle(self, v: VehicleSpec) -> None:
        """Place a scenario vehicle: parked ones are fixed objects, the rest join traffic."""
        if v.parked:
            self._park(v)
            return
        self.traffic.add(
            v.kind, v.lane, v.s, v.speed, d=v.lateral, desired=v.desired,
            headway=v.headway, vehicle_id=v.id, route=v.route,
        )  # fmt: skip

    def _park(self, v: VehicleSpec) -> None:
        lane = self.map.lanes[v.lane]
        length, width = VEHICLE_SIZES[v.kind]
        x, y, h = lane.pose(v.s, v.lateral)
        self.parked_ids.append(v.id)
        self.parked_kind.append(v.kind)
        self.parked_x = np.append(self.parked_x, x)
        self.parked_y = np.append(self.parked_y, y)
        self.parked_h = np.append(self.parked_h, h)
        self.parked_len = np.append(self.parked_len, length)
        self.parked_wid = np.append(self.parked_wid, width)
        # Sticking out into the lane: traffic has to stop for it (or pass beside it).
        if abs(v.lateral) < lane.width / 2 + width / 2 - 0.05:
            self._lane_objects.append(
                StaticObject(v.kind, x, y, h, length, width, v.lane, v.s, v.lateral)
            )

    def _spawn_traffic(self) -> None:
        lay = self.layout
        for v in lay.vehicles:
            self.add_vehicle(v)
        ego_lane = self.map.lanes[lay.ego_lane]
        for spec in lay.traffic:
            kinds = list(spec.mix)
            weights = np.array([spec.mix[k] for k in kinds], dtype=np.float64)
            weights /= weights.sum()
            self._inflow.append((spec, kinds, weights))
            if spec.count == 0:
                continue
            slots: list[tuple[int, float]] = []
            for li in spec.lanes:
                lane = self.map.lanes[li]
                a = max(lane.begin, spec.from_m) + 6.0
                b = min(lane.end, spec.to_m if spec.to_m is not None else lane.end) - 6.0
                step = spec.min_gap + 5.0
                for s in np.arange(a, b, step).tolist():
                    if (
                        lane.road is ego_lane.road
                        and abs(s - self._ego_s_on(lane)) < spec.keep_clear
                    ):
                        continue
                    slots.append((li, s))
            if not slots:
                continue
            take = min(spec.count, len(slots))
            chosen = self.rng.choice(len(slots), size=take, replace=False)
            for c in sorted(chosen.tolist()):
                li, s = slots[c]
                kind = kinds[int(self.rng.choice(len(kinds), p=weights))]
                desired, factor = self._desired(spec)
                speed = min(desired or math.inf, self._limit_at(li, s) * factor) * 0.9
                self.traffic.add(
                    kind, li, s + float(self.rng.uniform(-1.5, 1.5)), speed,
                    desired=desired, limit_factor=factor,
                )  # fmt: skip

    def _ego_s_on(self, lane: Lane) -> float:
        x, y = self.dyn.x, self.dyn.y
        return lane.local(x, y)[0]

    def _desired(self, spec) -> tuple[float | None, float]:
        if spec.speed_range is not None:
            lo, hi = spec.speed_range
            return float(self.rng.uniform(lo, hi)), 1.1
        # Most drivers keep near the limit; a few a little under or over it.
        return None, float(self.rng.uniform(0.85, 1.02))

    def _limit_at(self, lane: int, s: float) -> float:
        zi = self.map.zone_index(np.array([lane]), np.array([s]))[0]
        return float(self.map.zone_limit[zi])

    def _spawn_inflow(self) -> None:
        for spec, kinds, weights in self._inflow:
            if spec.inflow_per_min <= 0:
                continue
            if self.rng.random() >= spec.inflow_per_min / 60.0 * self.dt:
                continue
            li = spec.lanes[int(self.rng.integers(len(spec.lanes)))]
            lane = self.map.lanes[li]
            kind = kinds[int(self.rng.choice(len(kinds), p=weights))]
            room = spec.min_gap + 12.0
            if self.traffic.rear_gap(li, lane.begin) < room:
                continue
            # Nor into the ego, should it stand near the start of that lane.
            half = self.vehicle.length / 2
            if any(h.lane.index == li and h.s - half < lane.begin + room for h in self.ego_hits):
                continue
            desired, factor = self._desired(spec)
            speed = min(desired or math.inf, self._limit_at(li, lane.begin) * factor) * 0.9
            self.traffic.add(
                kind, li, lane.begin + 6.0, speed, desired=desired, limit_factor=factor
            )

    # ------------------------------------------------------------------------------ stepping

    def step(self, controls: Controls) -> None:
        """Advance one tick with the ego driven by ``controls``."""
        self.tick += 1
        self.controls = controls
        self.signal_changes, self.forced_signal_changes = self.forced_signal_changes, []
        for sig in self.signals.values():
            for group, state in sig.update(self.tick):
                self.signal_changes.append((sig.id, group, state))
        self.dyn.step(controls, self.friction, self.dt)
        self._localise()
        self._spawn_inflow()
        decide = self.tick % DECIDE_EVERY == 0
        self.traffic.step(self.tick, self._obstacles() if decide else None)
        d = self.dyn
        p = self.vehicle
        self.peds.step((d.x, d.y, d.heading, p.length, p.width, d.speed))
        self.traffic.update_poses(exact=decide)
        self._find_lead()
        self._ego_state = self.dyn.state(self.t, controls)

    @property
    def t(self) -> float:
        return self.tick * self.dt

    @property
    def ego(self) -> EgoState:
        return self._ego_state

    # ------------------------------------------------------------------------------ ego on the map

    def _localise(self) -> None:
        dyn = self.dyn
        x, y, h = dyn.x, dyn.y, dyn.heading
        hits = self.map.lanes_at(x, y, margin=self.vehicle.width / 2)
        self.ego_hits = hits
        inside = [hit for hit in hits if abs(hit.d) <= hit.lane.width / 2]
        chosen: LaneHit | None = None
        route = self.route
        best_rank = 99
        aligned_any = False
        for hit in inside:
            lane_h = hit.heading
            aligned = math.cos(h - lane_h) > 0.0
            aligned_any |= aligned
            segs = route.segments_of.get(hit.lane.index, [])
            on_route = any(self.segment <= k <= self.segment + 1 for k in segs)
            rank = (0 if on_route else 2) + (0 if aligned else 1)
            if rank < best_rank:
                best_rank, chosen = rank, hit
        self.wrong_side = bool(inside) and not aligned_any
        if chosen is not None:
            lane = chosen.lane
            self.ego_lane, self.ego_s, self.ego_d = lane, chosen.s, chosen.d
            self._progress(lane, chosen.s)
            zone = lane.road.zone_at(lane.station(chosen.s))
            self.speed_limit = zone.limit_kmh / 3.6
            self.advisory = (zone.advisory_kmh or zone.limit_kmh) / 3.6
            self.friction = zone.friction
            self.school_zone = zone.school
            self.on_road = True
        else:
            self.ego_lane, self.ego_s, self.ego_d = None, math.nan, math.nan
            self._progress_off_lane()
            self.on_road = self.map.on_surface(x, y)
            if not self.on_road:
                self.friction = min(self.friction, OFF_ROAD_FRICTION)

    def _progress(self, lane: Lane, s: float) -> None:
        """Advance the route distance when the ego is on its route, or on a lane beside it."""
        route = self.route
        for k in (self.segment, self.segment + 1):
            if k >= len(route.segments):
                break
            seg = route.segments[k]
            if not seg.entry_s - 1.0 <= s <= seg.exit_s + 1.0:
                continue
            target = self.map.lanes[seg.target]
            # A parallel lane of the same road and direction shares the route's stations, so
            # overtaking in the next lane still counts as progress along the route.
            if lane.index in seg.lanes or (
                lane.road is target.road and lane.direction == target.direction
            ):
                self.segment = k
                self.route_s = route.route_s(k, s)
                return
        self._progress_off_lane()

    def _progress_off_lane(self) -> None:
        """Off the route's lanes (sliding wide, on the verge): follow the route line instead."""
        pos = self.route.project(self.dyn.x, self.dyn.y, self.route_s)
        if pos is not None:
            self.route_s = pos
            self.segment = self.route.locate(pos)[0]

    def _find_lead(self) -> None:
        """The lead vehicle found by the traffic step, measured after everyone has moved."""
        tr = self.traffic
        self.lead = None
        if tr.lead_slot < 0 or self.ego_lane is None:
            return
        i = tr.slot_of_serial(tr.lead_serial)
        if i < 0:
            return
        half = 0.5 * (self.vehicle.length + float(tr.f[i, 4]) * 2.0)
        lane, s = int(tr.lane[i]), float(tr.f[i, 1])
        if lane == self.ego_lane.index:
            gap = s - self.ego_s - half
        else:
            pos = self.route.position_of(lane, s)
            gap = pos - self.route_s - half if pos is not None else tr.lead_gap
        v = float(tr.f[i, 5])
        self.lead = Lead(int(tr.serial[i]), gap, v, self.dyn.speed - v)

    # ------------------------------------------------------------------------------ obstacles

    def signal_state(self, signal: str, group: str) -> str:
        return self.signals[signal].group_state(group)

    def zebra_busy(self, zebra_id: str, margin: float = 1.5) -> bool:
        """Is a pedestrian on the zebra, or walking onto it within ``margin`` metres?"""
        if not self.peds.active:
            return False
        key = (self.tick, zebra_id, margin)
        hit = self._busy_cache.get(key)
        if hit is None:
            if len(self._busy_cache) > 64:
                self._busy_cache.clear()
            hit = self._busy_cache[key] = self._zebra_busy(zebra_id, margin)
        return hit

    def _zebra_busy(self, zebra_id: str, margin: float) -> bool:
        for i, spec in enumerate(self.peds.specs):
            if spec.zebra != zebra_id or self.peds.state[i] not in (WALKING, HOLDING):
                continue
            if self.pedestrian_on_zebra(i, zebra_id, margin):
                return True
        return False

    def pedestrian_on_zebra(self, i: int, zebra_id: str, margin: float) -> bool:
        zebra = self._zebra[zebra_id]
        road = self.map.roads[zebra.road]
        station, lat = road.path.project(float(self.peds.x[i]), float(self.peds.y[i]))
        lo, hi = road.lateral_extent()
        return abs(station - zebra.station) <= zebra.width / 2 + 0.5 and (
            lo - margin <= lat <= hi + margin
        )

    def stop_line_active(self, line: StopLine) -> int | None:
        """The obstacle condition of a stop line this tick, or None when it does not apply."""
        if line.kind == "signal":
            state = self.signals[line.signal].group_state(line.group)
            return None if state == GREEN else (OBS_AMBER if state == AMBER else OBS_RED)
        if line.kind == "stop_sign":
            return STOP_SIGN
        if line.kind == "zebra":
            return ALWAYS if self.zebra_busy(line.zebra) else None
        return None

    def connector_blocked(self, conn: int, horizon: float = 5.0, include_ego: bool = True) -> bool:
        """Must a vehicle about to enter ``conn`` give way now? Checks its priority lanes."""
        lane = self.map.lanes[conn]
        if not lane.yield_to:
            return False
        eta = self._priority_eta()
        for p in lane.yield_to:
            if eta[p] < horizon:
                return True
            if include_ego and self.ego_lane is not None:
                if self.ego_lane.index == p:
                    return True
                if p in self.ego_lane.successors:
                    to_end = self.ego_lane.end - self.ego_s
                    ego_eta = to_end / max(self.dyn.speed, 0.5)
                    # Waiting right at the line, the ego may set off any moment.
                    if ego_eta < horizon or to_end < NEAR_LINE_M:
                        return True
        return False

    def _priority_eta(self) -> np.ndarray:
        """Per lane: seconds until the first vehicle is on it (0 when one is), this tick."""
        if self._eta_tick == self.tick:
            return self._eta
        tr = self.traffic
        n = tr.n
        eta = self._eta
        eta.fill(np.inf)
        if n:
            lane = tr.lane[:n]
            eta[lane[self._is_priority[lane]]] = 0.0
            nxt = tr.next_lane[:n]
            coming = np.flatnonzero(self._is_priority[nxt])
            if len(coming):
                to_end = self.map.lane_end[lane[coming]] - tr.s[coming]
                t = to_end / np.maximum(tr.v[coming], 0.5)
                t = np.where(to_end < NEAR_LINE_M, np.minimum(t, 1.0), t)  # may set off now
                np.minimum.at(eta, nxt[coming], t)
        self._eta_tick = self.tick
        return eta

    def _obstacles(self) -> Obstacles:
        """This tick's obstacles: (lane, s, d, half width, half length, speed, cond, param)."""
        rows: list[tuple[int, float, float, float, float, float, int, int]] = []
        for k, line in enumerate(self.map.stop_lines):
            cond = self.stop_line_active(line)
            if cond is not None:
                rows.append((line.lane, line.s, 0.0, WIDE, 0.0, 0.0, cond, k))
        for conn, sources in self._yielding:
            if self.connector_blocked(conn):
                # Vehicles bound for this connector wait at the end of the lane before it.
                for src in sources:
                    end = self.map.lanes[src].end - 0.5
                    rows.append((src, end, 0.0, WIDE, 0.0, 0.0, YIELD, conn))
        peds = self.peds
        if peds.moving_any():
            for i in np.flatnonzero((peds.state == WALKING) | (peds.state == HOLDING)).tolist():
                for hit in self.map.lanes_at(float(peds.x[i]), float(peds.y[i]), margin=1.0):
                    rows.append((hit.lane.index, hit.s, hit.d, 1.3, 0.5, 0.0, ALWAYS, -1))
        h = self.dyn.heading
        ego_row = -1
        half_w, half_l = self.vehicle.width / 2, self.vehicle.length / 2
        ego_lanes = {}
        for hit in self.ego_hits:
            if self.ego_lane is not None and hit.lane is self.ego_lane:
                ego_row = len(rows)
            along = self.dyn.speed * math.cos(h - hit.heading)
            rows.append((hit.lane.index, hit.s, hit.d, half_w, half_l, along, ALWAYS, -1))
            ego_lanes[hit.lane.index] = (hit.s, along, half_l)
        for o in self._lane_objects:
            rows.append((o.lane, o.s, o.lateral, o.width / 2, o.length / 2, 0.0, ALWAYS, -1))
        ob = Obstacles.build(rows, ego_row)
        ob.ego_lanes = ego_lanes
        return ob

    # ------------------------------------------------------------------------------ read API

    def vehicles(self) -> VehicleView:
        """Traffic and parked vehicles, for drawing and for drivers (copies; read-only)."""
        tr = self.traffic
        n = tr.n
        p = len(self.parked_kind)
        return VehicleView(
            ids=tuple(tr.ids[:n]) + tuple(self.parked_ids),
            kind=tuple(KINDS[k] for k in tr.kind[:n].tolist()) + tuple(self.parked_kind),
            x=_ro(np.concatenate((tr.x[:n], self.parked_x))),
            y=_ro(np.concatenate((tr.y[:n], self.parked_y))),
            heading=_ro(np.concatenate((tr.heading[:n], self.parked_h))),
            length=_ro(np.concatenate((tr.length, self.parked_len))),
            width=_ro(np.concatenate((tr.width, self.parked_wid))),
            speed=_ro(np.concatenate((tr.v, np.zeros(p)))),
            braking=_ro(np.concatenate((tr.acc < -1.0, np.zeros(p, dtype=bool)))),
            parked=_ro(np.concatenate((np.zeros(n, dtype=bool), np.ones(p, dtype=bool)))),
            serial=_ro(np.concatenate((tr.serial[:n], -1 - np.arange(p, dtype=np.intp)))),
        )

    def pedestrians(self) -> PedestrianView:
        p = self.peds
        return PedestrianView(
            ids=tuple(p.ids),
            kind=tuple(PED_KINDS[k] for k in p.kind.tolist()),
            x=_ro(p.x.copy()),
            y=_ro(p.y.copy()),
            heading=_ro(p.heading.copy()),
            radius=_ro(p.radius.copy()),
            walking=_ro(p.state == WALKING),
        )

    def objects(self) -> ObjectView:
        return ObjectView(self.obj_kind, self.obj_x, self.obj_y, self.obj_h, self.obj_len,
                          self.obj_wid)  # fmt: skip

    @property
    def drawing(self):
        """The static picture of the road map (surfaces, markings, zebras, signs), cached."""
        from isdc.simulator.drawing import map_drawing

        return map_drawing(self.layout)

    def signal_heads(self) -> list[tuple[float, float, float, str]]:
        """(x, y, heading, state) of every signal head: green, amber or red."""
        return [
            (x, y, h, self.signals[sig].group_state(group))
            for sig, group, x, y, h in self.map.signal_heads
        ]


__all__ = ["World", "Conditions", "VehicleView", "PedestrianView", "ObjectView", "Lead", "RED",
           "GREEN", "AMBER", "WAITING", "DONE"]  # fmt: skip
