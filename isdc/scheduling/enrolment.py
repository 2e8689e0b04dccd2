"""Trainees in sessions: enrol up to capacity, then a waitlist served in order of request;
withdraw with a reason and promote the next in line.

An enrolled trainee holds the session's time through trainee bookings, so "a trainee cannot
be enrolled in two sessions that overlap" is guarded by the same database mechanism as
instructors and facilities. Places are counted under a lock on the session row, so two
enrolments racing for the last place cannot both get it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from isdc.models import (
    Booking,
    BookingStatus,
    CourseSession,
    Enrolment,
    EnrolmentSource,
    EnrolmentStatus,
    RecordStatus,
    ResourceKind,
    SessionStatus,
    Trainee,
)
from isdc.models.audit import audit
from isdc.models.base import utcnow
from isdc.models.enrolment import PLACE_HOLDING
from isdc.models.rules import N_, InvalidRecord, RuleViolation
from isdc.scheduling.clashes import BookingRequest, Clash, SchedulingConflict, find_clashes
from isdc.scheduling.events import BackOfficeEvent
from isdc.scheduling.guard import is_overlap_refusal, lock_session_row

MAX_REASON_LENGTH = 500
ACTIVE_STATES = (EnrolmentStatus.ENROLLED, EnrolmentStatus.WAITLISTED)


@dataclass(frozen=True)
class Places:
    capacity: int
    taken: int
    waiting: int

    @property
    def free(self) -> int:
        return max(0, self.capacity - self.taken)


def places(db: Session, session: CourseSession) -> Places:
    taken, waiting = db.execute(
        select(
            func.count(Enrolment.id).filter(Enrolment.status.in_(PLACE_HOLDING)),
            func.count(Enrolment.id).filter(Enrolment.status == EnrolmentStatus.WAITLISTED),
        ).where(Enrolment.session_id == session.id)
    ).one()
    return Places(session.capacity, taken, waiting)


def session_problems(session: CourseSession, now: datetime) -> list[RuleViolation]:
    """Why nobody can be enrolled in this session now (empty when they can)."""
    if session.status == SessionStatus.CANCELLED:
        return [RuleViolation("session", N_("This session is cancelled."))]
    if session.status == SessionStatus.COMPLETED or session.ends_at <= now:
        return [RuleViolation("session", N_("This session is over."))]
    return []


def trainee_requests(session: CourseSession, trainee_id: int) -> list[BookingRequest]:
    """The trainee's time in every slot of the session."""
    tz = session.site.tzinfo
    return [
        BookingRequest(
            ResourceKind.TRAINEE,
            trainee_id,
            slot.starts_at,
            slot.ends_at,
            slot.starts_at.astimezone(tz).date(),
        )
        for slot in session.slots
    ]


def trainee_clashes(db: Session, session: CourseSession, trainee_id: int) -> list[Clash]:
    """Other sessions the trainee is enrolled in at the same time."""
    requests = trainee_requests(session, trainee_id)
    return find_clashes(db, requests, session.site.tzinfo)


def _book_trainee(db: Session, session: CourseSession, enrolment: Enrolment) -> None:
    for slot in session.slots:
        db.add(
            Booking(
                session_id=session.id,
                slot_id=slot.id,
                resource_kind=ResourceKind.TRAINEE,
                trainee_id=enrolment.trainee_id,
                starts_at=slot.starts_at,
                ends_at=slot.ends_at,
                created_by_id=enrolment.created_by_id,
            )
        )


def _release_trainee(db: Session, enrolment: Enrolment, now: datetime) -> None:
    for booking in db.scalars(
        select(Booking).where(
            Booking.session_id == enrolment.session_id,
            Booking.trainee_id == enrolment.trainee_id,
            Booking.status == BookingStatus.ACTIVE,
        )
    ):
        booking.status = BookingStatus.CANCELLED
        booking.cancelled_at = now


