"""Sessions: schedule one (check first, then book; clashes named; skip conflicting dates),
its page, details, cancel, move a day."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select

from isdc.extensions import db
from isdc.models import (
    Course,
    CourseSession,
    Facility,
    Instructor,
    InstructorRole,
    RecordStatus,
    Role,
    SessionSlot,
)
from isdc.models.enrolment import PLACE_HOLDING
from isdc.models.rules import InvalidRecord
from isdc.scheduling.assessment import latest_ratings
from isdc.scheduling.attendance import attendance_summaries
from isdc.scheduling.clashes import SchedulingConflict
from isdc.scheduling.enrolment import change_capacity, places
from isdc.scheduling.recurrence import Repeat, recurring_days
from isdc.scheduling.sessions import (
    FacilityBlock,
    SessionPlan,
    cancel_session,
    change_instructors,
    check_plan,
    create_session,
    reschedule_slot,
)
from isdc.web.access import roles_required
from isdc.web.backoffice import (
    can_manage_session,
    require_manage,
    show_on_form,
    site_today,
)
from isdc.web.errors import abort_with
from isdc.web.fields import options
from isdc.web.i18n import locale_code
from isdc.web.schedule import bp, queries
from isdc.web.schedule.forms import (
    InstructorsForm,
    MoveDayForm,
    ReasonForm,
    SessionDetailsForm,
    SessionForm,
)

STAFF = (Role.ADMIN, Role.INSTRUCTOR)
# Where rule fields of a plan show on the form.
PLAN_FIELDS = {"instructors": "lead", "days": "first_day", "facilities": "facilities"}


def _choices(form: SessionForm) -> None:
    site_id = current_user.site_id
    locale = locale_code()
    courses = db.session.scalars(
        select(Course)
        .where(Course.site_id == site_id, Course.status == RecordStatus.ACTIVE)
        .order_by(Course.code)
    ).all()
    form.course.choices = options(
        [("", _("Choose a course"))] + [(c.id, f"{c.code} · {c.title(locale)}") for c in courses]
    )
    instructors = db.session.scalars(
        select(Instructor)
        .where(Instructor.site_id == site_id, Instructor.status == RecordStatus.ACTIVE)
        .order_by(Instructor.full_name)
    ).all()
    form.lead.choices = options(
        [("", _("Choose an instructor"))] + [(i.id, i.display_name) for i in instructors]
    )
    form.assistants.choices = options((i.id, i.display_name) for i in instructors)
    facilities = db.session.scalars(
        select(Facility)
        .where(Facility.site_id == site_id, Facility.status == RecordStatus.ACTIVE)
        .order_by(Facility.kind, Facility.name)
    ).all()
    facility_choices = options([("", _("No facility"))] + [(f.id, f.name) for f in facilities])
    for row in form.facilities:
        row.form.facility.choices = facility_choices


def _defaults(form: SessionForm) -> None:
    today = site_today()
    course_arg = request.args.get("course", "")
    if course_arg.isdigit():
        form.course.data = int(course_arg)
    if current_user.role == Role.INSTRUCTOR and current_user.instructor_id:
        form.lead.data = current_user.instructor_id
    day = today + timedelta(days=1)
    while day.isoweekday() == 7:
        day += timedelta(days=1)
    form.first_day.data = day


def _plan(form: SessionForm) -> SessionPlan:
    """The form as a plan; raises InvalidRecord for a pattern that gives no days."""
    repeat = Repeat(form.repeat.data)
    days = recurring_days(
        form.first_day.data,
        repeat,
        until=form.until.data if repeat != Repeat.ONCE else None,
        count=form.count.data if repeat != Repeat.ONCE else None,
        weeks=form.weeks.data if repeat != Repeat.ONCE else None,
        weekdays=form.weekdays.data or [],
    )
    lead = form.lead.data
    instructors = ([lead] if lead else []) + [a for a in form.assistants.data or [] if a != lead]
    blocks = tuple(
        FacilityBlock(row.facility.data, row.starts.data, row.ends.data)
        for row in (entry.form for entry in form.facilities)
        if row.facility.data
    )
    return SessionPlan(
        course_id=form.course.data,
        days=tuple(days),
        day_starts=form.day_starts.data,
        day_ends=form.day_ends.data,
        instructor_ids=tuple(instructors),
        facilities=blocks,
        capacity=form.capacity.data,
        name=(form.name.data or "").strip(),
        notes=(form.notes.data or "").strip() or None,
    )


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*STAFF)
def create() -> Any:
    form = SessionForm()
    _choices(form)
    if request.method == "GET":
        _defaults(form)
        return render_template("schedule/new.html", form=form, check=None, conflict=None)
    if not form.validate():
        return render_template("schedule/new.html", form=form, check=None, conflict=None), 422
    try:
        plan = _plan(form)
        if request.form.get("action") == "check":
            check = check_plan(db.session, current_user.site, plan, site_today())
            db.session.rollback()
            return render_template("schedule/new.html", form=form, check=check, conflict=None)
        outcome = create_session(
            db.session,
            current_user.site,
            plan,
            today=site_today(),
            skip_conflicting=bool(form.skip_conflicting.data),
            created_by_id=current_user.id,
        )
    except InvalidRecord as error:
        db.session.rollback()
        show_on_form(form, error, PLAN_FIELDS)
        return render_template("schedule/new.html", form=form, check=None, conflict=None), 422
    except SchedulingConflict as conflict:
        db.session.rollback()
        return render_template("schedule/new.html", form=form, check=None, conflict=conflict), 409
    db.session.commit()
    session = outcome.session
    flash(ngettext("%(name)s is scheduled on %(num)d day.",
                   "%(name)s is scheduled on %(num)d days.", len(outcome.booked),
                   name=session.name), "success")  # fmt: skip
    if outcome.skipped:
        flash(_("Skipped: %(days)s.", days="; ".join(
            f"{d.day:%d/%m/%Y}" for d in outcome.skipped)), "warning")  # fmt: skip
        return redirect(url_for("schedule.session", session_id=session.id, skipped="1"))
    return redirect(url_for("schedule.session", session_id=session.id))


def session_or_404(session_id: int) -> CourseSession:
    session = queries.load_session(db.session, session_id)
    if session is None or session.site_id != current_user.site_id:
        abort_with(404, _("There is no session with that number."))
    return session


@bp.route("/sessions/<int:session_id>")
@roles_required(*STAFF)
def session(session_id: int) -> Any:
    course_session = session_or_404(session_id)
    tz = current_user.site.tzinfo
    today = site_today()
    lines = queries.session_enrolments(db.session, course_session.id)
    holding = [line for line in lines if line.enrolment.status in PLACE_HOLDING]
    summaries = attendance_summaries(
        db.session, [(line.enrolment.id, course_session.id) for line in holding], tz, today
    )
    ratings = latest_ratings(db.session, [line.enrolment for line in holding])
    days = queries.day_plans(db.session, course_session, tz)
    return render_template(
        "schedule/session.html",
        s=course_session,
        days=days,
        lines=lines,
        summaries=summaries,
        ratings=ratings,
        skills=[k for k in course_session.course.skills if k.active],
        count=places(db.session, course_session),
        can_manage=can_manage_session(course_session),
        today=today,
        reason_form=ReasonForm(formdata=None),
    )


def _instructors_form(course_session: CourseSession, formdata: bool = False) -> InstructorsForm:
    form = InstructorsForm() if formdata else InstructorsForm(formdata=None)
    instructors = db.session.scalars(
        select(Instructor)
        .where(Instructor.site_id == current_user.site_id, Instructor.status == RecordStatus.ACTIVE)
        .order_by(Instructor.full_name)
    ).all()
    form.lead.choices = options(
        [("", _("Choose an instructor"))] + [(i.id, i.display_name) for i in instructors]
    )
    form.assistants.choices = options((i.id, i.display_name) for i in instructors)
    if not formdata:
        links = sorted(course_session.instructors, key=lambda link: link.role.value, reverse=True)
        lead = [link.instructor_id for link in links if link.role == InstructorRole.LEAD]
        form.lead.data = lead[0] if lead else None
        form.assistants.data = [
            link.instructor_id for link in links if link.instructor_id not in lead
        ]
    return form


def _edit_page(course_session: CourseSession, form: SessionDetailsForm,
               instructors_form: InstructorsForm | None = None, conflict: Any = None) -> str:  # fmt: skip
    return render_template(
        "schedule/edit.html",
        form=form,
        instructors_form=instructors_form or _instructors_form(course_session),
        s=course_session,
        conflict=conflict,
    )


@bp.route("/sessions/<int:session_id>/instructors", methods=["POST"])
@roles_required(*STAFF)
def change_instructors_view(session_id: int) -> Any:
    course_session = session_or_404(session_id)
    require_manage(course_session)
    form = _instructors_form(course_session, formdata=True)
    details = SessionDetailsForm(obj=course_session, formdata=None)
    if not form.validate():
        return _edit_page(course_session, details, form), 422
    wanted = [form.lead.data] + [a for a in form.assistants.data or [] if a != form.lead.data]
    try:
        change_instructors(db.session, current_user.site, course_session, wanted,
                           today=site_today(), created_by_id=current_user.id)  # fmt: skip
    except InvalidRecord as error:
        db.session.rollback()
        show_on_form(form, error, {"instructors": "lead"})
        return _edit_page(session_or_404(session_id), details, form), 422
    except SchedulingConflict as conflict:
        db.session.rollback()
        return _edit_page(session_or_404(session_id), details, form, conflict), 409
    db.session.commit()
    flash(_("Instructors changed from today on."), "success")
    return redirect(url_for("schedule.session", session_id=session_id))


@bp.route("/sessions/<int:session_id>/edit", methods=["GET", "POST"])
@roles_required(*STAFF)
def edit(session_id: int) -> Any:
    course_session = session_or_404(session_id)
    require_manage(course_session)
    form = SessionDetailsForm(obj=course_session)
    if request.method == "GET" or not form.validate():
        status = 422 if request.method == "POST" else 200
        return _edit_page(course_session, form), status
    try:
        promoted = (
            change_capacity(db.session, course_session, form.capacity.data)
            if form.capacity.data != course_session.capacity
            else []
        )
    except InvalidRecord as error:
        db.session.rollback()
        show_on_form(form, error)
        return _edit_page(session_or_404(session_id), form), 422
    course_session.name = (form.name.data or "").strip() or course_session.name
    course_session.notes = (form.notes.data or "").strip() or None
    db.session.commit()
    flash(_("Session details saved."), "success")
    for enrolment in promoted:
        flash(_("%(name)s moved up from the waiting list.", name=enrolment.trainee.full_name),
              "info")  # fmt: skip
    return redirect(url_for("schedule.session", session_id=course_session.id))


@bp.route("/sessions/<int:session_id>/cancel", methods=["GET", "POST"])
@roles_required(*STAFF)
def cancel(session_id: int) -> Any:
    course_session = session_or_404(session_id)
    require_manage(course_session)
    form = ReasonForm()
    if request.method == "POST" and form.validate():
        try:
            cancel_session(db.session, course_session, form.reason.data)
        except InvalidRecord as error:
            db.session.rollback()
            show_on_form(form, error)
            return render_template("schedule/cancel.html", form=form, s=course_session), 422
        db.session.commit()
        flash(_("The session is cancelled; its trainees see the reason."), "info")
        return redirect(url_for("schedule.session", session_id=course_session.id))
    status = 422 if request.method == "POST" else 200
    return render_template("schedule/cancel.html", form=form, s=course_session), status


@bp.route("/sessions/<int:session_id>/days/<int:slot_id>/move", methods=["GET", "POST"])
@roles_required(*STAFF)
def move_day(session_id: int, slot_id: int) -> Any:
    course_session = session_or_404(session_id)
    require_manage(course_session)
    slot = db.session.get(SessionSlot, slot_id)
    if slot is None or slot.session_id != course_session.id:
        abort_with(404, _("That day does not belong to this session."))
    tz = current_user.site.tzinfo
    form = MoveDayForm()
    if request.method == "GET":
        form.day.data = slot.starts_at.astimezone(tz).date()
        form.starts.data = slot.starts_at.astimezone(tz).time()
        form.ends.data = slot.ends_at.astimezone(tz).time()
        return render_template("schedule/move.html", form=form, s=course_session, slot=slot,
                               conflict=None)  # fmt: skip
    if not form.validate():
        return render_template("schedule/move.html", form=form, s=course_session, slot=slot,
                               conflict=None), 422  # fmt: skip
    try:
        reschedule_slot(db.session, current_user.site, course_session, slot, day=form.day.data,
                        starts=form.starts.data, ends=form.ends.data, reason=form.reason.data,
                        today=site_today())  # fmt: skip
    except InvalidRecord as error:
        db.session.rollback()
        show_on_form(form, error)
        return render_template("schedule/move.html", form=form, s=course_session, slot=slot,
                               conflict=None), 422  # fmt: skip
    except SchedulingConflict as conflict:
        db.session.rollback()
        course_session = session_or_404(session_id)
        slot = db.session.get(SessionSlot, slot_id)
        return render_template("schedule/move.html", form=form, s=course_session, slot=slot,
                               conflict=conflict), 409  # fmt: skip
    db.session.commit()
    flash(_("The day is moved; enrolled trainees see the change and the reason."), "success")
    return redirect(url_for("schedule.session", session_id=course_session.id))


def parse_day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        abort_with(404, _("That is not a day (YYYY-MM-DD)."))
