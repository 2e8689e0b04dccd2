"""What the dashboards show, read in a fixed, small number of queries whatever the data size."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from isdc.models import (
    Booking,
    BookingStatus,
    Course,
    CourseSession,
    Enrolment,
    EnrolmentStatus,
    Facility,
    FacilityKind,
    Instructor,
    RecordStatus,
    ResourceKind,
    SessionInstructor,
    SessionSlot,
    SessionStatus,
    Trainee,
)
from isdc.models.enrolment import PLACE_HOLDING
from isdc.models.schedule import intervals_overlap


@dataclass
class SessionRow:
    id: int
    name: str
    course_code: str
    title_id: str
    title_en: str
    starts_at: datetime
    ends_at: datetime
    capacity: int
    status: SessionStatus
    enrolled: int = 0
    waitlisted: int = 0

    def title(self, locale: str) -> str:
        return self.title_en if locale == "en" else self.title_id

    @property
    def places_left(self) -> int:
        return max(0, self.capacity - self.enrolled)


@dataclass
class AdminOverview:
    trainees: int
    instructors: int
    facilities_by_kind: dict[FacilityKind, int]
    upcoming_sessions: int
    next_sessions: list[SessionRow]

    @property
    def facilities(self) -> int:
        return sum(self.facilities_by_kind.values())


def _enrolment_count(statuses: tuple[EnrolmentStatus, ...]):  # type: ignore[no-untyped-def]
    return (
        select(func.count(Enrolment.id))
        .where(Enrolment.session_id == CourseSession.id, Enrolment.status.in_(statuses))
        .correlate(CourseSession)
        .scalar_subquery()
    )


def _session_rows(db: Session, *conditions, limit: int | None = None) -> list[SessionRow]:  # type: ignore[no-untyped-def]
    query = (
        select(
            CourseSession.id,
            CourseSession.name,
            Course.code,
            Course.title_id,
            Course.title_en,
            CourseSession.starts_at,
            CourseSession.ends_at,
            CourseSession.capacity,
            CourseSession.status,
            _enrolment_count(PLACE_HOLDING),
            _enrolment_count((EnrolmentStatus.WAITLISTED,)),
        )
        .join(Course, Course.id == CourseSession.course_id)
        .where(*conditions)
        .order_by(CourseSession.starts_at, CourseSession.id)
    )
    if limit is not None:
        query = query.limit(limit)
    return [SessionRow(*row) for row in db.execute(query)]


def admin_overview(db: Session, site_id: int, now: datetime, listed: int = 8) -> AdminOverview:
    """Counts of active trainees, instructors and facilities, and the sessions ahead."""
    upcoming = (
        CourseSession.site_id == site_id,
        CourseSession.status == SessionStatus.PLANNED,
        CourseSession.ends_at > now,
    )
    trainees, instructors, sessions = db.execute(
        select(
            select(func.count(Trainee.id))
            .where(Trainee.site_id == site_id, Trainee.status == RecordStatus.ACTIVE)
            .scalar_subquery(),
            select(func.count(Instructor.id))
            .where(Instructor.site_id == site_id, Instructor.status == RecordStatus.ACTIVE)
            .scalar_subquery(),
            select(func.count(CourseSession.id)).where(*upcoming).scalar_subquery(),
        )
    ).one()
    by_kind = dict.fromkeys(FacilityKind, 0)
    for kind, count in db.execute(
        select(Facility.kind, func.count(Facility.id))
        .where(Facility.site_id == site_id, Facility.status == RecordStatus.ACTIVE)
        .group_by(Facility.kind)
    ):
        by_kind[kind] = count
    return AdminOverview(
        trainees=trainees,
        instructors=instructors,
        facilities_by_kind=by_kind,
        upcoming_sessions=sessions,
        next_sessions=_session_rows(db, *upcoming, limit=listed),
    )


def local_day_bounds(day: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """The UTC instants where a local day starts and ends (half-open)."""
    start = datetime.combine(day, time(0), tzinfo=tz)
    return start, datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz)


@dataclass
class SlotRow:
    slot_id: int
    session: SessionRow
    starts_at: datetime
    ends_at: datetime
    topic: str | None
    places: list[str] = field(default_factory=list)  # facility names booked for the slot


@dataclass
class InstructorDay:
    day: date
    today: list[SlotRow]
    coming: list[SlotRow]  # the next days of the coming week


def instructor_day(
    db: Session, instructor_id: int, day: date, tz: ZoneInfo, days_ahead: int = 7
) -> InstructorDay:
    """The instructor's slots today and in the coming week, with where each takes place."""
    start, _ = local_day_bounds(day, tz)
    _, end_of_today = local_day_bounds(day, tz)
    _, horizon = local_day_bounds(day + timedelta(days=days_ahead), tz)
    rows = db.execute(
        select(
            SessionSlot.id,
            SessionSlot.session_id,
            SessionSlot.starts_at,
            SessionSlot.ends_at,
            SessionSlot.topic,
        )
        .join(SessionInstructor, SessionInstructor.session_id == SessionSlot.session_id)
        .join(CourseSession, CourseSession.id == SessionSlot.session_id)
        .where(
            SessionInstructor.instructor_id == instructor_id,
            CourseSession.status != SessionStatus.CANCELLED,
            SessionSlot.starts_at < horizon,
            SessionSlot.ends_at > start,
        )
        .order_by(SessionSlot.starts_at)
    ).all()
    slots = _slot_rows(db, rows)
    return InstructorDay(
        day=day,
        today=[s for s in slots if s.starts_at < end_of_today],
        coming=[s for s in slots if s.starts_at >= end_of_today],
    )


