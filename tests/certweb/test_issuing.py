"""The issuing service without HTTP: one transaction from eligibility to a stored PDF, gap-free
serials, refusals that write nothing, revocation, reissue, batch printing, immutability."""

from __future__ import annotations

import hashlib
import io
import zipfile
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from isdc.certificates import is_well_formed, parse_serial
from isdc.models import (
    AuditLog,
    Certificate,
    CertificateSerialCounter,
    CertificateStatus,
    EffectiveStatus,
    Enrolment,
    EnrolmentStatus,
)
from isdc.models.base import utcnow
from isdc.models.issuing import (
    CertificateStore,
    Issuer,
    IssueRefused,
    StoredFileProblem,
    issue_certificate,
    issue_to_session,
    print_session,
    reissue_certificate,
    revoke_certificate,
)
from tests.certificates.helpers import decode_qr, needs_poppler, needs_zbar, pdf_text, render_png
from tests.certweb.helpers import BASE_URL, configure_site, finished_cohort, make_course


@pytest.fixture
def issuer(app, site, db_session) -> Issuer:  # type: ignore[no-untyped-def]
    configure_site(db_session, site)
    return Issuer(store=CertificateStore(app.instance_path), base_url=BASE_URL, by_user_id=None)


def pdf_files(issuer: Issuer) -> list[str]:
    return issuer.store.files()


def count(db_session, model) -> int:  # type: ignore[no-untyped-def]
    return db_session.scalar(select(func.count()).select_from(model))


def test_issuing_one_certificate_stores_it_once_with_everything_on_record(
    make, db_session, issuer
) -> None:
    cohort = finished_cohort(make, ["Siti Nurhaliza"])
    certificate = issue_certificate(db_session, cohort.enrolments[0], issuer)
    year = utcnow().astimezone(make.site.tzinfo).year
    assert certificate.serial == f"ISDC/{year}/DDC/00001"
    assert is_well_formed(certificate.verification_code)
    assert certificate.status == CertificateStatus.VALID
    assert certificate.holder_name == "Siti Nurhaliza"
    assert certificate.course_title_en == "Defensive Driving (Car)"
    issued_on = certificate.issued_at.astimezone(make.site.tzinfo).date()
    assert (
        certificate.valid_until == issued_on.replace(year=issued_on.year + 3)
        or certificate.valid_until.month == 2
    )
    assert certificate.results_summary.splitlines() == [
        "Kehadiran / Attendance: 100 % (2/2 hari / days)",
        "Simulator: 2 skenario lulus, nilai rata-rata 80 / 2 scenarios passed, average score 80",
        "Penilaian praktik / Practical assessment: lulus / passed",
    ]
    stored = issuer.store.read(certificate)
    assert hashlib.sha256(stored).hexdigest() == certificate.pdf_sha256
    assert pdf_files(issuer) == [certificate.pdf_path]
    assert certificate.pdf_path.startswith(f"certificates/{year}/DDC/ISDC-{year}-DDC-00001_")
    entry = db_session.scalar(select(AuditLog).where(AuditLog.action == "issue"))
    assert entry.entity_id == str(certificate.id) and entry.details["serial"] == certificate.serial
    db_session.expire_all()
    assert db_session.get(Enrolment, cohort.enrolments[0].id).status == EnrolmentStatus.COMPLETED


@needs_poppler
@needs_zbar
def test_the_stored_pdf_reads_back_with_name_serial_code_and_a_qr_code_to_verify(
    make, db_session, issuer, tmp_path
) -> None:
    cohort = finished_cohort(make, ["Đặng Thị Hồng"])
    certificate = issue_certificate(db_session, cohort.enrolments[0], issuer)
    pdf = issuer.store.read(certificate)
    text = pdf_text(pdf)
    for expected in ("Đặng Thị Hồng", certificate.serial, certificate.verification_code,
                     "Mengemudi Defensif (Mobil)", "Defensive Driving (Car)", "Berlaku sampai",
                     "Kombes Pol. Dr. Bagus Hendrawan", "Serpong"):  # fmt: skip
        assert expected in text, expected
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1
    assert decode_qr(render_png(pdf, tmp_path)) == [
        f"{BASE_URL}/verify/{certificate.verification_code}"
    ]


