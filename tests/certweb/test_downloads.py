"""Downloads return the stored bytes - to the administrator and to the holder only - and never
change after issue; the trainee's own list; the storage check command."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import select

from isdc.models import AuditLog, Role
from isdc.models.issuing import CertificateStore, Issuer, issue_certificate, revoke_certificate
from tests.certificates.helpers import pdf_text
from tests.certweb.helpers import BASE_URL, configure_site, finished_cohort
from tests.conftest import login
from tests.factories import PASSWORD


@pytest.fixture
def issued(app, make, db_session):  # type: ignore[no-untyped-def]
    configure_site(db_session, make.site)
    cohort = finished_cohort(make, ["Siti Nurhaliza", "Budi Santoso"])
    issuer = Issuer(store=CertificateStore(app.instance_path), base_url=BASE_URL)
    return [issue_certificate(db_session, e, issuer) for e in cohort.enrolments]


def signed_in(app, make, role: Role, **fields):  # type: ignore[no-untyped-def]
    user = make.user(role, **fields)
    client = app.test_client()
    login(client, user.username, PASSWORD)
    return client


def test_the_download_is_the_stored_pdf_even_after_name_and_signatory_change(
    app, make, db_session, issued
) -> None:
    siti, _ = issued
    admin = signed_in(app, make, Role.ADMIN)
    first = admin.get(f"/certificates/{siti.id}/download")
    assert first.status_code == 200 and first.mimetype == "application/pdf"
    assert hashlib.sha256(first.data).hexdigest() == siti.pdf_sha256
    assert "Siti_Nurhaliza.pdf" in first.headers["Content-Disposition"]
    assert first.headers["Cache-Control"] == "private, no-store"
    siti.trainee.full_name = "Siti Nurhaliza Binti Ahmad"
    make.site.certificate_signatory_name = "Brigjen Pol. Pejabat Baru"
    make.site.certificate_signatory_title = "Direktur Baru"
    db_session.commit()
    again = admin.get(f"/certificates/{siti.id}/download")
    assert again.data == first.data
    assert "Pejabat Baru" not in pdf_text(again.data) and "Binti Ahmad" not in pdf_text(again.data)
    downloads = db_session.scalars(select(AuditLog).where(AuditLog.action == "download")).all()
    assert len(downloads) == 2 and downloads[0].entity_id == str(siti.id)


def test_a_trainee_downloads_their_own_and_nobody_elses(app, make, db_session, issued) -> None:
    siti, budi = issued
    trainee = signed_in(app, make, Role.TRAINEE, trainee=siti.trainee)
    own = trainee.get(f"/certificates/{siti.id}/download")
    assert own.status_code == 200 and hashlib.sha256(own.data).hexdigest() == siti.pdf_sha256
    assert trainee.get(f"/certificates/{budi.id}/download").status_code == 404
    assert trainee.get("/certificates/999999/download").status_code == 404
    mine = trainee.get("/certificates/mine").get_data(as_text=True)
    assert siti.serial in mine and budi.serial not in mine
    assert f"/verify/{siti.verification_code}" in mine
    assert trainee.get("/certificates/").status_code == 403
    instructor = signed_in(app, make, Role.INSTRUCTOR)
    assert instructor.get(f"/certificates/{siti.id}/download").status_code == 404


def test_a_revoked_certificate_is_not_downloadable_by_its_holder(
    app, make, db_session, issued
) -> None:
    siti, _ = issued
    revoke_certificate(db_session, siti, "Data peserta keliru", None)
    trainee = signed_in(app, make, Role.TRAINEE, trainee=siti.trainee)
    refused = trainee.get(f"/certificates/{siti.id}/download")
    assert refused.status_code == 403
    assert "telah dicabut" in refused.get_data(as_text=True)
    mine = trainee.get("/certificates/mine").get_data(as_text=True)
    assert "Data peserta keliru" in mine
    admin = signed_in(app, make, Role.ADMIN)
    assert admin.get(f"/certificates/{siti.id}/download").status_code == 200  # the record


def test_a_damaged_stored_file_is_refused_not_served(app, make, db_session, issued) -> None:
    siti, _ = issued
    path = CertificateStore(app.instance_path).absolute(siti.pdf_path)
    path.write_bytes(path.read_bytes()[:-10])
    admin = signed_in(app, make, Role.ADMIN)
    response = admin.get(f"/certificates/{siti.id}/download")
    assert response.status_code == 500
    assert "rusak atau hilang" in response.get_data(as_text=True)


def test_a_trainee_without_certificates_is_told_how_to_get_one(app, make) -> None:
    trainee = signed_in(app, make, Role.TRAINEE, trainee=make.trainee())
    html = trainee.get("/certificates/mine").get_data(as_text=True)
    assert "Anda belum memiliki sertifikat." in html


def test_the_check_command_finds_orphans_and_missing_files(
    app, make, db_session, issued, runner
) -> None:
    store = CertificateStore(app.instance_path)
    ok = runner.invoke(args=["certificates", "check"])
    assert (
        ok.exit_code == 0
        and "2 certificates checked, 0 with a problem, 0 unreferenced" in ok.output
    )
    orphan = store.root / "2026" / "DDC" / "ISDC-2026-DDC-09999_ORPHAN.pdf"
    orphan.parent.mkdir(parents=True, exist_ok=True)
    orphan.write_bytes(b"%PDF-1.7 left by a crash")
    store.absolute(issued[0].pdf_path).unlink()
    found = runner.invoke(args=["certificates", "check"])
    assert found.exit_code == 1
    assert (
        "cannot be read" in found.output
        and "unreferenced file certificates/2026/DDC/" in found.output
    )
    cleaned = runner.invoke(args=["certificates", "check", "--remove-orphans"])
    assert "removed unreferenced file" in cleaned.output and not orphan.exists()
