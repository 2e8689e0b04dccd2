"""A scope as SQL conditions on the tables analytics read, so every section filters alike.

Each function returns a list of WHERE conditions for one model; they use sub-selects rather
than joins so a caller can add them to any query without changing its FROM clause.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from isdc.analytics.scope import Scope
from isdc.models import (
    Assignment,
    CourseSession,
    Run,
    SessionInstructor,
    SessionStatus,
    Trainee,
)


def session_conditions(scope: Scope, *, include_cancelled: bool = False) -> list[Any]:
    """Sessions of the site, of the course and taught by the instructor in scope (the period
    is left to the caller: a session counts by its end, a booking by its start, ...)."""
    conditions: list[Any] = [CourseSession.site_id == scope.site_id]
    if not include_cancelled:
        conditions.append(CourseSession.status != SessionStatus.CANCELLED)
    if scope.course_id is not None:
        conditions.append(CourseSession.course_id == scope.course_id)
    if scope.instructor_id is not None:
        conditions.append(
            CourseSession.id.in_(
                select(SessionInstructor.session_id).where(
                    SessionInstructor.instructor_id == scope.instructor_id
                )
            )
        )
    return conditions


def scoped_session_ids(scope: Scope) -> Any:
    """A sub-select of the ids of the sessions in scope (any dates)."""
    return select(CourseSession.id).where(*session_conditions(scope, include_cancelled=True))


def trainee_conditions(scope: Scope, trainee_id: Any) -> list[Any]:
    """``trainee_id`` (a column) belongs to a trainee of the organisation in scope."""
    if scope.organisation_id is None:
        return []
    return [
        trainee_id.in_(select(Trainee.id).where(Trainee.organisation_id == scope.organisation_id))
    ]


def run_conditions(scope: Scope) -> list[Any]:
    """Runs of the site started in the period, of trainees of the organisation in scope and -
    when a course or instructor narrows the scope - made for an assignment of a session in
    scope (runs outside any session then drop out)."""
    lo, hi = scope.bounds_utc()
    conditions: list[Any] = [
        Run.site_id == scope.site_id,
        Run.started_at >= lo,
        Run.started_at < hi,
        *trainee_conditions(scope, Run.trainee_id),
    ]
    if scope.narrows_sessions:
        conditions.append(
            Run.assignment_id.in_(
                select(Assignment.id).where(Assignment.session_id.in_(scoped_session_ids(scope)))
            )
        )
    return conditions
