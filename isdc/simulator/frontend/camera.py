"""The camera: a north-up top-down view that follows the ego and looks ahead of it.

The view does not rotate with the car - the road is drawn once into tiles and only blitted - so
the camera moves in x and y. It aims ahead of the ego in its direction of travel, further the
faster it goes (what a driver needs to see is ahead, not behind), and eases towards that aim so
the picture neither jerks on steering nor lags on braking. Time comes in as ``dt``: the camera
reads no clock, so a replay or a PNG of the same moment frames the same picture.
"""

from __future__ import annotations

import math

LOOKAHEAD_S = 1.8  # the aim leads the ego by this many seconds of travel ...
MAX_AHEAD = 0.34  # ... but by at most this fraction of the smaller screen side
EASE_S = 0.45  # time constant of the camera chasing its aim
LEAD_EASE_S = 0.8  # time constant of the look-ahead itself (steadier than the position)


def scale_for(max_limit_kmh: float) -> float:
    """Pixels per metre for a road whose highest speed limit is ``max_limit_kmh``: town roads
    close up (a pedestrian is still a person), fast roads further out (enough road ahead)."""
    if max_limit_kmh <= 60:
        return 12.0
    if max_limit_kmh <= 80:
        return 9.0
    return 7.0


class Camera:
    """World metres (x east, y north) to screen pixels (x right, y down)."""

    def __init__(self, width: int, height: int, scale: float):
        self.width = width
        self.height = height
        self.scale = scale
        self.x = 0.0  # world point at the centre of the screen
        self.y = 0.0
        self._lead_x = 0.0
        self._lead_y = 0.0

    def _lead(self, heading: float, speed: float) -> tuple[float, float]:
        reach = MAX_AHEAD * min(self.width, self.height) / self.scale
        ahead = min(speed * LOOKAHEAD_S, reach)
        return ahead * math.cos(heading), ahead * math.sin(heading)

    def snap(self, x: float, y: float, heading: float, speed: float) -> None:
        """Jump to where the camera settles for an ego at (x, y) going at ``speed``."""
        self._lead_x, self._lead_y = self._lead(heading, speed)
        self.x, self.y = x + self._lead_x, y + self._lead_y

    def follow(self, x: float, y: float, heading: float, speed: float, dt: float) -> None:
        """Ease towards the aim for an ego at (x, y) after ``dt`` seconds."""
        lx, ly = self._lead(heading, speed)
        k = 1.0 - math.exp(-dt / LEAD_EASE_S)
        self._lead_x += (lx - self._lead_x) * k
        self._lead_y += (ly - self._lead_y) * k
        tx, ty = x + self._lead_x, y + self._lead_y
        k = 1.0 - math.exp(-dt / EASE_S)
        self.x += (tx - self.x) * k
        self.y += (ty - self.y) * k
        # Never let the ego leave the picture, however fast it moved (a seek, a crash).
        half_w = 0.45 * self.width / self.scale
        half_h = 0.45 * self.height / self.scale
        self.x = min(max(self.x, x - half_w), x + half_w)
        self.y = min(max(self.y, y - half_h), y + half_h)

    def to_screen(self, x: float, y: float) -> tuple[float, float]:
        s = self.scale
        return (x - self.x) * s + self.width / 2, self.height / 2 - (y - self.y) * s

    def to_world(self, sx: float, sy: float) -> tuple[float, float]:
        s = self.scale
        return (sx - self.width / 2) / s + self.x, (self.height / 2 - sy) / s + self.y

    def world_rect(self, margin: float = 0.0) -> tuple[float, float, float, float]:
        """(xmin, ymin, xmax, ymax) of the world in view, widened by ``margin`` metres."""
        hw = self.width / 2 / self.scale + margin
        hh = self.height / 2 / self.scale + margin
        return self.x - hw, self.y - hh, self.x + hw, self.y + hh
