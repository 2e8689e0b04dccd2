"""Rules for the people and things that get scheduled: staff numbers, qualifications, leave,
maintenance, and the warnings ahead of expiry (qualifications, STNK) that dashboards show."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from isdc.models import (
    Booking,
    BookingStatus,
    Course,
    CourseSession,
    Facility,
    FacilityKind,
    FacilityMaintenance,
    Instructor,
    InstructorLeave,
    InstructorQualification,
    RecordStatus,
    ResourceKind,
)
from isdc.models.rules import N_, RuleViolation

# Warn this many days before a qualification or an STNK runs out.
WARNING_DAYS = 30
_DIGITS = re.compile(r"^\d+$")


def normalise_staff_number(raw: str) -> str:
    return re.sub(r"[\s.\-]", "", raw or "")


def staff_number_problems(staff_number: str) -> list[RuleViolation]:
    """NRP (police: 8 digits) or NIP (civil servants: 18 digits)."""
    if not staff_number:
        return [RuleViolation("staff_number", N_("Enter the NRP or NIP."))]
    if not _DIGITS.match(staff_number) or len(staff_number) not in (8, 18):
        return [
            RuleViolation(
                "staff_number",
                N_("An NRP has 8 digits and a NIP 18 digits; got %(value)s."),
                {"value": staff_number},
            )
        ]
    return []


def period_problems(first: date | None, last: date | None) -> list[RuleViolation]:
    if first is None or last is None:
        return [RuleViolation("first_day", N_("Enter the first and the last day."))]
    if last < first:
        return [RuleViolation("last_day", N_("The last day comes before the first day."))]
    if (last - first).days > 366:
        return [RuleViolation("last_day", N_("A period can last at most a year."))]
    return []


def overlapping_leave(instructor: Instructor, first: date, last: date) -> InstructorLeave | None:
    for leave in instructor.leaves:
        if leave.first_day <= last and first <= leave.last_day:
            return leave
    return None


def overlapping_maintenance(
    facility: Facility, first: date, last: date
) -> FacilityMaintenance | None:
    for period in facility.maintenance:
        if period.first_day <= last and first <= period.last_day:
            return period
    return None


@dataclass(frozen=True)
class AffectedBooking:
    session_id: int
    session_name: str
    course_code: str
    starts_at: datetime
    ends_at: datetime


def bookings_during(
    db: Session,
    kind: ResourceKind,
    resource_id: int,
    first: date,
    last: date,
    tz: ZoneInfo,
) -> list[AffectedBooking]:
    """Active bookings of a resource between two local days (inclusive): the sessions that
    need another instructor or place when leave or maintenance is recorded."""
    column = Booking.instructor_id if kind == ResourceKind.INSTRUCTOR else Booking.facility_id
    start = datetime.combine(first, time(0), tzinfo=tz)
    end = datetime.combine(last + timedelta(days=1), time(0), tzinfo=tz)
    rows = db.execute(
        select(CourseSession.id, CourseSession.name, Course.code, Booking.starts_at,
               Booking.ends_at)
        .join(CourseSession, CourseSession.id == Booking.session_id)
        .join(Course, Course.id == CourseSession.course_id)
        .where(Booking.resource_kind == kind, column == resource_id,
               Booking.status == BookingStatus.ACTIVE, Booking.starts_at < end,
               Booking.ends_at > start)
        .order_by(Booking.starts_at)
    )  # fmt: skip
    return [AffectedBooking(*row) for row in rows]


@dataclass(frozen=True)
class ExpiryWarning:
    """Something that runs out soon (or has run out): a qualification or an STNK."""

    owner_id: int
    owner_name: str
    what: str  # "qualification" or "stnk"
    until: date
    days_left: int  # negative: already expired
    qualification: InstructorQualification | None = None

    @property
    def expired(self) -> bool:
        return self.days_left < 0


def expiring_qualifications(
    db: Session,
    site_id: int,
    today: date,
    *,
    instructor_id: int | None = None,
    within_days: int = WARNING_DAYS,
) -> list[ExpiryWarning]:
    """Qualifications of active instructors that expire within ``within_days`` or have
    expired (soonest first)."""
    query = (
        select(InstructorQualification, Instructor)
        .join(Instructor, Instructor.id == InstructorQualification.instructor_id)
        .where(
            Instructor.site_id == site_id,
            Instructor.status == RecordStatus.ACTIVE,
            InstructorQualification.valid_until.is_not(None),
            InstructorQualification.valid_until <= today + timedelta(days=within_days),
        )
        .order_by(InstructorQualification.valid_until, Instructor.full_name)
    )
    if instructor_id is not None:
        query = query.where(Instructor.id == instructor_id)
    return [
        ExpiryWarning(instructor.id, instructor.display_name, "qualification", q.valid_until,
                      (q.valid_until - today).days, q)  # type: ignore[operator,arg-type]
        for q, instructor in db.execute(query)
    ]  # fmt: skip


def expiring_registrations(
    db: Session, site_id: int, today: date, within_days: int = WARNING_DAYS
) -> list[ExpiryWarning]:
    """Active training vehicles whose STNK expires within ``within_days`` or has expired."""
    rows = db.scalars(
        select(Facility)
        .where(
            Facility.site_id == site_id,
            Facility.kind == FacilityKind.VEHICLE,
            Facility.status == RecordStatus.ACTIVE,
            Facility.stnk_valid_until.is_not(None),
            Facility.stnk_valid_until <= today + timedelta(days=within_days),
        )
        .order_by(Facility.stnk_valid_until, Facility.name)
    )
    return [
        ExpiryWarning(f.id, f.name, "stnk", f.stnk_valid_until, (f.stnk_valid_until - today).days)  # type: ignore[arg-type,operator]
        for f in rows
    ]


def facility_problems(facility: Facility) -> list[RuleViolation]:
    """What is wrong with a facility record before it is saved (the database checks the same
    rules, but cannot say them nicely)."""
    problems: list[RuleViolation] = []
    if facility.capacity is None or facility.capacity < 1:
        problems.append(RuleViolation("capacity", N_("Capacity must be at least 1.")))
    if facility.opens_at is None or facility.closes_at is None:
        problems.append(RuleViolation("opens_at", N_("Enter the bookable hours.")))
    elif facility.closes_at <= facility.opens_at:
        problems.append(
            RuleViolation("closes_at", N_("The closing time must come after the opening time."))
        )
    if not facility.open_weekdays:
        problems.append(RuleViolation("open_weekdays", N_("Choose at least one day it is open.")))
    if facility.kind == FacilityKind.TRACK and facility.track_kind is None:
        problems.append(RuleViolation("track_kind", N_("Choose the kind of track.")))
    if facility.kind == FacilityKind.VEHICLE:
        if not facility.registration_number:
            problems.append(
                RuleViolation("registration_number", N_("Enter the registration plate."))
            )
        if facility.vehicle_kind is None:
            problems.append(RuleViolation("vehicle_kind", N_("Choose the vehicle class.")))
    return problems


def normalise_plate(raw: str | None) -> str | None:
    """ "b1701sja" -> "B 1701 SJA" (the TNKB as written on the plate)."""
    text = re.sub(r"\s+", "", (raw or "").upper())
    if not text:
        return None
    match = re.match(r"^([A-Z]{1,2})(\d{1,4})([A-Z]{0,3})$", text)
    if not match:
        return " ".join((raw or "").upper().split())
    return " ".join(part for part in match.groups() if part)
