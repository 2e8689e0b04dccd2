"""Building blocks for certificate-issuing tests: a finished session whose trainees meet (or
miss) the course's requirements, simulator runs, a configured site."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy.orm import Session

from isdc.models import (
    Attendance,
    AttendanceStatus,
    Course,
    CourseScenarioRequirement,
    CourseSession,
    Enrolment,
    Run,
    Site,
    Trainee,
    VehicleKind,
)
from isdc.models.base import local_today, utcnow

SIGNATORY = "Kombes Pol. Dr. Bagus Hendrawan, S.I.K., M.Si."
SIGNATORY_TITLE = "Kepala Indonesia Safety Driving Center"
BASE_URL = "https://isdc.example.go.id"


def configure_site(db: Session, site: Site) -> Site:
    site.certificate_signatory_name = SIGNATORY
    site.certificate_signatory_title = SIGNATORY_TITLE
    site.certificate_signatory_title_en = "Head of the Indonesia Safety Driving Center"
    site.certificate_place = "Serpong"
    site.public_base_url = BASE_URL
    db.commit()
    return site


def add_run(
    db: Session,
    trainee: Trainee,
    scenario_id: str,
    score: float,
    passed: bool,
    vehicle: str = "car",
    started_at: datetime | None = None,
) -> Run:
    run = Run(
        id=uuid.uuid4(),
        site_id=trainee.site_id,
        trainee_id=trainee.id,
        scenario_id=scenario_id,
        scenario_version="1",
        vehicle=vehicle,
        driver="keyboard",
        seed=1,
        started_at=started_at or utcnow() - timedelta(days=1),
        duration_s=120.0,
        ticks=7200,
        outcome="completed" if passed else "collision",
        simulator_version="test",
        telemetry_path=f"runs/{uuid.uuid4()}.isdc.npz",
        telemetry_sha256="0" * 64,
        telemetry_size=1,
        score=score,
        passed=passed,
        rubric_version="1",
        scorer_version="test",
    )
    db.add(run)
    db.commit()
    return run


@dataclass
class Cohort:
    course: Course
    session: CourseSession
    enrolments: list[Enrolment]
    days: list[date]


def make_course(
    make,
    code: str = "DDC",
    scenarios=(("urban_intersection", 70.0), ("emergency_brake", 70.0)),
    **fields,
) -> Course:  # type: ignore[no-untyped-def]
    values = {
        "code": code,
        "title_id": "Mengemudi Defensif (Mobil)",
        "title_en": "Defensive Driving (Car)",
        "duration_days": 2,
        "duration_hours": 16,
        "min_attendance_pct": 100,
        "requires_practical_signoff": True,
        "certificate_validity_months": 36,
    }
    values.update(fields)
    course = make.course(**values)
    course.scenario_requirements = [
        CourseScenarioRequirement(scenario_id=s, vehicle=VehicleKind.CAR, min_score=m, position=i)
        for i, (s, m) in enumerate(scenarios)
    ]
    make.db.commit()
    return course


def finished_cohort(
    make,  # type: ignore[no-untyped-def]
    names: list[str],
    course: Course | None = None,
    eligible: bool = True,
    ended_days_ago: int = 1,
) -> Cohort:
    """A two-day session that ended ``ended_days_ago`` days ago; with ``eligible`` every trainee
    attended both days, passed each required scenario and was signed off."""
    db = make.db
    course = course or make_course(make)
    tz = make.site.tzinfo
    last = local_today(tz) - timedelta(days=ended_days_ago)
    days = [last - timedelta(days=1), last]
    session = make.session(course=course, days=days, name="Angkatan Uji")
    enrolments = []
    for index, name in enumerate(names):
        trainee = make.trainee(
            full_name=name, birth_date=date(1985 + index % 10, 3, 1 + index % 27)
        )
        enrolment = make.enrolment(
            trainee,
            session,
            enrolled_at=datetime.combine(days[0], time(7), tzinfo=tz) - timedelta(days=7),
        )
        enrolments.append(enrolment)
        if eligible:
            make_eligible(db, enrolment, course, days)
    return Cohort(course, session, enrolments, days)


def make_eligible(db: Session, enrolment: Enrolment, course: Course, days: list[date]) -> None:
    for day in days:
        db.add(Attendance(enrolment=enrolment, day=day, status=AttendanceStatus.PRESENT))
    enrolment.practical_signed_off_at = utcnow()
    db.commit()
    for requirement in course.scenario_requirements:
        add_run(db, enrolment.trainee, requirement.scenario_id, requirement.min_score + 10, True)