def _slot_rows(
    db: Session,
    rows: list,
    sessions: dict[int, SessionRow] | None = None,  # type: ignore[type-arg]
) -> list[SlotRow]:
    """Attach session details and booked facilities to raw slot rows (two queries, one when
    the sessions are known already)."""
    session_ids = sorted({r.session_id for r in rows})
    if not session_ids:
        return []
    if sessions is None:
        sessions = {s.id: s for s in _session_rows(db, CourseSession.id.in_(session_ids))}
    places: dict[int, list[tuple[datetime, datetime, str]]] = defaultdict(list)
    for session_id, starts_at, ends_at, name in db.execute(
        select(Booking.session_id, Booking.starts_at, Booking.ends_at, Facility.name)
        .join(Facility, Facility.id == Booking.facility_id)
        .where(
            Booking.session_id.in_(session_ids),
            Booking.resource_kind == ResourceKind.FACILITY,
            Booking.status == BookingStatus.ACTIVE,
        )
        .order_by(Facility.kind, Facility.name)
    ):
        places[session_id].append((starts_at, ends_at, name))
    result = []
    for r in rows:
        booked = [
            name
            for b_start, b_end, name in places[r.session_id]
            if intervals_overlap(b_start, b_end, r.starts_at, r.ends_at)
        ]
        result.append(
            SlotRow(
                r.id,
                sessions[r.session_id],
                r.starts_at,
                r.ends_at,
                r.topic,
                list(dict.fromkeys(booked)),
            )
        )
    return result


@dataclass
class TraineeEnrolmentRow:
    enrolment_id: int
    status: EnrolmentStatus
    waitlist_position: int | None
    session: SessionRow
    slots: list[SlotRow]


@dataclass
class TraineeSchedule:
    upcoming: list[TraineeEnrolmentRow]
    past: list[TraineeEnrolmentRow]


def trainee_schedule(
    db: Session, trainee_id: int, now: datetime, past_listed: int = 10
) -> TraineeSchedule:
    """The trainee's current and coming sessions with every remaining slot, and recent ones."""
    enrolments = db.execute(
        select(
            Enrolment.id,
            Enrolment.status,
            Enrolment.waitlist_position,
            Enrolment.session_id,
            CourseSession.ends_at,
        )
        .join(CourseSession, CourseSession.id == Enrolment.session_id)
        .where(Enrolment.trainee_id == trainee_id)
        .order_by(CourseSession.starts_at)
    ).all()
    active_states = (EnrolmentStatus.ENROLLED, EnrolmentStatus.WAITLISTED)
    coming = [e for e in enrolments if e.ends_at > now and e.status in active_states]
    past = [e for e in enrolments if e not in coming][-past_listed:][::-1]
    ids = sorted({e.session_id for e in coming + past})
    sessions = {s.id: s for s in _session_rows(db, CourseSession.id.in_(ids))} if ids else {}
    slot_rows = (
        db.execute(
            select(
                SessionSlot.id,
                SessionSlot.session_id,
                SessionSlot.starts_at,
                SessionSlot.ends_at,
                SessionSlot.topic,
            )
            .where(
                SessionSlot.session_id.in_([e.session_id for e in coming]),
                SessionSlot.ends_at > now,
            )
            .order_by(SessionSlot.starts_at)
        ).all()
        if coming
        else []
    )
    by_session: dict[int, list[SlotRow]] = defaultdict(list)
    for slot in _slot_rows(db, slot_rows, sessions):
        by_session[slot.session.id].append(slot)

    def row(e) -> TraineeEnrolmentRow:  # type: ignore[no-untyped-def]
        return TraineeEnrolmentRow(
            e.id,
            e.status,
            e.waitlist_position,
            sessions[e.session_id],
            by_session.get(e.session_id, []),
        )

    return TraineeSchedule(upcoming=[row(e) for e in coming], past=[row(e) for e in past])
