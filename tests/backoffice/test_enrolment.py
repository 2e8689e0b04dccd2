"""Enrolment as plain functions: capacity, waitlist in order, promotion on withdrawal, no
trainee in two sessions at once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from isdc.models import (
    AuditLog,
    Booking,
    BookingStatus,
    EnrolmentStatus,
    RecordStatus,
    ResourceKind,
    SessionStatus,
)
from isdc.models.base import local_today, utcnow
from isdc.models.rules import InvalidRecord
from isdc.scheduling.clashes import ClashKind, SchedulingConflict
from isdc.scheduling.enrolment import change_capacity, enrol, places, promote_waitlist, withdraw


@pytest.fixture
def full_session(sched, monday):  # type: ignore[no-untyped-def]
    """A two-day session with two places."""
    return sched.make.session(sched.course, days=[monday, monday + timedelta(days=1)],
                              capacity=2, name="DDC A")  # fmt: skip


def people(make, n: int):  # type: ignore[no-untyped-def]
    return [make.trainee(full_name=f"Peserta {i}") for i in range(n)]


def test_enrol_up_to_capacity_then_waitlist_in_order(db_session, sched, full_session):
    a, b, c, d = people(sched.make, 4)
    statuses = []
    for t in (a, b, c, d):
        statuses.append(enrol(db_session, full_session, t).status)
        db_session.commit()
    assert statuses == [EnrolmentStatus.ENROLLED] * 2 + [EnrolmentStatus.WAITLISTED] * 2
    assert places(db_session, full_session) == type(places(db_session, full_session))(2, 2, 2)
    bookings = db_session.scalars(
        select(Booking).where(Booking.resource_kind == ResourceKind.TRAINEE)
    ).all()
    assert sorted((bk.trainee_id, bk.status) for bk in bookings) == sorted(
        [(a.id, BookingStatus.ACTIVE)] * 2 + [(b.id, BookingStatus.ACTIVE)] * 2
    )  # a place holds both days; the waitlist holds no time


def test_withdrawal_promotes_the_first_in_line(db_session, sched, full_session):
    a, b, c, d = people(sched.make, 4)
    enrolments = []
    for t in (a, b, c, d):
        enrolments.append(enrol(db_session, full_session, t))
        db_session.commit()
    assert [e.waitlist_position for e in enrolments[2:]] == [1, 2]
    promoted = withdraw(db_session, enrolments[0], "Sakit")
    db_session.commit()
    assert [p.trainee_id for p in promoted] == [c.id]
    assert enrolments[0].status == EnrolmentStatus.WITHDRAWN
    assert enrolments[0].withdraw_reason == "Sakit"
    assert (
        enrolments[2].status == EnrolmentStatus.ENROLLED and enrolments[2].waitlist_position is None
    )
    assert enrolments[3].waitlist_position == 1
    released = db_session.scalars(select(Booking).where(Booking.trainee_id == a.id)).all()
    assert {bk.status for bk in released} == {BookingStatus.CANCELLED}
    actions = set(db_session.scalars(select(AuditLog.action)))
    assert {"enrol", "waitlist", "withdraw", "promote"} <= actions


def test_withdrawing_from_the_waitlist_promotes_nobody(db_session, sched, full_session):
    a, b, c, d = people(sched.make, 4)
    es = [enrol(db_session, full_session, t) for t in (a, b, c, d)]
    db_session.commit()
    assert withdraw(db_session, es[2], "Batal") == []
    db_session.commit()
    assert es[3].waitlist_position == 1


def test_a_waiting_trainee_now_busy_elsewhere_is_passed_over(db_session, sched, full_session):
    a, b, c, d = people(sched.make, 4)
    es = [enrol(db_session, full_session, t) for t in (a, b, c, d)]
    db_session.commit()
    elsewhere = sched.make.session(sched.course, days=[full_session.starts_at.astimezone(
        sched.make.site.tzinfo).date()], name="Lain")  # fmt: skip
    enrol(db_session, elsewhere, c)  # c takes a place in another session at the same time
    db_session.commit()
    promoted = withdraw(db_session, es[0], "Pindah")
    db_session.commit()
    assert [p.trainee_id for p in promoted] == [d.id]
    assert es[2].status == EnrolmentStatus.WAITLISTED and es[2].waitlist_position == 1


def test_no_trainee_in_two_overlapping_sessions(db_session, sched, full_session, monday):
    trainee = sched.make.trainee(full_name="Siti")
    enrol(db_session, full_session, trainee)
    db_session.commit()
    overlapping = sched.make.session(sched.course, days=[monday + timedelta(days=1)], name="B")
    with pytest.raises(SchedulingConflict) as caught:
        enrol(db_session, overlapping, trainee)
    (clash,) = caught.value.clashes
    assert clash.kind == ClashKind.BOOKED and clash.resource_name == "Siti"
    assert clash.other_session_name == "DDC A"
    db_session.rollback()
    later = sched.make.session(sched.course, days=[monday + timedelta(days=2)], name="C")
    assert enrol(db_session, later, trainee).status == EnrolmentStatus.ENROLLED


def test_refusals(db_session, sched, full_session, monday):
    trainee = sched.make.trainee()
    enrol(db_session, full_session, trainee)
    db_session.commit()
    with pytest.raises(InvalidRecord, match="already enrolled"):
        enrol(db_session, full_session, trainee)
    retired = sched.make.trainee(status=RecordStatus.RETIRED, full_name="Lama")
    with pytest.raises(InvalidRecord, match="retired"):
        enrol(db_session, full_session, retired)
    cancelled = sched.make.session(sched.course, days=[monday + timedelta(days=3)],
                                   status=SessionStatus.CANCELLED)  # fmt: skip
    with pytest.raises(InvalidRecord, match="cancelled"):
        enrol(db_session, cancelled, sched.make.trainee())
    past = sched.make.session(sched.course, days=[local_today() - timedelta(days=2)])
    with pytest.raises(InvalidRecord, match="over"):
        enrol(db_session, past, sched.make.trainee())


def test_a_withdrawn_trainee_can_come_back_at_the_end_of_the_line(db_session, sched, full_session):
    a, b, c = people(sched.make, 3)
    first = enrol(db_session, full_session, a)
    enrol(db_session, full_session, b)
    enrol(db_session, full_session, c)
    db_session.commit()
    withdraw(db_session, first, "Salah daftar")  # c moves up
    db_session.commit()
    again = enrol(db_session, full_session, a, now=utcnow() + timedelta(seconds=1))
    db_session.commit()
    assert again.id == first.id  # one row per trainee and session
    assert again.status == EnrolmentStatus.WAITLISTED and again.waitlist_position == 1
    assert again.withdraw_reason is None


def test_more_places_promote_fewer_than_enrolled_is_refused(db_session, sched, full_session):
    a, b, c = people(sched.make, 3)
    es = [enrol(db_session, full_session, t) for t in (a, b, c)]
    db_session.commit()
    with pytest.raises(InvalidRecord, match="2 trainees hold a place"):
        change_capacity(db_session, full_session, 1)
    db_session.rollback()
    assert [p.id for p in change_capacity(db_session, full_session, 3)] == [es[2].id]
    db_session.commit()
    assert promote_waitlist(db_session, full_session) == []


def test_withdraw_needs_a_reason(db_session, sched, full_session):
    enrolment = enrol(db_session, full_session, sched.make.trainee())
    db_session.commit()
    with pytest.raises(InvalidRecord, match="reason"):
        withdraw(db_session, enrolment, "   ")
