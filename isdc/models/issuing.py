"""Issuing certificates: one transaction from eligibility to a stored PDF, revocation, reissue.

The rules of docs/certificates.md, as a service the web pages, CLI and benchmarks call:

* **Issue** (one enrolment or a whole session): take the (year, course) serial counter's row
  lock first, re-check eligibility and "no certificate yet" *under the lock*, take gap-free
  numbers, render each PDF once, write the files, insert the rows and the audit entries, commit.
  Anything that fails rolls everything back - the numbers too, so none is lost - and removes
  the files this attempt wrote. A file is written before the commit (fsync'ed, under a name
  no other attempt can take), so a committed certificate always has its PDF; a crash between
  the write and the commit leaves at most an unreferenced file, which
  ``flask --app isdc certificates check --remove-orphans`` clears.
* **Revoke**: the row keeps everything and records who, when and why (an invalidation record,
  never a delete); its PDF stays as issued. The verification page then says "revoked".
* **Reissue**: revoke the old certificate and issue a new one with a new serial that names the
  old one ("replaces ..."), the same results and expiry, the holder's current name.

Nothing here imports Flask: callers pass the store, the public base URL and the acting user.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, tzinfo

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from isdc.certificates import (
    BatchError,
    CertificateData,
    CertificateDataError,
    ImageProblem,
    StoredCertificate,
    batch_pdf,
    batch_zip,
    format_serial,
    new_code,
    parse_serial,
    render_certificate,
    valid_until,
    validate_course_code,
    verification_url,
)
from isdc.certificates.serials import SerialError
from isdc.models.audit import AuditAction, audit
from isdc.models.audit import suspended as audit_suspended
from isdc.models.base import utcnow
from isdc.models.certificate_content import (
    Branding,
    IssueRefused,
    holder_problems,
    printed_name,
    result_lines,
    single_line,
    site_problems,
)
from isdc.models.certificate_store import CertificateStore, StoredFileProblem
from isdc.models.certificates import (
    Certificate,
    CertificateStatus,
    allocate_serial_numbers,
)
from isdc.models.courses import Course
from isdc.models.eligibility import session_eligibility
from isdc.models.enrolment import Enrolment, EnrolmentStatus
from isdc.models.rules import N_, RuleViolation
from isdc.models.schedule import CourseSession

__all__ = [
    "MAX_REASON",
    "CertificateStore",
    "IssueRefused",
    "Issuer",
    "StoredFileProblem",
    "holder_problems",
    "issue_certificate",
    "issue_to_session",
    "print_session",
    "reissue_certificate",
    "revoke_certificate",
    "single_line",
    "site_problems",
]

MAX_REASON = 500
MIN_REASON = 5


# --------------------------------------------------------------------------- issuing


@dataclass
class _Draft:
    """One certificate being issued, before its row exists."""

    enrolment: Enrolment
    results: tuple[str, ...]
    valid_until: date | None
    replaces: Certificate | None = None
    reason: str | None = None  # why it replaces another (a reissue)


@dataclass(frozen=True)
class Issuer:
    """Who issues, where the PDFs go and what the QR codes point at."""

    store: CertificateStore
    base_url: str
    by_user_id: int | None = None
    # Only the demo replaces these: reproducible codes, and one transaction for the whole
    # demo (flush instead of commit; the caller commits, or rolls back and leaves orphan
    # files that `certificates check --remove-orphans` clears).
    make_code: Callable[[], str] = new_code
    commit: bool = True

    def finish(self, db: Session) -> None:
        if self.commit:
            db.commit()
        else:
            db.flush()


def issue_certificate(
    db: Session, enrolment: Enrolment, issuer: Issuer, now: datetime | None = None
) -> Certificate:
    """Issue one enrolment's certificate and commit; IssueRefused (nothing written) when the
    trainee is not eligible or already has a certificate."""
    return _issue_for_session(db, enrolment.session, issuer, now or utcnow(), [enrolment.id])[0]


def issue_to_session(
    db: Session, session: CourseSession, issuer: Issuer, now: datetime | None = None
) -> list[Certificate]:
    """Issue a certificate to every eligible trainee of the session who has none yet, in one
    transaction; IssueRefused when there is nobody to issue to."""
    return _issue_for_session(db, session, issuer, now or utcnow(), None)


def _issue_for_session(
    db: Session,
    session: CourseSession,
    issuer: Issuer,
    now: datetime,
    enrolment_ids: Sequence[int] | None,
) -> list[Certificate]:
    site = session.site
    issued_on = now.astimezone(site.tzinfo).date()
    try:
        course = db.get_one(Course, session.course_id)
        _check_course_code(course)
        branding = Branding.of(site, issuer.store.instance_path)
        # The lock first, the checks after: a concurrent issuer of this course waits here and
        # then sees what the other one committed.
        allocate_serial_numbers(db, course.id, issued_on.year, 0)
        checks = session_eligibility(db, session, now, enrolment_ids)
        if enrolment_ids is not None and not checks:
            raise IssueRefused(
                [RuleViolation("enrolment", N_("The trainee is not enrolled in this session."))]
            )
        existing = _certificates_by_enrolment(db, list(checks))
        drafts: list[_Draft] = []
        refusals: list[RuleViolation] = []
        enrolments = {
            e.id: e
            for e in db.scalars(
                select(Enrolment)
                .options(selectinload(Enrolment.trainee))
                .where(Enrolment.id.in_(list(checks)))
            )
        }
        for enrolment_id, check in checks.items():
            enrolment = enrolments[enrolment_id]
            if enrolment_id in existing:
                refusals.append(_already_issued(existing[enrolment_id]))
                continue
            problems = [*check.shortfalls, *holder_problems(enrolment.trainee)]
            if problems:
                refusals.extend(problems)
                continue
            drafts.append(
                _Draft(
                    enrolment=enrolment,
                    results=result_lines(check),
                    valid_until=valid_until(issued_on, course.certificate_validity_months),
                )
            )
        if enrolment_ids is not None and refusals:
            raise IssueRefused(refusals)
        if not drafts:
            if any(r.field == "session" for r in refusals):
                raise IssueRefused([r for r in refusals if r.field == "session"][:1])
            raise IssueRefused(
                [
                    RuleViolation(
                        "session",
                        N_(
                            "Nobody in this session is eligible for a certificate who does not have one already."
                        ),
                    )
                ]
            )
        drafts.sort(
            key=lambda d: (printed_name(d.enrolment.trainee.full_name).casefold(), d.enrolment.id)
        )
        return _commit_drafts(db, drafts, session, course, branding, issuer, now, issued_on)
    except BaseException:
        db.rollback()
        raise


def _commit_drafts(
    db: Session,
    drafts: list[_Draft],
    session: CourseSession,
    course: Course,
    branding: Branding,
    issuer: Issuer,
    now: datetime,
    issued_on: date,
) -> list[Certificate]:
    """Number, render, store and insert the drafts, then commit; undo everything on failure.
    The caller holds the counter's lock (it allocated 0 numbers)."""
    numbers = allocate_serial_numbers(db, course.id, issued_on.year, len(drafts))
    tz = session.site.tzinfo
    session_start = session.starts_at.astimezone(tz).date()
    session_end = session.ends_at.astimezone(tz).date()
    files: list[tuple[str, bytes]] = []
    certificates: list[Certificate] = []
    codes = [issuer.make_code() for _ in drafts]
    for draft, number, code in zip(drafts, numbers, codes, strict=True):
        trainee = draft.enrolment.trainee
        serial = format_serial(issued_on.year, course.code, number)
        data = CertificateData(
            holder_name=printed_name(trainee.full_name),
            birth_date=trainee.birth_date,
            course_title_id=course.title_id,
            course_title_en=course.title_en,
            course_code=course.code,
            session_start=session_start,
            session_end=session_end,
            hours=course.duration_hours,
            issued=issued_on,
            valid_until=draft.valid_until,
            serial=serial,
            verification_code=code,
            verification_url=verification_url(issuer.base_url, code),
            signatory_name=branding.signatory_name,
            signatory_title=branding.signatory_title,
            signatory_title_en=branding.signatory_title_en,
            centre_name=branding.centre_name,
            centre_address=branding.centre_address,
            place_of_issue=branding.place,
            results=draft.results,
            logo_image=branding.logo,
            signature_image=branding.signature,
            replaces_serial=draft.replaces.serial if draft.replaces else None,
        )
        try:
            pdf = render_certificate(data)
        except (CertificateDataError, ImageProblem) as exc:
            raise IssueRefused(
                [
                    RuleViolation(
                        "certificate",
                        N_("The certificate of %(name)s cannot be made: %(problem)s"),
                        {"name": data.holder_name, "problem": str(exc)},
                    )
                ]
            ) from exc
        relative = issuer.store.relative_path(serial, code)
        files.append((relative, pdf))
        certificates.append(
            Certificate(
                site_id=session.site_id,
                serial=serial,
                verification_code=code,
                trainee_id=trainee.id,
                enrolment_id=draft.enrolment.id,
                course_id=course.id,
                session_id=session.id,
                issued_at=now,
                valid_until=draft.valid_until,
                status=CertificateStatus.VALID,
                issued_by_id=issuer.by_user_id,
                replaces_id=draft.replaces.id if draft.replaces else None,
                holder_name=data.holder_name,
                holder_birth_date=trainee.birth_date,
                course_title_id=course.title_id,
                course_title_en=course.title_en,
                results_summary="\n".join(draft.results) or None,
                pdf_path=relative,
                pdf_sha256=hashlib.sha256(pdf).hexdigest(),
            )
        )
    written: list[str] = []
    try:
        written = issuer.store.write_new(files)
        for draft in drafts:
            if draft.enrolment.status == EnrolmentStatus.ENROLLED:
                draft.enrolment.status = EnrolmentStatus.COMPLETED
                draft.enrolment.status_changed_at = now
        db.flush()  # the enrolments' changes, audited as row updates
        # One "issue" entry per certificate says what the row-insert entry would, and more
        # plainly; a cohort of 500 then writes 500 audit rows, not 1000.
        with audit_suspended():
            db.add_all(certificates)
            db.flush()
        for draft, certificate in zip(drafts, certificates, strict=True):
            details = {
                "serial": certificate.serial,
                "holder": certificate.holder_name,
                "enrolment_id": draft.enrolment.id,
                "session_id": certificate.session_id,
                "valid_until": certificate.valid_until,
                "pdf_sha256": certificate.pdf_sha256,
            }
            if draft.replaces is not None:
                details["replaces"] = draft.replaces.serial
                details["reason"] = draft.reason
            audit(db, AuditAction.ISSUE, certificate, **details)
        issuer.finish(db)
    except IntegrityError as exc:
        _undo(db, issuer.store, written, [c.verification_code for c in certificates])
        # The last guard: another issuer got there first (one valid certificate per enrolment).
        raise IssueRefused(
            [
                RuleViolation(
                    "enrolment",
                    N_(
                        "A certificate was issued for this enrolment at the same moment; reload the page."
                    ),
                )
            ]
        ) from exc
    except BaseException:
        _undo(db, issuer.store, written, [c.verification_code for c in certificates])
        raise
    return certificates


