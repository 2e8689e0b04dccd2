"""The station client against the real API over HTTP: station mode, upload, a cut connection,
the server going away and coming back."""

from __future__ import annotations

import socket
import threading
import time
import uuid
from pathlib import Path

from sqlalchemy import func, select

from isdc.models import AssignmentStatus, Run
from isdc.simulator import cli
from isdc.simulator.station.client import StationClient
from isdc.simulator.station.mode import Station, StationConfig, headless_drive
from isdc.simulator.station.outbox import Outbox
from isdc.simulator.station.screens import TextScreen
from tests.runs.helpers import run_bytes
from tests.runs.live import LiveServer, free_port


def runs_stored(db_session) -> int:  # type: ignore[no-untyped-def]
    db_session.expire_all()
    return db_session.scalar(select(func.count()).select_from(Run))


def test_station_mode_serves_one_assignment_headless(
    app, bay, db_session, tmp_path, capsys
) -> None:
    with LiveServer(app) as server:
        code = cli.main(["station", "--server", server.url, "--token", bay.token, "--once",
                         "--headless", "--outbox", str(tmp_path / "outbox"), "--lang", "en",
                         "--poll", "0.1", "--max-wait", "60"])  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0, out
    assert "Bay Simulator 1" in out and "Budi Santoso" in out and "Score:" in out
    assert "PASSED" in out and "/simulator/runs/" in out
    run = db_session.scalar(select(Run))
    assert run.assignment_id == bay.assignment.id and run.trainee_id == bay.trainee.id
    assert run.station_id == bay.station.id and run.driver == "autopilot"
    db_session.refresh(bay.assignment)
    assert bay.assignment.status == AssignmentStatus.DONE
    assert Outbox(tmp_path / "outbox").pending() == []


def test_upload_command_sends_a_file_and_a_repeat_changes_nothing(
    app, bay, db_session, tmp_path, capsys
) -> None:
    source = tmp_path / "run.isdc.npz"
    source.write_bytes(run_bytes(assignment=bay.assignment.id))
    outbox = tmp_path / "outbox"
    with LiveServer(app) as server:
        args = ["upload", str(source), "--server", server.url, "--token", bay.token,
                "--outbox", str(outbox)]  # fmt: skip
        assert cli.main(args) == 0
        assert cli.main(args) == 0
    out = capsys.readouterr().out
    assert out.count("Uploaded run") == 2 and "already had it" in out
    assert runs_stored(db_session) == 1 and Outbox(outbox).pending() == []


def test_upload_command_reports_a_refused_file_in_one_line(app, bay, tmp_path, capsys) -> None:
    source = tmp_path / "run.isdc.npz"
    source.write_bytes(run_bytes(assignment=bay.assignment.id, seed=99))
    with LiveServer(app) as server:
        code = cli.main(["upload", str(source), "--server", server.url, "--token", bay.token,
                         "--outbox", str(tmp_path / "outbox")])  # fmt: skip
    err = capsys.readouterr().err
    assert code == 1 and len(err.strip().splitlines()) == 1
    assert "assignment_mismatch" in err and "rejected" in err
    assert Outbox(tmp_path / "outbox").rejected()


def test_upload_with_a_revoked_token_keeps_the_file(app, bay, db_session, tmp_path, capsys) -> None:
    bay.station.revoke_token()
    db_session.commit()
    source = tmp_path / "run.isdc.npz"
    source.write_bytes(run_bytes(assignment=bay.assignment.id))
    with LiveServer(app) as server:
        code = cli.main(["upload", str(source), "--server", server.url, "--token", bay.token,
                         "--outbox", str(tmp_path / "outbox")])  # fmt: skip
    err = capsys.readouterr().err
    assert code == 1 and "token" in err and len(err.strip().splitlines()) == 1
    assert len(Outbox(tmp_path / "outbox").pending()) == 1


