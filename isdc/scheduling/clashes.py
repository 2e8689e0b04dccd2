"""What stands in the way of a booking, named precisely: another booking (which session, when),
leave, maintenance, bookable hours, an expired qualification or STNK, weekly working hours.

:func:`find_clashes` checks a batch of wanted bookings in a fixed number of queries, whatever
the number of days. Every clash says which resource, which day and why, so that the schedule
page can say "Iptu Agus Prasetyo is already booked for DDC A (DDC), Mon 7 Dec 08.00-16.00".
"""

from __future__ import annotations

import enum
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session, selectinload

from isdc.models import (
    Booking,
    BookingStatus,
    Course,
    CourseSession,
    Facility,
    FacilityKind,
    Instructor,
    RecordStatus,
    ResourceKind,
    Trainee,
)
from isdc.models.schedule import intervals_overlap


class ClashKind(enum.StrEnum):
    BOOKED = "booked"  # the resource is booked for another session at that time
    LEAVE = "leave"  # the instructor is on leave that day
    NOT_QUALIFIED = "not_qualified"  # no qualification for the course at all
    QUALIFICATION_EXPIRED = "qualification_expired"  # had one, expired before that day
    WEEKLY_HOURS = "weekly_hours"  # would work more than their weekly hours
    MAINTENANCE = "maintenance"  # the facility is under maintenance that day
    CLOSED_DAY = "closed_day"  # the facility is not open on that weekday
    OUTSIDE_HOURS = "outside_hours"  # the booking reaches outside the bookable hours
    STNK_EXPIRED = "stnk_expired"  # a vehicle whose registration has run out
    RETIRED = "retired"  # the record is retired


@dataclass(frozen=True)
class BookingRequest:
    """One resource wanted for ``[starts_at, ends_at)`` (UTC-aware), on local ``day``."""

    resource_kind: ResourceKind
    resource_id: int
    starts_at: datetime
    ends_at: datetime
    day: date

    @property
    def key(self) -> tuple[ResourceKind, int]:
        return (self.resource_kind, self.resource_id)


@dataclass(frozen=True)
class Clash:
    """Why one wanted booking cannot be made. Fields beyond the first seven are filled as the
    kind needs them; :meth:`describe` says it in English, the web layer in the reader's
    language."""

    kind: ClashKind
    resource_kind: ResourceKind
    resource_id: int
    resource_name: str
    day: date
    starts_at: datetime
    ends_at: datetime
    other_session_id: int | None = None
    other_session_name: str | None = None
    other_course_code: str | None = None
    other_starts_at: datetime | None = None
    other_ends_at: datetime | None = None
    reason: str | None = None  # leave or maintenance reason, or the other booking's note
    until: date | None = None  # qualification or STNK valid until
    opens_at: time | None = None
    closes_at: time | None = None
    hours: float | None = None  # weekly hours with this booking
    hours_limit: int | None = None
    week_of: date | None = None  # Monday of that week

    def describe(self, tz: ZoneInfo | None = None) -> str:
        """The clash in plain English (logs, CLI, tests)."""
        who = self.resource_name
        day = self.day.isoformat()
        if self.kind == ClashKind.BOOKED:
            tz = tz or ZoneInfo("UTC")
            start = self.other_starts_at.astimezone(tz) if self.other_starts_at else None
            end = self.other_ends_at.astimezone(tz) if self.other_ends_at else None
            span = f"{start:%Y-%m-%d %H:%M}-{end:%H:%M}" if start and end else day
            what = self.other_session_name or self.reason or "another booking"
            code = f" ({self.other_course_code})" if self.other_course_code else ""
            return f"{who} is already booked for {what}{code}, {span}"
        if self.kind == ClashKind.LEAVE:
            return f"{who} is on leave on {day}" + (f" ({self.reason})" if self.reason else "")
        if self.kind == ClashKind.NOT_QUALIFIED:
            return f"{who} has no qualification for this course"
        if self.kind == ClashKind.QUALIFICATION_EXPIRED:
            return f"{who}'s qualification for this course expired on {self.until}"
        if self.kind == ClashKind.WEEKLY_HOURS:
            return (
                f"{who} would work {self.hours:g} hours in the week of {self.week_of}; "
                f"the limit is {self.hours_limit}"
            )
        if self.kind == ClashKind.MAINTENANCE:
            text = f"{who} is under maintenance on {day}"
            return text + (f" ({self.reason})" if self.reason else "")
        if self.kind == ClashKind.CLOSED_DAY:
            return f"{who} is closed on {self.day:%A}s"
        if self.kind == ClashKind.OUTSIDE_HOURS:
            return f"{who} can be booked only {self.opens_at:%H:%M}-{self.closes_at:%H:%M}"
        if self.kind == ClashKind.STNK_EXPIRED:
            return f"{who}'s STNK expired on {self.until}"
        return f"{who} is retired"


