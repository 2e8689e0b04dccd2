"""A small seeded world for the analytics tests, whose answers the tests work out themselves.

The raw rows are plain module-level lists (``ENROLMENTS``, ``CERTIFICATES``, ``RUNS``, ...);
the ``world`` fixture writes them to the database and returns a :class:`World` that maps the
names used in the lists to the stored records. A test computes the expected figure from the
lists in Python and compares it with what the SQL of the page says. Everything lies in
July-September 2026 (``PERIOD``), except certificate expiry, which counts from today.

Used by every analytics test module (ancore, ansim, anpdf): add rows here rather than
seeding a second world.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest

from isdc.models import (
    Assignment,
    AssignmentStatus,
    BookingStatus,
    Certificate,
    CertificateStatus,
    CourseCategory,
    CourseSession,
    EnrolmentStatus,
    FacilityKind,
    FacilityMaintenance,
    Organisation,
    OrganisationKind,
    Role,
    Run,
    RunFinding,
    RunMeasure,
    ScoreReport,
    SessionStatus,
    Station,
    UiLocale,
)
from isdc.models.base import local_today
from tests import factories

PERIOD = {"start": "2026-07-01", "end": "2026-09-30"}
WIB = 7  # hours ahead of UTC (Asia/Jakarta)

ORGANISATIONS = {"maju": ("PT Maju Jaya", OrganisationKind.COMPANY),
                 "sman1": ("SMA Negeri 1 Serpong", OrganisationKind.SCHOOL)}  # fmt: skip
# name -> organisation key (None: no organisation)
TRAINEES = {"ani": "maju", "budi": "maju", "citra": "maju", "dedi": "sman1",
            "eka": "sman1", "fajar": None, "gita": "sman1", "hadi": None}  # fmt: skip
COURSES = {"DDC": CourseCategory.DEFENSIVE_CAR, "SR": CourseCategory.SAFETY_RIDING}
INSTRUCTORS = ("agus", "bambang")
# name -> (course, local days, instructors, facilities, status)
SESSIONS: dict[str, tuple[str, list[date], tuple[str, ...], tuple[str, ...], SessionStatus]] = {
    "ddc-jul": ("DDC", [date(2026, 7, 14), date(2026, 7, 15)], ("agus",), ("class",),
                SessionStatus.COMPLETED),
    "sr-aug": ("SR", [date(2026, 8, 10), date(2026, 8, 11)], ("bambang",), ("bay",),
               SessionStatus.COMPLETED),
    "ddc-sep": ("DDC", [date(2026, 9, 8)], ("agus", "bambang"), ("class", "bay"),
                SessionStatus.COMPLETED),
    "ddc-sep-cancelled": ("DDC", [date(2026, 9, 22)], ("agus",), (), SessionStatus.CANCELLED),
    "ddc-oct": ("DDC", [date(2026, 10, 6)], ("agus",), ("class",), SessionStatus.PLANNED),
}  # fmt: skip
# (trainee, session, status, enrolled at UTC)
ENROLMENTS = [
    ("ani", "ddc-jul", EnrolmentStatus.COMPLETED, datetime(2026, 7, 1, 2, tzinfo=UTC)),
    ("budi", "ddc-jul", EnrolmentStatus.COMPLETED, datetime(2026, 7, 3, 2, tzinfo=UTC)),
    ("citra", "ddc-jul", EnrolmentStatus.FAILED, datetime(2026, 7, 3, 2, tzinfo=UTC)),
    ("dedi", "ddc-jul", EnrolmentStatus.WITHDRAWN, datetime(2026, 7, 4, 2, tzinfo=UTC)),
    ("eka", "sr-aug", EnrolmentStatus.COMPLETED, datetime(2026, 7, 20, 2, tzinfo=UTC)),
    ("fajar", "sr-aug", EnrolmentStatus.COMPLETED, datetime(2026, 8, 1, 2, tzinfo=UTC)),
    ("ani", "sr-aug", EnrolmentStatus.ENROLLED, datetime(2026, 8, 2, 2, tzinfo=UTC)),
    ("gita", "ddc-sep", EnrolmentStatus.COMPLETED, datetime(2026, 8, 25, 2, tzinfo=UTC)),
    ("hadi", "ddc-sep", EnrolmentStatus.FAILED, datetime(2026, 8, 26, 2, tzinfo=UTC)),
    ("budi", "ddc-sep", EnrolmentStatus.WAITLISTED, datetime(2026, 8, 27, 2, tzinfo=UTC)),
    ("citra", "ddc-sep-cancelled", EnrolmentStatus.ENROLLED, datetime(2026, 9, 1, 2, tzinfo=UTC)),
    ("dedi", "ddc-oct", EnrolmentStatus.ENROLLED, datetime(2026, 9, 20, 2, tzinfo=UTC)),
]
# (trainee, session, issued at UTC, valid for days from today (None: no expiry), revoked at)
CERTIFICATES = [
    ("ani", "ddc-jul", datetime(2026, 7, 16, 3, tzinfo=UTC), 30, None),
    ("budi", "ddc-jul", datetime(2026, 7, 17, 3, tzinfo=UTC), 400,
     datetime(2026, 9, 2, 3, tzinfo=UTC)),
    ("eka", "sr-aug", datetime(2026, 8, 12, 3, tzinfo=UTC), 200, None),
    ("fajar", "sr-aug", datetime(2026, 8, 31, 18, tzinfo=UTC), None, None),  # 1 Sep in WIB
    ("gita", "ddc-sep", datetime(2026, 9, 10, 3, tzinfo=UTC), 89, None),
]  # fmt: skip
# (trainee, session or None, scenario, started at UTC, score, passed, outcome, findings)
RUNS = [
    ("ani", "ddc-jul", "braking_zone", datetime(2026, 7, 14, 3, tzinfo=UTC), 62.0, False,
     "completed", ["speeding", "harsh_brake"]),
    ("ani", "ddc-jul", "braking_zone", datetime(2026, 7, 15, 3, tzinfo=UTC), 81.0, True,
     "completed", ["speeding"]),
    ("budi", "ddc-jul", "braking_zone", datetime(2026, 7, 14, 4, tzinfo=UTC), 90.0, True,
     "completed", []),
    ("citra", "ddc-jul", "braking_zone", datetime(2026, 7, 14, 5, tzinfo=UTC), 0.0, False,
     "collision", ["collision"]),
    ("eka", "sr-aug", "school_zone", datetime(2026, 8, 10, 3, tzinfo=UTC), 74.0, True,
     "completed", ["speeding"]),
    ("fajar", "sr-aug", "school_zone", datetime(2026, 8, 31, 20, tzinfo=UTC), 55.0, False,
     "completed", ["speeding", "red_light"]),  # 1 Sep 03:00 in WIB
    ("gita", "ddc-sep", "braking_zone", datetime(2026, 9, 8, 2, tzinfo=UTC), 88.0, True,
     "completed", ["harsh_brake"]),
    ("hadi", None, "braking_zone", datetime(2026, 9, 9, 2, tzinfo=UTC), 45.0, False,
     "timeout", ["speeding", "speeding"]),
    ("dedi", None, "school_zone", datetime(2026, 6, 30, 16, tzinfo=UTC), 70.0, True,
     "completed", []),  # 30 Jun 23:00 in WIB: outside the period
]  # fmt: skip
RUN_SECONDS = 600.0  # every run drives ten minutes
# (facility, first day, last day): out of service, both days included
MAINTENANCE = [
    ("bay", date(2026, 8, 3), date(2026, 8, 7)),
    ("bay", date(2026, 8, 6), date(2026, 8, 10)),
]


@dataclass
class World:
    site: Any
    organisations: dict[str, Organisation] = field(default_factory=dict)
    trainees: dict[str, Any] = field(default_factory=dict)
    courses: dict[str, Any] = field(default_factory=dict)
    instructors: dict[str, Any] = field(default_factory=dict)
    facilities: dict[str, Any] = field(default_factory=dict)
    sessions: dict[str, CourseSession] = field(default_factory=dict)
    enrolments: dict[tuple[str, str], Any] = field(default_factory=dict)
    certificates: dict[tuple[str, str], Certificate] = field(default_factory=dict)
    runs: list[Run] = field(default_factory=list)
    users: dict[str, Any] = field(default_factory=dict)
    today: date = field(default_factory=local_today)

    def args(self, **extra: Any) -> dict[str, Any]:
        """The period's query arguments plus ``extra``."""
        return {**PERIOD, **extra}


