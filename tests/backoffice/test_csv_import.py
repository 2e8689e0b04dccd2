"""CSV import as plain functions: the file as companies send it, every bad row named, then all
or nothing; exports that Excel and the import read back."""

from __future__ import annotations

import codecs
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from isdc.imports.csvfile import read_csv_table
from isdc.imports.enrolments import import_enrolments, preview_enrolment_import
from isdc.imports.export import csv_bytes, trainee_cells, trainee_header, trainee_template
from isdc.imports.trainees import import_trainees, preview_trainee_import
from isdc.models import (
    AuditLog,
    EnrolmentStatus,
    Organisation,
    OrganisationKind,
    Sex,
    SimClass,
    Trainee,
)
from isdc.models.base import local_today, utcnow
from isdc.models.rules import InvalidRecord
from tests.factories import valid_nik

TODAY = date(2026, 11, 27)
HEADER = "NIK,Nama lengkap,Tanggal lahir,Jenis kelamin,Telepon,Organisasi,Golongan SIM,Nomor SIM"


def nik(birth: date, sex: Sex = Sex.MALE) -> str:
    return valid_nik(birth, sex)


def good_rows(n: int = 2) -> list[str]:
    rows = []
    for i in range(n):
        birth = date(1990, 1, 10 + i)
        rows.append(
            f"{nik(birth)},Peserta {i},{birth:%d/%m/%Y},L,+62812000{i:04d},,B1,09019001{i:06d}"
        )
    return rows


def csv_file(*lines: str, bom: bool = False, encoding: str = "utf-8") -> bytes:
    data = "\r\n".join(lines).encode(encoding)
    return (codecs.BOM_UTF8 + data) if bom else data


def preview(db, site, data: bytes):  # type: ignore[no-untyped-def]
    return preview_trainee_import(db, site, read_csv_table(data), TODAY)


def problems_of(row) -> str:  # type: ignore[no-untyped-def]
    return "; ".join(str(p) for p in row.problems)


@pytest.mark.parametrize("bom", [False, True])
def test_a_good_file_imports_every_row(db_session, site, bom):
    result = preview(db_session, site, csv_file(HEADER, *good_rows(3), bom=bom))
    assert result.ok, [problems_of(r) for r in result.rows]
    created = import_trainees(db_session, site, result, file_name="pt.csv")
    db_session.commit()
    assert [t.full_name for t in created] == ["Peserta 0", "Peserta 1", "Peserta 2"]
    assert created[0].sim_class == SimClass.B1 and created[0].phone == "+628120000000"
    entry = db_session.scalar(select(AuditLog).where(AuditLog.action == "import"))
    assert entry.details["count"] == 3 and entry.details["file"] == "pt.csv"


def test_semicolons_english_headers_and_blank_lines(db_session, site):
    birth = date(1991, 2, 3)
    data = csv_file(
        "",
        "nik;full_name;birth_date;sex",
        ";;;",
        f"{nik(birth, Sex.FEMALE)};Siti Aminah;1991-02-03;P",
        "",
    )
    result = preview(db_session, site, data)
    assert result.ok, [problems_of(r) for r in result.rows]
    assert len(result.rows) == 1 and result.rows[0].line == 4


