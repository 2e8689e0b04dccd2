"""Helpers for the back-office tests: qualified instructors, session plans, signed-in clients."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest

from isdc.models import CourseCategory, InstructorQualification, Role, UiLocale, VehicleKind
from isdc.models.base import local_today
from isdc.scheduling.sessions import FacilityBlock, SessionPlan
from tests.conftest import login
from tests.factories import PASSWORD


def next_weekday(weekday: int, after: date | None = None) -> date:
    """The next date (after today, or ``after``) falling on ``weekday`` (0 = Monday)."""
    day = (after or local_today()) + timedelta(days=1)
    while day.weekday() != weekday:
        day += timedelta(days=1)
    return day


@pytest.fixture
def monday() -> date:
    return next_weekday(0)


class Scheduling:
    """A course, a qualified instructor and a classroom, ready to be scheduled."""

    def __init__(self, make, db_session):  # type: ignore[no-untyped-def]
        self.make = make
        self.db = db_session
        self.course = make.course(code="DDC", title_id="Mengemudi Defensif",
                                  category=CourseCategory.DEFENSIVE_CAR,
                                  vehicle_kind=VehicleKind.CAR, capacity=3)  # fmt: skip
        self.instructor = self.qualified_instructor(full_name="Agus Prasetyo")
        self.room = make.facility(name="Ruang Kelas Garuda", open_weekdays="123456")

    def qualified_instructor(self, valid_until: date | None = None, **fields):  # type: ignore[no-untyped-def]
        instructor = self.make.instructor(**fields)
        instructor.qualifications.append(
            InstructorQualification(
                category=CourseCategory.DEFENSIVE_CAR,
                vehicle_kind=VehicleKind.CAR,
                valid_until=valid_until,
            )
        )
        self.db.commit()
        return instructor

    def plan(self, days, instructors=None, facilities=None, **fields) -> SessionPlan:  # type: ignore[no-untyped-def]
        values = {
            "course_id": self.course.id,
            "days": tuple(days),
            "day_starts": time(8),
            "day_ends": time(16),
            "instructor_ids": tuple(i.id for i in (instructors or [self.instructor])),
            "facilities": tuple(
                FacilityBlock(f.id) if not isinstance(f, FacilityBlock) else f
                for f in (facilities if facilities is not None else [self.room])
            ),
            "name": "DDC A",
        }
        values.update(fields)
        return SessionPlan(**values)


@pytest.fixture
def sched(make, db_session) -> Scheduling:
    return Scheduling(make, db_session)


@pytest.fixture
def staff_client(app, make):  # type: ignore[no-untyped-def]
    """A signed-in client for a role: ``staff_client(Role.ADMIN)`` (English by default)."""

    def sign_in(role: Role = Role.ADMIN, **fields):  # type: ignore[no-untyped-def]
        # English, so that assertions read like the msgids; Indonesian pages are tested apart.
        fields.setdefault("locale", UiLocale.ENGLISH)
        user = make.user(role, **fields)
        client = app.test_client()
        assert login(client, user.username, PASSWORD).status_code == 302
        client.user = user
        return client

    return sign_in


def form_post(client, url: str, data: dict | None = None, page: str | None = None, **kwargs):  # type: ignore[no-untyped-def]
    """POST like a browser: with the CSRF token of the page the form is on (``page``,
    default ``url``)."""
    from tests.conftest import csrf_from

    html = client.get(page or url).get_data(as_text=True)
    payload = {"csrf_token": csrf_from(html), **(data or {})}
    return client.post(url, data=payload, **kwargs)


def text(response) -> str:  # type: ignore[no-untyped-def]
    return response.get_data(as_text=True)
