"""The monthly Anev report: the PDF is real (pdftotext reads the period and the headline
figures, worked out here from the world's raw rows; pdftoppm renders it), an empty month says
so, the web route and the CLI refuse bad months with a message."""

from __future__ import annotations

import re
import subprocess
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from isdc.analytics.monthly_figures import MonthError, parse_month
from isdc.analytics.monthly_report import num, pct, render_monthly_report
from isdc.models import EnrolmentStatus
from tests.analytics.conftest import CERTIFICATES, ENROLMENTS, RUNS, SESSIONS, WIB
from tests.certificates.helpers import needs_poppler

JULY = date(2026, 7, 1)
AUGUST = date(2026, 8, 1)
NOW = datetime(2026, 11, 28, 10, 0).astimezone()


def local_month(moment: datetime) -> tuple[int, int]:
    local = moment + timedelta(hours=WIB)
    return local.year, local.month


def expected_figures(month: date, today: date) -> dict[str, str]:
    """The cover's figures from the raw rows, counted without the report's SQL."""
    key = (month.year, month.month)
    ending = {name for name, (_, days, *_rest) in SESSIONS.items() if (days[-1].year,
              days[-1].month) == key}  # fmt: skip
    statuses = [status for _, session, status, _ in ENROLMENTS if session in ending]
    completed = statuses.count(EnrolmentStatus.COMPLETED)
    failed = statuses.count(EnrolmentStatus.FAILED)
    runs = [r for r in RUNS if local_month(r[3]) == key]
    passed = sum(1 for r in runs if r[5])
    issued = sum(1 for c in CERTIFICATES if local_month(c[2]) == key)
    revoked = sum(1 for c in CERTIFICATES if c[4] and local_month(c[4]) == key)
    as_of = min(today, date(month.year, month.month + 1, 1) - timedelta(days=1))
    expiring = sum(
        1
        for c in CERTIFICATES
        if c[3] is not None and c[4] is None
        and as_of <= today + timedelta(days=c[3]) <= as_of + timedelta(days=90)
    )  # fmt: skip
    return {
        "peserta dilatih (lulus kursus)": num(completed),
        "tingkat kelulusan kursus": pct(100 * completed / (completed + failed)),
        "run simulator dinilai": num(len(runs)),
        "run simulator lulus": pct(100 * passed / len(runs)),
        "nilai rata-rata run": num(sum(r[4] for r in runs) / len(runs), 1),
        "sertifikat diterbitkan": num(issued),
        "sertifikat dicabut": num(revoked),
        "sertifikat habis berlaku dalam 90 hari sejak": num(expiring),
    }


def pdf_text(pdf: bytes, tmp_path: Path, *pages: int) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    first = ["-f", str(pages[0]), "-l", str(pages[-1])] if pages else []
    return subprocess.run(["pdftotext", "-layout", *first, str(path), "-"], check=True,
                          capture_output=True, text=True).stdout  # fmt: skip


def cover_figures(text: str) -> dict[str, str]:
    """The cover's cards as {label: value}: a line of values, then the labels beneath them,
    each label belonging to the value nearest its column."""
    figures: dict[str, str] = {}
    values: list[tuple[float, str]] | None = None
    for line in text.split("Angka utama", 1)[1].splitlines():
        if line.strip().startswith("Peserta dilatih:"):
            break
        cells = [((m.start() + m.end()) / 2, m.group()) for m in re.finditer(r"\S+(?: \S+)*", line)]
        if not cells:
            continue
        if all(re.fullmatch(r"[\d.,]+(?: %)?|–", c) for _, c in cells):
            values = cells
        elif values:
            for centre, label in cells:
                figures[label] = min(values, key=lambda v: abs(v[0] - centre))[1]
    return figures


@needs_poppler
def test_the_pdf_reads_the_period_and_the_headline_figures(world, db_session, tmp_path) -> None:
    pdf = render_monthly_report(db_session, world.site, JULY, now=NOW)
    assert pdf.startswith(b"%PDF")
    text = pdf_text(pdf, tmp_path)
    assert "Periode Juli 2026" in text
    assert "1 Juli 2026 s.d. 31 Juli 2026" in text
    found = cover_figures(pdf_text(pdf, tmp_path, 1))
    expected = expected_figures(JULY, NOW.date())
    assert {label: found.get(label) for label in expected} == expected
    # Sections with their tables: the course of the month and the scenario driven.
    assert "1. Peserta dilatih" in text and "2. Simulator" in text
    assert "DDC" in text and "PT Maju Jaya" in text
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(tmp_path / "report.pdf"),
                    str(tmp_path / "page")], check=True)  # fmt: skip
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) >= 3
    assert all(p.read_bytes().startswith(b"\x89PNG") for p in pages)


