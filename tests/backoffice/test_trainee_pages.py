"""The trainee pages through HTTP: search, filters, paging, form, profile, retirement, CSV
import (preview, all or nothing) and export."""

from __future__ import annotations

import codecs
import io
from datetime import date

import pytest
from sqlalchemy import func, select

from isdc.models import (
    AuditLog,
    Organisation,
    OrganisationKind,
    RecordStatus,
    Role,
    Sex,
    SimClass,
    Trainee,
    UiLocale,
)
from tests.backoffice.conftest import form_post, text
from tests.factories import valid_nik


def count(db) -> int:  # type: ignore[no-untyped-def]
    db.expire_all()
    return db.scalar(select(func.count(Trainee.id)))


@pytest.fixture
def org(db_session, site):  # type: ignore[no-untyped-def]
    org = Organisation(site=site, name="PT Nusantara Logistik", kind=OrganisationKind.COMPANY)
    db_session.add(org)
    db_session.commit()
    return org


def test_search_filters_and_paging(staff_client, make, org):
    for n in range(30):
        make.trainee(full_name=f"Peserta {n:02d}", organisation=org if n < 5 else None,
                     sim_class=SimClass.A if n % 2 else None,
                     sim_number="123456789012" if n % 2 else None)  # fmt: skip
    budi = make.trainee(full_name="Budi Santoso")
    make.trainee(full_name="Budi Lama", status=RecordStatus.RETIRED)
    client = staff_client(Role.INSTRUCTOR)
    page = text(client.get("/trainees"))
    assert "31 trainees found" in page
    assert page.count('href="/trainees/') >= 25 and "?page=2" in page
    second = text(client.get("/trainees?page=2"))
    assert "Peserta 29" in second and "Peserta 00" not in second
    assert "Budi Santoso" in text(client.get("/trainees?q=budi"))
    assert "Budi Lama" not in text(client.get("/trainees?q=budi"))
    assert "Budi Lama" in text(client.get("/trainees?q=budi&status=retired"))
    assert budi.full_name in text(client.get(f"/trainees?q={budi.nik[:8]}"))
    by_org = text(client.get(f"/trainees?organisation={org.id}"))
    assert "Peserta 04" in by_org and "Peserta 05" not in by_org
    no_sim = text(client.get("/trainees?sim_class=none&q=Peserta"))
    assert "Peserta 00" in no_sim and "Peserta 01" not in no_sim
    # Odd input is ignored, not an error.
    assert client.get("/trainees?page=abc&status=zzz&sim_class=Q&organisation=x").status_code == 200
    assert 'id="no-trainees"' in text(client.get("/trainees?q=%25"))  # a literal %: no match


def test_create_validates_and_writes_nothing_when_wrong(staff_client, db_session, org):
    client = staff_client(Role.ADMIN)
    birth = date(1990, 5, 17)
    good = {"nik": valid_nik(birth, Sex.MALE), "full_name": " Andi  Wijaya ", "birth_date": "1990-05-17",
            "sex": "male", "organisation_id": str(org.id), "sim_class": "B1",
            "sim_number": "0901 9005 123456"}  # fmt: skip
    bad = {**good, "nik": "12345"}
    response = form_post(client, "/trainees/new", bad)
    assert response.status_code == 422
    assert "16" in text(response) and count(db_session) == 0
    too_young = {**good, "birth_date": "2012-05-17", "nik": valid_nik(date(2012, 5, 17), Sex.MALE)}
    response = form_post(client, "/trainees/new", too_young)
    assert response.status_code == 422 and "17" in text(response)
    response = form_post(client, "/trainees/new", good)
    assert response.status_code == 302
    trainee = db_session.scalar(select(Trainee))
    assert trainee.full_name == "Andi Wijaya" and trainee.sim_number == "09019005123456"
    again = form_post(client, "/trainees/new", {**good, "full_name": "Orang Lain"})
    assert again.status_code == 422 and "Andi Wijaya" in text(again)
    assert count(db_session) == 1


