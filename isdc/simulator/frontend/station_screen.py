"""The station's screens in the bay's window: waiting, the run (the front end's own start screen
and drive), sending, the score summary, and back to waiting.

:class:`BayScreen` is the pygame :class:`~isdc.simulator.station.screens.StationScreen`. It
owns the one window a bay keeps open all day (the drive draws into it too) and its event loop:
station mode never blocks it. Requests to the server run in a worker thread while
:meth:`BayScreen.pump` keeps drawing (``station.background``); the station's pauses (polling,
back-off) are :meth:`BayScreen.wait`, which pumps too. Only the thread that created the window
touches pygame. Everything shown is also written to the terminal (a ``TextScreen``), so the
station's log tells the same story.

Esc on the waiting screen asks "close the station?"; ENTER closes it, and so does closing the
window: both raise :class:`~isdc.simulator.station.screens.LeaveStation` (exit 0; runs not yet
acknowledged stay in the outbox).
"""

from __future__ import annotations

import contextlib
import math
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pygame

from isdc.simulator.frontend import bay_screens
from isdc.simulator.frontend.app import DriveOptions, make_front_driver, open_window
from isdc.simulator.frontend.bay_screens import CONNECTING, OFFLINE, ONLINE, BayState
from isdc.simulator.frontend.screens import draw_end, draw_message, num
from isdc.simulator.frontend.text import tr
from isdc.simulator.station.client import ApiError, Unreachable
from isdc.simulator.station.outbox import Outbox
from isdc.simulator.station.screens import LeaveStation, RunSummary, StationScreen, TextScreen

FPS = 30
# Keys pressed in the last moments of a drive must not skip the score the trainee came for.
SUMMARY_GUARD_S = 1.0
SUMMARY_SECONDS = 20.0
OUTBOX_EVERY_S = 1.0  # how often the outbox folder is counted for the status bar

WAITING, SENDING = "waiting", "sending"


def _enter(ev: pygame.event.Event) -> bool:
    return ev.type == pygame.KEYDOWN and ev.key in (pygame.K_RETURN, pygame.K_KP_ENTER)


def _escape(ev: pygame.event.Event) -> bool:
    return ev.type == pygame.KEYDOWN and ev.key == pygame.K_ESCAPE


