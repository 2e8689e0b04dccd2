"""Station mode in the bay's window (SDL dummy driver): one assignment from waiting to the
summary and back, uploaded once; the window answering while the server hangs or is away;
leaving with Esc or by closing the window; the summary's timing."""

from __future__ import annotations

import socket
import threading
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import pygame
import pytest

from isdc import telemetry
from isdc.simulator.cli import main
from isdc.simulator.frontend import app
from isdc.simulator.frontend.bay_screens import OFFLINE, ONLINE
from isdc.simulator.frontend.station_screen import BayScreen
from isdc.simulator.station.background import BackgroundClient
from isdc.simulator.station.client import Unreachable, UploadAnswer
from isdc.simulator.station.mode import (
    CannotDrive,
    Station,
    StationConfig,
    local_report,
    window_drive,
)
from isdc.simulator.station.outbox import Outbox
from isdc.simulator.station.screens import LeaveStation, RunSummary
from tests.runs.helpers import run_bytes

INFO = {"name": "SIM-01", "bay": "Bay Simulator 1", "site": "ISDC Serpong"}
ASSIGNMENT = {
    "assignment_id": 7,
    "trainee": {"id": 3, "name": "Budi Santoso", "reference": "3"},
    "scenario": {
        "id": "braking_zone",
        "version": 1,
        "title": {"id": "Zona pengereman", "en": "Braking zone"},
        "brief": {"id": "Latihan pengereman.", "en": "Braking exercise."},
    },
    "vehicle": "car",
    "seed": 3,
}


def _key(key: int) -> pygame.event.Event:
    return pygame.event.Event(pygame.KEYDOWN, key=key, mod=0, unicode="", scancode=0)


class Calls:
    """A StationScreen that only notes which screen the station asked for, in order."""

    def __init__(self) -> None:
        self.names: list[str] = []
        self.summaries: list[RunSummary] = []

    def waiting(self, station: dict[str, Any]) -> None:
        self.names.append("waiting")

    def brief(self, assignment: dict[str, Any]) -> None:
        self.names.append("brief")

    def driving(self, assignment: dict[str, Any]) -> None:
        self.names.append("driving")

    def summary(self, assignment: dict[str, Any], result: RunSummary) -> None:
        self.names.append("summary")
        self.summaries.append(result)

    def notice(self, text: str) -> None:
        self.names.append(f"notice: {text}")

    def close(self) -> None:
        pass


class FakeServer:
    """The API as a station sees it: one assignment, then none; each run stored once."""

    def __init__(
        self, assignments: list[dict[str, Any]] | None = None, down: bool = False,
        latency: float = 0.1,
    ):  # fmt: skip
        self.assignments = list(assignments or [])
        self.down = down
        self.latency = latency
        self.uploads: list[str] = []
        self.runs: list[telemetry.Telemetry] = []
        self.stored: dict[str, UploadAnswer] = {}

    def _reachable(self) -> None:
        if self.down:
            raise Unreachable("cannot reach the server (connection failed)")

    def station(self) -> dict[str, Any]:
        self._reachable()
        return dict(INFO)

    def next_assignment(self) -> dict[str, Any] | None:
        self._reachable()
        return self.assignments.pop(0) if self.assignments else None

    def upload(self, data: bytes) -> UploadAnswer:
        self._reachable()
        time.sleep(self.latency)  # storing and scoring on the server: the bay shows "sending"
        run = telemetry.read(data)
        run_id = run.run_id
        self.uploads.append(run_id)
        self.runs.append(run)
        if run_id not in self.stored:
            self.stored[run_id] = UploadAnswer(run_id, 88.5, True, f"http://x/r/{run_id}", False)
        return self.stored[run_id]

    def report(self, run_id: str) -> dict[str, Any]:
        self._reachable()
        return {"score": 88.5, "passed": True, "parts": [], "findings": [], "server": True}


@pytest.fixture
def bay(tmp_path: Path):
    calls = Calls()
    screen = BayScreen(
        lang="en",
        server="http://10.0.0.5:5000",
        outbox=Outbox(tmp_path / "outbox"),
        summary_seconds=0.3,
        log=calls,
        now=lambda: datetime(2026, 11, 27, 14, 5),
        fps=120,
    )
    screen.outbox.ensure()
    screen.calls = calls  # type: ignore[attr-defined]
    yield screen
    screen.close()