def test_a_cohort_is_issued_in_one_action_numbered_in_name_order(make, db_session, issuer) -> None:
    cohort = finished_cohort(make, ["Yusuf", "Ani", "Made", "Budi"])
    cohort.enrolments[2].practical_signed_off_at = None  # Made is not signed off
    db_session.commit()
    certificates = issue_to_session(db_session, cohort.session, issuer)
    assert [c.holder_name for c in certificates] == ["Ani", "Budi", "Yusuf"]
    assert [parse_serial(c.serial).number for c in certificates] == [1, 2, 3]
    assert len(pdf_files(issuer)) == 3
    assert (
        count(db_session, AuditLog.__table__.select().where(AuditLog.action == "issue").subquery())
        == 3
    )
    # Nobody left to issue to: refused, with a reason, nothing written.
    with pytest.raises(IssueRefused, match="Nobody in this session is eligible"):
        issue_to_session(db_session, cohort.session, issuer)
    assert count(db_session, Certificate) == 3


def test_an_ineligible_trainee_is_refused_with_the_reason_and_nothing_is_written(
    make, db_session, issuer
) -> None:
    cohort = finished_cohort(make, ["Budi Santoso"], eligible=False)
    with pytest.raises(IssueRefused) as refused:
        issue_certificate(db_session, cohort.enrolments[0], issuer)
    assert [r.field for r in refused.value.reasons] == [
        "attendance",
        "scenario",
        "scenario",
        "practical",
    ]
    assert count(db_session, Certificate) == 0
    assert pdf_files(issuer) == []
    assert db_session.scalar(select(CertificateSerialCounter.last_number)) in (None, 0)
    # A session with nobody eligible: the same.
    with pytest.raises(IssueRefused, match="Nobody in this session is eligible"):
        issue_to_session(db_session, cohort.session, issuer)
    assert count(db_session, Certificate) == 0 and pdf_files(issuer) == []


def test_a_session_that_is_not_over_is_refused_as_such(make, db_session, issuer) -> None:
    cohort = finished_cohort(make, ["Siti"], ended_days_ago=-1)  # ends tomorrow
    with pytest.raises(IssueRefused) as refused:
        issue_to_session(db_session, cohort.session, issuer)
    assert [str(r) for r in refused.value.reasons] == ["The session is not over yet."]


def test_issuing_twice_is_refused_and_a_revoked_one_points_to_reissue(
    make, db_session, issuer
) -> None:
    cohort = finished_cohort(make, ["Siti Nurhaliza"])
    enrolment = cohort.enrolments[0]
    first = issue_certificate(db_session, enrolment, issuer)
    with pytest.raises(IssueRefused, match=f"already has certificate {first.serial}"):
        issue_certificate(db_session, enrolment, issuer)
    revoke_certificate(db_session, first, "Salah ketik nama", None)
    with pytest.raises(IssueRefused, match="reissue it instead"):
        issue_certificate(db_session, enrolment, issuer)
    assert count(db_session, Certificate) == 1 and len(pdf_files(issuer)) == 1


def test_serials_run_per_course_and_issue_year(make, db_session, issuer) -> None:
    ddc = finished_cohort(make, ["A", "B"], ended_days_ago=3)
    srm = finished_cohort(make, ["C"], course=make_course(make, code="SRM-2"))
    issue_certificate(db_session, ddc.enrolments[0], issuer)
    other_course = issue_certificate(db_session, srm.enrolments[0], issuer)
    assert parse_serial(other_course.serial).number == 1 and "/SRM-2/" in other_course.serial
    # Issued just after midnight WIB on 1 January: the next year's first number. Early on
    # 1 January WIB is still 31 December in UTC; the serial follows WIB.
    next_year = utcnow().astimezone(make.site.tzinfo).year + 1
    new_year = datetime(next_year, 1, 1, 0, 5, tzinfo=make.site.tzinfo)
    certificate = issue_certificate(db_session, ddc.enrolments[1], issuer, now=new_year)
    assert certificate.serial == f"ISDC/{next_year}/DDC/00001"
    assert certificate.issued_at.astimezone(make.site.tzinfo).date() == date(next_year, 1, 1)


def test_a_failed_commit_leaves_no_file_no_row_and_no_lost_number(
    make, db_session, issuer, monkeypatch
) -> None:
    cohort = finished_cohort(make, ["A", "B", "C"])

    def broken_commit() -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(db_session, "commit", broken_commit)
    with pytest.raises(RuntimeError, match="disk full"):
        issue_to_session(db_session, cohort.session, issuer)
    monkeypatch.undo()
    assert pdf_files(issuer) == []
    assert count(db_session, Certificate) == 0
    issued = issue_to_session(db_session, cohort.session, issuer)
    assert [parse_serial(c.serial).number for c in issued] == [1, 2, 3]


