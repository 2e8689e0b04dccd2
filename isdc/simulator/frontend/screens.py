"""Screens around a run: the start screen (trainee, scenario brief, map of the route, controls),
the countdown, the pause and quit overlays, and the end screen with the result and the score.

Each function draws into a surface and returns nothing; the window loop (``app``) decides when
to show which. Text is Indonesian or English (``lang``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pygame

from isdc.simulator.build import Layout
from isdc.simulator.drawing import map_drawing
from isdc.simulator.frontend import palette as P
from isdc.simulator.frontend.fonts import font, text, wrap
from isdc.simulator.frontend.hud import clock
from isdc.simulator.frontend.text import WARNING_KINDS, event_warning, tr


@dataclass(frozen=True)
class StartInfo:
    title: str
    brief: str
    trainee: str | None
    vehicle: str
    weather: str
    light: str
    visibility_m: float
    time_limit_s: float
    driver: str  # keyboard | wheel | autopilot | autopilot-aggressive
    lang: str


def _u(surface: pygame.Surface) -> float:
    return surface.get_height() / 720.0


def _background(surface: pygame.Surface) -> None:
    w, h = surface.get_size()
    surface.fill(P.SCREEN_BG)
    band = pygame.Rect(0, 0, w, int(64 * _u(surface)))
    pygame.draw.rect(surface, (10, 18, 32), band)
    pygame.draw.line(surface, P.HUD_ACCENT, band.bottomleft, band.bottomright, 3)


def _header(surface: pygame.Surface, lang: str) -> None:
    u = _u(surface)
    surface.blit(text(tr("app", lang), int(30 * u), P.HUD_TEXT, True), (int(40 * u), int(18 * u)))
    right = text("Korlantas Polri · ISDC Serpong", int(22 * u), P.HUD_DIM)
    surface.blit(right, right.get_rect(topright=(surface.get_width() - int(40 * u), int(22 * u))))


def num(v: float, digits: int, lang: str) -> str:
    """A number as the reader writes it: 31,5 in Indonesian, 31.5 in English."""
    s = f"{v:.{digits}f}"
    return s.replace(".", ",") if lang == "id" else s


def _pill(
    surface: pygame.Surface, label: str, centre: tuple[int, int], colour, size: int,
    left: tuple[int, int] | None = None,
) -> None:  # fmt: skip
    t = text(label, size, (16, 20, 28), True)
    rect = t.get_rect(center=centre).inflate(int(size * 1.4), int(size * 0.7))
    if left is not None:
        rect.topleft = left
    pygame.draw.rect(surface, colour, rect, border_radius=rect.height // 2)
    surface.blit(t, t.get_rect(center=rect.center))


def fit(s: str, size: int, width: int, bold: bool = False) -> str:
    """``s`` shortened with an ellipsis to fit ``width`` pixels."""
    f = font(size, bold)
    if f.size(s)[0] <= width:
        return s
    while s and f.size(s + "...")[0] > width:
        s = s[:-1]
    return s.rstrip() + "..."


def keycap(surface: pygame.Surface, x: int, y: int, label: str, size: int) -> int:
    """A key drawn as a cap; labels "<", ">", "^", "v" are drawn as arrows. Returns its width."""
    arrows = {"<": math.pi, ">": 0.0, "^": math.pi / 2, "v": -math.pi / 2}
    if label in arrows:
        w = size
    else:
        w = max(size, text(label, int(size * 0.55), P.HUD_TEXT, True).get_width() + size // 2)
    rect = pygame.Rect(x, y, w, size)
    pygame.draw.rect(surface, (60, 70, 90), rect.move(0, 3), border_radius=6)
    pygame.draw.rect(surface, (215, 222, 235), rect, border_radius=6)
    if label in arrows:
        a = arrows[label]
        cx, cy = rect.center
        r = size * 0.28
        pts = [(cx + math.cos(a + k) * r, cy - math.sin(a + k) * r) for k in (0, 2.4, -2.4)]
        pygame.draw.polygon(surface, (20, 26, 38), pts)
    else:
        t = text(label, int(size * 0.55), (20, 26, 38), True)
        surface.blit(t, t.get_rect(center=rect.center))
    return w


CONTROL_ROWS = {
    "keyboard": [
        (("<", ">", "A", "D"), {"id": "setir kiri / kanan", "en": "steer left / right"}),
        (("^", "W"), {"id": "gas", "en": "throttle"}),
        (("v", "S"), {"id": "rem", "en": "brake"}),
        (("Spasi",), {"id": "rem penuh", "en": "full brake"}),
        (("P",), {"id": "jeda", "en": "pause"}),
        (("Esc",), {"id": "akhiri latihan", "en": "end the run"}),
    ],
    "wheel": [
        ((), {"id": "setir dan pedal gas / rem", "en": "wheel, throttle and brake pedals"}),
        (("P",), {"id": "jeda", "en": "pause"}),
        (("Esc",), {"id": "akhiri latihan", "en": "end the run"}),
    ],
    "autopilot": [
        ((), {"id": "autopilot mengemudi; Anda menonton", "en": "the autopilot drives; you watch"}),
        (("P",), {"id": "jeda", "en": "pause"}),
        (("Esc",), {"id": "akhiri", "en": "end"}),
    ],
}


def route_map(layout: Layout, size: tuple[int, int]) -> pygame.Surface:
    """The scenario's roads in grey with the route in yellow, start in green, goal chequered."""
    w, h = size
    surf = pygame.Surface(size, pygame.SRCALPHA)
    d = map_drawing(layout)
    route = layout.route
    rx, ry = np.asarray(route.samples_x), np.asarray(route.samples_y)
    pts = [s.polygon for s in d.surfaces if s.kind in ("lane", "junction", "shoulder")]
    allp = np.vstack(pts + [np.column_stack((rx, ry))])
    x0, y0 = allp.min(axis=0) - 5
    x1, y1 = allp.max(axis=0) + 5
    k = min((w - 20) / max(x1 - x0, 1), (h - 20) / max(y1 - y0, 1))
    ox = (w - (x1 - x0) * k) / 2
    oy = (h - (y1 - y0) * k) / 2

    def tf(p: np.ndarray) -> list:
        return np.column_stack((ox + (p[:, 0] - x0) * k, oy + (y1 - p[:, 1]) * k)).tolist()

    for poly in pts:
        if len(poly) >= 3:
            pygame.draw.polygon(surf, (92, 104, 124), tf(poly))
    for s in d.surfaces:
        if s.kind == "school_zone" and len(s.polygon) >= 3:
            pygame.draw.polygon(surf, (190, 60, 54), tf(s.polygon))
    for z in d.zebras:
        pygame.draw.polygon(surf, (240, 240, 240), tf(z.polygon))
    goal = layout.goal.route_s
    n = max(2, int(np.searchsorted(np.asarray(route.samples_s), goal)))
    line = tf(np.column_stack((rx[:n], ry[:n])))
    if len(line) >= 2:
        pygame.draw.lines(surf, P.HUD_ACCENT, False, line, 4)
        pygame.draw.circle(surf, P.HUD_OK, line[0], 8)
        pygame.draw.circle(surf, (255, 255, 255), line[0], 8, 2)
        gx, gy = line[-1]
        for i in range(3):
            for j in range(3):
                c = (255, 255, 255) if (i + j) % 2 else (20, 20, 20)
                pygame.draw.rect(surf, c, (gx - 9 + i * 6, gy - 9 + j * 6, 6, 6))
    return surf


