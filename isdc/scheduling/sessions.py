"""Course sessions on the schedule: plan, check, book, move a day, cancel.

A plan says which days, the daily hours, the instructors (booked for the whole day) and the
facilities (booked for the whole day or part of it). :func:`check_plan` lists every clash per
day without writing; :func:`create_session` books it all in one transaction - or, with
``skip_conflicting``, books the days that are free and reports the rest. Races are settled by
the database (:mod:`isdc.scheduling.guard`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from isdc.models import (
    Booking,
    BookingStatus,
    Course,
    CourseSession,
    InstructorRole,
    RecordStatus,
    ResourceKind,
    SessionInstructor,
    SessionSlot,
    SessionStatus,
    Site,
)
from isdc.models.audit import audit
from isdc.models.base import utcnow
from isdc.models.rules import N_, InvalidRecord, RuleViolation
from isdc.models.schedule import intervals_overlap
from isdc.scheduling.clashes import (
    BookingRequest,
    Clash,
    Resources,
    SchedulingConflict,
    find_clashes,
    load_resources,
)
from isdc.scheduling.events import BackOfficeEvent
from isdc.scheduling.guard import hold_schedule_lock, is_overlap_refusal
from isdc.scheduling.recurrence import MAX_DAYS

MAX_NAME_LENGTH = 100
MAX_REASON_LENGTH = 500


@dataclass(frozen=True)
class FacilityBlock:
    """A facility booked on every day of the plan, for the whole day or ``starts``-``ends``
    (local time)."""

    facility_id: int
    starts: time | None = None
    ends: time | None = None


@dataclass(frozen=True)
class SessionPlan:
    course_id: int
    days: tuple[date, ...]
    day_starts: time  # local time, every day
    day_ends: time
    instructor_ids: tuple[int, ...]  # the first one leads
    facilities: tuple[FacilityBlock, ...] = ()
    capacity: int | None = None  # None: the course's capacity
    name: str = ""
    notes: str | None = None


@dataclass
class PlannedDay:
    day: date
    starts_at: datetime
    ends_at: datetime
    requests: list[BookingRequest]
    clashes: list[Clash] = field(default_factory=list)

    @property
    def is_clear(self) -> bool:
        return not self.clashes


@dataclass
class PlanCheck:
    course: Course
    days: list[PlannedDay]
    resources: Resources

    @property
    def clashes(self) -> list[Clash]:
        return [c for d in self.days for c in d.clashes]

    @property
    def clear_days(self) -> list[PlannedDay]:
        return [d for d in self.days if d.is_clear]


@dataclass
class ScheduleOutcome:
    session: CourseSession
    booked: list[PlannedDay]
    skipped: list[PlannedDay]


def _at(day: date, clock: time, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, clock, tzinfo=tz)


def _plan_problems(plan: SessionPlan, today: date) -> list[RuleViolation]:
    problems: list[RuleViolation] = []
    if not plan.days:
        problems.append(RuleViolation("days", N_("Choose at least one day.")))
    elif len(plan.days) > MAX_DAYS:
        problems.append(
            RuleViolation(
                "days", N_("A session can have at most %(maximum)d days."), {"maximum": MAX_DAYS}
            )
        )
    elif min(plan.days) < today:
        problems.append(
            RuleViolation(
                "days",
                N_("%(day)s is in the past; sessions are scheduled from today on."),
                {"day": min(plan.days).isoformat()},
            )
        )
    if plan.day_ends <= plan.day_starts:
        problems.append(RuleViolation("day_ends", N_("The session must end after it starts.")))
    if plan.capacity is not None and plan.capacity < 1:
        problems.append(RuleViolation("capacity", N_("Capacity must be at least 1.")))
    if not plan.instructor_ids:
        problems.append(RuleViolation("instructors", N_("Choose at least one instructor.")))
    elif len(set(plan.instructor_ids)) != len(plan.instructor_ids):
        problems.append(RuleViolation("instructors", N_("An instructor is chosen twice.")))
    if len(plan.name) > MAX_NAME_LENGTH:
        problems.append(
            RuleViolation(
                "name",
                N_("The name may have at most %(maximum)d characters."),
                {"maximum": MAX_NAME_LENGTH},
            )
        )
    return problems


def _block_times(block: FacilityBlock, plan: SessionPlan) -> tuple[time, time]:
    return (block.starts or plan.day_starts, block.ends or plan.day_ends)


def _block_problems(plan: SessionPlan, resources: Resources) -> list[RuleViolation]:
    problems: list[RuleViolation] = []
    seen: list[tuple[int, time, time]] = []
    for block in plan.facilities:
        name = resources.facilities[block.facility_id].name
        starts, ends = _block_times(block, plan)
        if ends <= starts:
            problems.append(
                RuleViolation(
                    "facilities",
                    N_("The booking of %(facility)s must end after it starts."),
                    {"facility": name},
                )
            )
            continue
        if starts < plan.day_starts or ends > plan.day_ends:
            problems.append(
                RuleViolation(
                    "facilities",
                    N_("The booking of %(facility)s must lie within the session's hours."),
                    {"facility": name},
                )
            )
        for other_id, other_starts, other_ends in seen:
            if other_id == block.facility_id and other_starts < ends and starts < other_ends:
                problems.append(
                    RuleViolation(
                        "facilities",
                        N_("%(facility)s is listed twice at overlapping times."),
                        {"facility": name},
                    )
                )
        seen.append((block.facility_id, starts, ends))
    return problems


def check_plan(db: Session, site: Site, plan: SessionPlan, today: date) -> PlanCheck:
    """Every day of the plan with its bookings and clashes; raises :class:`InvalidRecord` for
    a plan that cannot be booked at all (unknown course, end before start, ...)."""
    problems = _plan_problems(plan, today)
    course = db.get(Course, plan.course_id)
    if course is None or course.site_id != site.id:
        problems.append(RuleViolation("course", N_("Choose a course.")))
    elif course.status == RecordStatus.RETIRED:
        problems.append(
            RuleViolation("course", N_("The course %(code)s is retired."), {"code": course.code})
        )
    if problems:
        raise InvalidRecord(problems)
    assert course is not None
    tz = site.tzinfo
    first = plan.days[0]
    wanted = [
        BookingRequest(ResourceKind.INSTRUCTOR, i, _at(first, plan.day_starts, tz),
                       _at(first, plan.day_ends, tz), first)
        for i in plan.instructor_ids
    ] + [
        BookingRequest(ResourceKind.FACILITY, b.facility_id, _at(first, plan.day_starts, tz),
                       _at(first, plan.day_ends, tz), first)
        for b in plan.facilities
    ]  # fmt: skip
    resources = load_resources(db, wanted)
    unknown = [
        RuleViolation("instructors", N_("Unknown instructor."))
        for i in plan.instructor_ids
        if i not in resources.instructors or resources.instructors[i].site_id != site.id
    ] + [
        RuleViolation("facilities", N_("Unknown facility."))
        for b in plan.facilities
        if b.facility_id not in resources.facilities
        or resources.facilities[b.facility_id].site_id != site.id
    ]
    if unknown:
        raise InvalidRecord(unknown)
    if problems := _block_problems(plan, resources):
        raise InvalidRecord(problems)

    days = []
    for day in sorted(set(plan.days)):
        starts_at, ends_at = _at(day, plan.day_starts, tz), _at(day, plan.day_ends, tz)
        requests = [
            BookingRequest(ResourceKind.INSTRUCTOR, i, starts_at, ends_at, day)
            for i in plan.instructor_ids
        ]
        for block in plan.facilities:
            block_starts, block_ends = _block_times(block, plan)
            requests.append(
                BookingRequest(ResourceKind.FACILITY, block.facility_id,
                               _at(day, block_starts, tz), _at(day, block_ends, tz), day)
            )  # fmt: skip
        days.append(PlannedDay(day, starts_at, ends_at, requests))
    all_requests = [r for d in days for r in d.requests]
    by_day = {d.day: d for d in days}
    for clash in find_clashes(db, all_requests, tz, course=course, resources=resources):
        by_day[clash.day].clashes.append(clash)
    return PlanCheck(course, days, resources)


def create_session(
    db: Session,
    site: Site,
    plan: SessionPlan,
    *,
    today: date,
    skip_conflicting: bool = False,
    created_by_id: int | None = None,
) -> ScheduleOutcome:
    """Book the plan (the caller commits). Raises :class:`SchedulingConflict` naming every
    clash when a day clashes (or, with ``skip_conflicting``, when no day is left), and
    :class:`InvalidRecord` for a plan that makes no sense. On a lost race the transaction is
    rolled back and the clashes are read again, so the message names the winner."""
    for attempt in (1, 2):
        hold_schedule_lock(db)
        check = check_plan(db, site, plan, today)
        if check.clashes and not skip_conflicting:
            raise SchedulingConflict(check.clashes, raced=attempt > 1)
        to_book = check.clear_days
        if not to_book:
            raise SchedulingConflict(check.clashes, raced=attempt > 1)
        session = _book(db, site, plan, check, to_book, created_by_id)
        try:
            db.flush()
        except IntegrityError as error:
            if not is_overlap_refusal(error):
                raise
            db.rollback()
            continue  # someone booked the same time a moment ago: check again
        skipped = [d for d in check.days if not d.is_clear]
        audit(
            db,
            BackOfficeEvent.SCHEDULE,
            session,
            days=[d.day for d in to_book],
            skipped={d.day.isoformat(): [c.describe(site.tzinfo) for c in d.clashes]
                     for d in skipped},
        )  # fmt: skip
        return ScheduleOutcome(session, to_book, skipped)
    check = check_plan(db, site, plan, today)
    raise SchedulingConflict(check.clashes, raced=True)


def _book(
    db: Session,
    site: Site,
    plan: SessionPlan,
    check: PlanCheck,
    days: list[PlannedDay],
    created_by_id: int | None,
) -> CourseSession:
    course = check.course
    session = CourseSession(
        site_id=site.id,
        course_id=course.id,
        name=plan.name.strip() or f"{course.code} {days[0].day:%d/%m/%Y}",
        capacity=plan.capacity if plan.capacity is not None else course.capacity,
        status=SessionStatus.PLANNED,
        starts_at=days[0].starts_at,
        ends_at=days[-1].ends_at,
        notes=plan.notes or None,
        created_by_id=created_by_id,
    )
    db.add(session)
    for index, instructor_id in enumerate(plan.instructor_ids):
        db.add(
            SessionInstructor(
                session=session,
                instructor_id=instructor_id,
                role=InstructorRole.LEAD if index == 0 else InstructorRole.ASSISTANT,
            )
        )
    for planned in days:
        slot = SessionSlot(session=session, starts_at=planned.starts_at, ends_at=planned.ends_at)
        db.add(slot)
        for request in planned.requests:
            db.add(_booking(session, slot, request, created_by_id))
    return session


def _booking(
    session: CourseSession, slot: SessionSlot, request: BookingRequest, created_by_id: int | None
) -> Booking:
    column = {
        ResourceKind.INSTRUCTOR: "instructor_id",
        ResourceKind.FACILITY: "facility_id",
        ResourceKind.TRAINEE: "trainee_id",
    }[request.resource_kind]
    return Booking(
        session=session,
        slot=slot,
        resource_kind=request.resource_kind,
        starts_at=request.starts_at,
        ends_at=request.ends_at,
        created_by_id=created_by_id,
        **{column: request.resource_id},
    )


def _reason_problems(reason: str, field_name: str = "reason") -> list[RuleViolation]:
    if not reason.strip():
        return [RuleViolation(field_name, N_("Give a reason; the trainees will see it."))]
    if len(reason) > MAX_REASON_LENGTH:
        return [
            RuleViolation(
                field_name,
                N_("The reason may have at most %(maximum)d characters."),
                {"maximum": MAX_REASON_LENGTH},
            )
        ]
    return []


def _require_planned(session: CourseSession) -> None:
    if session.status != SessionStatus.PLANNED:
        raise InvalidRecord([RuleViolation("status", N_("Only a planned session can be changed."))])


def active_bookings(db: Session, session_id: int, slot_id: int | None = None) -> list[Booking]:
    query = select(Booking).where(
        Booking.session_id == session_id, Booking.status == BookingStatus.ACTIVE
    )
    if slot_id is not None:
        query = query.where(Booking.slot_id == slot_id)
    return list(db.scalars(query.order_by(Booking.starts_at, Booking.id)))


def _moved(
    booking: Booking, old: tuple[datetime, datetime], new: tuple[datetime, datetime]
) -> tuple[datetime, datetime] | None:
    """Where a booking of a moved day goes: a whole-day booking covers the whole new day; a
    part-day booking keeps its clock offset from the day's start, cut to the new hours."""
    if (booking.starts_at, booking.ends_at) == old:
        return new
    shift = new[0] - old[0]
    starts, ends = max(booking.starts_at + shift, new[0]), min(booking.ends_at + shift, new[1])
    return (starts, ends) if starts < ends else None


