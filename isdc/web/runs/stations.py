"""Station admin: register a station for a bay, show its token once, revoke, last seen."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, make_response, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from isdc.extensions import db
from isdc.models import Facility, FacilityKind, Role, Station
from isdc.models.audit import AuditAction, audit
from isdc.models.base import RecordStatus
from isdc.web.access import roles_required
from isdc.web.runs import bp
from isdc.web.runs.forms import ActionForm, StationForm


def site_station(station_id: int) -> Station:
    station = db.session.get(Station, station_id)
    if station is None or station.site_id != current_user.site_id:
        abort(404)
    return station


def bay_choices() -> list[tuple[int, str]]:
    bays = db.session.scalars(
        select(Facility)
        .where(
            Facility.site_id == current_user.site_id, Facility.kind == FacilityKind.SIMULATOR_BAY
        )
        .order_by(Facility.name)
    ).all()
    return [(0, _("(no bay)"))] + [(b.id, b.name) for b in bays]


@bp.route("/stations")
@roles_required(Role.ADMIN)
def stations() -> Any:
    rows = db.session.scalars(
        select(Station)
        .options(joinedload(Station.facility))
        .where(Station.site_id == current_user.site_id)
        .order_by(Station.status, Station.name)
    ).all()
    return render_template("runs/stations.html", stations=rows, form=ActionForm())


@bp.route("/stations/new", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def new_station() -> Any:
    form = StationForm()
    form.bay.choices = bay_choices()
    if form.validate_on_submit():
        name = form.name.data.strip()
        taken = db.session.scalar(
            select(Station.id).where(
                Station.site_id == current_user.site_id, func.upper(Station.name) == name.upper()
            )
        )
        if taken is not None:
            form.name.errors.append(_("There is already a station with this name."))
        else:
            station = Station(site_id=current_user.site_id, name=name,
                              facility_id=form.bay.data or None)  # fmt: skip
            db.session.add(station)
            token = station.issue_token()
            db.session.flush()
            audit(db.session, AuditAction.TOKEN, station, issued=True, new_station=True)
            db.session.commit()
            return token_page(station, token)
    return render_template("runs/station_form.html", form=form)


def token_page(station: Station, token: str) -> Any:
    """The token, shown this once; the page must not be kept by the browser or a proxy."""
    response = make_response(
        render_template("runs/station_token.html", station=station, token=token)
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/stations/<int:station_id>/token", methods=["POST"])
@roles_required(Role.ADMIN)
def station_token(station_id: int) -> Any:
    station = site_station(station_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    if station.status != RecordStatus.ACTIVE:
        flash(_("Station %(name)s is retired.", name=station.name), "warning")
        return redirect(url_for("runs.stations"))
    token = station.issue_token()
    audit(db.session, AuditAction.TOKEN, station, issued=True)
    db.session.commit()
    return token_page(station, token)


@bp.route("/stations/<int:station_id>/revoke", methods=["POST"])
@roles_required(Role.ADMIN)
def revoke_station(station_id: int) -> Any:
    station = site_station(station_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    station.revoke_token()
    audit(db.session, AuditAction.REVOKE, station, what="station token")
    db.session.commit()
    flash(_("The token of station %(name)s no longer works.", name=station.name), "success")
    return redirect(url_for("runs.stations"))
