"""``isdc-sim replay``: a recorded run played back in the view, or one moment of it as a PNG.

How the scene is rebuilt: a telemetry file holds the ego's track and the driver's inputs
(steering, throttle, brake), not the traffic. The simulation is deterministic and applies inputs
at the precision they are recorded with, so the run is re-simulated from its scenario (by id,
variant and version from the header), vehicle and seed, fed the recorded inputs
(:class:`isdc.simulator.replay.Replay`): traffic, pedestrians and lights come back exactly as
they were, and the re-simulated ego is checked against the recorded track every tick. If the
two part (the scenario file or the simulator changed since the run), the view falls back to the
recorded ego alone on the scenario's road and says so, rather than show a world that did not
happen. Recording the whole world instead would make every file several times larger for
something the seed already determines.
"""

from __future__ import annotations

import argparse
import math
import time
from pathlib import Path

import pygame

from isdc import telemetry
from isdc.simulator import cli
from isdc.simulator.frontend import palette as P
from isdc.simulator.frontend.fonts import text
from isdc.simulator.frontend.frames import save_png, warnings_from
from isdc.simulator.frontend.hud import HudState, clock
from isdc.simulator.frontend.renderer import Renderer, Scene
from isdc.simulator.frontend.text import WARNING_KINDS, tr
from isdc.simulator.replay import Replay, ReplayError
from isdc.simulator.vehicle import VEHICLES

SPEEDS = (0.25, 0.5, 1.0, 2.0, 4.0)
SEEK_STEP_S = 5.0
SIZE = (1280, 720)


class ReplayScene:
    """A recording positioned at a moment: the scene to draw and the HUD to show with it."""

    def __init__(self, tel: telemetry.Telemetry):
        self.tel = tel
        try:
            self.replay = Replay(tel)
        except ReplayError as exc:
            raise cli.CliError(str(exc)) from None
        self.layout = self.replay.sim.layout
        self.rate = self.layout.tick_rate
        self.duration = tel.duration_s
        self.vehicle = VEHICLES[tel.header["vehicle"]]
        self.title = {lang: self.replay.scenario.title(lang) for lang in ("id", "en")}

    @property
    def t(self) -> float:
        return self.replay.tick / self.rate

    @property
    def track_only(self) -> bool:
        """True once the re-simulation no longer matches the recording."""
        return self.replay.diverged

    def seek(self, t: float) -> None:
        self.replay.seek(min(max(t, 0.0), self.duration))

    def _row(self) -> int:
        return max(0, min(self.replay.tick - 1, self.tel.ticks - 1))

    def scene(self) -> Scene:
        if not self.track_only:
            return Scene.from_world(self.replay.world)
        k, tel = self._row(), self.tel
        return Scene.ego_only(
            self.t, float(tel["x"][k]), float(tel["y"][k]), float(tel["heading"][k]),
            float(tel["speed"][k]), float(tel["brake"][k]) > 0.05, self.layout,
        )  # fmt: skip

    def hud(self, lang: str, banner: str | None) -> HudState:
        """The HUD as it was at this moment, from the recorded columns."""
        k, tel = self._row(), self.tel
        col = lambda name: float(tel[name][k])  # noqa: E731
        return HudState(
            t=self.t,
            time_limit=self.layout.time_limit_ticks / self.rate,
            speed=col("speed"),
            limit=col("speed_limit"),
            school_zone=col("school_zone") > 0.5,
            steering=col("steering"),
            throttle=col("throttle"),
            brake=col("brake"),
            route_s=col("route_s"),
            route_length=float(tel.header.get("route_length_m") or 0.0),
            title=self.title[lang],
            warnings=warnings_from(tel.events, self.t, lang),
            banner=banner,
            max_speed_kmh=self.vehicle.max_speed * 3.6,
            advisory=self._advisory(),
        )

    def _advisory(self) -> float | None:
        if self.track_only:
            return None  # not recorded; the re-simulated world no longer matches
        w = self.replay.world
        return w.advisory if w.advisory < w.speed_limit - 0.1 else None


# ----------------------------------------------------------------------------- PNG


def check_time(t: float, duration: float) -> None:
    if not math.isfinite(t) or t < 0 or t > duration + 1e-9:
        raise cli.CliError(f"--at {t:g} is outside the run (0 to {duration:.2f} s)")


def render_png(tel: telemetry.Telemetry, t: float, out: Path, lang: str) -> Path:
    """Render the moment ``t`` of a run to ``out`` (PNG, written atomically); no window."""
    check_time(t, tel.duration_s)
    cli._check_writable(out)
    pygame.font.init()
    try:
        rs = ReplayScene(tel)
        rs.seek(t)
        renderer = Renderer(rs.layout, rs.vehicle, SIZE, lang=lang)
        surface = pygame.Surface(SIZE)
        banner = f"{tr('replay', lang)} {clock(rs.t)}.{int(round(rs.t * 10)) % 10}"
        renderer.draw(surface, rs.scene(), hud=rs.hud(lang, banner), snap=True)
        if rs.track_only:
            _notice(surface, tr("replay_track_only", lang))
        try:
            return save_png(surface, out)
        except OSError as exc:
            raise cli.CliError(f"cannot write {out}: {exc.strerror or exc}") from None
    finally:
        pygame.quit()