def local(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=UTC) - timedelta(hours=WIB)


@pytest.fixture
def world(db_session, site, make) -> World:  # type: ignore[no-untyped-def]
    w = World(site)
    db = db_session
    for key, (name, kind) in ORGANISATIONS.items():
        w.organisations[key] = Organisation(site=site, name=name, kind=kind)
        db.add(w.organisations[key])
    db.commit()
    for name, org in TRAINEES.items():
        w.trainees[name] = make.trainee(
            full_name=name.capitalize(), organisation=w.organisations[org] if org else None
        )
    for code, category in COURSES.items():
        w.courses[code] = make.course(code=code, category=category, certificate_validity_months=24)
    for name in INSTRUCTORS:
        w.instructors[name] = make.instructor(full_name=name.capitalize(), weekly_hours=40)
    w.facilities["class"] = make.facility(name="Kelas 1", kind=FacilityKind.CLASSROOM)
    w.facilities["bay"] = make.facility(name="Bay 1", kind=FacilityKind.SIMULATOR_BAY, capacity=1)
    for facility, first, last in MAINTENANCE:
        db.add(FacilityMaintenance(facility=w.facilities[facility], first_day=first, last_day=last))
    station = Station(site=site, name="SIM-01", facility=w.facilities["bay"])
    db.add(station)
    for name, (course, days, teachers, rooms, status) in SESSIONS.items():
        w.sessions[name] = make.session(
            w.courses[course], days=days, name=name, status=status,
            instructors=[w.instructors[i] for i in teachers],
            facilities=[w.facilities[f] for f in rooms],
        )  # fmt: skip
        if status == SessionStatus.CANCELLED:
            for booking in w.sessions[name].bookings:
                booking.status = BookingStatus.CANCELLED
    for trainee, session, status, enrolled_at in ENROLMENTS:
        w.enrolments[trainee, session] = make.enrolment(
            w.trainees[trainee], w.sessions[session], status, enrolled_at=enrolled_at
        )
    for number, (trainee, session, issued_at, valid_days, revoked_at) in enumerate(CERTIFICATES):
        enrolment = w.enrolments[trainee, session]
        course = w.sessions[session].course
        cert = Certificate(
            site_id=site.id, serial=f"ISDC/2026/{course.code}/{number + 1:04d}",
            verification_code=f"CODE{number:012d}", trainee_id=enrolment.trainee_id,
            enrolment_id=enrolment.id, course_id=course.id, session_id=enrolment.session_id,
            issued_at=issued_at,
            valid_until=None if valid_days is None else w.today + timedelta(days=valid_days),
            status=CertificateStatus.REVOKED if revoked_at else CertificateStatus.VALID,
            revoked_at=revoked_at, revoke_reason="salah nama" if revoked_at else None,
            holder_name=w.trainees[trainee].full_name, course_title_id=course.title_id,
            course_title_en=course.title_en,
        )  # fmt: skip
        db.add(cert)
        w.certificates[trainee, session] = cert
    db.commit()
    for trainee, session, scenario, started_at, score, passed, outcome, findings in RUNS:
        assignment = None
        if session is not None:
            assignment = Assignment(
                site_id=site.id, trainee_id=w.trainees[trainee].id,
                enrolment_id=w.enrolments[trainee, session].id,
                session_id=w.sessions[session].id, scenario_id=scenario, vehicle="car",
                seed=1, station_id=station.id, status=AssignmentStatus.DONE,
            )  # fmt: skip
            db.add(assignment)
            db.flush()
        run = Run(
            id=uuid.uuid4(), site_id=site.id, trainee_id=w.trainees[trainee].id,
            assignment_id=assignment.id if assignment else None, station_id=station.id,
            scenario_id=scenario, scenario_version="1", vehicle="car", driver="keyboard",
            seed=1, started_at=started_at, duration_s=RUN_SECONDS, ticks=36000,
            outcome=outcome, simulator_version="test", telemetry_path="runs/none.npz",
            telemetry_sha256="0" * 64, telemetry_size=0, score=score, passed=passed,
            rubric_version="1", scorer_version="test",
        )  # fmt: skip
        db.add(run)
        report = ScoreReport(run=run, rubric_version="1", scorer_version="test", score=score,
                             passed=passed, is_current=True, report={"score": score})  # fmt: skip
        db.add(report)
        db.flush()
        for i, kind in enumerate(findings):
            db.add(RunFinding(report_id=report.id, run_id=run.id, kind=kind, severity="major",
                              rule=None, t=10.0 + i, x=50.0 + 10 * i, y=0.0))  # fmt: skip
        db.add(RunMeasure(report_id=report.id, run_id=run.id, name="speeding_share",
                          value=0.1 * len(findings), unit="ratio"))  # fmt: skip
        w.runs.append(run)
    db.commit()
    # The administrator reads English (messages are checked by their words); the others
    # read the default, Indonesian.
    w.users["admin"] = make.user(Role.ADMIN, username="anev-admin", locale=UiLocale.ENGLISH)
    w.users["agus"] = make.user(Role.INSTRUCTOR, username="anev-agus",
                                instructor_id=w.instructors["agus"].id)  # fmt: skip
    w.users["bambang"] = make.user(Role.INSTRUCTOR, username="anev-bambang",
                                   instructor_id=w.instructors["bambang"].id)  # fmt: skip
    w.users["trainee"] = make.user(Role.TRAINEE, username="anev-peserta",
                                   trainee_id=w.trainees["ani"].id)  # fmt: skip
    return w


@pytest.fixture
def signed_in(client, world):  # type: ignore[no-untyped-def]
    """``signed_in("admin")`` signs the client in as one of the world's users."""
    from tests.conftest import login

    def sign_in(who: str) -> Any:
        response = login(client, world.users[who].username, factories.PASSWORD)
        assert response.status_code == 302, f"{who} could not sign in"
        return client

    return sign_in
