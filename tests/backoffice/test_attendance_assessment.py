"""Attendance per day and the practical assessment, as plain functions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from isdc.models import (
    Attendance,
    AttendanceStatus,
    CourseSkill,
    EnrolmentStatus,
    SkillAssessment,
    SkillLevel,
)
from isdc.models.base import local_today, utcnow
from isdc.models.rules import InvalidRecord
from isdc.scheduling.assessment import (
    latest_notes,
    latest_ratings,
    rate_skills,
    sign_off,
    sign_off_problems,
    undo_sign_off,
)
from isdc.scheduling.attendance import attendance_summaries, record_attendance


@pytest.fixture
def running(sched, make):  # type: ignore[no-untyped-def]
    """A three-day session that started yesterday, with two enrolled trainees and skills."""
    today = local_today()
    days = [today - timedelta(days=1), today, today + timedelta(days=1)]
    sched.course.skills = [
        CourseSkill(position=0, name_id="Pengereman darurat", name_en="Emergency braking"),
        CourseSkill(position=1, name_id="Slalom", name_en="Slalom"),
    ]
    session = make.session(sched.course, days=days, name="DDC A")
    a = make.enrolment(make.trainee(full_name="Ani"), session)
    b = make.enrolment(make.trainee(full_name="Budi"), session)
    return session, days, a, b


def test_attendance_is_recorded_and_summarised(db_session, running, make):
    session, days, a, b = running
    changed = record_attendance(
        db_session, session, days[0],
        {a.id: (AttendanceStatus.PRESENT, None), b.id: (AttendanceStatus.LATE, "20 menit")},
        recorded_by_id=None, today=local_today(),
    )  # fmt: skip
    record_attendance(db_session, session, days[1], {a.id: (AttendanceStatus.ABSENT, None)},
                      recorded_by_id=None, today=local_today())  # fmt: skip
    db_session.commit()
    assert changed == 2
    summaries = attendance_summaries(db_session, [(a.id, session.id), (b.id, session.id)],
                                     make.site.tzinfo, local_today())  # fmt: skip
    assert summaries[a.id].days == 3 and summaries[a.id].held == 2
    assert summaries[a.id].attended == 1 and summaries[a.id].absent == 1
    assert round(summaries[a.id].percent) == 33 and summaries[a.id].percent_of_held == 50
    assert summaries[b.id].late == 1 and summaries[b.id].attended == 1  # late counts


def test_correcting_a_mark_updates_it_and_unchanged_marks_are_not_rewritten(db_session, running):
    session, days, a, _ = running
    record_attendance(db_session, session, days[0], {a.id: (AttendanceStatus.ABSENT, None)},
                      recorded_by_id=None, today=local_today())  # fmt: skip
    db_session.commit()
    assert record_attendance(db_session, session, days[0], {a.id: (AttendanceStatus.ABSENT, "")},
                             recorded_by_id=None, today=local_today()) == 0  # fmt: skip
    assert record_attendance(db_session, session, days[0], {a.id: (AttendanceStatus.PRESENT, "")},
                             recorded_by_id=None, today=local_today()) == 1  # fmt: skip
    db_session.commit()
    assert db_session.scalar(select(func.count(Attendance.id))) == 1


def test_attendance_refusals(db_session, running, make):
    session, days, a, _ = running
    with pytest.raises(InvalidRecord, match="day itself or later"):
        record_attendance(db_session, session, days[2], {a.id: (AttendanceStatus.PRESENT, None)},
                          recorded_by_id=None, today=local_today())  # fmt: skip
    with pytest.raises(InvalidRecord, match="does not meet"):
        record_attendance(db_session, session, days[0] - timedelta(days=1),
                          {a.id: (AttendanceStatus.PRESENT, None)}, recorded_by_id=None,
                          today=local_today())  # fmt: skip
    waiting = make.enrolment(make.trainee(full_name="Cici"), session,
                             status=EnrolmentStatus.WAITLISTED, waitlist_position=1)  # fmt: skip
    with pytest.raises(InvalidRecord, match="only for enrolled"):
        record_attendance(db_session, session, days[0],
                          {waiting.id: (AttendanceStatus.PRESENT, None)}, recorded_by_id=None,
                          today=local_today())  # fmt: skip
    assert db_session.scalar(select(func.count(Attendance.id))) == 0


def test_ratings_append_and_only_changes_are_recorded(db_session, running):
    session, _, a, _ = running
    braking, slalom = (s.id for s in session.course.skills)
    rate_skills(db_session, a, {braking: (2, "Terlalu lambat mengerem"), slalom: (3, None)},
                assessor_id=None)  # fmt: skip
    db_session.commit()
    added = rate_skills(db_session, a, {braking: (4, None), slalom: (3, None)}, assessor_id=None)
    db_session.commit()
    assert [r.skill_id for r in added] == [braking]  # slalom unchanged
    latest = latest_ratings(db_session, [a])[a.id]
    assert latest[braking].level == SkillLevel.SELDOM_PROMPTED
    assert latest[slalom].level == SkillLevel.PROMPTED
    assert db_session.scalar(select(func.count(SkillAssessment.id))) == 3  # history kept
    (note,) = latest_notes(db_session, [session.id])[session.id]
    assert note.trainee_name == "Ani" and note.notes == "Terlalu lambat mengerem"


def test_notes_carry_over_to_a_later_session_of_the_course(db_session, running, make):
    session, _, a, _ = running
    braking = session.course.skills[0].id
    rate_skills(db_session, a, {braking: (3, "Latih lagi di braking zone")}, assessor_id=None,
                now=utcnow() - timedelta(hours=1))  # fmt: skip
    a.status = EnrolmentStatus.FAILED
    db_session.commit()
    later = make.session(session.course, days=[local_today()], name="DDC B")
    # The later session has started already today (08:00) only if it is past 08:00; rate with
    # a "now" inside it either way.
    again = make.enrolment(a.trainee, later)
    carried = latest_ratings(db_session, [again])[again.id][braking]
    assert carried.carried_over and carried.notes == "Latih lagi di braking zone"
    # The earlier session does not see the later one's ratings.
    rate_skills(db_session, again, {braking: (5, None)}, assessor_id=None,
                now=later.starts_at + timedelta(minutes=5))  # fmt: skip
    db_session.commit()
    assert latest_ratings(db_session, [a])[a.id][braking].level == SkillLevel.PROMPTED
    assert not latest_ratings(db_session, [again])[again.id][braking].carried_over


def test_sign_off_needs_every_skill_rated_high_enough(db_session, running):
    session, _, a, _ = running
    braking, slalom = (s.id for s in session.course.skills)
    ratings = latest_ratings(db_session, [a])[a.id]
    assert "2 skills are not yet rated" in str(
        InvalidRecord(sign_off_problems(a, ratings, utcnow()))
    )
    rate_skills(db_session, a, {braking: (5, None), slalom: (3, None)}, assessor_id=None)
    db_session.commit()
    with pytest.raises(InvalidRecord, match="below"):
        sign_off(db_session, a, by_user_id=None)
    rate_skills(db_session, a, {slalom: (4, "Sudah lancar")}, assessor_id=None)
    sign_off(db_session, a, by_user_id=None, notes="Lulus praktik")
    db_session.commit()
    assert a.practical_signed_off and a.practical_notes == "Lulus praktik"
    with pytest.raises(InvalidRecord, match="signed off"):
        rate_skills(db_session, a, {slalom: (5, None)}, assessor_id=None)
    undo_sign_off(db_session, a, "Salah peserta")
    db_session.commit()
    assert not a.practical_signed_off


def test_rating_refusals(db_session, running, make):
    session, _, a, _ = running
    with pytest.raises(InvalidRecord, match="1 to 5"):
        rate_skills(db_session, a, {session.course.skills[0].id: (6, None)}, assessor_id=None)
    other_skill = CourseSkill(course=make.course(), name_id="X", name_en="X")
    db_session.add(other_skill)
    db_session.commit()
    with pytest.raises(InvalidRecord, match="Unknown skill"):
        rate_skills(db_session, a, {other_skill.id: (3, None)}, assessor_id=None)
    future = make.session(session.course, days=[local_today() + timedelta(days=5)])
    e = make.enrolment(make.trainee(), future)
    with pytest.raises(InvalidRecord, match="first day"):
        rate_skills(db_session, e, {session.course.skills[0].id: (3, None)}, assessor_id=None)
