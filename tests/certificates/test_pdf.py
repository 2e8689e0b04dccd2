"""The certificate PDF, read back as a person's PDF reader and a phone's QR scanner would."""

from __future__ import annotations

import io
import os
import pickle
import subprocess
import sys
import unicodedata
from datetime import date

import pytest
from pypdf import PdfReader

from isdc.certificates import CertificateDataError, new_code, render_certificate, verification_url
from isdc.certificates.fonts import unprintable_characters

from .helpers import (
    decode_qr,
    make_data,
    needs_poppler,
    needs_zbar,
    pdf_text,
    render_png,
    word_boxes,
)

UNICODE_NAMES = [
    "Siti Nurhaliza",
    "Ni Luh Putu Ayu Wulandari",
    "Đặng Thị Hồng",
    "Zoë O'Brien-Müller",
    "Łukasz Żółć-Ñúñez",
    "Şükrü Çağlar",
    "Αλέξανδρος Παπαδόπουλος",
    "Дмитрий Иванов",
]
LONG_NAME = "Raden Mas Muhammad Abdurrahman Wahyudi Kusumaningrat Prawiro"  # 60 characters
LONG_TITLE_ID = (
    "Pelatihan Peningkatan Kompetensi Instruktur Keselamatan Berkendara Angkutan Barang "
    "dan Penumpang Umum Tingkat Lanjut"
)
LONG_TITLE_EN = (
    "Advanced Competence Upgrading Course for Safety Driving Instructors of Goods and Public "
    "Passenger Transport"
)


def test_a_reader_finds_holder_serial_code_course_and_dates():
    data = make_data()
    text = pdf_text(render_certificate(data))
    for expected in (
        "SERTIFIKAT",
        "Siti Nurhaliza",
        "ISDC/2026/DD-01/00042",
        data.verification_code,
        "Mengemudi Defensif Kendaraan Roda Empat",
        "Defensive Driving for Cars",
        "12 Maret 1990",  # birth date in Indonesian ...
        "12 March 1990",  # ... and in English
        "24–27 November 2026",
        "32 jam",
        "32 hours",
        "Berlaku sampai",
        "Valid until",
        "27 November 2029",
        "Diterbitkan",
        "Kehadiran / Attendance: 100 %",
        "Drs. Budi Santoso, M.Si.",
        "Kepala Indonesia Safety Driving Center",
        "Serpong, 27 November 2026",
    ):
        assert expected in text, expected


def test_indonesian_comes_before_english():
    text = pdf_text(render_certificate(make_data(valid_until=date(2029, 8, 17))))
    assert text.index("Diberikan kepada") < text.index("Awarded to")
    assert text.index("Mengemudi Defensif") < text.index("Defensive Driving")
    assert text.index("17 Agustus 2029") < text.index("17 August 2029")
    assert text.index("Berlaku sampai") < text.index("Valid until")


def test_page_is_a4_landscape_with_metadata():
    data = make_data()
    reader = PdfReader(io.BytesIO(render_certificate(data)))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (842, 595)
    meta = reader.metadata
    assert meta.author == data.centre_name
    assert meta.subject == data.serial
    assert "Siti Nurhaliza" in meta.title and data.serial in meta.title
    assert meta.creation_date.date() == data.issued


def test_same_data_gives_the_same_bytes():
    data = make_data()
    assert render_certificate(data) == render_certificate(data)


def test_bytes_do_not_depend_on_clock_time_zone_or_process(tmp_path):
    data = make_data()
    expected = render_certificate(data)
    script = (
        "import pickle, sys; from isdc.certificates import render_certificate; "
        "sys.stdout.buffer.write(render_certificate(pickle.load(sys.stdin.buffer)))"
    )
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1234567890", "TZ": "America/New_York", "LANG": "C"}
    other = subprocess.run(
        [sys.executable, "-c", script],
        input=pickle.dumps(data),
        capture_output=True,
        env=env,
        check=True,
    ).stdout
    assert other == expected


def test_different_holders_give_different_files():
    assert render_certificate(make_data()) != render_certificate(
        make_data(holder_name="Budi Hartono")
    )


@pytest.mark.parametrize("name", UNICODE_NAMES)
def test_names_in_many_scripts_are_printed_and_read_back(name):
    assert unprintable_characters(name) == []
    text = pdf_text(render_certificate(make_data(holder_name=name)))
    assert name in text


