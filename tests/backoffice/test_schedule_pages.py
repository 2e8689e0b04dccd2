"""The schedule through HTTP: plan and book (clashes named, skip conflicting dates), enrol
with a waitlist, CSV lists, attendance, skills and sign-off, move and cancel, the trainee's
own view, object-level access."""

from __future__ import annotations

import io
import threading
from datetime import date, timedelta

from sqlalchemy import func, select

from isdc.models import (
    Attendance,
    AttendanceStatus,
    CourseSession,
    CourseSkill,
    Enrolment,
    EnrolmentStatus,
    FacilityMaintenance,
    Role,
    Sex,
    SkillAssessment,
)
from isdc.models.base import local_today
from tests.backoffice.conftest import form_post, text
from tests.conftest import csrf_from, login
from tests.factories import PASSWORD, valid_nik


def plan_form(sched, first: date, **fields) -> dict:  # type: ignore[no-untyped-def]
    data = {
        "course": str(sched.course.id),
        "name": "DDC Uji",
        "lead": str(sched.instructor.id),
        "first_day": first.isoformat(),
        "repeat": "once",
        "day_starts": "08:00",
        "day_ends": "16:00",
        "facilities-0-facility": str(sched.room.id),
        "action": "book",
    }
    data.update(fields)
    return data


def sessions(db) -> list[CourseSession]:  # type: ignore[no-untyped-def]
    db.expire_all()
    return list(db.scalars(select(CourseSession).order_by(CourseSession.id)))


def test_two_week_recurring_session_is_checked_then_booked(staff_client, db_session, sched, monday):
    client = staff_client(Role.INSTRUCTOR, instructor=sched.instructor)
    data = plan_form(sched, monday, repeat="weekdays", weeks="2", action="check")
    check = form_post(client, "/schedule/new", data)
    assert check.status_code == 200
    assert text(check).count('class="py-1 border-top planned-day') == 10
    assert sessions(db_session) == []  # checking writes nothing
    booked = form_post(client, "/schedule/new", {**data, "action": "book"})
    assert booked.status_code == 302
    (session,) = sessions(db_session)
    assert len(session.slots) == 10 and session.created_by_id == client.user.id
    page = text(client.get(booked.headers["Location"]))
    assert "DDC Uji" in page and page.count("08:00–16:00 WIB") >= 10


def test_a_clash_is_refused_with_its_reason(staff_client, db_session, sched, monday):
    client = staff_client(Role.ADMIN)
    assert (
        form_post(client, "/schedule/new", plan_form(sched, monday, name="Pertama")).status_code
        == 302
    )
    response = form_post(client, "/schedule/new", plan_form(sched, monday, name="Kedua"))
    assert response.status_code == 409
    page = text(response)
    assert "Iptu Agus Prasetyo is already booked for Pertama (DDC)" in page
    assert "Ruang Kelas Garuda is already booked for Pertama (DDC)" in page
    assert len(sessions(db_session)) == 1


def test_skip_conflicting_dates_books_the_rest_and_says_why(
    staff_client, db_session, sched, monday
):
    sched.room.maintenance.append(FacilityMaintenance(first_day=monday + timedelta(days=1),
                                                      last_day=monday + timedelta(days=1),
                                                      reason="Pengecatan"))  # fmt: skip
    db_session.commit()
    client = staff_client(Role.ADMIN)
    data = plan_form(sched, monday, repeat="weekdays", count="3", skip_conflicting="y")
    response = form_post(client, "/schedule/new", data, follow_redirects=True)
    assert response.status_code == 200
    assert "Skipped:" in text(response)
    (session,) = sessions(db_session)
    assert len(session.slots) == 2


def test_bad_plans_get_clear_messages_and_nothing_is_written(
    staff_client, db_session, sched, monday
):
    client = staff_client(Role.ADMIN)
    cases = [
        ({"day_starts": "16:00", "day_ends": "08:00"}, "The session must end after it starts."),
        ({"capacity": "0"}, "Capacity must be between 1 and 500."),
        ({"repeat": "weekdays"}, "Say when the pattern ends"),
        ({"course": "987654"}, "Not a valid choice"),
        ({"first_day": (local_today() - timedelta(days=3)).isoformat()}, "in the past"),
        ({"facilities-0-starts": "07:00", "facilities-0-ends": "09:00"}, "within the session"),
    ]
    for fields, message in cases:
        response = form_post(client, "/schedule/new", plan_form(sched, monday, **fields))
        assert response.status_code == 422, fields
        assert message in text(response), (fields, message)
    assert sessions(db_session) == []