def script_frames(monkeypatch, bay: BayScreen, steps: dict[int, pygame.event.Event]) -> list:
    """Post ``steps[n]`` on the window's own thread before frame n; the frames' states."""
    seen: list = []
    pump = bay.pump

    def scripted() -> None:
        if len(seen) in steps:
            pygame.event.post(steps[len(seen)])
        seen.append((bay.mode, bay.connection, bay.asking))
        pump()

    monkeypatch.setattr(bay, "pump", scripted)
    return seen


@pytest.fixture
def quick_front_end(monkeypatch):
    """The front end's drive against a fast clock: each frame is a quarter second of driving,
    so the real autopilot drives the whole scenario in a couple of seconds."""

    class Fast:
        now = 0.0

        def perf_counter(self) -> float:
            Fast.now += 0.25
            return Fast.now

    monkeypatch.setattr(app, "time", Fast())
    monkeypatch.setattr(app, "MAX_STEPS_PER_FRAME", 16)


# ----------------------------------------------------------------------------- one assignment


def test_one_assignment_waiting_brief_drive_summary_waiting_uploaded_once(
    bay, monkeypatch, quick_front_end
) -> None:
    server = FakeServer([ASSIGNMENT])
    drive = window_drive("autopilot", "en", window=bay.surface)
    drawn: list[str] = []
    draw = bay.draw
    monkeypatch.setattr(bay, "draw", lambda: (drawn.append(bay.mode), draw())[1])

    def trainee_presses_enter(info, assignment):  # type: ignore[no-untyped-def]
        pygame.event.post(_key(pygame.K_RETURN))  # on the front end's start screen (the brief)
        return drive(info, assignment)

    def sleep(seconds: float) -> None:  # the station's pause between polls
        if "summary" in bay.calls.names:
            pygame.event.post(pygame.event.Event(pygame.QUIT))  # the operator closes the bay
        bay.wait(seconds)

    station = Station(
        client=BackgroundClient(server, bay.pump, bay.observe),
        outbox=bay.outbox,
        screen=bay,
        config=StationConfig(driver="autopilot", headless=False, poll_seconds=0.05),
        drive=trainee_presses_enter,
        sleep=sleep,
    )
    with pytest.raises(LeaveStation):
        station.run()
    assert bay.calls.names == ["waiting", "brief", "driving", "summary", "waiting"]
    assert "sending" in drawn and drawn[-1] == "waiting"
    assert len(server.uploads) == 1 and bay.outbox.pending() == []
    result = bay.calls.summaries[0]
    assert result.score == 88.5 and result.passed and not result.provisional
    assert result.report is not None and result.report.get("server")  # the server's report
    run = result.run
    assert run is not None and run.header["outcome"] == "completed"
    assert run.header["driver"] == "autopilot" and run.header["trainee"] == "3"
    assert run.header["assignment"] == 7 and run.header["station"] == "SIM-01"
    assert bay.connection == ONLINE


def test_a_run_driven_while_the_server_is_away_shows_a_provisional_score_and_is_kept(
    bay, tmp_path
) -> None:
    server = FakeServer([ASSIGNMENT])
    data = run_bytes(assignment=7, trainee=3, run_id="5b0e7c1e-0000-4000-8000-000000000001")

    def drive(info, assignment):  # type: ignore[no-untyped-def]
        server.down = True  # the cable is pulled while the trainee drives
        return telemetry.read(data)

    station = Station(
        client=BackgroundClient(server, bay.pump, bay.observe),
        outbox=bay.outbox,
        screen=bay,
        config=StationConfig(headless=False),
        drive=drive,
    )
    station.serve(INFO, ASSIGNMENT)
    result = bay.calls.summaries[0]
    assert result.provisional and result.kept and result.score is not None
    assert result.report == local_report(telemetry.read(data))
    assert len(bay.outbox.pending()) == 1 and server.uploads == []
    assert bay.connection == OFFLINE
    assert bay.state().outbox == 1


