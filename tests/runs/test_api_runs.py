"""POST /api/v1/runs and GET /api/v1/runs/<id>: validated whole, stored once, scored (SPEC 6)."""

from __future__ import annotations

import io
import json
import uuid
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import func, select

from isdc.models import (
    AssignmentStatus,
    Role,
    Run,
    RunFinding,
    RunMeasure,
    ScoreReport,
)
from tests.conftest import login
from tests.factories import PASSWORD
from tests.runs.helpers import run_bytes


def post_run(client, bay, body: bytes, **headers):  # type: ignore[no-untyped-def]
    return client.post(
        "/api/v1/runs",
        data=body,
        headers={**bay.auth, "Content-Type": "application/octet-stream", **headers},
    )


def stored_files(app) -> list[Path]:  # type: ignore[no-untyped-def]
    root = Path(app.instance_path) / "runs"
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def count(db_session, model) -> int:  # type: ignore[no-untyped-def]
    db_session.expire_all()
    return db_session.scalar(select(func.count()).select_from(model))


def test_an_upload_is_stored_scored_and_answered_with_201(app, client, bay, db_session) -> None:
    body = run_bytes(assignment=bay.assignment.id, trainee=bay.trainee.id)
    response = post_run(client, bay, body)
    assert response.status_code == 201, response.json
    answer = response.json
    assert set(answer) == {"run_id", "score", "passed", "report_url"}
    assert 0 <= answer["score"] <= 100 and answer["passed"] is True
    assert answer["report_url"].endswith(f"/simulator/runs/{answer['run_id']}")

    run = db_session.get(Run, uuid.UUID(answer["run_id"]))
    assert run.trainee_id == bay.trainee.id and run.station_id == bay.station.id
    assert run.score == answer["score"] and run.passed is True and run.rubric_version
    files = stored_files(app)
    assert len(files) == 1 and files[0].read_bytes() == body
    assert run.telemetry_size == len(body)
    import hashlib

    assert run.telemetry_sha256 == hashlib.sha256(body).hexdigest()
    report = db_session.scalar(select(ScoreReport).where(ScoreReport.run_id == run.id))
    assert report.is_current and report.report["run"]["run_id"] == answer["run_id"]
    measures = count(db_session, RunMeasure)
    assert measures == len(report.report["measures"]) and measures > 30
    assert count(db_session, RunFinding) == len(report.report["findings"])
    db_session.refresh(bay.assignment)
    assert bay.assignment.status == AssignmentStatus.DONE and bay.assignment.finished_at


def test_the_same_upload_again_gives_200_the_same_body_and_no_second_run(
    app, client, bay, db_session
) -> None:
    body = run_bytes(assignment=bay.assignment.id)
    first = post_run(client, bay, body)
    again = post_run(client, bay, body)
    assert first.status_code == 201 and again.status_code == 200
    assert again.json == first.json
    assert count(db_session, Run) == 1 and count(db_session, ScoreReport) == 1
    assert len(stored_files(app)) == 1


def test_the_same_run_uuid_with_other_content_is_a_conflict(app, client, bay, db_session) -> None:
    run_id = str(uuid.uuid4())
    assert (
        post_run(client, bay, run_bytes(run_id=run_id, assignment=bay.assignment.id)).status_code
        == 201
    )
    other = run_bytes(run_id=run_id, assignment=bay.assignment.id, simulator_version="9.9.9")
    response = post_run(client, bay, other)
    assert response.status_code == 409
    assert response.json["error"] == "run_conflict" and run_id in response.json["detail"]
    assert count(db_session, Run) == 1 and len(stored_files(app)) == 1


@pytest.mark.parametrize("header", [None, "Bearer ", "Bearer wrong-token", "Basic abc", "token"])
def test_a_missing_or_unknown_token_is_refused_with_401(client, bay, db_session, header) -> None:
    headers = {"Authorization": header} if header is not None else {}
    response = client.post("/api/v1/runs", data=run_bytes(assignment=bay.assignment.id),
                           headers=headers)  # fmt: skip
    assert response.status_code == 401
    assert response.json["error"] == "unauthorized" and response.json["detail"]
    assert count(db_session, Run) == 0


def test_a_revoked_token_is_refused_and_nothing_is_stored(app, client, bay, db_session) -> None:
    bay.station.revoke_token()
    db_session.commit()
    response = post_run(client, bay, run_bytes(assignment=bay.assignment.id))
    assert response.status_code == 401
    assert count(db_session, Run) == 0 and stored_files(app) == []


