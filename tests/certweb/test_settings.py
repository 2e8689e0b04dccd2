"""Certificate settings: signatory, place, address, logo and signature uploads - validated whole
before anything is written; used by certificates issued afterwards, never by earlier ones."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from isdc.models import Role, Site
from isdc.models.issuing import CertificateStore, Issuer, issue_certificate
from tests.certificates.helpers import make_logo_png, make_signature_png, pdf_text
from tests.certweb.helpers import BASE_URL, finished_cohort
from tests.conftest import csrf_from, login
from tests.factories import PASSWORD

VALID = {
    "signatory_name": "Kombes Pol. Dr. Bagus Hendrawan, S.I.K., M.Si.",
    "signatory_title": "Kepala Indonesia Safety Driving Center",
    "signatory_title_en": "Head of the Indonesia Safety Driving Center",
    "place": "Serpong",
    "public_base_url": "https://isdc.example.go.id/",
}


@pytest.fixture
def admin(app, make):  # type: ignore[no-untyped-def]
    make.user(Role.ADMIN, username="admin")
    client = app.test_client()
    login(client, "admin", PASSWORD)
    return client


def post(client, **fields):  # type: ignore[no-untyped-def]
    data = {"csrf_token": csrf_from(client.get("/certificates/settings").get_data(as_text=True))}
    data.update(VALID)
    data.update(fields)
    return client.post("/certificates/settings", data=data, content_type="multipart/form-data")


def branding_files(app) -> list[Path]:  # type: ignore[no-untyped-def]
    folder = Path(app.instance_path) / "branding"
    return sorted(folder.iterdir()) if folder.exists() else []


def site_of(db_session, make) -> Site:  # type: ignore[no-untyped-def]
    db_session.expire_all()
    return db_session.get(Site, make.site.id)


def test_settings_are_saved_and_shown(admin, app, make, db_session) -> None:
    response = post(admin, logo=(io.BytesIO(make_logo_png()), "logo.png"),
                    signature=(io.BytesIO(make_signature_png()), "ttd.png"))  # fmt: skip
    assert response.status_code == 303
    site = site_of(db_session, make)
    assert site.certificate_signatory_name == VALID["signatory_name"]
    assert site.certificate_signatory_title_en == VALID["signatory_title_en"]
    assert site.certificate_place == "Serpong"
    assert site.public_base_url == "https://isdc.example.go.id"
    assert site.logo_path.startswith("branding/srp-logo-") and site.logo_path.endswith(".png")
    assert len(branding_files(app)) == 2
    page = admin.get("/certificates/settings").get_data(as_text=True)
    assert "Pengaturan sertifikat disimpan." in page and 'id="current-logo"' in page
    image = admin.get("/certificates/settings/logo")
    assert image.mimetype == "image/png" and image.data == make_logo_png()


@pytest.mark.parametrize(
    ("upload", "says"),
    [
        (b"%PDF-1.7 not an image", "Berkas ini bukan gambar"),
        (b"", "Berkas kosong."),
        (b'<svg xmlns="http://www.w3.org/2000/svg"/>', "Berkas ini bukan gambar"),
    ],
)
def test_a_file_that_is_not_an_image_is_refused_and_nothing_is_written(
    admin, app, make, db_session, upload, says
) -> None:
    response = post(admin, signatory_name="Nama Baru", logo=(io.BytesIO(upload), "logo.png"))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert says in html and "Tidak ada yang disimpan" in html
    assert branding_files(app) == []
    assert (
        site_of(db_session, make).certificate_signatory_name is None
    )  # the text was not saved either


def test_other_image_formats_and_broken_images_are_refused(admin, app) -> None:
    bmp = io.BytesIO()
    Image.new("RGB", (40, 20), "navy").save(bmp, "BMP")
    response = post(admin, logo=(io.BytesIO(bmp.getvalue()), "logo.bmp"))
    assert response.status_code == 400
    assert "Gambar BMP tidak diterima" in response.get_data(as_text=True)
    truncated = make_logo_png()[:200]
    response = post(admin, signature=(io.BytesIO(truncated), "ttd.png"))
    assert response.status_code == 400
    assert "Gambar tidak dapat dipakai" in response.get_data(as_text=True)
    assert branding_files(app) == []


def test_text_that_cannot_be_printed_and_bad_addresses_are_refused(admin, make, db_session) -> None:
    response = post(admin, signatory_name="张三", public_base_url="isdc.example.go.id")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Karakter ini tidak dapat dicetak pada sertifikat: 张 三" in html
    assert "Masukkan alamat yang diawali https://" in html
    response = post(admin, signatory_name="")
    assert response.status_code == 400 and "Masukkan nama penanda tangan." in response.get_data(
        as_text=True
    )
    assert site_of(db_session, make).certificate_signatory_name is None


def test_the_logo_can_be_removed_and_the_sample_shows_the_settings(
    admin, app, make, db_session
) -> None:
    post(admin, logo=(io.BytesIO(make_logo_png()), "logo.png"))
    sample = admin.get("/certificates/settings/sample.pdf")
    assert sample.status_code == 200 and sample.mimetype == "application/pdf"
    text = pdf_text(sample.data)
    assert VALID["signatory_name"] in text and "CONTOH" in text and "SAMPLE" in text
    post(admin, remove_logo="y")
    assert site_of(db_session, make).logo_path is None
    assert admin.get("/certificates/settings/logo").status_code == 404


def test_new_settings_reach_new_certificates_only(admin, app, make, db_session) -> None:
    post(admin, logo=(io.BytesIO(make_logo_png()), "logo.png"))
    cohort = finished_cohort(make, ["Ani", "Budi"])
    issuer = Issuer(store=CertificateStore(app.instance_path), base_url=BASE_URL)
    site = site_of(db_session, make)
    first = issue_certificate(db_session, cohort.enrolments[0], issuer)
    before = issuer.store.read(first)
    post(admin, signatory_name="Brigjen Pol. Pejabat Baru")
    second = issue_certificate(db_session, cohort.enrolments[1], issuer)
    assert "Pejabat Baru" in pdf_text(issuer.store.read(second))
    assert issuer.store.read(first) == before and "Pejabat Baru" not in pdf_text(before)
    images = PdfReader(io.BytesIO(before)).pages[0].images
    assert len(images) >= 1  # the uploaded logo is printed
    assert site.logo_path


def test_an_image_over_5_mb_is_refused(admin, app) -> None:
    big = io.BytesIO()
    noise = Image.effect_noise((2000, 2000), 100).convert("RGB")
    noise.save(big, "PNG", compress_level=0)
    assert big.tell() > 5 * 1024 * 1024
    # Encoded in memory: the test client would spool a body this large to a temporary file
    # it never closes.
    fields = {"csrf_token": csrf_from(admin.get("/certificates/settings").get_data(as_text=True)),
              **VALID, "logo": FileStorage(io.BytesIO(big.getvalue()), "logo.png", "image/png")}  # fmt: skip
    boundary, body = encode_multipart(fields)
    response = admin.post("/certificates/settings", data=body,
                          content_type=f"multipart/form-data; boundary={boundary}")  # fmt: skip
    assert response.status_code == 400
    assert "lebih besar dari 5 MB" in response.get_data(as_text=True)
    assert branding_files(app) == []


def test_control_characters_are_dropped_and_an_empty_name_refused(admin, make, db_session) -> None:
    response = post(admin, signatory_name="\x00\x00", place="Ser\x00pong\x1b")
    assert response.status_code == 400 and "Masukkan nama penanda tangan." in response.get_data(
        as_text=True
    )
    assert post(admin, place="Ser\x00pong\x1b").status_code == 303
    assert site_of(db_session, make).certificate_place == "Serpong"
