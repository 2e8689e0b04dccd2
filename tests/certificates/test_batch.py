"""Batch printing: one PDF in order, a ZIP with safe names, files written whole or not at all."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import unicodedata
import zipfile

import pytest
from pypdf import PdfReader, PdfWriter
from reportlab.pdfgen.canvas import Canvas

from isdc.certificates import (
    BatchError,
    StoredCertificate,
    batch_pdf,
    batch_zip,
    render_certificate,
    safe_file_name,
    unique_file_names,
    write_atomically,
    write_batch_pdf,
    write_batch_zip,
)
from isdc.certificates import batch as batch_module

from .helpers import decode_qr, make_data, needs_poppler, needs_zbar, render_png

NAMES = [
    "Siti Nurhaliza",
    "Đặng Thị Hồng",
    "Zoë O'Brien-Müller",
    "Budi",
    "Ni Luh Putu Ayu Wulandari",
]


def _cohort(
    count: int, logo: bytes | None = None, signature: bytes | None = None
) -> list[StoredCertificate]:
    cohort = []
    for i in range(count):
        data = make_data(
            holder_name=f"{NAMES[i % len(NAMES)]} {i + 1}",
            serial=f"ISDC/2026/DD-01/{i + 1:05d}",
            logo_image=logo,
            signature_image=signature,
        )
        cohort.append(
            StoredCertificate(data.serial, data.holder_name, render_certificate(data), data.issued)
        )
    return cohort


def _foreign_pdf(text: str) -> bytes:
    """A PDF this package did not write (reportlab's own document structure)."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(595, 842), invariant=1)
    canvas.drawString(72, 720, text)
    canvas.showPage()
    canvas.drawString(72, 720, text + " page 2")
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def test_batch_has_every_certificate_in_order(logo_png, signature_png):
    cohort = _cohort(12, logo_png, signature_png)
    merged = batch_pdf(cohort, title="Sesi DD-01 November 2026")
    reader = PdfReader(io.BytesIO(merged), strict=True)
    assert len(reader.pages) == 12
    for page, certificate in zip(reader.pages, cohort, strict=True):
        text = page.extract_text()
        assert certificate.serial in text
        assert certificate.holder_name in unicodedata.normalize("NFC", text)
    assert reader.metadata.title == "Sesi DD-01 November 2026"
    # The logo, signature, frame and shared fonts are stored once, not twelve times.
    assert len(merged) < sum(len(c.pdf) for c in cohort) / 3


@needs_poppler
@needs_zbar
def test_printed_batch_pages_still_scan(tmp_path):
    cohort = [make_data(serial="ISDC/2026/DD-01/00001"), make_data(serial="ISDC/2026/DD-01/00002")]
    merged = batch_pdf(
        [StoredCertificate(d.serial, d.holder_name, render_certificate(d)) for d in cohort]
    )
    for number, data in enumerate(cohort, start=1):
        assert decode_qr(render_png(merged, tmp_path, dpi=150, page=number)) == [
            data.verification_url
        ]


def _incrementally_updated(pdf: bytes) -> bytes:
    """The PDF with an appended revision (a /Prev trailer), as editing tools save files."""
    reader = PdfReader(io.BytesIO(pdf))
    writer = PdfWriter(reader, incremental=True)
    writer.add_metadata({"/Title": "edited"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_pdfs_from_other_software_are_merged_in_order(monkeypatch):
    fallbacks = []
    original = batch_module._concatenate_with_pypdf
    monkeypatch.setattr(
        batch_module,
        "_concatenate_with_pypdf",
        lambda *args: fallbacks.append(1) or original(*args),
    )
    ours = _cohort(2)
    other = StoredCertificate("ISDC/2020/OLD/00001", "Lama", _foreign_pdf("Old certificate"))
    for foreign, expect_fallback in ((other.pdf, False), (_incrementally_updated(other.pdf), True)):
        fallbacks.clear()
        mixed = [ours[0], StoredCertificate(other.serial, other.holder_name, foreign), ours[1]]
        texts = [page.extract_text() for page in PdfReader(io.BytesIO(batch_pdf(mixed))).pages]
        assert len(texts) == 4
        assert ours[0].serial in texts[0]
        assert "Old certificate" in texts[1] and "page 2" in texts[2]
        assert ours[1].serial in texts[3]
        assert bool(fallbacks) is expect_fallback


def test_empty_batch_and_broken_files_are_refused_naming_the_certificate():
    with pytest.raises(BatchError, match="no certificates to print"):
        batch_pdf([])
    with pytest.raises(BatchError, match="no certificates"):
        batch_zip([])
    good = _cohort(1)[0]
    truncated = StoredCertificate("ISDC/2026/DD-01/00009", "X", good.pdf[: len(good.pdf) // 2])
    with pytest.raises(BatchError, match="00009 is not a whole PDF"):
        batch_pdf([good, truncated])
    garbage = StoredCertificate("ISDC/2026/DD-01/00010", "Y", b"%PDF-1.4\nnonsense\n%%EOF\n")
    with pytest.raises(BatchError, match="00010 cannot be read"):
        batch_pdf([good, garbage])


@pytest.mark.parametrize(
    ("serial", "holder", "expected"),
    [
        ("ISDC/2026/DD-01/00042", "Siti Nurhaliza", "ISDC-2026-DD-01-00042_Siti_Nurhaliza.pdf"),
        (
            "ISDC/2026/DD-01/00043",
            "Zoë O'Brien-Müller",
            "ISDC-2026-DD-01-00043_Zoë_OBrien-Müller.pdf",
        ),
        ("ISDC/2026/DD-01/00044", "Đặng Thị Hồng", "ISDC-2026-DD-01-00044_Đặng_Thị_Hồng.pdf"),
        ("ISDC/2026/DD-01/00045", "../../etc/passwd", "ISDC-2026-DD-01-00045_etc_passwd.pdf"),
        (
            "ISDC/2026/DD-01/00046",
            'a\\b:c*d?e"f<g>h|i\x00j\u202ek',
            "ISDC-2026-DD-01-00046_a_b_c_d_e_f_g_h_i_j_k.pdf",
        ),
        ("ISDC/2026/DD-01/00047", " . . ", "ISDC-2026-DD-01-00047.pdf"),
        ("../ISDC/2026", "X", "ISDC-2026_X.pdf"),
    ],
)
def test_safe_file_names(serial, holder, expected):
    assert safe_file_name(serial, holder) == expected


def test_file_names_are_nfc_short_and_never_a_path():
    decomposed = unicodedata.normalize("NFD", "Đặng Thị Hồng")
    name = safe_file_name("ISDC/2026/DD-01/00001", decomposed)
    assert unicodedata.is_normalized("NFC", name)
    long_name = safe_file_name("ISDC/2026/DD-01/00001", "Ệ" * 300)
    assert len(long_name.encode("utf-8")) < 255
    for holder in ["/", "..", "\\", "~/.ssh", "CON", "a/../../b", "\u200b"]:
        name = safe_file_name("ISDC/2026/DD-01/00001", holder)
        assert "/" not in name and "\\" not in name and ".." not in name
        assert os.path.basename(name) == name


def test_file_names_are_unique_ignoring_case():
    same = [
        StoredCertificate("ISDC/2026/DD-01/00001", name, b"")
        for name in ("Budi", "BUDI", "budi", "Budi")
    ]
    names = unique_file_names(same)
    assert len({n.casefold() for n in names}) == 4
    assert names[0] == "ISDC-2026-DD-01-00001_Budi.pdf"
    assert names[1] == "ISDC-2026-DD-01-00001_BUDI_2.pdf"


def test_zip_holds_the_stored_bytes_under_safe_names():
    cohort = _cohort(5)
    archive = zipfile.ZipFile(io.BytesIO(batch_zip(cohort)))
    assert archive.testzip() is None
    assert archive.namelist() == unique_file_names(cohort)
    for info, certificate in zip(archive.infolist(), cohort, strict=True):
        assert archive.read(info) == certificate.pdf  # byte for byte what was issued
        assert info.date_time[:3] == (2026, 11, 27)
        assert info.flag_bits & 0x800 or info.filename.isascii()  # UTF-8 names are marked so


def test_writing_is_atomic(tmp_path, monkeypatch):
    cohort = _cohort(2)
    target = tmp_path / "batch.pdf"
    write_batch_pdf(target, cohort)
    assert len(PdfReader(target).pages) == 2
    zip_target = write_batch_zip(tmp_path / "batch.zip", cohort)
    assert zipfile.ZipFile(zip_target).namelist() == unique_file_names(cohort)

    before = target.read_bytes()

    def failing_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(batch_module.os, "replace", failing_replace)
    with pytest.raises(OSError, match="disk full"):
        write_atomically(target, b"new content")
    assert target.read_bytes() == before  # the old file is untouched ...
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "batch.pdf",
        "batch.zip",
    ]  # ... no temp left


def test_writing_into_a_missing_folder_says_so(tmp_path):
    with pytest.raises(BatchError, match="does not exist"):
        write_atomically(tmp_path / "missing" / "batch.pdf", b"x")


def test_stored_certificate_date_is_optional():
    certificate = StoredCertificate("ISDC/2026/DD-01/00001", "Budi", _cohort(1)[0].pdf)
    info = zipfile.ZipFile(io.BytesIO(batch_zip([certificate]))).infolist()[0]
    assert info.date_time[:3] == (1980, 1, 1)


@pytest.mark.skipif(shutil.which("gs") is None, reason="Ghostscript (gs) is not installed")
def test_ghostscript_reads_certificate_and_batch_without_complaint(
    tmp_path, logo_png, signature_png
):
    cohort = _cohort(3, logo_png, signature_png)
    for name, data in (("one.pdf", cohort[0].pdf), ("batch.pdf", batch_pdf(cohort))):
        path = tmp_path / name
        path.write_bytes(data)
        result = subprocess.run(
            [
                "gs",
                "-q",
                "-dNOPAUSE",
                "-dBATCH",
                "-dPDFSTOPONERROR",
                "-sDEVICE=nullpage",
                str(path),
            ],
            capture_output=True,
            text=True,
        )
        assert result.returncode == 0, result.stderr
        # Ghostscript flags anything it had to repair or guess with lines starting "****".
        assert "****" not in result.stdout + result.stderr, (name, result.stdout)
