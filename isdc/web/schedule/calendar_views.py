"""Calendars (week and month; site, instructor, facility), the instructor's "today" view with
attendance and last notes, the instructor's own feed link, and the trainee's own courses."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from isdc.extensions import db
from isdc.models import (
    Attendance,
    Course,
    CourseSession,
    Enrolment,
    Facility,
    FeedOwner,
    Instructor,
    RecordStatus,
    Role,
)
from isdc.models.audit import audit
from isdc.scheduling.assessment import latest_notes, latest_ratings
from isdc.scheduling.attendance import attendance_sheets, attendance_summaries
from isdc.scheduling.calendar import CalendarView, build_calendar, calendar_window
from isdc.scheduling.events import BackOfficeEvent
from isdc.scheduling.feeds import ensure_feed, feed_for
from isdc.scheduling.resources import expiring_qualifications
from isdc.web.access import roles_required
from isdc.web.backoffice import record_or_404, site_today
from isdc.web.errors import abort_with
from isdc.web.schedule import bp, queries

STAFF = (Role.ADMIN, Role.INSTRUCTOR)


def _anchor() -> date:
    text = request.args.get("day", "")
    if not text:
        return site_today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        abort_with(400, _("That is not a day (YYYY-MM-DD)."))


def _view() -> CalendarView:
    value = request.args.get("view", CalendarView.WEEK.value)
    return CalendarView(value) if value in {v.value for v in CalendarView} else CalendarView.WEEK


def _render_calendar(endpoint: str, title: str, owner: Any = None, **ids: int) -> Any:
    window = calendar_window(_view(), _anchor())
    calendar = build_calendar(
        db.session, current_user.site_id, window, current_user.site.tzinfo, **ids
    )
    site_id = current_user.site_id
    instructors = db.session.execute(
        select(Instructor.id, Instructor.rank, Instructor.full_name)
        .where(Instructor.site_id == site_id, Instructor.status == RecordStatus.ACTIVE)
        .order_by(Instructor.full_name)
    ).all()
    facilities = db.session.execute(
        select(Facility.id, Facility.name)
        .where(Facility.site_id == site_id, Facility.status == RecordStatus.ACTIVE)
        .order_by(Facility.kind, Facility.name)
    ).all()
    return render_template(
        "schedule/calendar.html",
        calendar=calendar,
        window=window,
        endpoint=endpoint,
        endpoint_args=dict(ids),
        title=title,
        owner=owner,
        instructors=instructors,
        facilities=facilities,
        today=site_today(),
    )  # fmt: skip


@bp.route("/calendar")
@roles_required(*STAFF)
def calendar() -> Any:
    return _render_calendar("schedule.calendar", _("Calendar of the centre"))


@bp.route("/calendar/instructors/<int:instructor_id>")
@roles_required(*STAFF)
def instructor_calendar(instructor_id: int) -> Any:
    instructor = record_or_404(
        Instructor, instructor_id, _("There is no instructor with that number.")
    )
    return _render_calendar("schedule.instructor_calendar", instructor.display_name, instructor,
                            instructor_id=instructor.id)  # fmt: skip


@bp.route("/calendar/facilities/<int:facility_id>")
@roles_required(*STAFF)
def facility_calendar(facility_id: int) -> Any:
    facility = record_or_404(Facility, facility_id, _("There is no facility with that number."))
    return _render_calendar("schedule.facility_calendar", facility.name, facility,
                            facility_id=facility.id)  # fmt: skip


@bp.route("/calendar/go")
@roles_required(*STAFF)
def calendar_go() -> Any:
    """The calendar switcher (a plain GET form): to an instructor's, a facility's or the
    site's calendar, keeping the view and day."""
    keep = {k: v for k, v in request.args.items() if k in ("view", "day") and v}
    target = request.args.get("show", "")
    kind, _sep, ident = target.partition("-")
    if kind == "instructor" and ident.isdigit():
        return redirect(url_for("schedule.instructor_calendar", instructor_id=int(ident), **keep))
    if kind == "facility" and ident.isdigit():
        return redirect(url_for("schedule.facility_calendar", facility_id=int(ident), **keep))
    return redirect(url_for("schedule.calendar", **keep))


