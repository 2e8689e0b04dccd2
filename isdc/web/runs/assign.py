"""Assignments: instructors assign scenarios to a session's trainees and send them to bays;
the cohort view shows who has passed which required scenario."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import exists, or_, select
from sqlalchemy.orm import joinedload

from isdc.extensions import db
from isdc.models import (
    Assignment,
    CourseScenarioRequirement,
    CourseSession,
    Role,
    SessionStatus,
    Station,
)
from isdc.models.base import RecordStatus, utcnow
from isdc.runs import catalogue
from isdc.runs.assignments import (
    OPEN,
    AssignmentProblem,
    Task,
    assign,
    cancel,
    participants,
    required_tasks,
    resend,
    send_to_bay,
)
from isdc.runs.progress import cohort
from isdc.web.access import roles_required
from isdc.web.i18n import locale_code
from isdc.web.runs import bp
from isdc.web.runs.forms import ActionForm, AssignForm, SendForm

STAFF = (Role.ADMIN, Role.INSTRUCTOR)
RECENT = timedelta(days=45)


def site_session(session_id: int) -> CourseSession:
    session = db.session.get(CourseSession, session_id)
    if session is None or session.site_id != current_user.site_id:
        abort(404)
    return session


@bp.route("/sessions")
@roles_required(*STAFF)
def sessions() -> Any:
    """Sessions with simulator work: running or coming first, then those of recent weeks."""
    now = utcnow()
    has_work = or_(
        exists().where(CourseScenarioRequirement.course_id == CourseSession.course_id),
        exists().where(Assignment.session_id == CourseSession.id),
    )
    rows = db.session.scalars(
        select(CourseSession)
        .options(joinedload(CourseSession.course))
        .where(
            CourseSession.site_id == current_user.site_id,
            CourseSession.status != SessionStatus.CANCELLED,
            CourseSession.ends_at >= now - RECENT,
            has_work,
        )
        .order_by(CourseSession.starts_at)
    ).all()
    current = [s for s in rows if s.ends_at >= now]
    past = [s for s in reversed(rows) if s.ends_at < now]
    return render_template("runs/sessions.html", current=current, past=past, now=now)


def station_choices() -> list[tuple[int, str]]:
    stations = db.session.scalars(
        select(Station)
        .options(joinedload(Station.facility))
        .where(
            Station.site_id == current_user.site_id,
            Station.status == RecordStatus.ACTIVE,
            Station.token_hash.is_not(None),
        )
        .order_by(Station.name)
    ).all()
    return [(s.id, f"{s.facility.name} ({s.name})" if s.facility else s.name) for s in stations]


def assign_form() -> AssignForm:
    form = AssignForm()
    lang = locale_code()
    form.scenario.choices = [(s.id, s.title_in(lang)) for s in catalogue.assignable()]
    form.vehicle.choices = [(v, str(label)) for v, label in _vehicle_labels().items()]
    return form


def _vehicle_labels() -> dict[str, Any]:
    from isdc.web.runs.labels import VEHICLES

    return VEHICLES


@bp.route("/sessions/<int:session_id>")
@roles_required(*STAFF)
def session(session_id: int) -> Any:
    record = site_session(session_id)
    view = cohort(db.session, record)
    queue = db.session.scalars(
        select(Assignment)
        .options(joinedload(Assignment.trainee), joinedload(Assignment.station))
        .where(Assignment.session_id == record.id, Assignment.status.in_(OPEN))
        .order_by(Assignment.created_at, Assignment.id)
    ).all()
    send = SendForm()
    send.station.choices = station_choices()
    return render_template(
        "runs/session.html",
        session=record,
        cohort=view,
        queue=queue,
        form=assign_form(),
        send=send,
        action=ActionForm(),
        required=required_tasks(record),
    )


def _back(record: CourseSession) -> Any:
    return redirect(url_for("runs.session", session_id=record.id))


@bp.route("/sessions/<int:session_id>/assign-required", methods=["POST"])
@roles_required(*STAFF)
def assign_required(session_id: int) -> Any:
    """Every trainee of the session gets the course's required scenarios (random seeds)."""
    record = site_session(session_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    tasks = required_tasks(record)
    if not tasks:
        flash(_("This course requires no simulator scenarios; assign one below."), "warning")
        return _back(record)
    try:
        made = assign(db.session, record, tasks, participants(db.session, record),
                      created_by_id=current_user.id)  # fmt: skip
    except AssignmentProblem as exc:
        db.session.rollback()
        flash(_(exc.message, **exc.params), "danger")
        return _back(record)
    db.session.commit()
    flash(_("%(num)d assignments made.", num=len(made)), "success")
    return _back(record)


@bp.route("/sessions/<int:session_id>/assign", methods=["POST"])
@roles_required(*STAFF)
def assign_one(session_id: int) -> Any:
    """One scenario, vehicle and seed for the trainees ticked in the cohort table."""
    record = site_session(session_id)
    form = assign_form()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for error in errors:
                flash(str(error), "danger")
        return _back(record)
    chosen = {int(v) for v in request.form.getlist("enrolment") if v.isdigit()}
    enrolments = [e for e in participants(db.session, record) if e.id in chosen]
    if not enrolments:
        flash(_("Tick the trainees who should drive this scenario."), "warning")
        return _back(record)
    task = Task(form.scenario.data, form.vehicle.data, form.seed.data)
    try:
        made = assign(db.session, record, [task], enrolments, created_by_id=current_user.id,
                      skip_open=False)  # fmt: skip
    except AssignmentProblem as exc:
        db.session.rollback()
        flash(_(exc.message, **exc.params), "danger")
        return _back(record)
    db.session.commit()
    flash(_("%(num)d assignments made.", num=len(made)), "success")
    return _back(record)


@bp.route("/sessions/<int:session_id>/send/<int:trainee_id>", methods=["POST"])
@roles_required(*STAFF)
def send(session_id: int, trainee_id: int) -> Any:
    """Send a trainee to a bay: their waiting assignments queue for its station."""
    record = site_session(session_id)
    form = SendForm()
    form.station.choices = station_choices()
    if not form.validate_on_submit():
        flash(_("Choose a bay with a registered station."), "danger")
        return _back(record)
    if trainee_id not in {e.trainee_id for e in participants(db.session, record)}:
        abort(404)
    station = db.session.get(Station, form.station.data)
    assert station is not None  # the choices are this site's active stations
    try:
        count = send_to_bay(db.session, trainee_id, station)
    except AssignmentProblem as exc:
        db.session.rollback()
        flash(_(exc.message, **exc.params), "danger")
        return _back(record)
    db.session.commit()
    if count:
        flash(
            _("%(num)d assignments queued for %(station)s.", num=count, station=station.name),
            "success",
        )
    else:
        flash(_("This trainee has no waiting assignments; assign a scenario first."), "warning")
    return _back(record)


def site_assignment(assignment_id: int) -> Assignment:
    assignment = db.session.get(Assignment, assignment_id)
    if assignment is None or assignment.site_id != current_user.site_id:
        abort(404)
    return assignment


def _after_assignment(assignment: Assignment) -> Any:
    if assignment.session_id:
        return redirect(url_for("runs.session", session_id=assignment.session_id))
    return redirect(url_for("runs.sessions"))


@bp.route("/assignments/<int:assignment_id>/cancel", methods=["POST"])
@roles_required(*STAFF)
def cancel_assignment(assignment_id: int) -> Any:
    assignment = site_assignment(assignment_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        cancel(assignment)
    except AssignmentProblem as exc:
        flash(_(exc.message, **exc.params), "warning")
        return _after_assignment(assignment)
    db.session.commit()
    flash(_("Assignment cancelled."), "success")
    return _after_assignment(assignment)


@bp.route("/assignments/<int:assignment_id>/resend", methods=["POST"])
@roles_required(*STAFF)
def resend_assignment(assignment_id: int) -> Any:
    assignment = site_assignment(assignment_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        resend(assignment)
    except AssignmentProblem as exc:
        flash(_(exc.message, **exc.params), "warning")
        return _after_assignment(assignment)
    db.session.commit()
    flash(_("The assignment waits for its station again."), "success")
    return _after_assignment(assignment)
