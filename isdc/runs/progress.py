"""Progress over runs: a trainee's attempts per scenario, a cohort's required scenarios.

A course requirement (scenario, vehicle, minimum score) is met by a passed run of that
scenario and vehicle scoring at least the minimum. For a session's cohort view, the runs that
count are those made for the session's assignments, and runs without an assignment made while
the session ran.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from isdc.models import Assignment, CourseSession, Enrolment, Run
from isdc.runs.assignments import OPEN, participants


@dataclass
class Attempt:
    run_id: str
    started_at: datetime
    score: float | None
    passed: bool | None
    outcome: str


@dataclass
class ScenarioProgress:
    """A trainee's attempts at one scenario with one vehicle, oldest first."""

    scenario_id: str
    vehicle: str
    attempts: list[Attempt] = field(default_factory=list)
    min_score: float | None = None  # when a course of the trainee requires it

    @property
    def best(self) -> float | None:
        scores = [a.score for a in self.attempts if a.score is not None]
        return max(scores) if scores else None

    @property
    def latest(self) -> Attempt | None:
        return self.attempts[-1] if self.attempts else None

    @property
    def passed(self) -> bool:
        return any(meets(a.score, a.passed, self.min_score) for a in self.attempts)


def meets(score: float | None, passed: bool | None, min_score: float | None) -> bool:
    return bool(passed) and score is not None and score >= (min_score or 0.0)


def trainee_progress(db: Session, trainee_id: int) -> list[ScenarioProgress]:
    """Every scenario the trainee has driven or must drive, with the attempts in time order."""
    runs = db.execute(
        select(Run.id, Run.scenario_id, Run.vehicle, Run.started_at, Run.score, Run.passed,
               Run.outcome)
        .where(Run.trainee_id == trainee_id)
        .order_by(Run.started_at, Run.received_at)
    ).all()  # fmt: skip
    by_key: dict[tuple[str, str], ScenarioProgress] = {}
    for requirement in _requirements_of(db, trainee_id):
        key = (requirement.scenario_id, str(requirement.vehicle))
        progress = by_key.setdefault(key, ScenarioProgress(*key))
        progress.min_score = max(progress.min_score or 0.0, requirement.min_score)
    for r in runs:
        key = (r.scenario_id, r.vehicle)
        progress = by_key.setdefault(key, ScenarioProgress(*key))
        progress.attempts.append(Attempt(str(r.id), r.started_at, r.score, r.passed, r.outcome))
    return list(by_key.values())


def _requirements_of(db: Session, trainee_id: int) -> list:
    from isdc.models import Course, CourseScenarioRequirement, EnrolmentStatus

    return list(
        db.scalars(
            select(CourseScenarioRequirement)
            .join(Course, Course.id == CourseScenarioRequirement.course_id)
            .join(CourseSession, CourseSession.course_id == Course.id)
            .join(Enrolment, Enrolment.session_id == CourseSession.id)
            .where(
                Enrolment.trainee_id == trainee_id,
                Enrolment.status.in_(
                    (EnrolmentStatus.ENROLLED, EnrolmentStatus.COMPLETED, EnrolmentStatus.FAILED)
                ),
            )
            .order_by(CourseSession.starts_at, CourseScenarioRequirement.position)
        ).unique()
    )


@dataclass
class Cell:
    """One trainee and one required scenario in the cohort view."""

    best: float | None = None
    attempts: int = 0
    passed: bool = False
    best_run_id: str | None = None
    waiting: str | None = None  # status of an open assignment for it (pending, sent, ...)


@dataclass
class CohortRow:
    enrolment: Enrolment
    cells: list[Cell]
    open_assignments: int = 0
    queued_at: str | None = None  # the station an assignment of this trainee is queued for

    @property
    def passed_all(self) -> bool:
        return all(c.passed for c in self.cells)


@dataclass
class Cohort:
    session: CourseSession
    requirements: list  # CourseScenarioRequirement, in course order
    rows: list[CohortRow]

    @property
    def passed_count(self) -> int:
        return sum(1 for r in self.rows if r.passed_all and self.requirements)


def cohort(db: Session, session: CourseSession) -> Cohort:
    """Who has passed which required scenario of the session's course (3 queries)."""
    requirements = sorted(session.course.scenario_requirements, key=lambda r: r.position)
    enrolments = participants(db, session)
    trainee_ids = [e.trainee_id for e in enrolments]
    runs_by_trainee: dict[int, list] = defaultdict(list)
    assignments_by_trainee: dict[int, list[Assignment]] = defaultdict(list)
    if trainee_ids:
        session_assignments = select(Assignment.id).where(Assignment.session_id == session.id)
        for r in db.execute(
            select(Run.id, Run.trainee_id, Run.scenario_id, Run.vehicle, Run.score, Run.passed)
            .where(
                Run.trainee_id.in_(trainee_ids),
                or_(
                    Run.assignment_id.in_(session_assignments),
                    and_(
                        Run.assignment_id.is_(None),
                        Run.started_at >= session.starts_at,
                        Run.started_at < session.ends_at,
                    ),
                ),
            )
            .order_by(Run.started_at)
        ):
            runs_by_trainee[r.trainee_id].append(r)
        for a in db.scalars(
            select(Assignment)
            .where(Assignment.session_id == session.id, Assignment.status.in_(OPEN))
            .order_by(Assignment.created_at, Assignment.id)
        ):
            assignments_by_trainee[a.trainee_id].append(a)
    rows = []
    for enrolment in enrolments:
        runs = runs_by_trainee[enrolment.trainee_id]
        waiting = assignments_by_trainee[enrolment.trainee_id]
        cells = []
        for req in requirements:
            cell = Cell()
            for r in runs:
                if r.scenario_id != req.scenario_id or r.vehicle != str(req.vehicle):
                    continue
                cell.attempts += 1
                if r.score is not None and (cell.best is None or r.score > cell.best):
                    cell.best, cell.best_run_id = r.score, str(r.id)
                cell.passed = cell.passed or meets(r.score, r.passed, req.min_score)
            for a in waiting:
                if a.scenario_id == req.scenario_id and a.vehicle == str(req.vehicle):
                    cell.waiting = a.status.value
                    break
            cells.append(cell)
        queued = next((a.station.name for a in waiting if a.station is not None), None)
        rows.append(CohortRow(enrolment, cells, len(waiting), queued))
    return Cohort(session, requirements, rows)
