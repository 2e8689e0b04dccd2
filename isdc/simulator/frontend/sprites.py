"""Sprites of road users seen from above - cars, trucks, buses, motorcycles with riders, adults,
children, the school patrol - drawn once and kept rotated to quantised angles.

Each sprite is drawn facing east at twice the view's scale and turned with ``rotozoom`` at half
size, which smooths its edges; the rotated copies are cached per angle step, so a frame only
blits. People are drawn larger than life (a 50 cm wide adult would be five pixels): shapes must
read at a glance, and a child must look like a child.
"""

from __future__ import annotations

import math
from collections import OrderedDict

import pygame

from isdc.simulator.frontend import palette as P

VEHICLE_STEPS = 240  # 1.5 degree steps
PERSON_STEPS = 72  # 5 degree steps
PERSON_SIZE = 2.6  # people drawn this many times life size
MOTORCYCLE_SIZE = 1.25  # motorcycles drawn this much larger than life
CACHE_MAX = 3000


def _rrect(surf, colour, rect, radius, width=0):
    pygame.draw.rect(surf, colour, pygame.Rect(rect), width, border_radius=max(0, int(radius)))


def _shade(c: P.Colour, f: float) -> P.Colour:
    return tuple(max(0, min(255, int(v * f))) for v in c)  # type: ignore[return-value]


