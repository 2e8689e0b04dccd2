"""Road signs as small upright pictures: speed limit, minimum speed, advisory speed, ZoSS, STOP,
give way and pedestrian crossing, in the shapes and colours of Indonesian signs (PM 13/2014).

Real signs are 60-90 cm across, a few pixels in a top-down view, so they are drawn larger
(about 2.4 m) and always upright so they can be read; each stands on the kerb side of the traffic
it is for (the left in Indonesia), just off the carriageway.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import pygame

from isdc.simulator.frontend.fonts import font, on_quit
from isdc.simulator.roadmap import Sign

SIGN_M = 2.4  # drawn diameter in metres ...
SIGN_MIN_PX = 24  # ... but never smaller than this

RED = (200, 28, 32)
WHITE = (250, 250, 250)
BLACK = (20, 20, 20)
BLUE = (20, 80, 170)
YELLOW = (250, 200, 20)


@lru_cache(maxsize=64)
def sign_picture(kind: str, value: int, size: int) -> pygame.Surface:
    """The picture of a sign, ``size`` pixels across (ZoSS boards are taller)."""
    d = size
    if kind == "school_zone":
        surf = pygame.Surface((d, int(d * 1.45)), pygame.SRCALPHA)
        w, h = surf.get_size()
        pygame.draw.rect(surf, WHITE, (0, 0, w, h), border_radius=3)
        pygame.draw.rect(surf, RED, (0, 0, w, h), width=max(2, d // 12), border_radius=3)
        label = font(max(8, d // 3), bold=True).render("ZoSS", True, RED)
        surf.blit(label, label.get_rect(center=(w / 2, h * 0.22)))
        disc = sign_picture("speed_limit", value, int(d * 0.72))
        surf.blit(disc, disc.get_rect(center=(w / 2, h * 0.64)))
        return surf
    surf = pygame.Surface((d, d), pygame.SRCALPHA)
    c = d / 2
    if kind in ("speed_limit", "min_speed"):
        if kind == "speed_limit":
            pygame.draw.circle(surf, RED, (c, c), c)
            pygame.draw.circle(surf, WHITE, (c, c), c * 0.76)
            colour = BLACK
        else:
            pygame.draw.circle(surf, WHITE, (c, c), c)
            pygame.draw.circle(surf, BLUE, (c, c), c * 0.9)
            colour = WHITE
        _number(surf, value, colour, d)
    elif kind == "advisory":
        pygame.draw.rect(surf, BLACK, (0, 0, d, d), border_radius=max(2, d // 8))
        pygame.draw.rect(surf, YELLOW, (2, 2, d - 4, d - 4), border_radius=max(2, d // 8))
        _number(surf, value, BLACK, d)
    elif kind == "stop":
        pts = [
            (
                c + c * math.cos(math.radians(22.5 + 45 * k)),
                c + c * math.sin(math.radians(22.5 + 45 * k)),
            )
            for k in range(8)
        ]
        pygame.draw.polygon(surf, WHITE, pts)
        inner = [(c + (x - c) * 0.86, c + (y - c) * 0.86) for x, y in pts]
        pygame.draw.polygon(surf, RED, inner)
        label = font(max(7, int(d * 0.36)), bold=True).render("STOP", True, WHITE)
        surf.blit(label, label.get_rect(center=(c, c + 1)))
    elif kind == "give_way":
        pygame.draw.polygon(surf, RED, [(0, 2), (d, 2), (c, d - 1)])
        pygame.draw.polygon(surf, WHITE, [(d * 0.2, d * 0.14), (d * 0.8, d * 0.14), (c, d * 0.74)])
    elif kind == "zebra":
        pygame.draw.rect(surf, BLUE, (0, 0, d, d), border_radius=max(2, d // 10))
        tri = [(c, d * 0.14), (d * 0.86, d * 0.84), (d * 0.14, d * 0.84)]
        pygame.draw.polygon(surf, WHITE, tri)
        for k in range(3):
            y = d * (0.58 + 0.09 * k)
            pygame.draw.line(
                surf, BLACK, (d * 0.34 - k * 2, y), (d * 0.66 + k * 2, y), max(1, d // 16)
            )
        pygame.draw.circle(surf, BLACK, (c, d * 0.4), max(1.5, d * 0.06))
    else:  # an unknown kind still shows that a sign stands here
        pygame.draw.circle(surf, WHITE, (c, c), c)
        pygame.draw.circle(surf, BLACK, (c, c), c, 2)
    return surf


on_quit(sign_picture.cache_clear)


def _number(surf: pygame.Surface, value: int, colour, d: int) -> None:
    text = str(value)
    size = int(d * (0.5 if len(text) <= 2 else 0.4))
    label = font(max(7, size), bold=True).render(text, True, colour)
    surf.blit(label, label.get_rect(center=(d / 2, d / 2 + 1)))


@dataclass(frozen=True)
class SignArt:
    """A sign placed in the world: the centre of its picture (x, y) and the picture."""

    kind: str
    value: int
    x: float
    y: float
    size_px: int
    scale: float

    @staticmethod
    def place_all(signs: list[Sign], scale: float) -> list[SignArt]:
        size = max(SIGN_MIN_PX, round(SIGN_M * scale))
        out = []
        for s in signs:
            value = int(round(s.value)) if s.value is not None else 0
            pic = sign_picture(s.kind, value, size)
            # Step off the road on the kerb side of the traffic the sign is for (its left).
            half = max(pic.get_width(), pic.get_height()) / 2 / scale
            nx, ny = -math.sin(s.heading), math.cos(s.heading)
            out.append(SignArt(s.kind, value, s.x + nx * half, s.y + ny * half, size, scale))
        return _spread(out)

    @property
    def picture(self) -> pygame.Surface:
        return sign_picture(self.kind, self.value, self.size_px)

    def world_box(self) -> tuple[float, float, float, float]:
        w, h = self.picture.get_size()
        hw, hh = w / 2 / self.scale, h / 2 / self.scale
        return self.x - hw, self.y - hh, self.x + hw, self.y + hh

    def blit_onto(self, target: pygame.Surface, sx: float, sy: float) -> None:
        pic = self.picture
        target.blit(pic, pic.get_rect(center=(round(sx), round(sy))))


def _spread(signs: list[SignArt]) -> list[SignArt]:
    """Signs at the same spot (a limit and an advisory speed) stand side by side, not on top."""
    out: list[SignArt] = []
    for s in signs:
        x, y = s.x, s.y
        step = s.size_px / s.scale * 1.1
        while any(math.hypot(o.x - x, o.y - y) < step * 0.9 for o in out):
            y -= step
        out.append(SignArt(s.kind, s.value, x, y, s.size_px, s.scale))
    return out
