"""Trainee pages: the list (search, filters, paging, CSV export), the profile, the form,
retirement, the CSV import (preview, then all or nothing) and organisations."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select

from isdc.extensions import db
from isdc.imports.csvfile import read_csv_table
from isdc.imports.export import csv_bytes, trainee_cells, trainee_header, trainee_template
from isdc.imports.trainees import ImportPreview, import_trainees, preview_trainee_import
from isdc.models import Organisation, OrganisationKind, RecordStatus, Role, Sex, SimClass, Trainee
from isdc.models.audit import audit
from isdc.models.base import utcnow
from isdc.models.identity import normalise_nik, normalise_sim_number
from isdc.models.rules import N_, InvalidRecord, RuleViolation
from isdc.scheduling.attendance import attendance_summaries
from isdc.scheduling.events import BackOfficeEvent
from isdc.web import uploads
from isdc.web.access import roles_required
from isdc.web.backoffice import (
    csv_download,
    explain_all,
    paginate,
    record_or_404,
    show_on_form,
    site_today,
    url_args,
)
from isdc.web.fields import options
from isdc.web.i18n import locale_code
from isdc.web.trainees import bp, queries
from isdc.web.trainees.forms import ConfirmImportForm, ImportForm, OrganisationForm, TraineeForm

STAFF = (Role.ADMIN, Role.INSTRUCTOR)


@bp.route("")
@roles_required(*STAFF)
def index() -> Any:
    site_id = current_user.site_id
    wanted = queries.TraineeFilter.from_args(request.args)
    pages = paginate(queries.count_trainees(db.session, site_id, wanted))
    rows = queries.trainee_rows(db.session, site_id, wanted, pages.offset, pages.per_page)
    return render_template(
        "trainees/index.html",
        rows=rows,
        pages=pages,
        wanted=wanted,
        organisations=queries.organisations(db.session, site_id),
        sim_classes=list(SimClass),
        no_sim=queries.NO_SIM,
        args=url_args(page=None),
        today=site_today(),
    )


@bp.route("/export.csv")
@roles_required(*STAFF)
def export() -> Any:
    """The list as filtered on screen (every page), in the import format."""
    wanted = queries.TraineeFilter.from_args(request.args)
    locale = locale_code()
    delimiter = ";" if request.args.get("delimiter") == "semicolon" else ","
    rows = queries.export_rows(db.session, current_user.site_id, wanted)
    data = csv_bytes(
        trainee_header(locale), [trainee_cells(t, org, locale) for t, org in rows], delimiter
    )
    audit(db.session, BackOfficeEvent.EXPORT, entity_type="Trainee", count=len(rows),
          filter={"q": wanted.q, "organisation": wanted.organisation_id,
                  "sim_class": wanted.sim_class, "status": wanted.status})  # fmt: skip
    db.session.commit()
    return csv_download(data, f"peserta-{site_today():%Y%m%d}.csv")


@bp.route("/template.csv")
@roles_required(*STAFF)
def template() -> Any:
    return csv_download(trainee_template(locale_code()), "templat-peserta.csv")


def _organisation_choices(form: TraineeForm) -> None:
    form.organisation_id.choices = options(
        [("", _("No organisation"))]
        + [(str(o.id), o.name) for o in queries.organisations(db.session, current_user.site_id)]
    )


def _fill(trainee: Trainee, form: TraineeForm) -> None:
    trainee.nik = normalise_nik(form.nik.data or "")
    trainee.full_name = " ".join((form.full_name.data or "").split())
    trainee.birth_date = form.birth_date.data
    trainee.sex = Sex(form.sex.data)
    trainee.phone = (form.phone.data or "").strip() or None
    trainee.email = (form.email.data or "").strip() or None
    trainee.city = (form.city.data or "").strip() or None
    org = form.organisation_id.data
    trainee.organisation_id = int(org) if org else None
    trainee.sim_class = SimClass(form.sim_class.data) if form.sim_class.data else None
    trainee.sim_number = normalise_sim_number(form.sim_number.data) or None
    trainee.sim_valid_until = form.sim_valid_until.data
    trainee.notes = (form.notes.data or "").strip() or None


def _problems(trainee: Trainee) -> list[RuleViolation]:
    """The trainee's rules plus a NIK no one else holds (checked without flushing)."""
    with db.session.no_autoflush:
        found = trainee.problems(site_today())
        holder = db.session.scalar(select(Trainee).where(Trainee.nik == trainee.nik))
    if holder is not None and holder is not trainee:
        found.append(
            RuleViolation(
                "nik", N_("This NIK is already registered (%(name)s)."), {"name": holder.full_name}
            )
        )
    return found


