"""Instructor pages (administrators): list, profile with qualifications and leave, the form,
retirement and the calendar feed link."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from isdc.extensions import db
from isdc.models import (
    CourseCategory,
    FeedOwner,
    Instructor,
    InstructorLeave,
    InstructorQualification,
    RecordStatus,
    ResourceKind,
    Role,
    User,
    VehicleKind,
)
from isdc.models.audit import audit
from isdc.models.base import utcnow
from isdc.models.rules import N_, RuleViolation
from isdc.scheduling.events import BackOfficeEvent
from isdc.scheduling.feeds import ensure_feed, feed_for
from isdc.scheduling.resources import (
    WARNING_DAYS,
    bookings_during,
    normalise_staff_number,
    overlapping_leave,
    period_problems,
    staff_number_problems,
)
from isdc.web.access import roles_required
from isdc.web.backoffice import record_or_404, show_on_form, site_today
from isdc.web.errors import abort_with
from isdc.web.i18n import explain
from isdc.web.instructors import bp
from isdc.web.instructors.forms import InstructorForm, LeaveForm, QualificationForm


@bp.route("")
@roles_required(Role.ADMIN)
def index() -> Any:
    status = request.args.get("status", "active")
    q = " ".join(request.args.get("q", "").split())[:100]
    query = (
        select(Instructor)
        .options(selectinload(Instructor.qualifications), selectinload(Instructor.leaves))
        .where(Instructor.site_id == current_user.site_id)
        .order_by(Instructor.full_name)
    )
    if status in ("active", "retired"):
        query = query.where(Instructor.status == RecordStatus(status))
    if q:
        query = query.where(
            or_(
                Instructor.full_name.icontains(q, autoescape=True),
                Instructor.staff_number.contains(q, autoescape=True),
            )
        )
    instructors = db.session.scalars(query).all()
    return render_template(
        "instructors/index.html",
        instructors=instructors,
        status=status,
        q=q,
        today=site_today(),
        warning_days=WARNING_DAYS,
    )


def _instructor(instructor_id: int) -> Instructor:
    return record_or_404(Instructor, instructor_id, _("There is no instructor with that number."))


def _save(form: InstructorForm, instructor: Instructor, template: str) -> Any:
    staff_number = normalise_staff_number(form.staff_number.data or "")
    problems = staff_number_problems(staff_number)
    holder = db.session.scalar(select(Instructor).where(Instructor.staff_number == staff_number))
    if holder is not None and holder is not instructor:
        problems.append(
            RuleViolation(
                "staff_number",
                N_("This NRP/NIP belongs to %(name)s already."),
                {"name": holder.display_name},
            )
        )
    if problems:
        show_on_form(form, problems)
        return render_template(template, form=form, instructor=instructor), 422
    instructor.staff_number = staff_number
    instructor.full_name = " ".join((form.full_name.data or "").split())
    instructor.rank = (form.rank.data or "").strip() or None
    instructor.phone = (form.phone.data or "").strip() or None
    instructor.email = (form.email.data or "").strip() or None
    instructor.weekly_hours = form.weekly_hours.data
    db.session.add(instructor)
    db.session.commit()
    return None


@bp.route("/new", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def create() -> Any:
    form = InstructorForm()
    if request.method == "POST":
        if not form.validate():
            return render_template("instructors/form.html", form=form, instructor=None), 422
        instructor = Instructor(site_id=current_user.site_id)
        if (failed := _save(form, instructor, "instructors/form.html")) is not None:
            return failed
        flash(_("Instructor %(name)s added. Add their qualifications next.",
                name=instructor.display_name), "success")  # fmt: skip
        return redirect(url_for("instructors.profile", instructor_id=instructor.id))
    return render_template("instructors/form.html", form=form, instructor=None)


@bp.route("/<int:instructor_id>/edit", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def edit(instructor_id: int) -> Any:
    instructor = _instructor(instructor_id)
    form = InstructorForm(obj=instructor)
    if request.method == "POST":
        if not form.validate():
            return render_template("instructors/form.html", form=form, instructor=instructor), 422
        if (failed := _save(form, instructor, "instructors/form.html")) is not None:
            return failed
        flash(_("Changes to %(name)s saved.", name=instructor.display_name), "success")
        return redirect(url_for("instructors.profile", instructor_id=instructor.id))
    return render_template("instructors/form.html", form=form, instructor=instructor)


@bp.route("/<int:instructor_id>")
@roles_required(Role.ADMIN)
def profile(instructor_id: int) -> Any:
    instructor = _instructor(instructor_id)
    today = site_today()
    tz = current_user.site.tzinfo
    upcoming = bookings_during(db.session, ResourceKind.INSTRUCTOR, instructor.id, today,
                               today + timedelta(days=27), tz)  # fmt: skip
    monday = today - timedelta(days=today.weekday())
    this_week = bookings_during(db.session, ResourceKind.INSTRUCTOR, instructor.id, monday,
                                monday + timedelta(days=6), tz)  # fmt: skip
    hours = sum((b.ends_at - b.starts_at).total_seconds() for b in this_week) / 3600
    account = db.session.scalar(select(User).where(User.instructor_id == instructor.id))
    return render_template(
        "instructors/profile.html",
        instructor=instructor,
        upcoming=upcoming,
        hours_this_week=hours,
        account=account,
        feed=feed_for(db.session, FeedOwner.INSTRUCTOR, instructor.id),
        qualification_form=QualificationForm(formdata=None),
        leave_form=LeaveForm(formdata=None),
        today=today,
        warning_days=WARNING_DAYS,
    )


def _back(instructor: Instructor) -> Any:
    return redirect(url_for("instructors.profile", instructor_id=instructor.id))


def _refuse(instructor: Instructor, messages: list[str]) -> Any:
    for message in messages:
        flash(message, "danger")
    return _back(instructor)


@bp.route("/<int:instructor_id>/qualifications", methods=["POST"])
@roles_required(Role.ADMIN)
def add_qualification(instructor_id: int) -> Any:
    """Add a qualification, or renew the one for the same category and vehicle class."""
    instructor = _instructor(instructor_id)
    form = QualificationForm()
    if not form.validate():
        return _refuse(instructor, [e for errors in form.errors.values() for e in errors])
    category = CourseCategory(form.category.data)
    vehicle = VehicleKind(form.vehicle_kind.data) if form.vehicle_kind.data else None
    existing = next(
        (
            q
            for q in instructor.qualifications
            if q.category == category and q.vehicle_kind == vehicle
        ),
        None,
    )
    if existing is None:
        existing = InstructorQualification(category=category, vehicle_kind=vehicle)
        instructor.qualifications.append(existing)
        message = _("Qualification added.")
    else:
        message = _("Qualification renewed.")
    existing.valid_until = form.valid_until.data
    existing.reference = (form.reference.data or "").strip() or None
    db.session.commit()
    flash(message, "success")
    return _back(instructor)


@bp.route("/<int:instructor_id>/qualifications/<int:qualification_id>/delete", methods=["POST"])
@roles_required(Role.ADMIN)
def delete_qualification(instructor_id: int, qualification_id: int) -> Any:
    instructor = _instructor(instructor_id)
    qualification = db.session.get(InstructorQualification, qualification_id)
    if qualification is None or qualification.instructor_id != instructor.id:
        abort_with(404, _("There is no such qualification."))
    db.session.delete(qualification)
    db.session.commit()
    flash(_("Qualification removed."), "info")
    return _back(instructor)


@bp.route("/<int:instructor_id>/leave", methods=["POST"])
@roles_required(Role.ADMIN)
def add_leave(instructor_id: int) -> Any:
    instructor = _instructor(instructor_id)
    form = LeaveForm()
    if not form.validate():
        return _refuse(instructor, [e for errors in form.errors.values() for e in errors])
    first, last = form.first_day.data, form.last_day.data
    if problems := period_problems(first, last):
        return _refuse(instructor, [explain(p) for p in problems])
    if other := overlapping_leave(instructor, first, last):
        return _refuse(instructor, [_("This overlaps the leave from %(first)s to %(last)s.",
                                      first=other.first_day.strftime("%d/%m/%Y"),
                                      last=other.last_day.strftime("%d/%m/%Y"))])  # fmt: skip
    instructor.leaves.append(
        InstructorLeave(first_day=first, last_day=last, reason=(form.reason.data or "").strip())
    )
    db.session.commit()
    flash(_("Leave recorded. The instructor cannot be scheduled on those days."), "success")
    affected = bookings_during(db.session, ResourceKind.INSTRUCTOR, instructor.id, first, last,
                               current_user.site.tzinfo)  # fmt: skip
    if affected:
        names = ", ".join(dict.fromkeys(f"{b.session_name} ({b.course_code})" for b in affected))
        flash(_("Already booked in those days: %(sessions)s. Move those days or give them "
                "another instructor.", sessions=names), "warning")  # fmt: skip
    return _back(instructor)


@bp.route("/<int:instructor_id>/leave/<int:leave_id>/delete", methods=["POST"])
@roles_required(Role.ADMIN)
def delete_leave(instructor_id: int, leave_id: int) -> Any:
    instructor = _instructor(instructor_id)
    leave = db.session.get(InstructorLeave, leave_id)
    if leave is None or leave.instructor_id != instructor.id:
        abort_with(404, _("There is no such leave."))
    db.session.delete(leave)
    db.session.commit()
    flash(_("Leave removed."), "info")
    return _back(instructor)


@bp.route("/<int:instructor_id>/retire", methods=["POST"])
@roles_required(Role.ADMIN)
def retire(instructor_id: int) -> Any:
    instructor = _instructor(instructor_id)
    if instructor.status != RecordStatus.RETIRED:
        instructor.status = RecordStatus.RETIRED
        instructor.retired_at = utcnow()
        audit(db.session, BackOfficeEvent.RETIRE, instructor)
        db.session.commit()
        flash(_("%(name)s is retired and can no longer be scheduled.",
                name=instructor.display_name), "info")  # fmt: skip
    return _back(instructor)


@bp.route("/<int:instructor_id>/reactivate", methods=["POST"])
@roles_required(Role.ADMIN)
def reactivate(instructor_id: int) -> Any:
    instructor = _instructor(instructor_id)
    if instructor.status == RecordStatus.RETIRED:
        instructor.status = RecordStatus.ACTIVE
        instructor.retired_at = None
        audit(db.session, BackOfficeEvent.REACTIVATE, instructor)
        db.session.commit()
        flash(_("%(name)s is active again.", name=instructor.display_name), "success")
    return _back(instructor)


@bp.route("/<int:instructor_id>/feed", methods=["POST"])
@roles_required(Role.ADMIN)
def feed(instructor_id: int) -> Any:
    """Create the calendar feed link, or replace it (the old link stops working)."""
    instructor = _instructor(instructor_id)
    calendar_feed, created = ensure_feed(db.session, FeedOwner.INSTRUCTOR, instructor.id)
    if not created:
        calendar_feed.regenerate()
    audit(db.session, BackOfficeEvent.FEED_TOKEN, calendar_feed, created=created)
    db.session.commit()
    flash(_("Calendar link created.") if created
          else _("New calendar link made; the old one no longer works."), "success")  # fmt: skip
    return _back(instructor)