def test_every_bad_row_is_marked_with_its_reasons(db_session, site, make):
    registered = make.trainee(full_name="Sudah Ada")
    birth = date(1992, 3, 4)
    dup = nik(birth)
    rows = [
        f"{dup},Dobel Satu,04/03/1992,L,,,,",
        f"{dup},Dobel Dua,04/03/1992,L,,,,",
        f"{registered.nik},Orang Lain,17/05/1990,L,,,,",
        "123,Pendek,04/03/1992,L,,,,",
        f"{nik(date(1993, 1, 1))},Tanggal Salah,31/02/1993,L,,,,",
        f"{nik(date(1993, 1, 2))},Bulan Amerika,1/13/1993,L,,,,",
        f"{nik(date(1994, 1, 1))},Kelas Aneh,01/01/1994,L,,,Z9,123456789012",
        f"{nik(date(2010, 1, 1))},Terlalu Muda,01/01/2010,L,,,A,123456789012",
        f"{nik(date(1995, 1, 1))},Jenis Aneh,01/01/1995,X,,,,",
        f"{nik(date(1996, 1, 1))},Organisasi Asing,01/01/1996,L,,PT Tidak Ada,,",
        "3.67401E+15,Excel,01/01/1996,L,,,,",
        f"{nik(date(1997, 1, 1))},Kolom Kurang,01/01/1997",
    ]
    result = preview(db_session, site, csv_file(HEADER, *rows))
    assert not result.ok
    by_name = {r.cells["full_name"]: problems_of(r) for r in result.rows}
    assert "also on line 3" in by_name["Dobel Satu"] and "also on line 2" in by_name["Dobel Dua"]
    assert "already registered (Sudah Ada)" in by_name["Orang Lain"]
    assert "16 digits" in by_name["Pendek"]
    assert "not a date" in by_name["Tanggal Salah"]
    assert "not a date" in by_name["Bulan Amerika"]
    assert "not a SIM class" in by_name["Kelas Aneh"]
    assert "minimum age of 17" in by_name["Terlalu Muda"]
    assert "not a sex" in by_name["Jenis Aneh"]
    assert "Unknown organisation" in by_name["Organisasi Asing"]
    assert "shortened by Excel" in by_name["Excel"]
    assert "3 cells; the header has 8" in by_name["Kolom Kurang"]
    with pytest.raises(InvalidRecord):
        import_trainees(db_session, site, result)
    assert db_session.scalar(select(func.count(Trainee.id))) == 1  # nothing written


def test_organisations_are_matched_by_name(db_session, site):
    org = Organisation(site=site, name="PT Nusantara Logistik", kind=OrganisationKind.COMPANY)
    db_session.add(org)
    db_session.commit()
    birth = date(1990, 4, 4)
    data = csv_file(HEADER, f"{nik(birth)},Andi,04/04/1990,L,,pt nusantara logistik,,")
    result = preview(db_session, site, data)
    assert result.ok and result.rows[0].data.organisation.id == org.id


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"NIK;Nama\n123;Budi", "Required columns are missing: Tanggal lahir"),
        (b"NIK,Nama lengkap,Tanggal lahir,Jenis kelamin,NIK\n1,2,3,4,5", "appears twice"),
    ],
)
def test_wrong_columns_are_named(db_session, site, data, message):
    result = preview(db_session, site, data)
    assert not result.ok and result.rows == []
    assert message in "; ".join(str(p) for p in result.file_problems)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"NIK,Nama lengkap,Tanggal lahir,Jenis kelamin\n", "no rows"),
        (b"", "empty"),
        (b"  \n\n", "empty"),
        ("NIK,Nama lengkap\nJos\xe9,x".encode("latin-1"), "not UTF-8: byte 0xE9 on line 2"),
        (codecs.BOM_UTF16_LE + "NIK".encode("utf-16-le"), "UTF-16"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "not UTF-8"),
        (b"NIK\n\x00\x00", "binary"),
    ],
)
def test_unreadable_files_are_refused_whole(data, message):
    with pytest.raises(InvalidRecord, match=message):
        read_csv_table(data)


def test_export_reads_back_and_guards_formulas(db_session, site):
    trainee = Trainee(site=site, nik=nik(date(1990, 5, 17)), full_name="=HYPERLINK(\"x\")",
                      birth_date=date(1990, 5, 17), sex=Sex.MALE, phone="+6281234567890")  # fmt: skip
    data = csv_bytes(trainee_header("id"), [trainee_cells(trainee, None, "id")])
    assert data.startswith(codecs.BOM_UTF8)
    text = data.decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "'+6281234567890" in text
    table = read_csv_table(data)
    result = preview_trainee_import(db_session, site, table, TODAY)
    assert result.ok, [problems_of(r) for r in result.rows]
    row = result.rows[0].data
    assert row.full_name == '=HYPERLINK("x")' and row.phone == "+6281234567890"
    assert row.birth_date == date(1990, 5, 17) and row.sex == Sex.MALE
    english = trainee_template("en").decode("utf-8-sig")
    assert english.startswith("NIK,Full name,Birth date,Sex")


