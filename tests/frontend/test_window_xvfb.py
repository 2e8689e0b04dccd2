"""A REAL window: the simulator opens on an X server (Xvfb) and answers keys typed with xdotool.

Xvfb is started by the test on a free display number; the simulator runs as a subprocess with
DISPLAY set and no SDL_VIDEODRIVER, exactly as on a station, and the keys go through the X
server (XTEST), not into pygame's queue.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from isdc import telemetry

pytestmark = pytest.mark.slow

NEEDS = [tool for tool in ("Xvfb", "xdotool") if shutil.which(tool) is None]


def _free_display() -> int:
    for n in range(90, 400):
        if not Path(f"/tmp/.X{n}-lock").exists() and not Path(f"/tmp/.X11-unix/X{n}").exists():
            return n
    raise RuntimeError("no free X display number")


@pytest.fixture
def xserver():
    n = _free_display()
    proc = subprocess.Popen(
        ["Xvfb", f":{n}", "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    socket = Path(f"/tmp/.X11-unix/X{n}")
    deadline = time.monotonic() + 10
    while not socket.exists():
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"Xvfb :{n} did not start")
        time.sleep(0.05)
    env = {k: v for k, v in os.environ.items() if k != "SDL_VIDEODRIVER"}
    env.update(DISPLAY=f":{n}", SDL_AUDIODRIVER="dummy")
    yield env
    proc.terminate()
    proc.wait(5)


def _xdotool(env, *args: str) -> str:
    return subprocess.run(["xdotool", *args], env=env, capture_output=True, text=True).stdout


def _window_of(env, pid: int, timeout: float = 20.0) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ids = _xdotool(env, "search", "--pid", str(pid)).split()
        if ids:
            return ids[0]
        time.sleep(0.1)
    pytest.fail("the simulator window did not appear")


@pytest.mark.skipif(bool(NEEDS), reason=f"{' and '.join(NEEDS)} not installed")
def test_real_window_takes_keyboard_input(xserver, tmp_path: Path):
    out = tmp_path / "drive.isdc.npz"
    sim = subprocess.Popen(
        [sys.executable, "-m", "isdc.simulator.cli", "run", "braking_zone",
         "--driver", "keyboard", "--out", str(out), "--lang", "en"],
        env=xserver, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        win = _window_of(xserver, sim.pid)
        assert "1280x720" in _xdotool(xserver, "getwindowgeometry", win).replace(" ", "")
        _xdotool(xserver, "windowfocus", "--sync", win)
        time.sleep(0.5)
        _xdotool(xserver, "key", "Return")  # leave the start screen
        time.sleep(4.0)  # the 3-second countdown, with a margin for a busy machine
        _xdotool(xserver, "keydown", "Up")  # accelerate for three seconds
        time.sleep(3.0)
        _xdotool(xserver, "keyup", "Up")
        _xdotool(xserver, "key", "Escape")  # end the run ...
        time.sleep(0.4)
        _xdotool(xserver, "key", "Return")  # ... yes
        time.sleep(1.0)
        _xdotool(xserver, "key", "Return")  # leave the end screen
        stdout, stderr = sim.communicate(timeout=20)
    finally:
        if sim.poll() is None:
            sim.kill()
    assert sim.returncode == 0, stderr
    tel = telemetry.read(out)
    assert tel.header["outcome"] == "aborted"
    assert float(tel["speed"][0]) < 0.5  # the car starts at rest on the track ...
    assert float(np.max(tel["throttle"])) > 0.9  # ... Up was held long enough to ramp fully ...
    assert float(np.max(tel["speed"])) > 4.0  # ... and it drove off
    assert float(tel["route_s"][-1]) - float(tel["route_s"][0]) > 5.0
    assert "aborted" in stdout
