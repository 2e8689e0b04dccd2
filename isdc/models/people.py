"""People the centre trains and the staff who teach: trainees, organisations, instructors."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from isdc.models.base import Base, IdMixin, RecordStatus, TimestampMixin, enum_type, local_today
from isdc.models.courses import CourseCategory, VehicleKind
from isdc.models.identity import Sex, SimClass, age_on, nik_problems, sim_problems
from isdc.models.rules import N_, InvalidRecord, RuleViolation

if TYPE_CHECKING:
    from isdc.models.site import Site

# Youngest participants: Polisi Cilik programmes start in primary school.
MIN_TRAINEE_AGE = 6


class OrganisationKind(enum.StrEnum):
    COMPANY = "company"
    SCHOOL = "school"
    AGENCY = "agency"
    POLICE_UNIT = "police_unit"


class Organisation(IdMixin, TimestampMixin, Base):
    """A company, school, agency or police unit that sends trainees."""

    __tablename__ = "organisations"
    __table_args__ = (UniqueConstraint("site_id", "name"),)

    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    site: Mapped[Site] = relationship()
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[OrganisationKind] = mapped_column(enum_type(OrganisationKind))
    city: Mapped[str | None] = mapped_column(String(100))
    contact_name: Mapped[str | None] = mapped_column(String(200))
    contact_email: Mapped[str | None] = mapped_column(String(254))
    contact_phone: Mapped[str | None] = mapped_column(String(32))
    status: Mapped[RecordStatus] = mapped_column(
        enum_type(RecordStatus), default=RecordStatus.ACTIVE
    )


class Trainee(IdMixin, TimestampMixin, Base):
    __tablename__ = "trainees"
    # Dashboard counts and list filters go by site and status.
    __table_args__ = (
        Index("ix_trainees_site_id_status", "site_id", "status"),
        # The trainee list: filtered by site and status, sorted by name, paged.
        Index("ix_trainees_site_id_status_full_name", "site_id", "status", "full_name"),
    )

    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    site: Mapped[Site] = relationship()
    # Unique nationwide, not per site: one person, one record.
    nik: Mapped[str] = mapped_column(String(16), unique=True)
    full_name: Mapped[str] = mapped_column(String(200), index=True)
    birth_date: Mapped[date]
    sex: Mapped[Sex] = mapped_column(enum_type(Sex, 8))
    phone: Mapped[str | None] = mapped_column(String(32))
    email: Mapped[str | None] = mapped_column(String(254))
    city: Mapped[str | None] = mapped_column(String(100))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    sim_number: Mapped[str | None] = mapped_column(String(20))
    sim_class: Mapped[SimClass | None] = mapped_column(enum_type(SimClass, 16))
    sim_valid_until: Mapped[date | None]
    status: Mapped[RecordStatus] = mapped_column(
        enum_type(RecordStatus), default=RecordStatus.ACTIVE
    )
    retired_at: Mapped[datetime | None]
    notes: Mapped[str | None] = mapped_column(Text)

    organisation: Mapped[Organisation | None] = relationship()

    def problems(self, today: date) -> list[RuleViolation]:
        """Every domain rule this record breaks (NIK, age, SIM class and minimum age)."""
        found = nik_problems(self.nik, self.birth_date, self.sex)
        if self.birth_date is not None:
            if self.birth_date > today:
                found.append(RuleViolation("birth_date", N_("Birth date is in the future.")))
            elif age_on(self.birth_date, today) < MIN_TRAINEE_AGE:
                found.append(
                    RuleViolation(
                        "birth_date",
                        N_("A trainee must be at least %(minimum)d years old."),
                        {"minimum": MIN_TRAINEE_AGE},
                    )
                )
        found += sim_problems(self.sim_class, self.sim_number, self.birth_date, today)
        return found

    def check(self, today: date) -> None:
        """Raise :class:`InvalidRecord` if any rule is broken (runs before every flush)."""
        if found := self.problems(today):
            raise InvalidRecord(found)

    def age(self, today: date) -> int:
        return age_on(self.birth_date, today)


class Instructor(IdMixin, TimestampMixin, Base):
    __tablename__ = "instructors"
    __table_args__ = (
        CheckConstraint("weekly_hours >= 0 AND weekly_hours <= 80", name="weekly_hours_range"),
    )

    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), index=True)
    site: Mapped[Site] = relationship()
    # NRP (police, 8 digits) or NIP (civil servant, 18 digits).
    staff_number: Mapped[str] = mapped_column(String(32), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    rank: Mapped[str | None] = mapped_column(String(64))  # pangkat, e.g. "Iptu"
    phone: Mapped[str | None] = mapped_column(String(32))
    email: Mapped[str | None] = mapped_column(String(254))
    weekly_hours: Mapped[int] = mapped_column(default=40)
    status: Mapped[RecordStatus] = mapped_column(
        enum_type(RecordStatus), default=RecordStatus.ACTIVE, index=True
    )
    retired_at: Mapped[datetime | None]

    qualifications: Mapped[list[InstructorQualification]] = relationship(
        back_populates="instructor", cascade="all, delete-orphan"
    )
    leaves: Mapped[list[InstructorLeave]] = relationship(
        back_populates="instructor",
        cascade="all, delete-orphan",
        order_by="InstructorLeave.first_day",
    )

    @property
    def display_name(self) -> str:
        return f"{self.rank} {self.full_name}" if self.rank else self.full_name


class InstructorQualification(IdMixin, TimestampMixin, Base):
    """What an instructor may teach: a course category on a vehicle class, until a date."""

    __tablename__ = "instructor_qualifications"
    __table_args__ = (UniqueConstraint("instructor_id", "category", "vehicle_kind"),)

    instructor_id: Mapped[int] = mapped_column(ForeignKey("instructors.id", ondelete="CASCADE"))
    category: Mapped[CourseCategory] = mapped_column(enum_type(CourseCategory))
    vehicle_kind: Mapped[VehicleKind | None] = mapped_column(enum_type(VehicleKind))
    valid_until: Mapped[date | None]  # None: does not expire
    reference: Mapped[str | None] = mapped_column(String(100))  # certificate or decree number

    instructor: Mapped[Instructor] = relationship(back_populates="qualifications")

    def is_valid_on(self, day: date) -> bool:
        return self.valid_until is None or day <= self.valid_until


class InstructorLeave(IdMixin, TimestampMixin, Base):
    """Leave from ``first_day`` to ``last_day``, both included (as people say them)."""

    __tablename__ = "instructor_leaves"
    __table_args__ = (CheckConstraint("last_day >= first_day", name="days_ordered"),)

    instructor_id: Mapped[int] = mapped_column(
        ForeignKey("instructors.id", ondelete="CASCADE"), index=True
    )
    first_day: Mapped[date]
    last_day: Mapped[date]
    reason: Mapped[str] = mapped_column(String(200), default="")

    instructor: Mapped[Instructor] = relationship(back_populates="leaves")

    def covers(self, day: date) -> bool:
        return self.first_day <= day <= self.last_day


@event.listens_for(Session, "before_flush")
def _check_trainees(session: Session, flush_context: Any, instances: Any) -> None:
    """No trainee with a broken NIK or SIM rule reaches the database, whoever writes it."""
    today = local_today()
    for obj in (*session.new, *session.dirty):
        if isinstance(obj, Trainee):
            obj.check(today)
