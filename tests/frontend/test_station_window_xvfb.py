"""A REAL bay window: ``isdc-sim station`` on an X server (Xvfb), its server hung, answers Esc
and ENTER typed with xdotool and exits 0 (the window never blocks on the network)."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.frontend.test_window_xvfb import NEEDS, _window_of, _xdotool, xserver  # noqa: F401


@pytest.mark.skipif(bool(NEEDS), reason=f"{' and '.join(NEEDS)} not installed")
def test_the_bay_window_closes_with_esc_while_the_server_hangs(xserver, tmp_path: Path):  # noqa: F811
    listener = socket.socket()  # takes the connection, never answers: the request hangs
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    server = f"http://127.0.0.1:{listener.getsockname()[1]}"
    station = subprocess.Popen(
        [sys.executable, "-m", "isdc.simulator.cli", "station", "--server", server,
         "--token", "t0k3n", "--outbox", str(tmp_path), "--lang", "en"],
        env=xserver, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        win = _window_of(xserver, station.pid)
        assert "1280x720" in _xdotool(xserver, "getwindowgeometry", win).replace(" ", "")
        _xdotool(xserver, "windowfocus", "--sync", win)
        time.sleep(0.5)
        _xdotool(xserver, "key", "Escape")  # "close the station?" ...
        time.sleep(0.4)
        assert station.poll() is None  # ... asked, not done yet
        started = time.monotonic()
        _xdotool(xserver, "key", "Return")  # ... yes
        stdout, stderr = station.communicate(timeout=10)
        assert time.monotonic() - started < 5  # not the 30 s the request would wait
    finally:
        if station.poll() is None:
            station.kill()
        listener.close()
    assert station.returncode == 0, stderr
    assert "Station closed." in stdout and stderr == ""
