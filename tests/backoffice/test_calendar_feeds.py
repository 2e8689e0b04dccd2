"""Calendars and iCalendar feeds as plain functions."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar as ICalendar

from isdc.models import FacilityKind, FacilityMaintenance, FeedOwner, InstructorLeave, VehicleKind
from isdc.models.base import local_today, utcnow
from isdc.scheduling.calendar import CalendarView, build_calendar, calendar_window
from isdc.scheduling.feeds import build_feed, ensure_feed
from isdc.scheduling.sessions import FacilityBlock, cancel_session, create_session, reschedule_slot

JAKARTA = ZoneInfo("Asia/Jakarta")


def test_week_and_month_windows() -> None:
    week = calendar_window(CalendarView.WEEK, date(2026, 12, 10))  # a Thursday
    assert (week.first, week.last) == (date(2026, 12, 7), date(2026, 12, 13))
    assert week.previous == date(2026, 11, 30) and week.next == date(2026, 12, 14)
    month = calendar_window(CalendarView.MONTH, date(2026, 12, 10))
    assert month.first == date(2026, 11, 30) and month.last == date(2027, 1, 3)
    assert len(month.weeks) == 5 and all(len(w) == 7 for w in month.weeks)
    assert month.previous == date(2026, 11, 1) and month.next == date(2027, 1, 1)
    start, end = week.bounds(JAKARTA)
    assert start == datetime(2026, 12, 6, 17, tzinfo=UTC)  # Monday 00:00 WIB


def test_calendars_for_site_instructor_and_facility(db_session, site, sched, monday):
    tz = site.tzinfo
    car = sched.make.facility(name="Avanza", kind=FacilityKind.VEHICLE, capacity=4,
                              vehicle_kind=VehicleKind.CAR, registration_number="B 1 SJA")  # fmt: skip
    plan = sched.plan([monday, monday + timedelta(days=1)],
                      facilities=[sched.room, FacilityBlock(car.id, time(13), time(16))])  # fmt: skip
    mine = create_session(db_session, site, plan, today=local_today()).session
    other_instructor = sched.qualified_instructor(full_name="Rudi Hartono")
    room2 = sched.make.facility(name="Ruang 2")
    theirs = create_session(db_session, site, sched.plan([monday], instructors=[other_instructor],
                            facilities=[room2], name="DDC B"), today=local_today()).session  # fmt: skip
    sched.instructor.leaves.append(
        InstructorLeave(first_day=monday + timedelta(days=3), last_day=monday + timedelta(days=4),
                        reason="Cuti")
    )  # fmt: skip
    car.maintenance.append(FacilityMaintenance(first_day=monday + timedelta(days=2),
                                               last_day=monday + timedelta(days=2), reason="Servis"))  # fmt: skip
    db_session.commit()
    week = calendar_window(CalendarView.WEEK, monday)

    site_view = build_calendar(db_session, site.id, week, tz)
    assert [(e.day, e.session_name) for e in site_view.entries] == [
        (monday, "DDC A"), (monday, "DDC B"), (monday + timedelta(days=1), "DDC A")]  # fmt: skip
    first = site_view.entries[0]
    assert first.instructors == ["Iptu Agus Prasetyo"]
    assert first.places == ["Ruang Kelas Garuda"] and first.vehicles == ["Avanza"]
    assert {(m.kind, m.who) for m in site_view.marks} == {("leave", "Iptu Agus Prasetyo"),
                                                          ("maintenance", "Avanza")}  # fmt: skip

    instructor_view = build_calendar(
        db_session, site.id, week, tz, instructor_id=sched.instructor.id
    )
    assert {e.session_id for e in instructor_view.entries} == {mine.id}
    assert [m.day for m in instructor_view.marks] == [monday + timedelta(days=3),
                                                      monday + timedelta(days=4)]  # fmt: skip

    car_view = build_calendar(db_session, site.id, week, tz, facility_id=car.id)
    assert [(e.starts_at.astimezone(tz).time(), e.ends_at.astimezone(tz).time())
            for e in car_view.entries] == [(time(13), time(16))] * 2  # fmt: skip
    assert [m.kind for m in car_view.marks] == ["maintenance"]
    assert theirs.id not in {e.session_id for e in car_view.entries}

    cancel_session(db_session, mine, "Hujan deras")
    db_session.commit()
    after = build_calendar(db_session, site.id, week, tz, facility_id=car.id)
    assert all(e.cancelled and e.cancel_reason == "Hujan deras" for e in after.entries)
    assert len(after.entries) == 2


def parse(data: bytes) -> ICalendar:
    return ICalendar.from_ical(data)


def test_instructor_feed_parses_back_with_times_in_jakarta(db_session, site, sched, monday):
    session = create_session(db_session, site, sched.plan([monday, monday + timedelta(days=1)]),
                             today=local_today()).session  # fmt: skip
    feed, created = ensure_feed(db_session, FeedOwner.INSTRUCTOR, sched.instructor.id)
    db_session.commit()
    assert created and len(feed.token) >= 40
    assert ensure_feed(db_session, FeedOwner.INSTRUCTOR, sched.instructor.id) == (feed, False)
    calendar = parse(build_feed(db_session, feed, site, utcnow()))
    timezones = calendar.walk("VTIMEZONE")
    assert [str(tz["TZID"]) for tz in timezones] == ["Asia/Jakarta"]
    events = calendar.walk("VEVENT")
    assert len(events) == 2
    first = events[0]
    start = first.decoded("DTSTART")
    assert start.tzinfo is not None and start.astimezone(JAKARTA).time() == time(8)
    assert start.astimezone(JAKARTA).date() == monday
    assert first["DTSTART"].params["TZID"] == "Asia/Jakarta"
    assert "DDC A" in str(first["SUMMARY"]) and str(first["STATUS"]) == "CONFIRMED"
    assert str(first["LOCATION"]) == "Ruang Kelas Garuda"
    uids = [str(e["UID"]) for e in events]

    reschedule_slot(db_session, site, session, session.slots[1], day=monday + timedelta(days=2),
                    starts=time(9), ends=time(12), reason="Pindah hari", today=local_today())  # fmt: skip
    db_session.commit()
    moved = parse(build_feed(db_session, feed, site, utcnow())).walk("VEVENT")
    assert [str(e["UID"]) for e in moved] == uids  # same events, updated
    assert moved[1].decoded("DTSTART").astimezone(JAKARTA) == datetime.combine(
        monday + timedelta(days=2), time(9), tzinfo=JAKARTA
    )
    assert "Pindah hari" in str(moved[1]["DESCRIPTION"])

    cancel_session(db_session, session, "Banjir")
    db_session.commit()
    cancelled = parse(build_feed(db_session, feed, site, utcnow())).walk("VEVENT")
    assert [str(e["STATUS"]) for e in cancelled] == ["CANCELLED", "CANCELLED"]
    assert "Banjir" in str(cancelled[0]["DESCRIPTION"])


def test_facility_feed_and_token_regeneration(db_session, site, sched, monday):
    create_session(db_session, site, sched.plan([monday]), today=local_today())
    feed, _ = ensure_feed(db_session, FeedOwner.FACILITY, sched.room.id)
    db_session.commit()
    old = feed.token
    feed.regenerate()
    db_session.commit()
    assert feed.token != old
    events = parse(build_feed(db_session, feed, site, utcnow())).walk("VEVENT")
    assert len(events) == 1
    empty = ensure_feed(db_session, FeedOwner.FACILITY, sched.make.facility(name="Kosong").id)[0]
    assert parse(build_feed(db_session, empty, site, utcnow())).walk("VEVENT") == []