@needs_poppler
def test_a_month_without_data_says_so(world, db_session, tmp_path) -> None:
    pdf = render_monthly_report(db_session, world.site, date(2026, 5, 1), now=NOW)
    text = pdf_text(pdf, tmp_path)
    assert "Periode Mei 2026" in text
    assert "Tidak ada data" in text
    assert "2. Simulator" not in text


@needs_poppler
def test_an_instructors_report_covers_only_their_sessions(world, db_session, tmp_path) -> None:
    # Bambang teaches sr-aug and ddc-sep: nothing of his ended or was driven in July.
    bambang = world.instructors["bambang"]
    pdf = render_monthly_report(db_session, world.site, JULY, instructor_id=bambang.id,
                                instructor_name=bambang.full_name, now=NOW)  # fmt: skip
    text = pdf_text(pdf, tmp_path)
    assert "Tidak ada data" in text and "Bambang" in text
    august = cover_figures(pdf_text(render_monthly_report(
        db_session, world.site, AUGUST, instructor_id=bambang.id, now=NOW), tmp_path, 1))  # fmt: skip
    taught = {name for name, (_, _, teachers, *_rest) in SESSIONS.items() if "bambang" in teachers}
    his_august = [r for r in RUNS if r[1] in taught and local_month(r[3]) == (2026, 8)]
    assert august["run simulator dinilai"] == num(len(his_august))  # fajar's is 1 Sep in WIB


@pytest.mark.parametrize(
    ("text", "problem"),
    [("2026-7", "Not a month"), ("juli", "Not a month"), ("2026-13", "no month 2026-13"),
     ("", "Not a month"), ("1999-12", "too early"), ("2999-01", "not begun")],
)  # fmt: skip
def test_bad_months_are_refused_with_the_reason(text: str, problem: str) -> None:
    with pytest.raises(MonthError) as caught:
        parse_month(text, date(2026, 11, 28))
    assert problem in str(caught.value)


def test_a_month_is_its_first_day() -> None:
    assert parse_month(" 2026-11 ", date(2026, 11, 28)) == date(2026, 11, 1)


def test_the_page_offers_recent_months_and_serves_the_pdf(world, signed_in) -> None:
    client = signed_in("admin")
    page = client.get("/analisis/laporan-bulanan")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'id="anev-report-form"' in html and "bulan=" in html
    assert 'href="/analisis/laporan-bulanan' in html  # the frame's tab
    pdf = client.get("/analisis/laporan-bulanan", query_string={"bulan": "2026-07"})
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.data.startswith(b"%PDF")
    assert "anev-" in pdf.headers["Content-Disposition"]
    assert "no-store" in pdf.headers["Cache-Control"]


@pytest.mark.parametrize("bad", ["2026-13", "juli-2026", "2999-01"])
def test_the_route_answers_400_naming_the_month(world, signed_in, bad: str) -> None:
    response = signed_in("admin").get("/analisis/laporan-bulanan", query_string={"bulan": bad})
    assert response.status_code == 400
    assert "Month:" in response.get_data(as_text=True)


def test_trainees_cannot_have_the_report(world, signed_in) -> None:
    response = signed_in("trainee").get("/analisis/laporan-bulanan?bulan=2026-07")
    assert response.status_code == 403


@needs_poppler
def test_an_instructor_gets_the_report_of_their_sessions(world, signed_in, tmp_path) -> None:
    response = signed_in("bambang").get("/analisis/laporan-bulanan?bulan=2026-07")
    assert response.status_code == 200
    assert "Tidak ada data" in pdf_text(response.data, tmp_path)


def test_the_cli_writes_the_report_atomically(world, runner, tmp_path) -> None:
    target = tmp_path / "out" / "anev.pdf"
    result = runner.invoke(args=["anev-report", "--month", "2026-07", "--output", str(target)])
    assert result.exit_code == 0, result.output
    assert target.read_bytes().startswith(b"%PDF")
    assert [p.name for p in target.parent.iterdir()] == ["anev.pdf"]  # no temporary left


@pytest.mark.parametrize(
    ("args", "problem"),
    [(["--month", "2026-13"], "no month 2026-13"), (["--month", "kemarin"], "Not a month"),
     ([], "give the month")],
)  # fmt: skip
def test_the_cli_refuses_a_bad_month_in_one_line(
    world, runner, tmp_path, args: list[str], problem: str
) -> None:
    target = tmp_path / "anev.pdf"
    result = runner.invoke(args=["anev-report", *args, "--output", str(target)])
    assert result.exit_code != 0
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and problem in lines[0]
    assert not target.exists()


def test_the_cli_says_when_it_cannot_write(world, runner, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    result = runner.invoke(args=["anev-report", "--month", "2026-07", "--output",
                                 str(blocker / "anev.pdf")])  # fmt: skip
    assert result.exit_code != 0
    assert len(result.output.strip().splitlines()) == 1
    assert "cannot write" in result.output
