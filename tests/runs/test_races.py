"""Two copies of one upload racing each other: one run, one file, both answered (SPEC 9)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
import requests
from sqlalchemy import func, select

from isdc.models import Run, ScoreReport
from isdc.runs import intake
from tests.runs.helpers import run_bytes
from tests.runs.live import LiveServer


@pytest.fixture
def lockstep(monkeypatch):  # type: ignore[no-untyped-def]
    """Hold every upload right after its "is this run new?" check until two have passed it,
    so both go on to store the same run UUID: the race, every time."""
    barrier = threading.Barrier(2, timeout=20)
    check = intake.check_fields

    def both_past_the_check(header):  # type: ignore[no-untyped-def]
        barrier.wait()
        return check(header)

    monkeypatch.setattr(intake, "check_fields", both_past_the_check)


def post_twice(url: str, token: str, first: bytes, second: bytes) -> list[requests.Response]:
    answers: list[requests.Response] = [None, None]  # type: ignore[list-item]

    def send(i: int, body: bytes) -> None:
        answers[i] = requests.post(url + "/api/v1/runs", data=body, timeout=60,
                                   headers={"Authorization": f"Bearer {token}"})  # fmt: skip

    threads = [threading.Thread(target=send, args=(0, first)),
               threading.Thread(target=send, args=(1, second))]  # fmt: skip
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return answers


def stored(app, db_session) -> tuple[int, int, list[Path]]:  # type: ignore[no-untyped-def]
    db_session.expire_all()
    runs = db_session.scalar(select(func.count()).select_from(Run))
    reports = db_session.scalar(select(func.count()).select_from(ScoreReport))
    files = sorted((Path(app.instance_path) / "runs").rglob("*.isdc.npz"))
    return runs, reports, files


def test_two_identical_uploads_at_once_make_one_run(app, bay, db_session, lockstep) -> None:
    body = run_bytes(assignment=bay.assignment.id)
    with LiveServer(app) as server:
        answers = post_twice(server.url, bay.token, body, body)
    assert sorted(a.status_code for a in answers) == [200, 201]
    assert answers[0].json() == answers[1].json()
    runs, reports, files = stored(app, db_session)
    assert runs == 1 and reports == 1 and len(files) == 1 and files[0].read_bytes() == body


def test_one_run_uuid_with_two_contents_at_once_keeps_the_first(
    app, bay, db_session, lockstep
) -> None:
    run_id = "7d3c1a55-0c4e-4f0a-9d0e-3a7b2c9e1f00"
    first = run_bytes(run_id=run_id, assignment=bay.assignment.id)
    second = run_bytes(run_id=run_id, assignment=bay.assignment.id, simulator_version="other")
    with LiveServer(app) as server:
        answers = post_twice(server.url, bay.token, first, second)
    assert sorted(a.status_code for a in answers) == [201, 409]
    runs, _reports, files = stored(app, db_session)
    winner = first if answers[0].status_code == 201 else second
    assert runs == 1 and len(files) == 1 and files[0].read_bytes() == winner
