"""The administrator's certificate pages through the test client: eligibility per session,
issuing one or all, refusals with their reasons and status codes, batch printing, revoking,
reissuing, the register and its search."""

from __future__ import annotations

import io
import zipfile

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from isdc.models import AuditLog, Certificate, CertificateStatus, Role
from isdc.models.issuing import CertificateStore
from tests.certweb.helpers import configure_site, finished_cohort
from tests.conftest import csrf_from, login
from tests.factories import PASSWORD


@pytest.fixture
def admin(app, make, db_session):  # type: ignore[no-untyped-def]
    configure_site(db_session, make.site)
    make.user(Role.ADMIN, username="admin")
    client = app.test_client()
    login(client, "admin", PASSWORD)
    return client


def token(client, path: str) -> str:  # type: ignore[no-untyped-def]
    return csrf_from(client.get(path).get_data(as_text=True))


def certificates(db_session) -> list[Certificate]:  # type: ignore[no-untyped-def]
    db_session.expire_all()
    return list(db_session.scalars(select(Certificate).order_by(Certificate.serial)))


def test_the_session_page_shows_who_is_eligible_and_exactly_why_not(
    admin, make, db_session
) -> None:
    cohort = finished_cohort(make, ["Ani Lestari", "Budi Santoso"])
    budi = cohort.enrolments[1]
    budi.practical_signed_off_at = None
    db_session.commit()
    page = admin.get(f"/certificates/sessions/{cohort.session.id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert f'id="enrolment-{cohort.enrolments[0].id}" data-state="eligible"' in html
    assert f'id="enrolment-{budi.id}" data-state="ineligible"' in html
    assert "Penilaian praktik belum disahkan." in html
    assert "Terbitkan untuk 1 peserta yang memenuhi syarat" in html
    assert 'data-count="eligible">1<' in html and 'data-count="ineligible">1<' in html


def test_issue_to_the_cohort_then_print_the_batch(admin, make, db_session) -> None:
    cohort = finished_cohort(make, ["Yusuf", "Ani", "Budi"])
    path = f"/certificates/sessions/{cohort.session.id}"
    response = admin.post(f"{path}/issue", data={"csrf_token": token(admin, path)})
    assert response.status_code == 303
    page = admin.get(path).get_data(as_text=True)
    assert "3 sertifikat diterbitkan." in page
    issued = certificates(db_session)
    assert [c.holder_name for c in issued] == ["Ani", "Budi", "Yusuf"]
    batch = admin.get(f"{path}/certificates.pdf")
    assert batch.status_code == 200 and batch.mimetype == "application/pdf"
    assert "attachment" in batch.headers["Content-Disposition"]
    assert len(PdfReader(io.BytesIO(batch.data)).pages) == 3
    archive = admin.get(f"{path}/certificates.zip")
    assert archive.mimetype == "application/zip"
    with zipfile.ZipFile(io.BytesIO(archive.data)) as files:
        assert len(files.namelist()) == 3
    prints = db_session.scalars(select(AuditLog).where(AuditLog.action == "print")).all()
    assert [p.details["format"] for p in prints] == ["pdf", "zip"]
    assert prints[0].actor_name == "admin"


def test_issuing_to_a_cohort_with_nobody_eligible_is_a_409_that_writes_nothing(
    admin, make, db_session, app
) -> None:
    cohort = finished_cohort(make, ["Ani", "Budi"], eligible=False)
    path = f"/certificates/sessions/{cohort.session.id}"
    response = admin.post(f"{path}/issue", data={"csrf_token": token(admin, path)})
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "Tidak ada yang diterbitkan" in html
    assert "Tidak ada peserta sesi ini yang memenuhi syarat" in html
    assert certificates(db_session) == []
    assert CertificateStore(app.instance_path).files() == []
    printing = admin.get(f"{path}/certificates.pdf")
    assert printing.status_code == 409
    assert "Belum ada sertifikat sah" in printing.get_data(as_text=True)


def test_issuing_an_ineligible_trainee_names_the_reason(admin, make, db_session) -> None:
    cohort = finished_cohort(make, ["Budi"], eligible=False)
    enrolment = cohort.enrolments[0]
    path = f"/certificates/sessions/{cohort.session.id}"
    response = admin.post(
        f"/certificates/enrolments/{enrolment.id}/issue", data={"csrf_token": token(admin, path)}
    )
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "Hadir 0 dari 2 hari (0 %); pelatihan mensyaratkan 100 %." in html
    assert "Skenario urban_intersection (Mobil): belum pernah dijalankan" in html
    assert certificates(db_session) == []


def test_issuing_twice_is_a_409(admin, make, db_session) -> None:
    cohort = finished_cohort(make, ["Ani"])
    enrolment = cohort.enrolments[0]
    path = f"/certificates/sessions/{cohort.session.id}"
    first = admin.post(
        f"/certificates/enrolments/{enrolment.id}/issue", data={"csrf_token": token(admin, path)}
    )
    assert first.status_code == 303
    serial = certificates(db_session)[0].serial
    again = admin.post(
        f"/certificates/enrolments/{enrolment.id}/issue", data={"csrf_token": token(admin, path)}
    )
    assert again.status_code == 409
    assert f"Pendaftaran ini sudah memiliki sertifikat {serial}." in again.get_data(as_text=True)
    assert len(certificates(db_session)) == 1


def test_issuing_without_a_csrf_token_is_refused(admin, make, db_session) -> None:
    cohort = finished_cohort(make, ["Ani"])
    response = admin.post(f"/certificates/sessions/{cohort.session.id}/issue")
    assert response.status_code == 400
    assert certificates(db_session) == []


def test_an_unconfigured_site_is_told_what_to_set(app, make, db_session) -> None:
    make.user(Role.ADMIN, username="admin")
    client = app.test_client()
    login(client, "admin", PASSWORD)
    cohort = finished_cohort(make, ["Ani"])
    html = client.get(f"/certificates/sessions/{cohort.session.id}").get_data(as_text=True)
    assert "Nama penanda tangan belum diisi di pengaturan sertifikat." in html
    assert 'id="issue-all" disabled' in html


def test_revoke_needs_a_reason_and_then_the_public_page_says_revoked(
    admin, make, db_session
) -> None:
    cohort = finished_cohort(make, ["Ani"])
    path = f"/certificates/sessions/{cohort.session.id}"
    admin.post(f"{path}/issue", data={"csrf_token": token(admin, path)})
    certificate = certificates(db_session)[0]
    detail = f"/certificates/{certificate.id}"
    empty = admin.post(
        f"{detail}/revoke", data={"csrf_token": token(admin, detail), "revoke-reason": ""}
    )
    assert empty.status_code == 400 and "Tuliskan alasannya." in empty.get_data(as_text=True)
    assert certificates(db_session)[0].status == CertificateStatus.VALID
    done = admin.post(
        f"{detail}/revoke",
        data={"csrf_token": token(admin, detail), "revoke-reason": "Dokumen palsu terdeteksi"},
    )
    assert done.status_code == 303
    page = admin.get(detail).get_data(as_text=True)
    assert f"Sertifikat {certificate.serial} telah dicabut." in page
    assert 'data-status="revoked"' in page and "Dokumen palsu terdeteksi" in page
    public = admin.get(f"/verify/{certificate.verification_code}").get_data(as_text=True)
    assert 'data-status="revoked"' in public and "Dokumen palsu terdeteksi" in public
    again = admin.post(
        f"{detail}/revoke",
        data={"csrf_token": token(admin, detail), "revoke-reason": "sekali lagi"},
    )
    assert again.status_code == 409 and "sudah dicabut" in again.get_data(as_text=True)


def test_reissue_from_the_certificate_page(admin, make, db_session) -> None:
    cohort = finished_cohort(make, ["Ani Lestar"])
    path = f"/certificates/sessions/{cohort.session.id}"
    admin.post(f"{path}/issue", data={"csrf_token": token(admin, path)})
    old = certificates(db_session)[0]
    cohort.enrolments[0].trainee.full_name = "Ani Lestari"
    db_session.commit()
    detail = f"/certificates/{old.id}"
    response = admin.post(
        f"{detail}/reissue",
        data={"csrf_token": token(admin, detail), "reissue-reason": "Nama salah eja"},
    )
    assert response.status_code == 303
    old, new = certificates(db_session)
    assert response.headers["Location"] == f"/certificates/{new.id}"
    assert old.status == CertificateStatus.REVOKED and new.replaces_id == old.id
    assert new.holder_name == "Ani Lestari"
    page = admin.get(f"/certificates/{new.id}").get_data(as_text=True)
    assert f"Sertifikat {new.serial} menggantikan {old.serial}." in page
    assert f"menggantikan {old.serial}: Nama salah eja" in page  # in its history
    public = admin.get(f"/verify/{old.verification_code}").get_data(as_text=True)
    assert f"Digantikan oleh sertifikat {new.serial}." in public
    # The session page shows the new one, and counts it once.
    session_page = admin.get(path).get_data(as_text=True)
    assert new.serial in session_page and 'data-count="issued">1<' in session_page


def test_the_register_finds_by_name_serial_code_and_status(admin, make, db_session) -> None:
    cohort = finished_cohort(make, ["Ani Lestari", "Budi Santoso", "Citra Dewi"])
    path = f"/certificates/sessions/{cohort.session.id}"
    admin.post(f"{path}/issue", data={"csrf_token": token(admin, path)})
    ani, budi, citra = certificates(db_session)
    detail = f"/certificates/{citra.id}"
    admin.post(
        f"{detail}/revoke",
        data={"csrf_token": token(admin, detail), "revoke-reason": "Uji pencarian"},
    )

    def found(query: str) -> list[str]:
        html = admin.get(f"/certificates/?{query}").get_data(as_text=True)
        return [c.serial for c in (ani, budi, citra) if f">{c.serial}</a>" in html]

    assert found("") == [ani.serial, budi.serial, citra.serial]
    assert found("q=lestari") == [ani.serial]
    assert found(f"q={budi.serial}") == [budi.serial]
    assert found("q=" + budi.verification_code.lower().replace("-", " ")) == [budi.serial]
    assert found("status=revoked") == [citra.serial]
    assert found("status=valid") == [ani.serial, budi.serial]
    assert found("status=expired") == []
    assert found(f"course={cohort.course.id}&year={ani.serial[5:9]}") == [
        ani.serial,
        budi.serial,
        citra.serial,
    ]
    assert found("q=%25") == []  # a LIKE wildcard is searched for literally
    finished = admin.get("/certificates/").get_data(as_text=True)
    assert f'data-session="{cohort.session.id}"' in finished


def test_pages_of_another_site_are_not_found(admin, make, db_session) -> None:
    from isdc.models import Site
    from tests.factories import Factory

    other = Factory(db_session, Site(name="ISDC Polda Jatim", code="JTM", timezone="Asia/Jakarta"))
    db_session.add(other.site)
    db_session.commit()
    configure_site(db_session, other.site)
    cohort = finished_cohort(other, ["Orang Lain"])
    assert admin.get(f"/certificates/sessions/{cohort.session.id}").status_code == 404
    assert admin.post(f"/certificates/enrolments/{cohort.enrolments[0].id}/issue",
                      data={"csrf_token": token(admin, "/certificates/")}).status_code == 404  # fmt: skip
    assert db_session.scalar(select(func.count(Certificate.id))) == 0


def test_the_register_survives_nonsense_in_its_address(admin, make, db_session) -> None:
    for query in ("page=abc", "page=-3", "page=99999", "course=xyz", "status=unknown", "year=20x6",
                  "q=" + "x" * 500, "q=%00%ff"):  # fmt: skip
        response = admin.get(f"/certificates/?{query}")
        assert response.status_code == 200, query


def test_unknown_sessions_enrolments_and_certificates_are_404(admin) -> None:
    for path in ("/certificates/sessions/424242", "/certificates/424242",
                 "/certificates/sessions/424242/certificates.pdf"):  # fmt: skip
        assert admin.get(path).status_code == 404, path
    page = admin.get("/certificates/")
    assert admin.post("/certificates/enrolments/424242/issue",
                      data={"csrf_token": csrf_from(page.get_data(as_text=True))}).status_code == 404  # fmt: skip


def test_a_session_not_over_yet_shows_why_and_issues_nothing(admin, make, db_session) -> None:
    cohort = finished_cohort(make, ["Ani"], ended_days_ago=-2)
    path = f"/certificates/sessions/{cohort.session.id}"
    html = admin.get(path).get_data(as_text=True)
    assert "Sesi belum selesai." in html and 'id="nobody-waiting"' in html
    response = admin.post(f"{path}/issue", data={"csrf_token": token(admin, path)})
    assert response.status_code == 409 and "Sesi belum selesai." in response.get_data(as_text=True)
    assert certificates(db_session) == []


def test_control_characters_in_a_reason_are_dropped_not_stored(admin, make, db_session) -> None:
    cohort = finished_cohort(make, ["Ani"])
    path = f"/certificates/sessions/{cohort.session.id}"
    admin.post(f"{path}/issue", data={"csrf_token": token(admin, path)})
    certificate = certificates(db_session)[0]
    detail = f"/certificates/{certificate.id}"
    only_controls = admin.post(
        f"{detail}/revoke",
        data={"csrf_token": token(admin, detail), "revoke-reason": "\x00\x01\x1b\x00\x00\x00"},
    )
    assert only_controls.status_code == 400 and "Tuliskan alasannya." in only_controls.get_data(
        as_text=True
    )
    done = admin.post(
        f"{detail}/revoke",
        data={
            "csrf_token": token(admin, detail),
            "revoke-reason": "Data\x00 palsu\r\n\tterdeteksi",
        },
    )
    assert done.status_code == 303
    assert certificates(db_session)[0].revoke_reason == "Data palsu terdeteksi"