# --- enrolment lists ------------------------------------------------------------------------


@pytest.fixture
def small_session(sched, monday):  # type: ignore[no-untyped-def]
    return sched.make.session(sched.course, days=[monday], capacity=2, name="DDC A")


def enrolment_preview(db, session, data):  # type: ignore[no-untyped-def]
    return preview_enrolment_import(db, session, read_csv_table(data), local_today(), utcnow())


def test_enrolment_list_matches_creates_and_waitlists(db_session, sched, small_session):
    known = sched.make.trainee(full_name="Budi Santoso")
    birth = date(1988, 8, 8)
    data = csv_file(
        "NIK;Nama lengkap;Tanggal lahir;Jenis kelamin",
        f"{known.nik};budi  santoso;;",  # matched; name compared without case and spacing
        f"{nik(birth)};Peserta Baru;08/08/1988;L",
        f"{nik(date(1989, 9, 9))};Peserta Tiga;09/09/1989;L",
    )
    result = enrolment_preview(db_session, small_session, data)
    assert result.ok, [problems_of(r) for r in result.rows]
    assert [(r.outcome, r.waitlist_position) for r in result.rows] == [
        (EnrolmentStatus.ENROLLED, None),
        (EnrolmentStatus.ENROLLED, None),
        (EnrolmentStatus.WAITLISTED, 1),
    ]
    assert result.new_trainees == 2
    enrolments = import_enrolments(db_session, small_session, result, by_user_id=None,
                                   now=utcnow(), file_name="daftar.csv")  # fmt: skip
    db_session.commit()
    assert [e.status for e in enrolments] == [
        EnrolmentStatus.ENROLLED,
        EnrolmentStatus.ENROLLED,
        EnrolmentStatus.WAITLISTED,
    ]
    assert db_session.scalar(select(func.count(Trainee.id))) == 3


def test_enrolment_list_problems_write_nothing(db_session, sched, small_session, monday):
    known = sched.make.trainee(full_name="Budi Santoso")
    busy = sched.make.trainee(full_name="Sibuk")
    other = sched.make.session(sched.course, days=[monday], name="Kelas Lain")
    from isdc.scheduling.enrolment import enrol

    enrol(db_session, other, busy)
    db_session.commit()
    data = csv_file(
        "NIK,Nama lengkap,Tanggal lahir,Jenis kelamin",
        f"{known.nik},Orang Lain,,",
        f"{busy.nik},Sibuk,,",
        f"{nik(date(1990, 1, 1))},Baru Tanpa Tanggal,,L",
    )
    result = enrolment_preview(db_session, small_session, data)
    assert not result.ok
    texts = [problems_of(r) for r in result.rows]
    assert "belongs to Budi Santoso in the records" in texts[0]
    assert "enrolled in Kelas Lain at the same time" in texts[1]
    assert "Tanggal lahir is empty" in texts[2]
    with pytest.raises(InvalidRecord):
        import_enrolments(db_session, small_session, result, by_user_id=None, now=utcnow())
    db_session.rollback()
    assert db_session.scalar(select(func.count(Trainee.id))) == 2


def test_enrolment_list_for_a_past_session_is_refused(db_session, sched):
    past = sched.make.session(sched.course, days=[local_today() - timedelta(days=3)])
    data = csv_file("NIK,Nama lengkap", f"{nik(date(1990, 1, 1))},X")
    result = enrolment_preview(db_session, past, data)
    assert not result.ok and "over" in str(result.session_problems[0])