def reschedule_slot(
    db: Session,
    site: Site,
    session: CourseSession,
    slot: SessionSlot,
    *,
    day: date,
    starts: time,
    ends: time,
    reason: str,
    today: date,
) -> None:
    """Move one day of a session (its instructors, facilities and enrolled trainees with it)
    to ``day`` ``starts``-``ends``; the reason is kept on the session for the trainees.
    Raises :class:`SchedulingConflict` or :class:`InvalidRecord`; the caller commits."""
    _require_planned(session)
    problems = _reason_problems(reason)
    if ends <= starts:
        problems.append(RuleViolation("ends", N_("The session must end after it starts.")))
    if day < today:
        problems.append(
            RuleViolation(
                "day",
                N_("%(day)s is in the past; sessions are scheduled from today on."),
                {"day": day.isoformat()},
            )
        )
    if slot.session_id != session.id:
        problems.append(RuleViolation("slot", N_("That day does not belong to this session.")))
    if problems:
        raise InvalidRecord(problems)
    tz = site.tzinfo
    new = (_at(day, starts, tz), _at(day, ends, tz))
    old = (slot.starts_at, slot.ends_at)
    for other in session.slots:
        if other.id != slot.id and intervals_overlap(*new, other.starts_at, other.ends_at):
            raise InvalidRecord(
                [RuleViolation("day", N_("The session already meets at that time."))]
            )
    hold_schedule_lock(db)
    bookings = active_bookings(db, session.id, slot.id)
    moves: list[tuple[Booking, tuple[datetime, datetime]]] = []
    for booking in bookings:
        target = _moved(booking, old, new)
        if target is None:
            name = booking.facility.name if booking.facility else str(booking.id)
            raise InvalidRecord(
                [
                    RuleViolation(
                        "ends",
                        N_("The booking of %(facility)s would fall outside the new hours."),
                        {"facility": name},
                    )
                ]
            )
        moves.append((booking, target))
    requests = [
        BookingRequest(b.resource_kind, b.instructor_id or b.facility_id or b.trainee_id, s, e, day)
        for b, (s, e) in moves
    ]
    ignored = [b.id for b in bookings]
    course_id = session.course_id
    clashes = find_clashes(db, requests, tz, course=session.course, ignore_booking_ids=ignored)
    if clashes:
        raise SchedulingConflict(clashes)
    slot.starts_at, slot.ends_at = new
    for booking, (s, e) in moves:
        booking.starts_at, booking.ends_at = s, e
    session.sync_span()
    session.reschedule_reason = reason.strip()
    audit(
        db,
        BackOfficeEvent.RESCHEDULE,
        session,
        slot=slot.id,
        old=[old[0], old[1]],
        new=[new[0], new[1]],
        reason=reason.strip(),
    )
    try:
        db.flush()
    except IntegrityError as error:
        if not is_overlap_refusal(error):
            raise
        db.rollback()  # someone booked the same time a moment ago: say who
        course = db.get(Course, course_id)
        clashes = find_clashes(db, requests, tz, course=course, ignore_booking_ids=ignored)
        raise SchedulingConflict(clashes, raced=True) from error


