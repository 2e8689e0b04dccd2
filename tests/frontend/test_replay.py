"""Replay: the scene is rebuilt by re-simulating the recorded inputs; --png renders a moment."""

from __future__ import annotations

import dataclasses
import threading
import time
from pathlib import Path

import numpy as np
import pygame
import pytest

from isdc import telemetry
from isdc.simulator import Simulation, load_scenario, make_driver
from isdc.simulator.cli import main
from isdc.simulator.frontend.replay_view import ReplayScene, play_window

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def recording(tmp_path_factory) -> Path:
    sim = Simulation(load_scenario("urban_intersection"), "car", 5)
    tel = sim.run(make_driver("autopilot-aggressive"))
    path = tmp_path_factory.mktemp("rec") / "run.isdc.npz"
    telemetry.write(path, tel)
    return path


def test_png_of_a_moment(recording: Path, tmp_path: Path, capsys):
    out = tmp_path / "frame.png"
    assert main(["replay", str(recording), "--at", "12.5", "--png", str(out)]) == 0
    data = out.read_bytes()
    assert data.startswith(PNG_SIGNATURE)
    image = pygame.image.load(str(out))
    assert image.get_size() == (1280, 720)
    pixels = pygame.surfarray.array3d(image)
    assert pixels.std() > 8.0
    assert capsys.readouterr().out.strip() == str(out)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["frame.png"]  # no temporary left


def test_png_shows_the_same_world_as_the_run(recording: Path):
    """The re-simulated ego follows the recorded track: the scene is the run's, not a guess."""
    tel = telemetry.read(recording)
    rs = ReplayScene(tel)
    for t in (3.0, 10.0, tel.duration_s):
        rs.seek(t)
        k = rs.replay.tick - 1
        assert not rs.track_only
        assert rs.replay.world.dyn.x == pytest.approx(float(tel["x"][k]), abs=1e-3)
    rs.seek(2.0)  # backwards, from a snapshot
    assert rs.t == pytest.approx(2.0)
    assert not rs.track_only


def test_changed_recording_falls_back_to_the_track(recording: Path, tmp_path: Path):
    tel = telemetry.read(recording)
    cols = dict(tel.columns)
    cols["y"] = cols["y"] + np.float32(3.0)  # the recorded car was elsewhere: another world
    moved = dataclasses.replace(tel, columns=cols)
    rs = ReplayScene(moved)
    rs.seek(5.0)
    assert rs.track_only
    scene = rs.scene()
    assert len(scene.veh_x) == 0 and scene.ego_y == pytest.approx(
        float(cols["y"][rs.replay.tick - 1])
    )
    path = tmp_path / "moved.isdc.npz"
    telemetry.write(path, moved)
    out = tmp_path / "moved.png"
    assert main(["replay", str(path), "--at", "5", "--png", str(out), "--lang", "en"]) == 0
    notice = pygame.image.load(str(out)).get_at((640, 720 - 150 + 3))[:3]  # padding under the text
    assert notice == (120, 70, 0)  # the "scenario changed" notice above the timeline


@pytest.mark.parametrize("at", ["-1", "9999", "nan", "inf"])
def test_png_refuses_times_outside_the_run(recording: Path, tmp_path: Path, capsys, at: str):
    out = tmp_path / "x.png"
    assert main(["replay", str(recording), "--at", at, "--png", str(out)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "outside the run" in err[0]
    assert not out.exists()


def test_png_refuses_bad_files(tmp_path: Path, recording: Path, capsys):
    truncated = tmp_path / "cut.isdc.npz"
    truncated.write_bytes(recording.read_bytes()[:2000])
    other = tmp_path / "notes.txt"
    other.write_text("not a run")
    for bad in (truncated, other, tmp_path / "missing.isdc.npz"):
        out = tmp_path / "x.png"
        assert main(["replay", str(bad), "--at", "1", "--png", str(out)]) == 1
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and err[0].startswith("isdc-sim replay: ")
        assert not out.exists()
    assert main(["replay", str(recording), "--at", "1"]) == 1  # --at without --png
    assert "go together" in capsys.readouterr().err
    assert (
        main(["replay", str(recording), "--at", "1", "--png", str(tmp_path / "no" / "x.png")]) == 1
    )
    assert "does not exist" in capsys.readouterr().err


def test_replay_of_a_scenario_that_is_gone(recording: Path, tmp_path: Path, capsys):
    tel = telemetry.read(recording)
    header = dict(tel.header)
    header["scenario"] = {**header["scenario"], "id": "no_such_scenario", "source": "builtin"}
    path = tmp_path / "gone.isdc.npz"
    telemetry.write(path, dataclasses.replace(tel, header=header))
    assert main(["replay", str(path), "--at", "1", "--png", str(tmp_path / "x.png")]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "no_such_scenario" in err[0]


def _post_later(events: list[tuple[float, int]]) -> threading.Thread:
    def run():
        for delay, key in events:
            time.sleep(delay)
            pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=key, mod=0, unicode="",
                                                 scancode=0))  # fmt: skip

    th = threading.Thread(target=run, daemon=True)
    th.start()
    return th


def test_replay_window_plays_seeks_and_quits(recording: Path, monkeypatch):
    tel = telemetry.read(recording)
    seen: list[float] = []
    original = ReplayScene.seek

    def spy(self, t):
        original(self, t)
        seen.append(self.t)

    monkeypatch.setattr(ReplayScene, "seek", spy)
    th = _post_later([(0.6, pygame.K_SPACE), (0.2, pygame.K_RIGHT), (0.2, pygame.K_RIGHT),
                      (0.3, pygame.K_END), (0.3, pygame.K_ESCAPE)])  # fmt: skip
    play_window(tel, "en")
    th.join(timeout=5)
    assert 0.0 < seen[10] < 1.0  # it played from the start ...
    assert any(9.9 <= t <= 11.5 for t in seen)  # ... paused, two seeks of 5 s ...
    assert seen[-1] == pytest.approx(tel.duration_s, abs=1 / 60)  # ... End went to the end
