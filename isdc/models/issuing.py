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

import contextlib
import hashlib
import os
import tempfile
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from pathlib import Path

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
    unprintable_characters,
    valid_until,
    validate_course_code,
    verification_url,
)
from isdc.certificates.pdf import MAX_NAME
from isdc.certificates.serials import SerialError
from isdc.models.audit import AuditAction, audit
from isdc.models.audit import suspended as audit_suspended
from isdc.models.base import utcnow
from isdc.models.certificates import (
    Certificate,
    CertificateStatus,
    allocate_serial_numbers,
)
from isdc.models.courses import Course
from isdc.models.eligibility import Eligibility, session_eligibility
from isdc.models.enrolment import Enrolment, EnrolmentStatus
from isdc.models.people import Trainee
from isdc.models.rules import N_, RuleViolation
from isdc.models.schedule import CourseSession
from isdc.models.site import Site

MAX_REASON = 500
MIN_REASON = 5


class IssueRefused(Exception):
    """The request was refused and nothing was written; ``reasons`` say why (translatable)."""

    def __init__(self, reasons: Iterable[RuleViolation]):
        self.reasons = tuple(reasons)
        super().__init__("; ".join(str(r) for r in self.reasons))


class StoredFileProblem(Exception):
    """An issued certificate's stored PDF is missing or is not the file that was issued."""


# --------------------------------------------------------------------------- the PDF store


class CertificateStore:
    """The PDF of every issued certificate, under ``<instance>/certificates/<year>/<course>/``.

    A file is written once and never replaced. Its name carries the serial and the random
    verification code, so two attempts can never write the same name (a rolled-back attempt
    and the next one may share a serial, never a code).
    """

    FOLDER = "certificates"

    def __init__(self, instance_path: str | os.PathLike[str]):
        self.instance_path = Path(instance_path)
        self.root = self.instance_path / self.FOLDER

    def relative_path(self, serial: str, code: str) -> str:
        parsed = parse_serial(serial)
        return "/".join(
            (
                self.FOLDER,
                str(parsed.year),
                parsed.course_code,
                f"{parsed.file_stem}_{code.replace('-', '')}.pdf",
            )
        )

    def absolute(self, relative: str) -> Path:
        path = (self.instance_path / relative).resolve()
        if not path.is_relative_to(self.root.resolve()):
            raise StoredFileProblem(f"{relative!r} is not inside the certificate store")
        return path

    def write_new(self, files: Sequence[tuple[str, bytes]]) -> list[str]:
        """Write each (relative path, bytes) durably, all or none: temporary files, fsync'ed,
        renamed into place, then each folder fsync'ed. Returns the paths written (for the
        caller's clean-up should its transaction fail); never replaces an existing file.

        The files are flushed to disk by a pool of threads: the file system commits
        concurrent fsyncs together, which for a cohort of 500 is 10-20 times faster than one
        after another (and fsync releases the GIL)."""
        staged: list[tuple[Path, Path, str]] = []  # temporary, target, relative
        written: list[str] = []
        try:
            for relative, data in files:
                target = self.absolute(relative)
                target.parent.mkdir(parents=True, exist_ok=True)
                if target.exists():
                    raise FileExistsError(
                        f"{relative} exists already; certificates are never replaced"
                    )
                handle, temporary = tempfile.mkstemp(
                    dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"
                )
                staged.append((Path(temporary), target, relative))
                with os.fdopen(handle, "wb") as stream:
                    stream.write(data)
            if len(staged) == 1:
                _fsync_file(staged[0][0])
            else:
                with ThreadPoolExecutor(max_workers=min(16, len(staged))) as pool:
                    list(pool.map(_fsync_file, [temporary for temporary, _, _ in staged]))
            for temporary, target, relative in staged:
                os.replace(temporary, target)
                written.append(relative)
            for folder in {target.parent for _, target, _ in staged}:
                _fsync_folder(folder)
        except BaseException:
            for temporary, _, _ in staged:
                temporary.unlink(missing_ok=True)
            self.remove(written)
            raise
        return written

    def remove(self, relatives: Iterable[str]) -> None:
        for relative in relatives:
            # Best effort: an orphan file is harmless and `certificates check` finds it.
            with contextlib.suppress(OSError, StoredFileProblem):
                self.absolute(relative).unlink(missing_ok=True)

    def read(self, certificate: Certificate) -> bytes:
        """The stored PDF, proven to be the issued one by its SHA-256."""
        if not certificate.pdf_path or not certificate.pdf_sha256:
            raise StoredFileProblem(f"certificate {certificate.serial} has no stored PDF")
        try:
            data = self.absolute(certificate.pdf_path).read_bytes()
        except OSError as exc:
            raise StoredFileProblem(
                f"the PDF of certificate {certificate.serial} cannot be read: {exc.strerror}"
            ) from exc
        if hashlib.sha256(data).hexdigest() != certificate.pdf_sha256:
            raise StoredFileProblem(
                f"the PDF of certificate {certificate.serial} is not the file that was issued "
                "(its SHA-256 differs)"
            )
        return data

    def files(self) -> list[str]:
        """Every stored PDF, as paths relative to the instance folder."""
        if not self.root.is_dir():
            return []
        return sorted(
            p.relative_to(self.instance_path).as_posix()
            for p in self.root.rglob("*.pdf")
            if p.is_file()
        )


