"""The static scene - ground, roads, markings, zebras, kerbs, signs, trees - drawn once into tiles.

The road never changes during a run, so it is not redrawn every frame: the scene is cut into
square tiles that are rendered the first time the camera comes near them (supersampled twice and
scaled down, so curves and diagonal edges are smooth) and kept in a small LRU cache; a frame
only blits the visible tiles. Tiles with nothing on them share one grass tile. Each primitive is
filed under every tile its bounding box touches, so rendering a tile looks at its own handful.

World geometry comes from :func:`isdc.simulator.drawing.map_drawing` (the core's read-only
picture of the road map) and, for kerbs, sidewalks and trees, from the road map itself.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np
import pygame

from isdc.simulator.build import Layout
from isdc.simulator.drawing import MapDrawing, Marking, map_drawing
from isdc.simulator.frontend import palette as P
from isdc.simulator.frontend.signs import SignArt
from isdc.simulator.roadmap import Road

TILE = 256  # px on screen
SUPERSAMPLE = 2
TOWN = ("urban", "settlement")
PAVEMENT_M = 2.5  # sidewalk width in town
KERB_M = 0.25
MIN_PAINT_PX = 1.8  # thinnest marking drawn, whatever the scale


@dataclass(frozen=True)
class Prim:
    """A filled shape in world metres: a polygon, or a circle when ``radius`` > 0."""

    colour: str  # attribute of palette.Ground
    points: np.ndarray  # (N, 2); a circle's centre as (1, 2)
    radius: float = 0.0


# ----------------------------------------------------------------------------- polylines


def _arclength(pts: np.ndarray) -> np.ndarray:
    seg = np.hypot(np.diff(pts[:, 0]), np.diff(pts[:, 1]))
    return np.concatenate(([0.0], np.cumsum(seg)))


def cut(pts: np.ndarray, a: float, b: float, s: np.ndarray | None = None) -> np.ndarray:
    """The part of a polyline between arc lengths ``a`` and ``b``."""
    s = _arclength(pts) if s is None else s
    inner = pts[(s > a) & (s < b)]
    pa = np.array([np.interp(a, s, pts[:, 0]), np.interp(a, s, pts[:, 1])])
    pb = np.array([np.interp(b, s, pts[:, 0]), np.interp(b, s, pts[:, 1])])
    return np.vstack((pa, inner, pb))


def band(pts: np.ndarray, half: float) -> np.ndarray:
    """Polygon of a polyline thickened to ``2 * half`` (normals averaged at the joints)."""
    d = np.diff(pts, axis=0)
    n = np.column_stack((-d[:, 1], d[:, 0]))
    n /= np.maximum(np.hypot(n[:, 0], n[:, 1]), 1e-9)[:, None]
    normals = np.vstack((n[:1], (n[:-1] + n[1:]) / 2, n[-1:]))
    normals /= np.maximum(np.hypot(normals[:, 0], normals[:, 1]), 1e-9)[:, None]
    left = pts + normals * half
    right = pts - normals * half
    return np.vstack((left, right[::-1]))


def dashes(pts: np.ndarray, painted: float, gap: float) -> list[np.ndarray]:
    s = _arclength(pts)
    total = float(s[-1])
    out = []
    a = 0.0
    while a < total - 0.05:
        b = min(a + painted, total)
        out.append(cut(pts, a, b, s))
        a += painted + gap
    return out


def chunks(pts: np.ndarray, every: int = 24) -> list[np.ndarray]:
    """A long polyline as overlapping pieces of ``every`` points (each tile draws only its own)."""
    if len(pts) <= every:
        return [pts]
    return [pts[i : i + every + 1] for i in range(0, len(pts) - 1, every)]


def strip_chunks(poly: np.ndarray, every: int = 10) -> list[np.ndarray]:
    """Split a strip polygon (one side, then the other side reversed) into short quads."""
    n = len(poly) // 2
    if len(poly) % 2 or n <= every:
        return [poly]
    one, two = poly[:n], poly[n:][::-1]
    out = []
    for i in range(0, n - 1, every):
        j = min(i + every, n - 1)
        out.append(np.vstack((one[i : j + 1], two[i : j + 1][::-1])))
    return out


# ----------------------------------------------------------------------------- scene


class Scenery:
    """The primitives of one layout in draw order, filed by tile, plus the signs."""

    def __init__(self, layout: Layout, scale: float):
        self.layout = layout
        self.scale = scale
        self.drawing: MapDrawing = map_drawing(layout)
        self.tile_m = TILE / scale
        self.prims: list[Prim] = []
        self._build()
        self.by_tile: dict[tuple[int, int], list[int]] = {}
        for k, p in enumerate(self.prims):
            self._file(k, p)
        self.signs = SignArt.place_all(self.drawing.signs, scale)
        self.signs_by_tile: dict[tuple[int, int], list[int]] = {}
        for k, sign in enumerate(self.signs):
            for key in self._tiles_of_box(*sign.world_box()):
                self.signs_by_tile.setdefault(key, []).append(k)

    def _tiles_of_box(self, x0: float, y0: float, x1: float, y1: float):
        t = self.tile_m
        for i in range(math.floor(x0 / t), math.floor(x1 / t) + 1):
            for j in range(math.floor(y0 / t), math.floor(y1 / t) + 1):
                yield (i, j)

    def _file(self, k: int, p: Prim) -> None:
        pts = p.points
        r = p.radius
        box = (pts[:, 0].min() - r, pts[:, 1].min() - r, pts[:, 0].max() + r, pts[:, 1].max() + r)
        for key in self._tiles_of_box(*box):
            self.by_tile.setdefault(key, []).append(k)

    def _add(self, colour: str, poly: np.ndarray) -> None:
        self.prims.append(Prim(colour, np.asarray(poly, dtype=np.float64)))

    # ------------------------------------------------------------------------- building

    def _build(self) -> None:
        d = self.drawing
        m = self.layout.road_map
        self._trees(m.roads)
        for road in m.roads:
            if not road.is_connector and road.type in TOWN:
                self._sidewalks(road)
            elif not road.is_connector:
                self._verges(road)
        order = ("shoulder", "lane", "junction", "median", "school_zone", "goal_box")
        colour = {
            "shoulder": "shoulder",
            "lane": "asphalt",
            "junction": "junction",
            "median": "median",
            "school_zone": "school",
            "goal_box": "goal_box",
        }
        for kind in order:
            for s in d.surfaces:
                if s.kind != kind:
                    continue
                if kind == "junction":
                    self._add(colour[kind], s.polygon)
                else:
                    for piece in strip_chunks(s.polygon):
                        self._add(colour[kind], piece)
        for road in m.roads:
            if not road.is_connector and road.type in TOWN:
                self._kerbs(road)
        for mk in d.markings:
            self._marking(mk)
        for z in d.zebras:
            for stripe in z.stripes:
                self._add("paint", stripe)

    def _marking(self, mk: Marking) -> None:
        colour = "paint_yellow" if mk.colour == "yellow" else "paint"
        width = max(mk.width_m, MIN_PAINT_PX / self.scale)
        pts = mk.points
        if mk.kind == "finish":
            self._finish_line(pts)
            return
        if mk.style == "double_solid":
            for off in (-width, width):
                self._add_line(colour, _offset(pts, off), width)
            return
        if mk.style == "dashed" and mk.dash is not None:
            for piece in dashes(pts, *mk.dash):
                self._add(colour, band(piece, width / 2))
            return
        self._add_line(colour, pts, width)

    def _add_line(self, colour: str, pts: np.ndarray, width: float) -> None:
        for piece in chunks(pts):
            self._add(colour, band(piece, width / 2))

    def _finish_line(self, pts: np.ndarray) -> None:
        """A chequered band, two squares deep, across the lane at the goal."""
        a, b = pts[0], pts[-1]
        across = b - a
        length = float(np.hypot(*across))
        if length < 0.1:
            return
        u = across / length
        n = np.array([u[1], -u[0]])  # along the road (either way: the band is symmetric)
        sq = 0.5
        cols = max(1, round(length / sq))
        step = length / cols
        for row in range(2):
            for c in range(cols):
                if (row + c) % 2:
                    continue
                p0 = a + u * (c * step) + n * ((row - 1) * sq)
                self._add(
                    "paint", np.array([p0, p0 + u * step, p0 + u * step + n * sq, p0 + n * sq])
                )

    def _sides(self, road: Road, step: float = 2.0):
        """Per side of the road: (stations, lateral offset of the carriageway's outer edge,
        +1 for the left side, -1 for the right, whether traffic keeps to that side).

        The edge follows lanes that begin or end part way (an acceleration lane widens the
        road); the shoulder lies outside it. On a one-way road the far side is the median's
        edge (or the reference line)."""
        n = max(2, math.ceil(road.length / step) + 1)
        stations = np.linspace(0.0, road.length, n)
        for side in (1, -1):
            lanes = [ln for ln in road.lanes if ln.direction == side]
            if not lanes:
                yield stations, np.full(n, side * road.median / 2), side, False
                continue
            edge = np.empty(n)
            for k, st in enumerate(stations.tolist()):
                here = [ln for ln in lanes if ln.begin - 1e-6 <= ln.lane_s(st) <= ln.end + 1e-6]
                here = here or lanes
                edge[k] = max(abs(ln.offset) + ln.width / 2 for ln in here) + road.shoulder
            yield stations, side * edge, side, True

    def _side_band(self, road: Road, d0: float, d1: float, colour: str) -> None:
        path = road.path
        for stations, edge, side, kerb in self._sides(road):
            if not kerb:
                continue
            st = stations.tolist()
            one = [path.pose(s, e + side * d1)[:2] for s, e in zip(st, edge.tolist(), strict=True)]
            two = [path.pose(s, e + side * d0)[:2] for s, e in zip(st, edge.tolist(), strict=True)]
            for piece in strip_chunks(np.array(one + two[::-1])):
                self._add(colour, piece)

    def _sidewalks(self, road: Road) -> None:
        self._side_band(road, 0.0, PAVEMENT_M, "pavement")

    def _kerbs(self, road: Road) -> None:
        """Kerbs painted in black and white blocks, as Indonesian town kerbs are."""
        self._side_band(road, 0.0, KERB_M, "kerb_dark")
        path = road.path
        for stations, edge, side, kerb in self._sides(road, step=1.0):
            if not kerb:
                continue
            mid = edge + side * KERB_M / 2
            line = np.array([path.pose(s, e)[:2] for s, e in zip(stations.tolist(), mid.tolist(),
                                                                  strict=True)])  # fmt: skip
            for piece in dashes(line, 1.0, 1.0):
                self._add("kerb", band(piece, KERB_M / 2))

    def _verges(self, road: Road) -> None:
        self._side_band(road, 0.0, 1.2, "verge")

    def _trees(self, roads: list[Road]) -> None:
        """Trees along the roads, clear of every carriageway (fixed by the layout, not random
        per run): they give the eye something to measure speed against on open roads."""
        m = self.layout.road_map
        rng = np.random.default_rng(4242)
        for road in roads:
            if road.is_connector or road.type == "track":
                continue
            town = road.type in TOWN
            for stations, edge, side, kerb in self._sides(road):
                s = float(rng.uniform(2.0, 12.0))
                while s < road.length:
                    r = float(rng.uniform(1.6, 2.6))
                    if town and kerb:
                        away = PAVEMENT_M + r + 0.8
                    else:
                        away = float(rng.uniform(4.0, 14.0)) + (0.0 if kerb else 6.0)
                    e = float(np.interp(s, stations, edge))
                    x, y, _ = road.path.pose(s, e + side * away)
                    if not m.lanes_at(x, y, margin=r + 1.5) and not m.on_surface(x, y):
                        self.prims.append(Prim("tree_dark", np.array([[x, y]]), r))
                        self.prims.append(
                            Prim("tree", np.array([[x - r * 0.2, y + r * 0.2]]), r * 0.72)
                        )
                    s += float(rng.uniform(14.0, 30.0) if town else rng.uniform(8.0, 26.0))


def _offset(pts: np.ndarray, off: float) -> np.ndarray:
    d = np.gradient(pts, axis=0)
    n = np.column_stack((-d[:, 1], d[:, 0]))
    n /= np.maximum(np.hypot(n[:, 0], n[:, 1]), 1e-9)[:, None]
    return pts + n * off


# ----------------------------------------------------------------------------- tiles


class TileCache:
    """Renders tiles of a :class:`Scenery` on demand and keeps the most recent ones."""

    def __init__(self, scenery: Scenery, ground: P.Ground, capacity: int = 120):
        self.scenery = scenery
        self.ground = ground
        self.capacity = capacity
        self.tiles: OrderedDict[tuple[int, int], pygame.Surface] = OrderedDict()
        self.rendered = 0  # tiles rendered so far (for tests and the benchmark)
        self._grass = self._grass_tile()

    def _grass_tile(self) -> pygame.Surface:
        """Grass with a fixed speckle, so the ground visibly moves past at speed."""
        tile = pygame.Surface((TILE, TILE))
        tile.fill(self.ground.grass)
        rng = np.random.default_rng(7)
        colours = self.ground.grass_speckle
        for _ in range(260):
            x, y = rng.integers(0, TILE, size=2).tolist()
            w, h = rng.integers(2, 6, size=2).tolist()
            tile.fill(colours[int(rng.integers(len(colours)))], (x, y, w, h))
        return tile

    def get(self, key: tuple[int, int]) -> pygame.Surface:
        tile = self.tiles.get(key)
        if tile is not None:
            self.tiles.move_to_end(key)
            return tile
        if key not in self.scenery.by_tile and key not in self.scenery.signs_by_tile:
            return self._grass
        tile = self._render(key)
        self.tiles[key] = tile
        if len(self.tiles) > self.capacity:
            self.tiles.popitem(last=False)
        return tile

    def has(self, key: tuple[int, int]) -> bool:
        return key in self.tiles or (
            key not in self.scenery.by_tile and key not in self.scenery.signs_by_tile
        )

    def _render(self, key: tuple[int, int]) -> pygame.Surface:
        sc = self.scenery
        ss = SUPERSAMPLE
        big = pygame.Surface((TILE * ss, TILE * ss))
        big.blit(pygame.transform.scale(self._grass, (TILE * ss, TILE * ss)), (0, 0))
        k = sc.scale * ss
        x0 = key[0] * sc.tile_m
        y1 = (key[1] + 1) * sc.tile_m
        g = self.ground
        for idx in sc.by_tile.get(key, ()):
            p = sc.prims[idx]
            colour = getattr(g, p.colour)
            if p.radius > 0:
                cx = (p.points[0, 0] - x0) * k
                cy = (y1 - p.points[0, 1]) * k
                pygame.draw.circle(big, colour, (cx, cy), p.radius * k)
                continue
            px = (p.points[:, 0] - x0) * k
            py = (y1 - p.points[:, 1]) * k
            pygame.draw.polygon(big, colour, np.column_stack((px, py)).tolist())
        tile = pygame.transform.smoothscale(big, (TILE, TILE))
        for idx in sc.signs_by_tile.get(key, ()):
            sign = sc.signs[idx]
            sx = (sign.x - x0) * sc.scale
            sy = (y1 - sign.y) * sc.scale
            sign.blit_onto(tile, sx, sy)
        self.rendered += 1
        if pygame.display.get_surface() is not None:
            tile = tile.convert()
        return tile

    def blit_visible(self, screen: pygame.Surface, camera, budget: int = 64) -> None:
        """Blit every tile in view; then render up to one tile just outside it, ahead of need."""
        t = self.scenery.tile_m
        x0, y0, x1, y1 = camera.world_rect()
        i0, i1 = math.floor(x0 / t), math.floor(x1 / t)
        j0, j1 = math.floor(y0 / t), math.floor(y1 / t)
        ox, oy = camera.to_screen(0.0, 0.0)
        ox, oy = round(ox), round(oy)
        blits = []
        for j in range(j0, j1 + 1):
            for i in range(i0, i1 + 1):
                blits.append((self.get((i, j)), (ox + i * TILE, oy - (j + 1) * TILE)))
        screen.blits(blits, doreturn=False)
        for j in range(j0 - 1, j1 + 2):
            for i in range(i0 - 1, i1 + 2):
                if not self.has((i, j)):
                    self.get((i, j))
                    return

    def warm(self, camera, rings: int = 1) -> None:
        """Render the tiles in view and ``rings`` around them now (before the first frame)."""
        t = self.scenery.tile_m
        x0, y0, x1, y1 = camera.world_rect()
        for j in range(math.floor(y0 / t) - rings, math.floor(y1 / t) + rings + 1):
            for i in range(math.floor(x0 / t) - rings, math.floor(x1 / t) + rings + 1):
                self.get((i, j))
