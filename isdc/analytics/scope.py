"""What an analytics page looks at: a period of local days, the site, and optional filters.

Views build the scope from the query string with :func:`scope_from_request`; every query
function applies it the same way. Instructors always see only the sessions they teach.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from isdc.models import Course, Instructor, Organisation, Role
from isdc.models.rules import N_

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from isdc.models import Site, User

# Longer periods would only make pages slow without telling leadership anything new.
MAX_PERIOD_DAYS = 5 * 366
DEFAULT_MONTHS_BACK = 6
NO_INSTRUCTOR = 0  # ids start at 1


class ScopeError(ValueError):
    """A filter the page cannot use; ``field`` names the query parameter, ``message`` says
    what is wrong (an English msgid, translated by the view with ``params``)."""

    def __init__(self, field: str, message: str, **params: Any):
        super().__init__(f"{field}: {message % params if params else message}")
        self.field = field
        self.message = message
        self.params = params


@dataclass(frozen=True)
class Scope:
    start: date  # first local day, inclusive
    end: date  # last local day, inclusive
    site_id: int
    course_id: int | None = None
    organisation_id: int | None = None
    instructor_id: int | None = None  # set => only sessions this instructor teaches
    timezone: str = "Asia/Jakarta"  # the site's zone: days and months are local there

    @property
    def tzinfo(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def bounds_utc(self) -> tuple[datetime, datetime]:
        """``[start 00:00 local, end+1 00:00 local)`` as aware UTC datetimes."""
        tz = self.tzinfo
        lo = datetime.combine(self.start, time(0), tzinfo=tz).astimezone(UTC)
        hi = datetime.combine(self.end + timedelta(days=1), time(0), tzinfo=tz).astimezone(UTC)
        return lo, hi

    def months(self) -> list[str]:
        """Every local month the period touches, as ``YYYY-MM`` (the keys of month buckets),
        so that months without data still get their (empty) place on a chart."""
        out, year, month = [], self.start.year, self.start.month
        while (year, month) <= (self.end.year, self.end.month):
            out.append(f"{year:04d}-{month:02d}")
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return out

    @property
    def narrows_sessions(self) -> bool:
        """Whether only runs and bookings of some sessions count (a course or an instructor
        filter); runs outside any session then drop out."""
        return self.course_id is not None or self.instructor_id is not None

    def query_args(self) -> dict[str, str]:
        """The filters as query parameters, for links that keep them (drill-down, CSV)."""
        args = {"start": self.start.isoformat(), "end": self.end.isoformat()}
        if self.course_id is not None:
            args["course"] = str(self.course_id)
        if self.organisation_id is not None:
            args["organisation"] = str(self.organisation_id)
        if self.instructor_id is not None:
            # An administrator's choice to keep; an instructor's own id is ignored on the way
            # back in (their scope is always their own).
            args["instructor"] = str(self.instructor_id)
        return args

    def label(self) -> str:
        """The period for file names: ``2026-05-01_2026-11-28``."""
        return f"{self.start.isoformat()}_{self.end.isoformat()}"


def months_back(month: date, count: int) -> date:
    """The first day of the month ``count`` months before ``month``."""
    index = month.year * 12 + month.month - 1 - count
    return date(index // 12, index % 12 + 1, 1)


def default_period(today: date) -> tuple[date, date]:
    """The last six full months and this month so far."""
    return months_back(today, DEFAULT_MONTHS_BACK), today


def _date_arg(args: Mapping[str, str], name: str) -> date | None:
    raw = (args.get(name) or "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise ScopeError(
            name, N_("Not a date (use YYYY-MM-DD): %(value)s"), value=raw[:40]
        ) from None


def _id_arg(args: Mapping[str, str], name: str) -> int | None:
    raw = (args.get(name) or "").strip()
    if not raw:
        return None
    if not raw.isdigit() or len(raw) > 18:
        raise ScopeError(name, N_("Not a valid choice: %(value)s"), value=raw[:40]) from None
    return int(raw)


def scope_from_request(
    args: Mapping[str, str], user: User, site: Site, *, session: Session | None = None
) -> Scope:
    """The scope a page asked for, checked; :class:`ScopeError` names a bad parameter.

    ``course``/``organisation`` (and, for administrators, ``instructor``) must belong to the
    user's site. An instructor's scope is always narrowed to their own sessions; an instructor
    account without an instructor record sees nothing; other roles raise
    :class:`PermissionError`.
    """
    if session is None:
        from isdc.extensions import db

        session = db.session
    tz = site.tzinfo
    today = datetime.now(tz).date()
    default_start, default_end = default_period(today)
    start = _date_arg(args, "start") or default_start
    end = _date_arg(args, "end") or default_end
    if start > end:
        raise ScopeError("start", N_("The period starts after it ends."))
    if (end - start).days + 1 > MAX_PERIOD_DAYS:
        raise ScopeError("end", N_("The period may be at most five years long."))
    course_id = _id_arg(args, "course")
    if course_id is not None and not session.scalar(
        select(Course.id).where(Course.id == course_id, Course.site_id == site.id)
    ):
        raise ScopeError("course", N_("Unknown course: %(value)s"), value=course_id)
    organisation_id = _id_arg(args, "organisation")
    if organisation_id is not None and not session.scalar(
        select(Organisation.id).where(
            Organisation.id == organisation_id, Organisation.site_id == site.id
        )
    ):
        raise ScopeError(
            "organisation", N_("Unknown organisation: %(value)s"), value=organisation_id
        )
    if user.role == Role.INSTRUCTOR:
        # An instructor account not linked to an instructor record teaches nothing: it gets
        # an id no record has, so it sees empty pages rather than the whole site.
        instructor_id: int | None = user.instructor_id or NO_INSTRUCTOR
    elif user.role == Role.ADMIN:
        instructor_id = _id_arg(args, "instructor")
        if instructor_id is not None and not session.scalar(
            select(Instructor.id).where(
                Instructor.id == instructor_id, Instructor.site_id == site.id
            )
        ):
            raise ScopeError("instructor", N_("Unknown instructor: %(value)s"), value=instructor_id)
    else:
        raise PermissionError("analytics are for administrators and instructors")
    return Scope(
        start=start,
        end=end,
        site_id=site.id,
        course_id=course_id,
        organisation_id=organisation_id,
        instructor_id=instructor_id,
        timezone=site.timezone,
    )