def _fsync_file(path: Path) -> None:
    handle = os.open(path, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


def _fsync_folder(folder: Path) -> None:
    try:
        handle = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)


# --------------------------------------------------------------------------- what is printed


@dataclass(frozen=True)
class Branding:
    """The site's part of every certificate, read once per issuing call."""

    centre_name: str
    centre_address: str
    place: str
    signatory_name: str
    signatory_title: str
    signatory_title_en: str
    logo: bytes | None
    signature: bytes | None

    @classmethod
    def of(cls, site: Site, instance_path: Path) -> Branding:
        problems = site_problems(site)
        if problems:
            raise IssueRefused(problems)
        try:
            logo = _read_image(instance_path, site.logo_path)
            signature = _read_image(instance_path, site.signature_path)
        except OSError as exc:
            raise IssueRefused(
                [
                    RuleViolation(
                        "settings",
                        N_(
                            "The logo or signature image of the site cannot be read (%(problem)s); upload it again in the certificate settings."
                        ),
                        {"problem": exc.strerror or str(exc)},
                    )
                ]
            ) from exc
        return cls(
            centre_name=site.name,
            centre_address=site.address or "",
            place=site.certificate_place or "",
            signatory_name=site.certificate_signatory_name or "",
            signatory_title=site.certificate_signatory_title or "",
            signatory_title_en=site.certificate_signatory_title_en or "",
            logo=logo,
            signature=signature,
        )


def _read_image(instance_path: Path, relative: str | None) -> bytes | None:
    return None if not relative else (instance_path / relative).read_bytes()


def site_problems(site: Site) -> list[RuleViolation]:
    """What the site must set before it can issue certificates."""
    problems = []
    if not (site.certificate_signatory_name or "").strip():
        problems.append(
            RuleViolation(
                "settings", N_("The signatory's name is not set in the certificate settings.")
            )
        )
    if not (site.certificate_signatory_title or "").strip():
        problems.append(
            RuleViolation(
                "settings", N_("The signatory's title is not set in the certificate settings.")
            )
        )
    return problems


def holder_problems(trainee: Trainee) -> list[RuleViolation]:
    """Why the trainee's name or birth date cannot be printed, if they cannot."""
    name = printed_name(trainee.full_name)
    problems = []
    missing = unprintable_characters(name)
    if missing:
        problems.append(
            RuleViolation(
                "holder",
                N_(
                    "The name has characters the certificate cannot print (%(characters)s); enter it in Latin letters as in the passport."
                ),
                {"characters": " ".join(missing)},
            )
        )
    if len(name) > MAX_NAME:
        problems.append(
            RuleViolation(
                "holder",
                N_("The name has %(length)d characters; at most %(limit)d fit on a certificate."),
                {"length": len(name), "limit": MAX_NAME},
            )
        )
    return problems


def single_line(text: str) -> str:
    """Text typed into a form as one clean line: NFC, control characters (NUL, escape, ...)
    dropped - PostgreSQL refuses NUL in text and nobody means to type them - and runs of
    white space made one space."""
    text = unicodedata.normalize("NFC", text)
    kept = "".join(
        " " if ch.isspace() else ch
        for ch in text
        if unicodedata.category(ch) != "Cc" or ch.isspace()
    )
    return " ".join(kept.split())


def printed_name(name: str) -> str:
    """A name as the certificate prints and the row keeps it: NFC, single spaces."""
    return " ".join(unicodedata.normalize("NFC", name).split())


def result_lines(check: Eligibility) -> tuple[str, ...]:
    """The results printed on the certificate, each line in Indonesian / English."""
    lines = []
    attendance = check.attendance
    if attendance.days:
        # Whole percent, rounded down: a certificate never claims more than was attended.
        pct = attendance.attended * 100 // attendance.days
        lines.append(
            f"Kehadiran / Attendance: {pct} % ({attendance.attended}/{attendance.days} hari / days)"
        )
    passed = [s.best_passing for s in check.scenarios if s.best_passing is not None]
    if passed:
        average = sum(passed) / len(passed)
        n = len(passed)
        lines.append(
            f"Simulator: {n} skenario lulus, nilai rata-rata {_number(average, 'id')} / "
            f"{n} {'scenario' if n == 1 else 'scenarios'} passed, average score {_number(average, 'en')}"
        )
    if check.practical_required and check.practical_signed_off:
        lines.append("Penilaian praktik / Practical assessment: lulus / passed")
    return tuple(lines)


def _number(value: float, lang: str) -> str:
    text = f"{value:.0f}" if abs(value - round(value)) < 0.05 else f"{value:.1f}"
    return text.replace(".", ",") if lang == "id" else text


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
