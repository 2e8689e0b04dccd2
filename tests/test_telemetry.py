"""The telemetry file format: round trip, atomic writes, and refusal of broken files."""

import io
import json
import zipfile

import numpy as np
import pytest

from isdc import telemetry as T


def make_run(ticks: int = 120, **header_overrides) -> T.Telemetry:
    rec = T.Recorder(capacity=16)
    for i in range(ticks):
        t = i / 60
        lead = np.nan if i < 10 else 20.0 - t
        rec.append(
            (t, 10 * t, 0.5, 0.1, 10.0, 0.2, 0.0, 0.0, 0.0, 0.3, 0.0, 0.05, 3.5, 10 * t, 13.89,
             lead, 1.0, 0.7, 1 if i > 60 else 0)
        )  # fmt: skip
    rec.add_event(0.5, "hazard", 5.0, 0.5, id="ped-1")
    header = T.new_header(
        scenario_id="school_zone",
        scenario_version=1,
        seed=7,
        vehicle="car",
        driver="autopilot",
        tick_rate=60,
        started_at="2026-11-27T08:00:00+00:00",
        simulator_version="test",
    )
    header["outcome"] = "completed"
    header.update(header_overrides)
    return rec.telemetry(header)


def test_round_trip_keeps_every_column_event_and_header_field(tmp_path):
    run = make_run()
    path = T.write(tmp_path / "run.isdc.npz", run)
    back = T.read(path)
    assert back.header == run.header
    assert back.events == run.events
    for name in T.COLUMN_NAMES:
        np.testing.assert_array_equal(back[name], run[name])
        assert back[name].dtype == np.dtype(next(c.dtype for c in T.COLUMNS if c.name == name))
    assert back.ticks == 120 and back.duration_s == pytest.approx(119 / 60)
    assert np.isnan(back["lead_gap"][0]) and back["lead_gap"][20] == pytest.approx(20 - 20 / 60)


def test_bytes_are_a_pure_function_of_the_run():
    run_id = "5b0e7c1e-2f7a-4a53-9d0b-9a3e2f1c0d11"
    first, second = make_run(run_id=run_id), make_run(run_id=run_id)
    assert T.to_bytes(first) == T.to_bytes(second)
    second.columns["speed"][3] += 0.5
    assert T.to_bytes(first) != T.to_bytes(second)


def test_readable_with_numpy_alone(tmp_path):
    path = T.write(tmp_path / "run.isdc.npz", make_run())
    with np.load(path) as npz:
        header = json.loads(npz["header.json"])
        assert header["format"] == "isdc-telemetry"
        assert npz["speed"].shape == (header["ticks"],)


def test_recorder_grows_past_its_initial_capacity():
    assert make_run(ticks=1000).ticks == 1000


@pytest.mark.parametrize(
    ("mangle", "message"),
    [
        (lambda b: b[: len(b) // 2], "not a telemetry file"),
        (lambda b: b"hello, world", "not a telemetry file"),
        (lambda b: b"", "not a telemetry file"),
    ],
)
def test_broken_bytes_are_refused_with_a_reason(mangle, message):
    with pytest.raises(T.TelemetryError, match=message):
        T.read(mangle(T.to_bytes(make_run())))


def _rezip(data: bytes, replace: dict[str, bytes | None]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            if info.filename in replace:
                if replace[info.filename] is not None:
                    dst.writestr(info.filename, replace[info.filename])
            else:
                dst.writestr(info.filename, src.read(info.filename))
    return out.getvalue()


def test_unknown_format_version_is_named():
    header = make_run().header | {"version": 99}
    data = _rezip(T.to_bytes(make_run()), {"header.json": json.dumps(header).encode()})
    with pytest.raises(T.TelemetryError, match="version 99 is not supported"):
        T.read(data)


def test_missing_column_is_named():
    data = _rezip(T.to_bytes(make_run()), {"speed.npy": None})
    with pytest.raises(T.TelemetryError, match="column 'speed' is missing"):
        T.read(data)


def test_column_length_must_match_ticks():
    run = make_run()
    run.columns["brake"] = run.columns["brake"][:-1]
    with pytest.raises(T.TelemetryError, match="'brake' has 119 samples"):
        T.to_bytes(run)


def test_time_must_increase():
    run = make_run()
    run.columns["t"][5] = run.columns["t"][4]
    with pytest.raises(T.TelemetryError, match="strictly increasing"):
        T.validate(run)


def test_bad_run_id_and_header_json_are_named():
    data = _rezip(T.to_bytes(make_run()), {"header.json": b"{not json"})
    with pytest.raises(T.TelemetryError, match="header.json is not valid JSON"):
        T.read(data)
    with pytest.raises(T.TelemetryError, match="is not a UUID"):
        T.validate(make_run(run_id="run-1"))


def test_failed_write_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    path = tmp_path / "run.isdc.npz"
    T.write(path, make_run())
    before = path.read_bytes()

    def boom(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(T.os, "fsync", boom)
    with pytest.raises(OSError, match="disk full"):
        T.write(path, make_run(ticks=10))
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run.isdc.npz"]


def test_csv_export_has_units_and_one_row_per_tick(tmp_path):
    out = tmp_path / "run.csv"
    T.write_csv(make_run(ticks=30), out)
    lines = out.read_text().splitlines()
    assert lines[0].startswith("t [s],x [m],y [m]")
    assert "speed [km/h]" in lines[0]
    assert len(lines) == 31
    first = dict(zip(lines[0].split(","), lines[1].split(","), strict=True))
    assert first["lead_gap [m]"] == ""  # NaN = no lead vehicle
    assert float(first["speed [km/h]"]) == pytest.approx(36.0)
