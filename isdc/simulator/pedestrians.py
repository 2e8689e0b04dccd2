"""Pedestrians: adults, children and school-patrol (PKS) officers walking scripted paths.

A pedestrian waits where the scenario puts it until an event starts it (``start_crossing``);
then it walks its waypoints at its own speed, holding at a waypoint where the scenario says so
(the patrol officer stands in the middle of the zebra while the children cross). Pedestrians do
not dodge vehicles: the scenarios are the script, and the driver's job is to give way.
"""

from __future__ import annotations

import math

import numpy as np

from isdc.simulator.build import PedestrianSpec
from isdc.simulator.geometry import circle_obb_overlap

KINDS = ("adult", "child", "patrol")
RADIUS = {"adult": 0.3, "child": 0.22, "patrol": 0.3}
WAITING, WALKING, HOLDING, DONE = 0, 1, 2, 3


class Pedestrians:
    def __init__(self, specs: list[PedestrianSpec], dt: float):
        n = len(specs)
        self.specs = specs
        self.ids = [p.id for p in specs]
        self.index = {p.id: i for i, p in enumerate(specs)}
        self.kind = np.array([KINDS.index(p.kind) for p in specs], dtype=np.intp)
        self.radius = np.array([RADIUS[p.kind] for p in specs])
        self.x = np.array([p.waypoints[0][0] for p in specs], dtype=np.float64)
        self.y = np.array([p.waypoints[0][1] for p in specs], dtype=np.float64)
        self.heading = np.zeros(n)
        for i, p in enumerate(specs):
            if len(p.waypoints) > 1:
                (x0, y0, _), (x1, y1, _) = p.waypoints[0], p.waypoints[1]
                self.heading[i] = math.atan2(y1 - y0, x1 - x0)
        self.speed = np.array([p.speed for p in specs], dtype=np.float64)
        self.state = np.zeros(n, dtype=np.intp)
        self.target = np.ones(n, dtype=np.intp)  # index of the waypoint walked to
        self.hold_left = np.zeros(n)
        self.moving = np.zeros(n, dtype=bool)
        self.active: set[int] = set()  # walking or holding: on their way
        self._blocker: tuple[float, float, float, float, float, float] | None = None
        self.dt = dt

    def __len__(self) -> int:
        return len(self.specs)

    def start(self, i: int) -> None:
        if self.state[i] == WAITING and len(self.specs[i].waypoints) > 1:
            self.state[i] = WALKING
            self.active.add(i)

    def moving_any(self) -> bool:
        return bool(self.active)

    def step(self, blocker: tuple[float, float, float, float, float, float] | None = None) -> None:
        """Walk everyone on their way; ``blocker`` is the ego (x, y, heading, length, width, v).

        A pedestrian never steps into the side of a car: it walks round it towards its rear,
        or waits. It does not dodge a car coming at it - the driver has to give way.
        """
        if not self.active:
            return
        self._blocker = blocker
        walking = self.state == WALKING
        self.moving = walking
        if walking.any():
            idx = np.flatnonzero(walking)
            for i in idx.tolist():  # few pedestrians walk at once; arrivals need branching
                self._walk(i)
        holding = self.state == HOLDING
        if holding.any():
            self.hold_left = np.where(holding, self.hold_left - self.dt, self.hold_left)
            for i in np.flatnonzero(holding & (self.hold_left <= 0)).tolist():
                self._next_waypoint(i)

    def _walk(self, i: int) -> None:
        wps = self.specs[i].waypoints
        tx, ty, wait = wps[int(self.target[i])]
        dx, dy = tx - self.x[i], ty - self.y[i]
        dist = math.hypot(dx, dy)
        step = self.speed[i] * self.dt
        if dist <= step:
            self.x[i], self.y[i] = tx, ty
            if wait > 0:
                self.state[i] = HOLDING
                self.hold_left[i] = wait
            else:
                self._next_waypoint(i)
            return
        nx = self.x[i] + dx / dist * step
        ny = self.y[i] + dy / dist * step
        self.heading[i] = math.atan2(dy, dx)
        b = self._blocker
        if b is not None and circle_obb_overlap(
            nx, ny, self.radius[i] + 0.4, b[0], b[1], b[2], b[3], b[4]
        ):
            # A car stands in the way: walk round it, along its side towards its rear.
            nx = self.x[i] - math.cos(b[2]) * step
            ny = self.y[i] - math.sin(b[2]) * step
            if circle_obb_overlap(nx, ny, self.radius[i] + 0.4, b[0], b[1], b[2], b[3], b[4]):
                return  # boxed in: wait
        self.x[i], self.y[i] = nx, ny

    def _next_waypoint(self, i: int) -> None:
        if self.target[i] + 1 < len(self.specs[i].waypoints):
            self.target[i] += 1
            self.state[i] = WALKING
        else:
            self.state[i] = DONE
            self.active.discard(i)
