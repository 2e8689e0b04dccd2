"""The window run: start screen, drive, pause, quit, end screen - driven by posted events."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import numpy as np
import pygame
import pytest

from isdc import telemetry
from isdc.simulator import load_scenario
from isdc.simulator.cli import main
from isdc.simulator.frontend import app
from isdc.simulator.frontend.app import DriveOptions, drive_scenario


def _key(key: int, down: bool = True) -> pygame.event.Event:
    kind = pygame.KEYDOWN if down else pygame.KEYUP
    return pygame.event.Event(kind, key=key, mod=0, unicode="", scancode=0)


def _script(steps: list[tuple[float, pygame.event.Event]]) -> threading.Thread:
    """Post events from another thread, each after its delay (the window loop is running)."""

    def run():
        for delay, ev in steps:
            time.sleep(delay)
            pygame.event.post(ev)

    th = threading.Thread(target=run, daemon=True)
    th.start()
    return th


@pytest.fixture
def fast(monkeypatch):
    """No countdown (tests drive the window in real time)."""
    monkeypatch.setattr(app, "COUNTDOWN", ())
    return DriveOptions(driver="keyboard", countdown=False, show_score=True)


def test_leaving_at_the_start_screen_records_nothing(fast):
    th = _script([(0.4, _key(pygame.K_ESCAPE))])
    assert drive_scenario(load_scenario("emergency_brake"), fast) is None
    th.join(5)


def test_drive_with_the_keyboard_then_quit(fast):
    th = _script([
        (0.4, _key(pygame.K_RETURN)),  # start
        (0.3, _key(pygame.K_UP)),  # throttle held ...
        (1.5, _key(pygame.K_UP, down=False)),
        (0.2, _key(pygame.K_ESCAPE)),  # "end the run?"
        (0.3, _key(pygame.K_RETURN)),  # yes
        (0.6, _key(pygame.K_RETURN)),  # leave the end screen
    ])  # fmt: skip
    tel = drive_scenario(load_scenario("braking_zone"), fast)
    th.join(5)
    assert tel is not None
    assert tel.header["outcome"] == "aborted" and tel.header["driver"] == "keyboard"
    assert tel.events[-1]["kind"] == "aborted" and tel.events[-1]["reason"] == "driver"
    assert float(tel["speed"][0]) < 0.5  # from rest ...
    assert float(np.max(tel["throttle"])) > 0.5  # ... the held key ramped the throttle up ...
    assert float(np.max(tel["speed"])) > 2.0  # ... and the car drove off
    assert 0.8 < tel.duration_s < 4.0  # real time: the run lasted about as long as it was driven


def test_pause_stops_the_clock(fast):
    th = _script([
        (0.4, _key(pygame.K_RETURN)),
        (0.5, _key(pygame.K_p)),  # pause for 1.5 s
        (1.5, _key(pygame.K_p)),
        (0.5, pygame.event.Event(pygame.QUIT)),  # window closed: no end screen
    ])  # fmt: skip
    t0 = time.perf_counter()
    tel = drive_scenario(load_scenario("braking_zone"), fast)
    wall = time.perf_counter() - t0
    th.join(5)
    assert tel is not None and tel.events[-1]["reason"] == "window closed"
    assert tel.duration_s < wall - 1.4  # the paused 1.5 s did not run the simulation


def test_run_command_writes_telemetry_and_summary(fast, tmp_path: Path, capsys):
    out = tmp_path / "run.isdc.npz"
    th = _script([(0.4, _key(pygame.K_RETURN)), (0.8, _key(pygame.K_ESCAPE)),
                  (0.3, _key(pygame.K_RETURN)), (0.5, _key(pygame.K_RETURN))])  # fmt: skip
    rc = main(["run", "school_zone", "--driver", "keyboard", "--out", str(out), "--lang", "en",
               "--trainee", "T-0042"])  # fmt: skip
    th.join(5)
    assert rc == 0
    tel = telemetry.read(out)
    assert tel.header["trainee"] == "T-0042" and tel.header["outcome"] == "aborted"
    printed = capsys.readouterr().out
    assert "Outcome: aborted" in printed and str(out) in printed


def test_wheel_without_a_joystick_is_refused_in_one_line(tmp_path: Path, capsys):
    out = tmp_path / "run.isdc.npz"
    assert main(["run", "school_zone", "--driver", "wheel", "--out", str(out)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "no wheel or gamepad found" in err[0]
    assert not out.exists()


def test_bad_controls_file_is_refused_in_one_line(tmp_path: Path, capsys):
    controls = tmp_path / "controls.toml"
    controls.write_text("[steering]\naxis = 'zero'\n")
    rc = main(["run", "school_zone", "--driver", "wheel", "--controls", str(controls)])
    assert rc == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "steering.axis" in err[0]


def test_keyboard_driver_cannot_run_headless(capsys):
    assert main(["run", "school_zone", "--driver", "keyboard", "--headless"]) == 2
    assert "needs the window" in capsys.readouterr().err


def test_entry_points_stay_functions_after_every_module_is_loaded():
    """The command line calls frontend.run/replay/calibrate; no submodule may shadow them."""
    import importlib
    import pkgutil

    import isdc.simulator.frontend as fe

    for info in pkgutil.iter_modules(fe.__path__):
        importlib.import_module(f"isdc.simulator.frontend.{info.name}")
    for name in ("run", "drive", "replay", "calibrate"):
        assert callable(getattr(fe, name)) and getattr(fe, name).__module__ == fe.__name__
