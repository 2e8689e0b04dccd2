"""Trainees in sessions: enrolment with waitlist, attendance per day, practical assessment."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from isdc.models.base import Base, IdMixin, TimestampMixin, enum_type, utcnow
from isdc.models.rules import N_

if TYPE_CHECKING:
    from isdc.models.courses import CourseSkill
    from isdc.models.people import Trainee
    from isdc.models.schedule import CourseSession


class EnrolmentStatus(enum.StrEnum):
    ENROLLED = "enrolled"
    WAITLISTED = "waitlisted"
    WITHDRAWN = "withdrawn"
    COMPLETED = "completed"
    FAILED = "failed"


# States that take a place in the session (count against its capacity).
PLACE_HOLDING = (EnrolmentStatus.ENROLLED, EnrolmentStatus.COMPLETED, EnrolmentStatus.FAILED)


class EnrolmentSource(enum.StrEnum):
    MANUAL = "manual"
    CSV = "csv"


class Enrolment(IdMixin, TimestampMixin, Base):
    """A trainee in a session. The waitlist is served in ``enrolled_at`` order (the time the
    request came in); ``waitlist_position`` is that order, kept for display."""

    __tablename__ = "enrolments"
    __table_args__ = (
        UniqueConstraint("trainee_id", "session_id"),
        Index("ix_enrolments_session_id_status", "session_id", "status"),
        # A trainee's enrolments: profile, own schedule, overlap checks.
        Index("ix_enrolments_trainee_id_status", "trainee_id", "status"),
    )

    trainee_id: Mapped[int] = mapped_column(ForeignKey("trainees.id"))
    session_id: Mapped[int] = mapped_column(ForeignKey("course_sessions.id"))
    status: Mapped[EnrolmentStatus] = mapped_column(enum_type(EnrolmentStatus))
    enrolled_at: Mapped[datetime] = mapped_column(default=utcnow)
    waitlist_position: Mapped[int | None]
    source: Mapped[EnrolmentSource] = mapped_column(
        enum_type(EnrolmentSource), default=EnrolmentSource.MANUAL
    )
    status_changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    withdrawn_at: Mapped[datetime | None]
    withdraw_reason: Mapped[str | None] = mapped_column(String(500))
    # Practical assessment sign-off (a course requirement for the certificate).
    practical_signed_off_at: Mapped[datetime | None]
    practical_signed_off_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    practical_notes: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    trainee: Mapped[Trainee] = relationship()
    session: Mapped[CourseSession] = relationship()
    attendance: Mapped[list[Attendance]] = relationship(
        back_populates="enrolment", order_by="Attendance.day", cascade="all, delete-orphan"
    )
    assessments: Mapped[list[SkillAssessment]] = relationship(
        back_populates="enrolment",
        order_by="SkillAssessment.assessed_at",
        cascade="all, delete-orphan",
    )

    @property
    def holds_place(self) -> bool:
        return self.status in PLACE_HOLDING

    @property
    def practical_signed_off(self) -> bool:
        return self.practical_signed_off_at is not None


class AttendanceStatus(enum.StrEnum):
    PRESENT = "present"
    LATE = "late"
    ABSENT = "absent"


class Attendance(IdMixin, TimestampMixin, Base):
    __tablename__ = "attendance"
    __table_args__ = (UniqueConstraint("enrolment_id", "day"),)

    enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolments.id", ondelete="CASCADE"))
    day: Mapped[date]  # local day of the session
    status: Mapped[AttendanceStatus] = mapped_column(enum_type(AttendanceStatus))
    note: Mapped[str | None] = mapped_column(String(500))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    enrolment: Mapped[Enrolment] = relationship(back_populates="attendance")


class SkillLevel(enum.IntEnum):
    """The five-level scale instructors rate practical skills on."""

    INTRODUCED = 1
    UNDER_FULL_INSTRUCTION = 2
    PROMPTED = 3
    SELDOM_PROMPTED = 4
    INDEPENDENT = 5


SKILL_LEVEL_LABELS: dict[SkillLevel, str] = {
    SkillLevel.INTRODUCED: N_("Introduced"),
    SkillLevel.UNDER_FULL_INSTRUCTION: N_("Under full instruction"),
    SkillLevel.PROMPTED: N_("Prompted"),
    SkillLevel.SELDOM_PROMPTED: N_("Seldom prompted"),
    SkillLevel.INDEPENDENT: N_("Independent"),
}


class SkillAssessment(IdMixin, TimestampMixin, Base):
    """One rating of one skill. Ratings are added, not overwritten: the latest counts and the
    earlier ones (with their notes) show the trainee's progress."""

    __tablename__ = "skill_assessments"
    __table_args__ = (
        CheckConstraint("level >= 1 AND level <= 5", name="level_range"),
        Index(
            "ix_skill_assessments_enrolment_id_skill_id", "enrolment_id", "skill_id", "assessed_at"
        ),
    )

    enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolments.id", ondelete="CASCADE"))
    skill_id: Mapped[int] = mapped_column(ForeignKey("course_skills.id"))
    level: Mapped[int]
    notes: Mapped[str | None] = mapped_column(Text)
    assessor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    assessed_at: Mapped[datetime] = mapped_column(default=utcnow)

    enrolment: Mapped[Enrolment] = relationship(back_populates="assessments")
    skill: Mapped[CourseSkill] = relationship()