def _clash(kind: ClashKind, request: BookingRequest, name: str, **fields: object) -> Clash:
    return Clash(
        kind,
        request.resource_kind,
        request.resource_id,
        name,
        request.day,
        request.starts_at,
        request.ends_at,
        **fields,  # type: ignore[arg-type]
    )


@dataclass
class Resources:
    """The records behind a batch of requests, loaded once."""

    instructors: dict[int, Instructor]
    facilities: dict[int, Facility]
    trainees: dict[int, Trainee]

    def name(self, kind: ResourceKind, ident: int) -> str:
        if kind == ResourceKind.INSTRUCTOR:
            return self.instructors[ident].display_name
        if kind == ResourceKind.FACILITY:
            return self.facilities[ident].name
        return self.trainees[ident].full_name


def load_resources(db: Session, requests: Iterable[BookingRequest]) -> Resources:
    ids: dict[ResourceKind, set[int]] = defaultdict(set)
    for r in requests:
        ids[r.resource_kind].add(r.resource_id)
    instructors = (
        db.scalars(
            select(Instructor)
            .options(selectinload(Instructor.qualifications), selectinload(Instructor.leaves))
            .where(Instructor.id.in_(ids[ResourceKind.INSTRUCTOR]))
        ).all()
        if ids[ResourceKind.INSTRUCTOR]
        else []
    )
    facilities = (
        db.scalars(
            select(Facility)
            .options(selectinload(Facility.maintenance))
            .where(Facility.id.in_(ids[ResourceKind.FACILITY]))
        ).all()
        if ids[ResourceKind.FACILITY]
        else []
    )
    trainees = (
        db.scalars(select(Trainee).where(Trainee.id.in_(ids[ResourceKind.TRAINEE]))).all()
        if ids[ResourceKind.TRAINEE]
        else []
    )
    return Resources(
        {i.id: i for i in instructors}, {f.id: f for f in facilities}, {t.id: t for t in trainees}
    )


@dataclass(frozen=True)
class ExistingBooking:
    id: int
    resource_kind: ResourceKind
    resource_id: int
    starts_at: datetime
    ends_at: datetime
    session_id: int | None
    session_name: str | None
    course_code: str | None
    note: str | None


def existing_bookings(
    db: Session,
    keys: Iterable[tuple[ResourceKind, int]],
    window_start: datetime,
    window_end: datetime,
    ignore_booking_ids: Iterable[int] = (),
) -> list[ExistingBooking]:
    """Active bookings of these resources overlapping the window, with the session they serve
    (one query)."""
    by_kind: dict[ResourceKind, set[int]] = defaultdict(set)
    for kind, ident in keys:
        by_kind[kind].add(ident)
    columns = {
        ResourceKind.INSTRUCTOR: Booking.instructor_id,
        ResourceKind.FACILITY: Booking.facility_id,
        ResourceKind.TRAINEE: Booking.trainee_id,
    }
    resource_match = [
        and_(Booking.resource_kind == kind, columns[kind].in_(sorted(ids)))
        for kind, ids in by_kind.items()
        if ids
    ]
    if not resource_match:
        return []
    query = (
        select(
            Booking.id,
            Booking.resource_kind,
            Booking.instructor_id,
            Booking.facility_id,
            Booking.trainee_id,
            Booking.starts_at,
            Booking.ends_at,
            Booking.session_id,
            CourseSession.name,
            Course.code,
            Booking.note,
        )
        .outerjoin(CourseSession, CourseSession.id == Booking.session_id)
        .outerjoin(Course, Course.id == CourseSession.course_id)
        .where(
            Booking.status == BookingStatus.ACTIVE,
            or_(*resource_match),
            Booking.starts_at < window_end,
            Booking.ends_at > window_start,
        )
        .order_by(Booking.starts_at, Booking.id)
    )
    if ignored := sorted(set(ignore_booking_ids)):
        query = query.where(Booking.id.not_in(ignored))
    return [
        ExistingBooking(
            row.id,
            row.resource_kind,
            row.instructor_id or row.facility_id or row.trainee_id,
            row.starts_at,
            row.ends_at,
            row.session_id,
            row.name,
            row.code,
            row.note,
        )
        for row in db.execute(query)
    ]


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _local_clock(moment: datetime, tz: ZoneInfo) -> time:
    return moment.astimezone(tz).time()