def _undo(db: Session, store: CertificateStore, written: list[str], codes: list[str]) -> None:
    """Roll back and remove this attempt's files - unless the commit went through after all
    (a connection lost after COMMIT was sent): then the rows need their files."""
    db.rollback()
    if not written:
        return
    try:
        committed = db.scalar(
            select(Certificate.id).where(Certificate.verification_code.in_(codes)).limit(1)
        )
        db.rollback()
    except Exception:  # the database is unreachable: keep the files, `check` sorts it out
        db.rollback()
        return
    if committed is None:
        store.remove(written)


def _certificates_by_enrolment(db: Session, enrolment_ids: list[int]) -> dict[int, Certificate]:
    """The newest certificate (any status) of each enrolment that has one."""
    found: dict[int, Certificate] = {}
    if not enrolment_ids:
        return found
    for certificate in db.scalars(
        select(Certificate)
        .where(Certificate.enrolment_id.in_(enrolment_ids))
        .order_by(Certificate.issued_at, Certificate.id)
        .execution_options(populate_existing=True)
    ):
        found[certificate.enrolment_id] = certificate
    return found


def _already_issued(certificate: Certificate) -> RuleViolation:
    if certificate.status == CertificateStatus.REVOKED:
        return RuleViolation(
            "enrolment",
            N_(
                "Certificate %(serial)s of this enrolment was revoked; reissue it instead of issuing a new one."
            ),
            {"serial": certificate.serial},
        )
    return RuleViolation(
        "enrolment",
        N_("This enrolment already has certificate %(serial)s."),
        {"serial": certificate.serial},
    )


