"""Seeding scored runs for the simulator and risk tests: each run gets a current score report
with its findings through the same ``record_report`` an upload uses, so the tests read what
production stores. Expected figures are computed in the tests from the plain ``SeededRun``
records kept here, never by the analytics code."""

from __future__ import annotations

import hashlib
import itertools
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy.orm import Session

from isdc.analytics.scope import Scope
from isdc.models import Organisation, OrganisationKind, Run, Trainee
from isdc.models.base import DEFAULT_TIMEZONE
from isdc.runs.reports import record_report
from tests.factories import make_site

_numbers = itertools.count(1)


@dataclass(frozen=True)
class Found:
    kind: str
    severity: str = "major"
    x: float | None = 10.0
    y: float | None = 0.0


@dataclass
class SeededRun:
    run_id: uuid.UUID
    trainee: Trainee | None
    scenario: str
    vehicle: str
    started_at: datetime
    score: float
    passed: bool
    findings: list[Found] = field(default_factory=list)


def report_dict(score: float, passed: bool, findings: list[Found]) -> dict:
    return {
        "score": score,
        "passed": passed,
        "rubric": {"scenario": "x", "version": "1"},
        "scorer_version": "test",
        "findings": [
            {
                "t": float(i),
                "kind": f.kind,
                "severity": f.severity,
                "rule": "UU 22/2009",
                "position": {"x": f.x, "y": f.y},
            }  # fmt: skip
            for i, f in enumerate(findings)
        ],
        "measures": {},
    }


def seed_run(
    db: Session, site_id: int, trainee: Trainee | None, scenario: str, started_at: datetime,
    score: float, findings: list[Found] = (), vehicle: str = "car", passed: bool | None = None,
    assignment_id: int | None = None,
) -> SeededRun:  # fmt: skip
    """A run with a current report (score, pass, findings); ``passed`` defaults to >= 70."""
    n = next(_numbers)
    run_id = uuid.UUID(int=n, version=4)
    ok = score >= 70 if passed is None else passed
    run = Run(
        id=run_id,
        site_id=site_id,
        trainee_id=trainee.id if trainee else None,
        assignment_id=assignment_id,
        scenario_id=scenario,
        scenario_version="1",
        vehicle=vehicle,
        driver="keyboard",
        seed=n,
        started_at=started_at.astimezone(UTC),
        duration_s=60.0,
        ticks=3600,
        outcome="completed",
        simulator_version="test",
        telemetry_path=f"runs/{run_id}.npz",
        telemetry_sha256=hashlib.sha256(str(n).encode()).hexdigest(),
        telemetry_size=100,
    )
    db.add(run)
    db.flush()
    record_report(db, run, report_dict(score, ok, list(findings)))
    db.flush()
    return SeededRun(run_id, trainee, scenario, vehicle, started_at, score, ok, list(findings))


def rescore(db: Session, seeded: SeededRun, score: float, findings: list[Found]) -> SeededRun:
    """A newer report for the run: it becomes current, the old one stays in the database."""
    run = db.get(Run, seeded.run_id)
    ok = score >= 70
    record_report(db, run, report_dict(score, ok, findings))
    db.flush()
    seeded.score, seeded.passed, seeded.findings = score, ok, list(findings)
    return seeded


START, END = date(2026, 10, 1), date(2026, 10, 31)


def at(day: int, hour: int = 9, month: int = 10) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=DEFAULT_TIMEZONE)


@pytest.fixture
def sim_world(db_session, site, make):  # type: ignore[no-untyped-def]
    """Runs of two scenarios and two vehicles, a rescored run, runs outside the period and
    at another site; returns (scope, the runs that must count)."""
    org = Organisation(site=site, name="PT Maju", kind=OrganisationKind.COMPANY)
    db_session.add(org)
    ana = make.trainee(full_name="Ana", organisation=org)
    budi = make.trainee(full_name="Budi", organisation=org)
    citra = make.trainee(full_name="Citra")
    sid = site.id
    counted: list[SeededRun] = []
    add = counted.append
    sp, rl, hb = "speeding", "red_light", "harsh_braking"
    # Ana: three school-zone attempts (45 -> 60 -> 88), improved by 43.
    add(seed_run(db_session, sid, ana, "school_zone", at(2), 45.0,
                 [Found(sp, "minor", 12, 3), Found(sp, "minor", 13, 4), Found(rl, "critical", 101, 2)]))  # fmt: skip
    add(seed_run(db_session, sid, ana, "school_zone", at(9), 60.0, [Found(sp, "minor", 14, 1)]))
    add(seed_run(db_session, sid, ana, "school_zone", at(20), 88.0))
    # Budi: two school-zone attempts (70 -> 55, worse), one braking-zone on a motorcycle.
    add(seed_run(db_session, sid, budi, "school_zone", at(3), 70.0, [Found(hb, "major", -7, -2)]))
    add(seed_run(db_session, sid, budi, "school_zone", at(31, 23), 55.0,
                 [Found(sp, "minor", 12, 2), Found(hb, "major", None, None)]))  # fmt: skip
    add(seed_run(db_session, sid, budi, "braking_zone", at(5), 100.0, vehicle="motorcycle"))
    # Citra (no organisation): braking zone twice with the same score, first rescored.
    first = seed_run(db_session, sid, citra, "braking_zone", at(6), 30.0,
                     [Found(rl, "critical", 5, 5)] * 4, vehicle="motorcycle")  # fmt: skip
    add(rescore(db_session, first, 72.5, [Found(hb, "major", 5, 5)]))
    add(seed_run(db_session, sid, citra, "braking_zone", at(7), 72.5, [Found(hb, "major", 6, 5)]))
    # Outside the period (just after midnight local time on 1 November) and another site.
    seed_run(db_session, sid, citra, "braking_zone", at(1, 0, month=11) + timedelta(minutes=10),
             10.0, [Found(rl, "critical")] * 3)  # fmt: skip
    seed_run(db_session, sid, ana, "school_zone", at(30, 9, month=9), 99.0, [Found(rl)])
    other = make_site(db_session, name="ISDC Medan", code="MDN")
    seed_run(db_session, other.id, None, "school_zone", at(10), 0.0, [Found(rl)] * 5)
    db_session.commit()
    return Scope(START, END, sid), counted
