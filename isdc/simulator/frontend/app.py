"""The simulator window: start screen, countdown, the drive itself, pause, end screen.

The simulation steps at its fixed rate from an accumulator of real time (at most a few ticks per
frame, so a slow frame never makes the car jump); the window draws at the display's pace. The
world only changes through ``Simulation.step``: the renderer and the HUD read it.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pygame

from isdc import telemetry
from isdc.simulator import cli
from isdc.simulator.drivers import make_driver
from isdc.simulator.drivers.base import DriverView
from isdc.simulator.frontend import screens
from isdc.simulator.frontend.frames import hud_from_sim
from isdc.simulator.frontend.keyboard import KeyboardDriver
from isdc.simulator.frontend.mapping import MappingError, WheelMapping, load_mapping
from isdc.simulator.frontend.renderer import Renderer, Scene
from isdc.simulator.frontend.text import tr
from isdc.simulator.frontend.wheel import MappingMismatch, NoJoystick, WheelDriver, open_joystick
from isdc.simulator.scenario import Scenario
from isdc.simulator.simulation import Simulation

WINDOW = (1280, 720)
MAX_STEPS_PER_FRAME = 4  # behind by more than this, the simulation slows rather than jumps
COUNTDOWN = ("3", "2", "1")
COUNTDOWN_STEP_S = 0.6


class FrontEndError(RuntimeError):
    """A problem the user can fix (no display, no joystick, a bad controls file)."""


@dataclass
class DriveOptions:
    driver: str = "keyboard"
    vehicle: str = "car"
    seed: int = 0
    lang: str = "id"
    fullscreen: bool = False
    trainee: str | None = None  # recorded in the telemetry
    trainee_name: str | None = None  # shown on the start screen (default: ``trainee``)
    station: str | None = None
    run_id: str | None = None
    started_at: str | None = None
    assignment: int | str | None = None
    controls: Path | None = None  # wheel mapping file (default location when None)
    show_score: bool = True
    max_fps: int = 60
    countdown: bool = True


# ----------------------------------------------------------------------------- set-up


def open_window(title: str, fullscreen: bool) -> pygame.Surface:
    """The 1280x720 window; full screen scales that picture to the display (same layout on
    every bay's monitor)."""
    flags = pygame.SCALED | pygame.FULLSCREEN if fullscreen else 0
    try:
        screen = pygame.display.set_mode(WINDOW, flags)
    except pygame.error as exc:
        raise FrontEndError(
            f"cannot open a window ({exc}); on a machine without a screen use --headless "
            "with --driver autopilot"
        ) from None
    pygame.display.set_caption(title)
    return screen


def make_front_driver(opts: DriveOptions) -> Any:
    if opts.driver == "keyboard":
        return KeyboardDriver()
    if opts.driver == "wheel":
        try:
            mapping = load_mapping(opts.controls)
        except MappingError as exc:
            raise FrontEndError(str(exc)) from None
        try:
            return WheelDriver(open_joystick(mapping), mapping)
        except (NoJoystick, MappingMismatch) as exc:
            raise FrontEndError(str(exc)) from None
    return make_driver(opts.driver)


def _confirm(ev: pygame.event.Event, mapping: WheelMapping | None) -> bool:
    if ev.type == pygame.KEYDOWN:
        return ev.key in (pygame.K_RETURN, pygame.K_KP_ENTER)
    if ev.type == pygame.JOYBUTTONDOWN and mapping is not None:
        return mapping.button_action(ev.button) == "confirm"
    return False


def _back(ev: pygame.event.Event, mapping: WheelMapping | None) -> bool:
    if ev.type == pygame.KEYDOWN:
        return ev.key == pygame.K_ESCAPE
    if ev.type == pygame.JOYBUTTONDOWN and mapping is not None:
        return mapping.button_action(ev.button) == "back"
    return False


def _pause_key(ev: pygame.event.Event, mapping: WheelMapping | None) -> bool:
    if ev.type == pygame.KEYDOWN:
        return ev.key == pygame.K_p
    if ev.type == pygame.JOYBUTTONDOWN and mapping is not None:
        return mapping.button_action(ev.button) == "pause"
    return False


# ----------------------------------------------------------------------------- the run


class Session:
    """One run in the window, from the start screen to the end screen."""

    def __init__(self, scenario: Scenario, opts: DriveOptions, screen: pygame.Surface, driver):
        self.scenario = scenario
        self.opts = opts
        self.screen = screen
        self.driver = driver
        self.mapping: WheelMapping | None = getattr(driver, "mapping", None)
        self.sim = Simulation(
            scenario, opts.vehicle, opts.seed, driver=opts.driver, run_id=opts.run_id,
            started_at=opts.started_at, station=opts.station, trainee=opts.trainee,
            assignment=opts.assignment,
        )  # fmt: skip
        self.view = DriverView(self.sim)
        self.renderer = Renderer(
            scenario.layout, self.sim.world.vehicle, screen.get_size(), lang=opts.lang
        )
        self.clock = pygame.time.Clock()
        self.closed = False  # the window was closed: leave without the end screen

    def _forward(self, ev: pygame.event.Event) -> None:
        handle = getattr(self.driver, "handle_event", None)
        if handle is not None:
            handle(ev)

    def start_screen(self) -> bool:
        """Show the brief until the trainee starts (True) or leaves (False)."""
        o = self.opts
        lay = self.scenario.layout
        info = screens.StartInfo(
            title=self.scenario.title(o.lang),
            brief=self.scenario.brief(o.lang),
            trainee=o.trainee_name or o.trainee,
            vehicle=o.vehicle,
            weather=lay.weather,
            light=lay.light,
            visibility_m=lay.visibility,
            time_limit_s=lay.time_limit_ticks / lay.tick_rate,
            driver=o.driver if o.driver in ("keyboard", "wheel") else "autopilot",
            lang=o.lang,
        )
        shown = 0.0
        while True:
            for ev in pygame.event.get():
                if ev.type == pygame.QUIT or _back(ev, self.mapping):
                    return False
                if _confirm(ev, self.mapping):
                    return True
            screens.draw_start(self.screen, info, lay, blink=int(shown / 0.6) % 2 == 0)
            pygame.display.flip()
            shown += self.clock.tick(30) / 1000.0

    def _frame(self, dt: float) -> None:
        self.renderer.draw(
            self.screen,
            Scene.from_world(self.sim.world),
            dt,
            hud_from_sim(self.sim, self.opts.lang),
        )

    def countdown(self) -> bool:
        show = self.opts.countdown and COUNTDOWN
        labels = [*COUNTDOWN, tr("countdown_go", self.opts.lang)] if show else []
        for label in labels:
            t_end = time.perf_counter() + COUNTDOWN_STEP_S
            while time.perf_counter() < t_end:
                for ev in pygame.event.get():
                    if ev.type == pygame.QUIT:
                        self.closed = True
                        return False
                    self._forward(ev)  # keys pressed during the countdown count when it ends
                self._frame(0.0)
                screens.draw_countdown(self.screen, label)
                pygame.display.flip()
                self.clock.tick(self.opts.max_fps)
        return True

    def drive(self) -> None:
        """Drive until the run ends: goal, time limit, collision, or the trainee stops it."""
        sim, lang = self.sim, self.opts.lang
        dt = 1.0 / sim.layout.tick_rate
        acc = 0.0
        paused = asking = False
        last = time.perf_counter()
        while not sim.done:
            for ev in pygame.event.get():
                if ev.type == pygame.QUIT:
                    sim.abort("window closed")
                    self.closed = True
                    return
                if asking:  # "end the run?"
                    if _confirm(ev, self.mapping) or (
                        ev.type == pygame.KEYDOWN and ev.key == pygame.K_q
                    ):
                        sim.abort("driver")
                        return
                    if _back(ev, self.mapping):
                        asking = False
                elif _back(ev, self.mapping):
                    asking = True
                elif _pause_key(ev, self.mapping):
                    paused = not paused
                elif paused and _confirm(ev, self.mapping):
                    paused = False
                elif paused and ev.type == pygame.KEYDOWN and ev.key == pygame.K_q:
                    asking = True
                elif ev.type == pygame.JOYDEVICEREMOVED and self.opts.driver == "wheel":
                    paused = True  # the wheel came loose: stop before the car runs away
                elif ev.type == pygame.JOYDEVICEADDED and self.opts.driver == "wheel":
                    with contextlib.suppress(NoJoystick, pygame.error):
                        self.driver.joystick = open_joystick(self.mapping)  # plugged back in
                self._forward(ev)
            now = time.perf_counter()
            frame = min(now - last, 0.25)
            last = now
            if not (paused or asking):
                acc += frame
                steps = 0
                while acc >= dt and not sim.done and steps < MAX_STEPS_PER_FRAME:
                    sim.step(self.driver.act(self.view))
                    acc -= dt
                    steps += 1
                if steps == MAX_STEPS_PER_FRAME:
                    acc = min(acc, dt)
            self._frame(0.0 if paused or asking else frame)
            if asking:
                screens.draw_message(self.screen, tr("paused", lang), tr("quit_confirm", lang))
            elif paused:
                screens.draw_message(self.screen, tr("paused", lang), tr("pause_help", lang))
            pygame.display.flip()
            self.clock.tick(self.opts.max_fps)

    def end_screen(self, tel: telemetry.Telemetry, report: dict | None, available: bool) -> None:
        o = self.opts
        self._frame(0.0)
        last_frame = self.screen.copy()
        route_s = float(tel["route_s"][-1]) if tel.ticks else 0.0
        while True:
            for ev in pygame.event.get():
                if ev.type == pygame.QUIT or _confirm(ev, self.mapping) or _back(ev, self.mapping):
                    return
            self.screen.blit(last_frame, (0, 0))
            screens.draw_end(self.screen, tel.header, tel.events, tel.duration_s, route_s,
                             self.scenario.title(o.lang), o.lang, report, available)  # fmt: skip
            pygame.display.flip()
            self.clock.tick(30)


def score_report(tel: telemetry.Telemetry) -> tuple[dict | None, bool]:
    """(the score report as JSON data or None, whether the scoring engine is installed)."""
    try:
        import isdc.scoring as scoring
    except ModuleNotFoundError:
        return None, False
    try:
        return scoring.score(tel).to_dict(), True
    except scoring.RubricError:
        return None, True  # a scenario without a rubric (an instructor's own file)


def drive_scenario(scenario: Scenario, opts: DriveOptions) -> telemetry.Telemetry | None:
    """Run ``scenario`` in the window; its telemetry, or None when the trainee left at the start."""
    # Only what a run uses: no audio device is opened (stations may have none).
    pygame.display.init()
    pygame.font.init()
    pygame.joystick.init()
    try:
        driver = make_front_driver(opts)  # no joystick: refused before any window opens
        screen = open_window(
            f"{tr('app', opts.lang)} - {scenario.title(opts.lang)}", opts.fullscreen
        )
        session = Session(scenario, opts, screen, driver)
        if not session.start_screen():
            return None
        pygame.event.clear()
        session.driver.reset(session.view)
        if session.countdown():
            session.drive()
        else:
            session.sim.abort("window closed")
        tel = session.sim.telemetry()
        if not session.closed:
            report, available = score_report(tel) if opts.show_score else (None, True)
            session.end_screen(tel, report, available)
        return tel
    finally:
        pygame.quit()


def run_command(args: argparse.Namespace, scenario: Scenario) -> int:
    """``isdc-sim run S`` with a window."""
    opts = DriveOptions(
        driver=args.driver or "keyboard",
        vehicle=args.vehicle,
        seed=args.seed,
        lang=args.lang,
        fullscreen=args.fullscreen,
        trainee=args.trainee,
        station=args.station,
        run_id=args.run_id,
        started_at=args.started_at,
        controls=getattr(args, "controls", None),
    )
    try:
        tel = drive_scenario(scenario, opts)
    except FrontEndError as exc:
        raise cli.CliError(str(exc)) from None
    if tel is None:
        print(f"{cli.PROG} run: {'no run recorded' if args.lang == 'en' else 'tidak ada rekaman'}"
              f" ({'left at the start screen' if args.lang == 'en' else 'keluar di layar awal'})",
              file=sys.stderr)  # fmt: skip
        return 0
    cli.print_summary(tel, scenario.title(args.lang), args.lang)
    if args.out is not None:
        try:
            path = telemetry.write(args.out, tel)
        except OSError as exc:
            raise cli.CliError(f"cannot write {args.out}: {exc.strerror or exc}") from None
        print(f"{cli.MESSAGES['saved'][args.lang]}: {path}")
    if args.score:
        sys.stdout.write(cli.format_score(tel, args.lang).rstrip("\n") + "\n")
    return 0


__all__ = ["DriveOptions", "FrontEndError", "drive_scenario", "run_command"]
