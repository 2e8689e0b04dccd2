"""The runs every simulator and risk figure counts: scored runs of a scope, by their current
score report (a rescored run counts once, with its newest report; older reports never count).

A run belongs to the scope when it was driven at the scope's site within the period (by
``Run.started_at``), for the course or instructor through its assignment's session (runs with
no session count only when neither is filtered), and for the organisation through its trainee.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.sql.expression import ColumnElement

from isdc.analytics.scope import Scope
from isdc.models import Assignment, CourseSession, Run, RunFinding, ScoreReport, Trainee
from isdc.models.schedule import SessionInstructor

# A run is scored when it has a current report; ``Run.score``/``Run.passed`` repeat that
# report (record_report keeps them in step), so run-level figures need no join.
SCORED = Run.score.is_not(None)
# A finding counts when its report is current. Spelled as "not of a superseded report": the
# superseded reports are the few rescored runs' old ones, a small set the database looks up
# cheaply, where joining every finding to its report costs a lookup per finding.
CURRENT_FINDING = RunFinding.report_id.not_in(
    select(ScoreReport.id).where(ScoreReport.is_current.is_(False))
)


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