@bp.route("/today")
@roles_required(*STAFF)
def today() -> Any:
    """An instructor's day: each slot with time, cohort, places, vehicles, the trainees with
    their attendance to mark, and the latest notes about them."""
    day = _anchor()
    tz = current_user.site.tzinfo
    instructor_id = current_user.instructor_id
    chosen = request.args.get("instructor", "")
    if current_user.role == Role.ADMIN and chosen.isdigit():
        instructor_id = int(chosen)
    instructor = None
    if instructor_id is not None:
        instructor = record_or_404(
            Instructor, instructor_id, _("There is no instructor with that number.")
        )
    slots = queries.slots_of_day(db.session, instructor.id, day, tz) if instructor else []
    session_ids = sorted({s.session.id for s in slots})
    sheets = attendance_sheets(db.session, session_ids, day)
    notes = latest_notes(db.session, session_ids)
    instructors = (
        db.session.execute(
            select(Instructor.id, Instructor.rank, Instructor.full_name)
            .where(Instructor.site_id == current_user.site_id,
                   Instructor.status == RecordStatus.ACTIVE)
            .order_by(Instructor.full_name)
        ).all()
        if current_user.role == Role.ADMIN
        else []
    )  # fmt: skip
    own = instructor is not None and instructor.id == current_user.instructor_id
    return render_template(
        "schedule/today.html",
        day=day,
        previous_day=day - timedelta(days=1),
        next_day=day + timedelta(days=1),
        real_today=site_today(),
        instructor=instructor,
        slots=slots,
        sheets=sheets,
        notes=notes,
        instructors=instructors,
        own=own,
        feed=feed_for(db.session, FeedOwner.INSTRUCTOR, instructor.id) if own and instructor else None,
        warnings=expiring_qualifications(db.session, current_user.site_id, site_today(),
                                         instructor_id=instructor.id) if own and instructor else [],
    )  # fmt: skip


@bp.route("/feed", methods=["POST"])
@roles_required(Role.INSTRUCTOR)
def own_feed() -> Any:
    """An instructor creates or replaces the link of their own calendar feed."""
    if current_user.instructor_id is None:
        abort_with(409, _("Your account is not linked to an instructor record yet."))
    feed, created = ensure_feed(db.session, FeedOwner.INSTRUCTOR, current_user.instructor_id)
    if not created:
        feed.regenerate()
    audit(db.session, BackOfficeEvent.FEED_TOKEN, feed, created=created)
    db.session.commit()
    flash(_("Calendar link created.") if created
          else _("New calendar link made; the old one no longer works."), "success")  # fmt: skip
    return redirect(url_for("schedule.today") + "#feed-card")


@bp.route("/mine")
@roles_required(Role.TRAINEE)
def mine() -> Any:
    """The trainee's own courses: days, places, changes with their reasons, attendance and
    skill progress - nothing of anyone else's."""
    if current_user.trainee_id is None:
        return render_template("schedule/mine.html", items=None)
    tz = current_user.site.tzinfo
    today = site_today()
    enrolments = db.session.scalars(
        select(Enrolment)
        .options(
            selectinload(Enrolment.session).selectinload(CourseSession.slots),
            selectinload(Enrolment.session).selectinload(CourseSession.course)
            .selectinload(Course.skills),
        )
        .join(CourseSession, CourseSession.id == Enrolment.session_id)
        .where(Enrolment.trainee_id == current_user.trainee_id)
        .order_by(CourseSession.starts_at.desc())
    ).all()  # fmt: skip
    marks: dict[int, dict[date, Attendance]] = defaultdict(dict)
    if enrolments:
        for row in db.session.scalars(
            select(Attendance).where(Attendance.enrolment_id.in_([e.id for e in enrolments]))
        ):
            marks[row.enrolment_id][row.day] = row
    summaries = attendance_summaries(db.session, [(e.id, e.session_id) for e in enrolments], tz,
                                     today)  # fmt: skip
    ratings = latest_ratings(db.session, enrolments)
    places = {
        e.session_id: queries.day_plans(db.session, e.session, tz)
        for e in enrolments
        if e.session.ends_at.astimezone(tz).date() >= today - timedelta(days=30)
    }
    return render_template(
        "schedule/mine.html",
        items=enrolments,
        marks=marks,
        summaries=summaries,
        ratings=ratings,
        places=places,
        today=today,
    )