def cancel_session(db: Session, session: CourseSession, reason: str) -> None:
    """Cancel a planned session: its bookings free their time, its enrolments stay so that
    the trainees see the cancellation and its reason. The caller commits."""
    _require_planned(session)
    if problems := _reason_problems(reason):
        raise InvalidRecord(problems)
    now = utcnow()
    session.status = SessionStatus.CANCELLED
    session.cancelled_at = now
    session.cancel_reason = reason.strip()
    for booking in active_bookings(db, session.id):
        booking.status = BookingStatus.CANCELLED
        booking.cancelled_at = now
    audit(db, BackOfficeEvent.CANCEL, session, reason=reason.strip())


def session_days(session: CourseSession, tz: ZoneInfo) -> list[date]:
    return session.days(tz)


def clashes_by_day(clashes: Sequence[Clash]) -> dict[date, list[Clash]]:
    grouped: dict[date, list[Clash]] = {}
    for clash in clashes:
        grouped.setdefault(clash.day, []).append(clash)
    return grouped


def change_instructors(
    db: Session,
    site: Site,
    session: CourseSession,
    instructor_ids: Sequence[int],
    *,
    today: date,
    created_by_id: int | None = None,
) -> None:
    """Give a session other instructors (the first leads) from today on - e.g. when one goes
    on leave. Days already past keep who taught them. Newcomers are checked like a new
    booking (other sessions, leave, qualification, weekly hours); raises
    :class:`SchedulingConflict` or :class:`InvalidRecord`. The caller commits."""
    _require_planned(session)
    wanted = list(instructor_ids)
    if not wanted:
        raise InvalidRecord([RuleViolation("instructors", N_("Choose at least one instructor."))])
    if len(set(wanted)) != len(wanted):
        raise InvalidRecord([RuleViolation("instructors", N_("An instructor is chosen twice."))])
    tz = site.tzinfo
    hold_schedule_lock(db)
    coming = [s for s in session.slots if s.starts_at.astimezone(tz).date() >= today]
    if not coming:
        raise InvalidRecord([RuleViolation("instructors", N_("This session is over."))])
    coming_ids = {s.id for s in coming}
    bookings = [
        b
        for b in active_bookings(db, session.id)
        if b.resource_kind == ResourceKind.INSTRUCTOR and b.slot_id in coming_ids
    ]
    current = {b.instructor_id for b in bookings}
    added = [i for i in wanted if i not in current]
    requests = [
        BookingRequest(ResourceKind.INSTRUCTOR, i, slot.starts_at, slot.ends_at,
                       slot.starts_at.astimezone(tz).date())
        for i in added
        for slot in coming
    ]  # fmt: skip
    resources = load_resources(db, requests)
    if any(i not in resources.instructors or resources.instructors[i].site_id != site.id
           for i in added):  # fmt: skip
        raise InvalidRecord([RuleViolation("instructors", N_("Unknown instructor."))])
    if clashes := find_clashes(db, requests, tz, course=session.course, resources=resources):
        raise SchedulingConflict(clashes)
    now = utcnow()
    for booking in bookings:
        if booking.instructor_id not in wanted:
            booking.status = BookingStatus.CANCELLED
            booking.cancelled_at = now
    for request in requests:
        slot = next(s for s in coming if s.starts_at == request.starts_at)
        db.add(_booking(session, slot, request, created_by_id))
    still_teaching = {
        b.instructor_id
        for b in active_bookings(db, session.id)
        if b.resource_kind == ResourceKind.INSTRUCTOR and b.slot_id not in coming_ids
    }
    for link in list(session.instructors):
        if link.instructor_id not in wanted and link.instructor_id not in still_teaching:
            session.instructors.remove(link)
    linked = {link.instructor_id: link for link in session.instructors}
    for index, instructor_id in enumerate(wanted):
        role = InstructorRole.LEAD if index == 0 else InstructorRole.ASSISTANT
        if instructor_id in linked:
            linked[instructor_id].role = role
        else:
            session.instructors.append(SessionInstructor(instructor_id=instructor_id, role=role))
    for link in session.instructors:
        if link.instructor_id not in wanted:
            link.role = InstructorRole.ASSISTANT  # taught earlier days only
    audit(db, BackOfficeEvent.RESCHEDULE, session, instructors=wanted, from_day=today)
    try:
        db.flush()
    except IntegrityError as error:
        if not is_overlap_refusal(error):
            raise
        db.rollback()
        raise SchedulingConflict(find_clashes(db, requests, tz), raced=True) from error
