"""The shell around every page: error pages in both languages, security headers, no inline
script or style (CSP), navigation by role, local assets only."""

from __future__ import annotations

import re

import pytest

from isdc.models import Role, UiLocale
from isdc.web.access import public
from tests.conftest import login
from tests.factories import PASSWORD


def test_404_page_in_indonesian_and_english(app, make) -> None:
    client = app.test_client()
    response = client.get("/tidak-ada")
    assert response.status_code == 404
    assert "Halaman tidak ditemukan" in response.get_data(as_text=True)
    make.user(Role.ADMIN, username="admin", locale=UiLocale.ENGLISH)
    login(client, "admin", PASSWORD)
    page = client.get("/nowhere").get_data(as_text=True)
    assert "Page not found" in page and "Back to the dashboard" in page


def test_api_errors_are_json(client) -> None:
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.is_json
    assert set(response.json) == {"error", "detail"}


def test_403_page_for_the_wrong_role(app, make) -> None:
    from isdc.web.access import roles_required

    @app.route("/admin-only")
    @roles_required(Role.ADMIN)
    def admin_only() -> str:
        return "ok"

    make.user(Role.TRAINEE, username="peserta")
    client = app.test_client()
    login(client, "peserta", PASSWORD)
    response = client.get("/admin-only")
    assert response.status_code == 403
    assert "Akses ditolak" in response.get_data(as_text=True)
    assert client.get("/api/v1/me").status_code == 200


def test_500_page_says_nothing_was_saved(app) -> None:
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.route("/broken")
    @public
    def broken() -> str:
        raise RuntimeError("boom")

    response = app.test_client().get("/broken")
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "Terjadi kesalahan" in page and "tidak ada yang disimpan" in page
    assert "boom" not in page and "Traceback" not in page


@pytest.mark.parametrize("path", ["/login", "/tidak-ada", "/static/css/isdc.css", "/api/v1/health"])
def test_security_headers_on_every_response(client, path) -> None:
    with client.get(path) as response:
        headers = response.headers
    csp = headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp
    assert "frame-ancestors 'none'" in csp
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=", re.I)
INLINE_STYLE = re.compile(r"<style|\sstyle\s*=", re.I)
EXTERNAL = re.compile(r"""(?:src|href)="(?:https?:)?//""", re.I)


@pytest.mark.parametrize("role", list(Role))
def test_pages_have_no_inline_script_or_style_and_no_cdn(app, make, role) -> None:
    make.user(role, username="me")
    client = app.test_client()
    pages = [client.get("/login").get_data(as_text=True)]
    login(client, "me", PASSWORD)
    pages.append(client.get("/dashboard").get_data(as_text=True))
    pages.append(client.get("/nowhere").get_data(as_text=True))
    for page in pages:
        assert not INLINE_SCRIPT.search(page)
        assert not INLINE_HANDLER.search(page)
        assert not INLINE_STYLE.search(page)
        assert not EXTERNAL.search(page)


def test_bootstrap_is_served_locally(client) -> None:
    page = client.get("/login").get_data(as_text=True)
    assets = re.findall(r'(?:href|src)="(/(?:bootstrap/)?static/[^"]+)"', page)
    assert len(assets) >= 4
    for asset in assets:
        with client.get(asset) as response:
            assert response.status_code == 200, asset


def test_signed_in_pages_are_not_cached(app, make) -> None:
    make.user(Role.ADMIN, username="admin")
    client = app.test_client()
    login(client, "admin", PASSWORD)
    assert client.get("/dashboard").headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize(
    ("role", "expected", "absent"),
    [
        (Role.ADMIN, ["Dasbor"], ["Jadwal saya"]),
        (Role.INSTRUCTOR, ["Dasbor"], ["Pengguna"]),
        (Role.TRAINEE, ["Dasbor"], ["Pengguna", "Peserta</a>"]),
    ],
)
def test_navigation_by_role(app, make, role, expected, absent) -> None:
    make.user(role, username="me")
    client = app.test_client()
    login(client, "me", PASSWORD)
    nav = client.get("/dashboard").get_data(as_text=True).split("</nav>")[0]
    for text in expected:
        assert text in nav
    for text in absent:
        assert text not in nav


def test_navigation_shows_an_area_once_its_blueprint_exists(
    app, make, database_url, tmp_path, monkeypatch
) -> None:
    from flask import Blueprint

    from isdc.web import navigation
    from isdc.web.access import roles_required
    from tests.conftest import running_app

    # A menu entry for an area that no blueprint provides yet (areas land one by one).
    item = navigation.NavItem("future_area.index", "Area Baru", navigation.ADMIN, "star")
    monkeypatch.setattr(navigation, "NAVIGATION", (*navigation.NAVIGATION, item))
    name, endpoint = item.endpoint.split(".")
    shown = str(item.label)
    make.user(Role.ADMIN, username="admin")
    client = app.test_client()
    login(client, "admin", PASSWORD)
    nav = client.get("/dashboard").get_data(as_text=True).split("</nav>")[0]
    assert f'href="/{name}"' not in nav and shown not in nav

    area = Blueprint(name, __name__)

    @roles_required(Role.ADMIN)
    def index() -> str:
        return "list"

    area.add_url_rule(f"/{name}", endpoint, index)

    with running_app(database_url, tmp_path / "later") as later:
        later.register_blueprint(area)
        client = later.test_client()
        login(client, "admin", PASSWORD)
        nav = client.get("/dashboard").get_data(as_text=True).split("</nav>")[0]
    assert f'href="/{name}"' in nav and shown in nav


def test_health_and_me(app, make) -> None:
    client = app.test_client()
    assert client.get("/api/v1/health").json["status"] == "ok"
    assert client.get("/api/v1/me").status_code == 401
    make.user(Role.INSTRUCTOR, username="guru", display_name="Iptu Agus")
    login(client, "guru", PASSWORD)
    assert client.get("/api/v1/me").json == {
        "username": "guru", "role": "instructor", "name": "Iptu Agus", "locale": "id", "site": "SRP"
    }  # fmt: skip


def test_root_sends_visitors_to_sign_in(client) -> None:
    response = client.get("/")
    assert response.status_code == 302 and response.headers["Location"] == "/login"
