"""Seeding scored runs for the simulator and risk tests: each run gets a current score report
with its findings through the same ``record_report`` an upload uses, so the tests read what
production stores. Expected figures are computed in the tests from the plain ``SeededRun``
records kept here, never by the analytics code."""

from __future__ import annotations

import hashlib
import itertools
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from isdc.models import Run, Trainee
from isdc.runs.reports import record_report

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
