"""No double booking even when requests race (SPEC §9): the database decides.

Several threads, each with its own connection, try to book the same instructor and room for
the same time at the same moment; exactly one wins and every other one is told what clashes.
Runs on SQLite (BEGIN IMMEDIATE + triggers) and on PostgreSQL (exclusion constraints) alike.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from isdc.extensions import db
from isdc.models import Booking, BookingStatus, CourseSession, Enrolment, EnrolmentStatus, Site
from isdc.models.base import local_today
from isdc.scheduling import clashes as clashes_module
from isdc.scheduling.clashes import ClashKind, SchedulingConflict
from isdc.scheduling.enrolment import enrol
from isdc.scheduling.sessions import create_session

THREADS = 6


def race(work: Callable[[Session, int], Any], threads: int = THREADS) -> list[Any]:
    """Run ``work(session, n)`` in ``threads`` threads released together; each outcome is the
    return value or the exception raised."""
    barrier = threading.Barrier(threads)
    outcomes: list[Any] = [None] * threads
    engine = db.engine  # needs the app context, which the threads do not have

    def run(n: int) -> None:
        with Session(engine) as session:
            barrier.wait()
            try:
                outcomes[n] = work(session, n)
                session.commit()
            except Exception as error:  # noqa: BLE001 - the outcome under test
                session.rollback()
                outcomes[n] = error

    workers = [threading.Thread(target=run, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    return outcomes


def test_concurrent_bookings_of_one_slot_exactly_one_wins(app, db_session, site, sched, monday):
    site_id = site.id
    plans = [sched.plan([monday], name=f"Race {n}") for n in range(THREADS)]

    def book(session: Session, n: int) -> int:
        outcome = create_session(session, session.get(Site, site_id), plans[n], today=local_today())
        return outcome.session.id

    outcomes = race(book)
    winners = [o for o in outcomes if isinstance(o, int)]
    losers = [o for o in outcomes if isinstance(o, SchedulingConflict)]
    assert len(winners) == 1, outcomes
    assert len(losers) == THREADS - 1, outcomes
    winner = db_session.get(CourseSession, winners[0])
    for loser in losers:
        named = {(c.kind, c.resource_name, c.other_session_name) for c in loser.clashes}
        assert (ClashKind.BOOKED, "Iptu Agus Prasetyo", winner.name) in named
        assert (ClashKind.BOOKED, "Ruang Kelas Garuda", winner.name) in named
    active = db_session.scalar(
        select(func.count(Booking.id)).where(Booking.status == BookingStatus.ACTIVE)
    )
    assert active == 2  # one instructor and one room booking, no more
    assert db_session.scalar(select(func.count(CourseSession.id))) == 1


def test_a_stale_check_is_caught_by_the_database(app, db_session, site, sched, monday, monkeypatch):
    """Simulate the worst interleaving: the check saw nothing, someone else booked, then we
    write. The database refuses, and the user is told who took the time."""
    winner = create_session(db_session, site, sched.plan([monday], name="Pertama"),
                            today=local_today()).session  # fmt: skip
    db_session.commit()
    real = clashes_module.find_clashes
    calls = {"n": 0}

    def stale_then_real(*args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        return [] if calls["n"] == 1 else real(*args, **kwargs)

    monkeypatch.setattr("isdc.scheduling.sessions.find_clashes", stale_then_real)
    with pytest.raises(SchedulingConflict) as caught:
        create_session(db_session, site, sched.plan([monday], name="Kedua"), today=local_today())
    assert caught.value.raced
    assert {c.other_session_name for c in caught.value.clashes} == {winner.name}
    db_session.rollback()
    assert db_session.scalar(select(func.count(CourseSession.id))) == 1


def test_concurrent_enrolments_for_the_last_place(app, db_session, site, sched, monday):
    session = sched.make.session(sched.course, days=[monday], capacity=1)
    trainees = [sched.make.trainee(full_name=f"Peserta {n}") for n in range(THREADS)]
    session_id, trainee_ids = session.id, [t.id for t in trainees]

    def join(s: Session, n: int) -> EnrolmentStatus:
        from isdc.models import Trainee

        enrolment = enrol(s, s.get(CourseSession, session_id), s.get(Trainee, trainee_ids[n]))
        return enrolment.status

    outcomes = race(join)
    assert sorted(outcomes) == sorted(
        [EnrolmentStatus.ENROLLED] + [EnrolmentStatus.WAITLISTED] * (THREADS - 1)
    ), outcomes
    positions = db_session.scalars(
        select(Enrolment.waitlist_position)
        .where(Enrolment.status == EnrolmentStatus.WAITLISTED)
        .order_by(Enrolment.waitlist_position)
    ).all()
    assert positions == list(range(1, THREADS))


def test_one_trainee_in_two_overlapping_sessions_at_once(app, db_session, site, sched, monday):
    first = sched.make.session(sched.course, days=[monday], name="Satu")
    second = sched.make.session(sched.course, days=[monday], name="Dua")
    trainee = sched.make.trainee()
    ids = [first.id, second.id]
    trainee_id = trainee.id

    def join(s: Session, n: int) -> int:
        from isdc.models import Trainee

        return enrol(s, s.get(CourseSession, ids[n]), s.get(Trainee, trainee_id)).session_id

    outcomes = race(join, threads=2)
    won = [o for o in outcomes if isinstance(o, int)]
    lost = [o for o in outcomes if isinstance(o, SchedulingConflict)]
    assert len(won) == 1 and len(lost) == 1, outcomes
    other = {first.id: "Satu", second.id: "Dua"}[won[0]]
    assert [c.other_session_name for c in lost[0].clashes] == [other]
    assert db_session.scalar(select(func.count(Enrolment.id))) == 1
