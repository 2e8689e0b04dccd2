"""Weather and light: rain streaks and splashes, night darkness with headlight beams, lamp glows.

Night is a light map multiplied over the picture: a dark moonlit ambient plus the light each
vehicle's headlamps throw, the ego's reaching as far as the scenario's visibility. The map is
built at half resolution (light is smooth) and scaled up into a buffer allocated once. Lamps
themselves (tail, brake, head, signal) are drawn after the multiply as additive glows, so they
stay bright in the dark. Rain is drawn from a fixed pattern moved by simulated time, so a replay
or a PNG of the same moment shows the same drops.
"""

from __future__ import annotations

import math
from collections import OrderedDict

import numpy as np
import pygame

from isdc.simulator.frontend import palette as P

LIGHT_DOWNSCALE = 2
BEAM_STEPS = 120  # 3 degree steps for the rotated beam pictures
BEAM_HALF_ANGLE = math.radians(21)


def _radial(radius: int, colour: P.Colour, power: float = 2.0) -> pygame.Surface:
    """A round glow, bright in the middle and fading to black (for additive blits)."""
    size = 2 * radius + 1
    yy, xx = np.mgrid[0:size, 0:size]
    r = np.hypot(xx - radius, yy - radius) / max(radius, 1)
    a = np.clip(1.0 - r, 0.0, 1.0) ** power
    rgb = (a[..., None] * np.array(colour, dtype=np.float64)).astype(np.uint8)
    return pygame.surfarray.make_surface(np.ascontiguousarray(rgb.transpose(1, 0, 2)))


def _beam(length_px: int, colour: P.Colour) -> pygame.Surface:
    """A headlight beam pointing east from the left edge's middle, fading with distance."""
    w = length_px + 2
    h = int(2 * length_px * math.tan(BEAM_HALF_ANGLE)) + 6
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float64)
    dx = xx
    dy = yy - h / 2
    r = np.hypot(dx, dy) / length_px
    ang = np.abs(np.arctan2(dy, np.maximum(dx, 1e-6)))
    spread = BEAM_HALF_ANGLE * (1.0 - 0.45 * np.clip(r, 0.0, 1.0))  # narrower far away
    edge = np.clip((spread - ang) / (spread * 0.6), 0.0, 1.0) ** 1.5
    fall = np.clip((1.0 - r) / 0.55, 0.0, 1.0) ** 1.4  # full for half the reach, then fades
    near = np.clip(r * 6.0, 0.4, 1.0)  # the road just in front of the bumper is dimmer
    a = edge * fall * near
    rgb = (a[..., None] * np.array(colour, dtype=np.float64)).astype(np.uint8)
    surf = pygame.surfarray.make_surface(np.ascontiguousarray(rgb.transpose(1, 0, 2)))
    return surf


