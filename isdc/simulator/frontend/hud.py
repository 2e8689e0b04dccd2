"""The heads-up display: speedometer, the speed limit in force, time, route progress, pedals and
steering, weather and light, and a warning line when an infraction happens.

Everything that does not change from frame to frame (panels, the dial face for a given limit,
text) is drawn once and cached; a frame draws the needle and blits. The HUD reads a
:class:`HudState` - filled from the live world while driving and from the recording in a
replay - so both show the same thing the same way.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pygame

from isdc.simulator.frontend import palette as P
from isdc.simulator.frontend.fonts import text
from isdc.simulator.frontend.signs import sign_picture
from isdc.simulator.frontend.text import tr

WARNING_SHOW_S = 4.0
OVER_LIMIT_KMH = 1.0  # digits turn red this far over the limit (the scoring has its own rules)


@dataclass
class HudState:
    t: float
    time_limit: float
    speed: float  # m/s
    limit: float  # m/s
    school_zone: bool
    steering: float
    throttle: float
    brake: float
    route_s: float
    route_length: float
    title: str
    warnings: list[tuple[str, float]] = field(default_factory=list)  # (text, seconds ago)
    banner: str | None = None  # e.g. "REPLAY x2" in the top right corner
    advisory: float | None = None  # m/s: advisory speed (a bend) below the limit, if any
    max_speed_kmh: float = 180.0


def _panel(w: int, h: int, alpha: int = 190, radius: int = 12) -> pygame.Surface:
    surf = pygame.Surface((w, h), pygame.SRCALPHA)
    pygame.draw.rect(surf, (*P.HUD_BG, alpha), (0, 0, w, h), border_radius=radius)
    return surf


def clock(t: float) -> str:
    t = max(0.0, t)
    return f"{int(t // 60):02d}:{int(t % 60):02d}"


class Hud:
    def __init__(self, size: tuple[int, int], lang: str):
        self.w, self.h = size
        self.lang = lang
        self.u = self.h / 720.0
        u = self.u
        self.dial_r = int(86 * u)
        self._dials: dict[tuple[int, int], pygame.Surface] = {}
        self._panels = {
            "top": _panel(int(400 * u), int(84 * u)),
            "dial": _panel(int(2 * self.dial_r + 150 * u), int(2 * self.dial_r + 24 * u)),
            "pedals": _panel(int(232 * u), int(124 * u)),
        }
        self._warn_cache: dict[str, pygame.Surface] = {}

    def px(self, v: float) -> int:
        return max(1, int(round(v * self.u)))

    # ------------------------------------------------------------------------- drawing

    def draw(self, screen: pygame.Surface, s: HudState, conditions: tuple[str, str, float]) -> None:
        """Draw the HUD; ``conditions`` is (weather, light, visibility in m) as rendered."""
        self._top_left(screen, s)
        self._speedometer(screen, s)
        self._pedals(screen, s)
        self._badges(screen, s, *conditions)
        self._warnings(screen, s)

    def _top_left(self, screen: pygame.Surface, s: HudState) -> None:
        u, lang = self.u, self.lang
        x, y = self.px(16), self.px(16)
        panel = self._panels["top"]
        screen.blit(panel, (x, y))
        screen.blit(
            text(s.title, self.px(26), P.HUD_TEXT, True), (x + self.px(14), y + self.px(10))
        )
        line = f"{tr('time', lang)} {clock(s.t)} / {clock(s.time_limit)}"
        screen.blit(text(line, self.px(22), P.HUD_DIM), (x + self.px(14), y + self.px(40)))
        dist = f"{tr('distance', lang)} {max(0.0, s.route_s):.0f} / {s.route_length:.0f} m"
        label = text(dist, self.px(22), P.HUD_DIM)
        screen.blit(
            label, (x + panel.get_width() - label.get_width() - self.px(14), y + self.px(40))
        )
        # Progress along the route.
        bx, by = x + self.px(14), y + self.px(64)
        bw, bh = panel.get_width() - self.px(28), self.px(8)
        pygame.draw.rect(screen, (60, 68, 82), (bx, by, bw, bh), border_radius=bh // 2)
        frac = 0.0 if s.route_length <= 0 else min(1.0, max(0.0, s.route_s / s.route_length))
        if frac > 0:
            pygame.draw.rect(screen, P.HUD_ACCENT, (bx, by, max(bh, int(bw * frac)), bh),
                             border_radius=bh // 2)  # fmt: skip
        del u

    def _dial_face(self, limit_kmh: int, top: int) -> pygame.Surface:
        key = (limit_kmh, top)
        face = self._dials.get(key)
        if face is not None:
            return face
        r = self.dial_r
        face = pygame.Surface((2 * r + 2, 2 * r + 2), pygame.SRCALPHA)
        c = r + 1
        pygame.draw.circle(face, (28, 34, 46), (c, c), r)
        pygame.draw.circle(face, (90, 100, 120), (c, c), r, max(2, r // 30))
        # The stretch above the limit in red on the rim.
        if 0 < limit_kmh < top:
            a0, a1 = _dial_angle(limit_kmh, top), _dial_angle(top, top)
            rect = pygame.Rect(c - r + 5, c - r + 5, 2 * r - 10, 2 * r - 10)
            pygame.draw.arc(face, P.HUD_WARN, rect, a1, a0, max(4, r // 12))
        for v in range(0, top + 1, 10):
            a = _dial_angle(v, top)
            major = v % 20 == 0
            r0 = r - (14 if major else 9) * self.u
            p0 = (c + math.cos(a) * r0, c - math.sin(a) * r0)
            p1 = (c + math.cos(a) * (r - 4), c - math.sin(a) * (r - 4))
            pygame.draw.line(face, P.HUD_TEXT if major else P.HUD_DIM, p0, p1, 2 if major else 1)
            if major and (top <= 120 or v % 40 == 0):
                lab = text(str(v), self.px(15), P.HUD_DIM)
                rl = r - 28 * self.u
                face.blit(lab, lab.get_rect(center=(c + math.cos(a) * rl, c - math.sin(a) * rl)))
        self._dials[key] = face
        return face

    def _speedometer(self, screen: pygame.Surface, s: HudState) -> None:
        lang = self.lang
        r = self.dial_r
        panel = self._panels["dial"]
        x0, y0 = self.px(16), self.h - panel.get_height() - self.px(16)
        screen.blit(panel, (x0, y0))
        cx, cy = x0 + self.px(12) + r, y0 + self.px(12) + r
        top = int(math.ceil(max(60.0, s.max_speed_kmh) / 20.0) * 20)
        limit_kmh = int(round(s.limit * 3.6))
        face = self._dial_face(limit_kmh, top)
        screen.blit(face, face.get_rect(center=(cx, cy)))
        kmh = s.speed * 3.6
        a = _dial_angle(min(max(kmh, 0.0), top), top)
        tip = (cx + math.cos(a) * (r - 12 * self.u), cy - math.sin(a) * (r - 12 * self.u))
        side = a + math.pi / 2
        w = 4 * self.u
        base1 = (cx + math.cos(side) * w, cy - math.sin(side) * w)
        base2 = (cx - math.cos(side) * w, cy + math.sin(side) * w)
        pygame.draw.polygon(screen, (255, 96, 40), (tip, base1, base2))
        pygame.draw.circle(screen, (200, 204, 214), (cx, cy), self.px(7))
        over = limit_kmh > 0 and kmh > limit_kmh + OVER_LIMIT_KMH
        colour = P.HUD_WARN if over else P.HUD_TEXT
        if over:  # a red plate behind the digits, so speeding cannot be missed
            pygame.draw.rect(screen, (255, 255, 255), (cx - self.px(40), cy + self.px(22),
                             self.px(80), self.px(38)), border_radius=self.px(6))  # fmt: skip
        digits = text(f"{kmh:.0f}", self.px(40), colour, True)
        screen.blit(digits, digits.get_rect(center=(cx, cy + self.px(40))))
        unit = text(tr("kmh", lang), self.px(16), P.HUD_DIM)
        screen.blit(unit, unit.get_rect(center=(cx, cy + self.px(66))))
        # The limit in force, as the sign the driver passed.
        sx = cx + r + self.px(72)
        label = text(tr("limit", lang), self.px(18), P.HUD_DIM)
        if limit_kmh > 0:
            kind = "school_zone" if s.school_zone else "speed_limit"
            pic = sign_picture(kind, limit_kmh, self.px(74 if not s.school_zone else 60))
            flash = over and int(s.t * 4) % 2 == 0
            rect = pic.get_rect(center=(sx, cy - self.px(4)))
            if flash:
                pygame.draw.circle(screen, P.HUD_ACCENT, rect.center, rect.width // 2 + self.px(6))
            screen.blit(pic, rect)
            screen.blit(label, label.get_rect(center=(sx, rect.bottom + self.px(14))))
        if s.advisory is not None and limit_kmh > 0:
            # The advisory speed of a bend, as its yellow plate, at the corner of the limit sign.
            adv = int(round(s.advisory * 3.6))
            plate = sign_picture("advisory", adv, self.px(34))
            screen.blit(plate, plate.get_rect(center=(sx + self.px(36), cy - self.px(44))))

    def _pedals(self, screen: pygame.Surface, s: HudState) -> None:
        lang = self.lang
        panel = self._panels["pedals"]
        x0 = self.w - panel.get_width() - self.px(16)
        y0 = self.h - panel.get_height() - self.px(16)
        screen.blit(panel, (x0, y0))
        bar_h = self.px(70)
        bw = self.px(22)
        for i, (key, value, colour) in enumerate(
            (("throttle", s.throttle, P.HUD_OK), ("brake", s.brake, P.HUD_WARN))
        ):
            bx = x0 + self.px(18) + i * self.px(52)
            by = y0 + self.px(14)
            pygame.draw.rect(screen, (50, 58, 72), (bx, by, bw, bar_h), border_radius=4)
            fill = int(bar_h * min(max(value, 0.0), 1.0))
            if fill:
                pygame.draw.rect(screen, colour, (bx, by + bar_h - fill, bw, fill), border_radius=4)
            lab = text(tr(key, lang), self.px(16), P.HUD_DIM)
            screen.blit(lab, lab.get_rect(center=(bx + bw // 2, by + bar_h + self.px(14))))
        # Steering: a bar with a marker, left of centre when steering left.
        sx0 = x0 + self.px(122)
        sw = panel.get_width() - self.px(140)
        sy = y0 + self.px(50)
        pygame.draw.rect(screen, (50, 58, 72), (sx0, sy - 4, sw, 8), border_radius=4)
        mid = sx0 + sw // 2
        pygame.draw.line(screen, P.HUD_DIM, (mid, sy - 10), (mid, sy + 10), 1)
        mx = mid - s.steering * (sw / 2 - 6)
        pygame.draw.circle(screen, P.HUD_ACCENT, (mx, sy), self.px(8))
        lab = text(tr("steering", lang), self.px(16), P.HUD_DIM)
        screen.blit(lab, lab.get_rect(center=(mid, y0 + self.px(98))))

    def _badges(
        self, screen: pygame.Surface, s: HudState, weather: str, light: str, visibility: float
    ) -> None:
        lang = self.lang
        items = []
        if s.banner:
            items.append((s.banner, P.HUD_ACCENT))
        if weather == "rain":
            items.append((tr("rain", lang), (120, 170, 230)))
        if light != "day":
            items.append(
                (
                    f"{tr(light, lang)} · {tr('visibility', lang)} {visibility:.0f} m",
                    (170, 170, 230),
                )  # fmt: skip
            )
        if s.school_zone:
            items.append((tr("school_zone", lang), (255, 120, 110)))
        y = self.px(16)
        for label, colour in items:
            surf = text(label, self.px(22), colour, True)
            w = surf.get_width() + self.px(24)
            h = surf.get_height() + self.px(12)
            x = self.w - w - self.px(16)
            pygame.draw.rect(screen, P.HUD_BG, (x, y, w, h), border_radius=self.px(8))
            screen.blit(surf, (x + self.px(12), y + self.px(6)))
            y += h + self.px(8)

    def _warnings(self, screen: pygame.Surface, s: HudState) -> None:
        shown = [(msg, age) for msg, age in s.warnings if 0 <= age < WARNING_SHOW_S][-2:]
        y = self.px(112)
        for msg, age in reversed(shown):
            banner = self._warn_cache.get(msg)
            if banner is None:
                banner = self._warning_banner(msg)
                self._warn_cache[msg] = banner
            fade = min(1.0, (WARNING_SHOW_S - age) / 0.5)
            banner.set_alpha(int(255 * fade))
            screen.blit(banner, banner.get_rect(midtop=(self.w // 2, y)))
            y += banner.get_height() + self.px(8)

    def _warning_banner(self, msg: str) -> pygame.Surface:
        label = text(msg, self.px(30), (255, 255, 255), True)
        icon = self.px(30)
        w = label.get_width() + icon + self.px(44)
        h = label.get_height() + self.px(18)
        surf = pygame.Surface((w, h), pygame.SRCALPHA)
        pygame.draw.rect(surf, (*P.HUD_WARN, 235), (0, 0, w, h), border_radius=self.px(10))
        pygame.draw.rect(surf, (255, 255, 255), (0, 0, w, h), 2, border_radius=self.px(10))
        # A warning triangle drawn, not a glyph: the bundled font has no U+26A0.
        tx, ty = self.px(16), (h - icon) // 2
        tri = [(tx + icon / 2, ty), (tx + icon, ty + icon), (tx, ty + icon)]
        pygame.draw.polygon(surf, P.HUD_ACCENT, tri)
        bang = text("!", self.px(26), (20, 20, 20), True)
        surf.blit(bang, bang.get_rect(center=(tx + icon / 2, ty + icon * 0.62)))
        surf.blit(label, (tx + icon + self.px(12), (h - label.get_height()) // 2))
        return surf


def _dial_angle(v: float, top: float) -> float:
    """Needle angle (radians, counter-clockwise from east) for ``v`` on a 270 degree dial."""
    return math.radians(225.0 - 270.0 * v / top)