def test_concurrent_requests_through_the_pages(app, staff_client, db_session, sched, monday):
    """Several browsers press "Book" for the same slot at the same moment: one session."""
    clients = [staff_client(Role.ADMIN) for _ in range(4)]
    tokens = [csrf_from(text(c.get("/schedule/new"))) for c in clients]
    barrier = threading.Barrier(len(clients))
    results: list[tuple[int, str]] = []

    def book(n: int) -> None:
        barrier.wait()
        response = clients[n].post("/schedule/new", data={
            **plan_form(sched_data, monday, name=f"Balapan {n}"), "csrf_token": tokens[n]})  # fmt: skip
        results.append((response.status_code, response.get_data(as_text=True)))

    sched_data = _Frozen(sched)
    threads = [threading.Thread(target=book, args=(n,)) for n in range(len(clients))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    codes = sorted(code for code, _ in results)
    assert codes == [302, 409, 409, 409], codes
    winner = sessions(db_session)[0].name
    for code, body in results:
        if code == 409:
            assert f"already booked for {winner} (DDC)" in body


class _Frozen:
    """The ids a thread needs, read before the threads start (they have no app context)."""

    def __init__(self, sched) -> None:  # type: ignore[no-untyped-def]
        self.course = type("C", (), {"id": sched.course.id})
        self.instructor = type("I", (), {"id": sched.instructor.id})
        self.room = type("R", (), {"id": sched.room.id})


def enrol(client, session_id: int, trainee_id: int):  # type: ignore[no-untyped-def]
    page = f"/schedule/sessions/{session_id}/enrol?q=x"
    return form_post(client, f"/schedule/sessions/{session_id}/enrol",
                     {"trainee_id": str(trainee_id)}, page=page)  # fmt: skip


def test_enrol_waitlist_withdraw_promote(staff_client, db_session, sched, monday):
    session = sched.make.session(sched.course, days=[monday], capacity=1,
                                 instructors=[sched.instructor], name="DDC A")  # fmt: skip
    a, b = sched.make.trainee(full_name="Ani"), sched.make.trainee(full_name="Budi")
    client = staff_client(Role.INSTRUCTOR, instructor=sched.instructor)
    found = text(client.get(f"/schedule/sessions/{session.id}/enrol?q=Ani"))
    assert "Ani" in found and "Budi" not in found
    assert enrol(client, session.id, a.id).status_code == 302
    assert enrol(client, session.id, b.id).status_code == 302
    page = text(client.get(f"/schedule/sessions/{session.id}"))
    waitlist = page.split('id="waitlist-table"')[1]
    assert "Budi" in waitlist and "Ani" not in waitlist
    again = enrol(client, session.id, a.id)
    assert again.status_code == 422 and "already enrolled" in text(again)
    assert enrol(client, session.id, 999999).status_code == 404
    ani = db_session.scalar(select(Enrolment).where(Enrolment.trainee_id == a.id))
    url = f"/schedule/sessions/{session.id}/enrolments/{ani.id}/withdraw"
    no_reason = form_post(client, url, {"reason": ""}, page=f"/schedule/sessions/{session.id}",
                          follow_redirects=True)  # fmt: skip
    assert "Give a reason" in text(no_reason)
    done = form_post(client, url, {"reason": "Sakit"}, page=f"/schedule/sessions/{session.id}",
                     follow_redirects=True)  # fmt: skip
    assert "Budi moved up from the waiting list" in text(done)
    db_session.expire_all()
    assert (
        db_session.scalar(select(Enrolment.status).where(Enrolment.trainee_id == b.id))
        == EnrolmentStatus.ENROLLED
    )


def test_an_instructor_changes_only_their_own_sessions(staff_client, sched, monday):
    other = sched.qualified_instructor(full_name="Rudi")
    theirs = sched.make.session(sched.course, days=[monday], instructors=[other])
    me = staff_client(Role.INSTRUCTOR, instructor=sched.instructor)
    assert me.get(f"/schedule/sessions/{theirs.id}").status_code == 200  # may look
    assert me.get(f"/schedule/sessions/{theirs.id}/enrol").status_code == 403
    assert form_post(me, f"/schedule/sessions/{theirs.id}/cancel", {"reason": "x"},
                     page="/schedule").status_code == 403  # fmt: skip
    assert me.get("/schedule/sessions/55555").status_code == 404


def csv_upload(client, session_id: int, content: bytes):  # type: ignore[no-untyped-def]
    url = f"/schedule/sessions/{session_id}/import"
    return form_post(client, url, {"file": (io.BytesIO(content), "daftar.csv")},
                     content_type="multipart/form-data")  # fmt: skip


def test_enrol_a_csv_list_over_capacity(staff_client, db_session, sched, monday):
    session = sched.make.session(sched.course, days=[monday], capacity=2,
                                 instructors=[sched.instructor], name="DDC A")  # fmt: skip
    known = sched.make.trainee(full_name="Budi Santoso")
    lines = ["NIK,Nama lengkap,Tanggal lahir,Jenis kelamin", f"{known.nik},Budi Santoso,,"]
    for i in range(2):
        birth = date(1985, 3, 1 + i)
        lines.append(f"{valid_nik(birth, Sex.MALE)},Baru {i},{birth:%d/%m/%Y},L")
    client = staff_client(Role.INSTRUCTOR, instructor=sched.instructor)
    preview = csv_upload(client, session.id, "\n".join(lines).encode())
    page = text(preview)
    assert preview.status_code == 200 and "1 goes on the waiting list" in page
    token = page.split('name="token" type="hidden" value="')[1].split('"')[0]
    done = client.post(f"/schedule/sessions/{session.id}/import/confirm",
                       data={"csrf_token": csrf_from(page), "token": token,
                             "file_name": "daftar.csv"})  # fmt: skip
    assert done.status_code == 302
    db_session.expire_all()
    statuses = db_session.execute(
        select(Enrolment.status, func.count()).group_by(Enrolment.status)
    ).all()
    assert dict(statuses) == {EnrolmentStatus.ENROLLED: 2, EnrolmentStatus.WAITLISTED: 1}
    bad = csv_upload(client, session.id, b"NIK,Nama lengkap\n123,Tidak Ada\n")
    assert bad.status_code == 422 and "Tanggal lahir is empty" in text(bad)


def test_attendance_and_skills_and_sign_off(staff_client, db_session, sched):
    today = local_today()
    sched.course.skills = [CourseSkill(position=0, name_id="Pengereman", name_en="Braking")]
    db_session.commit()
    session = sched.make.session(sched.course, days=[today - timedelta(days=1), today],
                                 instructors=[sched.instructor], name="DDC Jalan")  # fmt: skip
    enrolment = sched.make.enrolment(sched.make.trainee(full_name="Citra"), session)
    client = staff_client(Role.INSTRUCTOR, instructor=sched.instructor)
    day = (today - timedelta(days=1)).isoformat()
    url = f"/schedule/sessions/{session.id}/attendance/{day}"
    response = form_post(client, url, {f"status-{enrolment.id}": "late",
                                       f"note-{enrolment.id}": "10 menit"})  # fmt: skip
    assert response.status_code == 302
    assert db_session.scalar(select(Attendance.status)) == AttendanceStatus.LATE
    future = (today + timedelta(days=1)).isoformat()
    assert client.get(f"/schedule/sessions/{session.id}/attendance/{future}").status_code == 404
    assert client.get(f"/schedule/sessions/{session.id}/attendance/not-a-day").status_code == 404
    bogus = form_post(client, url, {f"status-{enrolment.id}": "sleeping"})
    assert bogus.status_code == 400
    skill = sched.course.skills[0]
    assess = f"/schedule/sessions/{session.id}/enrolments/{enrolment.id}/assessment"
    assert form_post(client, assess, {f"level-{skill.id}": "3",
                                      f"notes-{skill.id}": "Rem terlalu lambat"}).status_code == 302  # fmt: skip
    blocked = text(client.get(assess))
    assert "below" in blocked and "Rem terlalu lambat" in blocked
    form_post(client, assess, {f"level-{skill.id}": "5"})
    signed = form_post(client, assess.replace("/assessment", "/sign-off"), {"notes": "Lulus"},
                       page=assess, follow_redirects=True)  # fmt: skip
    assert "signed off" in text(signed)
    db_session.expire_all()
    assert db_session.get(Enrolment, enrolment.id).practical_signed_off_at is not None
    assert db_session.scalar(select(func.count(SkillAssessment.id))) == 2
    today_page = text(client.get("/schedule/today"))
    assert "DDC Jalan" in today_page and "Rem terlalu lambat" in today_page


def test_move_and_cancel_are_seen_by_the_trainee(staff_client, db_session, sched, monday, make):
    session = sched.make.session(sched.course, days=[monday, monday + timedelta(days=1)],
                                 instructors=[sched.instructor], name="DDC A")  # fmt: skip
    me = make.trainee(full_name="Dewi Trainee")
    other = make.trainee(full_name="Orang Lain")
    admin = staff_client(Role.ADMIN)
    enrol(admin, session.id, me.id)
    enrol(admin, session.id, other.id)
    slot = session.slots[1]
    moved = form_post(admin, f"/schedule/sessions/{session.id}/days/{slot.id}/move",
                      {"day": (monday + timedelta(days=3)).isoformat(), "starts": "09:00",
                       "ends": "15:00", "reason": "Instruktur dinas luar"})  # fmt: skip
    assert moved.status_code == 302
    trainee = staff_client(Role.TRAINEE, trainee=me)
    mine = text(trainee.get("/schedule/mine"))
    assert "Instruktur dinas luar" in mine and "09:00–15:00 WIB" in mine
    assert "Orang Lain" not in mine
    cancelled = form_post(admin, f"/schedule/sessions/{session.id}/cancel",
                          {"reason": "Banjir di lokasi"})  # fmt: skip
    assert cancelled.status_code == 302
    mine = text(trainee.get("/schedule/mine"))
    assert "Banjir di lokasi" in mine
    assert "Session cancelled" in text(trainee.get("/dashboard"))
    # A trainee sees nobody else's pages.
    assert trainee.get(f"/schedule/sessions/{session.id}").status_code == 403
    assert trainee.get(f"/trainees/{other.id}").status_code == 403


def test_calendar_pages(staff_client, sched, monday):
    sched.make.session(sched.course, days=[monday], instructors=[sched.instructor],
                       facilities=[sched.room], name="DDC A")  # fmt: skip
    client = staff_client(Role.INSTRUCTOR, instructor=sched.instructor)
    week = text(client.get(f"/schedule/calendar?day={monday.isoformat()}"))
    assert "DDC A" in week and 'id="calendar-week"' in week
    month = text(client.get(f"/schedule/calendar?view=month&day={monday.isoformat()}"))
    assert 'id="calendar-month"' in month and "DDC A" in month
    mine = text(client.get(f"/schedule/calendar/instructors/{sched.instructor.id}?day={monday}"))
    assert "DDC A" in mine
    room = text(client.get(f"/schedule/calendar/facilities/{sched.room.id}?day={monday}"))
    assert "DDC A" in room
    assert client.get("/schedule/calendar?day=31-12-2026").status_code == 400
    assert client.get("/schedule/calendar/facilities/4040").status_code == 404
    go = client.get(f"/schedule/calendar/go?show=facility-{sched.room.id}&view=month")
    assert go.status_code == 302 and f"/facilities/{sched.room.id}" in go.headers["Location"]


def test_feeds_public_by_token_and_regenerated(app, staff_client, db_session, sched, monday):
    from icalendar import Calendar

    sched.make.session(sched.course, days=[monday], instructors=[sched.instructor], name="DDC A")
    instructor = staff_client(Role.INSTRUCTOR, instructor=sched.instructor)
    page = text(instructor.get("/schedule/today"))
    assert 'id="feed-create"' in page
    form_post(instructor, "/schedule/feed", page="/schedule/today")
    page = text(instructor.get("/schedule/today"))
    url = page.split('id="feed-url" type="text" readonly value="')[1].split('"')[0]
    path = url.split("localhost", 1)[-1]
    anonymous = app.test_client()
    response = anonymous.get(path)
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    events = Calendar.from_ical(response.data).walk("VEVENT")
    assert [str(e["SUMMARY"]).endswith("DDC A") for e in events] == [True]
    form_post(instructor, "/schedule/feed", page="/schedule/today")  # a new link
    assert anonymous.get(path).status_code == 404
    assert anonymous.get("/feeds/x.ics").status_code == 404
    login(anonymous, "nobody", PASSWORD)
    assert anonymous.get("/feeds/" + "A" * 43 + ".ics").status_code == 404


def test_instructors_of_a_session_can_be_changed(staff_client, db_session, sched, monday):
    session = sched.make.session(sched.course, days=[monday], instructors=[sched.instructor],
                                 name="DDC A")  # fmt: skip
    busy = sched.qualified_instructor(full_name="Sibuk")
    sched.make.session(sched.course, days=[monday], instructors=[busy], name="DDC Lain")
    client = staff_client(Role.ADMIN)
    page = f"/schedule/sessions/{session.id}/edit"
    refused = form_post(client, f"/schedule/sessions/{session.id}/instructors",
                        {"lead": str(busy.id)}, page=page)  # fmt: skip
    assert refused.status_code == 409 and "Sibuk is already booked for DDC Lain" in text(refused)
    free = sched.qualified_instructor(full_name="Bebas")
    done = form_post(client, f"/schedule/sessions/{session.id}/instructors",
                     {"lead": str(free.id), "assistants": [str(sched.instructor.id)]}, page=page)  # fmt: skip
    assert done.status_code == 302
    summary = text(client.get(f"/schedule/sessions/{session.id}")).split('id="session-summary"')[1]
    assert summary.index("Bebas") < summary.index("Agus Prasetyo")
