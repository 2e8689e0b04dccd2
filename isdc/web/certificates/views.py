"""Certificate pages: the register, a session's eligibility and issuing, one certificate with
revoke and reissue, batch printing, downloads, and the trainee's own certificates."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext, ngettext
from flask_login import current_user
from sqlalchemy import select

from isdc.certificates import safe_file_name
from isdc.extensions import db
from isdc.models import (
    AuditAction,
    AuditLog,
    Certificate,
    CertificateStatus,
    CourseSession,
    EffectiveStatus,
    Enrolment,
    Role,
)
from isdc.models.audit import audit
from isdc.models.base import local_today, utcnow
from isdc.models.eligibility import Eligibility, session_eligibility
from isdc.models.issuing import (
    IssueRefused,
    StoredFileProblem,
    holder_problems,
    issue_certificate,
    issue_to_session,
    print_session,
    reissue_certificate,
    revoke_certificate,
    site_problems,
)
from isdc.web.access import login_required, roles_required
from isdc.web.certificates import bp, queries
from isdc.web.certificates.common import certificate_store, current_issuer, explain_reason
from isdc.web.certificates.forms import ActionForm, ReasonForm
from isdc.web.errors import abort_with


@dataclass(frozen=True)
class ParticipantRow:
    """One trainee of a session on its certificates page."""

    enrolment: Enrolment
    check: Eligibility
    problems: list[str]  # shortfalls and printing problems, in the reader's words
    certificates: list[Certificate]  # oldest first

    @property
    def current(self) -> Certificate | None:
        return self.certificates[-1] if self.certificates else None

    @property
    def state(self) -> str:
        """``issued``, ``revoked`` (may be reissued), ``eligible`` or ``ineligible``."""
        if self.current is not None:
            return "issued" if self.current.status == CertificateStatus.VALID else "revoked"
        return "ineligible" if self.problems else "eligible"


# --------------------------------------------------------------------------- the register


@bp.route("/")
@roles_required(Role.ADMIN)
def index() -> Any:
    site = current_user.site
    today = local_today(site.tzinfo)
    wanted = _register_filter()
    page = queries.register(db.session, site.id, wanted, today, site.tzinfo)
    return render_template(
        "certificates/index.html",
        page=page,
        wanted=wanted,
        today=today,
        courses=queries.courses_with_certificates(db.session, site.id),
        years=queries.issue_years(db.session, site.id),
        statuses=list(EffectiveStatus),
        sessions=queries.sessions_to_certify(db.session, site.id, utcnow()),
        # The newest few, or every one on request: the register below stays in view.
        shown_sessions=10_000 if request.args.get("sessions") == "all" else 8,
        settings_problems=[explain_reason(p) for p in site_problems(site)],
    )


def _register_filter() -> queries.RegisterFilter:
    args = request.args
    status = args.get("status", "")
    return queries.RegisterFilter(
        text=args.get("q", "")[:100],
        course_id=args.get("course", type=int),
        status=EffectiveStatus(status) if status in set(EffectiveStatus) else None,
        year=args.get("year", type=int),
        page=args.get("page", 1, type=int) or 1,
    )


# --------------------------------------------------------------------------- a session


def _session_or_404(session_id: int):  # type: ignore[no-untyped-def]
    session = queries.session_for_site(db.session, session_id, current_user.site_id)
    if session is None:
        abort(404)
    return session


def _participants(session) -> list[ParticipantRow]:  # type: ignore[no-untyped-def]
    enrolments = queries.session_enrolments(db.session, session.id)
    checks = session_eligibility(db.session, session, utcnow())
    certificates = queries.certificates_of_session(db.session, session.id)
    rows = []
    for enrolment in enrolments:
        check = checks[enrolment.id]
        problems = [explain_reason(v) for v in check.shortfalls]
        problems += [explain_reason(v) for v in holder_problems(enrolment.trainee)]
        rows.append(ParticipantRow(enrolment, check, problems, certificates.get(enrolment.id, [])))
    return rows


def _render_session(session, status: int = 200, refusal: list[str] | None = None) -> Any:  # type: ignore[no-untyped-def]
    rows = _participants(session)
    counts = {
        state: sum(1 for r in rows if r.state == state)
        for state in ("issued", "revoked", "eligible", "ineligible")
    }
    return (
        render_template(
            "certificates/session.html",
            session=session,
            course=session.course,
            rows=rows,
            counts=counts,
            refusal=refusal or [],
            form=ActionForm(),
            today=local_today(session.site.tzinfo),
            settings_problems=[explain_reason(p) for p in site_problems(session.site)],
        ),
        status,
    )


@bp.route("/sessions/<int:session_id>")
@roles_required(Role.ADMIN)
def session(session_id: int) -> Any:
    return _render_session(_session_or_404(session_id))


def _refused(session, refusal: IssueRefused) -> Any:  # type: ignore[no-untyped-def]
    db.session.rollback()
    reasons = list(dict.fromkeys(explain_reason(r) for r in refusal.reasons))
    return _render_session(session, 409, reasons)


@bp.route("/sessions/<int:session_id>/issue", methods=["POST"])
@roles_required(Role.ADMIN)
def issue_all(session_id: int) -> Any:
    session = _session_or_404(session_id)
    ActionForm()  # CSRF is checked by CSRFProtect for every POST
    try:
        issued = issue_to_session(db.session, session, current_issuer())
    except IssueRefused as refusal:
        return _refused(session, refusal)
    flash(
        ngettext("%(num)d certificate issued.", "%(num)d certificates issued.", len(issued)),
        "success",
    )
    return redirect(url_for(".session", session_id=session.id), 303)


@bp.route("/enrolments/<int:enrolment_id>/issue", methods=["POST"])
@roles_required(Role.ADMIN)
def issue_one(enrolment_id: int) -> Any:
    enrolment = db.session.get(Enrolment, enrolment_id)
    if enrolment is None or enrolment.session.site_id != current_user.site_id:
        abort(404)
    session = _session_or_404(enrolment.session_id)
    try:
        certificate = issue_certificate(db.session, enrolment, current_issuer())
    except IssueRefused as refusal:
        return _refused(session, refusal)
    flash(
        gettext(
            "Certificate %(serial)s issued to %(name)s.",
            serial=certificate.serial,
            name=certificate.holder_name,
        ),
        "success",
    )
    return redirect(
        url_for(".session", session_id=session.id, _anchor=f"enrolment-{enrolment_id}"), 303
    )


@bp.route("/sessions/<int:session_id>/certificates.pdf")
@roles_required(Role.ADMIN)
def batch_pdf(session_id: int) -> Any:
    """One PDF of the session's certificates for the printer."""
    return _batch(session_id, "pdf")