class BayScreen:
    """The station's screens in one pygame window (a ``StationScreen``)."""

    def __init__(
        self,
        *,
        lang: str,
        server: str,
        outbox: Outbox,
        fullscreen: bool = False,
        summary_seconds: float = SUMMARY_SECONDS,
        log: StationScreen | None = None,
        now: Callable[[], datetime] = datetime.now,
        clock: Callable[[], float] = time.monotonic,
        fps: int = FPS,
    ):
        self.lang = lang
        self.server = server
        self.outbox = outbox
        self.summary_seconds = summary_seconds
        self.log: StationScreen = log or TextScreen(lang)
        self.now = now
        self.clock = clock
        self.fps = fps
        pygame.display.init()
        pygame.font.init()
        pygame.joystick.init()
        # Open joysticks deliver button presses (a wheel's button ends the summary).
        self._joysticks = [pygame.joystick.Joystick(i) for i in range(pygame.joystick.get_count())]
        self.surface = open_window(tr("app", lang), fullscreen)
        if fullscreen:
            pygame.mouse.set_visible(False)  # a bay is driven, not clicked
        self._ticker = pygame.time.Clock()
        self.mode = WAITING
        self.station: dict[str, Any] | None = None
        self.connection = CONNECTING
        self.retry_at: float | None = None
        self.asking = False  # "close the station?" is up
        self.assignment: dict[str, Any] | None = None
        self._since = clock()
        self._backdrop: pygame.Surface | None = None
        self._outbox_count = 0
        self._outbox_at = -math.inf

    # ------------------------------------------------------------------ StationScreen

    def waiting(self, station: dict[str, Any]) -> None:
        self.log.waiting(station)
        self.station = station
        if self.connection == CONNECTING:
            self.connection = ONLINE  # the station's details came from the server
        self._enter(WAITING)
        self.pump()

    def brief(self, assignment: dict[str, Any]) -> None:
        # The front end's start screen shows the trainee's name and the brief, and waits for
        # the trainee to start: nothing to draw here.
        self.log.brief(assignment)
        self.assignment = assignment

    def driving(self, assignment: dict[str, Any]) -> None:
        self.log.driving(assignment)
        self.assignment = assignment
        self._backdrop = None
        self._enter(SENDING)  # what shows once the drive hands the window back

    def summary(self, assignment: dict[str, Any], result: RunSummary) -> None:
        """The score over the run's last moment, until a key or button, or the time is up."""
        self.log.summary(assignment, result)
        backdrop = self._last_frame()
        started = self.clock()
        self._count_outbox(force=True)
        while (left := self.summary_seconds - (self.clock() - started)) > 0:
            for ev in pygame.event.get():
                if ev.type == pygame.QUIT:
                    raise LeaveStation()
                self._joystick_event(ev)
                pressed = ev.type in (pygame.KEYDOWN, pygame.JOYBUTTONDOWN)
                if pressed and self.clock() - started >= SUMMARY_GUARD_S:
                    left = 0.0
            if left <= 0:
                break
            self.surface.blit(backdrop, (0, 0))
            draw_summary(self.surface, assignment, result, self.lang, left)
            pygame.display.flip()
            self._ticker.tick(self.fps)
        self._enter(WAITING)

    def notice(self, text: str) -> None:
        self.log.notice(text)  # the operator's terminal; the bay shows states, not messages

    def close(self) -> None:
        self.log.close()
        pygame.quit()

    # ------------------------------------------------------------------ the event loop

    def pump(self) -> None:
        """One frame: answer the window's events, draw the current screen, keep the pace."""
        for ev in pygame.event.get():
            self._handle(ev)
        self.draw()
        pygame.display.flip()
        self._ticker.tick(self.fps)

    def wait(self, seconds: float) -> None:
        """The station's pause (polling, back-off), with the window alive throughout."""
        end = self.clock() + seconds
        self.retry_at = end if self.connection == OFFLINE else None
        while self.clock() < end:
            self.pump()

    def observe(self, outcome: ApiError | None) -> None:
        """What the last request found: the server answered (anything), or it did not."""
        if isinstance(outcome, Unreachable):
            self.connection = OFFLINE
            self.retry_at = None
        else:
            self.connection = ONLINE
            self.retry_at = None

    def state(self) -> BayState:
        self._count_outbox()
        now = self.clock()
        return BayState(
            lang=self.lang,
            server=self.server,
            station=self.station,
            connection=self.connection,
            retry_in_s=None if self.retry_at is None else max(0.0, self.retry_at - now),
            outbox=self._outbox_count,
            now=self.now(),
            phase=now - self._since,
        )

    def draw(self) -> None:
        state = self.state()
        if self.mode == SENDING:
            trainee = (self.assignment or {}).get("trainee", {}).get("name")
            bay_screens.draw_sending(self.surface, self._last_frame(), state, trainee)
        else:
            bay_screens.draw_waiting(self.surface, state)
        if self.asking:
            bay_screens.draw_confirm_quit(self.surface, self.lang)

    # ------------------------------------------------------------------ details

    def _handle(self, ev: pygame.event.Event) -> None:
        if ev.type == pygame.QUIT:
            raise LeaveStation()
        self._joystick_event(ev)
        if self.asking:
            if _enter(ev):
                raise LeaveStation()
            if _escape(ev):
                self.asking = False
        elif _escape(ev):
            self.asking = True

    def _joystick_event(self, ev: pygame.event.Event) -> None:
        if ev.type == pygame.JOYDEVICEADDED:
            with contextlib.suppress(pygame.error):  # unplugged again before we got to it
                self._joysticks.append(pygame.joystick.Joystick(ev.device_index))

    def _enter(self, mode: str) -> None:
        self.mode = mode
        self.asking = False
        self._since = self.clock()

    def _last_frame(self) -> pygame.Surface:
        """The run's last moment, as the drive left it in the window."""
        if self._backdrop is None:
            self._backdrop = self.surface.copy()
        return self._backdrop

    def _count_outbox(self, force: bool = False) -> None:
        now = self.clock()
        if force or now - self._outbox_at >= OUTBOX_EVERY_S:
            self._outbox_count = len(self.outbox.pending())
            self._outbox_at = now


def draw_summary(
    surface: pygame.Surface,
    assignment: dict[str, Any],
    result: RunSummary,
    lang: str,
    seconds_left: float,
) -> None:
    """The front end's end screen with the station's result: the server's score and report
    (or the station's own, marked provisional), the trainee's name, when it goes away."""
    scenario = assignment.get("scenario", {})
    title = (scenario.get("title") or {}).get(lang) or scenario.get("id", "")
    trainee = (assignment.get("trainee") or {}).get("name")
    subtitle = f"{tr('trainee', lang)}: {trainee}" if trainee else None
    note = None
    if result.rejected:
        note = tr("bay_rejected", lang)
    elif result.provisional:
        note = tr("bay_provisional", lang)
    footer = tr("bay_back_in", lang).format(n=max(1, math.ceil(seconds_left)))
    report = result.report
    if result.score is not None:
        # The score shown is the one the station was given (the server's when it answered),
        # even when the details come from the station's own report.
        report = {**(report or {}), "score": result.score, "passed": bool(result.passed)}
    tel = result.run
    if tel is None:  # a screen used without the run itself: the score alone
        score = "-" if result.score is None else f"{num(result.score, 1, lang)} / 100"
        draw_message(surface, f"{tr('score', lang)}: {score}", footer)
        return
    route_s = float(tel["route_s"][-1]) if tel.ticks else 0.0
    draw_end(surface, tel.header, tel.events, tel.duration_s, route_s, title, lang, report, True,
             subtitle=subtitle, note=note, footer=footer)  # fmt: skip


def check_controls(driver: str, controls: Any = None) -> None:
    """Refuse a wheel that is missing or a mapping that does not fit it before the station
    takes any work (FrontEndError), not when a trainee is already seated."""
    if driver == "wheel":
        pygame.joystick.init()
        make_front_driver(DriveOptions(driver=driver, controls=controls))


__all__ = ["BayScreen", "check_controls", "draw_summary"]
