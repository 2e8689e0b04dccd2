"""What a renderer draws of the road: surfaces, markings, zebras, signs and signal heads.

Built once per scenario from its layout (``map_drawing(layout)``, cached), as plain polygons and
polylines in world metres (x east, y north), so a renderer - the pygame front end, a PNG
exporter, a web page - only transforms and fills them. Nothing here changes the world; the
moving parts (vehicles, pedestrians, signal states, the ego) come from the world's read-only
views each frame (see ``docs/simulator.md``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from isdc.simulator.build import Layout
from isdc.simulator.roadmap import Lane, Road, RoadMap, Sign

DASH_URBAN = (3.0, 5.0)  # m painted, m gap: broken lines in town
DASH_RURAL = (5.0, 8.0)  # intercity and toll roads
STRIPE = 0.5  # m, zebra stripe width (and gap)


@dataclass(frozen=True)
class Surface:
    """A filled area: kind is lane, shoulder, junction, median, school_zone or goal_box."""

    kind: str
    polygon: np.ndarray  # (N, 2)


@dataclass(frozen=True)
class Marking:
    """A painted line: kind is lane_line, centre_line, edge_line, stop_line, give_way or finish."""

    kind: str
    style: str  # solid | dashed | double_solid
    colour: str  # white | yellow
    width_m: float
    points: np.ndarray  # (N, 2) polyline
    dash: tuple[float, float] | None = None  # (painted, gap) metres when dashed


@dataclass(frozen=True)
class ZebraDrawing:
    id: str
    polygon: np.ndarray  # (4, 2) the crossing's area
    stripes: tuple[np.ndarray, ...]  # (4, 2) each, parallel to the road
    school: bool


@dataclass(frozen=True)
class LaneDrawing:
    id: str
    kind: str  # driving | connector
    direction_heading: np.ndarray  # (N,) heading of travel along the centre line
    centre: np.ndarray  # (N, 2)
    left: np.ndarray  # (N, 2) left edge in the direction of travel
    right: np.ndarray  # (N, 2)


@dataclass
class MapDrawing:
    surfaces: list[Surface] = field(default_factory=list)
    markings: list[Marking] = field(default_factory=list)
    zebras: list[ZebraDrawing] = field(default_factory=list)
    lanes: list[LaneDrawing] = field(default_factory=list)
    signs: list[Sign] = field(default_factory=list)
    # (signal id, group, x, y, heading): heads stand at the kerb beside their stop line, facing
    # the traffic they control; their state comes from World.signal_heads() each frame.
    signal_heads: list[tuple[str, str, float, float, float]] = field(default_factory=list)
    bounds: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)


def map_drawing(layout: Layout) -> MapDrawing:
    """The drawing of a layout's road map (built on first use, then shared)."""
    cached = getattr(layout, "_drawing", None)
    if cached is None:
        cached = _build(layout)
        layout._drawing = cached  # type: ignore[attr-defined]
    return cached


def _build(layout: Layout) -> MapDrawing:
    m = layout.road_map
    d = MapDrawing(signs=list(m.signs), signal_heads=list(m.signal_heads), bounds=m.bounds())
    for road in m.roads:
        for lane in road.lanes:
            d.lanes.append(_lane_drawing(lane))
            a, b = lane.begin, lane.end
            d.surfaces.append(Surface("lane", _strip(road, lane, a, b, -0.5, 0.5)))
            if lane.left < 0 and road.shoulder > 0 and not road.is_connector:
                d.surfaces.append(
                    Surface(
                        "shoulder", _strip(road, lane, a, b, 0.5, 0.5 + road.shoulder / lane.width)
                    )
                )
        if road.median > 0 and not road.is_connector:
            pts_l = _offset_line(road, 0.0, road.length, road.median / 2)
            pts_r = _offset_line(road, 0.0, road.length, -road.median / 2)
            d.surfaces.append(Surface("median", np.vstack((pts_l, pts_r[::-1]))))
        for z in road.zones:
            if z.school:
                lo, hi = road.lateral_extent()
                a, b = z.start, min(z.end, road.length)
                left = _offset_line(road, a, b, hi)
                right = _offset_line(road, a, b, lo)
                d.surfaces.append(Surface("school_zone", np.vstack((left, right[::-1]))))
        d.markings.extend(_road_markings(road))
    for j in m.junctions:
        if len(j.polygon):
            d.surfaces.append(Surface("junction", j.polygon.copy()))
    for line in m.stop_lines:
        lane = m.lanes[line.lane]
        p0 = lane.pose(line.s, lane.width / 2)[:2]
        p1 = lane.pose(line.s, -lane.width / 2)[:2]
        pts = np.array([p0, p1])
        if line.kind == "zebra":
            school = any(z.id == line.zebra and z.school for z in m.zebras)
            if school:
                d.markings.append(Marking("stop_line", "solid", "white", 0.3, pts))
            else:
                d.markings.append(Marking("give_way", "dashed", "white", 0.3, pts, (0.6, 0.6)))
        else:
            d.markings.append(Marking("stop_line", "solid", "white", 0.4, pts))
    for z in m.zebras:
        d.zebras.append(_zebra(m, z))
    _goal(layout, d)
    return d