def test_a_signed_in_user_cannot_upload(app, client, bay, make) -> None:
    make.user(Role.ADMIN, username="boss")
    login(client, "boss", PASSWORD)
    response = client.post("/api/v1/runs", data=run_bytes(assignment=bay.assignment.id))
    assert response.status_code == 403 and response.json["error"] == "forbidden"


def test_a_station_cannot_report_for_an_assignment_of_another_station(
    app, client, bay, db_session, site
) -> None:
    from isdc.models import Station

    other = Station(site=site, name="SIM-02")
    other_token = other.issue_token()
    db_session.add(other)
    db_session.commit()
    response = client.post(
        "/api/v1/runs",
        data=run_bytes(assignment=bay.assignment.id),
        headers={"Authorization": f"Bearer {other_token}"},
    )
    assert response.status_code == 403 and response.json["error"] == "not_assigned"
    assert "SIM-02" in response.json["detail"]
    assert count(db_session, Run) == 0 and stored_files(app) == []


def test_a_station_cannot_report_for_a_trainee_not_sent_to_it(
    app, client, bay, make, db_session
) -> None:
    stranger = make.trainee(full_name="Siti Aminah")
    response = post_run(client, bay, run_bytes(trainee=stranger.id))
    assert response.status_code == 403 and str(stranger.id) in response.json["detail"]
    response = post_run(client, bay, run_bytes(assignment=bay.assignment.id, trainee=stranger.id))
    assert response.status_code == 403
    response = post_run(client, bay, run_bytes())
    assert response.status_code == 403 and "neither" in response.json["detail"]
    assert count(db_session, Run) == 0 and stored_files(app) == []


def test_a_trainee_sent_to_the_bay_may_drive_extra_runs_without_an_assignment(
    client, bay, db_session
) -> None:
    response = post_run(client, bay, run_bytes(trainee=bay.trainee.id))
    assert response.status_code == 201
    run = db_session.get(Run, uuid.UUID(response.json["run_id"]))
    assert run.trainee_id == bay.trainee.id and run.assignment_id is None


def test_a_run_that_is_not_what_the_assignment_asked_for_is_refused(
    client, bay, db_session
) -> None:
    response = post_run(client, bay, run_bytes(assignment=bay.assignment.id, seed=4))
    assert response.status_code == 422
    assert response.json["error"] == "assignment_mismatch" and "seed" in response.json["detail"]
    assert count(db_session, Run) == 0


def _zip_with(body: bytes, member: str, data: bytes) -> bytes:
    """The telemetry file with one member replaced."""
    src = zipfile.ZipFile(io.BytesIO(body))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            dst.writestr(info.filename, data if info.filename == member else src.read(info))
    return out.getvalue()


def _with_header(body: bytes, **changes) -> bytes:  # type: ignore[no-untyped-def]
    header = json.loads(zipfile.ZipFile(io.BytesIO(body)).read("header.json"))
    header.update(changes)
    return _zip_with(body, "header.json", json.dumps(header).encode())