def _hours(start: datetime, end: datetime) -> float:
    return (end - start).total_seconds() / 3600


def qualification_clash(
    instructor: Instructor, course: Course, request: BookingRequest
) -> Clash | None:
    """Eligibility to teach ``course`` on the request's day: a qualification for the course's
    category (and vehicle class, when the course has one) valid on that day."""
    matching = [
        q
        for q in instructor.qualifications
        if q.category == course.category
        and (course.vehicle_kind is None or q.vehicle_kind in (None, course.vehicle_kind))
    ]
    if not matching:
        return _clash(ClashKind.NOT_QUALIFIED, request, instructor.display_name)
    if not any(q.is_valid_on(request.day) for q in matching):
        last = max(q.valid_until for q in matching if q.valid_until is not None)
        return _clash(ClashKind.QUALIFICATION_EXPIRED, request, instructor.display_name, until=last)
    return None


def instructor_clashes(
    instructor: Instructor, course: Course | None, request: BookingRequest
) -> list[Clash]:
    """What keeps an instructor from this booking, apart from other bookings."""
    name = instructor.display_name
    found: list[Clash] = []
    if instructor.status == RecordStatus.RETIRED:
        return [_clash(ClashKind.RETIRED, request, name)]
    for leave in instructor.leaves:
        if leave.covers(request.day):
            found.append(_clash(ClashKind.LEAVE, request, name, reason=leave.reason or None))
            break
    if course is not None and (clash := qualification_clash(instructor, course, request)):
        found.append(clash)
    return found


def facility_clashes(facility: Facility, request: BookingRequest, tz: ZoneInfo) -> list[Clash]:
    """What keeps a facility from this booking, apart from other bookings."""
    name = facility.name
    if facility.status == RecordStatus.RETIRED:
        return [_clash(ClashKind.RETIRED, request, name)]
    found: list[Clash] = []
    for period in facility.maintenance:
        if period.covers(request.day):
            found.append(_clash(ClashKind.MAINTENANCE, request, name, reason=period.reason or None))
            break
    if not facility.is_open_on(request.day):
        found.append(_clash(ClashKind.CLOSED_DAY, request, name))
    else:
        start = _local_clock(request.starts_at, tz)
        end_local = request.ends_at.astimezone(tz)
        ends_next_day = end_local.date() > request.day
        if start < facility.opens_at or ends_next_day or end_local.time() > facility.closes_at:
            found.append(
                _clash(
                    ClashKind.OUTSIDE_HOURS,
                    request,
                    name,
                    opens_at=facility.opens_at,
                    closes_at=facility.closes_at,
                )
            )
    if (
        facility.kind == FacilityKind.VEHICLE
        and facility.stnk_valid_until is not None
        and facility.stnk_valid_until < request.day
    ):
        found.append(_clash(ClashKind.STNK_EXPIRED, request, name, until=facility.stnk_valid_until))
    return found


