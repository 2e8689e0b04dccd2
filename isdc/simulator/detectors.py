"""Infraction detectors: small per-tick checks that turn the world's state into telemetry events.

Modelled on CARLA ScenarioRunner's atomic criteria, with the same de-duplication: a collision
with the same object is not counted again within 5 s of the last contact with it or within 5 m
of where it was counted. Episodes (off road, wrong side) are reported once when they begin and
their ``duration_s`` is filled in when they end; a new episode needs the ego to have been back
for a second. Every event carries ``t``, ``kind``, ``x``, ``y`` (the ego's position) and the
details listed in ``docs/telemetry.md``.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from isdc.simulator.geometry import circle_obb_overlap, obb_overlap, segments_cross
from isdc.simulator.pedestrians import HOLDING, WALKING
from isdc.simulator.roadmap import StopLine
from isdc.simulator.signals import AMBER, RED
from isdc.simulator.traffic import KINDS
from isdc.simulator.world import World

REPEAT_S = 5.0  # CARLA: the same collision is not counted again within 5 s ...
REPEAT_M = 5.0  # ... or 5 m
REARM_S = 1.0  # back on the road / own side this long before a new episode counts
STOP_SPEED = 0.1  # m/s: CARLA's stop-sign criterion; below this the vehicle has stopped
STOP_ZONE_M = 10.0  # the front bumper within this distance before the line counts as "at it"
AMBER_REACTION_S = 1.0  # ITE yellow-interval practice: 1 s perception-reaction ...
AMBER_DECEL = 3.4  # ... and a comfortable deceleration (AASHTO 3.4 m/s^2)
ZEBRA_MARGIN_M = 1.0  # a pedestrian this close to the stripes, walking, is entering


class Detectors:
    """All detectors of one run; ``update`` returns this tick's new events (without t/x/y)."""

    def __init__(self, world: World):
        self.collisions = CollisionDetector(world)
        self.lines = StopLineDetector(world)
        self.zebras = ZebraDetector(world)
        self.off_road = EpisodeDetector("off_road")
        self.wrong_side = EpisodeDetector("wrong_side")
        self.solid = SolidLineDetector()

    def update(self, world: World) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        self.collisions.update(world, out)
        self.lines.update(world, out)
        self.zebras.update(world, out)
        self.off_road.update(world, not world.on_road, out)
        self.wrong_side.update(world, world.wrong_side, out)
        self.solid.update(world, out)
        return out

    def finish(self, world: World) -> None:
        """Close open episodes at the end of the run (fills their duration)."""
        self.off_road.close(world)
        self.wrong_side.close(world)