def test_a_commit_that_went_through_before_failing_keeps_its_files(
    make, db_session, issuer, monkeypatch
) -> None:
    """A connection lost after COMMIT was sent: the rows exist, so their PDFs must stay."""
    cohort = finished_cohort(make, ["A"])
    real_commit = db_session.commit

    def commit_then_fail() -> None:
        real_commit()
        raise ConnectionError("connection lost after COMMIT")

    monkeypatch.setattr(db_session, "commit", commit_then_fail)
    with pytest.raises(ConnectionError):
        issue_to_session(db_session, cohort.session, issuer)
    monkeypatch.undo()
    certificate = db_session.scalar(select(Certificate))
    assert pdf_files(issuer) == [certificate.pdf_path]
    assert issuer.store.read(certificate)


def test_a_file_that_cannot_be_written_stops_the_issue_cleanly(make, db_session, issuer) -> None:
    cohort = finished_cohort(make, ["A", "B"])
    Path(issuer.store.root).parent.mkdir(parents=True, exist_ok=True)
    Path(issuer.store.root).write_text("not a folder")  # the store cannot hold any file
    with pytest.raises(OSError):
        issue_to_session(db_session, cohort.session, issuer)
    assert count(db_session, Certificate) == 0
    assert db_session.scalar(select(CertificateSerialCounter.last_number)) in (None, 0)


def test_a_name_the_font_cannot_print_is_refused_naming_it(make, db_session, issuer) -> None:
    cohort = finished_cohort(make, ["王小明", "Siti"])
    with pytest.raises(IssueRefused, match="cannot print"):
        issue_certificate(db_session, cohort.enrolments[0], issuer)
    # The cohort goes ahead without that trainee.
    issued = issue_to_session(db_session, cohort.session, issuer)
    assert [c.holder_name for c in issued] == ["Siti"]


def test_issuing_needs_the_signatory_in_the_settings(make, db_session, issuer) -> None:
    cohort = finished_cohort(make, ["Siti"])
    make.site.certificate_signatory_name = None
    db_session.commit()
    with pytest.raises(IssueRefused, match="signatory's name is not set"):
        issue_to_session(db_session, cohort.session, issuer)
    assert count(db_session, Certificate) == 0


def test_revoking_needs_a_reason_keeps_the_record_and_the_pdf(make, db_session, issuer) -> None:
    cohort = finished_cohort(make, ["Siti"])
    certificate = issue_certificate(db_session, cohort.enrolments[0], issuer)
    before = issuer.store.read(certificate)
    with pytest.raises(IssueRefused, match="at least 5 characters"):
        revoke_certificate(db_session, certificate, "  no ", None)
    admin = make.user()
    revoke_certificate(db_session, certificate, "Data   peserta keliru", admin.id)
    db_session.expire_all()
    certificate = db_session.get(Certificate, certificate.id)
    assert certificate.status == CertificateStatus.REVOKED
    assert certificate.revoke_reason == "Data peserta keliru"
    assert certificate.revoked_by_id == admin.id and certificate.revoked_at is not None
    assert certificate.effective_status(date.today()) == EffectiveStatus.REVOKED
    assert issuer.store.read(certificate) == before
    entry = db_session.scalar(select(AuditLog).where(AuditLog.action == "revoke"))
    assert entry.details["reason"] == "Data peserta keliru"
    with pytest.raises(IssueRefused, match="revoked already"):
        revoke_certificate(db_session, certificate, "sekali lagi", None)


def test_reissue_gives_a_new_serial_that_names_the_old_one(make, db_session, issuer) -> None:
    cohort = finished_cohort(make, ["Siti Nurhalisa"])
    enrolment = cohort.enrolments[0]
    old = issue_certificate(db_session, enrolment, issuer)
    enrolment.trainee.full_name = "Siti Nurhaliza"  # the name was misspelt
    db_session.commit()
    new = reissue_certificate(db_session, old, "Nama salah eja", issuer)
    db_session.expire_all()
    old = db_session.get(Certificate, old.id)
    assert old.status == CertificateStatus.REVOKED and old.revoke_reason == "Nama salah eja"
    assert new.replaces_id == old.id
    assert parse_serial(new.serial).number == 2
    assert new.holder_name == "Siti Nurhaliza"
    assert new.valid_until == old.valid_until
    assert new.results_summary == old.results_summary
    text = pdf_text(issuer.store.read(new))
    assert old.serial in text and "Siti Nurhaliza" in text
    with pytest.raises(IssueRefused, match=f"already replaced by {new.serial}"):
        reissue_certificate(db_session, old, "lagi dan lagi", issuer)
    assert count(db_session, Certificate) == 2


