"""The database side of "no double booking, even when two requests race" (SPEC §9).

The rules in :mod:`isdc.scheduling.clashes` name what clashes; the database makes sure nothing
slips past them when two requests check at the same moment:

* PostgreSQL refuses overlapping active bookings of one resource with exclusion constraints
  (migration ``backoffice``); the loser of a race gets an ``exclusion_violation`` that
  :func:`is_overlap_refusal` recognises, and the caller then tells the user what clashes.
* SQLite has triggers doing the same, and :func:`hold_schedule_lock` starts booking
  transactions with ``BEGIN IMMEDIATE``: the write lock is taken *before* the checks read, so
  requests are served one after the other and the second one sees the first one's bookings.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from isdc.models import CourseSession

EXCLUSION_VIOLATION = "23P01"  # PostgreSQL SQLSTATE
SQLITE_OVERLAP_MARK = "booking_overlap"  # the message of the SQLite triggers


def hold_schedule_lock(db: Session) -> None:
    """Serialise this transaction with every other scheduling change (SQLite: take the write
    lock now; PostgreSQL: nothing to do, the constraints arbitrate)."""
    connection = db.connection()
    if connection.dialect.name != "sqlite":
        return
    raw = connection.connection.driver_connection
    # The sqlite3 module opens a transaction only before the first write, which takes the
    # write lock; so an open transaction here already holds it.
    if not raw.in_transaction:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def lock_session_row(db: Session, session_id: int) -> None:
    """Hold one course session against concurrent enrolments (its places are counted next)."""
    hold_schedule_lock(db)
    if db.get_bind().dialect.name != "sqlite":
        db.execute(select(CourseSession.id).where(CourseSession.id == session_id).with_for_update())


def is_overlap_refusal(error: IntegrityError) -> bool:
    """True when the database refused a booking because it overlaps another one."""
    original = error.orig
    if getattr(original, "sqlstate", None) == EXCLUSION_VIOLATION:
        return True
    return SQLITE_OVERLAP_MARK in str(original)
