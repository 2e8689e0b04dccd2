"""``init-db --demo``: ISDC Serpong with people, facilities, courses and four weeks of sessions.

Deterministic: the same seed and the same "today" give the same data. Sessions are placed
relative to today (one runs today unless it is Sunday) so the dashboards always have something
to show. Later areas extend the demo by adding functions here that take the :class:`Demo`.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from isdc.demo import catalogue
from isdc.demo.people import NikFactory, fitting_sim_class, make_person, sim_number
from isdc.models import (
    Attendance,
    AttendanceStatus,
    Booking,
    Course,
    CourseScenarioRequirement,
    CourseSession,
    CourseSkill,
    Enrolment,
    EnrolmentStatus,
    Facility,
    FacilityKind,
    FacilityMaintenance,
    Instructor,
    InstructorLeave,
    InstructorQualification,
    InstructorRole,
    Organisation,
    ResourceKind,
    Role,
    SessionInstructor,
    SessionSlot,
    SessionStatus,
    Site,
    SkillAssessment,
    Station,
    Trainee,
    User,
)
from isdc.models.audit import AuditAction, audit, suspended
from isdc.models.schedule import intervals_overlap

if TYPE_CHECKING:
    from isdc.models.issuing import CertificateStore

DEFAULT_SEED = 2020_02_11  # ISDC opened on 11 February 2020

# role, username, password: printed by `make run` and `init-db --demo`.
DEMO_LOGINS: tuple[tuple[Role, str, str], ...] = (
    (Role.ADMIN, "admin", "isdc-admin"),
    (Role.INSTRUCTOR, "instruktur", "isdc-instruktur"),
    (Role.TRAINEE, "peserta", "isdc-peserta"),
)
# Further instructor accounts (same password as "instruktur").
EXTRA_INSTRUCTOR_USERNAMES = ("instruktur2", "instruktur3", "instruktur4")

DAY_START, DAY_END = time(8, 0), time(16, 0)
MORNING, AFTERNOON, ALL_DAY = (time(8), time(12)), (time(13), time(16)), (time(8), time(16))

# Facilities booked on each day of a course: (facility name, (from, to)).
DAY_TEMPLATES: dict[str, tuple[tuple[tuple[str, tuple[time, time]], ...], ...]] = {
    "DDC": (
        (("Ruang Kelas Garuda", MORNING), ("Skid Pad", AFTERNOON),
         ("Toyota Avanza (B 1701 SJA)", AFTERNOON)),
        (("Braking Zone", MORNING), ("Lintasan Slalom", AFTERNOON),
         ("Honda Brio (B 1702 SJA)", ALL_DAY), ("Bay Simulator 1", AFTERNOON),
         ("Bay Simulator 2", AFTERNOON)),
    ),
    "SRM": (
        (("Ruang Kelas Bhayangkara", MORNING), ("Braking Zone", AFTERNOON),
         ("Honda Vario 125 (B 3703 SJB)", AFTERNOON), ("Bay Simulator 3", AFTERNOON)),
    ),
    "ARM": (
        (("Ruang Kelas Bhayangkara", ALL_DAY),),
        (("Hino Dutro 130 MDL (B 9704 SJC)", ALL_DAY), ("Braking Zone", MORNING),
         ("Bay Simulator 4", AFTERNOON)),
        (("Hino Dutro 130 MDL (B 9704 SJC)", MORNING), ("Bay Simulator 5", AFTERNOON),
         ("Bay Simulator 6", AFTERNOON)),
    ),
    "PKS": ((("Ruang Kelas Garuda", ALL_DAY),),),
    "INS": (
        (("Ruang Kelas Bhayangkara", ALL_DAY),),
        (("Skid Pad", ALL_DAY), ("Toyota Avanza (B 1701 SJA)", ALL_DAY)),
        (("Braking Zone", ALL_DAY), ("Honda Brio (B 1702 SJA)", ALL_DAY)),
        (("Bay Simulator 1", ALL_DAY), ("Bay Simulator 2", ALL_DAY)),
        (("Ruang Kelas Bhayangkara", MORNING),),
    ),
}  # fmt: skip


@dataclass(frozen=True)
class SessionPlan:
    course: str
    name: str
    working_day: int  # working days (Mon-Sat) from today; negative: in the past
    instructors: tuple[int, ...]  # indexes into catalogue.INSTRUCTORS; the first leads
    organisations: tuple[int, ...]  # indexes into catalogue.ORGANISATIONS, trainees from them
    enrol: int  # how many trainees to enrol (beyond capacity: waitlisted)
    status: SessionStatus = SessionStatus.PLANNED
    cancel_reason: str | None = None


SESSIONS = (
    SessionPlan("SRM", "SRM 0 (angkatan lalu)", -8, (1,), (2, 5), 12, SessionStatus.COMPLETED),
    SessionPlan("DDC", "DDC 0 (angkatan lalu)", -5, (0, 3), (0,), 10, SessionStatus.COMPLETED),
    SessionPlan("DDC", "DDC A", 0, (0, 2), (0, 3), 14),
    SessionPlan("SRM", "SRM A", 2, (1,), (2, 5), 16),
    SessionPlan("ARM", "ARM A", 3, (2,), (1, 0), 14),
    SessionPlan("PKS", "PKS A", 6, (1,), (2,), 16),
    SessionPlan("DDC", "DDC B", 8, (3,), (0, 5), 12),
    SessionPlan("DDC", "DDC C", 10, (0,), (), 0, SessionStatus.CANCELLED,
                "Skid pad dalam perawatan; peserta dipindahkan ke DDC B."),
    SessionPlan("INS", "INS A", 12, (0,), (3, 4), 8),
    SessionPlan("SRM", "SRM B", 18, (1, 3), (2, 5), 10),
    SessionPlan("ARM", "ARM B", 20, (2,), (1,), 8),
)  # fmt: skip


@dataclass
class Demo:
    """What the demo created, for later seeding steps and for tests."""

    site: Site
    today: date
    rng: random.Random
    organisations: list[Organisation] = field(default_factory=list)
    trainees_by_org: dict[int, list[Trainee]] = field(default_factory=dict)
    facilities: dict[str, Facility] = field(default_factory=dict)
    courses: dict[str, Course] = field(default_factory=dict)
    instructors: list[Instructor] = field(default_factory=list)
    sessions: list[CourseSession] = field(default_factory=list)
    users: dict[str, User] = field(default_factory=dict)

    @property
    def trainees(self) -> list[Trainee]:
        return [t for group in self.trainees_by_org.values() for t in group]

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.site.timezone)

    def at(self, day: date, clock: time) -> datetime:
        """A local wall-clock time on ``day`` as an aware datetime (stored as UTC)."""
        return datetime.combine(day, clock, tzinfo=self.tz)


def working_day(today: date, offset: int) -> date:
    """The ``offset``-th working day (Monday to Saturday) from today (0: today or, on a
    Sunday, the Monday after)."""
    day = today
    while day.isoweekday() == 7:
        day += timedelta(days=1)
    step = 1 if offset >= 0 else -1
    for _ in range(abs(offset)):
        day += timedelta(days=step)
        while day.isoweekday() == 7:
            day += timedelta(days=step)
    return day


def seed_demo(
    db: Session,
    site: Site,
    today: date,
    seed: int = DEFAULT_SEED,
    runs_dir: Path | None = None,
    certificate_store: CertificateStore | None = None,
) -> Demo:
    """Fill an empty database (with ``site`` in it) with the demo; the caller commits.

    With ``runs_dir`` (the installation's runs folder) the demo also gets station tokens,
    assignments and scored simulator runs (isdc.demo.simulator; a few seconds of simulation).
    With a ``certificate_store`` the demo's certificates are issued (their PDFs stored there).
    """
    from isdc.demo.certificates import seed_certificates

    demo = Demo(site=site, today=today, rng=random.Random(seed))
    for key, value in catalogue.SITE.items():
        setattr(site, key, value)
    with suspended():  # one summary audit entry instead of hundreds of "create" rows
        _organisations_and_trainees(db, demo)
        _facilities(db, demo)
        _courses(db, demo)
        _instructors(db, demo)
        _users(db, demo)
        _sessions(db, demo)
        from isdc.demo.backoffice import extend_demo  # imports this module

        extend_demo(db, demo)
        runs = None
        if runs_dir is not None:
            from isdc.demo.simulator import DemoRuns

            runs = DemoRuns(db, demo, Path(runs_dir))
            runs.prepare_stations()
        seed_certificates(db, demo, certificate_store, runs=runs)
        db.flush()
        check_no_double_booking(demo.sessions)
        if runs is not None:
            from isdc.demo.simulator import seed_simulator

            seed_simulator(runs)
    audit(
        db,
        AuditAction.DEMO,
        site,
        trainees=len(demo.trainees),
        instructors=len(demo.instructors),
        sessions=len(demo.sessions),
    )
    return demo


def _organisations_and_trainees(db: Session, demo: Demo) -> None:
    niks = NikFactory(demo.rng)
    for index, (spec, count) in enumerate(
        zip(catalogue.ORGANISATIONS, catalogue.TRAINEES_PER_ORGANISATION, strict=True)
    ):
        name, kind, city, domain, (youngest, oldest), female_share, sim_classes = spec
        org = Organisation(site=demo.site, name=name, kind=kind, city=city)
        db.add(org)
        demo.organisations.append(org)
        group = []
        for _ in range(count):
            p = make_person(demo.rng, niks, demo.today, youngest, oldest, female_share, domain)
            sim_class = fitting_sim_class(demo.rng, p.birth_date, demo.today, sim_classes)
            if kind.value == "school" and demo.rng.random() < 0.5:
                sim_class = None  # many students do not hold a SIM yet
            trainee = Trainee(
                site=demo.site,
                nik=p.nik,
                full_name=p.full_name,
                birth_date=p.birth_date,
                sex=p.sex,
                phone=p.phone,
                email=p.email,
                city=p.city,
                organisation=org,
                sim_class=sim_class,
                sim_number=sim_number(demo.rng, p.birth_date) if sim_class else None,
                sim_valid_until=(
                    demo.today + timedelta(days=demo.rng.randint(60, 5 * 365))
                    if sim_class
                    else None
                ),
            )
            db.add(trainee)
            group.append(trainee)
        demo.trainees_by_org[index] = group


def _facilities(db: Session, demo: Demo) -> None:
    opens, closes = catalogue.OPENING_HOURS
    for spec in catalogue.FACILITIES:
        facility = Facility(
            site=demo.site,
            opens_at=opens,
            closes_at=closes,
            open_weekdays=catalogue.WEEKDAYS_AND_SATURDAY,
            **spec,
        )
        if facility.kind == FacilityKind.VEHICLE:
            facility.stnk_valid_until = demo.today + timedelta(days=demo.rng.randint(45, 700))
        db.add(facility)
        demo.facilities[facility.name] = facility
        if facility.kind == FacilityKind.SIMULATOR_BAY:
            number = facility.name.rsplit(" ", 1)[-1]
            db.add(Station(site=demo.site, name=f"SIM-{int(number):02d}", facility=facility))
    skid_pad = demo.facilities["Skid Pad"]
    db.add(
        FacilityMaintenance(
            facility=skid_pad,
            first_day=working_day(demo.today, 10),
            last_day=working_day(demo.today, 11),
            reason="Pelapisan ulang permukaan skid pad",
        )
    )


def _courses(db: Session, demo: Demo) -> None:
    for spec in catalogue.COURSES:
        spec = dict(spec)
        scenarios = spec.pop("scenarios")
        skills = spec.pop("skills")
        course = Course(site=demo.site, **spec)
        course.requires_practical_signoff = True
        course.scenario_requirements = [
            CourseScenarioRequirement(
                scenario_id=scenario, vehicle=vehicle, min_score=score, position=i
            )
            for i, (scenario, vehicle, score) in enumerate(scenarios)
        ]
        course.skills = [
            CourseSkill(position=i, name_id=name_id, name_en=name_en)
            for i, (name_id, name_en) in enumerate(skills)
        ]
        db.add(course)
        demo.courses[course.code] = course


def _instructors(db: Session, demo: Demo) -> None:
    for index, (rank, name, staff_number, _sex, qualifications) in enumerate(catalogue.INSTRUCTORS):
        instructor = Instructor(
            site=demo.site,
            staff_number=staff_number,
            full_name=name,
            rank=rank,
            phone="0812" + f"{demo.rng.randint(0, 99_999_999):08d}",
            email=f"{name.split(',')[0].lower().replace(' ', '.')}@isdc.example",
            weekly_hours=40 if index < 3 else 32,
        )
        instructor.qualifications = [
            InstructorQualification(
                category=category,
                vehicle_kind=vehicle,
                valid_until=None if days is None else demo.today + timedelta(days=days),
            )
            for category, vehicle, days in qualifications
        ]
        db.add(instructor)
        demo.instructors.append(instructor)
    db.add(
        InstructorLeave(
            instructor=demo.instructors[3],
            first_day=working_day(demo.today, 14),
            last_day=working_day(demo.today, 16),
            reason="Cuti tahunan",
        )
    )


def _users(db: Session, demo: Demo) -> None:
    passwords = {username: password for _role, username, password in DEMO_LOGINS}
    admin = User(username="admin", role=Role.ADMIN, site=demo.site, display_name="Admin ISDC")
    admin.set_password(passwords["admin"])
    instructor_names = ("instruktur", *EXTRA_INSTRUCTOR_USERNAMES)
    users = [admin]
    for username, instructor in zip(instructor_names, demo.instructors, strict=True):
        user = User(
            username=username,
            role=Role.INSTRUCTOR,
            site=demo.site,
            display_name=instructor.display_name,
            instructor=instructor,
        )
        user.set_password(passwords["instruktur"])
        users.append(user)
    trainee = demo.trainees_by_org[0][0]  # a driver of the logistics company
    peserta = User(
        username="peserta",
        role=Role.TRAINEE,
        site=demo.site,
        display_name=trainee.full_name,
        trainee=trainee,
    )
    peserta.set_password(passwords["peserta"])
    users.append(peserta)
    for user in users:
        db.add(user)
        demo.users[user.username] = user


def _sessions(db: Session, demo: Demo) -> None:
    busy: dict[int, list[tuple[datetime, datetime]]] = defaultdict(list)  # trainee id -> times
    db.flush()  # trainees need ids for the busy map
    demo_trainee = demo.users["peserta"].trainee
    for plan in SESSIONS:
        course = demo.courses[plan.course]
        first = working_day(demo.today, plan.working_day)
        days = [working_day(first, i) for i in range(course.duration_days)]
        session = CourseSession(
            site=demo.site,
            course=course,
            name=plan.name,
            capacity=course.capacity,
            status=plan.status,
            starts_at=demo.at(days[0], DAY_START),
            ends_at=demo.at(days[-1], DAY_END),
        )
        if plan.status == SessionStatus.CANCELLED:
            session.cancel_reason = plan.cancel_reason
            session.cancelled_at = demo.at(demo.today, time(9)) - timedelta(days=2)
        db.add(session)
        for role_index, instructor_index in enumerate(plan.instructors):
            db.add(
                SessionInstructor(
                    session=session,
                    instructor=demo.instructors[instructor_index],
                    role=InstructorRole.LEAD if role_index == 0 else InstructorRole.ASSISTANT,
                )
            )
        templates = DAY_TEMPLATES[plan.course]
        for day, template in zip(days, templates, strict=True):
            slot = SessionSlot(
                session=session,
                starts_at=demo.at(day, DAY_START),
                ends_at=demo.at(day, DAY_END),
            )
            db.add(slot)
            if plan.status == SessionStatus.CANCELLED:
                continue  # a cancelled session holds no resources
            for instructor_index in plan.instructors:
                db.add(
                    Booking(
                        session=session,
                        slot=slot,
                        resource_kind=ResourceKind.INSTRUCTOR,
                        instructor=demo.instructors[instructor_index],
                        starts_at=slot.starts_at,
                        ends_at=slot.ends_at,
                    )
                )
            for facility_name, (start, end) in template:
                db.add(
                    Booking(
                        session=session,
                        slot=slot,
                        resource_kind=ResourceKind.FACILITY,
                        facility=demo.facilities[facility_name],
                        starts_at=demo.at(day, start),
                        ends_at=demo.at(day, end),
                    )
                )
        demo.sessions.append(session)
        _enrol(db, demo, plan, session, days, busy, demo_trainee)


def _enrol(
    db: Session,
    demo: Demo,
    plan: SessionPlan,
    session: CourseSession,
    days: list[date],
    busy: dict[int, list[tuple[datetime, datetime]]],
    demo_trainee: Trainee,
) -> None:
    span = (session.starts_at, session.ends_at)
    candidates = [t for org in plan.organisations for t in demo.trainees_by_org[org]]
    demo.rng.shuffle(candidates)
    # The demo trainee sits in a past course, today's course and one waiting list.
    if demo_trainee in candidates:
        candidates.remove(demo_trainee)
    if plan.name in ("SRM 0 (angkatan lalu)", "DDC A"):
        candidates.insert(0, demo_trainee)
    elif plan.name == "ARM A":  # last in, so on the waiting list
        candidates.insert(plan.enrol - 1, demo_trainee)
    chosen = [t for t in candidates if not any(intervals_overlap(*span, *b) for b in busy[t.id])][
        : plan.enrol
    ]
    for order, trainee in enumerate(chosen):
        busy[trainee.id].append(span)
        enrolled_at = session.starts_at - timedelta(days=21 - order % 14, hours=order)
        enrolment = Enrolment(
            trainee=trainee,
            session=session,
            enrolled_at=enrolled_at,
            status_changed_at=enrolled_at,
            status=EnrolmentStatus.ENROLLED,
        )
        if order >= session.capacity:
            enrolment.status = EnrolmentStatus.WAITLISTED
            enrolment.waitlist_position = order - session.capacity + 1
        db.add(enrolment)
        if plan.status == SessionStatus.COMPLETED:
            _record_results(db, demo, session, enrolment, days, order)


def _record_results(
    db: Session,
    demo: Demo,
    session: CourseSession,
    enrolment: Enrolment,
    days: list[date],
    order: int,
) -> None:
    """A finished course: attendance, skill ratings, sign-off, and the outcome."""
    lead = demo.users["instruktur"] if session.course.code == "DDC" else demo.users["instruktur2"]
    absent_day = days[-1] if order == 3 else None  # one trainee missed the last day
    for day in days:
        status = AttendanceStatus.PRESENT
        if day == absent_day:
            status = AttendanceStatus.ABSENT
        elif order == 5:
            status = AttendanceStatus.LATE
        db.add(
            Attendance(
                enrolment=enrolment,
                day=day,
                status=status,
                recorded_by_id=lead.id,
                note="Terlambat 20 menit" if status == AttendanceStatus.LATE else None,
            )
        )
    finished_at = demo.at(days[-1], DAY_END)
    for skill in session.course.skills:
        level = 5 if demo.rng.random() < 0.6 else 4
        if absent_day is not None:
            level = 3
        db.add(
            SkillAssessment(
                enrolment=enrolment,
                skill=skill,
                level=level,
                assessor_id=lead.id,
                assessed_at=finished_at - timedelta(hours=1),
                notes="Perlu latihan tambahan" if level < 4 else None,
            )
        )
    if absent_day is None:
        enrolment.status = EnrolmentStatus.COMPLETED
        enrolment.practical_signed_off_at = finished_at
        enrolment.practical_signed_off_by_id = lead.id
        enrolment.practical_notes = "Lulus penilaian praktik."
    else:
        enrolment.status = EnrolmentStatus.FAILED
    enrolment.status_changed_at = finished_at


def check_no_double_booking(sessions: list[CourseSession]) -> None:
    """The demo obeys the scheduling rule it demonstrates: no resource booked twice at once."""
    seen: dict[tuple[str, int], list[Booking]] = defaultdict(list)
    for session in sessions:
        for booking in session.bookings:
            key = (
                booking.resource_kind.value,
                booking.instructor_id or booking.facility_id or booking.trainee_id or 0,
            )
            for other in seen[key]:
                if booking.overlaps(other.starts_at, other.ends_at):
                    raise AssertionError(f"demo double-books {key}: {booking} and {other}")
            seen[key].append(booking)
