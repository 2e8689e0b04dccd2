"""SQL queries per page do not grow with the rows shown (SPEC §8): each page is measured with a
little data and with several times more, and must issue the same number of queries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import event

from isdc.extensions import db
from isdc.models import AttendanceStatus, CourseSkill, Role, SkillAssessment
from isdc.models.base import local_today, utcnow


def count_queries(app, client, url: str) -> int:  # type: ignore[no-untyped-def]
    counted: list[str] = []

    def listener(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]
        counted.append(statement)

    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            response = client.get(url)
            assert response.status_code == 200, url
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
    return len(counted)


class World:
    """Sessions with instructors, rooms, trainees, attendance and notes, added in rounds."""

    def __init__(self, sched, db_session, monday):  # type: ignore[no-untyped-def]
        self.sched = sched
        self.db = db_session
        self.monday = monday
        self.rounds = 0
        sched.course.skills = [CourseSkill(position=0, name_id="Rem", name_en="Braking")]
        db_session.commit()

    def add(self, sessions: int, trainees_each: int) -> None:
        from isdc.models import Attendance

        make = self.sched.make
        for _ in range(sessions):
            n = self.rounds
            self.rounds += 1
            instructor = self.sched.qualified_instructor(full_name=f"Instruktur {n}")
            room = make.facility(name=f"Ruang {n}")
            # Half the sessions are today (for the "today" view of instructor 0), half in the
            # week of `monday` (calendars).
            day = local_today() if n % 2 == 0 else self.monday + timedelta(days=n % 5)
            session = make.session(self.sched.course, days=[day], capacity=50, name=f"S{n}",
                                   instructors=[self.sched.instructor if n % 2 == 0 else instructor],
                                   facilities=[room], start=self._start(n), end=self._end(n))  # fmt: skip
            for t in range(trainees_each):
                trainee = make.trainee(full_name=f"Peserta {n}-{t}")
                enrolment = make.enrolment(trainee, session)
                if day == local_today():
                    self.db.add(Attendance(enrolment=enrolment, day=day,
                                           status=AttendanceStatus.PRESENT))  # fmt: skip
                    self.db.add(SkillAssessment(enrolment=enrolment,
                                                skill=self.sched.course.skills[0], level=3,
                                                notes="Latihan lagi", assessed_at=utcnow()))  # fmt: skip
            self.db.commit()

    @staticmethod
    def _start(n: int):  # type: ignore[no-untyped-def]
        from datetime import time

        return time(7 + (n // 2) % 9)  # one instructor, non-overlapping hours today

    @staticmethod
    def _end(n: int):  # type: ignore[no-untyped-def]
        from datetime import time

        return time(8 + (n // 2) % 9)


@pytest.fixture
def world(sched, db_session, monday):  # type: ignore[no-untyped-def]
    return World(sched, db_session, monday)


@pytest.mark.parametrize("role", [Role.ADMIN, Role.INSTRUCTOR])
def test_pages_issue_the_same_queries_for_more_rows(app, staff_client, world, sched, role):
    client = staff_client(role, instructor=sched.instructor if role == Role.INSTRUCTOR else None)
    monday = world.monday.isoformat()
    pages = [
        "/trainees",
        "/trainees?q=Peserta",
        f"/schedule/calendar?day={monday}",
        f"/schedule/calendar?view=month&day={monday}",
        f"/schedule/calendar/instructors/{sched.instructor.id}?view=month&day={monday}",
        f"/schedule/calendar/instructors/{sched.instructor.id}?day={local_today().isoformat()}",
        "/schedule?period=all",
        "/schedule/today"
        + ("" if role == Role.INSTRUCTOR else f"?instructor={sched.instructor.id}"),
    ]
    world.add(sessions=2, trainees_each=2)
    few = {url: count_queries(app, client, url) for url in pages}
    world.add(sessions=6, trainees_each=5)
    many = {url: count_queries(app, client, url) for url in pages}
    assert many == few


def test_a_session_page_issues_the_same_queries_for_more_trainees(app, staff_client, world, sched):
    client = staff_client(Role.ADMIN)
    world.add(sessions=1, trainees_each=2)
    from isdc.models import CourseSession

    session_id = world.db.query(CourseSession.id).scalar()
    url = f"/schedule/sessions/{session_id}"
    few = count_queries(app, client, url)
    make = sched.make
    session = world.db.get(CourseSession, session_id)
    for t in range(8):
        make.enrolment(make.trainee(full_name=f"Tambahan {t}"), session)
    assert count_queries(app, client, url) == few
