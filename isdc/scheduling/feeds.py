"""iCalendar feeds (RFC 5545) of one instructor's or one facility's bookings, for phone and
desktop calendars, behind a secret per-feed token.

Times are written in the site's zone with its VTIMEZONE (Asia/Jakarta), so calendars show
08.00 WIB whatever the phone's zone. Each booking is one event with a stable UID; a moved day
keeps its UID (calendars update it), a cancelled session stays in the feed as CANCELLED.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from icalendar import Calendar, Event
from sqlalchemy import select
from sqlalchemy.orm import Session

from isdc.models import (
    Booking,
    BookingStatus,
    CalendarFeed,
    Course,
    CourseSession,
    Facility,
    FeedOwner,
    Instructor,
    ResourceKind,
    SessionStatus,
    Site,
)
from isdc.models.schedule import intervals_overlap
from isdc.version import __version__

PAST = timedelta(days=60)
FUTURE = timedelta(days=400)


def feed_owner_name(db: Session, feed: CalendarFeed) -> str:
    if feed.owner_kind == FeedOwner.INSTRUCTOR:
        instructor = db.get(Instructor, feed.instructor_id)
        return instructor.display_name if instructor else ""
    facility = db.get(Facility, feed.facility_id)
    return facility.name if facility else ""


def _sequence(created: datetime, updated: datetime) -> int:
    """RFC 5545 SEQUENCE must grow with every change: minutes since the booking was made, as
    of its last change (bookings change seldom; calendars compare it with LAST-MODIFIED)."""
    return max(0, int((updated - created).total_seconds() // 60))


def build_feed(db: Session, feed: CalendarFeed, site: Site, now: datetime) -> bytes:
    """The feed's calendar as iCalendar bytes (bookings from two months back to a year on)."""
    tz = site.tzinfo
    resource = (
        (ResourceKind.INSTRUCTOR, Booking.instructor_id, feed.instructor_id)
        if feed.owner_kind == FeedOwner.INSTRUCTOR
        else (ResourceKind.FACILITY, Booking.facility_id, feed.facility_id)
    )
    kind, column, owner_id = resource
    rows = db.execute(
        select(
            Booking.id,
            Booking.session_id,
            Booking.starts_at,
            Booking.ends_at,
            Booking.status,
            Booking.created_at,
            Booking.updated_at,
            CourseSession.name,
            CourseSession.status.label("session_status"),
            CourseSession.cancel_reason,
            CourseSession.reschedule_reason,
            CourseSession.capacity,
            Course.code,
            Course.title_id,
        )
        .join(CourseSession, CourseSession.id == Booking.session_id)
        .join(Course, Course.id == CourseSession.course_id)
        .where(
            Booking.resource_kind == kind,
            column == owner_id,
            Booking.starts_at < now + FUTURE,
            Booking.ends_at > now - PAST,
            # Active bookings, and those of cancelled sessions (shown as cancelled).
            (Booking.status == BookingStatus.ACTIVE)
            | (CourseSession.status == SessionStatus.CANCELLED),
        )
        .order_by(Booking.starts_at, Booking.id)
    ).all()
    places = _places(db, sorted({r.session_id for r in rows}))

    calendar = Calendar()
    calendar.add("prodid", f"-//ISDC Suite {__version__}//{site.code}//ID")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", f"ISDC {site.code}: {feed_owner_name(db, feed)}")
    calendar.add("x-wr-timezone", site.timezone)
    calendar.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT1H")
    for row in rows:
        cancelled = row.status != BookingStatus.ACTIVE
        event = Event()
        event.add("uid", f"booking-{row.id}@{site.code.lower()}.isdc-suite")
        event.add("dtstamp", now)
        event.add("dtstart", row.starts_at.astimezone(tz))
        event.add("dtend", row.ends_at.astimezone(tz))
        event.add("summary", f"{row.code} · {row.title_id} · {row.name}")
        where = [
            name
            for b_start, b_end, name in places[row.session_id]
            if intervals_overlap(b_start, b_end, row.starts_at, row.ends_at)
        ]
        if where:
            event.add("location", ", ".join(dict.fromkeys(where)))
        lines = [f"{row.title_id} ({row.code}), {row.name}"]
        if cancelled and row.cancel_reason:
            lines.append(f"Dibatalkan: {row.cancel_reason}")
        elif row.reschedule_reason:
            lines.append(f"Jadwal diubah: {row.reschedule_reason}")
        event.add("description", "\n".join(lines))
        event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
        event.add("transp", "TRANSPARENT" if cancelled else "OPAQUE")
        event.add("last-modified", row.updated_at)
        event.add("sequence", _sequence(row.created_at, row.updated_at))
        event.add("categories", [row.code])
        calendar.add_component(event)
    if rows:
        calendar.add_missing_timezones()
    return calendar.to_ical()


def _places(db: Session, session_ids: list[int]) -> dict[int, list[tuple[datetime, datetime, str]]]:
    result: dict[int, list[tuple[datetime, datetime, str]]] = defaultdict(list)
    if not session_ids:
        return result
    for session_id, starts_at, ends_at, name in db.execute(
        select(Booking.session_id, Booking.starts_at, Booking.ends_at, Facility.name)
        .join(Facility, Facility.id == Booking.facility_id)
        .where(Booking.session_id.in_(session_ids), Booking.resource_kind == ResourceKind.FACILITY)
        .order_by(Facility.kind, Facility.name)
    ):
        result[session_id].append((starts_at, ends_at, name))
    return result


def feed_for(db: Session, owner_kind: FeedOwner, owner_id: int) -> CalendarFeed | None:
    column = (
        CalendarFeed.instructor_id
        if owner_kind == FeedOwner.INSTRUCTOR
        else CalendarFeed.facility_id
    )
    return db.scalar(select(CalendarFeed).where(column == owner_id))


def ensure_feed(db: Session, owner_kind: FeedOwner, owner_id: int) -> tuple[CalendarFeed, bool]:
    """The owner's feed, created with a fresh token if there is none; (feed, created)."""
    feed = feed_for(db, owner_kind, owner_id)
    if feed is not None:
        return feed, False
    feed = CalendarFeed(owner_kind=owner_kind)
    if owner_kind == FeedOwner.INSTRUCTOR:
        feed.instructor_id = owner_id
    else:
        feed.facility_id = owner_id
    db.add(feed)
    db.flush()
    return feed, True
