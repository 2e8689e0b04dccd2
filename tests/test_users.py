"""Accounts (administrators) and "change my password": creating linked accounts, refusals
that name the problem, new passwords ending sessions, and the last administrator kept."""

from __future__ import annotations

from sqlalchemy import select

from isdc.models import AuditLog, Role, User
from tests.conftest import csrf_from, login
from tests.factories import PASSWORD

NEW_PASSWORD = "a-much-longer-secret"


def signed_in(client, make, role=Role.ADMIN, **fields):  # type: ignore[no-untyped-def]
    user = make.user(role, **fields)
    assert login(client, user.username, PASSWORD).status_code == 302
    return user


def post_form(client, page: str, action: str, **data):  # type: ignore[no-untyped-def]
    token = csrf_from(client.get(page).get_data(as_text=True))
    return client.post(action, data={"csrf_token": token, **data})


def listed(client, url: str) -> str:
    """The accounts table of a list page (the header also shows who is signed in)."""
    page = client.get(url).get_data(as_text=True)
    return page.split('id="account-table"', 1)[1] if 'id="account-table"' in page else ""


def new_account(client, **data):  # type: ignore[no-untyped-def]
    values = {"locale": "id", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD, **data}
    return post_form(client, "/pengguna/baru", "/pengguna/baru", **values)


def test_admin_lists_and_filters_accounts(client, make):
    signed_in(client, make, username="kepala")
    make.user(Role.INSTRUCTOR, username="agus.instruktur", display_name="Agus Prasetyo")
    make.user(Role.TRAINEE, username="budi", active=False)
    page = listed(client, "/pengguna")
    assert "kepala" in page and "agus.instruktur" in page
    assert "budi" not in page  # deactivated accounts are hidden by default
    page = listed(client, "/pengguna?status=inactive")
    assert "budi" in page and "agus.instruktur" not in page
    page = listed(client, "/pengguna?q=prasetyo")
    assert "agus.instruktur" in page and "kepala" not in page
    assert client.get("/pengguna?role=superuser").status_code == 400


def test_instructors_and_trainees_may_not_manage_accounts(client, make):
    signed_in(client, make, Role.INSTRUCTOR)
    assert client.get("/pengguna").status_code == 403
    assert client.get("/pengguna/baru").status_code == 403


def test_create_trainee_account_linked_by_nik_then_the_trainee_signs_in(
    app, client, make, db_session
):
    signed_in(client, make)
    trainee = make.trainee(full_name="Siti Aminah")
    response = new_account(client, role="trainee", username="Siti.A", trainee_nik=trainee.nik)
    assert response.status_code == 302
    user = db_session.scalar(select(User).where(User.username == "siti.a"))
    assert user.trainee_id == trainee.id and user.display_name == "Siti Aminah"
    assert (
        db_session.scalar(
            select(AuditLog).where(
                AuditLog.entity_type == "User", AuditLog.entity_id == str(user.id)
            )
        )
        is not None
    )
    other = app.test_client()
    assert login(other, "siti.a", NEW_PASSWORD).status_code == 302
    # The same trainee cannot get a second account.
    again = new_account(client, role="trainee", username="siti2", trainee_nik=trainee.nik)
    assert again.status_code == 422
    assert "siti.a" in again.get_data(as_text=True)


def test_create_instructor_account_offers_only_instructors_without_one(client, make, db_session):
    signed_in(client, make)
    free = make.instructor(full_name="Dewi Lestari")
    taken = make.instructor(full_name="Rudi Hartono")
    make.user(Role.INSTRUCTOR, username="rudi", instructor_id=taken.id)
    page = client.get("/pengguna/baru").get_data(as_text=True)
    assert "Dewi Lestari" in page and "Rudi Hartono" not in page
    refused = new_account(client, role="instructor", username="rudi2", instructor_id=taken.id)
    assert refused.status_code == 422
    ok = new_account(client, role="instructor", username="dewi", instructor_id=free.id)
    assert ok.status_code == 302
    assert db_session.scalar(select(User.instructor_id).where(User.username == "dewi")) == free.id


