"""Station mode (``isdc-sim station``): wait, fetch an assignment, show the brief, drive, keep
the run in the outbox, upload it, show the score, wait for the next - for as long as it runs.

Nothing is lost when the server is away: every run is in the outbox before the first upload
try, assignments already fetched are driven, and the outbox is delivered when the server
answers again (pending files first, before new assignments are fetched).
"""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from isdc import telemetry
from isdc.simulator.scenario import ScenarioError
from isdc.simulator.station.client import StationClient, TokenRefused, Unreachable
from isdc.simulator.station.outbox import Outbox
from isdc.simulator.station.screens import RunSummary, StationScreen
from isdc.simulator.station.uploader import Backoff, Uploader

# What the station does when nothing is assigned: ask again after this many seconds.
POLL_SECONDS = 3.0


class CannotDrive(Exception):
    """An assignment this station cannot drive."""


class StationStopped(Exception):
    """Station mode cannot go on; the message is one line for the operator."""

    def __init__(self, message: str, code: int = 1):
        super().__init__(message)
        self.code = code


@dataclass
class StationConfig:
    driver: str = "autopilot"
    headless: bool = True
    once: bool = False
    poll_seconds: float = POLL_SECONDS
    brief_seconds: float = 0.0
    max_wait: float | None = None  # --once: give up (files kept) after this many seconds
    lang: str = "id"


Drive = Callable[[dict[str, Any], dict[str, Any]], telemetry.Telemetry]


@dataclass
class Station:
    client: StationClient
    outbox: Outbox
    screen: StationScreen
    config: StationConfig
    drive: Drive
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    rng: random.Random = field(default_factory=random.Random)

    def __post_init__(self) -> None:
        self.backoff = Backoff(rng=self.rng)
        self.uploader = Uploader(
            self.client, self.outbox, backoff=self.backoff, sleep=self.sleep, clock=self.clock,
            log=self.screen.notice,
        )  # fmt: skip
        self.deadline = (
            None if self.config.max_wait is None else self.clock() + self.config.max_wait
        )

    def run(self) -> int:
        """Serve assignments until stopped (or, with ``once``, one assignment delivered)."""
        self.outbox.ensure()
        info = self._call(self.client.station)
        self.screen.waiting(info)
        while True:
            self._deliver_waiting_runs()
            assignment = self._call(self.client.next_assignment)
            if assignment is None:
                self._pause(self.config.poll_seconds)
                continue
            try:
                path = self.serve(info, assignment)
            except CannotDrive as exc:
                if self.config.once:
                    raise StationStopped(str(exc)) from None
                self.screen.notice(str(exc))
                continue
            if self.config.once:
                return self._finish(path)
            self.screen.waiting(info)

    def serve(self, info: dict[str, Any], assignment: dict[str, Any]) -> Path:
        """Brief, drive, keep, upload, summary: one assignment."""
        self.screen.brief(assignment)
        if self.config.brief_seconds > 0:
            self.sleep(self.config.brief_seconds)
        self.screen.driving(assignment)
        try:
            tel = self.drive(info, assignment)
        except (ScenarioError, ValueError) as exc:
            # This station's simulator cannot drive it (e.g. an older version without the
            # scenario): say so; the instructor sees the assignment stuck "at the station".
            raise CannotDrive(
                f"cannot drive assignment {assignment.get('assignment_id')}: {exc}"
            ) from None
        path = self.outbox.put(tel.run_id, telemetry.to_bytes(tel))
        try:
            delivery = self.uploader.deliver(path)
        except TokenRefused as exc:
            delivery = None
            self.screen.notice(str(exc))
        if delivery is not None and delivery.answer is not None:
            a = delivery.answer
            self.screen.summary(assignment, RunSummary(a.score, a.passed, a.report_url))
            return path
        score, passed = local_score(tel)
        if delivery is not None and delivery.rejected:
            self.screen.summary(assignment, RunSummary(score, passed, provisional=True,
                                                       rejected=delivery.rejected))  # fmt: skip
        else:
            self.screen.summary(assignment, RunSummary(score, passed, provisional=True, kept=True))
        return path

    def _finish(self, path: Path) -> int:
        """--once: the run must reach the server (or be rejected) before the command ends."""
        rejected = self.outbox.rejected_folder / path.name
        if rejected.exists():
            raise StationStopped(f"the server refused the run; it is in {rejected}")
        if not path.exists():
            return 0
        try:
            self.uploader.drain(self.deadline)
        except TokenRefused as exc:
            raise StationStopped(f"{exc}; the run is kept in {self.outbox.folder}") from None
        if rejected.exists():
            raise StationStopped(f"the server refused the run; it is in {rejected}")
        if path.exists():
            raise StationStopped(
                f"the server did not answer in time; the run is kept in {self.outbox.folder}", 3
            )
        return 0

    def _deliver_waiting_runs(self) -> None:
        if self.outbox.pending():
            try:
                self.uploader.flush()
            except TokenRefused as exc:
                raise StationStopped(str(exc)) from None

    def _call(self, request: Callable[[], Any]) -> Any:
        """A request that waits out an unreachable server with back-off."""
        while True:
            try:
                result = request()
            except TokenRefused as exc:
                raise StationStopped(str(exc)) from None
            except Unreachable as exc:
                delay = self.backoff.next_delay()
                self.screen.notice(f"{exc}; next try in {delay:.0f} s")
                self._pause(delay)
                continue
            self.backoff.reset()
            return result

    def _pause(self, seconds: float) -> None:
        if self.deadline is not None and self.clock() + seconds > self.deadline:
            raise StationStopped("stopped waiting (--max-wait); unsent runs stay in the outbox", 3)
        self.sleep(seconds)