def test_profile_edit_retire(staff_client, db_session, make):
    trainee = make.trainee(full_name="Siti Aminah", sex=Sex.FEMALE,
                           nik=valid_nik(date(1990, 5, 17), Sex.FEMALE))  # fmt: skip
    client = staff_client(Role.INSTRUCTOR)
    page = text(client.get(f"/trainees/{trainee.id}"))
    assert "Siti Aminah" in page and trainee.nik in page
    form = text(client.get(f"/trainees/{trainee.id}/edit"))
    assert 'value="female" checked' in form or "checked" in form
    response = form_post(client, f"/trainees/{trainee.id}/edit",
                         {"nik": trainee.nik, "full_name": "Siti Aminah Putri",
                          "birth_date": "1990-05-17", "sex": "female"})  # fmt: skip
    assert response.status_code == 302
    # Changing the sex alone breaks the NIK rule: refused, nothing changed.
    response = form_post(client, f"/trainees/{trainee.id}/edit",
                         {"nik": trainee.nik, "full_name": "X", "birth_date": "1990-05-17",
                          "sex": "male"})  # fmt: skip
    assert response.status_code == 422
    db_session.expire_all()
    assert db_session.get(Trainee, trainee.id).full_name == "Siti Aminah Putri"
    form_post(client, f"/trainees/{trainee.id}/retire", page=f"/trainees/{trainee.id}")
    db_session.expire_all()
    assert db_session.get(Trainee, trainee.id).status == RecordStatus.RETIRED
    assert db_session.scalar(select(AuditLog).where(AuditLog.action == "retire")) is not None


def test_unknown_ids_and_wrong_roles(staff_client):
    admin = staff_client(Role.ADMIN)
    assert admin.get("/trainees/999999").status_code == 404
    assert "There is no trainee with that number." in text(admin.get("/trainees/999999"))
    assert admin.get("/trainees/999999/edit").status_code == 404
    trainee_client = staff_client(Role.TRAINEE)
    assert trainee_client.get("/trainees").status_code == 403
    assert trainee_client.get("/trainees/export.csv").status_code == 403


def test_export_is_the_filtered_list_with_bom(staff_client, db_session, make):
    make.trainee(full_name="Ani Export", phone="+628123456789")
    make.trainee(full_name="Budi Lain")
    client = staff_client(Role.ADMIN, locale=UiLocale.INDONESIAN)  # Indonesian column names
    response = client.get("/trainees/export.csv?q=Ani")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.data.startswith(codecs.BOM_UTF8)
    body = response.data.decode("utf-8-sig")
    assert body.splitlines()[0].startswith("NIK,Nama lengkap,Tanggal lahir")
    assert "Ani Export" in body and "Budi Lain" not in body and "'+628123456789" in body
    semicolons = client.get("/trainees/export.csv?delimiter=semicolon").data.decode("utf-8-sig")
    assert semicolons.splitlines()[0].startswith("NIK;Nama lengkap")
    assert db_session.scalar(select(AuditLog).where(AuditLog.action == "export")) is not None
    template = client.get("/trainees/template.csv")
    assert template.data.decode("utf-8-sig").strip().startswith("NIK,Nama lengkap")
    english = staff_client(Role.INSTRUCTOR).get("/trainees/export.csv").data.decode("utf-8-sig")
    assert english.startswith("NIK,Full name,Birth date,Sex")


def upload(client, url: str, content: bytes, name: str = "daftar.csv", page: str | None = None):  # type: ignore[no-untyped-def]
    return form_post(client, url, {"file": (io.BytesIO(content), name)}, page=page,
                     content_type="multipart/form-data")  # fmt: skip


