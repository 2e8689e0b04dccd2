"""What the week and month calendars show - for the whole site, one instructor or one
facility - read in a fixed number of queries whatever the number of sessions."""

from __future__ import annotations

import enum
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Select, func, select
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
    FacilityMaintenance,
    Instructor,
    InstructorLeave,
    ResourceKind,
    SessionInstructor,
    SessionSlot,
    SessionStatus,
)
from isdc.models.enrolment import PLACE_HOLDING
from isdc.models.schedule import intervals_overlap


class CalendarView(enum.StrEnum):
    WEEK = "week"
    MONTH = "month"


@dataclass(frozen=True)
class CalendarWindow:
    view: CalendarView
    anchor: date
    first: date  # first day shown (a Monday)
    last: date  # last day shown (a Sunday), inclusive
    previous: date  # anchor of the previous week or month
    next: date

    @property
    def days(self) -> list[date]:
        return [self.first + timedelta(days=i) for i in range((self.last - self.first).days + 1)]

    @property
    def weeks(self) -> list[list[date]]:
        days = self.days
        return [days[i : i + 7] for i in range(0, len(days), 7)]

    def bounds(self, tz: ZoneInfo) -> tuple[datetime, datetime]:
        start = datetime.combine(self.first, time(0), tzinfo=tz)
        return start, datetime.combine(self.last + timedelta(days=1), time(0), tzinfo=tz)


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    return date(day.year + month // 12, month % 12 + 1, 1)


def calendar_window(view: CalendarView, anchor: date) -> CalendarWindow:
    if view == CalendarView.WEEK:
        first = _monday(anchor)
        return CalendarWindow(view, anchor, first, first + timedelta(days=6),
                              first - timedelta(days=7), first + timedelta(days=7))  # fmt: skip
    month_start = anchor.replace(day=1)
    next_month = _add_months(month_start, 1)
    first = _monday(month_start)
    last = _monday(next_month - timedelta(days=1)) + timedelta(days=6)
    return CalendarWindow(view, month_start, first, last, _add_months(month_start, -1), next_month)


@dataclass
class CalendarEntry:
    """One session's time on one day (a slot, or a facility's part of it)."""

    day: date
    starts_at: datetime
    ends_at: datetime
    session_id: int
    session_name: str
    course_code: str
    title_id: str
    title_en: str
    status: SessionStatus
    capacity: int
    cancel_reason: str | None
    reschedule_reason: str | None
    instructors: list[str] = field(default_factory=list)
    places: list[str] = field(default_factory=list)
    vehicles: list[str] = field(default_factory=list)
    enrolled: int = 0
    waitlisted: int = 0

    def title(self, locale: str) -> str:
        return self.title_en if locale == "en" else self.title_id

    @property
    def cancelled(self) -> bool:
        return self.status == SessionStatus.CANCELLED


@dataclass(frozen=True)
class DayMark:
    """A day someone or something is unavailable: leave or maintenance."""

    day: date
    kind: str  # "leave" or "maintenance"
    who: str
    reason: str


@dataclass
class Calendar:
    window: CalendarWindow
    entries: list[CalendarEntry]
    marks: list[DayMark]

    def on(self, day: date) -> list[CalendarEntry]:
        return [e for e in self.entries if e.day == day]

    def marks_on(self, day: date) -> list[DayMark]:
        return [m for m in self.marks if m.day == day]

    @property
    def by_day(self) -> dict[date, list[CalendarEntry]]:
        grouped: dict[date, list[CalendarEntry]] = {d: [] for d in self.window.days}
        for entry in self.entries:
            grouped.setdefault(entry.day, []).append(entry)
        return grouped


_SESSION_COLUMNS = (
    CourseSession.id.label("session_id"),
    CourseSession.name,
    Course.code,
    Course.title_id,
    Course.title_en,
    CourseSession.status,
    CourseSession.capacity,
    CourseSession.cancel_reason,
    CourseSession.reschedule_reason,
)


def _slot_query(site_id: int, start: datetime, end: datetime) -> Select:  # type: ignore[type-arg]
    return (
        select(SessionSlot.id.label("slot_id"), SessionSlot.starts_at, SessionSlot.ends_at,
               *_SESSION_COLUMNS)
        .join(CourseSession, CourseSession.id == SessionSlot.session_id)
        .join(Course, Course.id == CourseSession.course_id)
        .where(CourseSession.site_id == site_id, SessionSlot.starts_at < end,
               SessionSlot.ends_at > start)
        .order_by(SessionSlot.starts_at, CourseSession.id)
    )  # fmt: skip


def build_calendar(
    db: Session,
    site_id: int,
    window: CalendarWindow,
    tz: ZoneInfo,
    *,
    instructor_id: int | None = None,
    facility_id: int | None = None,
) -> Calendar:
    """Entries and unavailable days of the window. Site: every slot; instructor: the slots of
    the sessions they teach; facility: the facility's own bookings (with their times)."""
    start, end = window.bounds(tz)
    if facility_id is not None:
        rows = db.execute(
            select(Booking.slot_id, Booking.starts_at, Booking.ends_at, *_SESSION_COLUMNS)
            .join(CourseSession, CourseSession.id == Booking.session_id)
            .join(Course, Course.id == CourseSession.course_id)
            .where(
                Booking.facility_id == facility_id,
                Booking.resource_kind == ResourceKind.FACILITY,
                # Cancelled bookings of a cancelled session still show, marked as cancelled.
                (Booking.status == BookingStatus.ACTIVE)
                | (CourseSession.status == SessionStatus.CANCELLED),
                Booking.starts_at < end,
                Booking.ends_at > start,
            )
            .order_by(Booking.starts_at, CourseSession.id)
        ).all()
    else:
        query = _slot_query(site_id, start, end)
        if instructor_id is not None:
            query = query.join(
                SessionInstructor, SessionInstructor.session_id == CourseSession.id
            ).where(SessionInstructor.instructor_id == instructor_id)
        rows = db.execute(query).all()
    entries = [
        CalendarEntry(
            day=row.starts_at.astimezone(tz).date(),
            starts_at=row.starts_at,
            ends_at=row.ends_at,
            session_id=row.session_id,
            session_name=row.name,
            course_code=row.code,
            title_id=row.title_id,
            title_en=row.title_en,
            status=row.status,
            capacity=row.capacity,
            cancel_reason=row.cancel_reason,
            reschedule_reason=row.reschedule_reason,
        )
        for row in rows
    ]
    _attach_people_and_places(db, entries, [row.slot_id for row in rows])
    return Calendar(window, entries, _marks(db, site_id, window, instructor_id, facility_id))


def _attach_people_and_places(
    db: Session, entries: list[CalendarEntry], slot_ids: list[int | None]
) -> None:
    """Instructors, places and enrolment counts for the entries: three queries."""
    session_ids = sorted({e.session_id for e in entries})
    if not session_ids:
        return
    instructors: dict[int, list[str]] = defaultdict(list)
    for session_id, rank, name in db.execute(
        select(SessionInstructor.session_id, Instructor.rank, Instructor.full_name)
        .join(Instructor, Instructor.id == SessionInstructor.instructor_id)
        .where(SessionInstructor.session_id.in_(session_ids))
        # The lead first ("lead" sorts after "assistant").
        .order_by(SessionInstructor.session_id, SessionInstructor.role.desc(), Instructor.full_name)
    ):
        instructors[session_id].append(f"{rank} {name}" if rank else name)
    places: dict[int, list[tuple[datetime, datetime, str, FacilityKind, bool]]] = defaultdict(list)
    for session_id, starts_at, ends_at, name, kind, status in db.execute(
        select(Booking.session_id, Booking.starts_at, Booking.ends_at, Facility.name,
               Facility.kind, Booking.status)
        .join(Facility, Facility.id == Booking.facility_id)
        .where(Booking.session_id.in_(session_ids),
               Booking.resource_kind == ResourceKind.FACILITY)
        .order_by(Facility.kind, Facility.name)
    ):  # fmt: skip
        places[session_id].append((starts_at, ends_at, name, kind, status == BookingStatus.ACTIVE))
    counts: dict[int, dict[EnrolmentStatus, int]] = defaultdict(lambda: defaultdict(int))
    for session_id, status, number in db.execute(
        select(Enrolment.session_id, Enrolment.status, func.count(Enrolment.id))
        .where(Enrolment.session_id.in_(session_ids))
        .group_by(Enrolment.session_id, Enrolment.status)
    ):
        counts[session_id][status] += number
    for entry in entries:
        entry.instructors = instructors[entry.session_id]
        seen: dict[str, FacilityKind] = {}
        for b_start, b_end, name, kind, active in places[entry.session_id]:
            # A cancelled session shows where it would have been; otherwise only what holds.
            if (active or entry.cancelled) and intervals_overlap(
                b_start, b_end, entry.starts_at, entry.ends_at
            ):
                seen.setdefault(name, kind)
        entry.places = [n for n, k in seen.items() if k != FacilityKind.VEHICLE]
        entry.vehicles = [n for n, k in seen.items() if k == FacilityKind.VEHICLE]
        entry.enrolled = sum(counts[entry.session_id][s] for s in PLACE_HOLDING)
        entry.waitlisted = counts[entry.session_id][EnrolmentStatus.WAITLISTED]


def _marks(
    db: Session,
    site_id: int,
    window: CalendarWindow,
    instructor_id: int | None,
    facility_id: int | None,
) -> list[DayMark]:
    """Leave (site and instructor calendars) and maintenance (site and facility calendars)."""
    marks: list[DayMark] = []
    if facility_id is None:
        query = (
            select(InstructorLeave, Instructor.rank, Instructor.full_name)
            .join(Instructor, Instructor.id == InstructorLeave.instructor_id)
            .where(Instructor.site_id == site_id, InstructorLeave.first_day <= window.last,
                   InstructorLeave.last_day >= window.first)
        )  # fmt: skip
        if instructor_id is not None:
            query = query.where(InstructorLeave.instructor_id == instructor_id)
        for leave, rank, name in db.execute(query):
            who = f"{rank} {name}" if rank else name
            marks += _each_day(leave.first_day, leave.last_day, window, "leave", who, leave.reason)
    if instructor_id is None:
        query = (
            select(FacilityMaintenance, Facility.name)
            .join(Facility, Facility.id == FacilityMaintenance.facility_id)
            .where(Facility.site_id == site_id, FacilityMaintenance.first_day <= window.last,
                   FacilityMaintenance.last_day >= window.first)
        )  # fmt: skip
        if facility_id is not None:
            query = query.where(FacilityMaintenance.facility_id == facility_id)
        for period, name in db.execute(query):
            marks += _each_day(period.first_day, period.last_day, window, "maintenance", name,
                               period.reason)  # fmt: skip
    return sorted(marks, key=lambda m: (m.day, m.kind, m.who))


def _each_day(
    first: date, last: date, window: CalendarWindow, kind: str, who: str, reason: str
) -> list[DayMark]:
    day, marks = max(first, window.first), []
    while day <= min(last, window.last):
        marks.append(DayMark(day, kind, who, reason))
        day += timedelta(days=1)
    return marks