def local_score(tel: telemetry.Telemetry) -> tuple[float | None, bool | None]:
    """The score the station can work out itself, shown while the server has not answered."""
    try:
        from isdc.scoring import score

        report = score(tel)
    except Exception:  # noqa: BLE001 - no rubric here, or an odd run: show no provisional score
        return None, None
    return round(report.score, 1), report.passed


def headless_drive(driver: str) -> Drive:
    """Drive assignments with an autopilot, no window (demos, tests, a bay's self-check)."""
    from isdc.simulator import Simulation, load_scenario, make_driver

    def drive(info: dict[str, Any], assignment: dict[str, Any]) -> telemetry.Telemetry:
        sim = Simulation(
            load_scenario(assignment["scenario"]["id"]),
            assignment["vehicle"],
            int(assignment["seed"]),
            driver=driver,
            run_id=str(uuid.uuid4()),
            started_at=datetime.now(UTC).isoformat(timespec="seconds"),
            station=info.get("name"),
            trainee=assignment["trainee"]["reference"],
            assignment=assignment["assignment_id"],
        )
        return sim.run(make_driver(driver))

    return drive


def window_drive(
    driver: str, lang: str, fullscreen: bool = False, controls: Path | None = None
) -> Drive:
    """Drive assignments in the pygame window with the bay's controls (keyboard or wheel):
    the front end's start screen shows the trainee's name and the brief, then the countdown,
    the drive and its end screen."""
    from isdc.simulator import frontend, load_scenario
    from isdc.simulator.frontend.app import FrontEndError

    def drive(info: dict[str, Any], assignment: dict[str, Any]) -> telemetry.Telemetry:
        try:
            tel = frontend.drive(
                load_scenario(assignment["scenario"]["id"]),
                driver=driver,
                vehicle=assignment["vehicle"],
                seed=int(assignment["seed"]),
                lang=lang,
                fullscreen=fullscreen,
                trainee=assignment["trainee"]["reference"],
                trainee_name=assignment["trainee"]["name"],
                station=info.get("name"),
                run_id=str(uuid.uuid4()),
                started_at=datetime.now(UTC).isoformat(timespec="seconds"),
                assignment=assignment["assignment_id"],
                controls=controls,
            )
        except FrontEndError as exc:
            raise StationStopped(str(exc)) from None
        if tel is None:
            raise CannotDrive("the trainee left the start screen without driving")
        return tel

    return drive