def draw_start(surface: pygame.Surface, info: StartInfo, layout: Layout, blink: bool) -> None:
    lang = info.lang
    u = _u(surface)
    w, h = surface.get_size()
    _background(surface)
    _header(surface, lang)
    x = int(48 * u)
    y = int(92 * u)
    surface.blit(text(tr("scenario", lang).upper(), int(20 * u), P.HUD_ACCENT, True), (x, y))
    y += int(26 * u)
    surface.blit(text(info.title, int(44 * u), P.HUD_TEXT, True), (x, y))
    y += int(56 * u)
    trainee = info.trainee or tr("no_trainee", lang)
    surface.blit(text(f"{tr('trainee', lang)}: {trainee}", int(28 * u), P.HUD_TEXT), (x, y))
    y += int(44 * u)
    col_w = int(w * 0.56)
    for line in wrap(info.brief, int(25 * u), col_w):
        surface.blit(text(line, int(25 * u), (214, 222, 236)), (x, y))
        y += int(30 * u)
    y += int(14 * u)
    cond = f"{tr(info.weather, lang)}, {tr(info.light, lang)}"
    if info.light != "day":
        cond += f" ({tr('visibility', lang)} {info.visibility_m:.0f} m)"
    facts = [
        (tr("vehicle", lang), tr(info.vehicle, lang)),
        (tr("conditions", lang), cond),
        (tr("time_limit", lang), clock(info.time_limit_s)),
    ]
    for label, value in facts:
        surface.blit(text(f"{label}:", int(22 * u), P.HUD_DIM), (x, y))
        surface.blit(text(value, int(22 * u), P.HUD_TEXT, True), (x + int(150 * u), y))
        y += int(28 * u)
    # Controls, as key caps.
    y += int(12 * u)
    kind = info.driver if info.driver in CONTROL_ROWS else "autopilot"
    cap = int(30 * u)
    rows = CONTROL_ROWS[kind]
    label_x = x + (int(170 * u) if any(keys for keys, _ in rows) else 0)
    for keys, label in rows:
        kx = x
        for key in keys:
            kx += keycap(surface, kx, y, key, cap) + int(6 * u)
        lx = label_x if keys else x
        surface.blit(text(label[lang], int(22 * u), P.HUD_TEXT), (lx, y + int(6 * u)))
        y += cap + int(8 * u)
    # The route map on the right.
    box = pygame.Rect(int(w * 0.64), int(100 * u), int(w * 0.33), int(h * 0.62))
    pygame.draw.rect(surface, (22, 36, 58), box, border_radius=12)
    surface.blit(route_map(layout, box.inflate(-20, -20).size), box.inflate(-20, -20).topleft)
    # Call to action.
    cta = tr("press_start_wheel" if info.driver == "wheel" else "press_start", lang)
    colour = P.HUD_ACCENT if blink else (230, 180, 40)
    size = int(26 * u)
    cx = min(
        int(w * 0.805),
        w - int(40 * u) - (text(cta, size, P.HUD_TEXT, True).get_width() + int(size * 1.4)) // 2,
    )
    _pill(surface, cta, (cx, h - int(80 * u)), colour, size)
    esc = text(tr("press_quit", lang), int(20 * u), P.HUD_DIM)
    surface.blit(esc, esc.get_rect(center=(cx, h - int(36 * u))))