class Sprites:
    """Master pictures and their rotated copies for one view scale (pixels per metre)."""

    def __init__(self, scale: float):
        self.scale = scale
        self._masters: dict[tuple, pygame.Surface] = {}
        self._rotated: OrderedDict[tuple, pygame.Surface] = OrderedDict()

    # ------------------------------------------------------------------------- lookup

    def vehicle(
        self, kind: str, length: float, width: float, heading: float, colour: int,
        braking: bool = False, ego: bool = False,
    ) -> pygame.Surface:  # fmt: skip
        step = round(heading / (2 * math.pi) * VEHICLE_STEPS) % VEHICLE_STEPS
        key = ("v", kind, round(length, 2), round(width, 2), colour, braking, ego, step)
        return self._rotate(key, step, VEHICLE_STEPS)

    def person(self, kind: str, heading: float, colour: int, frame: int) -> pygame.Surface:
        step = round(heading / (2 * math.pi) * PERSON_STEPS) % PERSON_STEPS
        key = ("p", kind, colour, frame, step)
        return self._rotate(key, step, PERSON_STEPS)

    def thing(self, kind: str, length: float, width: float, heading: float) -> pygame.Surface:
        step = round(heading / (2 * math.pi) * PERSON_STEPS) % PERSON_STEPS
        key = ("o", kind, round(length, 2), round(width, 2), step)
        return self._rotate(key, step, PERSON_STEPS)

    def _rotate(self, key: tuple, step: int, steps: int) -> pygame.Surface:
        surf = self._rotated.get(key)
        if surf is not None:
            return surf
        master_key = key[:-1]
        master = self._masters.get(master_key)
        if master is None:
            master = self._draw(master_key)
            self._masters[master_key] = master
        surf = pygame.transform.rotozoom(master, step * 360.0 / steps, 0.5)
        self._rotated[key] = surf
        if len(self._rotated) > CACHE_MAX:
            self._rotated.popitem(last=False)
        return surf

    def _draw(self, key: tuple) -> pygame.Surface:
        if key[0] == "v":
            _, kind, length, width, colour, braking, ego = key
            return self._draw_vehicle(kind, length, width, colour, braking, ego)
        if key[0] == "p":
            _, kind, colour, frame = key
            return self._draw_person(kind, colour, frame)
        _, kind, length, width = key
        return self._draw_thing(kind, length, width)

    # ------------------------------------------------------------------------- vehicles

    def _canvas(self, length: float, width: float, pad: float = 0.3):
        k = self.scale * 2  # drawn at twice the view scale, halved by rotozoom
        w = max(4, math.ceil((length + 2 * pad) * k))
        h = max(4, math.ceil((width + 2 * pad) * k))
        surf = pygame.Surface((w, h), pygame.SRCALPHA)
        cx, cy = w / 2, h / 2

        def box(x0: float, x1: float, y0: float, y1: float) -> pygame.Rect:
            """Metres along (x, forward +) and across (y, left +) to a pixel rectangle."""
            return pygame.Rect(
                round(cx + x0 * k), round(cy - y1 * k), round((x1 - x0) * k), round((y1 - y0) * k)
            )

        return surf, k, box

    def _draw_vehicle(self, kind, length, width, colour, braking, ego) -> pygame.Surface:
        if kind == "motorcycle":
            return self._draw_motorcycle(length, width, colour, braking, ego)
        surf, k, box = self._canvas(length, width)
        L, W = length, width
        hl, hw = L / 2, W / 2
        if ego:
            body, roof = P.EGO_BODY, P.EGO_ROOF
        elif kind == "truck":
            body = P.TRUCK_CARGO[colour % len(P.TRUCK_CARGO)]
            roof = P.TRUCK_CABS[colour % len(P.TRUCK_CABS)]
        elif kind == "bus":
            body = P.BUS_BODIES[colour % len(P.BUS_BODIES)]
            roof = _shade(body, 1.18)
        else:
            body = P.CAR_COLOURS[colour % len(P.CAR_COLOURS)]
            roof = _shade(body, 1.1 if sum(body) < 300 else 0.92)
        outline = _shade(body, 0.45)
        # Tyres just showing at the sides.
        for x in (hl * 0.62, -hl * 0.62):
            for y in (hw, -hw):
                _rrect(surf, P.TYRE, box(x - 0.35, x + 0.35, y - 0.12, y + 0.12), 2)
        if kind == "truck":
            cab = min(2.1, L * 0.28)
            _rrect(surf, outline, box(-hl, hl - cab - 0.15, -hw, hw), 0.2 * k)
            _rrect(surf, body, box(-hl + 0.06, hl - cab - 0.21, -hw + 0.06, hw - 0.06), 0.2 * k)
            for i in range(1, 4):  # the planks of an Indonesian truck's cargo bed
                x = -hl + (L - cab) * i / 4
                pygame.draw.line(surf, _shade(body, 0.75), box(x, x, -hw + 0.1, hw - 0.1).topleft,
                                 box(x, x, -hw + 0.1, hw - 0.1).bottomleft, max(1, int(0.08 * k)))  # fmt: skip
            _rrect(surf, _shade(roof, 0.5), box(hl - cab, hl, -hw + 0.05, hw - 0.05), 0.35 * k)
            _rrect(surf, roof, box(hl - cab + 0.05, hl - 0.05, -hw + 0.1, hw - 0.1), 0.3 * k)
            _rrect(surf, P.GLASS, box(hl - 0.55, hl - 0.2, -hw + 0.25, hw - 0.25), 0.1 * k)
        elif kind == "bus":
            _rrect(surf, outline, box(-hl, hl, -hw, hw), 0.35 * k)
            _rrect(surf, body, box(-hl + 0.06, hl - 0.06, -hw + 0.06, hw - 0.06), 0.3 * k)
            _rrect(surf, roof, box(-hl + 0.6, hl - 1.2, -hw + 0.45, hw - 0.45), 0.2 * k)
            for x in (-hl * 0.45, 0.0, hl * 0.4):  # roof hatches and air conditioning
                _rrect(surf, (150, 154, 160), box(x - 0.45, x + 0.45, -0.45, 0.45), 0.1 * k)
            _rrect(surf, P.GLASS, box(hl - 0.5, hl - 0.12, -hw + 0.15, hw - 0.15), 0.12 * k)
        else:
            r = min(0.55, W * 0.3)
            _rrect(surf, outline, box(-hl, hl, -hw, hw), r * k)
            _rrect(surf, body, box(-hl + 0.05, hl - 0.05, -hw + 0.05, hw - 0.05), r * k)
            # Windscreen, roof, rear window.
            ws0, ws1 = hl * 0.08, hl * 0.42
            _rrect(surf, P.GLASS, box(ws0, ws1, -hw + 0.17, hw - 0.17), 0.18 * k)
            _rrect(surf, roof, box(-hl * 0.5, ws0 + 0.05, -hw + 0.2, hw - 0.2), 0.15 * k)
            _rrect(surf, P.GLASS, box(-hl * 0.72, -hl * 0.5, -hw + 0.22, hw - 0.22), 0.12 * k)
            for y in (hw + 0.12, -hw - 0.12):  # mirrors
                _rrect(surf, outline, box(ws1 - 0.12, ws1 + 0.08, y - 0.09, y + 0.09), 2)
            if ego:  # a stripe over the roof: the trainee's car at a glance
                _rrect(surf, (255, 255, 255), box(-hl + 0.2, hl - 0.2, -0.12, 0.12), 1)
        # Lamps: headlamps at the front corners, tail lamps (brighter when braking) at the rear.
        for y in (hw - 0.32, -hw + 0.32):
            _rrect(surf, P.HEADLAMP, box(hl - 0.16, hl - 0.02, y - 0.2, y + 0.2), 2)
            tail = P.BRAKE_LAMP if braking else P.TAIL_LAMP
            grow = 0.08 if braking else 0.0
            _rrect(
                surf, tail, box(-hl + 0.02, -hl + 0.16 + grow, y - 0.2 - grow, y + 0.2 + grow), 2
            )
        return surf

    def _draw_motorcycle(self, length, width, colour, braking, ego) -> pygame.Surface:
        # The rider is what one sees of a motorcycle from above: drawn half as big again as
        # life, or a scooter would be a grey line among the cars.
        m = MOTORCYCLE_SIZE
        surf, k, box0 = self._canvas(length * m, max(width, 1.0) * m)

        def box(x0: float, x1: float, y0: float, y1: float) -> pygame.Rect:
            return box0(x0 * m, x1 * m, y0 * m, y1 * m)

        hl = length / 2
        body = P.EGO_BODY if ego else P.MOTO_BODIES[colour % len(P.MOTO_BODIES)]
        helmet = P.EGO_ROOF if ego else P.HELMETS[colour % len(P.HELMETS)]
        _rrect(surf, P.TYRE, box(hl - 0.5, hl, -0.1, 0.1), 3)  # front wheel
        _rrect(surf, P.TYRE, box(-hl, -hl + 0.5, -0.11, 0.11), 3)  # rear wheel
        _rrect(surf, _shade(body, 0.55), box(-hl + 0.25, hl - 0.3, -0.24, 0.24), 0.18 * k)
        _rrect(surf, body, box(-hl + 0.3, hl - 0.35, -0.2, 0.2), 0.16 * k)
        bar = hl - 0.45
        pygame.draw.line(surf, (70, 70, 74), box(bar, bar, -0.45, 0.45).topleft,
                         box(bar, bar, -0.45, 0.45).bottomleft, max(3, int(0.09 * k)))  # fmt: skip
        shirt = (230, 236, 250) if ego else P.ADULT_CLOTHES[colour % len(P.ADULT_CLOTHES)]
        for y in (0.3, -0.3):  # arms to the grips
            pygame.draw.line(surf, _shade(shirt, 0.8), box(-0.1, -0.1, y, y).topleft,
                             box(bar, bar, y * 1.25, y * 1.25).topleft, max(3, int(0.1 * k)))  # fmt: skip
        pygame.draw.ellipse(surf, (250, 250, 250), box(-0.58, 0.06, -0.44, 0.44))
        pygame.draw.ellipse(surf, shirt, box(-0.55, 0.03, -0.41, 0.41))
        pygame.draw.ellipse(surf, _shade(helmet, 0.55), box(-0.36, 0.12, -0.24, 0.24))
        pygame.draw.ellipse(surf, helmet, box(-0.33, 0.09, -0.21, 0.21))
        pygame.draw.ellipse(surf, P.GLASS, box(0.0, 0.09, -0.14, 0.14))  # visor
        _rrect(surf, P.HEADLAMP, box(hl - 0.12, hl, -0.08, 0.08), 2)
        tail = P.BRAKE_LAMP if braking else P.TAIL_LAMP
        _rrect(surf, tail, box(-hl, -hl + 0.1, -0.09, 0.09), 2)
        return surf

    # ------------------------------------------------------------------------- people

    def _draw_person(self, kind: str, colour: int, frame: int) -> pygame.Surface:
        size = PERSON_SIZE * (0.78 if kind == "child" else 1.0)
        span = 0.55 * size  # shoulder to shoulder
        surf, k, box = self._canvas(span, span, pad=0.3)
        if kind == "child":
            shirt, legs = P.CHILD_SHIRT, P.CHILD_SHORTS
        elif kind == "patrol":
            shirt, legs = P.PATROL_VEST, (40, 50, 90)
        else:
            shirt = P.ADULT_CLOTHES[colour % len(P.ADULT_CLOTHES)]
            legs = (40, 40, 46)
        a = 0.17 * size  # stride: one foot ahead, the other behind
        step = a if frame else -a
        for foot, y in ((step, 0.1 * size), (-step, -0.1 * size)):
            pygame.draw.ellipse(surf, legs, box(foot - 0.1 * size, foot + 0.1 * size,
                                                y - 0.065 * size, y + 0.065 * size))  # fmt: skip
        h = span / 2
        d = 0.16 * size
        # A light halo and a dark rim: a person stands out on asphalt, paint and pavement.
        halo = pygame.Surface(surf.get_size(), pygame.SRCALPHA)
        pygame.draw.ellipse(
            halo, (255, 255, 255, 150), box(-d - 0.09, d + 0.09, -h - 0.09, h + 0.09)
        )
        surf.blit(halo, (0, 0))
        rim = 0.05 * size
        pygame.draw.ellipse(surf, (24, 24, 28), box(-d - rim, d + rim, -h - rim, h + rim))
        pygame.draw.ellipse(surf, shirt, box(-d, d, -h, h))
        r = 0.12 * size
        if kind == "child":  # a school bag on the back, dark hair
            bag = P.CHILD_BAG
            pygame.draw.rect(
                surf, (24, 24, 28), box(-d - 0.1, -d * 0.2, -h * 0.62, h * 0.62), border_radius=3
            )
            pygame.draw.rect(
                surf, bag, box(-d - 0.06, -d * 0.25, -h * 0.55, h * 0.55), border_radius=3
            )
            pygame.draw.ellipse(surf, (24, 24, 28), box(-r - 0.03, r + 0.03, -r - 0.03, r + 0.03))
            pygame.draw.ellipse(surf, P.HAIR, box(-r, r, -r, r))
        elif kind == "patrol":  # a white cap over the orange vest
            pygame.draw.ellipse(surf, (24, 24, 28), box(-r - 0.03, r + 0.03, -r - 0.03, r + 0.03))
            pygame.draw.ellipse(surf, (250, 250, 250), box(-r, r, -r, r))
        else:
            skin = P.SKIN[colour % len(P.SKIN)]
            pygame.draw.ellipse(surf, skin, box(-r + 0.02, r + 0.02, -r, r))
            pygame.draw.ellipse(surf, P.HAIR, box(-r - 0.01, r * 0.5, -r * 0.9, r * 0.9))
        if kind == "patrol":  # the STOP paddle held out to the side
            px, py = 0.08, h + 0.2 * size
            pygame.draw.line(surf, (60, 60, 60), box(0, 0, h - 0.05, h - 0.05).topleft,
                             box(px, px, py, py).topleft, max(2, int(0.06 * k)))  # fmt: skip
            pr = 0.17 * size
            pygame.draw.ellipse(surf, (255, 255, 255), box(px - pr, px + pr, py - pr, py + pr))
            pygame.draw.ellipse(surf, P.PATROL_PADDLE, box(px - pr * 0.8, px + pr * 0.8,
                                                          py - pr * 0.8, py + pr * 0.8))  # fmt: skip
        return surf

    def _draw_thing(self, kind: str, length: float, width: float) -> pygame.Surface:
        if kind == "cone":  # drawn a little larger than its 40 cm: it has to be seen
            length = width = max(length, 0.6)
            surf, k, box = self._canvas(length, width, pad=0.1)
            pygame.draw.ellipse(
                surf, (255, 120, 20), box(-length / 2, length / 2, -width / 2, width / 2)
            )
            pygame.draw.ellipse(surf, (255, 255, 255), box(-0.12, 0.12, -0.12, 0.12))
            pygame.draw.ellipse(surf, (230, 80, 10), box(-0.05, 0.05, -0.05, 0.05))
            return surf
        surf, k, box = self._canvas(length, width, pad=0.1)
        hl, hw = length / 2, width / 2
        if kind == "barrier":
            _rrect(surf, (230, 60, 40), box(-hl, hl, -hw, hw), 2)
            n = max(2, int(length / 0.5))
            for i in range(0, n, 2):
                x = -hl + length * i / n
                _rrect(surf, (250, 250, 250), box(x, x + length / n, -hw, hw), 0)
        else:
            pygame.draw.ellipse(surf, (230, 200, 40), box(-hl, hl, -hw, hw))
        return surf


def lamp_points(kind: str, length: float, width: float) -> tuple[list, list]:
    """(front lamps, rear lamps) as (along, across) metres from the centre, for night glows."""
    hl, hw = length / 2, width / 2
    if kind == "motorcycle":
        return [(hl, 0.0)], [(-hl, 0.0)]
    return [(hl, hw - 0.32), (hl, -hw + 0.32)], [(-hl, hw - 0.32), (-hl, -hw + 0.32)]
