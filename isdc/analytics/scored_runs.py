"""The runs every simulator and risk figure counts: scored runs of a scope, by their current
score report (a rescored run counts once, with its newest report; older reports never count).

A run belongs to the scope when it was driven at the scope's site within the period (by
``Run.started_at``), for the course or instructor through its assignment's session (runs with
no session count only when neither is filtered), and for the organisation through its trainee.
"""

from __future__ import annotations

from sqlalchemy import and_, select
from sqlalchemy.sql.expression import ColumnElement

from isdc.analytics.scope import Scope
from isdc.models import Assignment, CourseSession, Run, RunFinding, ScoreReport, Trainee
from isdc.models.schedule import SessionInstructor

# Join conditions: the run's current report, and a finding's report being that current one.
CURRENT_REPORT = and_(ScoreReport.run_id == Run.id, ScoreReport.is_current.is_(True))
CURRENT_FINDING = and_(RunFinding.report_id == ScoreReport.id, ScoreReport.is_current.is_(True))


def in_scope(scope: Scope, *, organisation: bool = True) -> list[ColumnElement[bool]]:
    """WHERE conditions on ``Run`` for the scope; ``organisation=False`` leaves the
    organisation filter out (the centre's average the risk profile compares against)."""
    lo, hi = scope.bounds_utc()
    conditions: list[ColumnElement[bool]] = [
        Run.site_id == scope.site_id,
        Run.started_at >= lo,
        Run.started_at < hi,
    ]
    if scope.course_id is not None or scope.instructor_id is not None:
        sessions = select(Assignment.id).join(
            CourseSession, CourseSession.id == Assignment.session_id
        )
        if scope.course_id is not None:
            sessions = sessions.where(CourseSession.course_id == scope.course_id)
        if scope.instructor_id is not None:
            sessions = sessions.where(
                CourseSession.id.in_(
                    select(SessionInstructor.session_id).where(
                        SessionInstructor.instructor_id == scope.instructor_id
                    )
                )
            )
        conditions.append(Run.assignment_id.in_(sessions))
    if organisation and scope.organisation_id is not None:
        conditions.append(
            Run.trainee_id.in_(
                select(Trainee.id).where(Trainee.organisation_id == scope.organisation_id)
            )
        )
    return conditions


def share(part: int, whole: int) -> float | None:
    """part / whole, or None when there is nothing to divide by (shown as "no data")."""
    return part / whole if whole else None