def draw_countdown(surface: pygame.Surface, label: str) -> None:
    u = _u(surface)
    w, h = surface.get_size()
    big = text(label, int(120 * u), (255, 255, 255), True)
    shadow = text(label, int(120 * u), (0, 0, 0), True)
    surface.blit(shadow, shadow.get_rect(center=(w // 2 + 4, h // 2 - int(40 * u) + 4)))
    surface.blit(big, big.get_rect(center=(w // 2, h // 2 - int(40 * u))))


def dim(surface: pygame.Surface, alpha: int = 150) -> None:
    veil = pygame.Surface(surface.get_size(), pygame.SRCALPHA)
    veil.fill((8, 12, 20, alpha))
    surface.blit(veil, (0, 0))


def draw_message(surface: pygame.Surface, title: str, help_line: str) -> None:
    """A pause or confirm overlay over the (dimmed) view."""
    dim(surface)
    u = _u(surface)
    w, h = surface.get_size()
    t = text(title, int(64 * u), (255, 255, 255), True)
    surface.blit(t, t.get_rect(center=(w // 2, h // 2 - int(30 * u))))
    hl = text(help_line, int(26 * u), P.HUD_TEXT)
    surface.blit(hl, hl.get_rect(center=(w // 2, h // 2 + int(30 * u))))


def draw_end(
    surface: pygame.Surface,
    header: dict[str, Any],
    events: list[dict[str, Any]],
    duration_s: float,
    route_s: float,
    title: str,
    lang: str,
    report: dict[str, Any] | None,
    scoring_available: bool,
) -> None:
    """The result of a run over the dimmed last frame: outcome, figures, infractions, score."""
    dim(surface, 200)
    u = _u(surface)
    w, h = surface.get_size()
    panel = pygame.Rect(int(40 * u), int(30 * u), w - int(80 * u), h - int(60 * u))
    pygame.draw.rect(surface, (14, 22, 38), panel, border_radius=16)
    pygame.draw.rect(surface, (60, 76, 104), panel, 2, border_radius=16)
    x, y = panel.x + int(32 * u), panel.y + int(24 * u)
    surface.blit(text(tr("result", lang).upper(), int(20 * u), P.HUD_ACCENT, True), (x, y))
    y += int(26 * u)
    surface.blit(text(title, int(38 * u), P.HUD_TEXT, True), (x, y))
    y += int(50 * u)
    outcome = header.get("outcome", "aborted")
    good = outcome == "completed"
    label = (
        tr(outcome, lang)
        if outcome in ("completed", "timeout", "collision", "aborted")
        else outcome
    )
    _pill(surface, label, (0, 0), P.HUD_OK if good else P.HUD_WARN, int(26 * u), left=(x, y))
    y += int(50 * u)
    facts = [
        (tr("duration", lang), f"{num(duration_s, 1, lang)} {tr('seconds', lang)}"),
        (tr("route", lang), f"{route_s:.0f} / {header.get('route_length_m', 0):.0f} m"),
    ]
    for label, value in facts:
        surface.blit(text(f"{label}:", int(24 * u), P.HUD_DIM), (x, y))
        surface.blit(text(value, int(24 * u), P.HUD_TEXT, True), (x + int(170 * u), y))
        y += int(32 * u)
    y += int(10 * u)
    surface.blit(text(tr("infractions", lang), int(24 * u), P.HUD_ACCENT, True), (x, y))
    y += int(32 * u)
    shown = [e for e in events if e["kind"] in WARNING_KINDS]
    if not shown:
        surface.blit(text(tr("none", lang), int(22 * u), P.HUD_OK), (x, y))
        y += int(28 * u)
    limit_y = panel.bottom - int(70 * u)
    for k, e in enumerate(shown):
        if y > limit_y - int(28 * u) and k < len(shown) - 1:
            more = f"+ {len(shown) - k} ..."
            surface.blit(text(more, int(22 * u), P.HUD_DIM), (x, y))
            break
        surface.blit(text(f"{e['t']:6.1f} s", int(22 * u), P.HUD_DIM), (x, y))
        surface.blit(
            text(event_warning(e, lang), int(22 * u), (255, 150, 140)), (x + int(90 * u), y)
        )
        y += int(28 * u)
    # The score on the right half.
    rx = panel.x + int(panel.width * 0.48)
    ry = panel.y + int(24 * u)
    col = panel.right - int(32 * u) - rx
    if report is not None:
        passed = bool(report["passed"])
        surface.blit(text(tr("score", lang).upper(), int(20 * u), P.HUD_ACCENT, True), (rx, ry))
        big = text(num(report["score"], 1, lang), int(84 * u), P.HUD_TEXT, True)
        surface.blit(big, (rx, ry + int(22 * u)))
        surface.blit(text("/ 100", int(30 * u), P.HUD_DIM), (rx + big.get_width() + int(10 * u),
                     ry + int(22 * u) + big.get_height() - int(40 * u)))  # fmt: skip
        _pill(surface, tr("passed" if passed else "failed", lang),
              (rx + col - int(110 * u), ry + int(70 * u)), P.HUD_OK if passed else P.HUD_WARN,
              int(30 * u))  # fmt: skip
        ry += int(120 * u)
        for reason in report.get("fail_reasons", [])[:2]:
            for line in wrap(reason.get(lang) or reason.get("id", ""), int(20 * u), col)[:1]:
                surface.blit(text(line, int(20 * u), (255, 150, 140)), (rx, ry))
                ry += int(24 * u)
        ry += int(8 * u)
        for part in report.get("parts", []):
            if not part.get("applicable", True):
                continue
            title = part.get("title")
            name = title.get(lang, part["name"]) if isinstance(title, dict) else part["name"]
            name_w = int(250 * u)
            surface.blit(text(fit(name, int(20 * u), name_w - int(10 * u)), int(20 * u), P.HUD_TEXT),
                         (rx, ry))  # fmt: skip
            bx, bw = rx + name_w, col - name_w - int(44 * u)
            pygame.draw.rect(surface, (50, 60, 80), (bx, ry + 4, bw, int(12 * u)), border_radius=6)
            v = max(0.0, min(100.0, float(part["value"])))
            colour = P.HUD_OK if v >= 75 else P.HUD_ACCENT if v >= 50 else P.HUD_WARN
            if v > 0:
                pygame.draw.rect(surface, colour, (bx, ry + 4, max(6, int(bw * v / 100)), int(12 * u)),
                                 border_radius=6)  # fmt: skip
            surface.blit(text(f"{v:.0f}", int(20 * u), P.HUD_DIM), (bx + bw + int(10 * u), ry))
            ry += int(26 * u)
        ry += int(10 * u)
        findings = sorted(
            report.get("findings", []), key=lambda f: _SEVERITY.get(f.get("severity"), 9)
        )
        if findings:
            surface.blit(text(tr("findings", lang), int(22 * u), P.HUD_ACCENT, True), (rx, ry))
            ry += int(28 * u)
        for f in findings:
            head = (f.get("title") or {}).get(lang) or f.get("kind", "")
            advice = f.get("advice", {}).get(lang) or f.get("advice", {}).get("id", "")
            lines = wrap(advice, int(18 * u), col)
            if len(lines) > 2:
                lines = lines[:2]
                lines[1] = fit(lines[1] + " ...", int(18 * u), col)
            if ry + int(22 * u) + len(lines) * int(21 * u) > limit_y:
                break
            colour = (255, 150, 140) if f.get("severity") == "critical" else P.HUD_TEXT
            surface.blit(text(f"{num(f.get('t', 0.0), 1, lang)} {tr('seconds', lang)}  {head}",
                              int(19 * u), colour, True), (rx, ry))  # fmt: skip
            ry += int(22 * u)
            for line in lines:
                surface.blit(text(line, int(18 * u), (200, 210, 226)), (rx, ry))
                ry += int(21 * u)
            ry += int(6 * u)
    else:
        surface.blit(text(tr("no_score", lang) if not scoring_available else "", int(22 * u),
                          P.HUD_DIM), (rx, ry))  # fmt: skip
    cta = text(tr("press_finish", lang), int(24 * u), P.HUD_ACCENT, True)
    surface.blit(cta, cta.get_rect(midbottom=(panel.centerx, panel.bottom - int(20 * u))))


_SEVERITY = {"critical": 0, "major": 1, "moderate": 2, "minor": 3}
