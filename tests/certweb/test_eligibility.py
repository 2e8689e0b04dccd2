"""Eligibility rules, without HTTP: attendance, scenarios passed with their minimum score,
practical sign-off, the state of session and enrolment - and exactly what is missing."""

from __future__ import annotations

from datetime import timedelta

from isdc.models import (
    Attendance,
    AttendanceStatus,
    CourseSession,
    EnrolmentStatus,
    SessionStatus,
    VehicleKind,
)
from isdc.models.base import utcnow
from isdc.models.eligibility import enrolment_eligibility, session_eligibility
from tests.certweb.helpers import add_run, finished_cohort, make_course


def fields(check) -> list[str]:  # type: ignore[no-untyped-def]
    return [v.field for v in check.shortfalls]


def test_a_trainee_who_met_everything_is_eligible(make, db_session) -> None:
    cohort = finished_cohort(make, ["Siti Nurhaliza"])
    check = enrolment_eligibility(db_session, cohort.enrolments[0], utcnow())
    assert check.eligible, check.shortfalls
    assert check.attendance.attended == check.attendance.days == 2
    assert [s.met for s in check.scenarios] == [True, True]
    assert check.practical_signed_off


def test_each_missing_requirement_is_named(make, db_session) -> None:
    cohort = finished_cohort(make, ["Budi Santoso"], eligible=False)
    enrolment = cohort.enrolments[0]
    db_session.add(
        Attendance(enrolment=enrolment, day=cohort.days[0], status=AttendanceStatus.PRESENT)
    )
    db_session.add(
        Attendance(enrolment=enrolment, day=cohort.days[1], status=AttendanceStatus.ABSENT)
    )
    db_session.commit()
    add_run(db_session, enrolment.trainee, "urban_intersection", 65.0, True)  # passed, too low
    add_run(db_session, enrolment.trainee, "emergency_brake", 90.0, False)  # high but failed
    check = enrolment_eligibility(db_session, enrolment, utcnow())
    assert not check.eligible
    assert fields(check) == ["attendance", "scenario", "scenario", "practical"]
    attendance, low, failed, practical = check.shortfalls
    assert str(attendance) == "Attended 1 of 2 days (50.0 %); the course requires 100 %."
    assert check.attendance.missed == (cohort.days[1],)
    assert "best passed score 65.0, below the required 70.0" in str(low)
    assert "not passed yet (runs: 1)" in str(failed)
    assert str(practical) == "The practical assessment is not signed off."


def test_no_run_at_all_says_so(make, db_session) -> None:
    cohort = finished_cohort(make, ["Budi Santoso"], eligible=False)
    check = enrolment_eligibility(db_session, cohort.enrolments[0], utcnow())
    messages = [str(v) for v in check.shortfalls if v.field == "scenario"]
    assert messages == [
        "Scenario urban_intersection (car): no run yet; a pass with 70.0 or more is required.",
        "Scenario emergency_brake (car): no run yet; a pass with 70.0 or more is required.",
    ]
    assert check.attendance.attended == 0 and len(check.attendance.missed) == 2


def test_the_best_passed_run_counts_and_exactly_the_minimum_is_enough(make, db_session) -> None:
    cohort = finished_cohort(make, ["Dewi Lestari"], eligible=False)
    enrolment = cohort.enrolments[0]
    trainee = enrolment.trainee
    for day in cohort.days:
        db_session.add(Attendance(enrolment=enrolment, day=day, status=AttendanceStatus.LATE))
    enrolment.practical_signed_off_at = utcnow()
    db_session.commit()
    add_run(db_session, trainee, "urban_intersection", 50.0, False)
    add_run(db_session, trainee, "urban_intersection", 70.0, True)  # exactly the minimum
    add_run(db_session, trainee, "emergency_brake", 99.0, False)
    add_run(db_session, trainee, "emergency_brake", 71.5, True)
    check = enrolment_eligibility(db_session, enrolment, utcnow())
    assert check.eligible, check.shortfalls  # late counts as attended
    assert [(s.best_passing, s.best_any, s.runs) for s in check.scenarios] == [
        (70.0, 70.0, 2),
        (71.5, 99.0, 2),
    ]