class Beams:
    """A headlight beam picture and its rotated copies; the apex is at the picture's centre."""

    def __init__(self, length_px: int, colour: P.Colour):
        half = _beam(length_px, colour)
        # Put the apex at the centre of a square picture, so rotating keeps it in place.
        side = 2 * max(half.get_width(), half.get_height()) + 2
        self.master = pygame.Surface((side, side))
        self.master.fill((0, 0, 0))
        self.master.blit(half, (side // 2, side // 2 - half.get_height() // 2))
        self._cache: OrderedDict[int, pygame.Surface] = OrderedDict()

    def at(self, heading: float) -> pygame.Surface:
        step = round(heading / (2 * math.pi) * BEAM_STEPS) % BEAM_STEPS
        surf = self._cache.get(step)
        if surf is None:
            surf = pygame.transform.rotate(self.master, step * 360.0 / BEAM_STEPS)
            self._cache[step] = surf
            if len(self._cache) > BEAM_STEPS:
                self._cache.popitem(last=False)
        return surf


class Night:
    """Darkness with the light of headlamps, multiplied over the scene."""

    def __init__(self, size: tuple[int, int], scale: float, visibility_m: float, light: str):
        self.size = size
        self.scale = scale
        self.ambient = P.NIGHT_AMBIENT if light == "night" else P.DUSK_AMBIENT
        d = LIGHT_DOWNSCALE
        self.small = pygame.Surface((size[0] // d + 1, size[1] // d + 1))
        self.full = pygame.Surface(size)
        self._small_view = self.small.subsurface((0, 0, size[0] // d, size[1] // d))
        k = scale / d
        self.ego_beam = Beams(int(visibility_m * k), (236, 232, 214))
        self.car_beam = Beams(int(min(visibility_m, 40.0) * 0.8 * k), (170, 166, 150))
        self.pool = _radial(int(7.0 * k), (120, 120, 120), 1.5)  # light around the ego
        self.glow_head = _radial(max(3, int(0.7 * scale)), (255, 246, 210), 1.6)
        self.glow_tail = _radial(max(3, int(0.55 * scale)), (200, 20, 10), 1.6)
        self.glow_brake = _radial(max(4, int(0.9 * scale)), (255, 40, 20), 1.4)
        self.glow_signal = {
            state: _radial(max(6, int(1.6 * scale)), colour, 1.8)
            for state, colour in P.SIGNAL_COLOURS.items()
        }

    def begin(self) -> None:
        self.small.fill(self.ambient)

    def add_beam(self, beams: Beams, sx: float, sy: float, heading: float) -> None:
        surf = beams.at(heading)
        d = LIGHT_DOWNSCALE
        r = surf.get_rect(center=(round(sx / d), round(sy / d)))
        self.small.blit(surf, r, special_flags=pygame.BLEND_ADD)

    def add_pool(self, sx: float, sy: float) -> None:
        d = LIGHT_DOWNSCALE
        self.small.blit(self.pool, self.pool.get_rect(center=(round(sx / d), round(sy / d))),
                        special_flags=pygame.BLEND_ADD)  # fmt: skip

    def apply(self, screen: pygame.Surface) -> None:
        pygame.transform.smoothscale(self._small_view, self.size, self.full)
        screen.blit(self.full, (0, 0), special_flags=pygame.BLEND_MULT)

    def glow(self, screen: pygame.Surface, glow: pygame.Surface, sx: float, sy: float) -> None:
        screen.blit(glow, glow.get_rect(center=(round(sx), round(sy))),
                    special_flags=pygame.BLEND_ADD)  # fmt: skip


class Rain:
    """Falling streaks and splashes over the view; positions follow simulated time."""

    def __init__(self, size: tuple[int, int], drops: int = 240, splashes: int = 60):
        rng = np.random.default_rng(11)
        w, h = size
        self.size = size
        self.x0 = rng.uniform(0, w, drops)
        self.y0 = rng.uniform(0, h, drops)
        self.speed = rng.uniform(900, 1400, drops)  # px/s down the screen
        self.length = rng.uniform(10, 22, drops)
        self.shade = rng.integers(0, 3, drops)
        self.colours = [P.RAIN_STREAK, (160, 172, 190), (210, 218, 230)]
        self.sx = rng.uniform(0, w, splashes)
        self.sy = rng.uniform(0, h, splashes)
        self.sphase = rng.uniform(0, 1, splashes)
        self.drift = 0.28  # streaks lean: wind across the view

    def draw(self, screen: pygame.Surface, t: float, cam_dx: float = 0.0, cam_dy: float = 0.0):
        w, h = self.size
        fall = self.speed * t
        y = (self.y0 + fall) % (h + 40) - 20
        x = (self.x0 - fall * self.drift - cam_dx) % (w + 40) - 20
        dx = -self.length * self.drift
        line = pygame.draw.line
        for i in range(len(x)):
            xi, yi = float(x[i]), float(y[i])
            line(screen, self.colours[self.shade[i]], (xi, yi), (xi + dx[i], yi - self.length[i]))
        # Splashes on the ground: small rings that grow and vanish, each on its own cycle.
        ph = (self.sphase + t * 2.5) % 1.0
        sx = (self.sx - cam_dx) % w
        sy = (self.sy - cam_dy) % h
        circle = pygame.draw.circle
        for i in range(len(ph)):
            r = 1.0 + ph[i] * 5.0
            circle(screen, (150, 162, 178), (float(sx[i]), float(sy[i])), r, 1)