def test_decomposed_and_spaced_names_are_printed_in_composed_form():
    typed = unicodedata.normalize("NFD", "  Đặng   Thị Hồng ")
    text = pdf_text(render_certificate(make_data(holder_name=typed)))
    assert "Đặng Thị Hồng" in unicodedata.normalize("NFC", text)


def test_a_name_the_font_cannot_print_is_refused_with_the_characters():
    with pytest.raises(CertificateDataError, match="cannot print") as caught:
        render_certificate(make_data(holder_name="王小明"))
    assert "U+738B" in str(caught.value)
    assert unprintable_characters("Ana 王") == ["王"]


def test_default_mark_without_logo_and_images_with_them(logo_png, signature_png, tmp_path):
    plain = PdfReader(io.BytesIO(render_certificate(make_data()))).pages[0]
    assert list(plain.images) == []
    logo_file = tmp_path / "logo.png"
    logo_file.write_bytes(logo_png)
    with_images = render_certificate(make_data(logo_image=logo_file, signature_image=signature_png))
    images = PdfReader(io.BytesIO(with_images)).pages[0].images
    assert len(images) == 2
    # Scaled to print resolution (300 dpi in a 58 pt high box), not embedded at full size.
    assert max(img.image.height for img in images) <= 300
    assert len(with_images) < 100_000


def test_reissue_names_the_certificate_it_replaces():
    text = pdf_text(
        render_certificate(
            make_data(serial="ISDC/2026/DD-01/00043", replaces_serial="isdc/2026/dd-01/42")
        )
    )
    assert "Menggantikan sertifikat ISDC/2026/DD-01/00042" in text
    assert "Replaces certificate ISDC/2026/DD-01/00042" in text


def test_a_certificate_without_expiry_says_so():
    text = pdf_text(render_certificate(make_data(valid_until=None)))
    assert "Tanpa batas waktu" in text and "Does not expire" in text


@pytest.mark.parametrize(
    ("overrides", "words"),
    [
        ({"holder_name": "   "}, "holder's name is empty"),
        ({"holder_name": "A" * 101}, "at most 100"),
        (
            {"verification_code": "ABCD", "verification_url": "https://x/verify/ABCD"},
            "code is malformed",
        ),
        (
            {"verification_url": "https://isdc.example.go.id/verify/OTHER"},
            "does not end with the code",
        ),
        ({"verification_url": "ftp://x/verify/x"}, "https://"),
        ({"serial": "ISDC/2026/DD 01/1"}, "not a serial"),
        ({"serial": "ISDC/2025/DD-01/00042"}, "not of the issue year 2026"),
        ({"serial": "ISDC/2026/SR-01/00042"}, "not of the course DD-01"),
        ({"session_end": date(2026, 11, 1)}, "ends"),
        ({"issued": date(2026, 11, 26)}, "before the session ends"),
        ({"valid_until": date(2026, 11, 27)}, "not after its issue date"),
        ({"birth_date": date(2027, 1, 1)}, "birth date"),
        ({"hours": 0}, "hours"),
        ({"results": tuple(f"line {i}" for i in range(6))}, "at most 5"),
        ({"results": "Kehadiran 100 %"}, "list of lines"),
        ({"replaces_serial": "ISDC/2026/DD-01/00042"}, "cannot replace itself"),
        ({"logo_image": b"not an image"}, "logo image is not a readable"),
        (
            {"signature_image": "/nonexistent/signature.png"},
            "signature image '/nonexistent/signature.png' cannot be read",
        ),
    ],
)
def test_bad_data_is_refused_with_a_message_naming_the_field(overrides, words):
    with pytest.raises(CertificateDataError, match=words.replace("(", r"\(").replace(".", r"\.")):
        render_certificate(make_data(**overrides))


@needs_poppler
@needs_zbar
@pytest.mark.parametrize("dpi", [72, 150])
def test_the_qr_code_decodes_to_the_exact_verification_url(tmp_path, logo_png, signature_png, dpi):
    data = make_data(logo_image=logo_png, signature_image=signature_png)
    png = render_png(render_certificate(data), tmp_path, dpi=dpi)
    assert decode_qr(png) == [data.verification_url]


