"""Helpers for certificate tests: a data factory, test images, and real PDF readers."""

from __future__ import annotations

import io
import math
import re
import shutil
import subprocess
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from PIL import Image, ImageDraw
from pypdf import PdfReader

from isdc.certificates import CertificateData, new_code, verification_url

BASE_URL = "https://isdc.example.go.id"


def make_data(**overrides) -> CertificateData:
    """A complete, valid certificate; keyword arguments replace fields."""
    code = overrides.pop("verification_code", None) or new_code()
    url = overrides.pop("verification_url", None) or verification_url(BASE_URL, code)
    data = CertificateData(
        holder_name="Siti Nurhaliza",
        birth_date=date(1990, 3, 12),
        course_title_id="Mengemudi Defensif Kendaraan Roda Empat",
        course_title_en="Defensive Driving for Cars",
        course_code="DD-01",
        session_start=date(2026, 11, 24),
        session_end=date(2026, 11, 27),
        hours=32,
        issued=date(2026, 11, 27),
        valid_until=date(2029, 11, 27),
        serial="ISDC/2026/DD-01/00042",
        verification_code=code,
        verification_url=url,
        signatory_name="Drs. Budi Santoso, M.Si.",
        signatory_title="Kepala Indonesia Safety Driving Center",
        signatory_title_en="Head of the Indonesia Safety Driving Center",
        centre_name="Indonesia Safety Driving Center (ISDC) Serpong",
        centre_address="Jl. Raya Serpong, Tangerang Selatan, Banten",
        results=(
            "Kehadiran / Attendance: 100 %",
            "Simulator: 4 dari 4 skenario lulus / 4 of 4 scenarios passed",
            "Ujian praktik / Practical assessment: lulus / passed",
        ),
        place_of_issue="Serpong",
    )
    return replace(data, **overrides)


def png_bytes(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def make_logo_png() -> bytes:
    """A transparent round logo, larger than it is printed (so it gets scaled down)."""
    image = Image.new("RGBA", (600, 600), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((10, 10, 590, 590), fill=(20, 40, 90, 255))
    draw.ellipse((80, 80, 520, 520), fill=(200, 160, 60, 255))
    draw.rectangle((250, 100, 350, 500), fill=(255, 255, 255, 255))
    return png_bytes(image)


def make_signature_png() -> bytes:
    """A pen stroke on a transparent background, like a scanned and cleaned signature."""
    image = Image.new("RGBA", (900, 300), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    points = [(50 + i * 8, 150 + 80 * math.sin(i / 5)) for i in range(100)]
    draw.line(points, fill=(10, 20, 80, 255), width=6)
    return png_bytes(image)


def pdf_text(pdf: bytes, page: int = 0) -> str:
    """The text of a page as pypdf extracts it, with runs of white space made single spaces."""
    text = PdfReader(io.BytesIO(pdf)).pages[page].extract_text()
    return re.sub(r"\s+", " ", text)


needs_poppler = pytest.mark.skipif(
    shutil.which("pdftoppm") is None or shutil.which("pdftotext") is None,
    reason="poppler-utils (pdftoppm, pdftotext) is not installed",
)
needs_zbar = pytest.mark.skipif(
    shutil.which("zbarimg") is None, reason="zbar-tools (zbarimg) is not installed"
)


def render_png(pdf: bytes, folder: Path, dpi: int = 150, page: int = 1) -> Path:
    """Page ``page`` of ``pdf`` as a PNG made by poppler's pdftoppm."""
    source = folder / "in.pdf"
    source.write_bytes(pdf)
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            str(dpi),
            "-png",
            "-singlefile",
            "-f",
            str(page),
            "-l",
            str(page),
            str(source),
            str(folder / "page"),
        ],
        check=True,
        capture_output=True,
    )
    return folder / "page.png"


def decode_qr(png: Path) -> list[str]:
    """Every QR code zbarimg finds in the image, as text."""
    result = subprocess.run(
        ["zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", str(png)],
        capture_output=True,
        text=True,
    )
    return [line for line in result.stdout.splitlines() if line]


def word_boxes(pdf: bytes, folder: Path) -> list[tuple[str, float, float, float, float]]:
    """(word, x min, y min, x max, y max) in points, top-down, as pdftotext -bbox reads them."""
    source = folder / "boxes.pdf"
    source.write_bytes(pdf)
    html = subprocess.run(
        ["pdftotext", "-bbox", str(source), "-"], check=True, capture_output=True, text=True
    ).stdout
    pattern = re.compile(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>'
    )
    return [
        (m[4], float(m[0]), float(m[1]), float(m[2]), float(m[3])) for m in pattern.findall(html)
    ]