def test_an_expired_certificate_is_not_reissued(make, db_session, issuer) -> None:
    cohort = finished_cohort(make, ["Siti"])
    certificate = issue_certificate(db_session, cohort.enrolments[0], issuer)
    later = datetime.combine(
        certificate.valid_until + timedelta(days=1), time(9), tzinfo=make.site.tzinfo
    )
    assert certificate.effective_status(certificate.valid_until) == EffectiveStatus.VALID
    assert certificate.effective_status(later.date()) == EffectiveStatus.EXPIRED
    with pytest.raises(IssueRefused, match="has expired"):
        reissue_certificate(db_session, certificate, "Nama salah eja", issuer, now=later)
    assert count(db_session, Certificate) == 1


def test_changing_the_holder_or_the_signatory_later_changes_no_issued_pdf(
    make, db_session, issuer
) -> None:
    cohort = finished_cohort(make, ["Siti Nurhaliza"])
    certificate = issue_certificate(db_session, cohort.enrolments[0], issuer)
    before = issuer.store.read(certificate)
    cohort.enrolments[0].trainee.full_name = "Someone Else"
    make.site.certificate_signatory_name = "Pejabat Baru"
    cohort.course.title_id = "Judul Baru"
    db_session.commit()
    db_session.expire_all()
    certificate = db_session.get(Certificate, certificate.id)
    assert issuer.store.read(certificate) == before
    assert certificate.holder_name == "Siti Nurhaliza"


def test_batch_pdf_and_zip_hold_the_stored_bytes_and_the_print_is_audited(
    make, db_session, issuer
) -> None:
    cohort = finished_cohort(make, ["Yusuf", "Ani", "Budi"])
    issued = issue_to_session(db_session, cohort.session, issuer)
    revoke_certificate(db_session, issued[1], "Dicabut untuk uji", None)
    data, printed = print_session(db_session, cohort.session, issuer.store, "pdf")
    assert [c.holder_name for c in printed] == ["Ani", "Yusuf"]  # serial order, no revoked
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 2
    assert "Ani" in reader.pages[0].extract_text() and "Yusuf" in reader.pages[1].extract_text()
    data, _ = print_session(db_session, cohort.session, issuer.store, "zip")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        assert names == [f"{printed[0].serial.replace('/', '-')}_Ani.pdf",
                         f"{printed[1].serial.replace('/', '-')}_Yusuf.pdf"]  # fmt: skip
        assert archive.read(names[0]) == issuer.store.read(printed[0])
    prints = db_session.scalars(select(AuditLog).where(AuditLog.action == "print")).all()
    assert [p.details["format"] for p in prints] == ["pdf", "zip"]
    assert prints[0].details["count"] == 2


def test_nothing_to_print_is_refused(make, db_session, issuer) -> None:
    cohort = finished_cohort(make, ["Ani"], eligible=False)
    with pytest.raises(IssueRefused, match="No valid certificates"):
        print_session(db_session, cohort.session, issuer.store, "pdf")
    assert db_session.scalar(select(AuditLog).where(AuditLog.action == "print")) is None


def test_a_tampered_or_missing_file_is_detected_not_served(make, db_session, issuer) -> None:
    cohort = finished_cohort(make, ["Ani"])
    certificate = issue_certificate(db_session, cohort.enrolments[0], issuer)
    path = issuer.store.absolute(certificate.pdf_path)
    tampered = bytearray(path.read_bytes())
    tampered[len(tampered) // 2] ^= 0x01  # one bit
    path.write_bytes(bytes(tampered))
    with pytest.raises(StoredFileProblem, match="not the file that was issued"):
        issuer.store.read(certificate)
    path.unlink()
    with pytest.raises(StoredFileProblem, match="cannot be read"):
        issuer.store.read(certificate)
    certificate.pdf_path = "../secret_key"
    with pytest.raises(StoredFileProblem, match="not inside"):
        issuer.store.read(certificate)
    db_session.rollback()


def test_a_revoked_certificate_can_still_be_reissued_once(make, db_session, issuer) -> None:
    cohort = finished_cohort(make, ["Siti"])
    old = issue_certificate(db_session, cohort.enrolments[0], issuer)
    revoke_certificate(db_session, old, "Dicabut sementara untuk pemeriksaan", None)
    new = reissue_certificate(db_session, old, "Pemeriksaan selesai, sertifikat benar", issuer)
    db_session.expire_all()
    old = db_session.get(Certificate, old.id)
    assert old.revoke_reason == "Dicabut sementara untuk pemeriksaan"  # the first reason stays
    assert new.replaces_id == old.id and new.status == CertificateStatus.VALID
    entry = db_session.scalar(
        select(AuditLog).where(AuditLog.action == "issue", AuditLog.entity_id == str(new.id))
    )
    assert entry.details["replaces"] == old.serial
    assert entry.details["reason"] == "Pemeriksaan selesai, sertifikat benar"
