"""`isdc-sim`: list, run headless, export, and one clear line for every bad input."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from isdc import telemetry
from isdc.simulator.cli import main

RUN_ID = "11111111-2222-4333-8444-555555555555"


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) if argv and argv[0] == "--bad-usage" else _nothing():
        pass
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


class _nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def one_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


def test_list_shows_the_eight_scenarios_with_titles(capsys):
    code, out, _ = run_cli(capsys, "list", "--lang", "en")
    assert code == 0
    rows = out.strip().splitlines()
    assert [r.split()[0] for r in rows if not r.startswith(" ")] == [
        "urban_intersection", "school_zone", "toll_merge", "emergency_brake", "wet_curve",
        "motorcycle_mix", "night_pedestrian", "braking_zone"]  # fmt: skip
    assert "Signalised junction" in out and "braking_zone_wet" in out
    code, out, _ = run_cli(capsys, "list")
    assert "Persimpangan bersinyal" in out


def test_run_headless_writes_a_valid_reproducible_telemetry_file(capsys, tmp_path):
    out_file = tmp_path / "run.isdc.npz"
    args = ["run", "braking_zone", "--headless", "--seed", "3", "--run-id", RUN_ID,
            "--out", str(out_file), "--lang", "en", "--trainee", "T-1"]  # fmt: skip
    code, out, err = run_cli(capsys, *args)
    assert code == 0, err
    assert "Outcome: completed" in out and str(out_file) in out
    tel = telemetry.read(out_file)
    assert tel.run_id == RUN_ID and tel.header["trainee"] == "T-1"
    assert tel.header["driver"] == "autopilot" and tel.header["outcome"] == "completed"
    first = out_file.read_bytes()
    out_file.unlink()
    assert run_cli(capsys, *args)[0] == 0
    assert out_file.read_bytes() == first  # same seed and run id: the same file, byte for byte


def test_run_with_score_prints_the_report(capsys, tmp_path):
    code, out, err = run_cli(capsys, "run", "emergency_brake", "--headless", "--driver",
                             "autopilot-aggressive", "--score", "--lang", "en")  # fmt: skip
    assert code == 0, err
    assert "SCORE:" in out and "NOT PASSED" in out and "collision" in out.lower()


def test_export_writes_samples_and_events_as_csv(capsys, tmp_path):
    src = tmp_path / "run.isdc.npz"
    assert run_cli(capsys, "run", "school_zone", "--headless", "--out", str(src))[0] == 0
    csv_path = tmp_path / "samples.csv"
    code, out, err = run_cli(capsys, "export", str(src), "--csv", str(csv_path))
    assert code == 0, err
    lines = csv_path.read_text().splitlines()
    tel = telemetry.read(src)
    assert len(lines) == tel.ticks + 1 and lines[0].startswith("t [s],x [m]")
    events = (tmp_path / "samples.events.csv").read_text().splitlines()
    assert events[0] == "t [s],kind,x [m],y [m],details"
    assert any(",hazard," in ln and "patrol_steps_out" in ln for ln in events)
    speeds = np.array([float(r.split(",")[4]) for r in lines[1:]])
    np.testing.assert_allclose(speeds, tel["speed"], atol=1e-6)  # six decimals in the CSV


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["run", "school_zon", "--headless"], "unknown scenario 'school_zon'"),
        (["run", "{bad}", "--headless"], "scenario file not found: {bad}"),
        (
            ["run", "school_zone", "--headless", "--out", "{tmp}/no/such/dir/x.isdc.npz"],
            "folder {tmp}/no/such/dir does not exist",
        ),
        (["run", "school_zone", "--headless", "--out", "{tmp}"], "it is a directory"),
        (["export", "{tmp}/missing.isdc.npz", "--csv", "{tmp}/o.csv"], "telemetry file not found"),
        (["export", "{notel}", "--csv", "{tmp}/o.csv"], "not a telemetry file"),
    ],
    ids=[
        "unknown-id",
        "missing-file",
        "no-folder",
        "out-is-dir",
        "missing-telemetry",
        "not-telemetry",
    ],
)
def test_bad_input_is_one_line_and_exit_1(capsys, tmp_path, argv, message):
    notel = tmp_path / "fake.isdc.npz"
    notel.write_text("hello")
    subst = {"{tmp}": str(tmp_path), "{bad}": str(tmp_path / "nope.toml"), "{notel}": str(notel)}
    argv = [_sub(a, subst) for a in argv]
    code, out, err = run_cli(capsys, *argv)
    assert code == 1
    assert _sub(message, subst) in one_line(err)
    assert not (tmp_path / "o.csv").exists()


def _sub(text: str, subst: dict[str, str]) -> str:
    for k, v in subst.items():
        text = text.replace(k, v)
    return text


def test_a_bad_scenario_file_is_one_line(capsys, tmp_path):
    path = tmp_path / "mine.toml"
    path.write_text('id = "x"\nversion = 1\nbogus = 2\n')
    code, _, err = run_cli(capsys, "run", str(path), "--headless")
    assert code == 1 and "mine.toml: bogus: unknown key" in one_line(err)


def test_an_output_path_inside_a_file_is_refused_before_the_run(capsys, tmp_path):
    blocker = tmp_path / "notes.txt"
    blocker.write_text("not a folder")
    code, out, err = run_cli(capsys, "run", "school_zone", "--headless", "--out",
                             str(blocker / "x.isdc.npz"))  # fmt: skip
    assert code == 1 and "is not a folder" in one_line(err)
    assert out == ""  # refused before the run started


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["run", "school_zone", "--headless", "--driver", "keyboard"], "needs the window"),
        (["run", "school_zone", "--driver", "wheel"], "pygame front end is not installed"),
        (["run", "school_zone"], "pygame front end is not installed"),
        (["replay", "{file}"], "pygame front end is not installed"),
        (["replay", "{file}", "--at", "3", "--png", "{tmp}/f.png"], "front end is not installed"),
        (["calibrate"], "pygame front end is not installed"),
        (["station", "--server", "http://x", "--token", "t"], "station client is not installed"),
        (["upload", "{file}", "--server", "http://x", "--token", "t"], "station client"),
    ],
)
def test_parts_not_in_this_build_say_so_and_exit_2(capsys, tmp_path, monkeypatch, argv, message):
    # A build without the optional parts: importing them fails as if they were not installed.
    for part in ("isdc.simulator.frontend", "isdc.simulator.station"):
        monkeypatch.setitem(sys.modules, part, None)
    file = tmp_path / "r.isdc.npz"
    assert main(["run", "braking_zone", "--headless", "--out", str(file)]) == 0
    capsys.readouterr()
    argv = [a.replace("{file}", str(file)).replace("{tmp}", str(tmp_path)) for a in argv]
    code = main(argv)
    _, err = capsys.readouterr()
    assert code == 2 and message in one_line(err)
    assert not (tmp_path / "f.png").exists()


def test_the_console_script_runs_and_reports_errors_without_a_traceback(tmp_path):
    exe = Path(sys.executable).with_name("isdc-sim")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "isdc.simulator.cli"]
    ok = subprocess.run(cmd + ["list"], capture_output=True, text=True, timeout=60)
    assert ok.returncode == 0 and "school_zone" in ok.stdout
    bad = subprocess.run(cmd + ["run", "nowhere", "--headless"], capture_output=True, text=True,
                         timeout=60)  # fmt: skip
    assert bad.returncode == 1 and "Traceback" not in bad.stderr
    assert bad.stderr.strip().startswith("isdc-sim run: unknown scenario 'nowhere'")
