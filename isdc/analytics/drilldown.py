"""The rows behind a bar: runs or trainees (enrolments) of a scope, narrowed further.

Both return un-executed SELECTs so the view pages them; the narrowing arguments are checked
by the caller (the web layer turns bad ones into a 400).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload

from isdc.analytics.buckets import local_month
from isdc.analytics.filters import run_conditions, session_conditions, trainee_conditions
from isdc.analytics.scope import Scope
from isdc.models import (
    Certificate,
    CertificateStatus,
    CourseSession,
    Enrolment,
    EnrolmentStatus,
    Run,
    RunFinding,
    ScoreReport,
    Station,
)

# Certificates expiring within this many days count as "expiring soon".
EXPIRY_WINDOW_DAYS = 90


@dataclass(frozen=True)
class RunFilter:
    scenario: str | None = None
    finding: str | None = None  # a finding kind in the run's current report
    month: str | None = None  # YYYY-MM, local
    result: str | None = None  # passed / failed
    outcome: str | None = None
    vehicle: str | None = None
    facility_id: int | None = None  # the simulator bay the run was driven in
    trainee_id: int | None = None
    # [low, high) score points of the current report; a band ending at 100 includes 100
    # (a histogram bar of the simulator section).
    score_band: tuple[int, int] | None = None


def runs_query(scope: Scope, wanted: RunFilter) -> Select[Any]:
    conditions = run_conditions(scope)
    if wanted.scenario:
        conditions.append(Run.scenario_id == wanted.scenario)
    if wanted.month:
        conditions.append(local_month(Run.started_at, scope.timezone) == wanted.month)
    if wanted.result:
        conditions.append(Run.passed.is_(wanted.result == "passed"))
    if wanted.outcome:
        conditions.append(Run.outcome == wanted.outcome)
    if wanted.vehicle:
        conditions.append(Run.vehicle == wanted.vehicle)
    if wanted.trainee_id is not None:
        conditions.append(Run.trainee_id == wanted.trainee_id)
    if wanted.score_band is not None:
        low, high = wanted.score_band
        conditions.append(Run.score >= low)
        conditions.append(Run.score <= high if high >= 100 else Run.score < high)
    if wanted.facility_id is not None:
        conditions.append(
            Run.station_id.in_(select(Station.id).where(Station.facility_id == wanted.facility_id))
        )
    if wanted.finding:
        conditions.append(
            Run.id.in_(
                select(RunFinding.run_id)
                .join(ScoreReport, ScoreReport.id == RunFinding.report_id)
                .where(ScoreReport.is_current, RunFinding.kind == wanted.finding)
            )
        )
    return (
        select(Run)
        .options(joinedload(Run.trainee), joinedload(Run.station))
        .where(*conditions)
        .order_by(Run.started_at.desc(), Run.id)
    )


class TraineeBasis:
    """Which enrolments a trainee list starts from."""

    SESSIONS = "sessions"  # sessions ending in the period
    ISSUED = "issued"  # certificates issued in the period
    REVOKED = "revoked"  # certificates revoked in the period
    EXPIRING = "expiring"  # valid certificates expiring in the next 90 days (from today)
    ALL = (SESSIONS, ISSUED, REVOKED, EXPIRING)


@dataclass(frozen=True)
class TraineeFilter:
    basis: str = TraineeBasis.SESSIONS
    month: str | None = None  # YYYY-MM of the basis date (session end, issue, revocation, expiry)
    status: EnrolmentStatus | None = None


def trainees_query(scope: Scope, wanted: TraineeFilter, today: Any) -> Select[Any]:
    """Rows of (Enrolment, Certificate or None), the enrolment with trainee and session."""
    lo, hi = scope.bounds_utc()
    tz = scope.timezone
    # Certificates count whatever became of their session later, as on the certificates page.
    conditions = [
        *session_conditions(scope, include_cancelled=wanted.basis != TraineeBasis.SESSIONS),
        *trainee_conditions(scope, Enrolment.trainee_id),
    ]
    query = (
        select(Enrolment, Certificate)
        .join(CourseSession, CourseSession.id == Enrolment.session_id)
        .options(
            joinedload(Enrolment.trainee),
            joinedload(Enrolment.session).joinedload(CourseSession.course),
        )
    )
    if wanted.basis == TraineeBasis.SESSIONS:
        query = query.outerjoin(
            Certificate,
            (Certificate.enrolment_id == Enrolment.id)
            & (Certificate.status == CertificateStatus.VALID),
        )
        conditions += [
            CourseSession.ends_at >= lo,
            CourseSession.ends_at < hi,
            Enrolment.status != EnrolmentStatus.WAITLISTED,
        ]
        if wanted.month:
            conditions.append(local_month(CourseSession.ends_at, tz) == wanted.month)
        order = CourseSession.ends_at.desc()
    else:
        query = query.join(Certificate, Certificate.enrolment_id == Enrolment.id)
        if wanted.basis == TraineeBasis.ISSUED:
            conditions += [Certificate.issued_at >= lo, Certificate.issued_at < hi]
            if wanted.month:
                conditions.append(local_month(Certificate.issued_at, tz) == wanted.month)
            order = Certificate.issued_at.desc()
        elif wanted.basis == TraineeBasis.REVOKED:
            conditions += [
                Certificate.status == CertificateStatus.REVOKED,
                Certificate.revoked_at >= lo,
                Certificate.revoked_at < hi,
            ]
            if wanted.month:
                conditions.append(local_month(Certificate.revoked_at, tz) == wanted.month)
            order = Certificate.revoked_at.desc()
        else:
            conditions += [
                Certificate.status == CertificateStatus.VALID,
                Certificate.valid_until >= today,
                Certificate.valid_until <= today + timedelta(days=EXPIRY_WINDOW_DAYS),
            ]
            if wanted.month:
                year, month = (int(p) for p in wanted.month.split("-"))
                first = today.replace(year=year, month=month, day=1)
                after = first.replace(year=year + month // 12, month=month % 12 + 1)
                conditions += [Certificate.valid_until >= first, Certificate.valid_until < after]
            order = Certificate.valid_until.asc()
    if wanted.status is not None:
        conditions.append(Enrolment.status == wanted.status)
    return query.where(*conditions).order_by(order, Enrolment.id)