def _save(form: TraineeForm, trainee: Trainee, template_name: str) -> Any:
    _fill(trainee, form)
    if problems := _problems(trainee):
        db.session.rollback()  # nothing of the edit is kept
        show_on_form(form, problems)
        return render_template(template_name, form=form, trainee=trainee), 422
    db.session.add(trainee)
    db.session.commit()
    return None


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*STAFF)
def create() -> Any:
    form = TraineeForm()
    _organisation_choices(form)
    if request.method == "POST":
        if not form.validate():
            return render_template("trainees/form.html", form=form, trainee=None), 422
        trainee = Trainee(site_id=current_user.site_id)
        if (failed := _save(form, trainee, "trainees/form.html")) is not None:
            return failed
        flash(_("Trainee %(name)s added.", name=trainee.full_name), "success")
        return redirect(url_for("trainees.profile", trainee_id=trainee.id))
    return render_template("trainees/form.html", form=form, trainee=None)


def _trainee(trainee_id: int) -> Trainee:
    return record_or_404(Trainee, trainee_id, _("There is no trainee with that number."))


@bp.route("/<int:trainee_id>")
@roles_required(*STAFF)
def profile(trainee_id: int) -> Any:
    trainee = _trainee(trainee_id)
    enrolments = queries.trainee_enrolments(db.session, trainee.id)
    summaries = attendance_summaries(
        db.session, [(e.enrolment_id, e.session_id) for e in enrolments],
        current_user.site.tzinfo, site_today(),
    )  # fmt: skip
    return render_template(
        "trainees/profile.html",
        trainee=trainee,
        enrolments=enrolments,
        summaries=summaries,
        runs=queries.trainee_runs(db.session, trainee.id),
        certificates=queries.trainee_certificates(db.session, trainee.id),
        today=site_today(),
    )


@bp.route("/<int:trainee_id>/edit", methods=["GET", "POST"])
@roles_required(*STAFF)
def edit(trainee_id: int) -> Any:
    trainee = _trainee(trainee_id)
    form = TraineeForm(obj=trainee)
    _organisation_choices(form)
    if request.method == "GET":
        form.sex.data = trainee.sex.value
        form.sim_class.data = trainee.sim_class.value if trainee.sim_class else ""
        form.organisation_id.data = str(trainee.organisation_id or "")
        return render_template("trainees/form.html", form=form, trainee=trainee)
    if not form.validate():
        return render_template("trainees/form.html", form=form, trainee=trainee), 422
    if (failed := _save(form, trainee, "trainees/form.html")) is not None:
        return failed
    flash(_("Changes to %(name)s saved.", name=trainee.full_name), "success")
    return redirect(url_for("trainees.profile", trainee_id=trainee.id))


@bp.route("/<int:trainee_id>/retire", methods=["POST"])
@roles_required(*STAFF)
def retire(trainee_id: int) -> Any:
    trainee = _trainee(trainee_id)
    if trainee.status != RecordStatus.RETIRED:
        trainee.status = RecordStatus.RETIRED
        trainee.retired_at = utcnow()
        audit(db.session, BackOfficeEvent.RETIRE, trainee)
        db.session.commit()
        flash(_("%(name)s is retired: kept with their history, no longer enrolled anywhere "
                "new.", name=trainee.full_name), "info")  # fmt: skip
    return redirect(url_for("trainees.profile", trainee_id=trainee.id))


@bp.route("/<int:trainee_id>/reactivate", methods=["POST"])
@roles_required(*STAFF)
def reactivate(trainee_id: int) -> Any:
    trainee = _trainee(trainee_id)
    if trainee.status == RecordStatus.RETIRED:
        trainee.status = RecordStatus.ACTIVE
        trainee.retired_at = None
        audit(db.session, BackOfficeEvent.REACTIVATE, trainee)
        db.session.commit()
        flash(_("%(name)s is active again.", name=trainee.full_name), "success")
    return redirect(url_for("trainees.profile", trainee_id=trainee.id))


# --- CSV import ----------------------------------------------------------------------------


def _preview(data: bytes) -> ImportPreview:
    table = read_csv_table(data)
    return preview_trainee_import(db.session, current_user.site, table, site_today())


