"""Throughput: trainees trained per month by course and by organisation, completion and pass
rates, and the days from enrolment to certificate.

The population is the enrolments (not waitlisted) of the sessions in scope that *end* in the
period - a cohort counts in the month it finishes. "Trained" means the enrolment is
completed (the course was passed and certified); the completion rate is the share that
finished the course either way (completed or not passed) rather than withdrawing or still
being open; the pass rate is completed over finished.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from isdc.analytics.buckets import days_between, local_month
from isdc.analytics.filters import scoped_session_ids, session_conditions, trainee_conditions
from isdc.analytics.scope import Scope
from isdc.models import (
    Certificate,
    Course,
    CourseSession,
    Enrolment,
    EnrolmentStatus,
    Organisation,
    Trainee,
)


def ratio(part: float, whole: float) -> float | None:
    """``part / whole`` as a percentage, None when there is nothing to divide by."""
    return 100.0 * part / whole if whole else None


@dataclass(frozen=True)
class StatusCounts:
    enrolments: int
    completed: int
    failed: int
    withdrawn: int
    open: int  # still "enrolled" after the session ended (not yet decided)

    @property
    def finished(self) -> int:
        return self.completed + self.failed

    @property
    def completion_rate(self) -> float | None:
        return ratio(self.finished, self.enrolments)

    @property
    def pass_rate(self) -> float | None:
        return ratio(self.completed, self.finished)


def _status_columns() -> list[Any]:
    def count(status: EnrolmentStatus) -> Any:
        return func.coalesce(func.sum(case((Enrolment.status == status, 1), else_=0)), 0)

    return [
        func.count(Enrolment.id),
        count(EnrolmentStatus.COMPLETED),
        count(EnrolmentStatus.FAILED),
        count(EnrolmentStatus.WITHDRAWN),
        count(EnrolmentStatus.ENROLLED),
    ]


def _population(scope: Scope) -> list[Any]:
    """Conditions on Enrolment joined to CourseSession: the enrolments that count."""
    lo, hi = scope.bounds_utc()
    return [
        *session_conditions(scope),
        CourseSession.ends_at >= lo,
        CourseSession.ends_at < hi,
        Enrolment.status != EnrolmentStatus.WAITLISTED,
        *trainee_conditions(scope, Enrolment.trainee_id),
    ]


def totals(db: Session, scope: Scope) -> StatusCounts:
    row = db.execute(
        select(*_status_columns())
        .select_from(Enrolment)
        .join(CourseSession, CourseSession.id == Enrolment.session_id)
        .where(*_population(scope))
    ).one()
    return StatusCounts(*row)


@dataclass(frozen=True)
class CourseMonth:
    month: str  # YYYY-MM, local
    course_id: int
    course_code: str
    trained: int


def trained_by_month_and_course(db: Session, scope: Scope) -> list[CourseMonth]:
    month = local_month(CourseSession.ends_at, scope.timezone)
    rows = db.execute(
        select(month, Course.id, Course.code, func.count(Enrolment.id))
        .select_from(Enrolment)
        .join(CourseSession, CourseSession.id == Enrolment.session_id)
        .join(Course, Course.id == CourseSession.course_id)
        .where(*_population(scope), Enrolment.status == EnrolmentStatus.COMPLETED)
        .group_by(month, Course.id, Course.code)
        .order_by(month, Course.code)
    )
    return [CourseMonth(*row) for row in rows]


@dataclass(frozen=True)
class OrganisationCounts:
    organisation_id: int | None  # None: trainees without an organisation
    name: str | None
    counts: StatusCounts


def by_organisation(db: Session, scope: Scope) -> list[OrganisationCounts]:
    """Every organisation with enrolments in the population, most trained first."""
    completed = _status_columns()[1]
    rows = db.execute(
        select(Organisation.id, Organisation.name, *_status_columns())
        .select_from(Enrolment)
        .join(CourseSession, CourseSession.id == Enrolment.session_id)
        .join(Trainee, Trainee.id == Enrolment.trainee_id)
        .outerjoin(Organisation, Organisation.id == Trainee.organisation_id)
        .where(*_population(scope))
        .group_by(Organisation.id, Organisation.name)
        .order_by(completed.desc(), Organisation.name)
    )
    return [OrganisationCounts(oid, name, StatusCounts(*counts)) for oid, name, *counts in rows]


@dataclass(frozen=True)
class CourseCounts:
    course_id: int
    code: str
    title_id: str
    title_en: str
    counts: StatusCounts

    def title(self, locale: str) -> str:
        return self.title_en if locale == "en" else self.title_id


def by_course(db: Session, scope: Scope) -> list[CourseCounts]:
    rows = db.execute(
        select(Course.id, Course.code, Course.title_id, Course.title_en, *_status_columns())
        .select_from(Enrolment)
        .join(CourseSession, CourseSession.id == Enrolment.session_id)
        .join(Course, Course.id == CourseSession.course_id)
        .where(*_population(scope))
        .group_by(Course.id, Course.code, Course.title_id, Course.title_en)
        .order_by(Course.code)
    )
    return [CourseCounts(cid, code, tid, ten, StatusCounts(*counts))
            for cid, code, tid, ten, *counts in rows]  # fmt: skip


@dataclass(frozen=True)
class DaysToCertificate:
    course_id: int | None  # None: all courses together
    code: str | None
    certificates: int
    mean_days: float | None
    shortest_days: float | None
    longest_days: float | None


def days_to_certificate(db: Session, scope: Scope) -> list[DaysToCertificate]:
    """Days from enrolment to the first certificate, for certificates issued in the period,
    per course and (last, ``course_id`` None) for all courses. Reissues are left out: their
    date says when a mistake was corrected, not how long training took."""
    lo, hi = scope.bounds_utc()
    days = days_between(Certificate.issued_at, Enrolment.enrolled_at)
    conditions = [
        Certificate.site_id == scope.site_id,
        Certificate.issued_at >= lo,
        Certificate.issued_at < hi,
        Certificate.replaces_id.is_(None),
        *trainee_conditions(scope, Certificate.trainee_id),
    ]
    if scope.narrows_sessions:
        conditions.append(Certificate.session_id.in_(scoped_session_ids(scope)))
    figures = (func.count(Certificate.id), func.avg(days), func.min(days), func.max(days))
    base = (
        select(Course.id, Course.code, *figures)
        .select_from(Certificate)
        .join(Enrolment, Enrolment.id == Certificate.enrolment_id)
        .join(Course, Course.id == Certificate.course_id)
        .where(*conditions)
    )
    per_course = [
        DaysToCertificate(cid, code, *_days(*figures))
        for cid, code, *figures in db.execute(
            base.group_by(Course.id, Course.code).order_by(Course.code)
        )
    ]
    return [*per_course, _all_courses(per_course)]


def _all_courses(per_course: list[DaysToCertificate]) -> DaysToCertificate:
    """All courses together, from the per-course rows: the mean weighted by certificates."""
    counted = [d for d in per_course if d.certificates and d.mean_days is not None]
    total = sum(d.certificates for d in counted)
    if not total:
        return DaysToCertificate(None, None, 0, None, None, None)
    return DaysToCertificate(
        None,
        None,
        total,
        sum(d.mean_days * d.certificates for d in counted) / total,  # type: ignore[operator]
        min(d.shortest_days for d in counted),  # type: ignore[type-var]
        max(d.longest_days for d in counted),  # type: ignore[type-var]
    )


def _days(count: int, *figures: Any) -> tuple[Any, ...]:
    # PostgreSQL returns numeric averages as Decimal.
    return (int(count), *(None if v is None else float(v) for v in figures))