def test_runs_of_another_vehicle_scenario_or_before_the_enrolment_do_not_count(
    make, db_session
) -> None:
    cohort = finished_cohort(make, ["Agus Prasetyo"], eligible=False)
    enrolment = cohort.enrolments[0]
    trainee = enrolment.trainee
    add_run(db_session, trainee, "urban_intersection", 95.0, True, vehicle="truck")
    add_run(db_session, trainee, "wet_curve", 95.0, True)
    add_run(db_session, trainee, "emergency_brake", 95.0, True,
            started_at=enrolment.enrolled_at - timedelta(days=30))  # fmt: skip
    check = enrolment_eligibility(db_session, enrolment, utcnow())
    assert [s.runs for s in check.scenarios] == [0, 0]


def test_another_trainees_runs_do_not_count(make, db_session) -> None:
    cohort = finished_cohort(make, ["A Satu", "B Dua"], eligible=False)
    first, second = cohort.enrolments
    add_run(db_session, first.trainee, "urban_intersection", 90.0, True)
    checks = session_eligibility(db_session, cohort.session, utcnow())
    assert checks[first.id].scenarios[0].met
    assert not checks[second.id].scenarios[0].met


def test_attendance_is_measured_against_the_courses_minimum(make, db_session) -> None:
    course = make_course(make, code="ARM", scenarios=(), min_attendance_pct=67,
                         requires_practical_signoff=False)  # fmt: skip
    cohort = finished_cohort(make, ["Rudi Hartono"], course=course, eligible=False)
    enrolment = cohort.enrolments[0]
    # A third day, so that 2 of 3 days is 66.67 % - which must not round up to 67 %.
    session = db_session.get(CourseSession, cohort.session.id)
    from datetime import datetime, time

    from isdc.models import SessionSlot

    tz = make.site.tzinfo
    extra = cohort.days[0] - timedelta(days=1)
    session.slots.append(
        SessionSlot(
            starts_at=datetime.combine(extra, time(8), tzinfo=tz),
            ends_at=datetime.combine(extra, time(16), tzinfo=tz),
        )  # fmt: skip
    )
    session.sync_span()
    for day in cohort.days:
        db_session.add(Attendance(enrolment=enrolment, day=day, status=AttendanceStatus.PRESENT))
    db_session.commit()
    check = enrolment_eligibility(db_session, enrolment, utcnow())
    assert (check.attendance.attended, check.attendance.days) == (2, 3)
    assert fields(check) == ["attendance"]
    course.min_attendance_pct = 66
    db_session.commit()
    assert enrolment_eligibility(db_session, enrolment, utcnow()).eligible


def test_attendance_outside_the_session_days_does_not_count(make, db_session) -> None:
    course = make_course(make, code="PKS", scenarios=(), requires_practical_signoff=False)
    cohort = finished_cohort(make, ["Putri Ayu"], course=course, eligible=False)
    enrolment = cohort.enrolments[0]
    db_session.add(
        Attendance(enrolment=enrolment, day=cohort.days[0], status=AttendanceStatus.PRESENT)
    )
    db_session.add(Attendance(enrolment=enrolment, day=cohort.days[0] - timedelta(days=5),
                              status=AttendanceStatus.PRESENT))  # fmt: skip
    db_session.commit()
    check = enrolment_eligibility(db_session, enrolment, utcnow())
    assert check.attendance.attended == 1 and fields(check) == ["attendance"]