def _notice(surface: pygame.Surface, message: str) -> None:
    label = text(message, 20, (255, 255, 255), True)
    rect = label.get_rect(midbottom=(surface.get_width() // 2, surface.get_height() - 150))
    pygame.draw.rect(surface, (120, 70, 0), rect.inflate(24, 12), border_radius=8)
    surface.blit(label, rect)


# ----------------------------------------------------------------------------- window


class Timeline:
    """The strip along the bottom: where we are, the events as marks; click to seek."""

    def __init__(self, rect: pygame.Rect, duration: float, events: list[dict]):
        self.rect = rect
        self.duration = max(duration, 1e-6)
        self.events = events

    def x_of(self, t: float) -> int:
        return round(self.rect.x + self.rect.width * min(max(t / self.duration, 0.0), 1.0))

    def t_at(self, x: int) -> float:
        return (x - self.rect.x) / self.rect.width * self.duration

    def draw(self, screen: pygame.Surface, t: float, playing: bool, speed: float, lang: str):
        r = self.rect
        back = r.inflate(24, 58).move(0, -14)
        pygame.draw.rect(screen, P.HUD_BG, back, border_radius=10)
        pygame.draw.rect(screen, (60, 68, 82), r, border_radius=r.height // 2)
        pygame.draw.rect(screen, P.HUD_ACCENT, (r.x, r.y, max(r.height, self.x_of(t) - r.x),
                                                r.height), border_radius=r.height // 2)  # fmt: skip
        for e in self.events:
            x = self.x_of(e["t"])
            colour = (
                P.HUD_WARN if e["kind"] in WARNING_KINDS
                else (120, 190, 255) if e["kind"] == "hazard"
                else P.HUD_OK
            )  # fmt: skip
            pygame.draw.line(screen, colour, (x, r.y - 9), (x, r.bottom + 2), 3)
        pygame.draw.circle(screen, (255, 255, 255), (self.x_of(t), r.centery), r.height)
        state = "||" if playing else ">"
        label = f"{state}  {clock(t)} / {clock(self.duration)}   x{speed:g}"
        screen.blit(text(label, 20, P.HUD_TEXT, True), (r.x, r.y - 34))
        help_line = text(tr("replay_help", lang), 16, P.HUD_DIM)
        screen.blit(help_line, help_line.get_rect(topright=(r.right, r.y - 31)))


def play_window(tel: telemetry.Telemetry, lang: str) -> None:
    rs = ReplayScene(tel)
    pygame.display.init()
    pygame.font.init()
    try:
        try:
            screen = pygame.display.set_mode(SIZE)
        except pygame.error as exc:
            raise cli.CliError(f"cannot open a window ({exc}); use --at T --png OUT") from None
        pygame.display.set_caption(f"{tr('app', lang)} - {tr('replay', lang)} - {rs.title[lang]}")
        renderer = Renderer(rs.layout, rs.vehicle, SIZE, lang=lang)
        timeline = Timeline(pygame.Rect(370, SIZE[1] - 40, 560, 10), rs.duration, tel.events)
        clock_ = pygame.time.Clock()
        playing, speed_i = True, SPEEDS.index(1.0)
        target = 0.0
        snap = True
        last = time.perf_counter()
        while True:
            for ev in pygame.event.get():
                if ev.type == pygame.QUIT:
                    return
                if ev.type == pygame.KEYDOWN:
                    k = ev.key
                    if k in (pygame.K_ESCAPE, pygame.K_q):
                        return
                    if k == pygame.K_SPACE:
                        if not playing and target >= rs.duration - 1e-6:
                            target, snap = 0.0, True  # at the end: play again from the start
                        playing = not playing
                    elif k in (pygame.K_LEFT, pygame.K_RIGHT):
                        target += SEEK_STEP_S if k == pygame.K_RIGHT else -SEEK_STEP_S
                        snap = True
                    elif k in (pygame.K_COMMA, pygame.K_PERIOD):
                        playing = False
                        target += (1 if k == pygame.K_PERIOD else -1) / rs.rate
                    elif k == pygame.K_UP:
                        speed_i = min(speed_i + 1, len(SPEEDS) - 1)
                    elif k == pygame.K_DOWN:
                        speed_i = max(speed_i - 1, 0)
                    elif k == pygame.K_HOME:
                        target, snap = 0.0, True
                    elif k == pygame.K_END:
                        target, snap = rs.duration, True
                    elif k in (pygame.K_PAGEUP, pygame.K_PAGEDOWN):
                        target, snap = _next_event(tel.events, target, k == pygame.K_PAGEDOWN), True
                elif (
                    ev.type == pygame.MOUSEBUTTONDOWN
                    and ev.button == 1
                    and timeline.rect.inflate(0, 30).collidepoint(ev.pos)
                ):
                    target, snap = timeline.t_at(ev.pos[0]), True
            now = time.perf_counter()
            frame = min(now - last, 0.25)
            last = now
            if playing:
                target += frame * SPEEDS[speed_i]
                if target >= rs.duration:
                    target, playing = rs.duration, False
            target = min(max(target, 0.0), rs.duration)
            rs.seek(target)
            banner = f"{tr('replay', lang)} x{SPEEDS[speed_i]:g}"
            renderer.draw(screen, rs.scene(), frame * SPEEDS[speed_i], rs.hud(lang, banner),
                          snap=snap)  # fmt: skip
            snap = False
            if rs.track_only:
                _notice(screen, tr("replay_track_only", lang))
            timeline.draw(screen, rs.t, playing, SPEEDS[speed_i], lang)
            pygame.display.flip()
            clock_.tick(60)
    finally:
        pygame.quit()


def _next_event(events: list[dict], t: float, forward: bool) -> float:
    times = sorted(e["t"] for e in events)
    if forward:
        later = [x for x in times if x > t + 0.05]
        return later[0] if later else t
    earlier = [x for x in times if x < t - 0.5]
    return earlier[-1] if earlier else 0.0


def replay_command(args: argparse.Namespace) -> int:
    tel = telemetry.read(args.file)
    if args.png is not None:
        path = render_png(tel, args.at, args.png, args.lang)
        print(path)
        return 0
    play_window(tel, args.lang)
    return 0