BAD_FILES = {
    "truncated": (lambda b: b[: len(b) // 2], "not a telemetry file"),
    "not telemetry": (lambda b: b"GIF89a this is a picture", "not a telemetry file"),
    "wrong version": (lambda b: _with_header(b, version=2), "version 2 is not supported"),
    "another format": (lambda b: _with_header(b, format="csv"), "format"),
    "not a uuid": (lambda b: _with_header(b, run_id="run-7"), "not a UUID"),
    "unknown scenario": (
        lambda b: _with_header(b, scenario={"id": "moon_landing", "version": 1}),
        "moon_landing",
    ),
    "missing column": (lambda b: _zip_with(b, "speed.npy", b"garbage"), "speed"),
    "bad vehicle": (lambda b: _with_header(b, vehicle="rocket"), "rocket"),
    "long driver": (lambda b: _with_header(b, driver="x" * 200), "driver"),
    "bad start": (lambda b: _with_header(b, started_at="yesterday"), "started_at"),
    "nul in header": (lambda b: _with_header(b, trainee=None, driver="auto\u0000pilot"), "NUL"),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_bad_files_get_422_naming_the_problem_and_nothing_is_stored(
    app, client, bay, db_session, case
) -> None:
    mutate, expected = BAD_FILES[case]
    body = mutate(run_bytes(assignment=bay.assignment.id))
    response = post_run(client, bay, body)
    assert response.status_code == 422, response.json
    assert expected in response.json["detail"]
    assert count(db_session, Run) == 0 and stored_files(app) == []
    db_session.refresh(bay.assignment)
    assert bay.assignment.status == AssignmentStatus.PENDING


def test_an_empty_body_is_a_400(client, bay) -> None:
    response = post_run(client, bay, b"")
    assert response.status_code == 400 and response.json["error"] == "empty_body"


def test_a_scenario_without_a_rubric_cannot_be_scored(client, bay, monkeypatch) -> None:
    from isdc.runs import catalogue

    info = catalogue.get("braking_zone")
    monkeypatch.setitem(
        catalogue.scenarios(), "braking_zone", type(info)(**{**info.__dict__, "scorable": False})
    )
    response = post_run(client, bay, run_bytes(assignment=bay.assignment.id))
    assert response.status_code == 422 and response.json["error"] == "no_rubric"


@pytest.mark.parametrize("app_config", [{"RUN_UPLOAD_MAX_BYTES": 10_000}], indirect=False)
def test_a_file_over_the_configured_limit_is_refused_with_413(app, client, bay, db_session) -> None:
    body = run_bytes(assignment=bay.assignment.id)
    assert len(body) > 10_000
    response = post_run(client, bay, body)
    assert response.status_code == 413 and response.json["error"] == "too_large"
    assert "10000" in response.json["detail"]
    assert count(db_session, Run) == 0 and stored_files(app) == []


def test_a_body_sent_without_a_length_is_also_limited(app, client, bay) -> None:
    app.config["RUN_UPLOAD_MAX_BYTES"] = 10_000
    body = run_bytes(assignment=bay.assignment.id)
    response = client.post("/api/v1/runs", input_stream=io.BytesIO(body),
                           headers={**bay.auth, "Transfer-Encoding": "chunked"})  # fmt: skip
    assert response.status_code in (400, 413)
    assert stored_files(app) == []


# --------------------------------------------------------------------- GET /api/v1/runs/<id>


def uploaded(client, bay) -> str:  # type: ignore[no-untyped-def]
    response = post_run(client, bay, run_bytes(assignment=bay.assignment.id))
    assert response.status_code == 201
    return response.json["run_id"]


def test_the_station_reads_the_report_of_its_run(client, bay) -> None:
    run_id = uploaded(client, bay)
    response = client.get(f"/api/v1/runs/{run_id}", headers=bay.auth)
    assert response.status_code == 200
    report = response.json
    assert {"score", "passed", "parts", "findings", "rubric", "run"} <= set(report)
    assert report["run"]["run_id"] == run_id and report["run"]["ticks"] > 0


def test_who_may_read_a_run_report(app, client, bay, make, db_session, site) -> None:
    from isdc.models import Station

    run_id = uploaded(client, bay)
    url = f"/api/v1/runs/{run_id}"
    assert client.get(url).status_code == 401
    other = Station(site=site, name="SIM-09")
    token = other.issue_token()
    db_session.add(other)
    db_session.commit()
    assert client.get(url, headers={"Authorization": f"Bearer {token}"}).status_code == 404

    make.user(Role.TRAINEE, username="budi", trainee=bay.trainee)
    make.user(Role.TRAINEE, username="siti", trainee=make.trainee(full_name="Siti"))
    make.user(Role.INSTRUCTOR, username="guru")
    for username, status in (("budi", 200), ("siti", 404), ("guru", 200)):
        user_client = app.test_client()
        login(user_client, username, PASSWORD)
        assert user_client.get(url).status_code == status, username
    assert client.get(f"/api/v1/runs/{uuid.uuid4()}", headers=bay.auth).status_code == 404
    assert client.get("/api/v1/runs/not-a-uuid", headers=bay.auth).status_code == 404


def test_station_tokens_never_start_with_a_dash(monkeypatch) -> None:
    """A token pasted after `isdc-sim station --token` must not look like an option."""
    from isdc.models import simulator

    drawn = iter(["-looks-like-an-option", "_fine-token"])
    monkeypatch.setattr(simulator.secrets, "token_urlsafe", lambda n: next(drawn))
    assert simulator.new_station_token() == "_fine-token"
    station = simulator.Station(name="SIM-X")
    monkeypatch.setattr(simulator.secrets, "token_urlsafe", lambda n: "abc")
    assert station.issue_token() == "abc"
