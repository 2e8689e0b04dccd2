"""The station outbox keeps every run on disk until the server acknowledges it."""

from __future__ import annotations

import os
import time

import pytest

from isdc import telemetry
from isdc.simulator.station.outbox import Outbox, default_folder
from tests.runs.helpers import run_bytes


def test_a_run_is_kept_whole_and_listed_until_acknowledged(tmp_path) -> None:
    outbox = Outbox(tmp_path / "outbox")
    data = run_bytes(run_id="11111111-1111-4111-8111-111111111111")
    path = outbox.put("11111111-1111-4111-8111-111111111111", data)
    assert path.read_bytes() == data and outbox.pending() == [path]
    outbox.acknowledge(path)
    assert outbox.pending() == [] and not path.exists()


def test_half_written_files_are_never_offered_for_upload(tmp_path) -> None:
    outbox = Outbox(tmp_path)
    (tmp_path / ".abc.isdc.npz.x1y2.tmp").write_bytes(b"partial")
    (tmp_path / "notes.txt").write_text("not a run")
    kept = outbox.put("22222222-2222-4222-8222-222222222222", run_bytes())
    assert outbox.pending() == [kept]


def test_pending_files_come_oldest_first(tmp_path) -> None:
    outbox = Outbox(tmp_path)
    newer = outbox.put("b", b"2")
    older = outbox.put("a", b"1")
    os.utime(older, (time.time() - 60, time.time() - 60))
    assert outbox.pending() == [older, newer]


def test_a_rejected_file_moves_aside_with_its_reason(tmp_path) -> None:
    outbox = Outbox(tmp_path)
    path = outbox.put("33333333-3333-4333-8333-333333333333", b"data")
    moved = outbox.reject(path, "422 invalid_telemetry: column 'speed' is missing")
    assert not path.exists() and moved.read_bytes() == b"data"
    assert outbox.pending() == [] and outbox.rejected() == [moved]
    reason = moved.with_name(moved.name + ".reason.txt").read_text()
    assert "column 'speed' is missing" in reason


def test_adding_a_file_names_it_by_its_run_uuid(tmp_path) -> None:
    source = tmp_path / "drive.isdc.npz"
    source.write_bytes(run_bytes(run_id="44444444-4444-4444-8444-444444444444"))
    outbox = Outbox(tmp_path / "outbox")
    added = outbox.add(source)
    assert added.name == "44444444-4444-4444-8444-444444444444" + telemetry.SUFFIX
    assert added.read_bytes() == source.read_bytes() and source.exists()
    assert outbox.add(added) == added  # adding a file already in the outbox changes nothing
    (tmp_path / "junk.isdc.npz").write_bytes(b"junk")
    with pytest.raises(telemetry.TelemetryError):
        outbox.add(tmp_path / "junk.isdc.npz")


def test_the_default_folder_follows_the_environment(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("ISDC_OUTBOX", str(tmp_path / "here"))
    assert default_folder() == tmp_path / "here"
    monkeypatch.delenv("ISDC_OUTBOX")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert default_folder() == tmp_path / "data" / "isdc" / "outbox"
