"""`score FILE [--json] [--lang id|en] [--rubric PATH]`: output and refusal of bad input."""

import argparse
import io
import json
import subprocess
import sys
import zipfile

import numpy as np
import pytest

from isdc import telemetry as T
from isdc.scoring import cli
from tests.scoring.factory import KMH, drive


@pytest.fixture
def run_file(tmp_path):
    tel = drive(
        speed=lambda t: np.where(t > 30, 63, 45) * KMH,
        events=[{"t": 20.0, "kind": "amber_light"}],
    )
    return T.write(tmp_path / "run.isdc.npz", tel)


def test_text_report_in_indonesian_by_default(run_file, capsys):
    assert cli.main([str(run_file)]) == 0
    out = capsys.readouterr().out
    assert "NILAI:" in out and "Temuan" in out
    assert "63 km/jam di zona 50 km/jam" in out


def test_text_report_in_english(run_file, capsys):
    assert cli.main([str(run_file), "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "SCORE:" in out and "63 km/h in a 50 km/h zone" in out


def test_json_report(run_file, capsys):
    assert cli.main([str(run_file), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert set(report) >= {"score", "passed", "parts", "findings", "rubric", "run"}
    assert report["rubric"]["scenario"] == "urban_intersection"


def test_a_failed_run_still_exits_zero_because_the_report_was_made(tmp_path, capsys):
    tel = drive(events=[{"t": 5.0, "kind": "collision", "with": "vehicle"}])
    path = T.write(tmp_path / "crash.isdc.npz", tel)
    assert cli.main([str(path), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["passed"] is False


def test_another_rubric_file_can_be_given(run_file, tmp_path, capsys):
    rubric = tmp_path / "strict.toml"
    rubric.write_text(
        '[rubric]\nscenario = "urban_intersection"\nversion = "strict-1"\n[pass]\nmark = 99.0\n'
    )
    assert cli.main([str(run_file), "--json", "--rubric", str(rubric)]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["rubric"]["version"] == "strict-1" and report["pass_mark"] == 99


def with_header(tel, **changes):
    data = T.to_bytes(tel)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            payload = src.read(info)
            if info.filename == "header.json":
                payload = json.dumps({**json.loads(payload), **changes}).encode()
            dst.writestr(info, payload)
    return out.getvalue()


def bad_inputs(tmp_path):
    good = T.to_bytes(drive(duration_s=5))
    cases = {
        "text": (b"speed,brake\n1,2\n", "not a telemetry file"),
        "truncated": (good[: len(good) // 2], "not a telemetry file"),
        "future": (with_header(drive(duration_s=5), version=99), "version 99 is not supported"),
        "moon": (T.to_bytes(drive(duration_s=5, scenario="moon_landing")), "no rubric for"),
    }
    paths = {}
    for name, (data, message) in cases.items():
        path = tmp_path / f"{name}.isdc.npz"
        path.write_bytes(data)
        paths[name] = (path, message)
    paths["missing"] = (tmp_path / "nowhere.isdc.npz", "not found")
    return paths


@pytest.mark.parametrize("case", ["text", "truncated", "future", "moon", "missing"])
@pytest.mark.parametrize("as_json", [False, True])
def test_bad_input_gives_one_clear_line_and_a_non_zero_exit(tmp_path, capsys, case, as_json):
    path, message = bad_inputs(tmp_path)[case]
    status = cli.main([str(path), *(["--json"] if as_json else [])])
    captured = capsys.readouterr()
    assert status == cli.EXIT_BAD_INPUT
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and message in lines[0]
    assert lines[0].startswith("isdc-sim score: error:")


def test_a_broken_rubric_file_is_one_line_too(run_file, tmp_path, capsys):
    rubric = tmp_path / "broken.toml"
    rubric.write_text(
        '[rubric]\nscenario = "urban_intersection"\nversion = 1\n[pass]\nmark = 300\n'
    )
    assert cli.main([str(run_file), "--rubric", str(rubric)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "'pass.mark' must be between 0 and 100" in err[0]


def test_add_parser_mounts_the_command_in_a_parent_cli(run_file, capsys):
    parser = argparse.ArgumentParser(prog="isdc-sim")
    cli.add_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["score", str(run_file), "--json", "--lang", "en"])
    assert args.func(args) == 0
    assert json.loads(capsys.readouterr().out)["run"]["ticks"] == 3600


def test_python_dash_m_entry_point(run_file):
    proc = subprocess.run(
        [sys.executable, "-m", "isdc.scoring", str(run_file), "--lang", "en"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0 and "SCORE:" in proc.stdout
    bad = subprocess.run(
        [sys.executable, "-m", "isdc.scoring", str(run_file) + ".nope"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.returncode == 1 and len(bad.stderr.strip().splitlines()) == 1
    assert "Traceback" not in bad.stderr
