"""The course catalogue: courses, their simulator requirements and practical skill lists."""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, Double, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from isdc.models.base import Base, IdMixin, RecordStatus, TimestampMixin, enum_type

if TYPE_CHECKING:
    from isdc.models.site import Site


class CourseCategory(enum.StrEnum):
    DEFENSIVE_CAR = "defensive_car"  # defensive driving, car
    SAFETY_RIDING = "safety_riding"  # motorcycle
    FLEET = "fleet"  # truck and bus drivers
    YOUTH = "youth"  # Polisi Cilik, Patroli Keamanan Sekolah (PKS)
    INSTRUCTOR_UPGRADE = "instructor_upgrade"


class VehicleKind(enum.StrEnum):
    """Vehicle classes taught and simulated (the simulator knows car, motorcycle, truck)."""

    CAR = "car"
    MOTORCYCLE = "motorcycle"
    TRUCK = "truck"
    BUS = "bus"


class Course(IdMixin, TimestampMixin, Base):
    __tablename__ = "courses"
    __table_args__ = (
        UniqueConstraint("site_id", "code"),
        CheckConstraint("duration_days > 0", name="duration_days_positive"),
        CheckConstraint("duration_hours > 0", name="duration_hours_positive"),
        CheckConstraint("capacity > 0", name="capacity_positive"),
        CheckConstraint(
            "min_attendance_pct >= 0 AND min_attendance_pct <= 100", name="attendance_pct_range"
        ),
        CheckConstraint(
            "certificate_validity_months IS NULL OR certificate_validity_months > 0",
            name="validity_positive",
        ),
    )

    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    site: Mapped[Site] = relationship()
    code: Mapped[str] = mapped_column(String(16))  # in certificate serials: ISDC/2026/DDC/0001
    title_id: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str] = mapped_column(String(200))
    description_id: Mapped[str | None] = mapped_column(Text)
    description_en: Mapped[str | None] = mapped_column(Text)
    category: Mapped[CourseCategory] = mapped_column(enum_type(CourseCategory))
    vehicle_kind: Mapped[VehicleKind | None] = mapped_column(enum_type(VehicleKind))
    duration_days: Mapped[int] = mapped_column(default=1)
    duration_hours: Mapped[int] = mapped_column(default=8)
    capacity: Mapped[int] = mapped_column(default=20)  # default for new sessions
    min_attendance_pct: Mapped[int] = mapped_column(default=100)
    requires_practical_signoff: Mapped[bool] = mapped_column(default=True)
    certificate_validity_months: Mapped[int | None]  # None: the certificate does not expire
    status: Mapped[RecordStatus] = mapped_column(
        enum_type(RecordStatus), default=RecordStatus.ACTIVE
    )

    scenario_requirements: Mapped[list[CourseScenarioRequirement]] = relationship(
        back_populates="course",
        order_by="CourseScenarioRequirement.position",
        cascade="all, delete-orphan",
    )
    skills: Mapped[list[CourseSkill]] = relationship(
        back_populates="course", order_by="CourseSkill.position", cascade="all, delete-orphan"
    )

    def title(self, locale: str) -> str:
        return self.title_en if locale == "en" else self.title_id


class CourseScenarioRequirement(IdMixin, TimestampMixin, Base):
    """A simulator scenario the trainee must pass with at least ``min_score``."""

    __tablename__ = "course_scenario_requirements"
    __table_args__ = (
        UniqueConstraint("course_id", "scenario_id", "vehicle"),
        CheckConstraint("min_score >= 0 AND min_score <= 100", name="min_score_range"),
    )

    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    scenario_id: Mapped[str] = mapped_column(String(64))  # as in `isdc-sim list`
    vehicle: Mapped[VehicleKind] = mapped_column(enum_type(VehicleKind))
    min_score: Mapped[float] = mapped_column(Double, default=70.0)
    position: Mapped[int] = mapped_column(default=0)

    course: Mapped[Course] = relationship(back_populates="scenario_requirements")


class CourseSkill(IdMixin, TimestampMixin, Base):
    """One skill of the practical assessment, in the order instructors rate them."""

    __tablename__ = "course_skills"

    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    name_id: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    # A skill dropped from the list stays for the assessments that rated it.
    active: Mapped[bool] = mapped_column(default=True)

    course: Mapped[Course] = relationship(back_populates="skills")

    def name(self, locale: str) -> str:
        return self.name_en if locale == "en" else self.name_id
