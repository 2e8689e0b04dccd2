"""Instructors, facilities and the course catalogue through HTTP (administrators only)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from isdc.models import (
    AuditLog,
    Course,
    CourseSkill,
    Facility,
    FacilityKind,
    Instructor,
    InstructorLeave,
    InstructorQualification,
    RecordStatus,
    Role,
    SkillAssessment,
    VehicleKind,
)
from isdc.models.base import local_today
from tests.backoffice.conftest import form_post, text


def test_only_admins_manage_instructors_facilities_and_courses(staff_client):
    instructor = staff_client(Role.INSTRUCTOR)
    for url in ("/instructors", "/facilities", "/courses", "/instructors/new"):
        assert instructor.get(url).status_code == 403


def test_instructor_record_with_qualifications_and_leave(staff_client, db_session, sched, monday):
    client = staff_client(Role.ADMIN)
    bad = form_post(client, "/instructors/new",
                    {"staff_number": "12 34", "full_name": "Dewi", "weekly_hours": "40"})  # fmt: skip
    assert bad.status_code == 422 and "8 digits" in text(bad)
    taken = form_post(client, "/instructors/new",
                      {"staff_number": sched.instructor.staff_number, "full_name": "Dewi",
                       "weekly_hours": "40"})  # fmt: skip
    assert taken.status_code == 422 and "Agus Prasetyo" in text(taken)
    hours = form_post(client, "/instructors/new",
                      {"staff_number": "88110457", "full_name": "Dewi", "weekly_hours": "0"})  # fmt: skip
    assert hours.status_code == 422
    assert db_session.scalar(select(func.count(Instructor.id))) == 1
    created = form_post(client, "/instructors/new", {"staff_number": "8811.0457", "rank": "Aiptu",
                        "full_name": "Dewi Lestari", "weekly_hours": "32"})  # fmt: skip
    assert created.status_code == 302
    dewi = db_session.scalar(select(Instructor).where(Instructor.staff_number == "88110457"))
    profile = f"/instructors/{dewi.id}"
    valid_until = local_today() + timedelta(days=10)
    form_post(client, f"{profile}/qualifications",
              {"category": "safety_riding", "vehicle_kind": "motorcycle",
               "valid_until": valid_until.isoformat()}, page=profile)  # fmt: skip
    form_post(client, f"{profile}/qualifications",  # renewal, not a second one
              {"category": "safety_riding", "vehicle_kind": "motorcycle",
               "valid_until": (valid_until + timedelta(days=365)).isoformat()}, page=profile)  # fmt: skip
    db_session.expire_all()
    (q,) = db_session.scalars(select(InstructorQualification).where(
        InstructorQualification.instructor_id == dewi.id)).all()  # fmt: skip
    assert q.valid_until == valid_until + timedelta(days=365)
    # Leave: a backwards period is refused, an overlapping one too.
    first = monday + timedelta(days=7)
    form_post(client, f"{profile}/leave", {"first_day": first.isoformat(),
              "last_day": (first - timedelta(days=1)).isoformat()}, page=profile)  # fmt: skip
    form_post(client, f"{profile}/leave", {"first_day": first.isoformat(),
              "last_day": (first + timedelta(days=2)).isoformat(), "reason": "Cuti"}, page=profile)  # fmt: skip
    response = form_post(client, f"{profile}/leave", {"first_day": first.isoformat(),
                         "last_day": first.isoformat()}, page=profile)  # fmt: skip
    assert response.status_code == 302
    db_session.expire_all()
    leaves = db_session.scalars(select(InstructorLeave).where(
        InstructorLeave.instructor_id == dewi.id)).all()  # fmt: skip
    assert [(leave.first_day, leave.last_day) for leave in leaves] == [
        (first, first + timedelta(days=2))
    ]
    page = text(client.get(profile))
    assert "Cuti" in page and "Safety riding" in page
    assert client.get("/instructors/999999").status_code == 404


def test_leave_over_booked_days_warns_with_the_sessions(staff_client, sched, monday):
    sched.make.session(sched.course, days=[monday], instructors=[sched.instructor], name="DDC A")
    client = staff_client(Role.ADMIN)
    profile = f"/instructors/{sched.instructor.id}"
    response = form_post(client, f"{profile}/leave", {"first_day": monday.isoformat(),
                         "last_day": monday.isoformat(), "reason": "Sakit"}, page=profile,
                         follow_redirects=True)  # fmt: skip
    assert "Already booked in those days: DDC A" in text(response)


def test_dashboard_warns_thirty_days_ahead(staff_client, db_session, sched, make):
    soon = sched.qualified_instructor(valid_until=local_today() + timedelta(days=12),
                                      full_name="Rudi Hartono")  # fmt: skip
    sched.qualified_instructor(valid_until=local_today() + timedelta(days=45), full_name="Jauh")
    make.facility(name="Vario", kind=FacilityKind.VEHICLE, vehicle_kind=VehicleKind.MOTORCYCLE,
                  registration_number="B 3703 SJB",
                  stnk_valid_until=local_today() - timedelta(days=1))  # fmt: skip
    page = text(staff_client(Role.ADMIN).get("/dashboard"))
    assert "Rudi Hartono" in page and "expires in 12 days" in page and "Jauh" not in page
    assert "Vario" in page and "expired on" in page
    own = staff_client(Role.INSTRUCTOR, instructor=soon).get("/dashboard")
    assert "expires in 12 days" in text(own)
    other = staff_client(Role.INSTRUCTOR, instructor=sched.instructor).get("/dashboard")
    assert 'id="expiry-warnings"' not in text(other)


def test_facility_form_rules(staff_client, db_session):
    client = staff_client(Role.ADMIN)
    base = {"name": "Ruang A", "kind": "classroom", "capacity": "30", "opens_at": "07:00",
            "closes_at": "17:00", "open_weekdays": ["1", "2", "3", "4", "5"]}  # fmt: skip
    for broken, message in (
        ({"capacity": "0"}, "Capacity"),
        ({"closes_at": "06:00"}, "closing time"),
        ({"kind": "track"}, "kind of track"),
        ({"kind": "vehicle"}, "registration plate"),
        ({"open_weekdays": []}, "at least one day"),
    ):
        response = form_post(client, "/facilities/new", {**base, **broken})
        assert response.status_code == 422, broken
        assert message in text(response), broken
    assert db_session.scalar(select(func.count(Facility.id))) == 0
    car = {**base, "name": "Avanza", "kind": "vehicle", "vehicle_kind": "car", "capacity": "4",
           "registration_number": "b1701sja", "stnk_valid_until": "2027-01-31"}  # fmt: skip
    assert form_post(client, "/facilities/new", car).status_code == 302
    facility = db_session.scalar(select(Facility))
    assert facility.registration_number == "B 1701 SJA" and facility.open_weekdays == "12345"
    assert form_post(client, "/facilities/new", {**car, "name": "Lain"}).status_code == 422
    detail = text(client.get(f"/facilities/{facility.id}"))
    assert "B 1701 SJA" in detail
    assert client.get("/facilities/424242").status_code == 404


def test_maintenance_recorded_and_warns(staff_client, db_session, sched, monday):
    sched.make.session(sched.course, days=[monday], facilities=[sched.room], name="DDC A")
    client = staff_client(Role.ADMIN)
    page = f"/facilities/{sched.room.id}"
    response = form_post(client, f"{page}/maintenance", {"first_day": monday.isoformat(),
                         "last_day": monday.isoformat(), "reason": "Cat ulang"}, page=page,
                         follow_redirects=True)  # fmt: skip
    assert "Cat ulang" in text(response) and "Already booked in those days: DDC A" in text(response)
    form_post(client, f"{page}/retire", page=page)
    db_session.expire_all()
    assert db_session.get(Facility, sched.room.id).status == RecordStatus.RETIRED


def test_course_catalogue(staff_client, db_session):
    client = staff_client(Role.ADMIN)
    course = {"code": "ddc", "title_id": "Mengemudi Defensif", "title_en": "Defensive Driving",
              "category": "defensive_car", "vehicle_kind": "car", "duration_days": "2",
              "duration_hours": "16", "capacity": "16", "min_attendance_pct": "100",
              "requires_practical_signoff": "y", "certificate_validity_months": "36"}  # fmt: skip
    assert form_post(client, "/courses/new", {**course, "capacity": "0"}).status_code == 422
    assert (
        form_post(client, "/courses/new", {**course, "min_attendance_pct": "120"}).status_code
        == 422
    )
    assert form_post(client, "/courses/new", course).status_code == 302
    saved = db_session.scalar(select(Course))
    assert saved.code == "DDC" and saved.certificate_validity_months == 36
    assert form_post(client, "/courses/new", course).status_code == 422  # the code is taken
    page = f"/courses/{saved.id}"
    form_post(client, f"{page}/scenarios", {"scenario_id": "wet_curve", "vehicle": "car",
              "min_score": "75"}, page=page)  # fmt: skip
    form_post(client, f"{page}/scenarios", {"scenario_id": "Bad Id!", "vehicle": "car",
              "min_score": "75"}, page=page)  # fmt: skip
    for name in ("Pengereman", "Slalom"):
        form_post(client, f"{page}/skills", {"name_id": name, "name_en": name}, page=page)
    db_session.expire_all()
    saved = db_session.get(Course, saved.id)
    assert [(r.scenario_id, r.min_score) for r in saved.scenario_requirements] == [
        ("wet_curve", 75)
    ]
    slalom = saved.skills[1].id
    form_post(client, f"{page}/skills/{slalom}/move", {"direction": "up"}, page=page)
    db_session.expire_all()
    assert [s.name_id for s in sorted(db_session.get(Course, saved.id).skills,
                                      key=lambda s: s.position)] == ["Slalom", "Pengereman"]  # fmt: skip
    # A skill never rated is removed; a rated one is only taken off the list.
    form_post(client, f"{page}/skills/{slalom}/toggle", page=page)
    db_session.expire_all()
    assert db_session.get(CourseSkill, slalom) is None
    assert db_session.scalar(select(func.count(SkillAssessment.id))) == 0
    form_post(client, f"{page}/retire", page=page)
    assert db_session.scalar(select(AuditLog).where(AuditLog.action == "retire")) is not None
    assert client.get("/courses/31337").status_code == 404