@bp.route("/import", methods=["GET", "POST"])
@roles_required(*STAFF)
def import_file() -> Any:
    form = ImportForm()
    if request.method == "GET":
        return render_template("trainees/import.html", form=form, preview=None)
    if not form.validate():
        return render_template("trainees/import.html", form=form, preview=None), 400
    upload = form.file.data
    data, name = upload.read(), upload.filename or "trainees.csv"
    try:
        preview = _preview(data)
    except InvalidRecord as error:
        form.form_errors.extend(explain_all(error))
        return render_template("trainees/import.html", form=form, preview=None), 422
    confirm = ConfirmImportForm(token=uploads.stage(data, current_user.id), file_name=name)
    return render_template(
        "trainees/import.html", form=form, preview=preview, confirm=confirm, file_name=name
    ), (200 if preview.ok else 422)


@bp.route("/import/confirm", methods=["POST"])
@roles_required(*STAFF)
def import_confirm() -> Any:
    confirm = ConfirmImportForm()
    form = ImportForm()
    token = confirm.token.data or ""
    data = uploads.staged(token, current_user.id)
    name = (confirm.file_name.data or "trainees.csv")[:200]
    if not confirm.validate() or data is None:
        form.form_errors.append(_("The checked file did not come back; choose it again."))
        return render_template("trainees/import.html", form=form, preview=None), 400
    try:
        preview = _preview(data)
    except InvalidRecord as error:
        form.form_errors.extend(explain_all(error))
        return render_template("trainees/import.html", form=form, preview=None), 422
    if not preview.ok:
        # Something changed since the preview (e.g. someone added one of these NIKs).
        form.form_errors.append(_("The file no longer passes the checks; nothing was imported."))
        return render_template("trainees/import.html", form=form, preview=preview,
                               confirm=confirm, file_name=name), 409  # fmt: skip
    created = import_trainees(db.session, current_user.site, preview, file_name=name)
    db.session.commit()
    uploads.discard(token, current_user.id)
    flash(ngettext("%(num)d trainee imported from %(file)s.",
                   "%(num)d trainees imported from %(file)s.", len(created), file=name),
          "success")  # fmt: skip
    return redirect(url_for("trainees.index"))


# --- organisations --------------------------------------------------------------------------


@bp.route("/organisations")
@roles_required(*STAFF)
def organisations() -> Any:
    rows = db.session.scalars(
        select(Organisation)
        .where(Organisation.site_id == current_user.site_id)
        .order_by(Organisation.status, Organisation.name)
    ).all()
    return render_template("trainees/organisations.html", organisations=rows)


def _save_organisation(form: OrganisationForm, org: Organisation) -> Any:
    name = " ".join((form.name.data or "").split())
    clash = db.session.scalar(
        select(Organisation).where(
            Organisation.site_id == current_user.site_id, Organisation.name == name
        )
    )
    if clash is not None and clash is not org:
        form.name.errors = [*form.name.errors, _("An organisation with this name exists already.")]
        return render_template("trainees/organisation_form.html", form=form, org=org), 422
    org.name = name
    org.kind = OrganisationKind(form.kind.data)
    for attr in ("city", "contact_name", "contact_email", "contact_phone"):
        setattr(org, attr, (getattr(form, attr).data or "").strip() or None)
    db.session.add(org)
    db.session.commit()
    flash(_("Organisation %(name)s saved.", name=org.name), "success")
    return redirect(url_for("trainees.organisations"))


@bp.route("/organisations/new", methods=["GET", "POST"])
@roles_required(*STAFF)
def organisation_new() -> Any:
    form = OrganisationForm()
    if form.validate_on_submit():
        return _save_organisation(form, Organisation(site_id=current_user.site_id))
    status = 422 if request.method == "POST" else 200
    return render_template("trainees/organisation_form.html", form=form, org=None), status


@bp.route("/organisations/<int:org_id>/edit", methods=["GET", "POST"])
@roles_required(*STAFF)
def organisation_edit(org_id: int) -> Any:
    org = record_or_404(Organisation, org_id, _("There is no such organisation."))
    form = OrganisationForm(obj=org)
    if request.method == "GET":
        form.kind.data = org.kind.value
    elif form.validate():
        return _save_organisation(form, org)
    status = 422 if request.method == "POST" else 200
    return render_template("trainees/organisation_form.html", form=form, org=org), status
