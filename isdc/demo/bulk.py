"""Large, valid data sets for benchmarks (10k trainees, 2k sessions) inserted in bulk.

Plain SQLAlchemy Core inserts (``executemany``): no ORM objects and no per-row audit entries,
so 10,000 trainees take about a second. The data obeys the domain rules: valid NIKs and SIM
classes, and no instructor, facility or trainee booked twice at once.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, insert, select, text
from sqlalchemy.orm import Session

from isdc.demo import catalogue
from isdc.demo.people import NikFactory, fitting_sim_class, make_person, sim_number
from isdc.demo.seed import working_day
from isdc.models import (
    Booking,
    Course,
    CourseSession,
    Enrolment,
    EnrolmentStatus,
    Facility,
    FacilityKind,
    Instructor,
    Organisation,
    OrganisationKind,
    RecordStatus,
    ResourceKind,
    SessionInstructor,
    SessionSlot,
    SessionStatus,
    SimClass,
    Site,
    Trainee,
)
from isdc.models.base import utcnow

ALL_SIM_CLASSES = tuple(SimClass)


@dataclass
class BulkCounts:
    trainees: int
    instructors: int
    facilities: int
    sessions: int
    slots: int
    enrolments: int


def seed_bulk(
    db: Session,
    site: Site,
    *,
    trainees: int = 10_000,
    sessions: int = 2_000,
    instructors: int = 50,
    facilities: int = 60,
    enrolments_per_session: int = 8,
    today: date | None = None,
    seed: int = 7,
    span: tuple[int, int] = (-310, 310),
) -> BulkCounts:
    """Add the given volumes to ``site`` (the caller commits). Sessions start within ``span``
    working days of ``today`` (by default the year before and the year after)."""
    rng = random.Random(seed)
    tz = ZoneInfo(site.timezone)
    today = today or datetime.now(tz).date()
    now = utcnow()
    stamp = {"created_at": now, "updated_at": now}

    org_ids = _organisations(db, site, rng, stamp)
    trainee_ids = _trainees(db, site, rng, today, org_ids, trainees, stamp)
    instructor_ids = _instructors(db, site, rng, instructors, stamp)
    room_ids = _facilities(db, site, facilities, stamp)
    courses = _courses(db, site)

    instructor_busy: dict[int, set[date]] = defaultdict(set)
    room_busy: dict[int, set[date]] = defaultdict(set)
    trainee_busy: dict[int, set[date]] = defaultdict(set)
    session_rows, slot_rows, booking_rows, enrolment_rows, lead_rows = [], [], [], [], []
    session_id = (db.scalar(select(CourseSession.id).order_by(CourseSession.id.desc())) or 0) + 1
    slot_id = (db.scalar(select(SessionSlot.id).order_by(SessionSlot.id.desc())) or 0) + 1
    attempts = 0
    while len(session_rows) < sessions and attempts < sessions * 5:
        attempts += 1
        course = rng.choice(courses)
        first = working_day(today, rng.randint(*span))
        days = [working_day(first, i) for i in range(course.duration_days)]
        instructor = _free(instructor_ids, instructor_busy, days, rng)
        room = _free(room_ids, room_busy, days, rng)
        if instructor is None or room is None:
            continue  # fully booked on those days; skip rather than double-book
        starts_at = datetime.combine(days[0], time(8), tzinfo=tz)
        ends_at = datetime.combine(days[-1], time(16), tzinfo=tz)
        past = days[-1] < today
        session_rows.append(
            {
                "id": session_id,
                "site_id": site.id,
                "course_id": course.id,
                "name": f"{course.code} {days[0]:%Y/%m/%d}",
                "starts_at": starts_at,
                "ends_at": ends_at,
                "capacity": course.capacity,
                "status": (SessionStatus.COMPLETED if past else SessionStatus.PLANNED).value,
                **stamp,
            }
        )
        lead_rows.append({"session_id": session_id, "instructor_id": instructor,
                          "role": "lead", **stamp})  # fmt: skip
        for day in days:
            slot_start = datetime.combine(day, time(8), tzinfo=tz)
            slot_end = datetime.combine(day, time(16), tzinfo=tz)
            slot_rows.append({"id": slot_id, "session_id": session_id, "starts_at": slot_start,
                              "ends_at": slot_end, **stamp})  # fmt: skip
            for kind, column, resource in (
                (ResourceKind.INSTRUCTOR, "instructor_id", instructor),
                (ResourceKind.FACILITY, "facility_id", room),
            ):
                booking_rows.append(
                    {"session_id": session_id, "slot_id": slot_id, "resource_kind": kind.value,
                     "instructor_id": None, "facility_id": None, "trainee_id": None,
                     column: resource, "starts_at": slot_start, "ends_at": slot_end,
                     "status": "active", **stamp}
                )  # fmt: skip
            slot_id += 1
        for trainee_id in _free_trainees(trainee_ids, trainee_busy, days, rng,
                                         min(enrolments_per_session, course.capacity)):  # fmt: skip
            enrolled_at = starts_at - timedelta(days=rng.randint(3, 40))
            status = EnrolmentStatus.COMPLETED if past else EnrolmentStatus.ENROLLED
            enrolment_rows.append(
                {"trainee_id": trainee_id, "session_id": session_id, "status": status.value,
                 "enrolled_at": enrolled_at, "status_changed_at": enrolled_at,
                 "source": "manual", **stamp}
            )  # fmt: skip
        session_id += 1

    for model, rows in (
        (CourseSession, session_rows),
        (SessionInstructor, lead_rows),
        (SessionSlot, slot_rows),
        (Booking, booking_rows),
        (Enrolment, enrolment_rows),
    ):
        if rows:
            db.execute(insert(model), rows)
    advance_sequences(db, ("course_sessions", "session_slots"))
    return BulkCounts(
        trainees=len(trainee_ids),
        instructors=len(instructor_ids),
        facilities=facilities,
        sessions=len(session_rows),
        slots=len(slot_rows),
        enrolments=len(enrolment_rows),
    )


def _free(
    ids: list[int], busy: dict[int, set[date]], days: list[date], rng: random.Random
) -> int | None:
    start = rng.randrange(len(ids))
    for i in range(len(ids)):
        candidate = ids[(start + i) % len(ids)]
        if not busy[candidate].intersection(days):
            busy[candidate].update(days)
            return candidate
    return None


def _free_trainees(
    ids: list[int], busy: dict[int, set[date]], days: list[date], rng: random.Random, count: int
) -> list[int]:
    chosen: list[int] = []
    for candidate in rng.sample(ids, min(len(ids), count * 3)):
        if len(chosen) == count:
            break
        if not busy[candidate].intersection(days):
            busy[candidate].update(days)
            chosen.append(candidate)
    return chosen


def _organisations(db: Session, site: Site, rng: random.Random, stamp: dict) -> list[int]:
    kinds = list(OrganisationKind)
    rows = [
        {"site_id": site.id, "name": f"Organisasi Uji {n:03d}", "kind": kinds[n % len(kinds)].value,
         "city": rng.choice(catalogue.ORGANISATIONS)[2], "status": "active", **stamp}
        for n in range(1, 41)
    ]  # fmt: skip
    db.execute(insert(Organisation), rows)
    return list(db.scalars(select(Organisation.id).where(Organisation.site_id == site.id)))


def _trainees(
    db: Session,
    site: Site,
    rng: random.Random,
    today: date,
    org_ids: list[int],
    count: int,
    stamp: dict,
) -> list[int]:
    existing = set(db.scalars(select(Trainee.nik)))
    before = db.scalar(select(func.max(Trainee.id))) or 0
    niks = NikFactory(rng)
    niks.used |= existing
    rows = []
    for _ in range(count):
        p = make_person(rng, niks, today, 16, 60)
        sim_class = fitting_sim_class(rng, p.birth_date, today, ALL_SIM_CLASSES)
        rows.append(
            {"site_id": site.id, "nik": p.nik, "full_name": p.full_name,
             "birth_date": p.birth_date, "sex": p.sex.value, "phone": p.phone,
             "email": None, "city": p.city, "organisation_id": rng.choice(org_ids),
             "sim_class": sim_class.value if sim_class else None,
             "sim_number": sim_number(rng, p.birth_date) if sim_class else None,
             "status": RecordStatus.ACTIVE.value, **stamp}
        )  # fmt: skip
    db.execute(insert(Trainee), rows)
    # Only the new trainees: the ones already there have schedules of their own.
    return list(db.scalars(select(Trainee.id).where(Trainee.id > before).order_by(Trainee.id)))


def _instructors(db: Session, site: Site, rng: random.Random, count: int, stamp: dict) -> list[int]:
    niks = NikFactory(rng)
    rows = []
    for n in range(count):
        p = make_person(rng, niks, date(2026, 1, 1), 25, 55)
        rows.append(
            {"site_id": site.id, "staff_number": f"7{n:07d}", "full_name": p.full_name,
             "rank": rng.choice(("Bripka", "Aiptu", "Ipda", "Iptu", None)),
             "weekly_hours": 40, "status": "active", **stamp}
        )  # fmt: skip
    db.execute(insert(Instructor), rows)
    return list(
        db.scalars(
            select(Instructor.id)
            .where(Instructor.site_id == site.id, Instructor.staff_number.like("7%"))
            .order_by(Instructor.id)
        )
    )


def _facilities(db: Session, site: Site, count: int, stamp: dict) -> list[int]:
    """``count`` facilities, a third of them rooms and tracks that sessions book."""
    kinds = [FacilityKind.CLASSROOM, FacilityKind.TRACK, FacilityKind.SIMULATOR_BAY]
    rows = []
    for n in range(count):
        kind = kinds[n % 3]
        rows.append(
            {"site_id": site.id, "name": f"Fasilitas Uji {n + 1:03d}", "kind": kind.value,
             "track_kind": "slalom" if kind == FacilityKind.TRACK else None,
             "capacity": 30 if kind == FacilityKind.CLASSROOM else 2,
             "opens_at": time(7), "closes_at": time(17), "open_weekdays": "123456",
             "status": "active", **stamp}
        )  # fmt: skip
    db.execute(insert(Facility), rows)
    return list(
        db.scalars(
            select(Facility.id).where(
                Facility.site_id == site.id,
                Facility.name.like("Fasilitas Uji %"),
                Facility.kind == FacilityKind.CLASSROOM,
            )
        )
    )


def _courses(db: Session, site: Site) -> list[Course]:
    courses = list(db.scalars(select(Course).where(Course.site_id == site.id)))
    if courses:
        return courses
    for spec in catalogue.COURSES:
        spec = {k: v for k, v in spec.items() if k not in ("scenarios", "skills")}
        db.add(Course(site_id=site.id, **spec))
    db.flush()
    return list(db.scalars(select(Course).where(Course.site_id == site.id)))


def advance_sequences(db: Session, tables: tuple[str, ...]) -> None:
    """Explicit ids were inserted into ``tables``: move PostgreSQL's sequences past them."""
    if db.get_bind().dialect.name != "postgresql":
        return
    for table in tables:
        db.execute(text(f"SELECT setval('{table}_id_seq', (SELECT max(id) FROM {table}))"))
