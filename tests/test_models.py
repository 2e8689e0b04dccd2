"""The data model's own rules, on the database under test (SQLite or PostgreSQL)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError, StatementError

from isdc.models import (
    AuditLog,
    Booking,
    Certificate,
    CertificateStatus,
    EffectiveStatus,
    Enrolment,
    EnrolmentStatus,
    ResourceKind,
    Run,
    ScoreReport,
    SessionStatus,
    Sex,
    SimClass,
    Station,
    Trainee,
    allocate_serial_number,
)
from isdc.models.rules import InvalidRecord
from isdc.models.schedule import intervals_overlap, local_days

WIB = ZoneInfo("Asia/Jakarta")


def test_trainee_with_an_invalid_nik_is_never_written(db_session, make) -> None:
    with pytest.raises(InvalidRecord) as caught:
        make.trainee(nik="3674011805900001", birth_date=date(1990, 5, 17), sex=Sex.MALE)
    assert "do not match the birth date" in str(caught.value)
    db_session.rollback()
    assert db_session.scalar(select(func.count(Trainee.id))) == 0


def test_trainee_too_young_for_the_sim_class_is_refused(db_session, make) -> None:
    sixteen = date.today().replace(year=date.today().year - 16) - timedelta(days=2)
    with pytest.raises(InvalidRecord, match="minimum age of 17"):
        make.trainee(birth_date=sixteen, sim_class=SimClass.C, sim_number="09010905123456")
    db_session.rollback()


def test_nik_is_unique(db_session, make) -> None:
    first = make.trainee()
    with pytest.raises(IntegrityError):
        make.trainee(nik=first.nik, full_name="Another Person")
    db_session.rollback()


def test_foreign_keys_are_enforced(db_session, make) -> None:
    session = make.session()
    db_session.add(
        Enrolment(trainee_id=999_999, session_id=session.id, status=EnrolmentStatus.ENROLLED)
    )
    with pytest.raises(IntegrityError):
        db_session.commit()
    db_session.rollback()


def test_a_trainee_enrols_once_per_session(db_session, make) -> None:
    trainee, session = make.trainee(), make.session()
    make.enrolment(trainee, session)
    with pytest.raises(IntegrityError):
        make.enrolment(trainee, session, status=EnrolmentStatus.WAITLISTED)
    db_session.rollback()


def test_timestamps_are_stored_in_utc_and_come_back_aware(db_session, make) -> None:
    wib = datetime(2026, 11, 27, 14, 30, tzinfo=WIB)
    session = make.session(days=[date(2026, 11, 27)], start=time(14, 30), end=time(16))
    db_session.expire_all()
    loaded = db_session.get(type(session), session.id)
    assert loaded.starts_at == wib
    assert loaded.starts_at.tzinfo is not None and loaded.starts_at.utcoffset() == timedelta(0)
    assert loaded.starts_at.hour == 7  # 14.30 WIB is 07:30 UTC


def test_naive_datetimes_are_refused(db_session, make) -> None:
    session = make.session()
    session.starts_at = datetime(2026, 11, 27, 8, 0)  # no zone: ambiguous
    with pytest.raises(StatementError, match="naive datetime"):
        db_session.commit()
    db_session.rollback()


def test_unknown_enum_values_are_refused(db_session, make) -> None:
    session = make.session()
    session.status = "postponed"
    with pytest.raises(StatementError):
        db_session.commit()
    db_session.rollback()


def test_session_span_must_be_ordered(db_session, make) -> None:
    session = make.session()
    session.ends_at = session.starts_at - timedelta(hours=1)
    with pytest.raises(IntegrityError):
        db_session.commit()
    db_session.rollback()


def test_a_booking_holds_exactly_one_resource(db_session, make) -> None:
    instructor, room = make.instructor(), make.facility()
    start = datetime(2026, 12, 1, 1, tzinfo=UTC)
    db_session.add(
        Booking(resource_kind=ResourceKind.INSTRUCTOR, instructor=instructor, facility=room,
                starts_at=start, ends_at=start + timedelta(hours=8))
    )  # fmt: skip
    with pytest.raises(IntegrityError):
        db_session.commit()
    db_session.rollback()
    db_session.add(
        Booking(resource_kind=ResourceKind.FACILITY, instructor=instructor,
                starts_at=start, ends_at=start + timedelta(hours=8))
    )  # fmt: skip
    with pytest.raises(IntegrityError):
        db_session.commit()
    db_session.rollback()


def test_intervals_are_half_open() -> None:
    t = datetime(2026, 12, 1, 1, tzinfo=UTC)
    hour = timedelta(hours=1)
    assert intervals_overlap(t, t + 2 * hour, t + hour, t + 3 * hour)
    assert not intervals_overlap(t, t + hour, t + hour, t + 2 * hour)  # back to back
    assert intervals_overlap(t, t + 3 * hour, t + hour, t + 2 * hour)  # inside


def test_local_days_of_an_interval() -> None:
    start = datetime(2026, 12, 1, 8, tzinfo=WIB)
    assert local_days(start, start + timedelta(hours=8), WIB) == [date(2026, 12, 1)]
    midnight = datetime(2026, 12, 2, 0, tzinfo=WIB)
    assert local_days(start, midnight, WIB) == [date(2026, 12, 1)]
    assert local_days(start, midnight + timedelta(days=1, hours=1), WIB) == [
        date(2026, 12, 1), date(2026, 12, 2), date(2026, 12, 3)
    ]  # fmt: skip


def test_session_days_and_span_follow_the_slots(make) -> None:
    days = [date(2026, 12, 1), date(2026, 12, 3)]
    session = make.session(days=days)
    assert session.days(WIB) == days
    session.slots[0].starts_at = datetime(2026, 11, 30, 8, tzinfo=WIB)
    session.sync_span()
    assert session.starts_at == datetime(2026, 11, 30, 8, tzinfo=WIB)
    assert session.ends_at == datetime(2026, 12, 3, 16, tzinfo=WIB)


def _certificate(make, db_session, **fields) -> Certificate:  # type: ignore[no-untyped-def]
    trainee = make.trainee()
    session = make.session(status=SessionStatus.COMPLETED)
    enrolment = make.enrolment(trainee, session, status=EnrolmentStatus.COMPLETED)
    values = dict(
        site_id=make.site.id, serial="ISDC/2026/DDC/0001", verification_code="K7QM-2XRA-9PLT-4WHC",
        trainee_id=trainee.id, enrolment_id=enrolment.id, course_id=session.course_id,
        session_id=session.id, holder_name=trainee.full_name, course_title_id="Mengemudi Defensif",
        course_title_en="Defensive Driving", valid_until=date(2029, 11, 30),
    )  # fmt: skip
    values.update(fields)
    certificate = Certificate(**values)
    db_session.add(certificate)
    db_session.commit()
    return certificate


def test_certificate_serial_and_code_are_unique(db_session, make) -> None:
    first = _certificate(make, db_session)
    db_session.add(
        Certificate(**{c: getattr(first, c) for c in (
            "site_id", "trainee_id", "enrolment_id", "course_id", "session_id", "holder_name",
            "course_title_id", "course_title_en")},
            serial=first.serial, verification_code="OTHER-CODE", status=CertificateStatus.REVOKED)
    )  # fmt: skip
    with pytest.raises(IntegrityError):
        db_session.commit()
    db_session.rollback()


def test_one_valid_certificate_per_enrolment(db_session, make) -> None:
    first = _certificate(make, db_session)
    copy = {c: getattr(first, c) for c in (
        "site_id", "trainee_id", "enrolment_id", "course_id", "session_id", "holder_name",
        "course_title_id", "course_title_en")}  # fmt: skip
    db_session.add(Certificate(**copy, serial="ISDC/2026/DDC/0002", verification_code="SECOND"))
    with pytest.raises(IntegrityError):
        db_session.commit()
    db_session.rollback()
    # A reissue: the old one is revoked, the new one names it.
    first = db_session.get(Certificate, first.id)
    first.revoke("Salah ejaan nama", by_user_id=None)
    db_session.add(
        Certificate(
            **copy, serial="ISDC/2026/DDC/0002", verification_code="SECOND", replaces_id=first.id
        )
    )
    db_session.commit()
    assert first.effective_status(date(2027, 1, 1)) == EffectiveStatus.REVOKED


def test_expiry_is_derived_not_stored(db_session, make) -> None:
    certificate = _certificate(make, db_session, valid_until=date(2029, 11, 30))
    assert certificate.effective_status(date(2029, 11, 30)) == EffectiveStatus.VALID
    assert certificate.effective_status(date(2029, 12, 1)) == EffectiveStatus.EXPIRED
    assert certificate.status == CertificateStatus.VALID


def test_serial_numbers_have_no_gaps_and_roll_back_with_the_issue(db_session, make) -> None:
    course = make.course()
    assert [allocate_serial_number(db_session, course.id, 2026) for _ in range(3)] == [1, 2, 3]
    db_session.commit()
    assert allocate_serial_number(db_session, course.id, 2026) == 4
    db_session.rollback()  # the issue failed: number 4 was never used
    assert allocate_serial_number(db_session, course.id, 2026) == 4
    assert allocate_serial_number(db_session, course.id, 2027) == 1
    db_session.commit()


def test_station_tokens_are_stored_hashed_and_can_be_revoked(db_session, make) -> None:
    station = Station(site=make.site, name="SIM-01")
    db_session.add(station)
    token = station.issue_token()
    db_session.commit()
    assert token not in (station.token_hash or "")
    assert len(token) >= 40
    assert Station.for_token(db_session, token) == station
    assert Station.for_token(db_session, token + "x") is None
    newer = station.issue_token()
    db_session.commit()
    assert Station.for_token(db_session, token) is None
    assert Station.for_token(db_session, newer) == station
    station.revoke_token()
    db_session.commit()
    assert Station.for_token(db_session, newer) is None
    assert station.revoked_at is not None


def _run(make, db_session) -> Run:  # type: ignore[no-untyped-def]
    run = Run(
        id=uuid.uuid4(), trainee_id=make.trainee().id, scenario_id="school_zone",
        scenario_version="1", vehicle="car", driver="keyboard", seed=2**40 + 7,
        started_at=datetime(2026, 11, 27, 3, tzinfo=UTC), duration_s=301.5, ticks=18090,
        outcome="completed", simulator_version="0.1.0", telemetry_path="runs/x.isdc.npz",
        telemetry_sha256="0" * 64, telemetry_size=812_345,
    )  # fmt: skip
    db_session.add(run)
    db_session.commit()
    return run


def test_runs_keep_the_station_uuid_and_large_seeds(db_session, make) -> None:
    run = _run(make, db_session)
    db_session.expire_all()
    loaded = db_session.get(Run, run.id)
    assert isinstance(loaded.id, uuid.UUID)
    assert loaded.seed == 2**40 + 7


def test_only_one_current_score_report_per_run(db_session, make) -> None:
    run = _run(make, db_session)
    report = {"score": 81.5, "passed": True, "findings": []}
    db_session.add(ScoreReport(run_id=run.id, rubric_version="1", scorer_version="0.1.0",
                               score=81.5, passed=True, report=report))  # fmt: skip
    db_session.commit()
    db_session.add(ScoreReport(run_id=run.id, rubric_version="2", scorer_version="0.1.0",
                               score=77.0, passed=True, report=report))  # fmt: skip
    with pytest.raises(IntegrityError):
        db_session.commit()
    db_session.rollback()
    # Rescoring: the old report stops being current, the new one is added; both are kept.
    old = db_session.scalar(select(ScoreReport).where(ScoreReport.run_id == run.id))
    old.is_current = False
    db_session.flush()
    db_session.add(ScoreReport(run_id=run.id, rubric_version="2", scorer_version="0.1.0",
                               score=77.0, passed=True, report=report))  # fmt: skip
    db_session.commit()
    assert db_session.scalar(select(func.count()).where(ScoreReport.run_id == run.id)) == 2
    assert db_session.get(ScoreReport, old.id).report == report


def test_changes_are_audited_with_the_changed_values(db_session, make) -> None:
    from isdc.models.audit import Actor, acting_as

    with acting_as(Actor("cli:tester")):
        trainee = make.trainee(full_name="Siti Rahayu", sex=Sex.FEMALE)
        trainee.phone = "081234567890"
        db_session.commit()
        db_session.delete(trainee)
        db_session.commit()
    entries = db_session.scalars(
        select(AuditLog).where(AuditLog.entity_type == "Trainee").order_by(AuditLog.id)
    ).all()
    assert [e.action for e in entries] == ["create", "update", "delete"]
    assert {e.actor_name for e in entries} == {"cli:tester"}
    assert entries[0].details["values"]["full_name"] == "Siti Rahayu"
    assert entries[1].details == {"changes": {"phone": [None, "081234567890"]}}
    assert entries[0].entity_id == str(trainee.id)


def test_audit_hides_secrets(db_session, make) -> None:
    from isdc.models import Role

    user = make.user(Role.ADMIN, username="rahasia")
    entry = db_session.scalar(
        select(AuditLog).where(AuditLog.entity_type == "User", AuditLog.entity_id == str(user.id))
    )
    assert entry.details["values"]["password_hash"] == "***"
    assert "scrypt" not in str(entry.details)


def test_timezone_offsets_other_than_utc_are_converted(db_session, make) -> None:
    session = make.session(days=[date(2026, 12, 1)], start=time(9))
    session.starts_at = datetime(2026, 12, 1, 10, tzinfo=timezone(timedelta(hours=9)))  # WIT
    db_session.commit()
    db_session.expire_all()
    assert db_session.get(type(session), session.id).starts_at == datetime(
        2026, 12, 1, 1, tzinfo=UTC
    )