@bp.route("/sessions/<int:session_id>/certificates.zip")
@roles_required(Role.ADMIN)
def batch_zip(session_id: int) -> Any:
    """A ZIP of the session's certificates, one file each, named by serial and holder."""
    return _batch(session_id, "zip")


def _batch(session_id: int, kind: str) -> Any:
    session = _session_or_404(session_id)
    try:
        data, certificates = print_session(db.session, session, certificate_store(), kind)
    except IssueRefused as refusal:
        return _refused(session, refusal)
    except StoredFileProblem as problem:
        db.session.rollback()
        abort_with(
            500,
            gettext(
                "A stored certificate file is damaged or missing: %(problem)s", problem=str(problem)
            ),
        )
    name = safe_file_name(f"{session.course.code}-{session.name or session.id}", "").removesuffix(
        ".pdf"
    )
    return _send(
        data, f"sertifikat_{name}.{kind}", "application/pdf" if kind == "pdf" else "application/zip"
    )


def _send(data: bytes, name: str, mimetype: str) -> Any:
    response = send_file(
        io.BytesIO(data), mimetype=mimetype, as_attachment=True, download_name=name
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


# --------------------------------------------------------------------------- one certificate


def _certificate_or_404(certificate_id: int) -> Certificate:
    certificate = queries.certificate_for_site(db.session, certificate_id, current_user.site_id)
    if certificate is None:
        abort(404)
    return certificate


def _render_certificate(certificate: Certificate, status: int = 200, **forms: Any) -> Any:
    history = db.session.scalars(
        select(AuditLog)
        .where(AuditLog.entity_type == "Certificate", AuditLog.entity_id == str(certificate.id))
        .where(
            AuditLog.action.in_(
                [a.value for a in (AuditAction.ISSUE, AuditAction.REVOKE, AuditAction.DOWNLOAD)]
            )
        )
        .order_by(AuditLog.at.desc(), AuditLog.id.desc())
        .limit(50)
    ).all()
    site = certificate.course.site
    return (
        render_template(
            "certificates/detail.html",
            certificate=certificate,
            session=db.session.get(CourseSession, certificate.session_id),
            status=certificate.effective_status(local_today(site.tzinfo)),
            replacement=queries.replacement_of(db.session, certificate.id),
            history=history,
            revoke_form=forms.get("revoke_form") or ReasonForm(prefix="revoke"),
            reissue_form=forms.get("reissue_form") or ReasonForm(prefix="reissue"),
            refusal=forms.get("refusal", []),
        ),
        status,
    )


@bp.route("/<int:certificate_id>")
@roles_required(Role.ADMIN)
def detail(certificate_id: int) -> Any:
    return _render_certificate(_certificate_or_404(certificate_id))


@bp.route("/<int:certificate_id>/revoke", methods=["POST"])
@roles_required(Role.ADMIN)
def revoke(certificate_id: int) -> Any:
    certificate = _certificate_or_404(certificate_id)
    form = ReasonForm(prefix="revoke")
    if not form.validate():
        return _render_certificate(certificate, 400, revoke_form=form)
    try:
        revoke_certificate(db.session, certificate, form.reason.data or "", current_user.id)
    except IssueRefused as refusal:
        return _render_certificate(
            certificate, 409, revoke_form=form, refusal=[explain_reason(r) for r in refusal.reasons]
        )
    flash(gettext("Certificate %(serial)s is revoked.", serial=certificate.serial), "success")
    return redirect(url_for(".detail", certificate_id=certificate.id), 303)


@bp.route("/<int:certificate_id>/reissue", methods=["POST"])
@roles_required(Role.ADMIN)
def reissue(certificate_id: int) -> Any:
    certificate = _certificate_or_404(certificate_id)
    form = ReasonForm(prefix="reissue")
    if not form.validate():
        return _render_certificate(certificate, 400, reissue_form=form)
    try:
        new = reissue_certificate(db.session, certificate, form.reason.data or "", current_issuer())
    except IssueRefused as refusal:
        certificate = _certificate_or_404(certificate_id)
        return _render_certificate(
            certificate,
            409,
            reissue_form=form,
            refusal=[explain_reason(r) for r in refusal.reasons],
        )
    flash(
        gettext("Certificate %(new)s replaces %(old)s.", new=new.serial, old=certificate.serial),
        "success",
    )
    return redirect(url_for(".detail", certificate_id=new.id), 303)


@bp.route("/<int:certificate_id>/download")
@login_required
def download(certificate_id: int) -> Any:
    """The stored PDF, byte for byte as issued: administrators any of their site's, a trainee
    only their own (anyone else's is "not found", whether it exists or not)."""
    certificate = db.session.get(Certificate, certificate_id)
    user = current_user
    if certificate is None:
        abort(404)
    if user.role == Role.ADMIN:
        if certificate.site_id != user.site_id:
            abort(404)
    elif (
        user.role == Role.TRAINEE
        and user.trainee_id is not None
        and certificate.trainee_id == user.trainee_id
    ):
        if certificate.status == CertificateStatus.REVOKED:
            abort_with(
                403, gettext("This certificate was revoked and can no longer be downloaded.")
            )
    else:
        abort(404)
    try:
        data = certificate_store().read(certificate)
    except StoredFileProblem as problem:
        abort_with(
            500,
            gettext(
                "A stored certificate file is damaged or missing: %(problem)s", problem=str(problem)
            ),
        )
    audit(db.session, AuditAction.DOWNLOAD, certificate, serial=certificate.serial)
    db.session.commit()
    return _send(
        data, safe_file_name(certificate.serial, certificate.holder_name), "application/pdf"
    )


# --------------------------------------------------------------------------- the trainee's own


@bp.route("/mine")
@roles_required(Role.TRAINEE)
def mine() -> Any:
    user = current_user
    certificates = (
        [] if user.trainee_id is None else queries.trainee_certificates(db.session, user.trainee_id)
    )
    today = local_today(user.site.tzinfo)
    replaced = {c.replaces_id for c in certificates if c.replaces_id is not None}
    return render_template(
        "certificates/mine.html",
        certificates=certificates,
        today=today,
        replaced=replaced,
        verify_url=lambda c: url_for("verify.certificate", code=c.verification_code),
    )
