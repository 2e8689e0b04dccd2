"""Plane geometry of roads: straight and arc pieces chained into paths, with local coordinates.

A path is a chain of pieces, each starting where the previous one ends with the same heading
(G1-continuous). Every point near a path has local coordinates ``(s, l)``: ``s`` the distance along
the path, ``l`` the lateral offset, positive to the LEFT of the direction of travel. Angles are in
radians, counter-clockwise from east; world x is east and y north. Pure Python floats: these
functions run a few times per tick for the ego, where numpy's call overhead would dominate.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

TWO_PI = 2.0 * math.pi


def wrap_angle(a: float) -> float:
    """The same angle in [-pi, pi)."""
    return (a + math.pi) % TWO_PI - math.pi


@dataclass(frozen=True)
class Piece:
    """A straight (curvature 0) or a circular arc (curvature 1/R, positive turning left)."""

    x0: float
    y0: float
    h0: float
    length: float
    curvature: float = 0.0

    @property
    def end_heading(self) -> float:
        return self.h0 + self.curvature * self.length

    def pose(self, u: float, lateral: float = 0.0) -> tuple[float, float, float]:
        """World (x, y, heading) at distance ``u`` along the piece and lateral offset ``lateral``."""
        k = self.curvature
        if k == 0.0:
            c, s = math.cos(self.h0), math.sin(self.h0)
            return (self.x0 + u * c - lateral * s, self.y0 + u * s + lateral * c, self.h0)
        h = self.h0 + k * u
        # Centre of the circle lies 1/k to the left of the start (to the right when k < 0).
        cx = self.x0 - math.sin(self.h0) / k
        cy = self.y0 + math.cos(self.h0) / k
        r = 1.0 / k - lateral
        return (cx + r * math.sin(h), cy - r * math.cos(h), h)

    def project(self, x: float, y: float) -> tuple[float, float, float]:
        """Local (u, lateral, heading there) of a world point; ``u`` may fall outside the piece."""
        k = self.curvature
        if k == 0.0:
            c, s = math.cos(self.h0), math.sin(self.h0)
            dx, dy = x - self.x0, y - self.y0
            return (dx * c + dy * s, -dx * s + dy * c, self.h0)
        cx = self.x0 - math.sin(self.h0) / k
        cy = self.y0 + math.cos(self.h0) / k
        wx, wy = (x - cx) * k, (y - cy) * k
        h = math.atan2(wx, -wy)
        # Measure the angle from the arc's middle so arcs up to almost a full turn unwrap right.
        mid = self.h0 + 0.5 * k * self.length
        dh = wrap_angle(h - mid)
        u = 0.5 * self.length + dh / k
        rho = math.hypot(x - cx, y - cy)
        lateral = (1.0 / abs(k) - rho) * (1.0 if k > 0 else -1.0)
        return (u, lateral, mid + dh)


class Path:
    """A G1 chain of pieces with cumulative distance; the reference line of a road or lane."""

    def __init__(self, pieces: list[Piece]):
        if not pieces:
            raise ValueError("a path needs at least one piece")
        self.pieces = pieces
        starts = [0.0]
        for p in pieces:
            starts.append(starts[-1] + p.length)
        self.starts = starts
        self.length = starts[-1]

    @classmethod
    def build(cls, x: float, y: float, heading: float, specs: list[tuple[float, float]]) -> Path:
        """Chain pieces given as (length, curvature) from a start pose."""
        pieces = []
        for length, curvature in specs:
            p = Piece(x, y, heading, length, curvature)
            pieces.append(p)
            x, y, heading = p.pose(length)
        return cls(pieces)

    def piece_at(self, s: float) -> int:
        starts = self.starts
        lo, hi = 0, len(self.pieces) - 1
        while lo < hi:  # bisect on a short list; cheaper than numpy for a handful of pieces
            mid = (lo + hi + 1) // 2
            if starts[mid] <= s:
                lo = mid
            else:
                hi = mid - 1
        return lo

    def pose(self, s: float, lateral: float = 0.0) -> tuple[float, float, float]:
        i = self.piece_at(s)
        return self.pieces[i].pose(s - self.starts[i], lateral)

    def curvature_at(self, s: float) -> float:
        return self.pieces[self.piece_at(s)].curvature

    def project(self, x: float, y: float) -> tuple[float, float]:
        """Local (s, lateral) of a world point: the nearest point of the path.

        Points before the start or past the end get ``s`` outside [0, length], extrapolated
        along the first or last piece, so callers can tell "beyond the end" from "beside it".
        """
        s, lat, _ = self.locate(x, y)
        return s, lat

    def locate(self, x: float, y: float) -> tuple[float, float, float]:
        """(s, lateral, heading of the path at s) of the nearest point of the path."""
        pieces = self.pieces
        if len(pieces) == 1:
            return pieces[0].project(x, y)
        # Most calls follow a moving vehicle: try the piece it was on last time first. A point
        # well inside a piece's span and near it is nearest to that piece (radii >> offsets).
        i = self._hint
        p = pieces[i]
        u, lat, h = p.project(x, y)
        if 0.5 < u < p.length - 0.5 and abs(lat) < 12.0:
            return (self.starts[i] + u, lat, h)
        s, lat, h = self._locate_all(x, y)
        self._hint = self.piece_at(min(max(s, 0.0), self.length))
        return (s, lat, h)

    _hint = 0

    def _locate_all(self, x: float, y: float) -> tuple[float, float, float]:
        pieces = self.pieces
        best_d = math.inf
        best = (0.0, 0.0, 0.0)
        last = len(pieces) - 1
        for i, p in enumerate(pieces):
            u, lat, h = p.project(x, y)
            if u < 0.0 and i > 0:
                continue
            if u > p.length and i < last:
                continue
            # Outside the piece only at the path's own ends; rank those by true distance.
            over = -u if u < 0.0 else (u - p.length if u > p.length else 0.0)
            d = math.hypot(over, lat) if over else abs(lat)
            if d < best_d:
                best_d = d
                best = (self.starts[i] + u, lat, h)
        if best_d == math.inf:
            # Between two pieces on the outside of a corner: take the nearer joint.
            for i in range(1, len(pieces)):
                jx, jy, _ = pieces[i].pose(0.0)
                d = math.hypot(x - jx, y - jy)
                if d < best_d:
                    best_d = d
                    u, lat, h = pieces[i].project(x, y)
                    best = (self.starts[i] + u, lat, h)
        return best

    def sample(self, step: float = 1.0, lateral: float = 0.0) -> np.ndarray:
        """Points every ``step`` metres (and at every joint), shape (N, 3): x, y, heading."""
        out: list[tuple[float, float, float]] = []
        for i, p in enumerate(self.pieces):
            n = max(1, math.ceil(p.length / step))
            for j in range(n):
                out.append(p.pose(p.length * j / n, lateral))
            if i == len(self.pieces) - 1:
                out.append(p.pose(p.length, lateral))
        return np.array(out, dtype=np.float64)


def fillet(
    x0: float, y0: float, h0: float, x1: float, y1: float, h1: float
) -> list[tuple[float, float]]:
    """Pieces (length, curvature) from pose 0 to pose 1: straight, arc, straight.

    Used for junction connectors: the arc is as large as fits between the two straights.
    Raises ValueError when the two poses cannot be joined that way (e.g. pointing apart).
    """
    turn = wrap_angle(h1 - h0)
    dx, dy = x1 - x0, y1 - y0
    if abs(turn) < 1e-6:
        # Same heading: a straight if the points line up, else an S of two equal arcs.
        along = dx * math.cos(h0) + dy * math.sin(h0)
        side = -dx * math.sin(h0) + dy * math.cos(h0)
        if along <= 0:
            raise ValueError("the end lies behind the start")
        if abs(side) < 1e-3:
            return [(along, 0.0)]
        # Two arcs of radius r turning by +a then -a: side = 2r(1-cos a), along = 2r sin a.
        a = 2.0 * math.atan2(abs(side), along)
        r = along / (2.0 * math.sin(a))
        k = (1.0 if side > 0 else -1.0) / r
        return [(r * a, k), (r * a, -k)]
    if abs(abs(turn) - math.pi) < 1e-3:
        raise ValueError("cannot join two opposite headings with one turn")
    # Intersection of the ray from pose 0 with the ray arriving at pose 1.
    c0, s0, c1, s1 = math.cos(h0), math.sin(h0), math.cos(h1), math.sin(h1)
    det = c0 * s1 - s0 * c1
    t0 = (dx * s1 - dy * c1) / det  # distance from pose 0 to the corner
    t1 = (c0 * dy - s0 * dx) / det  # distance from the corner to pose 1
    if t0 <= 0 or t1 <= 0:
        raise ValueError("the two ends do not meet ahead of the start")
    tangent = min(t0, t1)
    radius = tangent / math.tan(abs(turn) / 2.0)
    k = (1.0 if turn > 0 else -1.0) / radius
    pieces: list[tuple[float, float]] = []
    if t0 - tangent > 1e-6:
        pieces.append((t0 - tangent, 0.0))
    pieces.append((radius * abs(turn), k))
    if t1 - tangent > 1e-6:
        pieces.append((t1 - tangent, 0.0))
    return pieces


def obb_overlap(
    ax: float,
    ay: float,
    ah: float,
    alen: float,
    awid: float,
    bx: float,
    by: float,
    bh: float,
    blen: float,
    bwid: float,
) -> bool:
    """Do two oriented rectangles (centre, heading, length, width) overlap? Separating axes."""
    dx, dy = bx - ax, by - ay
    ca, sa, cb, sb = math.cos(ah), math.sin(ah), math.cos(bh), math.sin(bh)
    ha, wa, hb, wb = alen / 2, awid / 2, blen / 2, bwid / 2
    for ux, uy in ((ca, sa), (-sa, ca), (cb, sb), (-sb, cb)):
        ra = ha * abs(ux * ca + uy * sa) + wa * abs(-ux * sa + uy * ca)
        rb = hb * abs(ux * cb + uy * sb) + wb * abs(-ux * sb + uy * cb)
        if abs(dx * ux + dy * uy) > ra + rb:
            return False
    return True


def circle_obb_overlap(
    cx: float, cy: float, r: float, bx: float, by: float, bh: float, blen: float, bwid: float
) -> bool:
    """Does a circle touch an oriented rectangle?"""
    c, s = math.cos(bh), math.sin(bh)
    dx, dy = cx - bx, cy - by
    u, v = dx * c + dy * s, -dx * s + dy * c
    qu = min(max(u, -blen / 2), blen / 2)
    qv = min(max(v, -bwid / 2), bwid / 2)
    return (u - qu) ** 2 + (v - qv) ** 2 <= r * r


def point_in_polygon(x: float, y: float, poly: np.ndarray) -> bool:
    """Even-odd rule; ``poly`` is (N, 2)."""
    inside = False
    n = len(poly)
    j = n - 1
    for i in range(n):
        xi, yi = poly[i]
        xj, yj = poly[j]
        if (yi > y) != (yj > y) and x < (xj - xi) * (y - yi) / (yj - yi) + xi:
            inside = not inside
        j = i
    return inside


def segments_cross(
    ax: float, ay: float, bx: float, by: float, cx: float, cy: float, dx: float, dy: float
) -> bool:
    """Does segment AB cross segment CD (touching counts)?"""

    def orient(px: float, py: float, qx: float, qy: float, rx: float, ry: float) -> float:
        return (qx - px) * (ry - py) - (qy - py) * (rx - px)

    d1 = orient(cx, cy, dx, dy, ax, ay)
    d2 = orient(cx, cy, dx, dy, bx, by)
    d3 = orient(ax, ay, bx, by, cx, cy)
    d4 = orient(ax, ay, bx, by, dx, dy)
    return (d1 * d2 <= 0) and (d3 * d4 <= 0)
