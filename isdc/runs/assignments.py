"""Assignments: scenarios (with vehicle and seed) for trainees, queued for simulator bays.

An instructor assigns scenarios to the trainees of a session (by default the course's required
scenarios), then sends a trainee to a bay: the trainee's waiting assignments are queued for that
bay's station, which fetches them one at a time (``next_for_station``).
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from isdc.models import (
    Assignment,
    AssignmentStatus,
    CourseSession,
    Enrolment,
    EnrolmentStatus,
    Station,
    Trainee,
)
from isdc.models.base import RecordStatus, utcnow
from isdc.models.rules import N_
from isdc.runs import catalogue

# Enrolments whose trainees take part in a session's simulator work.
TAKING_PART = (EnrolmentStatus.ENROLLED, EnrolmentStatus.COMPLETED, EnrolmentStatus.FAILED)
OPEN = (AssignmentStatus.PENDING, AssignmentStatus.SENT, AssignmentStatus.RUNNING)
MAX_SEED = 2**31 - 1


class AssignmentProblem(ValueError):
    """An assignment that cannot be made; the message is English, for ``gettext``."""

    def __init__(self, message: str, **params: object):
        super().__init__(message % params if params else message)
        self.message = message
        self.params = params


@dataclass(frozen=True)
class Task:
    """One scenario to assign: which, with what vehicle and seed (None: a random seed each)."""

    scenario_id: str
    vehicle: str
    seed: int | None = None


def required_tasks(session: CourseSession) -> list[Task]:
    """The course's required scenarios as tasks (the default of the assignment form)."""
    return [
        Task(req.scenario_id, str(req.vehicle))
        for req in sorted(session.course.scenario_requirements, key=lambda r: r.position)
    ]


def check_task(task: Task) -> None:
    info = catalogue.get(task.scenario_id)
    if info is None or not info.scorable:
        raise AssignmentProblem(
            N_("Scenario %(scenario)s cannot be assigned."), scenario=task.scenario_id
        )
    if task.vehicle not in catalogue.VEHICLES:
        raise AssignmentProblem(
            N_("The simulator has no vehicle %(vehicle)s."), vehicle=task.vehicle
        )
    if task.seed is not None and not (0 <= task.seed <= MAX_SEED):
        raise AssignmentProblem(N_("A seed is a whole number from 0 to %(max)d."), max=MAX_SEED)


def participants(db: Session, session: CourseSession) -> list[Enrolment]:
    return list(
        db.scalars(
            select(Enrolment)
            .join(Trainee)
            .where(Enrolment.session_id == session.id, Enrolment.status.in_(TAKING_PART))
            .order_by(Trainee.full_name, Trainee.id)
        )
    )


def assign(
    db: Session,
    session: CourseSession,
    tasks: Sequence[Task],
    enrolments: Iterable[Enrolment],
    *,
    created_by_id: int | None = None,
    rng: random.Random | None = None,
    skip_open: bool = True,
) -> list[Assignment]:
    """Create assignments of ``tasks`` for each enrolment; the caller commits.

    With ``skip_open`` a trainee who already has the same scenario and vehicle waiting (pending,
    sent or running) does not get it twice, so pressing "assign" again is harmless.
    """
    for task in tasks:
        check_task(task)
    rng = rng or random.SystemRandom()
    created = []
    for enrolment in enrolments:
        if enrolment.session_id != session.id:
            raise AssignmentProblem(N_("That trainee is not in this session."))
        open_now = set()
        if skip_open:
            open_now = set(
                db.execute(
                    select(Assignment.scenario_id, Assignment.vehicle).where(
                        Assignment.trainee_id == enrolment.trainee_id,
                        Assignment.status.in_(OPEN),
                    )
                ).all()
            )
        for task in tasks:
            if (task.scenario_id, task.vehicle) in open_now:
                continue
            assignment = Assignment(
                site_id=session.site_id,
                trainee_id=enrolment.trainee_id,
                enrolment_id=enrolment.id,
                session_id=session.id,
                scenario_id=task.scenario_id,
                vehicle=task.vehicle,
                seed=task.seed if task.seed is not None else rng.randint(1, 99_999),
                status=AssignmentStatus.PENDING,
                created_by_id=created_by_id,
            )
            db.add(assignment)
            created.append(assignment)
    db.flush()
    return created


def send_to_bay(db: Session, trainee_id: int, station: Station) -> int:
    """Queue the trainee's waiting assignments (pending, not yet fetched) for ``station``.

    Returns how many were queued. Assignments a station has already fetched stay where they are.
    """
    if station.status != RecordStatus.ACTIVE:
        raise AssignmentProblem(N_("Station %(name)s is retired."), name=station.name)
    pending = db.scalars(
        select(Assignment).where(
            Assignment.trainee_id == trainee_id,
            Assignment.site_id == station.site_id,
            Assignment.status == AssignmentStatus.PENDING,
        )
    ).all()
    for assignment in pending:
        assignment.station_id = station.id
    return len(pending)


def next_for_station(db: Session, station: Station) -> Assignment | None:
    """Hand the station its oldest queued assignment, marking it sent; None when none waits.

    The status moves with a conditional UPDATE, so two polls racing (two server workers) can
    never hand out the same assignment twice, on SQLite and PostgreSQL alike.
    """
    for _attempt in range(5):
        candidate = db.scalar(
            select(Assignment.id)
            .where(
                Assignment.station_id == station.id,
                Assignment.status == AssignmentStatus.PENDING,
            )
            .order_by(Assignment.created_at, Assignment.id)
            .limit(1)
        )
        if candidate is None:
            return None
        now = utcnow()
        taken = db.execute(
            update(Assignment)
            .where(Assignment.id == candidate, Assignment.status == AssignmentStatus.PENDING)
            .values(status=AssignmentStatus.SENT, sent_at=now, updated_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount
        if taken:
            db.commit()
            return db.get(Assignment, candidate, populate_existing=True)
        db.rollback()
    return None


def cancel(assignment: Assignment, reason: str | None = None) -> None:
    if assignment.status not in OPEN:
        raise AssignmentProblem(N_("Only a waiting assignment can be cancelled."))
    assignment.status = AssignmentStatus.CANCELLED
    assignment.cancel_reason = (reason or "").strip()[:500] or None
    assignment.finished_at = utcnow()


def resend(assignment: Assignment) -> None:
    """Put an assignment a station fetched but never reported back in its bay's queue again."""
    if assignment.status not in (AssignmentStatus.SENT, AssignmentStatus.RUNNING):
        raise AssignmentProblem(N_("Only an assignment sent to a station can be sent again."))
    assignment.status = AssignmentStatus.PENDING
    assignment.sent_at = None