def test_a_connection_cut_mid_body_stores_nothing_and_the_retry_succeeds(
    app, bay, db_session
) -> None:
    body = run_bytes(assignment=bay.assignment.id)
    with LiveServer(app) as server:
        with socket.create_connection(("127.0.0.1", server.port)) as sock:
            sock.sendall(
                b"POST /api/v1/runs HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + f"Authorization: Bearer {bay.token}\r\n".encode()
                + b"Content-Type: application/octet-stream\r\n"
                + f"Content-Length: {len(body)}\r\n\r\n".encode()
                + body[: len(body) // 2]
            )
            sock.shutdown(socket.SHUT_WR)  # the cable is pulled: half the file, then nothing
            sock.settimeout(10)
            answer = sock.recv(65536)
        assert b"201" not in answer.split(b"\r\n", 1)[0]
        assert runs_stored(db_session) == 0
        assert not list((Path(app.instance_path) / "runs").rglob("*.npz"))
        response = StationClient(server.url, bay.token).upload(body)
    assert not response.repeated and runs_stored(db_session) == 1


def test_runs_driven_while_the_server_is_away_are_uploaded_once_when_it_returns(
    app, bay, db_session, tmp_path
) -> None:
    """The station fetched its assignment, the server went down during the run; the station
    keeps the run and delivers it once the server is back."""
    port = free_port()
    server = LiveServer(app, port).start()
    outbox = Outbox(tmp_path / "outbox")
    fetched = threading.Event()
    drive = headless_drive("autopilot")

    def drive_while_server_goes_down(info, assignment):  # type: ignore[no-untyped-def]
        fetched.set()
        server.stop()  # the server goes away while the trainee drives
        return drive(info, assignment)

    lines: list[str] = []

    class Screen(TextScreen):
        def _print(self, text: str) -> None:
            lines.append(text)

    station = Station(
        client=StationClient(f"http://127.0.0.1:{port}", bay.token, timeout=5),
        outbox=outbox,
        screen=Screen("en"),
        config=StationConfig(once=True, poll_seconds=0.1, max_wait=90),
        drive=drive_while_server_goes_down,
    )
    station.backoff.base = 0.2
    station.backoff.max_delay = 1.0
    result: dict[str, int] = {}
    worker = threading.Thread(target=lambda: result.setdefault("code", station.run()))
    worker.start()
    assert fetched.wait(30)
    deadline = time.monotonic() + 30
    while not any("kept in the outbox" in line for line in lines) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(outbox.pending()) == 1 and runs_stored(db_session) == 0
    assert any("provisional" in line for line in lines)  # the trainee still sees a score
    server = LiveServer(app, port).start()
    try:
        worker.join(60)
    finally:
        server.stop()
    assert result.get("code") == 0
    assert outbox.pending() == [] and runs_stored(db_session) == 1
    run = db_session.scalar(select(Run))
    assert run.assignment_id == bay.assignment.id


def test_station_mode_with_a_wrong_token_stops_with_one_line(app, bay, tmp_path, capsys) -> None:
    with LiveServer(app) as server:
        code = cli.main(["station", "--server", server.url, "--token", "nope", "--once",
                         "--headless", "--outbox", str(tmp_path)])  # fmt: skip
    err = capsys.readouterr().err
    assert code == 1 and "token" in err and len(err.strip().splitlines()) == 1


def test_bad_station_arguments_are_one_line_errors(capsys) -> None:
    for argv, needle in (
        (["station", "--server", "ftp://x", "--token", "t", "--headless"], "--server"),
        (["station", "--server", "http://x", "--token", " ", "--headless"], "--token"),
        (
            [
                "station",
                "--server",
                "http://x",
                "--token",
                "t",
                "--headless",
                "--driver",
                "keyboard",
            ],
            "autopilot",
        ),  # fmt: skip
        (
            ["upload", "/no/such/file.isdc.npz", "--server", "http://x", "--token", "t"],
            "not found",
        ),  # fmt: skip
    ):
        assert cli.main(argv) != 0
        err = capsys.readouterr().err.strip()
        assert len(err.splitlines()) == 1 and needle in err, err


def test_the_outbox_is_delivered_before_new_work(app, bay, db_session, tmp_path) -> None:
    outbox = Outbox(tmp_path)
    left_over = run_bytes(trainee=bay.trainee.id, run_id=str(uuid.uuid4()))
    outbox.put("left-over", left_over)
    with LiveServer(app) as server:
        station = Station(
            client=StationClient(server.url, bay.token),
            outbox=outbox,
            screen=TextScreen("en"),
            config=StationConfig(once=True, poll_seconds=0.1, max_wait=60),
            drive=headless_drive("autopilot"),
        )
        assert station.run() == 0
    assert runs_stored(db_session) == 2 and outbox.pending() == []


def test_station_mode_in_the_window_hands_the_assignment_to_the_front_end(
    app, bay, db_session, tmp_path, monkeypatch, capsys
) -> None:
    """Without --headless the front end drives (start screen with the trainee's name and the
    brief, the bay's controls); the station records what it was given and uploads it."""
    from isdc.simulator import Simulation, frontend, make_driver

    seen = {}

    def fake_drive(scenario, **options):  # type: ignore[no-untyped-def]
        seen.update(options, scenario=scenario.id)
        sim = Simulation(scenario, options["vehicle"], options["seed"], driver="keyboard",
                         run_id=options["run_id"], started_at=options["started_at"],
                         station=options["station"], trainee=options["trainee"],
                         assignment=options["assignment"])  # fmt: skip
        return sim.run(make_driver("autopilot"))  # stands in for the trainee at the keyboard

    monkeypatch.setattr(frontend, "drive", fake_drive)
    with LiveServer(app) as server:
        code = cli.main(["station", "--server", server.url, "--token", bay.token, "--once",
                         "--outbox", str(tmp_path), "--driver", "keyboard", "--lang", "en",
                         "--max-wait", "60"])  # fmt: skip
    assert code == 0, capsys.readouterr()
    assert seen["scenario"] == "braking_zone" and seen["driver"] == "keyboard"
    assert seen["trainee_name"] == "Budi Santoso" and seen["trainee"] == str(bay.trainee.id)
    assert seen["assignment"] == bay.assignment.id and seen["seed"] == 3
    assert seen["station"] == "SIM-01" and seen["lang"] == "en"
    run = db_session.scalar(select(Run))
    assert run.driver == "keyboard" and run.assignment_id == bay.assignment.id


def test_a_trainee_who_leaves_the_start_screen_drives_nothing(
    app, bay, db_session, tmp_path, monkeypatch, capsys
) -> None:
    from isdc.simulator import frontend

    monkeypatch.setattr(frontend, "drive", lambda scenario, **options: None)
    with LiveServer(app) as server:
        code = cli.main(["station", "--server", server.url, "--token", bay.token, "--once",
                         "--outbox", str(tmp_path), "--max-wait", "30"])  # fmt: skip
    err = capsys.readouterr().err
    assert code == 1 and "left the start screen" in err and len(err.strip().splitlines()) == 1
    assert runs_stored(db_session) == 0 and Outbox(tmp_path).pending() == []