def _lane_drawing(lane: Lane) -> LaneDrawing:
    step = 1.0
    n = max(2, math.ceil(lane.length / step) + 1)
    ss = np.linspace(lane.begin, lane.end, n)
    centre, left, right, heading = [], [], [], []
    for s in ss.tolist():
        x, y, h = lane.pose(s)
        centre.append((x, y))
        heading.append(h)
        left.append(lane.pose(s, lane.width / 2)[:2])
        right.append(lane.pose(s, -lane.width / 2)[:2])
    return LaneDrawing(lane.id, lane.kind, np.array(heading), np.array(centre), np.array(left),
                       np.array(right))  # fmt: skip


def _strip(road: Road, lane: Lane, a: float, b: float, d0: float, d1: float) -> np.ndarray:
    """Polygon of a lane-relative strip from d0 to d1 lane widths (left positive)."""
    n = max(2, math.ceil((b - a) / 2.0) + 1)
    ss = np.linspace(a, b, n).tolist()
    one = [lane.pose(s, d1 * lane.width)[:2] for s in ss]
    two = [lane.pose(s, d0 * lane.width)[:2] for s in reversed(ss)]
    return np.array(one + two)


def _offset_line(road: Road, a: float, b: float, lateral: float) -> np.ndarray:
    n = max(2, math.ceil((b - a) / 1.0) + 1)
    return np.array([road.path.pose(s, lateral)[:2] for s in np.linspace(a, b, n).tolist()])


def _road_markings(road: Road) -> list[Marking]:
    if road.is_connector:
        return []
    rural = road.type in ("intercity", "toll")
    dash = DASH_RURAL if rural else DASH_URBAN
    out = []
    # Later definitions override earlier ones on the same line: paint pieces in order, clipped.
    by_offset: dict[float, list] = {}
    for line in road.lines:
        by_offset.setdefault(round(line.offset, 3), []).append(line)
    for offset, lines in by_offset.items():
        for start, end, line in _resolve(lines):
            if line.style == "none" or end - start < 0.5:
                continue
            if line.style == "edge":
                kind, style = "edge_line", "solid"
            elif offset == 0.0 or (road.median and abs(abs(offset) - road.median / 2) < 1e-6):
                kind, style = "centre_line", line.style
            else:
                kind, style = "lane_line", line.style
            colour = "yellow" if road.type == "toll" and road.median and abs(
                abs(offset) - road.median / 2) < 1e-6 else "white"  # fmt: skip
            pts = _offset_line(road, start, end, offset)
            width = 0.15 if kind == "edge_line" else 0.12
            out.append(
                Marking(kind, style, colour, width, pts, dash if style == "dashed" else None)
            )
    return out


def _resolve(lines: list) -> list[tuple[float, float, object]]:
    """Split overlapping line definitions so the last one wins where they overlap."""
    cuts = sorted({p for ln in lines for p in (ln.start, ln.end)})
    pieces = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        mid = 0.5 * (a + b)
        winner = None
        for ln in lines:
            if ln.start <= mid <= ln.end:
                winner = ln
        if winner is not None:
            if pieces and pieces[-1][2] is winner and abs(pieces[-1][1] - a) < 1e-9:
                pieces[-1] = (pieces[-1][0], b, winner)
            else:
                pieces.append((a, b, winner))
    return pieces


def _zebra(m: RoadMap, z) -> ZebraDrawing:
    road = m.roads[z.road]
    lo, hi = road.lateral_extent()
    stripes = []
    lat = lo + STRIPE / 2
    while lat + STRIPE / 2 <= hi + 1e-6:
        corners = []
        for ds, dl in ((-z.width / 2, -STRIPE / 2), (z.width / 2, -STRIPE / 2),
                       (z.width / 2, STRIPE / 2), (-z.width / 2, STRIPE / 2)):  # fmt: skip
            corners.append(road.path.pose(z.station + ds, lat + dl)[:2])
        stripes.append(np.array(corners))
        lat += 2 * STRIPE
    return ZebraDrawing(z.id, z.polygon.copy(), tuple(stripes), z.school)


def _goal(layout: Layout, d: MapDrawing) -> None:
    g = layout.goal
    route = layout.route
    lane = layout.road_map.lanes[g.lane]
    if g.kind == "stop_in_box":
        _, a = route.locate(g.box_from)
        _, b = route.locate(g.box_to)
        d.surfaces.append(Surface("goal_box", _strip(lane.road, lane, a, b, -0.5, 0.5)))
        _, s_line = route.locate(g.line_s)
        p0 = lane.pose(s_line, lane.width / 2)[:2]
        p1 = lane.pose(s_line, -lane.width / 2)[:2]
        d.markings.append(Marking("brake_line", "solid", "yellow", 0.3, np.array([p0, p1])))
    else:
        _, s = route.locate(g.route_s)
        p0 = lane.pose(s, lane.width / 2)[:2]
        p1 = lane.pose(s, -lane.width / 2)[:2]
        d.markings.append(Marking("finish", "dashed", "white", 0.5, np.array([p0, p1]), (0.5, 0.5)))