def test_without_the_servers_report_the_station_shows_its_own_details_with_the_servers_score(
    bay, monkeypatch
) -> None:
    server = FakeServer([ASSIGNMENT])

    def no_report(run_id: str) -> dict[str, Any]:
        raise Unreachable("the server answered 503 (busy)")

    monkeypatch.setattr(server, "report", no_report)
    tel = telemetry.read(run_bytes(driver="autopilot-aggressive", assignment=7))
    shown = []
    monkeypatch.setattr(
        "isdc.simulator.frontend.station_screen.draw_end",
        lambda *args, **kwargs: shown.append(args[7]),  # the report the end screen draws
    )
    station = Station(
        client=BackgroundClient(server, bay.pump, bay.observe),
        outbox=bay.outbox,
        screen=bay,
        config=StationConfig(headless=False),
        drive=lambda info, assignment: tel,
    )
    station.serve(INFO, ASSIGNMENT)
    result = bay.calls.summaries[0]
    own = local_report(tel)
    assert not result.provisional and result.report == own  # details: the station's own
    assert shown and shown[0]["score"] == 88.5 and shown[0]["passed"] is True  # the server's
    assert shown[0]["findings"] == own["findings"] and own["score"] != 88.5


def test_an_assignment_the_bay_cannot_drive_goes_back_to_waiting(tmp_path) -> None:
    calls = Calls()
    server = FakeServer([ASSIGNMENT, {**ASSIGNMENT, "assignment_id": 8}])

    class Stop(Exception):
        pass

    def drive(info, assignment):  # type: ignore[no-untyped-def]
        if assignment["assignment_id"] == 7:
            raise CannotDrive("the trainee left the start screen without driving")
        return telemetry.read(run_bytes(assignment=8))

    def sleep(seconds: float) -> None:
        raise Stop()  # nothing more to fetch: the test is over

    station = Station(server, Outbox(tmp_path), calls, StationConfig(), drive, sleep=sleep)
    with pytest.raises(Stop):
        station.run()
    assert calls.names == [
        "waiting", "brief", "driving",
        "notice: the trainee left the start screen without driving", "waiting",
        "brief", "driving", "summary", "waiting",
    ]  # fmt: skip
    assert len(server.uploads) == 1


# ----------------------------------------------------------------------------- responsive


def test_the_window_answers_while_a_request_hangs(bay, monkeypatch) -> None:
    """A server that accepts the connection and never answers: Esc, then ENTER, still close
    the station at once; the request is left behind in its worker thread."""
    release = threading.Event()

    class Hanging:
        def station(self) -> dict[str, Any]:
            release.wait(30)
            return dict(INFO)

    frames = script_frames(monkeypatch, bay, {5: _key(pygame.K_ESCAPE), 10: _key(pygame.K_RETURN)})
    client = BackgroundClient(Hanging(), bay.pump, bay.observe)  # type: ignore[arg-type]
    started = time.monotonic()
    try:
        with pytest.raises(LeaveStation):
            client.station()
        assert time.monotonic() - started < 5
        assert not release.is_set() and len(frames) >= 10
        assert any(asking for _, _, asking in frames)  # "close the station?" was on screen
    finally:
        release.set()


def test_escape_twice_cancels_closing(bay, monkeypatch) -> None:
    frames = script_frames(monkeypatch, bay, {1: _key(pygame.K_ESCAPE), 3: _key(pygame.K_ESCAPE)})
    bay.wait(0.1)
    assert [asking for _, _, asking in frames[:6]] == [False, False, True, True, False, False]
    assert not bay.asking


def test_with_the_server_unreachable_the_bay_keeps_drawing_and_counts_down(
    bay, monkeypatch
) -> None:
    """The station retries with back-off; every wait is frames of the window (events pumped,
    the countdown shown) and closing the window ends it cleanly."""
    server = FakeServer(down=True)
    bay.outbox.put("a", run_bytes())
    bay.outbox.put("b", run_bytes())
    states = []
    draw = bay.draw

    def noting_draw() -> None:
        states.append(bay.state())
        draw()

    monkeypatch.setattr(bay, "draw", noting_draw)
    frames = script_frames(monkeypatch, bay, {40: pygame.event.Event(pygame.QUIT)})
    station = Station(
        client=BackgroundClient(server, bay.pump, bay.observe),
        outbox=bay.outbox,
        screen=bay,
        config=StationConfig(headless=False),
        drive=lambda info, assignment: pytest.fail("nothing to drive"),
        sleep=bay.wait,
    )
    station.backoff.base = 0.3
    with pytest.raises(LeaveStation):
        station.run()
    assert len(frames) == 41
    offline = [s for s in states if s.connection == OFFLINE]
    assert offline and all(s.station is None for s in offline)  # never reached: connecting
    countdown = [s.retry_in_s for s in offline if s.retry_in_s is not None]
    assert len(countdown) > 4 and countdown[0] > countdown[3]  # counting down, frame by frame
    assert all(s.outbox == 2 for s in states)


