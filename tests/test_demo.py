"""The demo and benchmark data obey the rules they demonstrate, and are deterministic."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import and_, create_engine, func, select
from sqlalchemy.orm import Session, aliased

from isdc.demo import DEMO_LOGINS, seed_demo
from isdc.demo.bulk import seed_bulk
from isdc.demo.seed import working_day
from isdc.models import (
    Base,
    Booking,
    BookingStatus,
    CourseSession,
    Enrolment,
    EnrolmentStatus,
    OrganisationKind,
    Role,
    SessionStatus,
    Site,
    Trainee,
    User,
)
from isdc.models.identity import nik_problems

FRIDAY = date(2026, 11, 27)


def fresh_demo(today: date = FRIDAY, seed: int = 11):  # type: ignore[no-untyped-def]
    engine = create_engine("sqlite://")
    Base.metadata.create_all(engine)
    db = Session(engine)
    site = Site(name="ISDC Serpong", code="SRP")
    db.add(site)
    demo = seed_demo(db, site, today, seed=seed)
    db.commit()
    return db, demo


@pytest.fixture(scope="module")
def demo_db():  # type: ignore[no-untyped-def]
    """One demo for the read-only checks (hashing the demo passwords takes a moment)."""
    return fresh_demo()


def test_demo_is_deterministic(demo_db) -> None:
    first, _ = demo_db
    second, _ = fresh_demo()
    query = select(Trainee.nik, Trainee.full_name, Trainee.birth_date).order_by(Trainee.id)
    assert first.execute(query).all() == second.execute(query).all()
    other, _ = fresh_demo(seed=12)
    assert other.execute(query).all() != first.execute(query).all()


def test_demo_people_are_valid_and_varied(demo_db) -> None:
    db, _ = demo_db
    trainees = db.scalars(select(Trainee)).all()
    assert len(trainees) == 60
    assert len({t.nik for t in trainees}) == 60
    for t in trainees:
        assert nik_problems(t.nik, t.birth_date, t.sex) == []
        assert t.problems(FRIDAY) == []
    kinds = {t.organisation.kind for t in trainees}
    assert kinds == set(OrganisationKind)
    assert len({t.full_name.split()[0] for t in trainees}) > 25


def test_demo_logins_work_and_link_to_people(demo_db) -> None:
    db, _ = demo_db
    for role, username, password in DEMO_LOGINS:
        user = db.scalar(select(User).where(User.username == username))
        assert user.role == role and user.check_password(password)
    assert db.scalar(select(User).where(User.username == "instruktur")).instructor is not None
    assert db.scalar(select(User).where(User.username == "peserta")).trainee is not None
    assert db.scalar(select(func.count()).where(User.role == Role.INSTRUCTOR)) == 4


def test_demo_has_a_session_today_and_four_weeks_of_sessions(demo_db) -> None:
    db, demo = demo_db
    starts = sorted(s.starts_at.astimezone(demo.tz).date() for s in demo.sessions)
    assert FRIDAY in starts
    assert max(starts) >= working_day(FRIDAY, 18)
    assert {s.status for s in demo.sessions} == set(SessionStatus)
    trainee = db.scalar(select(User).where(User.username == "peserta")).trainee
    statuses = set(db.scalars(select(Enrolment.status).where(Enrolment.trainee_id == trainee.id)))
    assert statuses == {
        EnrolmentStatus.COMPLETED,
        EnrolmentStatus.ENROLLED,
        EnrolmentStatus.WAITLISTED,
    }


def test_on_a_sunday_the_demo_starts_on_monday() -> None:
    sunday = date(2026, 11, 29)
    assert working_day(sunday, 0) == date(2026, 11, 30)
    assert working_day(date(2026, 11, 28), 1) == date(2026, 11, 30)  # Saturday -> Monday
    assert working_day(date(2026, 11, 30), -1) == date(2026, 11, 28)


def overlapping_bookings(db: Session) -> int:
    a, b = aliased(Booking), aliased(Booking)
    same_resource = and_(
        a.resource_kind == b.resource_kind,
        func.coalesce(a.instructor_id, a.facility_id, a.trainee_id)
        == func.coalesce(b.instructor_id, b.facility_id, b.trainee_id),
    )
    return db.scalar(
        select(func.count())
        .select_from(a)
        .join(b, and_(a.id < b.id, same_resource, a.starts_at < b.ends_at, b.starts_at < a.ends_at))
        .where(a.status == BookingStatus.ACTIVE, b.status == BookingStatus.ACTIVE)
    )


def test_demo_books_nothing_twice(demo_db) -> None:
    db, _ = demo_db
    assert db.scalar(select(func.count(Booking.id))) > 50
    assert overlapping_bookings(db) == 0


def test_bulk_volumes_are_valid_and_never_double_book() -> None:
    db, demo = fresh_demo()
    counts = seed_bulk(db, demo.site, trainees=400, sessions=120, instructors=12, facilities=12,
                       today=FRIDAY)  # fmt: skip
    db.commit()
    assert counts.trainees == 400 and counts.sessions > 100
    assert db.scalar(select(func.count(Trainee.id))) == 460
    for t in db.scalars(select(Trainee).limit(200)):
        assert t.problems(FRIDAY) == []
    assert overlapping_bookings(db) == 0
    assert trainees_in_two_places(db) == 0


def trainees_in_two_places(db: Session) -> int:
    e1, e2 = aliased(Enrolment), aliased(Enrolment)
    s1, s2 = aliased(CourseSession), aliased(CourseSession)
    return db.scalar(
        select(func.count())
        .select_from(e1)
        .join(e2, and_(e1.trainee_id == e2.trainee_id, e1.id < e2.id))
        .join(s1, s1.id == e1.session_id)
        .join(s2, s2.id == e2.session_id)
        .where(s1.starts_at < s2.ends_at, s2.starts_at < s1.ends_at)
    )


def test_demo_puts_no_trainee_in_two_places(demo_db) -> None:
    db, _ = demo_db
    assert trainees_in_two_places(db) == 0
