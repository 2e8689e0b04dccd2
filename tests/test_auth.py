"""Signing in and out: the happy paths, every bad input, rate limits, audit, cookies."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from isdc.models import AuditLog, Role
from tests.conftest import csrf_from, login
from tests.factories import PASSWORD


@pytest.mark.parametrize("role", list(Role))
def test_each_role_signs_in_to_the_dashboard(client, make, role) -> None:
    make.user(role, username="pengguna")
    response = login(client, "pengguna", PASSWORD)
    assert response.status_code == 302
    assert response.headers["Location"] == "/dashboard"
    assert client.get("/dashboard").status_code == 200


def test_usernames_are_not_case_sensitive(client, make) -> None:
    make.user(Role.ADMIN, username="admin")
    assert login(client, "  Admin ", PASSWORD).status_code == 302


@pytest.mark.parametrize("username", ["admin", "nobody"])
def test_wrong_password_and_unknown_user_get_the_same_answer(
    client, make, db_session, username
) -> None:
    make.user(Role.ADMIN, username="admin")
    response = login(client, username, "wrong-password")
    assert response.status_code == 401
    assert "Nama pengguna atau kata sandi salah." in response.get_data(as_text=True)
    assert client.get("/dashboard").status_code == 302  # still signed out
    failure = db_session.scalar(select(AuditLog).where(AuditLog.action == "login_failed"))
    assert failure.details["username"] == username
    assert failure.ip == "127.0.0.1"


def test_missing_fields_are_named(client) -> None:
    response = login(client, "", "")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Isi nama pengguna Anda." in page
    assert "Isi kata sandi Anda." in page


def test_a_post_without_csrf_token_is_refused(client, make, db_session) -> None:
    make.user(Role.ADMIN, username="admin")
    response = client.post("/login", data={"username": "admin", "password": PASSWORD})
    assert response.status_code == 400
    assert "Formulir sudah kedaluwarsa" in response.get_data(as_text=True)
    assert client.get("/dashboard").status_code == 302
    assert db_session.scalar(select(AuditLog).where(AuditLog.action == "login")) is None


def test_disabled_accounts_cannot_sign_in(client, make) -> None:
    make.user(Role.INSTRUCTOR, username="cuti", active=False)
    response = login(client, "cuti", PASSWORD)
    assert response.status_code == 403
    assert "dinonaktifkan" in response.get_data(as_text=True)


def test_sign_in_and_out_are_audited(client, make, db_session) -> None:
    user = make.user(Role.ADMIN, username="admin")
    login(client, "admin", PASSWORD)
    token = csrf_from(client.get("/dashboard").get_data(as_text=True))
    response = client.post("/logout", data={"csrf_token": token})
    assert response.status_code == 302
    assert client.get("/dashboard").status_code == 302
    actions = db_session.scalars(
        select(AuditLog.action).where(AuditLog.actor_id == user.id).order_by(AuditLog.id)
    ).all()
    assert actions[0] == "login" and actions[-1] == "logout"


def test_signing_out_needs_a_post_with_csrf(client, make) -> None:
    make.user(Role.ADMIN, username="admin")
    login(client, "admin", PASSWORD)
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 400  # no CSRF token
    assert client.get("/dashboard").status_code == 200  # still signed in


@pytest.mark.parametrize(
    ("next_url", "lands_on"),
    [
        ("/api/v1/me", "/api/v1/me"),
        ("https://evil.example/phish", "/dashboard"),
        ("//evil.example/phish", "/dashboard"),
        ("/\\evil.example", "/dashboard"),
        ("javascript:alert(1)", "/dashboard"),
    ],
)
def test_only_same_site_next_redirects(client, make, next_url, lands_on) -> None:
    make.user(Role.ADMIN, username="admin")
    response = login(client, "admin", PASSWORD, next=next_url)
    assert response.headers["Location"] == lands_on


def test_anonymous_visit_remembers_where_to_go(client, make) -> None:
    make.user(Role.ADMIN, username="admin")
    response = client.get("/dashboard?tab=x")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=/dashboard?tab%3Dx"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Silakan masuk untuk membuka halaman tersebut." in page
    assert 'name="next" type="hidden" value="/dashboard?tab=x"' in page


def test_session_cookie_is_httponly_and_samesite(client, make) -> None:
    make.user(Role.ADMIN, username="admin")
    response = login(client, "admin", PASSWORD)
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("isdc_session=")
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Expires=" in cookie  # a permanent session that ends after the working day


def test_expired_session_means_signing_in_again(app, client, make) -> None:
    make.user(Role.ADMIN, username="admin")
    app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(seconds=-1)
    login(client, "admin", PASSWORD)
    response = client.get("/dashboard")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_ending_all_sessions_signs_the_user_out(client, make, db_session) -> None:
    user = make.user(Role.ADMIN, username="admin")
    login(client, "admin", PASSWORD)
    user.end_all_sessions()
    db_session.commit()
    assert client.get("/dashboard").status_code == 302


def test_deactivating_an_account_signs_it_out(client, make, db_session) -> None:
    user = make.user(Role.INSTRUCTOR, username="guru")
    login(client, "guru", PASSWORD)
    user.active = False
    db_session.commit()
    assert client.get("/dashboard").status_code == 302


@pytest.fixture
def strict_limit(app_config):  # type: ignore[no-untyped-def]
    app_config["LOGIN_RATE_LIMIT"] = "3 per minute"


@pytest.mark.usefixtures("strict_limit")
def test_failed_sign_ins_are_rate_limited(client, make) -> None:
    make.user(Role.ADMIN, username="admin")
    for _ in range(3):
        assert login(client, "admin", "wrong-password").status_code == 401
    response = login(client, "admin", PASSWORD)  # even the right password waits now
    assert response.status_code == 429
    assert "Terlalu banyak percobaan" in response.get_data(as_text=True)
    assert "Retry-After" in response.headers


@pytest.mark.usefixtures("strict_limit")
def test_successful_sign_ins_do_not_count_against_the_limit(app, make) -> None:
    make.user(Role.ADMIN, username="admin")
    for _ in range(5):
        client = app.test_client()
        assert login(client, "admin", PASSWORD).status_code == 302


@pytest.mark.usefixtures("strict_limit")
def test_one_account_is_limited_across_addresses(app, make) -> None:
    make.user(Role.ADMIN, username="admin")
    for n in range(3):
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = f"10.0.0.{n + 1}"
        assert login(client, "admin", "wrong-password").status_code == 401
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = "10.0.0.9"
    assert login(client, "admin", "wrong-password").status_code == 429


def test_rate_limiting_is_switched_on(app) -> None:
    from isdc.extensions import limiter

    assert limiter.enabled
    assert app.config.get("RATELIMIT_ENABLED", True) is not False


def test_passwords_are_stored_with_a_slow_hash(make) -> None:
    user = make.user(Role.ADMIN, username="admin")
    user.set_password("rahasia-sekali")
    assert user.password_hash.startswith("scrypt:")
    assert "rahasia" not in user.password_hash
    assert user.check_password("rahasia-sekali") and not user.check_password("rahasia-sekali ")