@needs_poppler
@needs_zbar
def test_the_qr_code_survives_a_blurred_tilted_photo(tmp_path):
    from PIL import Image, ImageFilter

    data = make_data()
    png = render_png(render_certificate(data), tmp_path, dpi=150)
    photo = Image.open(png).convert("L").rotate(4, expand=True, fillcolor=255)
    photo = photo.filter(ImageFilter.GaussianBlur(1.2)).point(lambda v: min(255, v + 40))
    photo.save(tmp_path / "photo.png")
    assert decode_qr(tmp_path / "photo.png") == [data.verification_url]


@needs_poppler
@needs_zbar
def test_a_long_public_base_url_still_scans(tmp_path):
    code = new_code()
    url = verification_url(
        "https://sertifikat.isdc-serpong.korlantas.example.go.id/layanan/publik/cek", code
    )
    data = make_data(verification_code=code, verification_url=url)
    assert decode_qr(render_png(render_certificate(data), tmp_path, dpi=150)) == [url]


@needs_poppler
@pytest.mark.parametrize(
    "overrides",
    [
        {},
        {
            "holder_name": LONG_NAME,
            "course_title_id": LONG_TITLE_ID,
            "course_title_en": LONG_TITLE_EN,
        },
        {
            "holder_name": "W" * 100,
            "course_title_id": "M" * 160,
            "course_title_en": "W" * 160,
            "results": tuple("Hasil / Result " + "W" * 130 for _ in range(5)),
            "replaces_serial": "ISDC/2025/DD-01/00001",
            "signatory_title": "Kepala Bidang Pendidikan dan Pelatihan " * 3,
            "signatory_title_en": ("Head of Education and Training " * 4)[:120],
            "signatory_name": "Komisaris Besar Polisi Raden Mas Wahyudi Kusumaningrat, S.H.",
            "centre_name": "Indonesia Safety Driving Center " * 2 + "Serpong Tangerang Selatan",
            "centre_address": "Jalan Raya Serpong Kilometer Tujuh, " * 4,
        },
    ],
    ids=["usual", "long-name-and-title", "everything-at-its-limit"],
)
def test_text_stays_inside_the_frame_and_lines_do_not_overlap(overrides, tmp_path):
    data = make_data(**overrides)
    boxes = word_boxes(render_certificate(data), tmp_path)
    # pdftotext leaves out what falls off the page, so every word must be found.
    found = {word for word, *_ in boxes}
    for text in (
        data.holder_name,
        data.course_title_id,
        data.course_title_en,
        *data.results,
        data.signatory_name,
        data.signatory_title_en,
        data.centre_address,
    ):
        assert set(text.split()) <= found, text
    frame_left, frame_top, frame_right, frame_bottom = 34, 34, 842 - 34, 595 - 34
    for word, x0, y0, x1, y1 in boxes:
        assert frame_left < x0 < x1 < frame_right, word
        assert frame_top < y0 < y1 < frame_bottom, word
    # No two words share ink. pdftotext's boxes run from the font's ascent to its descent;
    # the letters' bodies (cap height to baseline) are the middle of that box.
    cores = [
        (w, x0, y0 + 0.12 * (y1 - y0), x1, y1 - 0.22 * (y1 - y0)) for w, x0, y0, x1, y1 in boxes
    ]
    for i, (w1, ax0, ay0, ax1, ay1) in enumerate(cores):
        for w2, bx0, by0, bx1, by1 in cores[i + 1 :]:
            overlap_x = min(ax1, bx1) - max(ax0, bx0)
            overlap_y = min(ay1, by1) - max(ay0, by0)
            assert overlap_x <= 0.5 or overlap_y <= 0.5, (w1, w2)


@needs_poppler
def test_long_name_and_title_are_printed_whole(tmp_path):
    data = make_data(
        holder_name=LONG_NAME, course_title_id=LONG_TITLE_ID, course_title_en=LONG_TITLE_EN
    )
    text = pdf_text(render_certificate(data))
    assert LONG_NAME in text
    for word in LONG_TITLE_ID.split() + LONG_TITLE_EN.split():
        assert word in text


def test_rendering_in_threads_gives_the_same_files_as_one_by_one():
    from concurrent.futures import ThreadPoolExecutor

    from isdc.certificates import fonts

    cohort = [make_data(holder_name=f"{name} {i}") for i, name in enumerate(UNICODE_NAMES * 3)]
    fonts._subset_font.cache_clear()  # make the threads build the font subsets themselves
    with ThreadPoolExecutor(max_workers=4) as pool:
        together = list(pool.map(render_certificate, cohort))
    assert together == [render_certificate(data) for data in cohort]
