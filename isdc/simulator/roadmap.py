"""The road network: roads of parallel lanes, junction connectors, zones, markings and lookups.

Indonesia drives on the LEFT (UU 22/2009 Pasal 108). A road has a reference line (its centre
line, a :class:`~isdc.simulator.geometry.Path`); lanes running along the reference direction
("forward", ids ``f1``, ``f2``, ... from the kerb) lie to its LEFT, lanes running against it
("backward", ``b1``, ...) to its RIGHT. Lane 1 is always the kerb lane, the one to keep to.

Every lane of a road shares the road's stations: a lane's ``s`` is the distance along the road
in the lane's own direction of travel, so vehicles in neighbouring lanes compare positions
directly (as SUMO does) and lane changes need no re-projection. Junction connectors are roads of
one lane whose reference line is built from the lanes they join.

For vectorised traffic updates every road's reference line is also sampled into one global
table indexed by "global station" (road base + station), so the world poses of all vehicles
come from a handful of numpy operations per tick.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from isdc.simulator.geometry import Path, fillet, point_in_polygon, wrap_angle

SAMPLE_STEP = 0.25  # m between samples of the global pose table
GRID_CELL = 20.0  # m, cell of the spatial index used to find lanes near a point

# PM 111/2015 Pasal 3 (km/h): settlement 30, urban 50, intercity 80, toll 100 (minimum 60).
ROAD_TYPES: dict[str, tuple[float, float]] = {
    "settlement": (30.0, 0.0),
    "urban": (50.0, 0.0),
    "intercity": (80.0, 0.0),
    "toll": (100.0, 60.0),
    "track": (60.0, 0.0),
}
SCHOOL_ZONE_KMH = 30.0  # ZoSS, Perdirjen Hubdat SK.1304/AJ.403/DJPD/2014
FRICTION = {"dry": 0.7, "rain": 0.4}  # tyre-road mu, dry and wet asphalt


@dataclass
class Zone:
    """A stretch of road (stations from..to, both directions) with its rules and surface."""

    start: float
    end: float
    limit_kmh: float
    min_kmh: float = 0.0
    advisory_kmh: float | None = None
    school: bool = False
    friction: float = 0.7


@dataclass
class Line:
    """A longitudinal marking between two lanes (or at an edge) over a range of stations."""

    offset: float  # lateral offset from the road reference line, left positive
    start: float
    end: float
    style: str  # solid | dashed | double_solid | edge
    colour: str = "white"


@dataclass
class Lane:
    index: int
    id: str
    road: Road
    direction: int  # +1 along the reference line, -1 against it
    offset: float  # lane centre's lateral offset from the reference line
    width: float
    begin: float  # lane s where the lane starts (s is measured in the lane's direction)
    end: float  # lane s where it ends
    kind: str = "driving"  # driving | connector
    successors: list[int] = field(default_factory=list)
    left: int = -1  # neighbour lane on the left in the direction of travel (kerb side)
    right: int = -1  # neighbour on the right (towards the centre line)
    junction: str | None = None
    yield_to: list[int] = field(default_factory=list)
    # Style of the boundary with the right and left neighbours as (start, end, style) ranges in
    # lane s, so a lane change can ask whether it crosses a solid line.
    right_line: list[tuple[float, float, str]] = field(default_factory=list)
    left_line: list[tuple[float, float, str]] = field(default_factory=list)

    @property
    def length(self) -> float:
        return self.end - self.begin

    def station(self, s: float) -> float:
        return s if self.direction > 0 else self.road.length - s

    def lane_s(self, station: float) -> float:
        return station if self.direction > 0 else self.road.length - station

    def pose(self, s: float, d: float = 0.0) -> tuple[float, float, float]:
        """World pose at lane coordinate ``s`` and offset ``d`` (left of travel positive)."""
        x, y, h = self.road.path.pose(self.station(s), self.offset + d * self.direction)
        return (x, y, h if self.direction > 0 else h + math.pi)

    def local(self, x: float, y: float) -> tuple[float, float]:
        """Lane coordinates (s, d) of a world point: distance along and offset, left positive."""
        station, lat = self.road.path.project(x, y)
        return (self.lane_s(station), (lat - self.offset) * self.direction)

    def heading(self, s: float) -> float:
        return self.pose(s)[2]

    def line_style(self, side: str, s: float) -> str:
        for a, b, style in self.right_line if side == "right" else self.left_line:
            if a <= s <= b:
                return style
        return "dashed"

    def centre_polyline(self, step: float = 1.0) -> np.ndarray:
        return self._polyline(0.0, step)

    def edge_polylines(self, step: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
        """(left edge, right edge) in the direction of travel, each (N, 2)."""
        return self._polyline(self.width / 2, step), self._polyline(-self.width / 2, step)

    def _polyline(self, d: float, step: float) -> np.ndarray:
        n = max(2, math.ceil(self.length / step) + 1)
        pts = [self.pose(self.begin + self.length * i / (n - 1), d)[:2] for i in range(n)]
        return np.array(pts, dtype=np.float64)


@dataclass
class Road:
    index: int
    id: str
    type: str
    path: Path
    lanes: list[Lane] = field(default_factory=list)
    zones: list[Zone] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    shoulder: float = 0.0
    median: float = 0.0
    is_connector: bool = False
    junction: str | None = None
    base: float = 0.0  # start of this road in the global station table

    @property
    def length(self) -> float:
        return self.path.length

    def lateral_extent(self) -> tuple[float, float]:
        lo = min(ln.offset - ln.width / 2 for ln in self.lanes)
        hi = max(ln.offset + ln.width / 2 for ln in self.lanes)
        return lo, hi

    def zone_at(self, station: float) -> Zone:
        for z in self.zones:
            if z.start <= station < z.end:
                return z
        return self.zones[-1]


@dataclass
class Junction:
    id: str
    polygon: np.ndarray  # (N, 2) drivable area, counted as road surface


@dataclass
class StopLine:
    """Where a vehicle on ``lane`` must stop: a signal, a stop sign, or before a zebra."""

    id: str
    lane: int
    s: float  # lane s of the line
    kind: str  # signal | stop_sign | zebra
    signal: str | None = None
    group: str | None = None
    zebra: str | None = None
    p0: tuple[float, float] = (0.0, 0.0)
    p1: tuple[float, float] = (0.0, 0.0)


@dataclass
class Zebra:
    id: str
    road: int
    station: float
    width: float
    polygon: np.ndarray  # (4, 2)
    kerb_left: tuple[float, float]  # kerb point on the left of the road's reference direction
    kerb_right: tuple[float, float]
    school: bool = False


@dataclass
class Sign:
    kind: str  # speed_limit | min_speed | advisory | school_zone | stop | give_way | zebra
    x: float
    y: float
    heading: float  # facing the traffic it is for: the direction that traffic travels
    value: float | None = None
    lane: int = -1


@dataclass
class LaneHit:
    lane: Lane
    s: float
    d: float
    heading: float  # the lane's direction of travel there


class RoadMap:
    """Lanes, connectors, junctions, zones, markings; built once per scenario, then read-only."""

    def __init__(self) -> None:
        self.roads: list[Road] = []
        self.lanes: list[Lane] = []
        self.lane_by_id: dict[str, Lane] = {}
        self.road_by_id: dict[str, Road] = {}
        self.junctions: list[Junction] = []
        self.stop_lines: list[StopLine] = []
        self.zebras: list[Zebra] = []
        self.signs: list[Sign] = []
        # (signal id, group, x, y, heading) of every signal head, for drawing
        self.signal_heads: list[tuple[str, str, float, float, float]] = []
        self._grid: dict[tuple[int, int], list[int]] = {}

    # ----------------------------------------------------------------------------- building

    def add_road(
        self,
        road_id: str,
        road_type: str,
        path: Path,
        *,
        forward: int,
        backward: int,
        lane_width: float,
        median: float = 0.0,
        shoulder: float = 0.0,
        centre_line: str = "dashed",
        extra: list[tuple[str, str, float, float]] | None = None,
        is_connector: bool = False,
        junction: str | None = None,
    ) -> Road:
        """Add a road; ``extra`` adds kerb-side lanes (id, direction, from_m, to_m)."""
        road = Road(len(self.roads), road_id, road_type, path, shoulder=shoulder, median=median)
        road.is_connector = is_connector
        road.junction = junction
        self.roads.append(road)
        self.road_by_id[road_id] = road
        extra = extra or []
        for direction, count, prefix in ((1, forward, "f"), (-1, backward, "b")):
            kerb_extras = [e for e in extra if (e[1] == "forward") == (direction > 0)]
            # Order from the centre line outwards: n, ..., 1, then the extra kerb lanes.
            names = [f"{prefix}{i}" for i in range(count, 0, -1)] + [e[0] for e in kerb_extras]
            ranges = [(0.0, path.length)] * count + [(e[2], e[3]) for e in kerb_extras]
            for pos, (name, (a, b)) in enumerate(zip(names, ranges, strict=True)):
                offset = (median / 2 + (pos + 0.5) * lane_width) * direction
                if is_connector:
                    offset = 0.0  # a connector's reference line is its lane's centre line
                if direction > 0:
                    begin, end = a, b
                else:
                    begin, end = path.length - b, path.length - a
                lane_id = road_id if is_connector else f"{road_id}:{name}"
                lane = Lane(
                    len(self.lanes), lane_id, road, direction, offset, lane_width, begin, end
                )
                lane.kind = "connector" if is_connector else "driving"
                lane.junction = junction
                self.lanes.append(lane)
                self.lane_by_id[lane_id] = lane
                road.lanes.append(lane)
        self._link_neighbours(road)
        self._default_lines(road, centre_line)
        return road

    def _link_neighbours(self, road: Road) -> None:
        for direction in (1, -1):
            # Kerb to centre: larger |offset| is further towards the kerb.
            side = sorted(
                (ln for ln in road.lanes if ln.direction == direction),
                key=lambda ln: -abs(ln.offset),
            )
            for kerb_lane, inner in zip(side, side[1:], strict=False):
                kerb_lane.right = inner.index
                inner.left = kerb_lane.index

    def _default_lines(self, road: Road, centre_line: str) -> None:
        if road.is_connector:
            return
        length = road.length
        for ln in road.lanes:
            if ln.right >= 0:
                b = ln.offset - ln.width / 2 * ln.direction  # boundary towards the centre
                a0, a1 = sorted((ln.station(ln.begin), ln.station(ln.end)))
                r = self.lanes[ln.right]
                b0, b1 = sorted((r.station(r.begin), r.station(r.end)))
                road.lines.append(Line(b, max(a0, b0), min(a1, b1), "dashed"))
        fwd = [ln for ln in road.lanes if ln.direction > 0]
        bwd = [ln for ln in road.lanes if ln.direction < 0]
        if fwd and bwd:
            if road.median > 0:
                road.lines.append(Line(road.median / 2, 0.0, length, "edge"))
                road.lines.append(Line(-road.median / 2, 0.0, length, "edge"))
            elif centre_line != "none":
                road.lines.append(Line(0.0, 0.0, length, centre_line))
        elif road.median > 0 and fwd:
            road.lines.append(Line(road.median / 2, 0.0, length, "edge"))
        else:
            # One-way road without a median: its right-hand edge runs along the reference line.
            road.lines.append(Line(0.0, 0.0, length, "edge"))
        # Road edges, following lanes that start or end part way (acceleration lanes).
        for ln in road.lanes:
            if ln.left < 0:
                edge = ln.offset + ln.width / 2 * ln.direction
                a0, a1 = sorted((ln.station(ln.begin), ln.station(ln.end)))
                road.lines.append(Line(edge, a0, a1, "edge"))

    def set_line(
        self, road: Road, lane_a: Lane, lane_b: Lane, start: float, end: float, style: str
    ):
        """Override the marking between two adjacent lanes over stations start..end."""
        if lane_a.direction == lane_b.direction:
            offset = (lane_a.offset + lane_b.offset) / 2
        else:
            offset = 0.0 if road.median == 0 else math.copysign(road.median / 2, lane_a.offset)
        road.lines.append(Line(offset, start, end, style))

    def connect(
        self,
        conn_id: str,
        src: Lane,
        dst: Lane,
        *,
        junction: str | None = None,
        width: float | None = None,
    ) -> Lane:
        """Join the end of ``src`` to the start of ``dst``: directly, or by a connector lane."""
        x0, y0, h0 = src.pose(src.end)
        x1, y1, h1 = dst.pose(dst.begin)
        if math.hypot(x1 - x0, y1 - y0) < 0.05 and abs(wrap_angle(h1 - h0)) < 1e-3:
            src.successors.append(dst.index)
            return dst
        specs = fillet(x0, y0, h0, x1, y1, h1)
        path = Path.build(x0, y0, h0, specs)
        road = self.add_road(
            conn_id,
            src.road.type,
            path,
            forward=1,
            backward=0,
            lane_width=width or src.width,
            is_connector=True,
            junction=junction,
        )
        lane = road.lanes[0]
        # Connectors inherit the rules of the road they leave (a turn is still in town).
        z = src.road.zone_at(src.station(src.end))
        road.zones = [Zone(0.0, math.inf, z.limit_kmh, z.min_kmh, None, z.school, z.friction)]
        src.successors.append(lane.index)
        lane.successors.append(dst.index)
        return lane

    def add_junction(self, junction_id: str, polygon: np.ndarray | None) -> Junction:
        if polygon is None:
            pts = []
            for ln in self.lanes:
                if ln.junction == junction_id:
                    left, right = ln.edge_polylines(1.0)
                    pts.extend(left.tolist())
                    pts.extend(right.tolist())
                    # The full width (shoulders too) of the roads where the connector starts
                    # and ends, so the junction's corners are paved.
                    src = next((a for a in self.lanes if ln.index in a.successors), None)
                    for road, station in (
                        (src.road, src.station(src.end)) if src is not None else (None, 0.0),
                        (self.lanes[ln.successors[0]].road, self.lanes[ln.successors[0]].station(
                            self.lanes[ln.successors[0]].begin)) if ln.successors else (None, 0.0),
                    ):  # fmt: skip
                        if road is None:
                            continue
                        lo, hi = road.lateral_extent()
                        for lat in (lo - road.shoulder, hi + road.shoulder):
                            pts.append(list(road.path.pose(station, lat)[:2]))
            polygon = convex_hull(np.array(pts)) if pts else np.zeros((0, 2))
        j = Junction(junction_id, np.asarray(polygon, dtype=np.float64))
        self.junctions.append(j)
        return j

    def add_stop_line(self, line: StopLine) -> StopLine:
        lane = self.lanes[line.lane]
        # A metre wider than the lane each side: a car straddling the lane edge still crosses it.
        x0, y0, _ = lane.pose(line.s, lane.width / 2 + 1.0)
        x1, y1, _ = lane.pose(line.s, -lane.width / 2 - 1.0)
        line.p0, line.p1 = (x0, y0), (x1, y1)
        self.stop_lines.append(line)
        return line

    def add_zebra(self, zebra_id: str, road: Road, station: float, width: float, school: bool):
        lo, hi = road.lateral_extent()
        corners = []
        for ds, lat in ((-width / 2, lo), (width / 2, lo), (width / 2, hi), (-width / 2, hi)):
            x, y, _ = road.path.pose(station + ds, lat)
            corners.append((x, y))
        kl = road.path.pose(station, hi + road.shoulder + 1.0)
        kr = road.path.pose(station, lo - road.shoulder - 1.0)
        z = Zebra(
            zebra_id,
            road.index,
            station,
            width,
            np.array(corners),
            (kl[0], kl[1]),
            (kr[0], kr[1]),
            school,
        )
        self.zebras.append(z)
        for ln in road.lanes:
            near = ln.lane_s(station) - width / 2 - 1.0  # stop 1 m before the stripes
            if ln.begin <= near <= ln.end:
                self.add_stop_line(
                    StopLine(f"{zebra_id}@{ln.id}", ln.index, near, "zebra", zebra=zebra_id)
                )
        return z

    def finish(self) -> None:
        """Freeze: build the global pose table, the zone tables and the spatial index."""
        self._lane_line_styles()
        self._build_tables()
        self._build_grid()
        self._build_lane_arrays()

    def _lane_line_styles(self) -> None:
        """Copy each lane-to-lane marking onto both lanes, newest definition first."""
        for ln in self.lanes:
            if ln.right < 0:
                continue
            other = self.lanes[ln.right]
            boundary = (ln.offset + other.offset) / 2
            ranges = []
            for line in reversed(ln.road.lines):
                if abs(line.offset - boundary) < 1e-6:
                    a, b = sorted((ln.lane_s(line.start), ln.lane_s(line.end)))
                    ranges.append((a, b, line.style))
            ln.right_line = ranges
            other.left_line = ranges

    # ----------------------------------------------------------------------------- tables

    def _build_tables(self) -> None:
        xs: list[np.ndarray] = []
        ys: list[np.ndarray] = []
        hs: list[np.ndarray] = []
        base = 0.0
        zone_start: list[float] = []
        zone_limit: list[float] = []
        zone_fric: list[float] = []
        zone_school: list[float] = []
        zone_adv: list[float] = []
        for road in self.roads:
            road.base = base
            n = math.ceil(road.length / SAMPLE_STEP) + 2  # one spare sample past the end
            stations = np.arange(n) * SAMPLE_STEP
            pts = np.array([_extrapolated_pose(road.path, float(s)) for s in stations])
            xs.append(pts[:, 0])
            ys.append(pts[:, 1])
            hs.append(np.unwrap(pts[:, 2]))
            for z in road.zones:
                zone_start.append(base + z.start)
                zone_limit.append(z.limit_kmh / 3.6)
                zone_fric.append(z.friction)
                zone_school.append(1.0 if z.school else 0.0)
                zone_adv.append((z.advisory_kmh or z.limit_kmh) / 3.6)
            base += n * SAMPLE_STEP
        self.table_x = np.concatenate(xs)
        self._last_sample = float(len(self.table_x) - 2)
        self.table_y = np.concatenate(ys)
        h = np.concatenate(hs)
        self.table_h = h
        self.table_nx = -np.sin(h)
        self.table_ny = np.cos(h)
        self.table = np.column_stack((self.table_x, self.table_y, h, self.table_nx, self.table_ny))
        self.road_base = np.array([r.base for r in self.roads])
        self.road_length = np.array([r.length for r in self.roads])
        self.zone_start = np.array(zone_start)
        self.zone_limit = np.array(zone_limit)
        self.zone_friction = np.array(zone_fric)
        self.zone_school = np.array(zone_school)
        self.zone_advisory = np.array(zone_adv)

    def _build_lane_arrays(self) -> None:
        lanes = self.lanes
        self.lane_road = np.array([ln.road.index for ln in lanes], dtype=np.intp)
        self.lane_dir = np.array([ln.direction for ln in lanes], dtype=np.float64)
        self.lane_offset = np.array([ln.offset for ln in lanes])
        self.lane_width = np.array([ln.width for ln in lanes])
        self.lane_begin = np.array([ln.begin for ln in lanes])
        self.lane_end = np.array([ln.end for ln in lanes])
        self.lane_base = self.road_base[self.lane_road]
        self.lane_road_len = self.road_length[self.lane_road]
        self.lane_left = np.array([ln.left for ln in lanes], dtype=np.intp)
        self.lane_right = np.array([ln.right for ln in lanes], dtype=np.intp)
        # Lanes that stop part way along their road with nowhere to go (acceleration lanes).
        self.lane_dead_end = np.array(
            [not ln.successors and ln.end < ln.road.length - 1.0 for ln in lanes], dtype=bool
        )
        self.lane_table = np.column_stack(
            (
                np.where(self.lane_dir > 0, 0.0, self.lane_road_len),
                self.lane_dir,
                self.lane_offset,
                self.lane_base,
                np.where(self.lane_dir > 0, 0.0, math.pi),
            )
        )
        # Highest comfortable speed through each lane: connectors are tight turns.
        # One extra entry (inf) at the end: index -1 stands for "no next lane".
        vmax = np.full(len(lanes) + 1, np.inf)
        for ln in lanes:
            k = max(abs(p.curvature) for p in ln.road.path.pieces)
            if k > 0:
                radius = 1.0 / k - abs(ln.offset) if ln.road.is_connector else 1.0 / k
                vmax[ln.index] = math.sqrt(2.0 * max(radius, 3.0))  # 2 m/s^2 lateral
        self.lane_vmax = vmax

    def poses(
        self, lane: np.ndarray, s: np.ndarray, d: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Vectorised world (x, y, heading) for lane coordinates; one pass for all vehicles."""
        L = self.lane_table[lane]  # station = a + b*s, lateral = offset + b*d, base, heading add
        sign = L[:, 1]
        g = (L[:, 3] + L[:, 0] + sign * s) * (1.0 / SAMPLE_STEP)
        np.clip(g, 0.0, self._last_sample, out=g)  # vehicles leaving the map stay in the table
        j = g.astype(np.intp)
        f = (g - j)[:, None]
        t0 = self.table[j]
        p = t0 + f * (self.table[j + 1] - t0)
        lateral = L[:, 2] + sign * d
        return (p[:, 0] + lateral * p[:, 3], p[:, 1] + lateral * p[:, 4], p[:, 2] + L[:, 4])

    def zone_index(self, lane: np.ndarray, s: np.ndarray) -> np.ndarray:
        direction = self.lane_dir[lane]
        station = np.where(direction > 0, s, self.lane_road_len[lane] - s)
        return np.searchsorted(self.zone_start, self.lane_base[lane] + station, "right") - 1

    # ----------------------------------------------------------------------------- lookups

    def _build_grid(self) -> None:
        self._bbox: list[tuple[float, float, float, float]] = []
        for road in self.roads:
            lo, hi = road.lateral_extent()
            reach = max(abs(lo), abs(hi)) + road.shoulder + 2.0
            pts = road.path.sample(2.0)
            self._bbox.append(
                (
                    float(pts[:, 0].min()) - reach,
                    float(pts[:, 1].min()) - reach,
                    float(pts[:, 0].max()) + reach,
                    float(pts[:, 1].max()) + reach,
                )
            )
            cells: set[tuple[int, int]] = set()
            r = math.ceil(reach / GRID_CELL)
            for x, y, _ in pts:
                cx, cy = int(math.floor(x / GRID_CELL)), int(math.floor(y / GRID_CELL))
                for i in range(-r, r + 1):
                    for j in range(-r, r + 1):
                        cells.add((cx + i, cy + j))
            for c in cells:
                self._grid.setdefault(c, []).append(road.index)

    def roads_near(self, x: float, y: float) -> list[int]:
        """Roads whose surface may contain the point: grid cell, then bounding box."""
        cell = self._grid.get((int(math.floor(x / GRID_CELL)), int(math.floor(y / GRID_CELL))))
        if not cell:
            return []
        box = self._bbox
        return [r for r in cell if box[r][0] <= x <= box[r][2] and box[r][1] <= y <= box[r][3]]

    def lanes_at(self, x: float, y: float, margin: float = 0.0) -> list[LaneHit]:
        """Every lane whose surface (widened by ``margin`` each side) contains the point."""
        hits: list[LaneHit] = []
        for ri in self.roads_near(x, y):
            road = self.roads[ri]
            station, lat, h = road.path.locate(x, y)
            if station < -margin or station > road.length + margin:
                continue
            for ln in road.lanes:
                d = (lat - ln.offset) * ln.direction
                if abs(d) <= ln.width / 2 + margin:
                    s = station if ln.direction > 0 else road.length - station
                    if ln.begin - margin <= s <= ln.end + margin:
                        hits.append(LaneHit(ln, s, d, h if ln.direction > 0 else h + math.pi))
        return hits

    def on_surface(self, x: float, y: float) -> bool:
        """Is the point on the carriageway: a lane, a paved shoulder or a junction area?"""
        for ri in self.roads_near(x, y):
            road = self.roads[ri]
            station, lat = road.path.project(x, y)
            for ln in road.lanes:
                s = ln.lane_s(station)
                if not (ln.begin <= s <= ln.end):
                    continue
                d = (lat - ln.offset) * ln.direction
                w = ln.width / 2 + (road.shoulder if ln.left < 0 else 0.0)
                if -ln.width / 2 <= d <= w if ln.left < 0 else abs(d) <= ln.width / 2:
                    return True
        return any(len(j.polygon) and point_in_polygon(x, y, j.polygon) for j in self.junctions)

    def bounds(self) -> tuple[float, float, float, float]:
        """(xmin, ymin, xmax, ymax) of every road's surface."""
        return (
            float(self.table_x.min()) - 10,
            float(self.table_y.min()) - 10,
            float(self.table_x.max()) + 10,
            float(self.table_y.max()) + 10,
        )


def _extrapolated_pose(path: Path, s: float) -> tuple[float, float, float]:
    if s <= path.length:
        return path.pose(s)
    x, y, h = path.pose(path.length)
    extra = s - path.length
    return (x + extra * math.cos(h), y + extra * math.sin(h), h)


def convex_hull(points: np.ndarray) -> np.ndarray:
    """Monotone-chain convex hull, counter-clockwise, of (N, 2) points."""
    pts = sorted(set(map(tuple, np.round(points, 3).tolist())))
    if len(pts) <= 2:
        return np.array(pts)

    def cross(o, a, b) -> float:
        return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])

    lower: list = []
    for p in pts:
        while len(lower) >= 2 and cross(lower[-2], lower[-1], p) <= 0:
            lower.pop()
        lower.append(p)
    upper: list = []
    for p in reversed(pts):
        while len(upper) >= 2 and cross(upper[-2], upper[-1], p) <= 0:
            upper.pop()
        upper.append(p)
    return np.array(lower[:-1] + upper[:-1])