def _check_course_code(course: Course) -> None:
    try:
        validate_course_code(course.code)
    except SerialError as exc:
        raise IssueRefused(
            [
                RuleViolation(
                    "course",
                    N_("The course code %(code)s cannot go into a serial number: %(problem)s"),
                    {"code": course.code, "problem": str(exc)},
                )
            ]
        ) from exc


# --------------------------------------------------------------------------- revoke, reissue


def reason_problems(reason: str) -> list[RuleViolation]:
    cleaned = single_line(reason)
    if len(cleaned) < MIN_REASON:
        return [
            RuleViolation(
                "reason", N_("Give a reason of at least %(min)d characters."), {"min": MIN_REASON}
            )
        ]
    if len(cleaned) > MAX_REASON:
        return [
            RuleViolation(
                "reason",
                N_("The reason is too long (at most %(max)d characters)."),
                {"max": MAX_REASON},
            )
        ]
    return []


def _locked_certificate(db: Session, certificate_id: int) -> Certificate:
    found = db.scalars(
        select(Certificate)
        .where(Certificate.id == certificate_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one_or_none()
    if found is None:
        raise IssueRefused([RuleViolation("certificate", N_("There is no such certificate."))])
    return found


def revoke_certificate(
    db: Session,
    certificate: Certificate,
    reason: str,
    by_user_id: int | None,
    commit: bool = True,
) -> Certificate:
    """Revoke with a reason and commit (or only flush); IssueRefused if revoked already."""
    try:
        if problems := reason_problems(reason):
            raise IssueRefused(problems)
        locked = _locked_certificate(db, certificate.id)
        if locked.status == CertificateStatus.REVOKED:
            raise IssueRefused(
                [
                    RuleViolation(
                        "certificate",
                        N_("Certificate %(serial)s is revoked already."),
                        {"serial": locked.serial},
                    )
                ]
            )
        locked.revoke(single_line(reason), by_user_id)
        audit(db, AuditAction.REVOKE, locked, serial=locked.serial, reason=locked.revoke_reason)
        if commit:
            db.commit()
        else:
            db.flush()
        return locked
    except BaseException:
        db.rollback()
        raise


def reissue_certificate(
    db: Session,
    certificate: Certificate,
    reason: str,
    issuer: Issuer,
    now: datetime | None = None,
) -> Certificate:
    """Revoke ``certificate`` (if still valid) and issue its replacement in one transaction.

    The replacement has a new serial of this year, prints "replaces <old serial>", keeps the
    results and the expiry date of the old one (a correction does not extend validity), and
    takes the holder's name and the site's signatory as they are now.
    """
    now = now or utcnow()
    try:
        if problems := reason_problems(reason):
            raise IssueRefused(problems)
        session = db.get_one(CourseSession, certificate.session_id)
        course = db.get_one(Course, certificate.course_id)
        site = session.site
        issued_on = now.astimezone(site.tzinfo).date()
        _check_course_code(course)
        branding = Branding.of(site, issuer.store.instance_path)
        allocate_serial_numbers(db, course.id, issued_on.year, 0)
        old = _locked_certificate(db, certificate.id)
        newer = db.scalar(select(Certificate.serial).where(Certificate.replaces_id == old.id))
        if newer is not None:
            raise IssueRefused(
                [
                    RuleViolation(
                        "certificate",
                        N_("Certificate %(serial)s was already replaced by %(newer)s."),
                        {"serial": old.serial, "newer": newer},
                    )
                ]
            )
        latest = _certificates_by_enrolment(db, [old.enrolment_id])[old.enrolment_id]
        if latest.id != old.id and latest.status == CertificateStatus.VALID:
            raise IssueRefused([_already_issued(latest)])
        if old.valid_until is not None and old.valid_until <= issued_on:
            raise IssueRefused(
                [
                    RuleViolation(
                        "certificate",
                        N_(
                            "Certificate %(serial)s has expired; a new course is needed, not a reissue."
                        ),
                        {"serial": old.serial},
                    )
                ]
            )
        enrolment = db.get_one(Enrolment, old.enrolment_id)
        if problems := holder_problems(enrolment.trainee):
            raise IssueRefused(problems)
        cleaned = single_line(reason)
        if old.status == CertificateStatus.VALID:
            old.revoke(cleaned, issuer.by_user_id)
            audit(db, AuditAction.REVOKE, old, serial=old.serial, reason=cleaned, reissue=True)
            db.flush()  # the partial unique index admits the new valid one only after this
        draft = _Draft(
            enrolment=enrolment,
            results=tuple((old.results_summary or "").splitlines()),
            valid_until=old.valid_until,
            replaces=old,
            reason=cleaned,
        )
        return _commit_drafts(db, [draft], session, course, branding, issuer, now, issued_on)[0]
    except BaseException:
        db.rollback()
        raise


# --------------------------------------------------------------------------- reading, printing


def stored(
    certificates: Sequence[Certificate], store: CertificateStore, tz: tzinfo
) -> list[StoredCertificate]:
    """The stored bytes of each certificate, for batch printing (never re-rendered); ``tz``
    is the site's zone, for the issue dates the ZIP's entries carry."""
    return [
        StoredCertificate(
            serial=c.serial,
            holder_name=c.holder_name,
            pdf=store.read(c),
            issued=c.issued_at.astimezone(tz).date(),
        )
        for c in certificates
    ]


def session_certificates(
    db: Session, session_id: int, include_revoked: bool = False
) -> list[Certificate]:
    """The session's certificates in serial order (valid and expired ones; revoked on request)."""
    query = select(Certificate).where(Certificate.session_id == session_id)
    if not include_revoked:
        query = query.where(Certificate.status == CertificateStatus.VALID)
    return sorted(db.scalars(query), key=lambda c: parse_serial(c.serial))


def print_session(
    db: Session, session: CourseSession, store: CertificateStore, kind: str
) -> tuple[bytes, list[Certificate]]:
    """One PDF (``kind="pdf"``) or ZIP (``"zip"``) of the session's valid certificates, and
    them; the print is audited (and committed). IssueRefused when there is nothing to print."""
    if kind not in ("pdf", "zip"):
        raise ValueError(f"unknown batch kind {kind!r}")
    certificates = session_certificates(db, session.id)
    if not certificates:
        raise IssueRefused(
            [
                RuleViolation(
                    "session", N_("No valid certificates have been issued for this session yet.")
                )
            ]
        )
    try:
        items = stored(certificates, store, session.site.tzinfo)
        title = f"{session.course.code} {session.name}".strip()
        data = batch_pdf(items, title) if kind == "pdf" else batch_zip(items)
    except (StoredFileProblem, BatchError) as exc:
        raise StoredFileProblem(str(exc)) from exc
    audit(
        db,
        AuditAction.PRINT,
        session,
        format=kind,
        count=len(certificates),
        serials=[c.serial for c in certificates],
    )
    db.commit()
    return data, certificates