# ----------------------------------------------------------------------------- the summary


def _summary_result() -> RunSummary:
    tel = telemetry.read(run_bytes())
    report = local_report(tel)
    return RunSummary(88.5, True, "u", report=report, run=tel)


def test_the_summary_goes_when_its_time_is_up(bay) -> None:
    started = time.monotonic()
    bay.summary(ASSIGNMENT, _summary_result())
    assert 0.25 < time.monotonic() - started < 3 and bay.mode == "waiting"


def test_a_key_ends_the_summary_but_not_one_pressed_as_the_run_ended(bay) -> None:
    bay.summary_seconds = 30.0
    pygame.event.post(_key(pygame.K_UP))  # still mashing the keys from the drive
    pressed_late = threading.Timer(1.3, pygame.event.post, [_key(pygame.K_SPACE)])
    started = time.monotonic()
    pressed_late.start()
    bay.summary(ASSIGNMENT, _summary_result())
    assert 1.2 < time.monotonic() - started < 5


def test_a_wheel_button_ends_the_summary(bay) -> None:
    bay.summary_seconds = 30.0
    button = pygame.event.Event(pygame.JOYBUTTONDOWN, button=3, joy=0, instance_id=0)
    threading.Timer(1.2, pygame.event.post, [button]).start()
    started = time.monotonic()
    bay.summary(ASSIGNMENT, _summary_result())
    assert time.monotonic() - started < 5


def test_closing_the_window_on_the_summary_leaves_the_station(bay) -> None:
    bay.summary_seconds = 30.0
    pygame.event.post(pygame.event.Event(pygame.QUIT))
    with pytest.raises(LeaveStation):
        bay.summary(ASSIGNMENT, _summary_result())


def test_closing_the_window_during_the_drive_keeps_the_run_and_leaves(
    bay, monkeypatch, quick_front_end
) -> None:
    """The run ends as 'window closed'; the station keeps it in the outbox (or the server has
    it) and then leaves cleanly instead of showing a summary to an empty room."""
    server = FakeServer([ASSIGNMENT])
    drive = window_drive("autopilot", "en", window=bay.surface)

    def close_during_drive(info, assignment):  # type: ignore[no-untyped-def]
        pygame.event.post(_key(pygame.K_RETURN))
        threading.Timer(0.3, pygame.event.post, [pygame.event.Event(pygame.QUIT)]).start()
        return drive(info, assignment)

    station = Station(
        client=BackgroundClient(server, bay.pump, bay.observe),
        outbox=bay.outbox,
        screen=bay,
        config=StationConfig(headless=False, poll_seconds=0.05),
        drive=close_during_drive,
        sleep=bay.wait,
    )
    with pytest.raises(LeaveStation):
        station.run()
    runs = server.runs + [telemetry.read(p) for p in bay.outbox.pending()]
    assert len(runs) == 1
    assert runs[0].header["outcome"] == "aborted"
    assert runs[0].events_of("aborted")[0]["reason"] == "window closed"


# ----------------------------------------------------------------------------- the command


@pytest.fixture
def hanging_server():
    """A server that takes connections and never answers (a hung back office)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    listener.close()


def test_esc_and_enter_close_the_station_command_with_exit_0(hanging_server, tmp_path, capsys):
    Outbox(tmp_path).put("left-over", run_bytes())
    threading.Timer(1.0, pygame.event.post, [_key(pygame.K_ESCAPE)]).start()
    threading.Timer(1.4, pygame.event.post, [_key(pygame.K_RETURN)]).start()
    started = time.monotonic()
    code = main(["station", "--server", hanging_server, "--token", "t0k3n", "--outbox",
                 str(tmp_path), "--lang", "en"])  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0 and time.monotonic() - started < 10
    assert "Station closed; 1 run(s) wait in" in out
    assert len(Outbox(tmp_path).pending()) == 1  # nothing lost


def test_a_missing_wheel_is_refused_before_any_work_is_taken(tmp_path, capsys):
    code = main(["station", "--server", "http://127.0.0.1:9", "--token", "t", "--driver",
                 "wheel", "--outbox", str(tmp_path)])  # fmt: skip
    err = capsys.readouterr().err
    assert code == 1 and len(err.strip().splitlines()) == 1
    assert "no wheel or gamepad found" in err
