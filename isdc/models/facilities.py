"""Facilities: classrooms, simulator bays, driving tracks and training vehicles."""

from __future__ import annotations

import enum
from datetime import date, datetime, time
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from isdc.models.base import Base, IdMixin, RecordStatus, TimestampMixin, enum_type
from isdc.models.courses import VehicleKind

if TYPE_CHECKING:
    from isdc.models.site import Site


class FacilityKind(enum.StrEnum):
    CLASSROOM = "classroom"
    SIMULATOR_BAY = "simulator_bay"
    TRACK = "track"
    VEHICLE = "vehicle"


class TrackKind(enum.StrEnum):
    SKID_PAD = "skid_pad"
    BRAKING_ZONE = "braking_zone"
    SLALOM = "slalom"


class Facility(IdMixin, TimestampMixin, Base):
    __tablename__ = "facilities"
    __table_args__ = (
        UniqueConstraint("site_id", "name"),
        CheckConstraint("capacity > 0", name="capacity_positive"),
        CheckConstraint("closes_at > opens_at", name="hours_ordered"),
        CheckConstraint(
            "(kind = 'track') = (track_kind IS NOT NULL)", name="track_kind_only_for_tracks"
        ),
    )

    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    site: Mapped[Site] = relationship()
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[FacilityKind] = mapped_column(enum_type(FacilityKind))
    track_kind: Mapped[TrackKind | None] = mapped_column(enum_type(TrackKind))
    capacity: Mapped[int] = mapped_column(default=1)  # people (rooms) or vehicles (tracks)
    # Bookable hours in the site's local time, on the ISO weekdays listed ("12345" = Mon-Fri).
    opens_at: Mapped[time] = mapped_column(default=time(7, 0))
    closes_at: Mapped[time] = mapped_column(default=time(17, 0))
    open_weekdays: Mapped[str] = mapped_column(String(7), default="12345")
    # Training vehicles: kind, registration plate (TNKB) and STNK validity.
    vehicle_kind: Mapped[VehicleKind | None] = mapped_column(enum_type(VehicleKind))
    registration_number: Mapped[str | None] = mapped_column(String(16), unique=True)
    stnk_valid_until: Mapped[date | None]
    status: Mapped[RecordStatus] = mapped_column(
        enum_type(RecordStatus), default=RecordStatus.ACTIVE
    )
    retired_at: Mapped[datetime | None]
    notes: Mapped[str | None] = mapped_column(Text)

    maintenance: Mapped[list[FacilityMaintenance]] = relationship(
        back_populates="facility",
        cascade="all, delete-orphan",
        order_by="FacilityMaintenance.first_day",
    )

    def is_open_on(self, day: date) -> bool:
        return str(day.isoweekday()) in self.open_weekdays

    def bookable_hours_per_day(self) -> float:
        start = self.opens_at.hour * 60 + self.opens_at.minute
        end = self.closes_at.hour * 60 + self.closes_at.minute
        return (end - start) / 60


class FacilityMaintenance(IdMixin, TimestampMixin, Base):
    """Out of service from ``first_day`` to ``last_day``, both included."""

    __tablename__ = "facility_maintenance"
    __table_args__ = (CheckConstraint("last_day >= first_day", name="days_ordered"),)

    facility_id: Mapped[int] = mapped_column(
        ForeignKey("facilities.id", ondelete="CASCADE"), index=True
    )
    first_day: Mapped[date]
    last_day: Mapped[date]
    reason: Mapped[str] = mapped_column(String(200), default="")

    facility: Mapped[Facility] = relationship(back_populates="maintenance")

    def covers(self, day: date) -> bool:
        return self.first_day <= day <= self.last_day
