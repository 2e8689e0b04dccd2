"""Resources: facility utilisation, instructor load per week, simulator bays' idle time.

* Utilisation = booked hours / bookable hours. Bookable hours are the facility's opening
  hours on its open weekdays in the period, less days under maintenance; booked hours are
  the active facility bookings *starting* in the period (a booking is one slot, within a day).
* Instructor load = hours of active instructor bookings per local ISO week (Monday first),
  compared with the instructor's contracted ``weekly_hours``.
* A bay's idle time = bookable hours - hours actually driven at its stations (the runs'
  simulated durations), so a booked bay nobody drives in counts as idle.

A course or instructor filter keeps the bookings of the sessions in scope; the organisation
filter applies to runs only (bookings belong to sessions, not to trainees' organisations).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from isdc.analytics.buckets import days_between, local_week
from isdc.analytics.filters import run_conditions, scoped_session_ids
from isdc.analytics.scope import Scope
from isdc.analytics.throughput import ratio
from isdc.models import (
    Booking,
    BookingStatus,
    Facility,
    FacilityKind,
    FacilityMaintenance,
    Instructor,
    RecordStatus,
    ResourceKind,
    Run,
    Station,
)


def weekday_counts(first: date, last: date) -> dict[int, int]:
    """How many of each ISO weekday (1 = Monday) fall in ``[first, last]``."""
    counts = dict.fromkeys(range(1, 8), 0)
    days = (last - first).days + 1
    if days <= 0:
        return counts
    weeks, rest = divmod(days, 7)
    for weekday in counts:
        counts[weekday] = weeks
    for i in range(rest):
        counts[(first + timedelta(days=i)).isoweekday()] += 1
    return counts


def open_days(open_weekdays: str, first: date, last: date) -> int:
    counts = weekday_counts(first, last)
    return sum(counts[int(d)] for d in set(open_weekdays) if d.isdigit() and 1 <= int(d) <= 7)


@dataclass(frozen=True)
class FacilityUse:
    facility_id: int
    name: str
    kind: FacilityKind
    bookable_hours: float
    booked_hours: float

    @property
    def utilisation(self) -> float | None:
        return ratio(self.booked_hours, self.bookable_hours)


def _booking_conditions(scope: Scope, kind: ResourceKind) -> list[Any]:
    lo, hi = scope.bounds_utc()
    conditions = [
        Booking.resource_kind == kind,
        Booking.status == BookingStatus.ACTIVE,
        Booking.starts_at >= lo,
        Booking.starts_at < hi,
    ]
    if scope.narrows_sessions:
        conditions.append(Booking.session_id.in_(scoped_session_ids(scope)))
    return conditions


def _hours(later: Any, earlier: Any) -> Any:
    return func.coalesce(func.sum(days_between(later, earlier) * 24.0), 0.0)


def facility_use(
    db: Session, scope: Scope, kinds: tuple[FacilityKind, ...] = ()
) -> list[FacilityUse]:
    """Every active facility of the site (of ``kinds``, if given), by name."""
    booked = (
        select(Booking.facility_id, _hours(Booking.ends_at, Booking.starts_at).label("hours"))
        .where(*_booking_conditions(scope, ResourceKind.FACILITY))
        .group_by(Booking.facility_id)
        .subquery()
    )
    conditions = [Facility.site_id == scope.site_id, Facility.status == RecordStatus.ACTIVE]
    if kinds:
        conditions.append(Facility.kind.in_(kinds))
    facilities = db.execute(
        select(Facility, func.coalesce(booked.c.hours, 0.0))
        .outerjoin(booked, booked.c.facility_id == Facility.id)
        .where(*conditions)
        .order_by(Facility.kind, Facility.name)
    ).all()
    closed = _maintenance_days(db, scope, [f.id for f, _ in facilities])
    out = []
    for facility, hours in facilities:
        days = open_days(facility.open_weekdays, scope.start, scope.end) - closed.get(
            facility.id, 0
        )
        bookable = max(days, 0) * facility.bookable_hours_per_day()
        out.append(FacilityUse(facility.id, facility.name, facility.kind, bookable, float(hours)))
    return out


def _maintenance_days(db: Session, scope: Scope, facility_ids: list[int]) -> dict[int, int]:
    """Open days lost to maintenance in the period, per facility (few rows: periods, not days)."""
    if not facility_ids:
        return {}
    rows = db.execute(
        select(
            FacilityMaintenance.facility_id,
            FacilityMaintenance.first_day,
            FacilityMaintenance.last_day,
            Facility.open_weekdays,
        )  # fmt: skip
        .join(Facility, Facility.id == FacilityMaintenance.facility_id)
        .where(
            FacilityMaintenance.facility_id.in_(facility_ids),
            FacilityMaintenance.first_day <= scope.end,
            FacilityMaintenance.last_day >= scope.start,
        )
        .order_by(FacilityMaintenance.facility_id, FacilityMaintenance.first_day)
    )
    lost: dict[int, int] = {}
    covered: dict[int, date] = {}  # last day already counted, so overlapping periods count once
    for facility_id, first, last, weekdays in rows:
        first = max(first, scope.start, covered.get(facility_id, date.min) + timedelta(days=1))
        last = min(last, scope.end)
        if first <= last:
            lost[facility_id] = lost.get(facility_id, 0) + open_days(weekdays, first, last)
            covered[facility_id] = last
    return lost


@dataclass(frozen=True)
class InstructorLoad:
    instructor_id: int
    name: str
    weekly_hours: int  # contracted
    total_hours: float
    weeks_taught: int
    busiest_week_hours: float
    weeks_in_period: int

    @property
    def mean_week_hours(self) -> float:
        return self.total_hours / self.weeks_in_period if self.weeks_in_period else 0.0

    @property
    def load(self) -> float | None:
        """Mean hours per week as a share of the contracted week."""
        return ratio(self.mean_week_hours, self.weekly_hours)


def weeks_in(scope: Scope) -> int:
    """ISO weeks (Monday first) the period touches, partly or wholly."""
    first_monday = scope.start - timedelta(days=scope.start.weekday())
    last_monday = scope.end - timedelta(days=scope.end.weekday())
    return (last_monday - first_monday).days // 7 + 1


def instructor_load(db: Session, scope: Scope) -> list[InstructorLoad]:
    """Per instructor with bookings in scope, most loaded first."""
    week = local_week(Booking.starts_at, scope.timezone)
    conditions = _booking_conditions(scope, ResourceKind.INSTRUCTOR)
    if scope.instructor_id is not None:
        conditions.append(Booking.instructor_id == scope.instructor_id)
    weekly = (
        select(
            Booking.instructor_id,
            week.label("week"),
            _hours(Booking.ends_at, Booking.starts_at).label("hours"),
        )  # fmt: skip
        .where(*conditions)
        .group_by(Booking.instructor_id, week)
        .subquery()
    )
    total = func.sum(weekly.c.hours)
    rows = db.execute(
        select(
            Instructor.id,
            Instructor.full_name,
            Instructor.weekly_hours,
            total,
            func.count(weekly.c.week),
            func.max(weekly.c.hours),
        )  # fmt: skip
        .join(weekly, weekly.c.instructor_id == Instructor.id)
        .where(Instructor.site_id == scope.site_id)
        .group_by(Instructor.id, Instructor.full_name, Instructor.weekly_hours)
        .order_by(total.desc(), Instructor.full_name)
    )
    weeks = weeks_in(scope)
    return [InstructorLoad(iid, name, contracted, float(hours), int(taught), float(busiest), weeks)
            for iid, name, contracted, hours, taught, busiest in rows]  # fmt: skip


@dataclass(frozen=True)
class WeekHours:
    week: str  # YYYY-MM-DD of its Monday
    hours: float
    instructors: int


def teaching_hours_per_week(db: Session, scope: Scope) -> list[WeekHours]:
    week = local_week(Booking.starts_at, scope.timezone)
    conditions = _booking_conditions(scope, ResourceKind.INSTRUCTOR)
    if scope.instructor_id is not None:
        conditions.append(Booking.instructor_id == scope.instructor_id)
    rows = db.execute(
        select(
            week,
            _hours(Booking.ends_at, Booking.starts_at),
            func.count(func.distinct(Booking.instructor_id)),
        )  # fmt: skip
        .where(*conditions)
        .group_by(week)
        .order_by(week)
    )
    return [WeekHours(w, float(h), int(n)) for w, h, n in rows]


@dataclass(frozen=True)
class BayUse:
    facility_id: int
    name: str
    bookable_hours: float
    booked_hours: float
    driven_hours: float
    runs: int

    @property
    def idle_hours(self) -> float:
        return max(self.bookable_hours - self.driven_hours, 0.0)

    @property
    def idle_share(self) -> float | None:
        return ratio(self.idle_hours, self.bookable_hours)


def bay_use(db: Session, scope: Scope, facilities: list[FacilityUse] | None = None) -> list[BayUse]:
    """Simulator bays: bookable, booked and driven hours, and the runs driven there.
    ``facilities``: the scope's :func:`facility_use` when the caller has it already."""
    if facilities is None:
        bays = facility_use(db, scope, (FacilityKind.SIMULATOR_BAY,))
    else:
        bays = [f for f in facilities if f.kind == FacilityKind.SIMULATOR_BAY]
    if not bays:
        return []
    driven = dict(
        (facility_id, (float(seconds or 0.0) / 3600.0, int(runs)))
        for facility_id, seconds, runs in db.execute(
            select(Station.facility_id, func.sum(Run.duration_s), func.count(Run.id))
            .join(Station, Station.id == Run.station_id)
            .where(*run_conditions(scope), Station.facility_id.in_([b.facility_id for b in bays]))
            .group_by(Station.facility_id)
        )
    )
    return [BayUse(b.facility_id, b.name, b.bookable_hours, b.booked_hours,
                   *driven.get(b.facility_id, (0.0, 0))) for b in bays]  # fmt: skip
