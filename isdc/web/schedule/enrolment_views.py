"""Trainees in a session: enrol one by one or from a CSV list, withdraw, take attendance, rate
skills and sign off the practical assessment."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from isdc.extensions import db
from isdc.imports.csvfile import read_csv_table
from isdc.imports.enrolments import import_enrolments, preview_enrolment_import
from isdc.models import (
    AttendanceStatus,
    Enrolment,
    EnrolmentStatus,
    Role,
    SkillLevel,
    Trainee,
)
from isdc.models.base import utcnow
from isdc.models.enrolment import PLACE_HOLDING, SKILL_LEVEL_LABELS
from isdc.models.rules import InvalidRecord
from isdc.scheduling.assessment import (
    latest_ratings,
    rate_skills,
    sign_off,
    sign_off_problems,
    undo_sign_off,
)
from isdc.scheduling.attendance import attendance_sheet, record_attendance, session_day_list
from isdc.scheduling.clashes import SchedulingConflict
from isdc.scheduling.enrolment import enrol, withdraw
from isdc.web import uploads
from isdc.web.access import roles_required
from isdc.web.backoffice import explain_all, record_or_404, require_manage, site_today
from isdc.web.errors import abort_with
from isdc.web.explain import explain_clash
from isdc.web.schedule import bp, queries
from isdc.web.schedule.forms import EnrolmentImportForm, ReasonForm, SignOffForm
from isdc.web.schedule.session_views import parse_day, session_or_404
from isdc.web.trainees.forms import ConfirmImportForm

STAFF = (Role.ADMIN, Role.INSTRUCTOR)


def _back(session_id: int, anchor: str = "") -> Any:
    return redirect(url_for("schedule.session", session_id=session_id) + anchor)


def _flash_promoted(promoted: list[Enrolment]) -> None:
    for enrolment in promoted:
        flash(_("%(name)s moved up from the waiting list into the freed place.",
                name=enrolment.trainee.full_name), "info")  # fmt: skip


@bp.route("/sessions/<int:session_id>/enrol", methods=["GET", "POST"])
@roles_required(*STAFF)
def enrol_one(session_id: int) -> Any:
    course_session = session_or_404(session_id)
    require_manage(course_session)
    if request.method == "GET":
        q = request.args.get("q", "")[:100]
        matches = queries.search_trainees(db.session, current_user.site_id, q, course_session.id)
        return render_template("schedule/enrol.html", s=course_session, q=q, matches=matches,
                               problems=[])  # fmt: skip
    trainee_id = request.form.get("trainee_id", "")
    if not trainee_id.isdigit():
        abort_with(400, _("Choose a trainee to enrol."))
    trainee = record_or_404(Trainee, int(trainee_id), _("There is no trainee with that number."))
    try:
        enrolment = enrol(db.session, course_session, trainee, by_user_id=current_user.id)
    except InvalidRecord as error:
        db.session.rollback()
        return _refused(course_session.id, explain_all(error), 422)
    except SchedulingConflict as conflict:
        db.session.rollback()
        return _refused(course_session.id, [explain_clash(c) for c in conflict.clashes], 409)
    db.session.commit()
    if enrolment.status == EnrolmentStatus.ENROLLED:
        flash(_("%(name)s is enrolled.", name=trainee.full_name), "success")
    else:
        flash(_("The session is full: %(name)s is on the waiting list, place %(position)d.",
                name=trainee.full_name, position=enrolment.waitlist_position), "warning")  # fmt: skip
    return redirect(url_for("schedule.enrol_one", session_id=course_session.id,
                            q=request.form.get("q", "")))  # fmt: skip


def _refused(session_id: int, problems: list[str], status: int) -> Any:
    course_session = session_or_404(session_id)
    q = request.form.get("q", "")
    matches = queries.search_trainees(db.session, current_user.site_id, q, course_session.id)
    return render_template("schedule/enrol.html", s=course_session, q=q, matches=matches,
                           problems=problems), status  # fmt: skip


@bp.route("/sessions/<int:session_id>/import", methods=["GET", "POST"])
@roles_required(*STAFF)
def import_list(session_id: int) -> Any:
    course_session = session_or_404(session_id)
    require_manage(course_session)
    form = EnrolmentImportForm()
    if request.method == "GET":
        return render_template("schedule/import.html", s=course_session, form=form, preview=None)
    if not form.validate():
        return render_template("schedule/import.html", s=course_session, form=form,
                               preview=None), 400  # fmt: skip
    upload = form.file.data
    data, name = upload.read(), upload.filename or "peserta.csv"
    return _preview_page(course_session, form, data, name)


def _preview_page(course_session: Any, form: EnrolmentImportForm, data: bytes, name: str,
                  failed_status: int = 422) -> Any:  # fmt: skip
    try:
        table = read_csv_table(data)
    except InvalidRecord as error:
        form.form_errors.extend(explain_all(error))
        return render_template("schedule/import.html", s=course_session, form=form,
                               preview=None), 422  # fmt: skip
    preview = preview_enrolment_import(db.session, course_session, table, site_today(), utcnow())
    db.session.rollback()
    confirm = ConfirmImportForm(token=uploads.stage(data, current_user.id), file_name=name)
    return render_template("schedule/import.html", s=course_session, form=form, preview=preview,
                           confirm=confirm, file_name=name), (200 if preview.ok else failed_status)  # fmt: skip


@bp.route("/sessions/<int:session_id>/import/confirm", methods=["POST"])
@roles_required(*STAFF)
def import_confirm(session_id: int) -> Any:
    course_session = session_or_404(session_id)
    require_manage(course_session)
    confirm = ConfirmImportForm()
    form = EnrolmentImportForm()
    token = confirm.token.data or ""
    data = uploads.staged(token, current_user.id)
    name = (confirm.file_name.data or "peserta.csv")[:200]
    if not confirm.validate() or data is None:
        form.form_errors.append(_("The checked file did not come back; choose it again."))
        return render_template("schedule/import.html", s=course_session, form=form,
                               preview=None), 400  # fmt: skip
    table = read_csv_table(data)
    preview = preview_enrolment_import(db.session, course_session, table, site_today(), utcnow())
    if not preview.ok:
        db.session.rollback()
        form.form_errors.append(_("The list no longer passes the checks; nothing was imported."))
        uploads.discard(token, current_user.id)  # the new check stages it again
        return _preview_page(course_session, form, data, name, failed_status=409)
    try:
        enrolments = import_enrolments(db.session, course_session, preview,
                                       by_user_id=current_user.id, now=utcnow(), file_name=name)  # fmt: skip
    except (InvalidRecord, SchedulingConflict):
        db.session.rollback()
        form.form_errors.append(_("The list no longer passes the checks; nothing was imported."))
        uploads.discard(token, current_user.id)  # the new check stages it again
        return _preview_page(course_session, form, data, name, failed_status=409)
    db.session.commit()
    uploads.discard(token, current_user.id)
    enrolled = sum(1 for e in enrolments if e.status == EnrolmentStatus.ENROLLED)
    waiting = len(enrolments) - enrolled
    flash(ngettext("%(num)d trainee enrolled from %(file)s.",
                   "%(num)d trainees enrolled from %(file)s.", enrolled, file=name), "success")  # fmt: skip
    if waiting:
        flash(ngettext("%(num)d trainee is on the waiting list.",
                       "%(num)d trainees are on the waiting list.", waiting), "warning")  # fmt: skip
    return _back(course_session.id, "#enrolments")


def _enrolment(course_session: Any, enrolment_id: int) -> Enrolment:
    enrolment = db.session.get(Enrolment, enrolment_id)
    if enrolment is None or enrolment.session_id != course_session.id:
        abort_with(404, _("That trainee is not in this session."))
    return enrolment


@bp.route("/sessions/<int:session_id>/enrolments/<int:enrolment_id>/withdraw", methods=["POST"])
@roles_required(*STAFF)
def withdraw_one(session_id: int, enrolment_id: int) -> Any:
    course_session = session_or_404(session_id)
    require_manage(course_session)
    enrolment = _enrolment(course_session, enrolment_id)
    form = ReasonForm()
    if not form.validate():
        for error in form.reason.errors:
            flash(error, "danger")
        return _back(course_session.id, "#enrolments")
    name = enrolment.trainee.full_name
    try:
        promoted = withdraw(db.session, enrolment, form.reason.data)
    except InvalidRecord as error:
        db.session.rollback()
        for message in explain_all(error):
            flash(message, "danger")
        return _back(course_session.id, "#enrolments")
    db.session.commit()
    flash(_("%(name)s is withdrawn.", name=name), "info")
    _flash_promoted(promoted)
    return _back(course_session.id, "#enrolments")


# --- attendance ------------------------------------------------------------------------------


def _marks_from_form(enrolments: list[Enrolment]) -> dict[int, tuple[AttendanceStatus, str | None]]:
    """status-<id> and note-<id> fields; a trainee left unmarked is not recorded."""
    marks = {}
    valid = {s.value for s in AttendanceStatus}
    for enrolment in enrolments:
        status = request.form.get(f"status-{enrolment.id}", "")
        if not status:
            continue
        if status not in valid:
            abort_with(400, _("Unknown attendance mark."))
        marks[enrolment.id] = (AttendanceStatus(status), request.form.get(f"note-{enrolment.id}"))
    return marks


@bp.route("/sessions/<int:session_id>/attendance/<day>", methods=["GET", "POST"])
@roles_required(*STAFF)
def attendance(session_id: int, day: str) -> Any:
    course_session = session_or_404(session_id)
    when = parse_day(day)
    tz = current_user.site.tzinfo
    days = session_day_list(course_session.slots, tz)
    if when not in days:
        abort_with(404, _("The session does not meet on that day."))
    lines = [
        line
        for line in queries.session_enrolments(db.session, course_session.id)
        if line.enrolment.status in PLACE_HOLDING
    ]
    problems: list[str] = []
    if request.method == "POST":
        require_manage(course_session)
        marks = _marks_from_form([line.enrolment for line in lines])
        try:
            changed = record_attendance(db.session, course_session, when, marks,
                                        recorded_by_id=current_user.id, today=site_today())  # fmt: skip
        except InvalidRecord as error:
            db.session.rollback()
            problems = explain_all(error)
        else:
            db.session.commit()
            flash(ngettext("Attendance saved (%(num)d change).",
                           "Attendance saved (%(num)d changes).", changed), "success")  # fmt: skip
            target = request.form.get("next")
            if target == "today":
                return redirect(
                    url_for("schedule.today", day=when.isoformat()) + f"#session-{session_id}"
                )
            return redirect(url_for("schedule.attendance", session_id=session_id, day=day))
    sheet = attendance_sheet(db.session, course_session, when)
    return render_template(
        "schedule/attendance.html",
        s=course_session,
        day=when,
        days=days,
        lines=lines,
        sheet=sheet,
        problems=problems,
        today=site_today(),
        statuses=list(AttendanceStatus),
    ), (422 if problems else 200)


# --- practical assessment ----------------------------------------------------------------------


@bp.route("/sessions/<int:session_id>/enrolments/<int:enrolment_id>/assessment",
          methods=["GET", "POST"])  # fmt: skip
@roles_required(*STAFF)
def assessment(session_id: int, enrolment_id: int) -> Any:
    course_session = session_or_404(session_id)
    enrolment = _enrolment(course_session, enrolment_id)
    skills = [s for s in course_session.course.skills if s.active]
    problems: list[str] = []
    if request.method == "POST":
        require_manage(course_session)
        ratings: dict[int, tuple[int, str | None]] = {}
        for skill in skills:
            level = request.form.get(f"level-{skill.id}", "")
            notes = request.form.get(f"notes-{skill.id}", "")
            if not level:
                continue
            if not level.isdigit():
                abort_with(400, _("Choose a level from 1 to 5."))
            ratings[skill.id] = (int(level), notes)
        try:
            added = rate_skills(db.session, enrolment, ratings, assessor_id=current_user.id)
        except InvalidRecord as error:
            db.session.rollback()
            problems = explain_all(error)
        else:
            db.session.commit()
            flash(
                ngettext("%(num)d rating saved.", "%(num)d ratings saved.", len(added)), "success"
            )
            return redirect(url_for("schedule.assessment", session_id=session_id,
                                    enrolment_id=enrolment_id))  # fmt: skip
    current = latest_ratings(db.session, [enrolment])[enrolment.id]
    history = sorted(enrolment.assessments, key=lambda a: a.assessed_at, reverse=True)
    return render_template(
        "schedule/assessment.html",
        s=course_session,
        enrolment=enrolment,
        skills=skills,
        current=current,
        history=history,
        levels=list(SkillLevel),
        level_labels=SKILL_LEVEL_LABELS,
        blockers=sign_off_problems(enrolment, current, utcnow()),
        sign_off_form=SignOffForm(formdata=None),
        reason_form=ReasonForm(formdata=None),
        problems=problems,
    ), (422 if problems else 200)


@bp.route("/sessions/<int:session_id>/enrolments/<int:enrolment_id>/sign-off", methods=["POST"])
@roles_required(*STAFF)
def sign_off_one(session_id: int, enrolment_id: int) -> Any:
    course_session = session_or_404(session_id)
    require_manage(course_session)
    enrolment = _enrolment(course_session, enrolment_id)
    form = SignOffForm()
    target = url_for("schedule.assessment", session_id=session_id, enrolment_id=enrolment_id)
    if not form.validate():
        abort_with(400, _("The notes are too long."))
    try:
        sign_off(db.session, enrolment, by_user_id=current_user.id, notes=form.notes.data)
    except InvalidRecord as error:
        db.session.rollback()
        for message in explain_all(error):
            flash(message, "danger")
        return redirect(target)
    db.session.commit()
    flash(_("Practical assessment of %(name)s signed off.", name=enrolment.trainee.full_name),
          "success")  # fmt: skip
    return redirect(target)


@bp.route("/sessions/<int:session_id>/enrolments/<int:enrolment_id>/undo-sign-off",
          methods=["POST"])  # fmt: skip
@roles_required(*STAFF)
def undo_sign_off_one(session_id: int, enrolment_id: int) -> Any:
    course_session = session_or_404(session_id)
    require_manage(course_session)
    enrolment = _enrolment(course_session, enrolment_id)
    form = ReasonForm()
    target = url_for("schedule.assessment", session_id=session_id, enrolment_id=enrolment_id)
    try:
        if not form.validate():
            raise InvalidRecord([])
        undo_sign_off(db.session, enrolment, form.reason.data)
    except InvalidRecord as error:
        db.session.rollback()
        for message in explain_all(error) or form.reason.errors:
            flash(message, "danger")
        return redirect(target)
    db.session.commit()
    flash(_("Sign-off undone."), "info")
    return redirect(target)
