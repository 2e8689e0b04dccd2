"""Demo additions of the back office (issue 3), so every page has something to show.

Added to what :mod:`isdc.demo.seed` builds, deterministically:

* trainee bookings for every place held in a session that is not cancelled (the time an
  enrolled trainee is busy, as the scheduling rules book it);
* a trainee who failed the last DDC course enrolled again in today's DDC A, so the "today"
  view shows the notes carried over from that session;
* three trainees enrolled in the cancelled DDC C, who see the cancellation and its reason;
* a changed day in DDC A, with the reason the trainees see;
* a vehicle whose STNK runs out within 30 days (dashboard warning) and a second
  maintenance period and leave;
* calendar feed links for the first instructor and the skid pad.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from isdc.demo.seed import Demo, working_day
from isdc.models import (
    Booking,
    CalendarFeed,
    Enrolment,
    EnrolmentStatus,
    FacilityMaintenance,
    FeedOwner,
    InstructorLeave,
    ResourceKind,
    SessionStatus,
)
from isdc.models.enrolment import PLACE_HOLDING
from isdc.models.schedule import intervals_overlap

DDC_A_CHANGE = (
    "Praktik skid pad hari pertama dipindah ke sore (13.00–16.00) karena perawatan rutin "
    "permukaan lintasan di pagi hari."
)


def extend_demo(db: Session, demo: Demo) -> None:
    """Add the back-office demo data (called by ``seed_demo`` inside its transaction)."""
    db.flush()
    sessions = {s.name: s for s in demo.sessions}
    _repeat_failed_trainee(db, demo, sessions)
    _enrol_cancelled(db, demo, sessions)
    sessions["DDC A"].reschedule_reason = DDC_A_CHANGE
    _trainee_bookings(db, demo)
    _availability(db, demo)
    _feeds(db, demo)


def _place_holders(db: Session, session_id: int) -> list[Enrolment]:
    return list(
        db.scalars(
            select(Enrolment).where(
                Enrolment.session_id == session_id, Enrolment.status.in_(PLACE_HOLDING)
            )
        )
    )


def _repeat_failed_trainee(db: Session, demo: Demo, sessions: dict) -> None:  # type: ignore[type-arg]
    """The trainee who missed the last day of DDC 0 takes DDC A (if they are free then)."""
    failed = next(
        (e for e in _place_holders(db, sessions["DDC 0 (angkatan lalu)"].id)
         if e.status == EnrolmentStatus.FAILED),
        None,
    )  # fmt: skip
    ddc_a = sessions["DDC A"]
    if failed is None:
        return
    taken = _place_holders(db, ddc_a.id)
    if any(e.trainee_id == failed.trainee_id for e in taken) or len(taken) >= ddc_a.capacity:
        return
    busy = db.scalars(select(Enrolment).where(Enrolment.trainee_id == failed.trainee_id)).all()
    if any(
        intervals_overlap(e.session.starts_at, e.session.ends_at, ddc_a.starts_at, ddc_a.ends_at)
        for e in busy
        if e.status in PLACE_HOLDING
    ):
        return
    enrolled_at = ddc_a.starts_at - timedelta(days=4)
    db.add(
        Enrolment(
            trainee_id=failed.trainee_id,
            session=ddc_a,
            status=EnrolmentStatus.ENROLLED,
            enrolled_at=enrolled_at,
            status_changed_at=enrolled_at,
        )
    )


def _enrol_cancelled(db: Session, demo: Demo, sessions: dict) -> None:  # type: ignore[type-arg]
    """DDC C was cancelled after three trainees had enrolled; they were moved to DDC B."""
    cancelled, moved_to = sessions["DDC C"], sessions["DDC B"]
    for enrolment in _place_holders(db, moved_to.id)[:3]:
        asked = cancelled.starts_at - timedelta(days=20)
        db.add(
            Enrolment(
                trainee_id=enrolment.trainee_id,
                session=cancelled,
                status=EnrolmentStatus.ENROLLED,
                enrolled_at=asked,
                status_changed_at=asked,
            )
        )


def _trainee_bookings(db: Session, demo: Demo) -> None:
    """A held place books the trainee's time in every slot (as enrolling does)."""
    db.flush()
    for session in demo.sessions:
        if session.status == SessionStatus.CANCELLED:
            continue
        for enrolment in _place_holders(db, session.id):
            for slot in session.slots:
                db.add(
                    Booking(
                        session=session,
                        slot=slot,
                        resource_kind=ResourceKind.TRAINEE,
                        trainee_id=enrolment.trainee_id,
                        starts_at=slot.starts_at,
                        ends_at=slot.ends_at,
                    )
                )


def _availability(db: Session, demo: Demo) -> None:
    scooter = demo.facilities["Honda Vario 125 (B 3703 SJB)"]
    scooter.stnk_valid_until = demo.today + timedelta(days=21)
    classroom = demo.facilities["Ruang Kelas Bhayangkara"]
    db.add(
        FacilityMaintenance(
            facility=classroom,
            first_day=working_day(demo.today, 22),
            last_day=working_day(demo.today, 23),
            reason="Pemasangan proyektor baru",
        )
    )
    db.add(
        InstructorLeave(
            instructor=demo.instructors[1],
            first_day=working_day(demo.today, 24),
            last_day=working_day(demo.today, 24),
            reason="Dinas luar: rapat Korlantas",
        )
    )


def _feeds(db: Session, demo: Demo) -> None:
    db.add(CalendarFeed(owner_kind=FeedOwner.INSTRUCTOR, instructor_id=demo.instructors[0].id))
    db.add(CalendarFeed(owner_kind=FeedOwner.FACILITY, facility_id=demo.facilities["Skid Pad"].id))
