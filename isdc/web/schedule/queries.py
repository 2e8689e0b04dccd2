"""What the schedule pages read, each in a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session, joinedload, selectinload

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
    Organisation,
    RecordStatus,
    ResourceKind,
    SessionInstructor,
    SessionSlot,
    SessionStatus,
    Trainee,
)
from isdc.models.enrolment import PLACE_HOLDING
from isdc.models.schedule import intervals_overlap


def _count(statuses: tuple[EnrolmentStatus, ...]):  # type: ignore[no-untyped-def]
    return (
        select(func.count(Enrolment.id))
        .where(Enrolment.session_id == CourseSession.id, Enrolment.status.in_(statuses))
        .correlate(CourseSession)
        .scalar_subquery()
    )


@dataclass(frozen=True)
class SessionFilter:
    period: str = "upcoming"  # upcoming, past, all
    course_id: int | None = None
    instructor_id: int | None = None
    status: str = ""  # a SessionStatus value or "" for any

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> SessionFilter:
        def number(key: str) -> int | None:
            value = args.get(key, "")
            return int(value) if value.isdigit() else None

        period = args.get("period", "upcoming")
        status = args.get("status", "")
        return cls(
            period=period if period in ("upcoming", "past", "all") else "upcoming",
            course_id=number("course"),
            instructor_id=number("instructor"),
            status=status if status in {s.value for s in SessionStatus} else "",
        )


@dataclass
class SessionListRow:
    id: int
    name: str
    course_code: str
    title_id: str
    title_en: str
    starts_at: datetime
    ends_at: datetime
    capacity: int
    status: SessionStatus
    enrolled: int
    waitlisted: int
    instructors: list[str] = field(default_factory=list)

    def title(self, locale: str) -> str:
        return self.title_en if locale == "en" else self.title_id


def _session_filter(query: Select, site_id: int, f: SessionFilter, now: datetime) -> Select:  # type: ignore[type-arg]
    query = query.where(CourseSession.site_id == site_id)
    if f.period == "upcoming":
        query = query.where(CourseSession.ends_at > now)
    elif f.period == "past":
        query = query.where(CourseSession.ends_at <= now)
    if f.course_id is not None:
        query = query.where(CourseSession.course_id == f.course_id)
    if f.status:
        query = query.where(CourseSession.status == SessionStatus(f.status))
    if f.instructor_id is not None:
        query = query.where(
            CourseSession.id.in_(
                select(SessionInstructor.session_id).where(
                    SessionInstructor.instructor_id == f.instructor_id
                )
            )
        )
    return query


def count_sessions(db: Session, site_id: int, f: SessionFilter, now: datetime) -> int:
    return db.scalar(_session_filter(select(func.count(CourseSession.id)), site_id, f, now)) or 0


def session_rows(
    db: Session, site_id: int, f: SessionFilter, now: datetime, offset: int, limit: int
) -> list[SessionListRow]:
    query = select(
        CourseSession.id,
        CourseSession.name,
        Course.code,
        Course.title_id,
        Course.title_en,
        CourseSession.starts_at,
        CourseSession.ends_at,
        CourseSession.capacity,
        CourseSession.status,
        _count(PLACE_HOLDING),
        _count((EnrolmentStatus.WAITLISTED,)),
    ).join(Course, Course.id == CourseSession.course_id)
    order = (CourseSession.starts_at.desc(),) if f.period == "past" else (CourseSession.starts_at,)
    query = _session_filter(query, site_id, f, now).order_by(*order, CourseSession.id)
    rows = [SessionListRow(*row) for row in db.execute(query.offset(offset).limit(limit))]
    names = instructor_names(db, [r.id for r in rows])
    for row in rows:
        row.instructors = names[row.id]
    return rows


def instructor_names(db: Session, session_ids: list[int]) -> dict[int, list[str]]:
    names: dict[int, list[str]] = defaultdict(list)
    if not session_ids:
        return names
    for session_id, rank, name in db.execute(
        select(SessionInstructor.session_id, Instructor.rank, Instructor.full_name)
        .join(Instructor, Instructor.id == SessionInstructor.instructor_id)
        .where(SessionInstructor.session_id.in_(session_ids))
        # The lead first ("lead" sorts after "assistant").
        .order_by(SessionInstructor.session_id, SessionInstructor.role.desc(), Instructor.full_name)
    ):
        names[session_id].append(f"{rank} {name}" if rank else name)
    return names


def load_session(db: Session, session_id: int) -> CourseSession | None:
    return db.scalar(
        select(CourseSession)
        .options(
            selectinload(CourseSession.slots),
            selectinload(CourseSession.instructors).selectinload(SessionInstructor.instructor),
        )
        .where(CourseSession.id == session_id)
    )


@dataclass
class DayPlan:
    """One slot of a session with what it books."""

    slot: SessionSlot
    day: date
    facilities: list[tuple[str, FacilityKind, datetime, datetime, bool]] = field(
        default_factory=list
    )  # name, kind, from, to, whole slot?


def day_plans(db: Session, session: CourseSession, tz: ZoneInfo) -> list[DayPlan]:
    plans = [DayPlan(s, s.starts_at.astimezone(tz).date()) for s in session.slots]
    by_slot = {p.slot.id: p for p in plans}
    query = (
        select(Booking.slot_id, Facility.name, Facility.kind, Booking.starts_at, Booking.ends_at)
        .join(Facility, Facility.id == Booking.facility_id)
        .where(Booking.session_id == session.id, Booking.resource_kind == ResourceKind.FACILITY)
        .order_by(Booking.starts_at, Facility.kind, Facility.name)
    )
    if session.status != SessionStatus.CANCELLED:  # a cancelled one shows where it would be
        query = query.where(Booking.status == BookingStatus.ACTIVE)
    for slot_id, name, kind, starts_at, ends_at in db.execute(query):
        plan = by_slot.get(slot_id)
        if plan is not None:
            whole = (starts_at, ends_at) == (plan.slot.starts_at, plan.slot.ends_at)
            plan.facilities.append((name, kind, starts_at, ends_at, whole))
    return plans


@dataclass
class EnrolmentLine:
    enrolment: Enrolment
    trainee: Trainee
    organisation: str | None


def session_enrolments(db: Session, session_id: int) -> list[EnrolmentLine]:
    """Every enrolment of the session with its trainee: places first (by name), then the
    waitlist in order, then the withdrawn."""
    rows = db.execute(
        select(Enrolment, Trainee, Organisation.name)
        .join(Trainee, Trainee.id == Enrolment.trainee_id)
        .outerjoin(Organisation, Organisation.id == Trainee.organisation_id)
        .where(Enrolment.session_id == session_id)
    ).all()
    lines = [EnrolmentLine(e, t, org) for e, t, org in rows]

    def key(line: EnrolmentLine) -> tuple[int, int, str]:
        e = line.enrolment
        if e.status in PLACE_HOLDING:
            return (0, 0, line.trainee.full_name.lower())
        if e.status == EnrolmentStatus.WAITLISTED:
            return (1, e.waitlist_position or 0, "")
        return (2, 0, line.trainee.full_name.lower())

    return sorted(lines, key=key)


def search_trainees(db: Session, site_id: int, q: str, session_id: int, limit: int = 20) -> list:  # type: ignore[type-arg]
    """Active trainees matching the text, with whether they are already in the session."""
    q = " ".join(q.split())
    if not q:
        return []
    digits = q.replace(" ", "")
    condition = (
        Trainee.nik.contains(digits, autoescape=True)
        if digits.isdigit()
        else or_(Trainee.full_name.icontains(q, autoescape=True),
                 Organisation.name.icontains(q, autoescape=True))
    )  # fmt: skip
    already = (
        select(Enrolment.status)
        .where(Enrolment.trainee_id == Trainee.id, Enrolment.session_id == session_id)
        .correlate(Trainee)
        .scalar_subquery()
    )
    return db.execute(
        select(Trainee, Organisation.name, already)
        .outerjoin(Organisation, Organisation.id == Trainee.organisation_id)
        .where(Trainee.site_id == site_id, Trainee.status == RecordStatus.ACTIVE, condition)
        .order_by(Trainee.full_name)
        .limit(limit)
    ).all()


@dataclass
class TodaySlot:
    slot: SessionSlot
    session: CourseSession
    places: list[tuple[str, datetime, datetime]] = field(default_factory=list)
    vehicles: list[tuple[str, datetime, datetime]] = field(default_factory=list)
    lines: list[EnrolmentLine] = field(default_factory=list)


def slots_of_day(db: Session, instructor_id: int, day: date, tz: ZoneInfo) -> list[TodaySlot]:
    """The instructor's slots on a day with places, vehicles and enrolled trainees."""
    start = datetime.combine(day, time(0), tzinfo=tz)
    end = start + timedelta(days=1)
    rows = db.execute(
        select(SessionSlot, CourseSession)
        .options(joinedload(CourseSession.course))
        .join(CourseSession, CourseSession.id == SessionSlot.session_id)
        .join(SessionInstructor, SessionInstructor.session_id == CourseSession.id)
        .where(SessionInstructor.instructor_id == instructor_id,
               CourseSession.status != SessionStatus.CANCELLED,
               SessionSlot.starts_at < end, SessionSlot.ends_at > start)
        .order_by(SessionSlot.starts_at)
    ).all()  # fmt: skip
    result = [TodaySlot(slot, session) for slot, session in rows]
    session_ids = sorted({r.session.id for r in result})
    if not session_ids:
        return result
    bookings: dict[int, list[tuple[str, FacilityKind, datetime, datetime]]] = defaultdict(list)
    for session_id, name, kind, starts_at, ends_at in db.execute(
        select(Booking.session_id, Facility.name, Facility.kind, Booking.starts_at, Booking.ends_at)
        .join(Facility, Facility.id == Booking.facility_id)
        .where(Booking.session_id.in_(session_ids), Booking.status == BookingStatus.ACTIVE,
               Booking.resource_kind == ResourceKind.FACILITY)
        .order_by(Booking.starts_at, Facility.name)
    ):  # fmt: skip
        bookings[session_id].append((name, kind, starts_at, ends_at))
    people: dict[int, list[EnrolmentLine]] = defaultdict(list)
    for enrolment, trainee, org in db.execute(
        select(Enrolment, Trainee, Organisation.name)
        .join(Trainee, Trainee.id == Enrolment.trainee_id)
        .outerjoin(Organisation, Organisation.id == Trainee.organisation_id)
        .where(Enrolment.session_id.in_(session_ids), Enrolment.status.in_(PLACE_HOLDING))
        .order_by(Trainee.full_name)
    ):
        people[enrolment.session_id].append(EnrolmentLine(enrolment, trainee, org))
    for item in result:
        for name, kind, starts_at, ends_at in bookings[item.session.id]:
            if intervals_overlap(starts_at, ends_at, item.slot.starts_at, item.slot.ends_at):
                target = item.vehicles if kind == FacilityKind.VEHICLE else item.places
                target.append((name, starts_at, ends_at))
        item.lines = people[item.session.id]
    return result