def renumber_waitlist(db: Session, session_id: int) -> None:
    """Positions 1, 2, 3 ... in order of request (``enrolled_at``, then id)."""
    waiting = db.scalars(
        select(Enrolment)
        .where(Enrolment.session_id == session_id, Enrolment.status == EnrolmentStatus.WAITLISTED)
        .order_by(Enrolment.enrolled_at, Enrolment.id)
    )
    for position, enrolment in enumerate(waiting, start=1):
        if enrolment.waitlist_position != position:
            enrolment.waitlist_position = position


def enrol(
    db: Session,
    session: CourseSession,
    trainee: Trainee,
    *,
    source: EnrolmentSource = EnrolmentSource.MANUAL,
    by_user_id: int | None = None,
    now: datetime | None = None,
) -> Enrolment:
    """Enrol ``trainee``: into a free place, or onto the waitlist when the session is full
    (or others are already waiting). Raises :class:`InvalidRecord` (cancelled or past session,
    retired trainee, already in) or :class:`SchedulingConflict` (enrolled elsewhere at the
    same time). The caller commits."""
    now = now or utcnow()
    lock_session_row(db, session.id)
    db.refresh(session)
    problems = session_problems(session, now)
    if trainee.status == RecordStatus.RETIRED:
        problems.append(
            RuleViolation(
                "trainee", N_("%(name)s is retired and cannot be enrolled."),
                {"name": trainee.full_name},
            )
        )  # fmt: skip
    existing = db.scalar(
        select(Enrolment).where(
            Enrolment.trainee_id == trainee.id, Enrolment.session_id == session.id
        )
    )
    if existing is not None and existing.status != EnrolmentStatus.WITHDRAWN:
        message = (
            N_("%(name)s is already on the waiting list of this session.")
            if existing.status == EnrolmentStatus.WAITLISTED
            else N_("%(name)s is already enrolled in this session.")
        )
        problems.append(RuleViolation("trainee", message, {"name": trainee.full_name}))
    if problems:
        raise InvalidRecord(problems)
    if clashes := trainee_clashes(db, session, trainee.id):
        raise SchedulingConflict(clashes)

    count = places(db, session)
    enrolment = existing or Enrolment(trainee_id=trainee.id, session_id=session.id)
    enrolment.enrolled_at = now
    enrolment.status_changed_at = now
    enrolment.source = source
    enrolment.created_by_id = by_user_id
    enrolment.withdrawn_at = None
    enrolment.withdraw_reason = None
    if count.free > 0 and count.waiting == 0:
        enrolment.status = EnrolmentStatus.ENROLLED
        enrolment.waitlist_position = None
        db.add(enrolment)
        db.flush()
        _book_trainee(db, session, enrolment)
        event = BackOfficeEvent.ENROL
    else:
        enrolment.status = EnrolmentStatus.WAITLISTED
        enrolment.waitlist_position = count.waiting + 1
        db.add(enrolment)
        event = BackOfficeEvent.WAITLIST
    _flush_bookings(db, session, trainee.id)
    audit(db, event, enrolment, trainee_id=trainee.id, session_id=session.id, source=source)
    return enrolment


def _flush_bookings(db: Session, session: CourseSession, trainee_id: int) -> None:
    """Write the trainee's bookings; if the database refuses them (another request enrolled
    the trainee elsewhere a moment ago), roll back and name the clash."""
    session_id = session.id
    try:
        db.flush()
    except IntegrityError as error:
        if not is_overlap_refusal(error):
            raise
        db.rollback()
        session = db.get(CourseSession, session_id)  # type: ignore[assignment]
        raise SchedulingConflict(trainee_clashes(db, session, trainee_id), raced=True) from error


