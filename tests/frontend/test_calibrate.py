"""Calibration: the steps find the axes, directions, dead zones and buttons; the file is saved."""

from __future__ import annotations

from pathlib import Path

import pygame
import pytest

from isdc.simulator.cli import main
from isdc.simulator.frontend import calibration as C
from isdc.simulator.frontend.calibration import Calibrator, run_calibration
from isdc.simulator.frontend.mapping import load_mapping

from .conftest import FakeJoystick


class ScriptedWheel(FakeJoystick):
    """A wheel whose axes show what the person does at each calibration step."""

    # axis 0 wheel (+ is right), axes 2 and 3 pedals reading +1 released and -1 pressed.
    POSES = {
        "rest": [0.01, 0.0, 1.0, 1.0],
        "left": [-0.97, 0.0, 1.0, 1.0],
        "right": [0.98, 0.0, 1.0, 1.0],
        "throttle": [0.0, 0.0, -1.0, 1.0],
        "brake": [0.0, 0.0, 1.0, -0.96],
    }

    def __init__(self):
        super().__init__("Logitech G29 Driving Force Racing Wheel", axes=4, buttons=12)
        self.cal: Calibrator | None = None

    def get_axis(self, i: int) -> float:
        step = self.cal.step if self.cal is not None else "rest"
        return self.POSES.get(step, self.POSES["rest"])[i]


def _key(key: int) -> pygame.event.Event:
    return pygame.event.Event(pygame.KEYDOWN, key=key, mod=0, unicode="", scancode=0)


def _button(b: int) -> pygame.event.Event:
    return pygame.event.Event(pygame.JOYBUTTONDOWN, button=b, joy=0, instance_id=0)


ENTER = pygame.K_RETURN


def _complete(cal: Calibrator) -> None:
    for ev in (_key(ENTER), _key(ENTER), _key(ENTER), _key(ENTER), _key(ENTER),
               _button(3), _button(1), _key(ENTER), _key(ENTER)):  # fmt: skip
        cal.handle(ev, "en")


def test_steps_find_a_wheel_with_inverted_pedals(pg):
    js = ScriptedWheel()
    cal = Calibrator(js)
    js.cal = cal
    _complete(cal)
    assert cal.saved
    m = cal.mapping(js.get_name())
    assert m.device.startswith("Logitech G29")
    assert (m.steering.axis, m.steering.invert) == (0, False)
    assert (m.steering.low, m.steering.high) == (-0.97, 0.98)
    assert (m.throttle.axis, m.throttle.invert) == (2, True)
    assert (m.brake.axis, m.brake.invert) == (3, True)
    assert m.buttons == {"confirm": 3, "back": 1}
    # The mapping reads the device as the person moved it.
    assert m.steering.value(-0.97) == pytest.approx(1.0)  # full left
    assert m.throttle.value_from_axis(-1.0) == 1.0 and m.throttle.value_from_axis(1.0) == 0.0


def test_wheel_turning_the_other_way_is_inverted(pg):
    js = ScriptedWheel()
    js.POSES = {**ScriptedWheel.POSES, "left": [0.97, 0, 1, 1], "right": [-0.97, 0, 1, 1]}
    cal = Calibrator(js)
    js.cal = cal
    _complete(cal)
    m = cal.mapping(js.get_name())
    assert m.steering.invert is True
    assert m.steering.value(0.97) == pytest.approx(1.0)  # the raw "high" end is now left


def test_nothing_moved_asks_again(pg):
    js = ScriptedWheel()
    js.POSES = {**ScriptedWheel.POSES, "left": ScriptedWheel.POSES["rest"],
                "right": ScriptedWheel.POSES["rest"]}  # fmt: skip
    cal = Calibrator(js)
    js.cal = cal
    for _ in range(3):
        cal.handle(_key(ENTER), "en")
    assert cal.step == "left" and "No axis moved" in (cal.problem or "")


def test_escape_cancels(pg):
    cal = Calibrator(ScriptedWheel())
    cal.handle(_key(pygame.K_ESCAPE))
    assert cal.cancelled and not cal.saved


def test_calibration_window_saves_a_mapping(pg, tmp_path: Path):
    js = ScriptedWheel()
    cal = Calibrator(js)
    js.cal = cal
    for ev in (_key(ENTER), _key(ENTER), _key(ENTER), _key(ENTER), _key(ENTER),
               _button(3), _key(ENTER), _key(ENTER), _key(ENTER)):  # fmt: skip
        pygame.event.post(ev)
    screen = pygame.display.set_mode((1280, 720))
    mapping = run_calibration(screen, js, "id", max_frames=200, calibrator=cal)
    assert mapping is not None and mapping.buttons == {"confirm": 3}


def test_calibrate_command_saves_atomically(pg, tmp_path: Path, monkeypatch, capsys):
    js = ScriptedWheel()
    monkeypatch.setattr(pygame.joystick, "get_count", lambda: 1)
    monkeypatch.setattr(pygame.joystick, "Joystick", lambda i: js)

    def scripted(screen, joystick, lang, max_frames=None, calibrator=None):
        cal = Calibrator(joystick)
        js.cal = cal
        _complete(cal)
        return cal.mapping(joystick.get_name())

    monkeypatch.setattr(C, "run_calibration", scripted)
    path = tmp_path / "bay1" / "controls.toml"
    assert main(["calibrate", "--controls", str(path)]) == 0
    assert capsys.readouterr().out.strip() == str(path)
    assert load_mapping(path).throttle.axis == 2
    assert [p.name for p in path.parent.iterdir()] == ["controls.toml"]


def test_calibrate_without_a_joystick_or_cancelled(pg, tmp_path: Path, monkeypatch, capsys):
    path = tmp_path / "controls.toml"
    assert main(["calibrate", "--controls", str(path)]) == 1  # the dummy driver has none
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "no wheel or gamepad found" in err[0]
    monkeypatch.setattr(pygame.joystick, "get_count", lambda: 1)
    monkeypatch.setattr(pygame.joystick, "Joystick", lambda i: ScriptedWheel())
    monkeypatch.setattr(C, "run_calibration", lambda *a, **k: None)
    assert main(["calibrate", "--controls", str(path)]) == 1
    assert "cancelled" in capsys.readouterr().err
    assert not path.exists()
    assert main(["calibrate", "--device", "3", "--controls", str(path)]) == 1
    assert "there are 1 joysticks" in capsys.readouterr().err