def find_clashes(
    db: Session,
    requests: Sequence[BookingRequest],
    tz: ZoneInfo,
    *,
    course: Course | None = None,
    ignore_booking_ids: Iterable[int] = (),
    resources: Resources | None = None,
) -> list[Clash]:
    """Every clash of the wanted bookings, in request order.

    Checks other active bookings (``ignore_booking_ids``: those being moved),
    leave, qualification for ``course``, weekly hours, maintenance, open days and hours, STNK
    and retirement. Weekly hours are counted in request order, so with "skip conflicting
    dates" the days that still fit are kept.
    """
    if not requests:
        return []
    resources = resources or load_resources(db, requests)
    first_monday = monday_of(min(r.day for r in requests))
    last_monday = monday_of(max(r.day for r in requests))
    window_start = datetime.combine(first_monday, time(0), tzinfo=tz)
    window_end = datetime.combine(last_monday + timedelta(days=7), time(0), tzinfo=tz)
    window_start = min(window_start, min(r.starts_at for r in requests))
    window_end = max(window_end, max(r.ends_at for r in requests))
    others = existing_bookings(
        db, {r.key for r in requests}, window_start, window_end, ignore_booking_ids
    )
    by_resource: dict[tuple[ResourceKind, int], list[ExistingBooking]] = defaultdict(list)
    for booking in others:
        by_resource[(booking.resource_kind, booking.resource_id)].append(booking)

    # Hours each instructor already works per week, before these requests.
    week_hours: dict[tuple[int, date], float] = defaultdict(float)
    for booking in others:
        if booking.resource_kind == ResourceKind.INSTRUCTOR:
            week = monday_of(booking.starts_at.astimezone(tz).date())
            week_hours[(booking.resource_id, week)] += _hours(booking.starts_at, booking.ends_at)

    by_day: dict[date, list[BookingRequest]] = defaultdict(list)
    for request in requests:
        by_day[request.day].append(request)
    found: list[Clash] = []
    for day in sorted(by_day):
        day_clashes: list[Clash] = []
        for request in by_day[day]:
            day_clashes += _clashes_of(request, by_resource[request.key], resources, course, tz)
        if not day_clashes:
            # Hours are counted only for days that will be booked, so that with "skip
            # conflicting dates" a skipped day does not use up the week.
            day_clashes = _weekly_hours_clashes(by_day[day], resources, week_hours)
        found += day_clashes
    return found


def _clashes_of(
    request: BookingRequest,
    others: list[ExistingBooking],
    resources: Resources,
    course: Course | None,
    tz: ZoneInfo,
) -> list[Clash]:
    name = resources.name(request.resource_kind, request.resource_id)
    found = [
        _clash(
            ClashKind.BOOKED,
            request,
            name,
            other_session_id=other.session_id,
            other_session_name=other.session_name,
            other_course_code=other.course_code,
            other_starts_at=other.starts_at,
            other_ends_at=other.ends_at,
            reason=other.note,
        )
        for other in others
        if intervals_overlap(other.starts_at, other.ends_at, request.starts_at, request.ends_at)
    ]
    if request.resource_kind == ResourceKind.INSTRUCTOR:
        found += instructor_clashes(resources.instructors[request.resource_id], course, request)
    elif request.resource_kind == ResourceKind.FACILITY:
        found += facility_clashes(resources.facilities[request.resource_id], request, tz)
    elif resources.trainees[request.resource_id].status == RecordStatus.RETIRED:
        found.append(_clash(ClashKind.RETIRED, request, name))
    return found


def _weekly_hours_clashes(
    requests: list[BookingRequest],
    resources: Resources,
    week_hours: dict[tuple[int, date], float],
) -> list[Clash]:
    """Instructors whose week would go over their weekly hours with this day's bookings; the
    day's hours are added to the week only when it fits."""
    added: dict[tuple[int, date], float] = defaultdict(float)
    for request in requests:
        if request.resource_kind == ResourceKind.INSTRUCTOR:
            added[(request.resource_id, monday_of(request.day))] += _hours(
                request.starts_at, request.ends_at
            )
    found = []
    for request in requests:
        key = (request.resource_id, monday_of(request.day))
        if request.resource_kind != ResourceKind.INSTRUCTOR or key not in added:
            continue
        instructor = resources.instructors[request.resource_id]
        total = week_hours[key] + added.pop(key)
        if total > instructor.weekly_hours:
            found.append(
                _clash(
                    ClashKind.WEEKLY_HOURS,
                    request,
                    instructor.display_name,
                    hours=round(total, 2),
                    hours_limit=instructor.weekly_hours,
                    week_of=key[1],
                )
            )
    if not found:
        for request in requests:
            if request.resource_kind == ResourceKind.INSTRUCTOR:
                key = (request.resource_id, monday_of(request.day))
                week_hours[key] += _hours(request.starts_at, request.ends_at)
    return found


class SchedulingConflict(Exception):
    """The wanted bookings clash; nothing was written. ``raced``: another request took the time
    a moment earlier (the database refused the second booking)."""

    def __init__(self, clashes: Sequence[Clash], *, raced: bool = False):
        self.clashes = list(clashes)
        self.raced = raced
        super().__init__("; ".join(c.describe() for c in self.clashes) or "booking refused")
