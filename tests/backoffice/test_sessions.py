"""Scheduling as plain functions: book a plan, refuse clashes naming them, skip conflicting
dates, move a day, cancel; nothing written when refused."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from sqlalchemy import func, select

from isdc.models import (
    AuditLog,
    Booking,
    BookingStatus,
    CourseSession,
    FacilityKind,
    FacilityMaintenance,
    InstructorLeave,
    RecordStatus,
    ResourceKind,
    SessionStatus,
    VehicleKind,
)
from isdc.models.base import local_today
from isdc.models.rules import InvalidRecord
from isdc.scheduling.clashes import ClashKind, SchedulingConflict
from isdc.scheduling.sessions import (
    FacilityBlock,
    cancel_session,
    check_plan,
    create_session,
    reschedule_slot,
)


def count(db, model) -> int:  # type: ignore[no-untyped-def]
    return db.scalar(select(func.count()).select_from(model))


def test_a_plan_books_every_day_for_instructors_and_facilities(db_session, site, sched, monday):
    days = [monday + timedelta(days=i) for i in range(3)]
    outcome = create_session(db_session, site, sched.plan(days), today=local_today())
    db_session.commit()
    session = outcome.session
    assert [s.starts_at.astimezone(site.tzinfo).date() for s in session.slots] == days
    assert session.starts_at.astimezone(site.tzinfo).time() == time(8)
    assert session.capacity == 3  # the course's default
    bookings = db_session.scalars(select(Booking).where(Booking.session_id == session.id)).all()
    assert {(b.resource_kind, len(days)) for b in bookings} == {
        (ResourceKind.INSTRUCTOR, 3),
        (ResourceKind.FACILITY, 3),
    }
    assert len(bookings) == 6
    assert db_session.scalar(select(AuditLog).where(AuditLog.action == "schedule")) is not None


def test_a_clash_names_the_other_session_and_writes_nothing(db_session, site, sched, monday):
    create_session(db_session, site, sched.plan([monday], name="DDC A"), today=local_today())
    db_session.commit()
    before = count(db_session, Booking)
    other_room = sched.make.facility(name="Ruang Kelas Bhayangkara")
    with pytest.raises(SchedulingConflict) as caught:
        create_session(
            db_session,
            site,
            sched.plan([monday, monday + timedelta(days=1)], facilities=[other_room], name="B"),
            today=local_today(),
        )
    db_session.rollback()
    (clash,) = caught.value.clashes
    assert clash.kind == ClashKind.BOOKED
    assert clash.resource_name == "Iptu Agus Prasetyo"
    assert clash.other_session_name == "DDC A" and clash.other_course_code == "DDC"
    assert clash.day == monday
    assert "already booked for DDC A (DDC)" in clash.describe(site.tzinfo)
    assert count(db_session, Booking) == before
    assert count(db_session, CourseSession) == 1


def test_half_open_intervals_let_sessions_follow_each_other(db_session, site, sched, monday):
    create_session(db_session, site, sched.plan([monday], day_ends=time(12)), today=local_today())
    outcome = create_session(
        db_session, site, sched.plan([monday], day_starts=time(12), name="PM"), today=local_today()
    )
    assert outcome.skipped == []


def test_skip_conflicting_dates_books_the_rest(db_session, site, sched, monday):
    tuesday, wednesday = monday + timedelta(days=1), monday + timedelta(days=2)
    sched.instructor.leaves.append(
        InstructorLeave(first_day=tuesday, last_day=tuesday, reason="Cuti")
    )
    db_session.commit()
    plan = sched.plan([monday, tuesday, wednesday])
    with pytest.raises(SchedulingConflict):
        create_session(db_session, site, plan, today=local_today())
    outcome = create_session(db_session, site, plan, today=local_today(), skip_conflicting=True)
    db_session.commit()
    assert [d.day for d in outcome.booked] == [monday, wednesday]
    (skipped,) = outcome.skipped
    assert skipped.day == tuesday
    assert [c.kind for c in skipped.clashes] == [ClashKind.LEAVE]
    assert skipped.clashes[0].reason == "Cuti"
    assert len(outcome.session.slots) == 2


def test_when_every_day_clashes_nothing_is_booked(db_session, site, sched, monday):
    sched.room.maintenance.append(
        FacilityMaintenance(first_day=monday, last_day=monday, reason="Pengecatan")
    )
    db_session.commit()
    with pytest.raises(SchedulingConflict) as caught:
        create_session(
            db_session, site, sched.plan([monday]), today=local_today(), skip_conflicting=True
        )
    assert caught.value.clashes[0].kind == ClashKind.MAINTENANCE
    assert caught.value.clashes[0].reason == "Pengecatan"
    db_session.rollback()
    assert count(db_session, CourseSession) == 0


def test_qualification_must_cover_the_course_on_the_day(db_session, site, sched, monday):
    expiring = sched.qualified_instructor(valid_until=monday, full_name="Rudi")
    check = check_plan(
        db_session,
        site,
        sched.plan([monday, monday + timedelta(days=1)], instructors=[expiring]),
        local_today(),
    )
    assert check.days[0].is_clear
    (clash,) = check.days[1].clashes
    assert clash.kind == ClashKind.QUALIFICATION_EXPIRED and clash.until == monday
    unqualified = sched.make.instructor(full_name="Tanpa Kualifikasi")
    check = check_plan(db_session, site, sched.plan([monday], instructors=[unqualified]),
                       local_today())  # fmt: skip
    assert [c.kind for c in check.clashes] == [ClashKind.NOT_QUALIFIED]


def test_facility_hours_open_days_stnk_and_retirement(db_session, site, sched, monday):
    saturday, sunday = monday + timedelta(days=5), monday + timedelta(days=6)
    car = sched.make.facility(name="Avanza", kind=FacilityKind.VEHICLE, capacity=4,
                              vehicle_kind=VehicleKind.CAR, registration_number="B 1 SJA",
                              stnk_valid_until=monday, open_weekdays="12345")  # fmt: skip
    check = check_plan(
        db_session,
        site,
        sched.plan([monday, monday + timedelta(days=1), saturday, sunday],
                   facilities=[sched.room, car], day_starts=time(6, 30)),
        local_today(),
    )  # fmt: skip
    kinds = {(c.day, c.resource_name, c.kind) for c in check.clashes}
    assert (monday, "Ruang Kelas Garuda", ClashKind.OUTSIDE_HOURS) in kinds  # opens 07:00
    assert (monday + timedelta(days=1), "Avanza", ClashKind.STNK_EXPIRED) in kinds
    assert (saturday, "Avanza", ClashKind.CLOSED_DAY) in kinds
    assert (sunday, "Ruang Kelas Garuda", ClashKind.CLOSED_DAY) in kinds
    assert (saturday, "Ruang Kelas Garuda", ClashKind.CLOSED_DAY) not in kinds
    sched.room.status = RecordStatus.RETIRED
    db_session.commit()
    check = check_plan(db_session, site, sched.plan([monday]), local_today())
    assert ClashKind.RETIRED in {c.kind for c in check.clashes}


def test_weekly_hours_are_respected(db_session, site, sched, monday):
    sched.instructor.weekly_hours = 20
    db_session.commit()
    days = [monday + timedelta(days=i) for i in range(3)]  # 3 x 8 h = 24 h
    check = check_plan(db_session, site, sched.plan(days), local_today())
    (clash,) = check.clashes
    assert clash.kind == ClashKind.WEEKLY_HOURS
    assert clash.day == days[2] and clash.hours == 24 and clash.hours_limit == 20
    assert clash.week_of == monday


def test_part_day_facility_blocks(db_session, site, sched, monday):
    track = sched.make.facility(name="Skid Pad", kind=FacilityKind.TRACK, track_kind="skid_pad",
                                capacity=2)  # fmt: skip
    plan = sched.plan([monday], facilities=[FacilityBlock(sched.room.id, time(8), time(12)),
                                            FacilityBlock(track.id, time(13), time(16))])  # fmt: skip
    outcome = create_session(db_session, site, plan, today=local_today())
    db_session.commit()
    by_name = {
        b.facility.name: (b.starts_at.astimezone(site.tzinfo).time(),
                          b.ends_at.astimezone(site.tzinfo).time())
        for b in outcome.session.bookings if b.facility
    }  # fmt: skip
    assert by_name == {"Ruang Kelas Garuda": (time(8), time(12)), "Skid Pad": (time(13), time(16))}
    # The track is free in the morning for another session.
    other = sched.qualified_instructor(full_name="Rudi")
    morning = sched.plan([monday], instructors=[other], day_ends=time(12), facilities=[track])
    assert check_plan(db_session, site, morning, local_today()).clashes == []


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"day_starts": time(16), "day_ends": time(8)}, "day_ends"),
        ({"capacity": 0}, "capacity"),
        ({"days": ()}, "days"),
        ({"instructor_ids": ()}, "instructors"),
        ({"course_id": 999_999}, "course"),
        ({"instructor_ids": (999_999,)}, "instructors"),
    ],
)
def test_bad_plans_are_refused_with_the_field(db_session, site, sched, monday, fields, field):
    plan = sched.plan([monday])
    plan = type(plan)(**{**plan.__dict__, **fields})
    with pytest.raises(InvalidRecord) as caught:
        create_session(db_session, site, plan, today=local_today())
    assert caught.value.for_field(field), caught.value
    db_session.rollback()
    assert count(db_session, CourseSession) == 0


def test_days_in_the_past_and_blocks_outside_the_hours(db_session, site, sched, monday):
    with pytest.raises(InvalidRecord, match="in the past"):
        check_plan(db_session, site, sched.plan([local_today() - timedelta(days=1)]),
                   local_today())  # fmt: skip
    outside = sched.plan([monday], facilities=[FacilityBlock(sched.room.id, time(7), time(9))])
    with pytest.raises(InvalidRecord, match="within the session's hours"):
        check_plan(db_session, site, outside, local_today())


def test_move_a_day_moves_its_bookings_and_keeps_the_reason(db_session, site, sched, monday):
    outcome = create_session(db_session, site, sched.plan([monday, monday + timedelta(days=1)]),
                             today=local_today())  # fmt: skip
    db_session.commit()
    session = outcome.session
    slot = session.slots[1]
    thursday = monday + timedelta(days=3)
    reschedule_slot(db_session, site, session, slot, day=thursday, starts=time(9), ends=time(15),
                    reason="Instruktur dinas luar", today=local_today())  # fmt: skip
    db_session.commit()
    assert slot.starts_at.astimezone(site.tzinfo).date() == thursday
    moved = db_session.scalars(select(Booking).where(Booking.slot_id == slot.id)).all()
    assert {(b.starts_at, b.ends_at) for b in moved} == {(slot.starts_at, slot.ends_at)}
    assert session.reschedule_reason == "Instruktur dinas luar"
    assert session.ends_at == slot.ends_at
    entry = db_session.scalar(select(AuditLog).where(AuditLog.action == "reschedule"))
    assert entry.details["reason"] == "Instruktur dinas luar"


def test_moving_a_day_onto_a_clash_is_refused(db_session, site, sched, monday):
    first = create_session(db_session, site, sched.plan([monday]), today=local_today()).session
    room2 = sched.make.facility(name="Ruang 2")
    second = create_session(db_session, site, sched.plan([monday + timedelta(days=1)],
                            facilities=[room2], name="B"), today=local_today()).session  # fmt: skip
    db_session.commit()
    with pytest.raises(SchedulingConflict) as caught:
        reschedule_slot(db_session, site, second, second.slots[0], day=monday, starts=time(8),
                        ends=time(10), reason="Maju", today=local_today())  # fmt: skip
    assert {c.other_session_id for c in caught.value.clashes} == {first.id}
    with pytest.raises(InvalidRecord, match="reason"):
        reschedule_slot(db_session, site, second, second.slots[0], day=monday, starts=time(8),
                        ends=time(10), reason="  ", today=local_today())  # fmt: skip


def test_cancel_frees_the_time_and_keeps_the_reason(db_session, site, sched, monday):
    session = create_session(db_session, site, sched.plan([monday]), today=local_today()).session
    db_session.commit()
    cancel_session(db_session, session, "Banjir di lokasi")
    db_session.commit()
    assert session.status == SessionStatus.CANCELLED and session.cancel_reason == "Banjir di lokasi"
    assert {b.status for b in session.bookings} == {BookingStatus.CANCELLED}
    # The time is free again.
    again = create_session(
        db_session, site, sched.plan([monday], name="Ulang"), today=local_today()
    )
    assert again.skipped == []
    with pytest.raises(InvalidRecord):
        cancel_session(db_session, session, "lagi")


def test_the_database_refuses_overlapping_bookings_written_directly(
    db_session, site, sched, monday
):
    """The guard does not depend on the Python checks: a raw insert is refused too."""
    from sqlalchemy.exc import IntegrityError

    from isdc.scheduling.guard import is_overlap_refusal

    session = create_session(db_session, site, sched.plan([monday]), today=local_today()).session
    db_session.commit()
    slot = session.slots[0]
    db_session.add(
        Booking(resource_kind=ResourceKind.INSTRUCTOR, instructor_id=sched.instructor.id,
                starts_at=slot.starts_at + timedelta(hours=1), ends_at=slot.ends_at)
    )  # fmt: skip
    with pytest.raises(IntegrityError) as caught:
        db_session.flush()
    assert is_overlap_refusal(caught.value)
    db_session.rollback()
    # A cancelled booking does not block, and touching ends do not overlap.
    db_session.add_all([
        Booking(resource_kind=ResourceKind.INSTRUCTOR, instructor_id=sched.instructor.id,
                starts_at=slot.starts_at, ends_at=slot.ends_at, status=BookingStatus.CANCELLED),
        Booking(resource_kind=ResourceKind.INSTRUCTOR, instructor_id=sched.instructor.id,
                starts_at=slot.ends_at, ends_at=slot.ends_at + timedelta(hours=1)),
    ])  # fmt: skip
    db_session.commit()


def test_the_database_refuses_an_update_into_an_overlap(db_session, site, sched, monday):
    from sqlalchemy.exc import IntegrityError

    a = create_session(db_session, site, sched.plan([monday]), today=local_today()).session
    b = create_session(db_session, site, sched.plan([monday + timedelta(days=1)],
                       facilities=[], name="B"), today=local_today()).session  # fmt: skip
    db_session.commit()
    booking = b.bookings[0]
    booking.starts_at, booking.ends_at = a.starts_at, a.ends_at
    with pytest.raises(IntegrityError):
        db_session.flush()
    db_session.rollback()


def test_days_are_checked_on_the_sites_calendar(db_session, site, sched):
    """08:00 WIB on a Monday is Monday, even though it is Sunday 01:00 UTC."""
    monday = date(2030, 1, 7)
    check = check_plan(db_session, site, sched.plan([monday]), local_today())
    assert check.days[0].starts_at.astimezone(site.tzinfo).date() == monday
    assert check.clashes == []


def test_instructors_change_from_today_on(db_session, site, sched, monday):
    from isdc.scheduling.sessions import change_instructors

    session = create_session(db_session, site, sched.plan([monday, monday + timedelta(days=1)]),
                             today=local_today()).session  # fmt: skip
    db_session.commit()
    substitute = sched.qualified_instructor(full_name="Rudi Hartono")
    unqualified = sched.make.instructor(full_name="Belum Kualifikasi")
    with pytest.raises(SchedulingConflict) as caught:
        change_instructors(db_session, site, session, [unqualified.id], today=local_today())
    assert {c.kind for c in caught.value.clashes} == {ClashKind.NOT_QUALIFIED}
    db_session.rollback()
    change_instructors(db_session, site, session, [substitute.id], today=local_today())
    db_session.commit()
    active = [b for b in session.bookings if b.resource_kind == ResourceKind.INSTRUCTOR
              and b.status == BookingStatus.ACTIVE]  # fmt: skip
    assert {b.instructor_id for b in active} == {substitute.id} and len(active) == 2
    assert [link.instructor_id for link in session.instructors] == [substitute.id]
    # The freed instructor can be booked at that time again.
    again = create_session(db_session, site, sched.plan([monday], facilities=[], name="Lain"),
                           today=local_today())  # fmt: skip
    assert again.skipped == []
    with pytest.raises(InvalidRecord):
        change_instructors(db_session, site, session, [], today=local_today())
