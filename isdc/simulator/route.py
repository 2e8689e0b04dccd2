"""The ego's route: the lanes it should drive, as segments joined at lane ends.

Consecutive route lanes that are neighbours on the same road (an acceleration lane and the lane
it merges into) form one segment: the driver changes lane anywhere along it, and the route
distance keeps counting along the road's stations. Route distance (``route_s``) is what the
telemetry records, what triggers and goals refer to and what scoring uses for completion.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from isdc.simulator.roadmap import Lane, RoadMap

PROFILE_STEP = 1.0  # m between route samples


@dataclass
class RouteSegment:
    lanes: list[int]  # lane indices the segment may use, in the order the route lists them
    entry_s: float  # lane s where the segment is entered
    exit_s: float  # lane s where it is left
    base: float  # route distance at entry

    @property
    def target(self) -> int:
        """The lane to be in by the end of the segment."""
        return self.lanes[-1]

    @property
    def length(self) -> float:
        return self.exit_s - self.entry_s


class Route:
    def __init__(self, road_map: RoadMap, lane_ids: list[str]):
        self.map = road_map
        lanes = [road_map.lane_by_id[i] for i in lane_ids]
        segments: list[RouteSegment] = []
        group: list[Lane] = [lanes[0]]
        for prev, nxt in zip(lanes, lanes[1:], strict=False):
            if nxt.index in (prev.left, prev.right):
                group.append(nxt)
                continue
            if not any(nxt.index in ln.successors for ln in group):
                raise ValueError(f"route lane {nxt.id} does not follow {prev.id}")
            segments.append(self._segment(group, segments))
            group = [nxt]
        segments.append(self._segment(group, segments))
        self.segments = segments
        self.length = segments[-1].base + segments[-1].length
        self.lane_ids = lane_ids
        # lane index -> segment indices it appears in (a lane may appear once per segment)
        self.segments_of: dict[int, list[int]] = {}
        for k, seg in enumerate(segments):
            for li in seg.lanes:
                self.segments_of.setdefault(li, []).append(k)
        self._sample()

    def _segment(self, group: list[Lane], done: list[RouteSegment]) -> RouteSegment:
        entry = group[0].begin
        exit_s = group[-1].end
        base = done[-1].base + done[-1].length if done else 0.0
        return RouteSegment([ln.index for ln in group], entry, exit_s, base)

    def trim_start(self, s: float) -> None:
        """Start the route at lane s ``s`` of its first lane (where the ego is placed)."""
        first = self.segments[0]
        shift = s - first.entry_s
        first.entry_s = s
        for seg in self.segments[1:]:
            seg.base -= shift
        self.length -= shift
        self._sample()

    def route_s(self, segment: int, s: float) -> float:
        seg = self.segments[segment]
        return seg.base + (s - seg.entry_s)

    def locate(self, route_s: float) -> tuple[int, float]:
        """(segment index, lane s) of a route distance, clamped to the route."""
        for k, seg in enumerate(self.segments):
            if route_s < seg.base + seg.length or k == len(self.segments) - 1:
                return k, seg.entry_s + min(max(route_s - seg.base, 0.0), seg.length)
        raise AssertionError("unreachable")

    def position_of(self, lane: int, s: float) -> float | None:
        """Route distance of a point given in lane coordinates, if the lane is on the route."""
        for k in self.segments_of.get(lane, []):
            seg = self.segments[k]
            if seg.entry_s - 1e-6 <= s <= seg.exit_s + 1e-6:
                return seg.base + (s - seg.entry_s)
        return None

    def pose(self, route_s: float, lane: int | None = None, d: float = 0.0):
        """World pose on the route; on ``lane`` if given (a lane of that segment)."""
        k, s = self.locate(route_s)
        li = self.segments[k].target if lane is None else lane
        return self.map.lanes[li].pose(s, d)

    def _sample(self) -> None:
        """Route polyline along each segment's target lane, with curvature and rules per metre."""
        n = max(2, int(math.ceil(self.length / PROFILE_STEP)) + 1)
        rs = np.linspace(0.0, self.length, n)
        xs, ys, hs, ks, lim, adv, fric, school = ([] for _ in range(8))
        for r in rs.tolist():
            k, s = self.locate(r)
            lane = self.map.lanes[self.segments[k].target]
            x, y, h = lane.pose(s)
            station = lane.station(s)
            k_ref = lane.road.path.curvature_at(station)
            # An offset lane turns on a circle of radius 1/k - offset.
            curv = k_ref * lane.direction / (1.0 - k_ref * lane.offset) if k_ref else 0.0
            zone = lane.road.zone_at(station)
            xs.append(x)
            ys.append(y)
            hs.append(h)
            ks.append(curv)
            lim.append(zone.limit_kmh / 3.6)
            adv.append((zone.advisory_kmh or zone.limit_kmh) / 3.6)
            fric.append(zone.friction)
            school.append(zone.school)
        self.samples_s = rs
        self.samples_x = np.array(xs)
        self.samples_y = np.array(ys)
        self.samples_h = np.unwrap(np.array(hs))
        self.samples_k = np.array(ks)
        self.samples_limit = np.array(lim)
        self.samples_advisory = np.array(adv)
        self.samples_friction = np.array(fric)
        self.samples_school = np.array(school, dtype=bool)

    def project(self, x: float, y: float, near: float, reach: float = 15.0) -> float | None:
        """Route distance of the route point nearest to (x, y), searched around ``near``.

        Used when the ego is off every route lane (sliding wide, off the road): progress then
        follows the route line. None when the point is more than ``reach`` metres from it.
        """
        a = max(int((near - 30.0) / PROFILE_STEP), 0)
        b = min(int((near + 60.0) / PROFILE_STEP) + 1, len(self.samples_s))
        if b - a < 2:
            return None
        dx = self.samples_x[a:b] - x
        dy = self.samples_y[a:b] - y
        d2 = dx * dx + dy * dy
        i = int(np.argmin(d2))
        if d2[i] > reach * reach:
            return None
        h = float(self.samples_h[a + i])
        along = -(dx[i] * math.cos(h) + dy[i] * math.sin(h))
        return float(min(max(self.samples_s[a + i] + along, 0.0), self.length))

    def crossing_s(self, x0: float, y0: float, x1: float, y1: float) -> float | None:
        """Route distance where the segment (x0, y0)-(x1, y1) crosses the route line, if it does."""
        px, py = self.samples_x, self.samples_y
        ax, ay, bx, by = px[:-1], py[:-1], px[1:], py[1:]
        ex, ey = x1 - x0, y1 - y0
        fx, fy = bx - ax, by - ay
        den = ex * fy - ey * fx
        with np.errstate(divide="ignore", invalid="ignore"):
            t = ((ax - x0) * fy - (ay - y0) * fx) / den  # along the given segment
            u = ((ax - x0) * ey - (ay - y0) * ex) / den  # along the route piece
        ok = (den != 0) & (t >= 0) & (t <= 1) & (u >= 0) & (u <= 1)
        idx = np.flatnonzero(ok)
        if not len(idx):
            return None
        i = int(idx[0])
        return float(self.samples_s[i] + u[i] * (self.samples_s[i + 1] - self.samples_s[i]))
