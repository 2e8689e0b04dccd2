"""The demo's simulator work: tokens for the bays, real scored runs, assignments waiting."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from isdc.demo import seed_demo
from isdc.demo.simulator import demo_station_token
from isdc.models import Assignment, AssignmentStatus, Base, Run, ScoreReport, Site, Station, User
from isdc.runs.progress import cohort
from tests.test_demo import FRIDAY


def demo_with_runs(runs_dir):  # type: ignore[no-untyped-def]
    engine = create_engine("sqlite://")
    Base.metadata.create_all(engine)
    db = Session(engine)
    site = Site(name="ISDC Serpong", code="SRP")
    db.add(site)
    demo = seed_demo(db, site, FRIDAY, runs_dir=runs_dir)
    db.commit()
    return db, demo


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):  # type: ignore[no-untyped-def]
    runs_dir = tmp_path_factory.mktemp("runs")
    db, demo = demo_with_runs(runs_dir)
    return db, demo, runs_dir


@pytest.mark.slow
def test_every_bay_station_has_the_demo_token(seeded) -> None:
    db, _demo, _ = seeded
    stations = db.scalars(select(Station).order_by(Station.name)).all()
    assert [s.name for s in stations] == [f"SIM-{n:02d}" for n in range(1, 7)]
    for n, station in enumerate(stations, start=1):
        assert Station.for_token(db, demo_station_token(n)) is station
        assert station.facility.name == f"Bay Simulator {n}"


@pytest.mark.slow
def test_demo_runs_are_stored_scored_and_varied(seeded) -> None:
    db, _demo, runs_dir = seeded
    runs = db.scalars(select(Run)).all()
    assert len(runs) > 40
    for run in runs:
        data = (runs_dir / run.telemetry_path).read_bytes()
        assert hashlib.sha256(data).hexdigest() == run.telemetry_sha256
    current = db.scalar(select(func.count()).where(ScoreReport.is_current.is_(True)))
    assert current == len(runs)
    assert {r.passed for r in runs} == {True, False}
    # the bays' trainees at the wheel (blended autopilots), today's cohort the autopilots
    assert {r.driver for r in runs} == {"autopilot", "autopilot-aggressive", "wheel"}


@pytest.mark.slow
def test_demo_cohorts_and_the_demo_trainee_have_results(seeded) -> None:
    db, demo, _ = seeded
    finished = next(s for s in demo.sessions if s.name == "DDC 0 (angkatan lalu)")
    view = cohort(db, finished)
    assert 0 < view.passed_count < len(view.rows)  # those who failed the course did not pass
    peserta = db.scalar(select(User).where(User.username == "peserta"))
    mine = db.scalars(select(Run).where(Run.trainee_id == peserta.trainee_id)).all()
    assert len(mine) >= 3 and {r.passed for r in mine} == {True, False}
    waiting = db.scalars(
        select(Assignment).where(Assignment.status == AssignmentStatus.PENDING)
    ).all()
    assert waiting and any(a.station is not None for a in waiting)


@pytest.mark.slow
def test_the_demo_runs_are_deterministic(seeded, tmp_path) -> None:
    db, _demo, _ = seeded
    again, _ = demo_with_runs(tmp_path)
    query = select(Run.id, Run.trainee_id, Run.scenario_id, Run.score).order_by(Run.id)
    assert db.execute(query).all() == again.execute(query).all()
