"""What anyone sees without logging in: the verification page and its JSON twin - valid,
revoked, expired, unknown, malformed - with nothing more than needed, rate-limited; and the
whole chain a verifier uses: the printed QR code, decoded by a real decoder, opens "valid"."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import event

from isdc.extensions import db
from isdc.models.base import local_today
from isdc.models.issuing import (
    CertificateStore,
    Issuer,
    issue_certificate,
    revoke_certificate,
)
from tests.certificates.helpers import decode_qr, needs_poppler, needs_zbar, render_png
from tests.certweb.helpers import BASE_URL, configure_site, finished_cohort


@pytest.fixture
def issued(app, make, db_session):  # type: ignore[no-untyped-def]
    """A valid certificate of a trainee with a NIK, phone and e-mail on file."""
    configure_site(db_session, make.site)
    cohort = finished_cohort(make, ["Siti Nurhaliza"])
    trainee = cohort.enrolments[0].trainee
    trainee.phone = "081234567890"
    trainee.email = "siti@example.id"
    db_session.commit()
    issuer = Issuer(store=CertificateStore(app.instance_path), base_url=BASE_URL)
    return issue_certificate(db_session, cohort.enrolments[0], issuer)


def test_a_valid_certificate_verifies_in_indonesian_with_english(client, issued) -> None:
    response = client.get(f"/verify/{issued.verification_code}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'data-status="valid"' in html
    assert "Sertifikat sah" in html and "Valid certificate" in html  # both languages
    assert "Pemegang" in html and "Holder" in html
    for shown in (
        "Siti Nurhaliza",
        issued.serial,
        "Mengemudi Defensif (Mobil)",
        "Defensive Driving (Car)",
    ):
        assert shown in html
    assert response.headers["X-Robots-Tag"].startswith("noindex")


def test_the_page_shows_nothing_more_than_needed(client, issued, db_session) -> None:
    trainee = issued.trainee
    html = client.get(f"/verify/{issued.verification_code}").get_data(as_text=True)
    for private in (
        trainee.nik,
        trainee.phone,
        trainee.email,
        trainee.birth_date.isoformat(),
        "lahir",
    ):
        assert private not in html, private
    body = client.get(f"/api/v1/certificates/{issued.verification_code}").get_data(as_text=True)
    for private in (trainee.nik, trainee.phone, trainee.email, trainee.birth_date.isoformat()):
        assert private not in body, private


def test_the_page_in_english_says_valid_with_indonesian(client, issued) -> None:
    from tests.conftest import csrf_from

    page = client.get(f"/verify/{issued.verification_code}").get_data(as_text=True)
    client.post("/language", data={"language": "en", "next": "/", "csrf_token": csrf_from(page)})
    html = client.get(f"/verify/{issued.verification_code}").get_data(as_text=True)
    assert '<html lang="en">' in html
    assert '<h1 class="h3 mb-0" id="verdict">Valid certificate</h1>' in html
    assert "Sertifikat sah" in html


def test_revoked_shows_date_and_reason_and_expired_says_so(
    client, issued, db_session, make
) -> None:
    revoke_certificate(db_session, issued, "Data pelatihan tidak benar", None)
    html = client.get(f"/verify/{issued.verification_code}").get_data(as_text=True)
    assert 'data-status="revoked"' in html
    assert "Data pelatihan tidak benar" in html and "Dicabut pada" in html and "Revoked on" in html
    api = client.get(f"/api/v1/certificates/{issued.verification_code}").json
    assert api["status"] == "revoked" and api["revoke_reason"] == "Data pelatihan tidak benar"
    assert api["revoked_on"] == local_today(make.site.tzinfo).isoformat()


def test_an_expired_certificate_says_expired(client, app, make, db_session) -> None:
    configure_site(db_session, make.site)
    cohort = finished_cohort(make, ["Lama Sekali"], ended_days_ago=40)
    cohort.course.certificate_validity_months = 1
    db_session.commit()
    issuer = Issuer(store=CertificateStore(app.instance_path), base_url=BASE_URL)
    from datetime import datetime, time

    long_ago = datetime.combine(cohort.days[-1], time(17), tzinfo=make.site.tzinfo)
    certificate = issue_certificate(db_session, cohort.enrolments[0], issuer, now=long_ago)
    assert certificate.valid_until < date.today()
    html = client.get(f"/verify/{certificate.verification_code}").get_data(as_text=True)
    assert 'data-status="expired"' in html and "sudah kedaluwarsa" in html and "has expired" in html
    assert (
        client.get(f"/api/v1/certificates/{certificate.verification_code}").json["status"]
        == "expired"
    )


def test_an_unknown_code_is_a_plain_404(client, issued) -> None:
    from isdc.certificates import new_code

    response = client.get(f"/verify/{new_code()}")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "Sertifikat tidak ditemukan" in html and "Tidak ada sertifikat dengan kode ini" in html
    assert issued.holder_name not in html
    api = client.get(f"/api/v1/certificates/{new_code()}")
    assert api.status_code == 404 and api.json == {
        "error": "not_found",
        "detail": "No certificate has this verification code.",
    }


def tampered(code: str) -> str:
    """The code with one character changed: the check symbol catches it."""
    symbols = code.replace("-", "")
    first = "1" if symbols[0] != "1" else "2"
    return first + symbols[1:]


@pytest.mark.parametrize(
    ("mangle", "says"),
    [
        (tampered, "kemungkinan ada karakter yang salah ketik"),
        (lambda code: code[:-5], "kode terdiri atas 20 karakter"),
        (lambda code: code.replace(code[0], "U", 1), "tanpa I, L, O, dan U"),
        (lambda code: "<script>alert(1)</script>", "kode hanya berisi angka"),
    ],
)
def test_a_tampered_or_malformed_code_is_a_404_without_a_database_query(
    client, issued, mangle, says
) -> None:
    statements: list[str] = []
    typed = mangle(issued.verification_code)

    def count(*args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        statements.append(args[2])

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        response = client.get(f"/verify/{typed}")
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert says in html and "<script>alert" not in html
    assert not [s for s in statements if "certificates" in s]
    api = client.get(f"/api/v1/certificates/{typed}")
    assert api.status_code == 400 and api.json["error"] == "malformed_code"


def test_a_code_typed_loosely_leads_to_the_canonical_page(client, issued) -> None:
    loose = issued.verification_code.lower().replace("-", " ")
    response = client.get(f"/verify/{loose}")
    assert response.status_code == 308
    assert response.headers["Location"] == f"/verify/{issued.verification_code}"
    typed = client.get("/verify", query_string={"code": loose})
    assert typed.status_code == 303
    assert client.get("/verify").status_code == 200


def test_the_api_answers_the_contract(client, issued) -> None:
    response = client.get(f"/api/v1/certificates/{issued.verification_code}")
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    body = response.json
    assert {"status", "holder", "course", "issued", "expires"} <= set(body)
    assert body["status"] == "valid"
    assert body["holder"] == "Siti Nurhaliza"
    assert body["course"] == "Mengemudi Defensif (Mobil)"
    assert (
        body["issued"] == issued.issued_at.astimezone(issued.course.site.tzinfo).date().isoformat()
    )
    assert body["expires"] == issued.valid_until.isoformat()
    assert "revoke_reason" not in body


@pytest.fixture
def strict_verify_limit(app_config):  # type: ignore[no-untyped-def]
    app_config["VERIFY_RATE_LIMIT"] = "3 per minute"


@pytest.mark.usefixtures("strict_verify_limit")
def test_verification_is_rate_limited(client, issued) -> None:
    from isdc.certificates import new_code

    codes = [issued.verification_code, new_code(), "garbage"]
    assert [client.get(f"/verify/{c}").status_code for c in codes] == [200, 404, 404]
    assert client.get(f"/verify/{issued.verification_code}").status_code == 429
    api = [client.get(f"/api/v1/certificates/{issued.verification_code}") for _ in range(4)]
    assert [r.status_code for r in api] == [200, 200, 200, 429]
    assert api[-1].is_json and api[-1].json["error"]


@needs_poppler
@needs_zbar
def test_the_printed_qr_code_opens_valid_then_revoked(app, make, db_session, tmp_path) -> None:
    """As a verifier would: the admin issues on the web, downloads the PDF; the QR code read
    by zbarimg from the rendered page is opened; after revoking, the same URL says revoked."""
    from isdc.models import Role
    from tests.conftest import csrf_from, login
    from tests.factories import PASSWORD

    configure_site(db_session, make.site)
    make.user(Role.ADMIN, username="admin")
    cohort = finished_cohort(make, ["Ni Luh Putu Ayu Wulandari"])
    admin = app.test_client()
    login(admin, "admin", PASSWORD)
    path = f"/certificates/sessions/{cohort.session.id}"
    admin.post(
        f"{path}/issue", data={"csrf_token": csrf_from(admin.get(path).get_data(as_text=True))}
    )
    batch = admin.get(f"{path}/certificates.pdf").data
    [url] = decode_qr(render_png(batch, tmp_path, dpi=150))
    assert url.startswith(BASE_URL + "/verify/")
    public_path = url.removeprefix(BASE_URL)
    verifier = app.test_client()
    html = verifier.get(public_path).get_data(as_text=True)
    assert 'data-status="valid"' in html and "Ni Luh Putu Ayu Wulandari" in html

    from isdc.models import Certificate

    certificate = db_session.query(Certificate).one()
    detail = f"/certificates/{certificate.id}"
    admin.post(f"{detail}/revoke", data={"csrf_token": csrf_from(admin.get(detail).get_data(as_text=True)),
                                          "revoke-reason": "Dicabut untuk uji QR"})  # fmt: skip
    html = verifier.get(public_path).get_data(as_text=True)
    assert 'data-status="revoked"' in html and "Dicabut untuk uji QR" in html
