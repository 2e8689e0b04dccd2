"""The schedule: course sessions (cohorts), their time slots, instructors and bookings.

All times are UTC timestamps and every interval is half-open, ``[starts_at, ends_at)``: a slot
ending at 12:00 does not clash with one starting at 12:00. Two intervals overlap exactly when
``a.starts_at < b.ends_at and b.starts_at < a.ends_at`` (:func:`intervals_overlap`).
"""

from __future__ import annotations

import enum
import secrets
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from isdc.models.base import Base, IdMixin, TimestampMixin, enum_type, utcnow

if TYPE_CHECKING:
    from isdc.models.courses import Course
    from isdc.models.facilities import Facility
    from isdc.models.people import Instructor, Trainee
    from isdc.models.site import Site


def intervals_overlap(
    a_start: datetime, a_end: datetime, b_start: datetime, b_end: datetime
) -> bool:
    """Half-open intervals [a_start, a_end) and [b_start, b_end) share at least one instant."""
    return a_start < b_end and b_start < a_end


def local_days(starts_at: datetime, ends_at: datetime, tz: ZoneInfo) -> list[date]:
    """The local calendar days an interval touches (an interval ending at midnight excludes
    the next day)."""
    first = starts_at.astimezone(tz).date()
    last = (ends_at - timedelta(microseconds=1)).astimezone(tz).date()
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


class SessionStatus(enum.StrEnum):
    PLANNED = "planned"
    CANCELLED = "cancelled"
    COMPLETED = "completed"


class CourseSession(IdMixin, TimestampMixin, Base):
    """A cohort: one run of a course over one or more days (its slots).

    ``starts_at``/``ends_at`` span the whole session - the first slot's start and the last
    slot's end - so that range queries (dashboards, calendars) need no join; keep them in step
    with the slots through :meth:`sync_span`.
    """

    __tablename__ = "course_sessions"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="span_ordered"),
        CheckConstraint("capacity > 0", name="capacity_positive"),
        Index("ix_course_sessions_site_id_starts_at", "site_id", "starts_at"),
        Index("ix_course_sessions_course_id_starts_at", "course_id", "starts_at"),
        # "Upcoming" = planned and not yet over: dashboard counts and lists.
        Index("ix_course_sessions_status_ends_at", "status", "ends_at"),
    )

    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    site: Mapped[Site] = relationship()
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"))
    name: Mapped[str] = mapped_column(String(100), default="")  # e.g. "DDC 2026/11 A"
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    capacity: Mapped[int]
    status: Mapped[SessionStatus] = mapped_column(
        enum_type(SessionStatus), default=SessionStatus.PLANNED
    )
    cancelled_at: Mapped[datetime | None]
    cancel_reason: Mapped[str | None] = mapped_column(String(500))
    # Why the dates last changed; every change is also in the audit log.
    reschedule_reason: Mapped[str | None] = mapped_column(String(500))
    notes: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    course: Mapped[Course] = relationship()
    slots: Mapped[list[SessionSlot]] = relationship(
        back_populates="session", order_by="SessionSlot.starts_at", cascade="all, delete-orphan"
    )
    instructors: Mapped[list[SessionInstructor]] = relationship(
        back_populates="session", cascade="all, delete-orphan"
    )
    bookings: Mapped[list[Booking]] = relationship(
        back_populates="session", order_by="Booking.starts_at"
    )

    def sync_span(self) -> None:
        """Set ``starts_at``/``ends_at`` from the slots (call after changing them)."""
        if self.slots:
            self.starts_at = min(s.starts_at for s in self.slots)
            self.ends_at = max(s.ends_at for s in self.slots)

    def days(self, tz: ZoneInfo) -> list[date]:
        """The local days the session meets on: the days of its slots, in order."""
        return sorted({d for s in self.slots for d in local_days(s.starts_at, s.ends_at, tz)})


class SessionSlot(IdMixin, TimestampMixin, Base):
    """One block of teaching time of a session, usually one day (08:00-16:00 local)."""

    __tablename__ = "session_slots"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="slot_ordered"),
        Index("ix_session_slots_session_id_starts_at", "session_id", "starts_at"),
        Index("ix_session_slots_starts_at", "starts_at"),
        # Calendars read the slots of a time window.
        Index("ix_session_slots_starts_at_ends_at", "starts_at", "ends_at"),
    )

    session_id: Mapped[int] = mapped_column(ForeignKey("course_sessions.id", ondelete="CASCADE"))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    topic: Mapped[str | None] = mapped_column(String(200))

    session: Mapped[CourseSession] = relationship(back_populates="slots")


class InstructorRole(enum.StrEnum):
    LEAD = "lead"
    ASSISTANT = "assistant"


class SessionInstructor(IdMixin, TimestampMixin, Base):
    __tablename__ = "session_instructors"
    __table_args__ = (
        UniqueConstraint("session_id", "instructor_id"),
        Index("ix_session_instructors_instructor_id", "instructor_id"),
    )

    session_id: Mapped[int] = mapped_column(ForeignKey("course_sessions.id", ondelete="CASCADE"))
    instructor_id: Mapped[int] = mapped_column(ForeignKey("instructors.id"))
    role: Mapped[InstructorRole] = mapped_column(
        enum_type(InstructorRole), default=InstructorRole.LEAD
    )

    session: Mapped[CourseSession] = relationship(back_populates="instructors")
    instructor: Mapped[Instructor] = relationship()