def test_bad_new_accounts_are_refused_naming_the_problem_and_nothing_is_written(
    client, make, db_session
):
    signed_in(client, make, username="kepala")
    before = db_session.scalar(select(User.id).order_by(User.id.desc()))
    cases = [
        ({"role": "admin", "username": "kepala"}, "sudah dipakai"),  # taken
        ({"role": "admin", "username": "x!"}, "3-64"),
        ({"role": "admin", "username": "baru", "password": "short", "confirm": "short"}, "8"),
        ({"role": "admin", "username": "baru", "confirm": "different-secret"}, "berbeda"),
        ({"role": "trainee", "username": "baru", "trainee_nik": ""}, "NIK"),
        ({"role": "trainee", "username": "baru", "trainee_nik": "3674015705900001"}, "NIK"),
        ({"role": "instructor", "username": "baru", "instructor_id": "999"}, "instruktur"),
    ]
    for data, words in cases:
        response = new_account(client, **data)
        assert response.status_code in (400, 422), data
        assert words in response.get_data(as_text=True), data
    db_session.expire_all()
    assert db_session.scalar(select(User.id).order_by(User.id.desc())) == before


def test_new_password_ends_the_accounts_sessions(app, client, make):
    signed_in(client, make)
    target = make.user(Role.INSTRUCTOR, username="agus")
    theirs = app.test_client()
    assert login(theirs, "agus", PASSWORD).status_code == 302
    assert theirs.get("/dashboard").status_code == 200
    page = f"/pengguna/{target.id}"
    response = post_form(client, page, f"{page}/kata-sandi",
                         password=NEW_PASSWORD, confirm=NEW_PASSWORD)  # fmt: skip
    assert response.status_code == 302
    assert theirs.get("/dashboard").status_code == 302  # signed out
    fresh = app.test_client()
    assert login(fresh, "agus", PASSWORD).status_code == 401
    assert login(fresh, "agus", NEW_PASSWORD).status_code == 302


def test_deactivation_blocks_sign_in_and_reactivation_restores_it(app, client, make):
    signed_in(client, make)
    target = make.user(Role.TRAINEE, username="budi")
    page = f"/pengguna/{target.id}"
    assert post_form(client, page, f"{page}/nonaktifkan").status_code == 302
    assert login(app.test_client(), "budi", PASSWORD).status_code != 302
    assert post_form(client, page, f"{page}/aktifkan").status_code == 302
    assert login(app.test_client(), "budi", PASSWORD).status_code == 302


def test_cannot_deactivate_yourself_or_the_last_administrator(app, client, make, db_session):
    me = signed_in(client, make, username="kepala")
    page = f"/pengguna/{me.id}"
    response = post_form(client, page, f"{page}/nonaktifkan")
    assert response.status_code == 409
    assert "sendiri" in response.get_data(as_text=True)
    # A second administrator can be deactivated while another stays active ...
    other = make.user(Role.ADMIN, username="wakil")
    assert (
        post_form(client, f"/pengguna/{other.id}", f"/pengguna/{other.id}/nonaktifkan").status_code
        == 302
    )
    db_session.expire_all()
    assert db_session.get(User, other.id).active is False
    assert db_session.get(User, me.id).active is True


def test_change_my_password(app, client, make):
    signed_in(client, make, Role.TRAINEE, username="siti")
    other_device = app.test_client()
    assert login(other_device, "siti", PASSWORD).status_code == 302
    wrong = post_form(client, "/pengguna/kata-sandi-saya", "/pengguna/kata-sandi-saya",
                      current="not-it", password=NEW_PASSWORD, confirm=NEW_PASSWORD)  # fmt: skip
    assert wrong.status_code == 422
    assert "salah" in wrong.get_data(as_text=True)
    ok = post_form(client, "/pengguna/kata-sandi-saya", "/pengguna/kata-sandi-saya",
                   current=PASSWORD, password=NEW_PASSWORD, confirm=NEW_PASSWORD)  # fmt: skip
    assert ok.status_code == 302
    assert client.get("/dashboard").status_code == 200  # this browser stays signed in
    assert other_device.get("/dashboard").status_code == 302  # the other one is signed out
    assert login(app.test_client(), "siti", NEW_PASSWORD).status_code == 302


def test_change_password_needs_sign_in(client):
    response = client.get("/pengguna/kata-sandi-saya")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