def test_import_preview_then_confirm(staff_client, db_session, org):
    client = staff_client(Role.ADMIN)
    rows = ["NIK;Nama lengkap;Tanggal lahir;Jenis kelamin;Organisasi"]
    for i in range(3):
        birth = date(1991, 1, 10 + i)
        rows.append(f"{valid_nik(birth, Sex.MALE)};Peserta {i};{birth:%d/%m/%Y};L;{org.name}")
    data = codecs.BOM_UTF8 + "\r\n".join(rows).encode()
    preview = upload(client, "/trainees/import", data)
    assert preview.status_code == 200
    page = text(preview)
    assert 'id="preview-ok"' in page and "confirm-import" in page
    assert count(db_session) == 0  # the preview writes nothing
    from tests.conftest import csrf_from

    token = page.split('name="token" type="hidden" value="')[1].split('"')[0]
    response = client.post("/trainees/import/confirm",
                           data={"csrf_token": csrf_from(page), "token": token,
                                 "file_name": "daftar.csv"})  # fmt: skip
    assert response.status_code == 302
    assert count(db_session) == 3
    # Confirmed files are gone: a second confirmation imports nothing.
    again = client.post("/trainees/import/confirm",
                        data={"csrf_token": csrf_from(page), "token": token,
                              "file_name": "daftar.csv"})  # fmt: skip
    assert again.status_code == 400 and count(db_session) == 3
    # The same file checked again: every NIK is registered now.
    stale = upload(client, "/trainees/import", data)
    assert stale.status_code == 422 and text(stale).count("already registered") == 3
    tampered = client.post("/trainees/import/confirm",
                           data={"csrf_token": csrf_from(page), "token": "../../etc/passwd",
                                 "file_name": "x.csv"})  # fmt: skip
    assert tampered.status_code == 400


def test_import_marks_bad_rows_and_refuses_bad_files(staff_client, db_session):
    client = staff_client(Role.INSTRUCTOR)
    birth = date(1991, 1, 10)
    nik = valid_nik(birth, Sex.MALE)
    data = "\n".join([
        "NIK,Nama lengkap,Tanggal lahir,Jenis kelamin",
        f"{nik},Satu,10/01/1991,L",
        f"{nik},Dua,10/01/1991,L",
        "12,Tiga,99/99/1991,Q",
    ]).encode()  # fmt: skip
    response = upload(client, "/trainees/import", data)
    assert response.status_code == 422
    page = text(response)
    assert 'id="preview-problems"' in page and "confirm-import" not in page
    assert page.count('class="table-danger"') == 3
    latin = upload(client, "/trainees/import", "NIK,Nama lengkap\n1,Jos\xe9".encode("latin-1"))
    assert latin.status_code == 422 and "UTF-8" in text(latin)
    wrong_columns = upload(client, "/trainees/import", b"Nomor,Nama\n1,2\n")
    assert wrong_columns.status_code == 422
    missing = form_post(client, "/trainees/import", {})
    assert missing.status_code == 400
    assert count(db_session) == 0


def test_organisations(staff_client, db_session, org):
    client = staff_client(Role.ADMIN)
    assert org.name in text(client.get("/trainees/organisations"))
    response = form_post(client, "/trainees/organisations/new",
                         {"name": "SMA Harapan", "kind": "school", "city": "Serpong"})  # fmt: skip
    assert response.status_code == 302
    duplicate = form_post(client, "/trainees/organisations/new",
                          {"name": org.name, "kind": "company"})  # fmt: skip
    assert duplicate.status_code == 422
    assert client.get("/trainees/organisations/99999/edit").status_code == 404


def test_confirming_after_the_records_changed_imports_nothing(staff_client, db_session, make):
    client = staff_client(Role.ADMIN)
    births = [date(1992, 2, 2), date(1993, 3, 3)]
    niks = [valid_nik(b, Sex.MALE) for b in births]
    data = "\n".join(["NIK,Nama lengkap,Tanggal lahir,Jenis kelamin"]
                     + [f"{n},Orang {i},{b:%d/%m/%Y},L" for i, (n, b) in enumerate(zip(niks, births, strict=True))]
                     ).encode()  # fmt: skip
    page = text(upload(client, "/trainees/import", data))
    token = page.split('name="token" type="hidden" value="')[1].split('"')[0]
    make.trainee(full_name="Lebih Dulu", nik=niks[1], birth_date=births[1])  # meanwhile
    from tests.conftest import csrf_from

    response = client.post("/trainees/import/confirm",
                           data={"csrf_token": csrf_from(page), "token": token, "file_name": "x.csv"})  # fmt: skip
    assert response.status_code == 409 and "Lebih Dulu" in text(response)
    assert count(db_session) == 1
    # Someone else cannot confirm your file.
    other = staff_client(Role.ADMIN)
    stolen = other.post("/trainees/import/confirm",
                        data={"csrf_token": csrf_from(text(other.get("/trainees/import"))),
                              "token": token, "file_name": "x.csv"})  # fmt: skip
    assert stolen.status_code == 400 and count(db_session) == 1
