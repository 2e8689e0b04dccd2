"""The analytics benchmark's bulk volume, built small: rows that obey the domain's rules."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import jsonschema
from sqlalchemy import func, select

from isdc import scoring
from isdc.certificates.codes import is_well_formed
from isdc.demo.bulk_analytics import seed_analytics
from isdc.models import (
    Assignment,
    Booking,
    Certificate,
    CourseSession,
    Enrolment,
    EnrolmentStatus,
    Run,
    RunFinding,
    RunMeasure,
    ScoreReport,
    SessionStatus,
    Station,
)
from isdc.scoring.legal import LEGAL_BASIS
from isdc.scoring.results import SEVERITIES

SCHEMA = json.loads((Path(scoring.__file__).parent / "report.schema.json").read_text())


def test_a_small_volume_is_valid(db_session, site) -> None:
    db = db_session
    counts = seed_analytics(db, site, trainees=300, sessions=60, runs=600, instructors=12,
                            facilities=18, levels=(0.0, 1.0))  # fmt: skip
    db.commit()
    assert counts.runs == db.scalar(select(func.count(Run.id))) == 600
    # Every run was driven for an assignment of a finished session, within its days.
    rows = db.execute(
        select(Run.started_at, CourseSession.starts_at, CourseSession.ends_at, CourseSession.status)
        .join(Assignment, Assignment.id == Run.assignment_id)
        .join(CourseSession, CourseSession.id == Assignment.session_id)
    ).all()
    assert len(rows) == 600
    assert all(s.status == SessionStatus.COMPLETED for s in rows)
    assert all(s.starts_at.date() <= s.started_at.date() <= s.ends_at.date() for s in rows)
    # One current report per run, repeated on the run; reports follow the report schema.
    current = db.execute(
        select(
            Run.score, Run.passed, ScoreReport.score, ScoreReport.passed, ScoreReport.report
        ).join(ScoreReport, (ScoreReport.run_id == Run.id) & ScoreReport.is_current.is_(True))
    ).all()
    assert len(current) == 600
    for run_score, run_passed, score, passed, report in current:
        assert (run_score, run_passed) == (score, passed) == (report["score"], report["passed"])
        jsonschema.validate(report, SCHEMA)
        if passed:
            assert score >= report["pass_mark"]
    # Finding rows mirror the reports' findings and use the scorer's kinds and severities.
    kinds = Counter(db.scalars(select(RunFinding.kind)))
    assert set(kinds) <= set(LEGAL_BASIS)
    assert set(db.scalars(select(RunFinding.severity))) <= set(SEVERITIES)
    all_reports = db.scalars(select(ScoreReport.report))
    assert sum(kinds.values()) == sum(len(r["findings"]) for r in all_reports) == counts.findings
    assert db.scalar(select(func.count(RunMeasure.id))) == counts.measures == 6000
    # Certificates only for completed enrolments, with well-formed codes.
    statuses = db.execute(
        select(Enrolment.status).join(Certificate, Certificate.enrolment_id == Enrolment.id)
    ).scalars()
    assert set(statuses) == {EnrolmentStatus.COMPLETED}
    assert all(is_well_formed(c) for c in db.scalars(select(Certificate.verification_code)))
    assert counts.certificates > 0 and counts.completed > 0
    # No bay is booked twice for the same window.
    bays = db.execute(
        select(Booking.facility_id, Booking.starts_at, func.count())
        .join(Station, Station.facility_id == Booking.facility_id)
        .group_by(Booking.facility_id, Booking.starts_at)
    ).all()
    assert bays and all(n == 1 for *_, n in bays)