def withdraw(
    db: Session, enrolment: Enrolment, reason: str, now: datetime | None = None
) -> list[Enrolment]:
    """Withdraw an enrolled or waitlisted trainee with a reason; a freed place goes to the
    next on the waitlist. Returns the promoted enrolments. The caller commits."""
    now = now or utcnow()
    reason = reason.strip()
    problems = []
    if enrolment.status not in ACTIVE_STATES:
        problems.append(
            RuleViolation("status", N_("Only an enrolled or waiting trainee can be withdrawn."))
        )
    if not reason:
        problems.append(RuleViolation("reason", N_("Give the reason for the withdrawal.")))
    elif len(reason) > MAX_REASON_LENGTH:
        problems.append(
            RuleViolation(
                "reason",
                N_("The reason may have at most %(maximum)d characters."),
                {"maximum": MAX_REASON_LENGTH},
            )
        )
    if problems:
        raise InvalidRecord(problems)
    session = enrolment.session
    lock_session_row(db, session.id)
    held_place = enrolment.status == EnrolmentStatus.ENROLLED
    enrolment.status = EnrolmentStatus.WITHDRAWN
    enrolment.status_changed_at = now
    enrolment.withdrawn_at = now
    enrolment.withdraw_reason = reason
    enrolment.waitlist_position = None
    _release_trainee(db, enrolment, now)
    audit(db, BackOfficeEvent.WITHDRAW, enrolment, reason=reason, held_place=held_place)
    db.flush()
    promoted = promote_waitlist(db, session, now) if held_place else []
    renumber_waitlist(db, session.id)
    return promoted


def promote_waitlist(
    db: Session, session: CourseSession, now: datetime | None = None
) -> list[Enrolment]:
    """Fill free places from the waitlist in order of request. A waiting trainee who has since
    been enrolled in another session at the same time is passed over (and stays waiting).
    Returns the promoted enrolments; the caller commits."""
    now = now or utcnow()
    if session_problems(session, now):
        return []
    lock_session_row(db, session.id)
    free = places(db, session).free
    promoted: list[Enrolment] = []
    if free == 0:
        return promoted
    waiting = db.scalars(
        select(Enrolment)
        .where(Enrolment.session_id == session.id, Enrolment.status == EnrolmentStatus.WAITLISTED)
        .order_by(Enrolment.enrolled_at, Enrolment.id)
    ).all()
    for enrolment in waiting:
        if len(promoted) == free:
            break
        if trainee_clashes(db, session, enrolment.trainee_id):
            continue
        enrolment.status = EnrolmentStatus.ENROLLED
        enrolment.status_changed_at = now
        enrolment.waitlist_position = None
        _book_trainee(db, session, enrolment)
        _flush_bookings(db, session, enrolment.trainee_id)
        audit(db, BackOfficeEvent.PROMOTE, enrolment, trainee=enrolment.trainee_id)
        promoted.append(enrolment)
    if promoted:
        renumber_waitlist(db, session.id)
    return promoted


def change_capacity(
    db: Session, session: CourseSession, capacity: int, now: datetime | None = None
) -> list[Enrolment]:
    """Set the number of places; more places promote from the waitlist. Returns the promoted
    enrolments; the caller commits."""
    lock_session_row(db, session.id)
    taken = places(db, session).taken
    if capacity < 1:
        raise InvalidRecord([RuleViolation("capacity", N_("Capacity must be at least 1."))])
    if capacity < taken:
        raise InvalidRecord(
            [
                RuleViolation(
                    "capacity",
                    N_("%(count)d trainees hold a place; the capacity cannot be lower."),
                    {"count": taken},
                )
            ]
        )
    session.capacity = capacity
    db.flush()
    return promote_waitlist(db, session, now)


def enrolled_trainee_ids(db: Session, session_ids: Sequence[int]) -> dict[int, list[int]]:
    """Session id -> trainees holding a place (for checks over several sessions)."""
    result: dict[int, list[int]] = {i: [] for i in session_ids}
    for session_id, trainee_id in db.execute(
        select(Enrolment.session_id, Enrolment.trainee_id).where(
            Enrolment.session_id.in_(session_ids), Enrolment.status.in_(PLACE_HOLDING)
        )
    ):
        result[session_id].append(trainee_id)
    return result