class ResourceKind(enum.StrEnum):
    INSTRUCTOR = "instructor"
    FACILITY = "facility"
    # A trainee's time, so that "no trainee in two places at once" can be guarded by the same
    # database mechanism as instructors and facilities.
    TRAINEE = "trainee"


class BookingStatus(enum.StrEnum):
    ACTIVE = "active"
    CANCELLED = "cancelled"  # kept for history; does not block the time


class Booking(IdMixin, TimestampMixin, Base):
    """One resource held for ``[starts_at, ends_at)``.

    Exactly one of ``instructor_id``/``facility_id``/``trainee_id`` is set, matching
    ``resource_kind``. Active bookings of one resource must never overlap; the columns are
    shaped for a PostgreSQL exclusion constraint such as
    ``EXCLUDE USING gist (facility_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&)
    WHERE (status = 'active')`` (btree_gist) and an equivalent SQLite trigger.
    """

    __tablename__ = "bookings"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="interval_ordered"),
        CheckConstraint(
            "(resource_kind = 'instructor' AND instructor_id IS NOT NULL "
            "AND facility_id IS NULL AND trainee_id IS NULL)"
            " OR (resource_kind = 'facility' AND facility_id IS NOT NULL "
            "AND instructor_id IS NULL AND trainee_id IS NULL)"
            " OR (resource_kind = 'trainee' AND trainee_id IS NOT NULL "
            "AND instructor_id IS NULL AND facility_id IS NULL)",
            name="one_resource",
        ),
        Index("ix_bookings_instructor_id_starts_at", "instructor_id", "starts_at"),
        Index("ix_bookings_facility_id_starts_at", "facility_id", "starts_at"),
        Index("ix_bookings_trainee_id_starts_at", "trainee_id", "starts_at"),
        Index("ix_bookings_session_id", "session_id"),
    )

    session_id: Mapped[int | None] = mapped_column(
        ForeignKey("course_sessions.id", ondelete="CASCADE")
    )
    slot_id: Mapped[int | None] = mapped_column(
        ForeignKey("session_slots.id", ondelete="CASCADE"), index=True
    )
    resource_kind: Mapped[ResourceKind] = mapped_column(enum_type(ResourceKind))
    instructor_id: Mapped[int | None] = mapped_column(ForeignKey("instructors.id"))
    facility_id: Mapped[int | None] = mapped_column(ForeignKey("facilities.id"))
    trainee_id: Mapped[int | None] = mapped_column(ForeignKey("trainees.id"))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    status: Mapped[BookingStatus] = mapped_column(
        enum_type(BookingStatus), default=BookingStatus.ACTIVE
    )
    cancelled_at: Mapped[datetime | None]
    note: Mapped[str | None] = mapped_column(String(200))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    session: Mapped[CourseSession | None] = relationship(back_populates="bookings")
    slot: Mapped[SessionSlot | None] = relationship()
    instructor: Mapped[Instructor | None] = relationship()
    facility: Mapped[Facility | None] = relationship()
    trainee: Mapped[Trainee | None] = relationship()

    def overlaps(self, starts_at: datetime, ends_at: datetime) -> bool:
        return intervals_overlap(self.starts_at, self.ends_at, starts_at, ends_at)


class FeedOwner(enum.StrEnum):
    INSTRUCTOR = "instructor"
    FACILITY = "facility"


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(IdMixin, TimestampMixin, Base):
    """A secret iCalendar feed URL for one instructor or one facility.

    The token is kept in clear (unlike station tokens): it only reveals the schedule, which
    anyone reading the database sees anyway, and the owner must be able to copy the URL again.
    Regenerating it cuts off every old subscriber.
    """

    __tablename__ = "calendar_feeds"
    __audit_redact__ = frozenset({"token"})
    __table_args__ = (
        CheckConstraint(
            "(owner_kind = 'instructor' AND instructor_id IS NOT NULL AND facility_id IS NULL)"
            " OR (owner_kind = 'facility' AND facility_id IS NOT NULL AND instructor_id IS NULL)",
            name="one_owner",
        ),
    )

    owner_kind: Mapped[FeedOwner] = mapped_column(enum_type(FeedOwner))
    instructor_id: Mapped[int | None] = mapped_column(
        ForeignKey("instructors.id", ondelete="CASCADE"), unique=True
    )
    facility_id: Mapped[int | None] = mapped_column(
        ForeignKey("facilities.id", ondelete="CASCADE"), unique=True
    )
    token: Mapped[str] = mapped_column(String(64), unique=True, default=new_feed_token)
    regenerated_at: Mapped[datetime] = mapped_column(default=utcnow)

    def regenerate(self) -> str:
        self.token = new_feed_token()
        self.regenerated_at = utcnow()
        return self.token
