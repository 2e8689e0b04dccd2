"""Certificates: issued and revoked per month and course, and those expiring soon.

Issued counts every certificate issued in the period, reissues included (shown apart);
revoked counts revocations made in the period. "Expiring" looks forward from today, not
at the period: valid certificates whose ``valid_until`` falls in the next 90 days.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from isdc.analytics.buckets import date_month, local_month
from isdc.analytics.drilldown import EXPIRY_WINDOW_DAYS
from isdc.analytics.filters import scoped_session_ids, trainee_conditions
from isdc.analytics.scope import Scope
from isdc.models import Certificate, CertificateStatus, Course


def _scoped(scope: Scope) -> list[Any]:
    """Certificates of the site, of trainees and sessions in scope (any dates)."""
    conditions = [
        Certificate.site_id == scope.site_id,
        *trainee_conditions(scope, Certificate.trainee_id),
    ]
    if scope.course_id is not None:
        conditions.append(Certificate.course_id == scope.course_id)
    if scope.instructor_id is not None:
        conditions.append(Certificate.session_id.in_(scoped_session_ids(scope)))
    return conditions


@dataclass(frozen=True)
class MonthCourseCount:
    month: str  # YYYY-MM
    course_id: int
    course_code: str
    count: int


def issued_by_month_and_course(db: Session, scope: Scope) -> list[MonthCourseCount]:
    lo, hi = scope.bounds_utc()
    return _by_month(db, local_month(Certificate.issued_at, scope.timezone),
                     [*_scoped(scope), Certificate.issued_at >= lo, Certificate.issued_at < hi])  # fmt: skip


def revoked_by_month_and_course(db: Session, scope: Scope) -> list[MonthCourseCount]:
    lo, hi = scope.bounds_utc()
    return _by_month(db, local_month(Certificate.revoked_at, scope.timezone), [
        *_scoped(scope), Certificate.status == CertificateStatus.REVOKED,
        Certificate.revoked_at >= lo, Certificate.revoked_at < hi,
    ])  # fmt: skip


def expiring_by_month_and_course(db: Session, scope: Scope, today: date) -> list[MonthCourseCount]:
    """Valid certificates expiring from today to today + 90 days, by month of expiry."""
    return _by_month(db, date_month(Certificate.valid_until), _expiring(scope, today))


def _expiring(scope: Scope, today: date) -> list[Any]:
    return [
        *_scoped(scope),
        Certificate.status == CertificateStatus.VALID,
        Certificate.valid_until >= today,
        Certificate.valid_until <= today + timedelta(days=EXPIRY_WINDOW_DAYS),
    ]


def _by_month(db: Session, month: Any, conditions: list[Any]) -> list[MonthCourseCount]:
    rows = db.execute(
        select(month, Course.id, Course.code, func.count(Certificate.id))
        .join(Course, Course.id == Certificate.course_id)
        .where(*conditions)
        .group_by(month, Course.id, Course.code)
        .order_by(month, Course.code)
    )
    return [MonthCourseCount(*row) for row in rows]


@dataclass(frozen=True)
class CourseCertificates:
    course_id: int
    code: str
    issued: int  # in the period, reissues included
    reissued: int  # of those, reissues
    revoked: int  # revoked in the period
    expiring: int  # valid, expiring in the next 90 days


def by_course(db: Session, scope: Scope, today: date) -> list[CourseCertificates]:
    """One row per course with any of the four counts (one query, conditional sums)."""
    lo, hi = scope.bounds_utc()
    issued = (Certificate.issued_at >= lo) & (Certificate.issued_at < hi)
    revoked = (
        (Certificate.status == CertificateStatus.REVOKED)
        & (Certificate.revoked_at >= lo)
        & (Certificate.revoked_at < hi)
    )
    expiring = (
        (Certificate.status == CertificateStatus.VALID)
        & (Certificate.valid_until >= today)
        & (Certificate.valid_until <= today + timedelta(days=EXPIRY_WINDOW_DAYS))
    )

    def total(condition: Any) -> Any:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    rows = db.execute(
        select(
            Course.id,
            Course.code,
            total(issued),
            total(issued & Certificate.replaces_id.is_not(None)),
            total(revoked),
            total(expiring),
        )
        .join(Course, Course.id == Certificate.course_id)
        .where(*_scoped(scope), issued | revoked | expiring)
        .group_by(Course.id, Course.code)
        .order_by(Course.code)
    )
    return [CourseCertificates(cid, code, *(int(v) for v in counts)) for cid, code, *counts in rows]
