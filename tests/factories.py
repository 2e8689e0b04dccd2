"""Small factories with sensible defaults for tests; each makes valid records (NIK and all)."""

from __future__ import annotations

import itertools
from datetime import date, datetime, time, timedelta
from functools import cache
from typing import Any

from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from isdc.models import (
    Booking,
    Course,
    CourseCategory,
    CourseSession,
    Enrolment,
    EnrolmentStatus,
    Facility,
    FacilityKind,
    Instructor,
    ResourceKind,
    Role,
    SessionInstructor,
    SessionSlot,
    Sex,
    Site,
    Trainee,
    User,
)
from isdc.models.base import local_today
from isdc.models.identity import nik_date_part

PASSWORD = "correct-horse-battery"
_serials = itertools.count(1)


@cache
def password_hash(password: str) -> str:
    """A quick hash for test accounts: the real one (scrypt, see test_auth) takes ~60 ms per
    check by design, and the suite signs in hundreds of times. Verification reads the method
    from the hash, so the sign-in code path is the same."""
    return generate_password_hash(password, method="pbkdf2:sha256:1000")


def valid_nik(birth_date: date, sex: Sex, region: str = "367401") -> str:
    return f"{region}{nik_date_part(birth_date, sex)}{next(_serials) % 10000 or 1:04d}"


def make_site(db: Session, **fields: Any) -> Site:
    values = {"name": "ISDC Serpong", "code": "SRP", "timezone": "Asia/Jakarta"}
    values.update(fields)
    site = Site(**values)
    db.add(site)
    db.commit()
    return site


class Factory:
    def __init__(self, db: Session, site: Site):
        self.db = db
        self.site = site

    def _save(self, obj: Any) -> Any:
        self.db.add(obj)
        self.db.commit()
        return obj

    def user(
        self,
        role: Role = Role.ADMIN,
        username: str | None = None,
        password: str = PASSWORD,
        **fields: Any,
    ) -> User:
        user = User(
            username=username or f"{role.value}{next(_serials)}",
            role=role,
            site=self.site,
            password_hash=password_hash(password),
            **fields,
        )
        return self._save(user)

    def trainee(self, **fields: Any) -> Trainee:
        birth = fields.pop("birth_date", date(1990, 5, 17))
        sex = fields.pop("sex", Sex.MALE)
        values = {
            "site": self.site,
            "full_name": "Budi Santoso",
            "birth_date": birth,
            "sex": sex,
            "nik": valid_nik(birth, sex),
        }
        values.update(fields)
        return self._save(Trainee(**values))

    def instructor(self, **fields: Any) -> Instructor:
        values = {
            "site": self.site,
            "staff_number": f"8{next(_serials):07d}",
            "full_name": "Agus Prasetyo",
            "rank": "Iptu",
        }
        values.update(fields)
        return self._save(Instructor(**values))

    def facility(self, **fields: Any) -> Facility:
        values = {
            "site": self.site,
            "name": f"Ruang Kelas {next(_serials)}",
            "kind": FacilityKind.CLASSROOM,
            "capacity": 30,
        }
        values.update(fields)
        return self._save(Facility(**values))

    def course(self, **fields: Any) -> Course:
        values = {
            "site": self.site,
            "code": f"C{next(_serials)}",
            "title_id": "Mengemudi Defensif",
            "title_en": "Defensive Driving",
            "category": CourseCategory.DEFENSIVE_CAR,
            "capacity": 16,
        }
        values.update(fields)
        return self._save(Course(**values))

    def session(
        self,
        course: Course | None = None,
        days: list[date] | None = None,
        start: time = time(8),
        end: time = time(16),
        instructors: list[Instructor] = (),  # type: ignore[assignment]
        facilities: list[Facility] = (),  # type: ignore[assignment]
        **fields: Any,
    ) -> CourseSession:
        """A session meeting ``start``-``end`` local time on each of ``days`` (default:
        tomorrow), with its instructors and facilities booked for every slot."""
        course = course or self.course()
        tz = self.site.tzinfo
        days = days or [local_today(tz) + timedelta(days=1)]
        session = CourseSession(
            site=self.site,
            course=course,
            capacity=fields.pop("capacity", course.capacity),
            starts_at=datetime.combine(days[0], start, tzinfo=tz),
            ends_at=datetime.combine(days[-1], end, tzinfo=tz),
            **fields,
        )
        self.db.add(session)
        for day in days:
            slot = SessionSlot(
                session=session,
                starts_at=datetime.combine(day, start, tzinfo=tz),
                ends_at=datetime.combine(day, end, tzinfo=tz),
            )
            self.db.add(slot)
            for instructor in instructors:
                self.db.add(Booking(session=session, slot=slot, resource_kind=ResourceKind.INSTRUCTOR,
                                    instructor=instructor, starts_at=slot.starts_at, ends_at=slot.ends_at))  # fmt: skip
            for facility in facilities:
                self.db.add(Booking(session=session, slot=slot, resource_kind=ResourceKind.FACILITY,
                                    facility=facility, starts_at=slot.starts_at, ends_at=slot.ends_at))  # fmt: skip
        for instructor in instructors:
            self.db.add(SessionInstructor(session=session, instructor=instructor))
        self.db.commit()
        return session

    def enrolment(
        self,
        trainee: Trainee,
        session: CourseSession,
        status: EnrolmentStatus = EnrolmentStatus.ENROLLED,
        **fields: Any,
    ) -> Enrolment:
        return self._save(Enrolment(trainee=trainee, session=session, status=status, **fields))