class CollisionDetector:
    """Contacts of the ego's body with vehicles, pedestrians and fixed objects (boxes / circles)."""

    CELL = 10.0  # m, grid of fixed objects

    def __init__(self, world: World) -> None:
        # object key -> (time of last contact, x, y where it was counted)
        self.seen: dict[tuple[str, Any], list[float]] = {}
        # The last static collision counted: (its event, t, x, y).
        self.last_static: tuple[dict[str, Any], float, float, float] | None = None
        # Fixed things (parked vehicles, cones, barriers) never move: index them once in a grid.
        fixed = []
        for i in range(len(world.parked_x)):
            kind = world.parked_kind[i]
            detail = {"with": "vehicle", "object": world.parked_ids[i] or f"parked-{kind}-{i}",
                      "object_kind": kind, "parked": True}  # fmt: skip
            fixed.append((("parked", i), world.parked_x[i], world.parked_y[i], world.parked_h[i],
                          world.parked_len[i], world.parked_wid[i], detail))  # fmt: skip
        for i in range(len(world.obj_x)):
            kind = world.obj_kind[i]
            detail = {"with": "static", "object": f"{kind}-{i}", "object_kind": kind}
            fixed.append((("static", i), world.obj_x[i], world.obj_y[i], world.obj_h[i],
                          world.obj_len[i], world.obj_wid[i], detail))  # fmt: skip
        self.fixed = [(k, float(x), float(y), float(h), float(ln), float(w), d)
                      for k, x, y, h, ln, w, d in fixed]  # fmt: skip
        self.grid: dict[tuple[int, int], list[int]] = {}
        for idx, (_, x, y, _, ln, w, _) in enumerate(self.fixed):
            r = math.hypot(ln, w) / 2 + 6.0  # object reach plus the longest ego's half diagonal
            for cx in range(int((x - r) // self.CELL), int((x + r) // self.CELL) + 1):
                for cy in range(int((y - r) // self.CELL), int((y + r) // self.CELL) + 1):
                    self.grid.setdefault((cx, cy), []).append(idx)

    def update(self, world: World, out: list[dict[str, Any]]) -> None:
        dyn = world.dyn
        p = world.vehicle
        ex, ey, eh = dyn.x, dyn.y, dyn.heading
        reach = p.half_diagonal
        tr = world.traffic
        n = tr.n
        if n:
            dx = tr.x - ex
            dy = tr.y - ey
            lim = reach + 5.8  # plus half the diagonal of the longest vehicle (a bus)
            near = dx * dx + dy * dy < lim * lim
            if near.any():
                for i in np.nonzero(near)[0].tolist():
                    if obb_overlap(ex, ey, eh, p.length, p.width, float(tr.x[i]), float(tr.y[i]),
                                   float(tr.heading[i]), float(tr.f[i, 4]) * 2,
                                   float(tr.f[i, 3]) * 2):  # fmt: skip
                        kind = KINDS[tr.kind[i]]
                        detail = {
                            "with": "vehicle",
                            "object": tr.ids[i] or f"{kind}-{int(tr.serial[i])}",
                            "object_kind": kind,
                            "relative_speed_kmh": round(
                                _relative_speed(dyn, float(tr.f[i, 5]), float(tr.heading[i])) * 3.6,
                                1,
                            ),
                        }
                        self._contact(world, ("vehicle", int(tr.serial[i])), detail, out)
        peds = world.peds
        px, py, pr = peds.x, peds.y, peds.radius
        for i in range(len(peds)):  # a handful: plain floats beat numpy here
            r = reach + pr[i]
            ddx, ddy = px[i] - ex, py[i] - ey
            if ddx * ddx + ddy * ddy < r * r and circle_obb_overlap(
                float(px[i]), float(py[i]), float(pr[i]), ex, ey, eh, p.length, p.width
            ):
                detail = {
                    "with": "pedestrian",
                    "object": peds.ids[i],
                    "object_kind": peds.specs[i].kind,
                    "relative_speed_kmh": round(dyn.speed * 3.6, 1),
                }
                self._contact(world, ("pedestrian", i), detail, out)
        cell = self.grid.get((int(ex // self.CELL), int(ey // self.CELL)))
        if cell:
            for idx in cell:
                key, x, y, h, ln, w, base = self.fixed[idx]
                if obb_overlap(ex, ey, eh, p.length, p.width, x, y, h, ln, w):
                    detail = {**base, "relative_speed_kmh": round(dyn.speed * 3.6, 1)}
                    self._contact(world, key, detail, out)

    def _contact(self, world: World, key, detail: dict[str, Any], out: list) -> None:
        t, x, y = world.t, world.dyn.x, world.dyn.y
        last = self.seen.get(key)
        if last is not None:
            repeat = t - last[0] < REPEAT_S or math.hypot(x - last[1], y - last[2]) < REPEAT_M
            last[0] = t
            if repeat:
                return
        self.seen[key] = [t, x, y]
        if key[0] == "static":
            # A row of cones knocked over at once is one incident: merge static objects hit
            # within 5 s and 5 m of the last counted static collision into that event.
            prev = self.last_static
            if (
                prev is not None
                and t - prev[1] < REPEAT_S
                and (math.hypot(x - prev[2], y - prev[3]) < REPEAT_M)
            ):
                prev[0].setdefault("also", []).append(detail["object"])
                return
        event = {"kind": "collision", **detail, "speed_kmh": round(world.dyn.speed * 3.6, 1)}
        out.append(event)
        if key[0] == "static":
            self.last_static = (event, t, x, y)


def _relative_speed(dyn, v_other: float, h_other: float) -> float:
    vx = dyn.speed * math.cos(dyn.heading) - v_other * math.cos(h_other)
    vy = dyn.speed * math.sin(dyn.heading) - v_other * math.sin(h_other)
    return math.hypot(vx, vy)


class StopLineDetector:
    """Red and amber lights at signal stop lines; stop signs not stopped at."""

    def __init__(self, world: World):
        self.lines = [ln for ln in world.map.stop_lines if ln.kind in ("signal", "stop_sign")]
        self.mid = [((ln.p0[0] + ln.p1[0]) / 2, (ln.p0[1] + ln.p1[1]) / 2) for ln in self.lines]
        self.prev_front = self._front(world)
        # Per line: the ego's (distance to the line, speed) when its light turned amber.
        self.amber_onset: dict[int, tuple[float, float]] = {}
        self.min_speed: dict[int, float] = {}  # stop signs: lowest speed while at the line

    @staticmethod
    def _front(world: World) -> tuple[float, float]:
        d = world.dyn
        half = world.vehicle.length / 2
        return (d.x + half * math.cos(d.heading), d.y + half * math.sin(d.heading))

    def _distance_to(self, world: World, line: StopLine) -> float | None:
        """Distance from the ego's front bumper to the line along its path, if it is ahead."""
        half = world.vehicle.length / 2
        if world.ego_lane is not None and world.ego_lane.index == line.lane:
            return line.s - world.ego_s - half
        pos = world.route.position_of(line.lane, line.s)
        if pos is None:
            return None
        return pos - world.route_s - half

    def update(self, world: World, out: list[dict[str, Any]]) -> None:
        if not self.lines:
            return
        for sig, group, state in world.signal_changes:
            if state != AMBER:
                continue
            for k, ln in enumerate(self.lines):
                if ln.signal == sig and ln.group == group:
                    dist = self._distance_to(world, ln)
                    if dist is not None and 0 <= dist < 300:
                        self.amber_onset[k] = (dist, world.dyn.speed)
        fx, fy = self._front(world)
        px, py = self.prev_front
        self.prev_front = (fx, fy)
        for k, ln in enumerate(self.lines):
            mx, my = self.mid[k]
            if (fx - mx) ** 2 + (fy - my) ** 2 > 900.0:  # only lines within 30 m
                continue
            if ln.kind == "stop_sign":
                dist = self._distance_to(world, ln)
                if dist is not None and -0.5 <= dist <= STOP_ZONE_M:
                    self.min_speed[k] = min(self.min_speed.get(k, math.inf), world.dyn.speed)
            if not segments_cross(px, py, fx, fy, *ln.p0, *ln.p1):
                continue
            lane_h = world.map.lanes[ln.lane].heading(ln.s)
            if (fx - px) * math.cos(lane_h) + (fy - py) * math.sin(lane_h) <= 0:
                continue  # crossing backwards or along the line is not entering
            if ln.kind == "stop_sign":
                lowest = self.min_speed.pop(k, math.inf)
                if lowest > STOP_SPEED:
                    out.append({
                        "kind": "stop_sign",
                        "stop_line": ln.id,
                        "min_speed_kmh": round(lowest * 3.6, 1) if math.isfinite(lowest) else None,
                    })  # fmt: skip
                continue
            state = world.signal_state(ln.signal, ln.group)
            speed_kmh = round(world.dyn.speed * 3.6, 1)
            if state == RED:
                since = world.signals[ln.signal].since[ln.group]
                out.append({
                    "kind": "red_light", "signal": ln.signal, "stop_line": ln.id,
                    "speed_kmh": speed_kmh, "red_for_s": round((world.tick - since) * world.dt, 2),
                })  # fmt: skip
            elif state == AMBER:
                onset = self.amber_onset.get(k)
                if onset is None:
                    continue
                dist, v = onset
                stopping = v * AMBER_REACTION_S + v * v / (2 * AMBER_DECEL)
                if dist >= stopping:
                    out.append({
                        "kind": "amber_light", "signal": ln.signal, "stop_line": ln.id,
                        "speed_kmh": speed_kmh, "distance_at_onset_m": round(dist, 1),
                        "stopping_distance_m": round(stopping, 1),
                    })  # fmt: skip


class ZebraDetector:
    """Failure to give way to a pedestrian on, or stepping onto, a zebra crossing."""

    def __init__(self, world: World):
        self.zebras = world.map.zebras
        self.centres = [tuple(z.polygon.mean(axis=0)) for z in self.zebras]
        self.reported: set[int] = set()  # zebras reported during the current passage

    def update(self, world: World, out: list[dict[str, Any]]) -> None:
        d = world.dyn
        half = world.vehicle.length / 2
        for k, z in enumerate(self.zebras):
            cx, cy = self.centres[k]
            if (d.x - cx) ** 2 + (d.y - cy) ** 2 > 900.0:
                self.reported.discard(k)
                continue
            road = world.map.roads[z.road]
            station, lat = road.path.project(d.x, d.y)
            lo, hi = road.lateral_extent()
            on = abs(station - z.station) <= z.width / 2 + half and lo - 1 <= lat <= hi + 1
            if not on:
                self.reported.discard(k)
                continue
            if k in self.reported:
                continue
            peds = world.peds
            for i, spec in enumerate(peds.specs):
                if spec.zebra != z.id or peds.state[i] not in (WALKING, HOLDING):
                    continue
                if world.pedestrian_on_zebra(i, z.id, ZEBRA_MARGIN_M):
                    self.reported.add(k)
                    out.append({
                        "kind": "fail_to_yield", "zebra": z.id, "pedestrian": spec.id,
                        "speed_kmh": round(d.speed * 3.6, 1),
                    })  # fmt: skip
                    break


class EpisodeDetector:
    """A condition that lasts (off road, wrong side): one event per episode, with duration."""

    def __init__(self, kind: str):
        self.kind = kind
        self.event: dict[str, Any] | None = None  # the open episode's event
        self.started = 0.0
        self.clear_since: float | None = None

    def update(self, world: World, active: bool, out: list[dict[str, Any]]) -> None:
        t = world.t
        if active:
            self.clear_since = None
            if self.event is None:
                self.event = {"kind": self.kind, "duration_s": 0.0, "speed_kmh":
                              round(world.dyn.speed * 3.6, 1)}  # fmt: skip
                self.started = t
                out.append(self.event)
            self.event["duration_s"] = round(t - self.started + world.dt, 3)
            return
        if self.event is not None:
            if self.clear_since is None:
                self.clear_since = t
            elif t - self.clear_since >= REARM_S:
                self.event = None

    def close(self, world: World) -> None:
        self.event = None


class SolidLineDetector:
    """Changing lane across a solid line (UU 22/2009 Pasal 287(1) jo 106(4)b: markings)."""

    def __init__(self) -> None:
        self.prev_lane = -1

    def update(self, world: World, out: list[dict[str, Any]]) -> None:
        lane = world.ego_lane
        cur = lane.index if lane is not None else -1
        prev = self.prev_lane
        self.prev_lane = cur
        if prev < 0 or cur < 0 or cur == prev:
            return
        old = world.map.lanes[prev]
        if cur == old.right:
            side = "right"
        elif cur == old.left:
            side = "left"
        else:
            return
        style = old.line_style(side, world.ego_s)
        if style in ("solid", "double_solid"):
            out.append({"kind": "solid_line", "from_lane": old.id, "to_lane": lane.id,
                        "side": side})  # fmt: skip
