"""Certificates: render 500 distinct certificates with a logo and a signature, then the batch PDF.

Figures (issue 7): ``cert_batch_500_s`` (render 500 + build the batch PDF, <= 3 s; the web
layer's database work is added on top of this, so it should stay well under 2 s here),
``cert_one_ms`` (median per certificate, <= 20 ms) and ``cert_pdf_kb`` (largest file, <= 100 KB).
"""

from __future__ import annotations

import io
import math
import random
import statistics
import sys
import time
from datetime import date
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

sys.path.insert(0, str(Path(__file__).resolve().parent))
import harness  # noqa: E402

from isdc.certificates import (  # noqa: E402
    CertificateData,
    StoredCertificate,
    batch_pdf,
    new_code,
    render_certificate,
    verification_url,
)

COHORT = 500
ROUNDS = 3
FIRST = [
    "Siti",
    "Budi",
    "Ni Luh Putu",
    "Đặng Thị",
    "Zoë",
    "Muhammad",
    "Dewi",
    "I Gede",
    "Agus",
    "Rina",
]
LAST = [
    "Nurhaliza",
    "Santoso",
    "Ayu Wulandari",
    "Hồng",
    "O'Brien-Müller",
    "Rizky Pratama",
    "Lestari",
    "Wirawan",
    "Setiawan",
    "Kusumawati",
]


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def make_logo() -> bytes:
    """An 800 px colour emblem with gradients and soft edges: harder to compress than flat art."""
    size = 800
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    for r in range(size // 2, 0, -4):
        shade = int(40 + 160 * r / (size / 2))
        draw.ellipse(
            (size / 2 - r, size / 2 - r, size / 2 + r, size / 2 + r),
            fill=(20, shade // 2, shade, 255),
        )
    draw.regular_polygon((size / 2, size / 2, 250), 5, fill=(210, 170, 60, 255))
    draw.ellipse((300, 300, 500, 500), fill=(255, 255, 255, 255))
    return _png(image.filter(ImageFilter.GaussianBlur(1.5)))


def make_signature() -> bytes:
    """A 1200x400 scanned-looking signature: ink strokes on transparency."""
    image = Image.new("RGBA", (1200, 400), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    rng = random.Random(7)
    for stroke in range(3):
        points = [
            (80 + i * 10, 200 + 90 * math.sin(i / (4 + stroke)) + rng.uniform(-6, 6))
            for i in range(105)
        ]
        draw.line(points, fill=(15, 25, 90, 255), width=5 + stroke)
    return _png(image)


def cohort_data(logo: bytes, signature: bytes, start: int) -> list[CertificateData]:
    people = []
    for i in range(COHORT):
        code = new_code()
        people.append(
            CertificateData(
                holder_name=f"{FIRST[i % 10]} {LAST[(i // 10) % 10]} {start + i}",
                birth_date=date(1980 + i % 25, 1 + i % 12, 1 + i % 28),
                course_title_id="Mengemudi Defensif Kendaraan Roda Empat",
                course_title_en="Defensive Driving for Cars",
                course_code="DD-01",
                session_start=date(2026, 11, 24),
                session_end=date(2026, 11, 27),
                hours=32,
                issued=date(2026, 11, 27),
                valid_until=date(2029, 11, 27),
                serial=f"ISDC/2026/DD-01/{start + i:05d}",
                verification_code=code,
                verification_url=verification_url("https://isdc.example.go.id", code),
                signatory_name="Drs. Budi Santoso, M.Si.",
                signatory_title="Kepala Indonesia Safety Driving Center",
                signatory_title_en="Head of the Indonesia Safety Driving Center",
                centre_name="Indonesia Safety Driving Center (ISDC) Serpong",
                centre_address="Jl. Raya Serpong, Tangerang Selatan, Banten",
                results=(
                    "Kehadiran / Attendance: 100 %",
                    f"Simulator: 4 dari 4 skenario lulus, nilai rata-rata {70 + i % 30} / 4 of 4 scenarios passed, average {70 + i % 30}",
                    "Ujian praktik / Practical assessment: lulus / passed",
                ),
                place_of_issue="Serpong",
                logo_image=logo,
                signature_image=signature,
            )
        )
    return people


def main() -> list[harness.Result]:
    logo, signature = make_logo(), make_signature()
    batch_seconds: list[float] = []
    per_certificate: list[float] = []
    largest = 0
    for round_number in range(ROUNDS):
        cohort = cohort_data(logo, signature, 1 + round_number * COHORT)
        started = time.perf_counter()
        stored = []
        for data in cohort:
            t0 = time.perf_counter()
            pdf = render_certificate(data)
            per_certificate.append(time.perf_counter() - t0)
            largest = max(largest, len(pdf))
            stored.append(StoredCertificate(data.serial, data.holder_name, pdf, data.issued))
        merged = batch_pdf(stored, title="Sesi DD-01")
        batch_seconds.append(time.perf_counter() - started)
        print(
            f"  round {round_number + 1}: {batch_seconds[-1]:.3f} s for {COHORT} certificates "
            f"+ batch ({len(merged) / 1e6:.1f} MB)",
            file=sys.stderr,
        )
    return [
        harness.Result("cert_batch_500_s", statistics.median(batch_seconds), 3.0, "s", "lower"),
        harness.Result("cert_one_ms", harness.median(per_certificate) * 1000, 20.0, "ms", "lower"),
        harness.Result("cert_pdf_kb", largest / 1024, 100.0, "KB", "lower"),
    ]


if __name__ == "__main__":
    harness.report(main)
