"""Facility pages (administrators): list by kind with STNK warnings, the form, maintenance,
retirement and the calendar feed link."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from isdc.extensions import db
from isdc.models import (
    Facility,
    FacilityKind,
    FacilityMaintenance,
    FeedOwner,
    RecordStatus,
    ResourceKind,
    Role,
    Station,
    TrackKind,
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
    facility_problems,
    normalise_plate,
    overlapping_maintenance,
    period_problems,
)
from isdc.web.access import roles_required
from isdc.web.backoffice import record_or_404, show_on_form, site_today
from isdc.web.errors import abort_with
from isdc.web.facilities import bp
from isdc.web.facilities.forms import FacilityForm, MaintenanceForm
from isdc.web.i18n import explain


@bp.route("")
@roles_required(Role.ADMIN)
def index() -> Any:
    status = request.args.get("status", "active")
    query = (
        select(Facility)
        .options(selectinload(Facility.maintenance))
        .where(Facility.site_id == current_user.site_id)
        .order_by(Facility.kind, Facility.name)
    )
    if status in ("active", "retired"):
        query = query.where(Facility.status == RecordStatus(status))
    facilities = db.session.scalars(query).all()
    groups: dict[FacilityKind, list[Facility]] = {kind: [] for kind in FacilityKind}
    for facility in facilities:
        groups[facility.kind].append(facility)
    return render_template(
        "facilities/index.html",
        groups=groups,
        status=status,
        count=len(facilities),
        today=site_today(),
        warning_days=WARNING_DAYS,
    )


def _facility(facility_id: int) -> Facility:
    return record_or_404(Facility, facility_id, _("There is no facility with that number."))


def _fill(facility: Facility, form: FacilityForm) -> None:
    facility.name = " ".join((form.name.data or "").split())
    facility.kind = FacilityKind(form.kind.data)
    track = form.track_kind.data if facility.kind == FacilityKind.TRACK else None
    facility.track_kind = TrackKind(track) if track else None
    facility.capacity = form.capacity.data
    facility.opens_at = form.opens_at.data
    facility.closes_at = form.closes_at.data
    facility.open_weekdays = "".join(sorted(set(form.open_weekdays.data or [])))
    vehicle = facility.kind == FacilityKind.VEHICLE
    facility.vehicle_kind = (
        VehicleKind(form.vehicle_kind.data) if vehicle and form.vehicle_kind.data else None
    )
    facility.registration_number = (
        normalise_plate(form.registration_number.data) if vehicle else None
    )
    facility.stnk_valid_until = form.stnk_valid_until.data if vehicle else None
    facility.notes = (form.notes.data or "").strip() or None


def _save(form: FacilityForm, facility: Facility) -> Any:
    with db.session.no_autoflush:
        _fill(facility, form)
        problems = facility_problems(facility)
        same_name = db.session.scalar(
            select(Facility).where(Facility.site_id == current_user.site_id,
                                   Facility.name == facility.name)
        )  # fmt: skip
        same_plate = facility.registration_number and db.session.scalar(
            select(Facility).where(Facility.registration_number == facility.registration_number)
        )
    if same_name is not None and same_name is not facility:
        problems.append(RuleViolation("name", N_("Another facility has this name.")))
    if same_plate and same_plate is not facility:
        problems.append(
            RuleViolation("registration_number", N_("Another vehicle has this registration plate."))
        )
    if problems:
        db.session.rollback()
        show_on_form(form, problems)
        return render_template("facilities/form.html", form=form, facility=facility), 422
    db.session.add(facility)
    db.session.commit()
    return None


@bp.route("/new", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def create() -> Any:
    form = FacilityForm()
    if request.method == "POST":
        if not form.validate():
            return render_template("facilities/form.html", form=form, facility=None), 422
        facility = Facility(site_id=current_user.site_id)
        if (failed := _save(form, facility)) is not None:
            return failed
        flash(_("Facility %(name)s added.", name=facility.name), "success")
        return redirect(url_for("facilities.detail", facility_id=facility.id))
    return render_template("facilities/form.html", form=form, facility=None)


@bp.route("/<int:facility_id>/edit", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def edit(facility_id: int) -> Any:
    facility = _facility(facility_id)
    form = FacilityForm(obj=facility)
    if request.method == "GET":
        form.kind.data = facility.kind.value
        form.track_kind.data = facility.track_kind.value if facility.track_kind else ""
        form.vehicle_kind.data = facility.vehicle_kind.value if facility.vehicle_kind else ""
        form.open_weekdays.data = list(facility.open_weekdays)
        return render_template("facilities/form.html", form=form, facility=facility)
    if not form.validate():
        return render_template("facilities/form.html", form=form, facility=facility), 422
    if (failed := _save(form, facility)) is not None:
        return failed
    flash(_("Changes to %(name)s saved.", name=facility.name), "success")
    return redirect(url_for("facilities.detail", facility_id=facility.id))


@bp.route("/<int:facility_id>")
@roles_required(Role.ADMIN)
def detail(facility_id: int) -> Any:
    facility = _facility(facility_id)
    today = site_today()
    upcoming = bookings_during(db.session, ResourceKind.FACILITY, facility.id, today,
                               today + timedelta(days=27), current_user.site.tzinfo)  # fmt: skip
    station = db.session.scalar(select(Station).where(Station.facility_id == facility.id))
    return render_template(
        "facilities/detail.html",
        facility=facility,
        upcoming=upcoming,
        station=station,
        feed=feed_for(db.session, FeedOwner.FACILITY, facility.id),
        maintenance_form=MaintenanceForm(formdata=None),
        today=today,
        warning_days=WARNING_DAYS,
    )


def _back(facility: Facility) -> Any:
    return redirect(url_for("facilities.detail", facility_id=facility.id))


@bp.route("/<int:facility_id>/maintenance", methods=["POST"])
@roles_required(Role.ADMIN)
def add_maintenance(facility_id: int) -> Any:
    facility = _facility(facility_id)
    form = MaintenanceForm()
    if not form.validate():
        for errors in form.errors.values():
            for error in errors:
                flash(error, "danger")
        return _back(facility)
    first, last = form.first_day.data, form.last_day.data
    if problems := period_problems(first, last):
        for problem in problems:
            flash(explain(problem), "danger")
        return _back(facility)
    if other := overlapping_maintenance(facility, first, last):
        flash(_("This overlaps the maintenance from %(first)s to %(last)s.",
                first=other.first_day.strftime("%d/%m/%Y"),
                last=other.last_day.strftime("%d/%m/%Y")), "danger")  # fmt: skip
        return _back(facility)
    facility.maintenance.append(
        FacilityMaintenance(first_day=first, last_day=last, reason=(form.reason.data or "").strip())
    )
    db.session.commit()
    flash(_("Maintenance recorded. The facility cannot be booked on those days."), "success")
    affected = bookings_during(db.session, ResourceKind.FACILITY, facility.id, first, last,
                               current_user.site.tzinfo)  # fmt: skip
    if affected:
        names = ", ".join(dict.fromkeys(f"{b.session_name} ({b.course_code})" for b in affected))
        flash(_("Already booked in those days: %(sessions)s. Move those days or book another "
                "place.", sessions=names), "warning")  # fmt: skip
    return _back(facility)


@bp.route("/<int:facility_id>/maintenance/<int:period_id>/delete", methods=["POST"])
@roles_required(Role.ADMIN)
def delete_maintenance(facility_id: int, period_id: int) -> Any:
    facility = _facility(facility_id)
    period = db.session.get(FacilityMaintenance, period_id)
    if period is None or period.facility_id != facility.id:
        abort_with(404, _("There is no such maintenance period."))
    db.session.delete(period)
    db.session.commit()
    flash(_("Maintenance period removed."), "info")
    return _back(facility)


@bp.route("/<int:facility_id>/retire", methods=["POST"])
@roles_required(Role.ADMIN)
def retire(facility_id: int) -> Any:
    facility = _facility(facility_id)
    if facility.status != RecordStatus.RETIRED:
        facility.status = RecordStatus.RETIRED
        facility.retired_at = utcnow()
        audit(db.session, BackOfficeEvent.RETIRE, facility)
        db.session.commit()
        flash(_("%(name)s is retired and can no longer be booked.", name=facility.name), "info")
    return _back(facility)


@bp.route("/<int:facility_id>/reactivate", methods=["POST"])
@roles_required(Role.ADMIN)
def reactivate(facility_id: int) -> Any:
    facility = _facility(facility_id)
    if facility.status == RecordStatus.RETIRED:
        facility.status = RecordStatus.ACTIVE
        facility.retired_at = None
        audit(db.session, BackOfficeEvent.REACTIVATE, facility)
        db.session.commit()
        flash(_("%(name)s is active again.", name=facility.name), "success")
    return _back(facility)


@bp.route("/<int:facility_id>/feed", methods=["POST"])
@roles_required(Role.ADMIN)
def feed(facility_id: int) -> Any:
    facility = _facility(facility_id)
    calendar_feed, created = ensure_feed(db.session, FeedOwner.FACILITY, facility.id)
    if not created:
        calendar_feed.regenerate()
    audit(db.session, BackOfficeEvent.FEED_TOKEN, calendar_feed, created=created)
    db.session.commit()
    flash(_("Calendar link created.") if created
          else _("New calendar link made; the old one no longer works."), "success")  # fmt: skip
    return _back(facility)