def test_a_session_that_is_not_over_or_was_cancelled_certifies_nobody(make, db_session) -> None:
    cohort = finished_cohort(make, ["Siti Nurhaliza"])
    enrolment = cohort.enrolments[0]
    before_the_end = cohort.session.ends_at - timedelta(hours=1)
    check = enrolment_eligibility(db_session, enrolment, before_the_end)
    assert [str(v) for v in check.shortfalls] == ["The session is not over yet."]
    cohort.session.status = SessionStatus.CANCELLED
    db_session.commit()
    check = enrolment_eligibility(db_session, enrolment, utcnow())
    assert [str(v) for v in check.shortfalls] == ["The session was cancelled."]


def test_withdrawn_waitlisted_and_failed_trainees_are_not_eligible(make, db_session) -> None:
    cohort = finished_cohort(make, ["A", "B", "C", "D"])
    statuses = [EnrolmentStatus.WITHDRAWN, EnrolmentStatus.WAITLISTED, EnrolmentStatus.FAILED,
                EnrolmentStatus.COMPLETED]  # fmt: skip
    for enrolment, status in zip(cohort.enrolments, statuses, strict=True):
        enrolment.status = status
    db_session.commit()
    checks = {e.status: enrolment_eligibility(db_session, e, utcnow()) for e in cohort.enrolments}
    assert (
        str(checks[EnrolmentStatus.WITHDRAWN].shortfalls[0])
        == "The trainee withdrew from the session."
    )
    assert "waiting list" in str(checks[EnrolmentStatus.WAITLISTED].shortfalls[0])
    assert (
        str(checks[EnrolmentStatus.FAILED].shortfalls[0]) == "The trainee was marked as not passed."
    )
    assert checks[EnrolmentStatus.COMPLETED].eligible
    # The session page lists the ones that took part (failed included), not the others.
    listed = session_eligibility(db_session, cohort.session, utcnow())
    assert {checks_status for checks_status in (c.status for c in listed.values())} == {
        EnrolmentStatus.FAILED,
        EnrolmentStatus.COMPLETED,
    }


def test_a_course_without_requirements_needs_only_attendance(make, db_session) -> None:
    course = make_course(make, code="PKS", scenarios=(), requires_practical_signoff=False,
                         min_attendance_pct=0)  # fmt: skip
    cohort = finished_cohort(make, ["Putri Ayu"], course=course, eligible=False)
    check = enrolment_eligibility(db_session, cohort.enrolments[0], utcnow())
    assert check.eligible and check.scenarios == () and not check.practical_required


def test_a_whole_cohort_takes_a_fixed_number_of_queries(make, db_session) -> None:
    from sqlalchemy import event

    small = finished_cohort(make, ["A", "B"])
    big = finished_cohort(make, [f"Peserta {i}" for i in range(12)], course=small.course)
    counts = []
    for cohort in (small, big):
        statements: list[str] = []

        def count(*args, statements=statements, **kwargs) -> None:  # type: ignore[no-untyped-def]
            statements.append(args[2])

        engine = db_session.get_bind()
        event.listen(engine, "before_cursor_execute", count)
        try:
            db_session.expire_all()
            checks = session_eligibility(
                db_session, db_session.get(CourseSession, cohort.session.id), utcnow()
            )
        finally:
            event.remove(engine, "before_cursor_execute", count)
        assert all(c.eligible for c in checks.values())
        counts.append(len(statements))
    assert counts[0] == counts[1]


def test_vehicle_of_a_requirement_is_matched_by_its_value(make, db_session) -> None:
    course = make_course(make, code="SRM", scenarios=())
    from isdc.models import CourseScenarioRequirement

    course.scenario_requirements = [
        CourseScenarioRequirement(
            scenario_id="braking_zone", vehicle=VehicleKind.MOTORCYCLE, min_score=70
        )
    ]
    db_session.commit()
    cohort = finished_cohort(make, ["Rina"], course=course, eligible=False)
    add_run(
        db_session, cohort.enrolments[0].trainee, "braking_zone", 80.0, True, vehicle="motorcycle"
    )
    check = enrolment_eligibility(db_session, cohort.enrolments[0], utcnow())
    assert check.scenarios[0].met
