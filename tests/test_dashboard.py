"""Each role lands on a dashboard made for it, showing its own data and nobody else's."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import event

from isdc.extensions import db
from isdc.models import EnrolmentStatus, FacilityKind, RecordStatus, Role, SessionStatus
from isdc.models.base import local_today
from tests.conftest import login
from tests.factories import PASSWORD


def signed_in(app, make, role: Role, **fields):  # type: ignore[no-untyped-def]
    make.user(role, username="me", **fields)
    client = app.test_client()
    assert login(client, "me", PASSWORD).status_code == 302
    return client


def test_admin_sees_counts_and_the_next_sessions(app, make) -> None:
    for n in range(3):
        make.trainee(full_name=f"Peserta {n}")
    make.trainee(full_name="Pensiun", status=RecordStatus.RETIRED)
    make.instructor()
    make.facility()
    make.facility(kind=FacilityKind.VEHICLE, name="Avanza", registration_number="B 1 SJA")
    course = make.course(code="DDC", title_id="Mengemudi Defensif")
    today = local_today()
    session = make.session(course, days=[today + timedelta(days=2)], capacity=2, name="DDC A")
    make.session(course, days=[today + timedelta(days=3)], status=SessionStatus.CANCELLED)
    make.session(course, days=[today - timedelta(days=3)], status=SessionStatus.COMPLETED)
    people = [make.trainee(full_name=f"Ikut {n}") for n in range(3)]
    make.enrolment(people[0], session)
    make.enrolment(people[1], session)
    make.enrolment(people[2], session, status=EnrolmentStatus.WAITLISTED, waitlist_position=1)

    page = signed_in(app, make, Role.ADMIN).get("/dashboard").get_data(as_text=True)
    assert 'data-count="trainees">6<' in page  # retired trainee not counted
    assert 'data-count="instructors">1<' in page
    assert 'data-count="facilities">2<' in page
    assert 'data-count="sessions">1<' in page  # cancelled and past ones are not upcoming
    assert "Mengemudi Defensif" in page and "DDC A" in page
    assert "2/2" in page and "+1 menunggu" in page


def test_instructor_sees_today_and_the_coming_week(app, make) -> None:
    me, colleague = make.instructor(full_name="Agus Prasetyo"), make.instructor(full_name="Rudi")
    room = make.facility(name="Ruang Kelas Garuda")
    today = local_today()
    course = make.course(title_id="Safety Riding")
    mine = make.session(course, days=[today], instructors=[me], facilities=[room])
    make.enrolment(make.trainee(), mine)
    make.session(make.course(title_id="Kursus Rekan"), days=[today], instructors=[colleague])
    make.session(
        make.course(title_id="Kursus Besok"), days=[today + timedelta(days=1)], instructors=[me]
    )

    page = (
        signed_in(app, make, Role.INSTRUCTOR, instructor=me)
        .get("/dashboard")
        .get_data(as_text=True)
    )
    today_part, coming_part = page.split('id="coming-title"')
    assert "Safety Riding" in today_part and "08.00–16.00 WIB" in today_part
    assert "Ruang Kelas Garuda" in today_part and "1 peserta" in today_part
    assert "Kursus Besok" in coming_part
    assert "Kursus Rekan" not in page


def test_instructor_without_a_record_is_told_so(app, make) -> None:
    page = signed_in(app, make, Role.INSTRUCTOR).get("/dashboard").get_data(as_text=True)
    assert "belum terhubung ke data instruktur" in page


def test_trainee_sees_only_their_own_schedule(app, make) -> None:
    me, other = make.trainee(full_name="Siti"), make.trainee(full_name="Orang Lain")
    today = local_today()
    course = make.course(title_id="Pengemudi Armada")
    mine = make.session(course, days=[today + timedelta(days=1), today + timedelta(days=2)])
    theirs = make.session(
        make.course(title_id="Kursus Orang Lain"), days=[today + timedelta(days=1)]
    )
    waiting = make.session(make.course(title_id="Kursus Penuh"), days=[today + timedelta(days=5)])
    past = make.session(make.course(title_id="Kursus Lalu"), days=[today - timedelta(days=9)])
    make.enrolment(me, mine)
    make.enrolment(other, theirs)
    make.enrolment(me, waiting, status=EnrolmentStatus.WAITLISTED, waitlist_position=2)
    make.enrolment(me, past, status=EnrolmentStatus.COMPLETED)

    page = signed_in(app, make, Role.TRAINEE, trainee=me).get("/dashboard").get_data(as_text=True)
    assert "Pengemudi Armada" in page
    assert page.count("08.00–16.00 WIB") == 3  # two days of one session, one of the other
    assert "Urutan 2 dalam daftar tunggu" in page
    assert "Kursus Lalu" in page and "Selesai" in page
    assert "Kursus Orang Lain" not in page and "Orang Lain" not in page


def test_trainee_dashboard_in_english(app, make) -> None:
    from isdc.models import UiLocale

    me = make.trainee()
    client = signed_in(app, make, Role.TRAINEE, trainee=me, locale=UiLocale.ENGLISH)
    page = client.get("/dashboard").get_data(as_text=True)
    assert "My schedule" in page and "You are not enrolled in any coming session." in page


@pytest.mark.parametrize("role", [Role.ADMIN, Role.INSTRUCTOR, Role.TRAINEE])
def test_dashboard_queries_do_not_grow_with_the_data(app, make, role) -> None:
    instructor, trainee = make.instructor(), make.trainee()
    client = signed_in(app, make, role, instructor=instructor if role == Role.INSTRUCTOR else None,
                       trainee=trainee if role == Role.TRAINEE else None)  # fmt: skip
    today = local_today()

    made: list[object] = []

    def add_sessions(count: int) -> None:
        # One a day: the database refuses to book the instructor (or trainee) twice at once.
        for _ in range(count):
            session = make.session(days=[today + timedelta(days=len(made))],
                                   instructors=[instructor], facilities=[make.facility()])  # fmt: skip
            make.enrolment(trainee, session)
            made.append(session)

    def queries() -> int:
        counted = []
        listener = lambda *args: counted.append(1)  # noqa: E731
        with app.app_context():
            event.listen(db.engine, "before_cursor_execute", listener)
            try:
                assert client.get("/dashboard").status_code == 200
            finally:
                event.remove(db.engine, "before_cursor_execute", listener)
        return len(counted)

    add_sessions(1)
    few = queries()
    add_sessions(6)
    assert queries() == few
