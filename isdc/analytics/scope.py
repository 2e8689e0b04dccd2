"""TEMPORARY local copy of the contract's Scope (ancore owns the real one; dropped on merge)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from isdc.models.base import DEFAULT_TIMEZONE


@dataclass(frozen=True)
class Scope:
    start: date
    end: date
    site_id: int
    course_id: int | None = None
    organisation_id: int | None = None
    instructor_id: int | None = None

    def bounds_utc(self) -> tuple[datetime, datetime]:
        lo = datetime.combine(self.start, time(), DEFAULT_TIMEZONE)
        hi = datetime.combine(self.end + timedelta(days=1), time(), DEFAULT_TIMEZONE)
        return lo.astimezone(UTC), hi.astimezone(UTC)
