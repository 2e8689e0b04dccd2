"""Configuration layers: class defaults, instance/config.py, environment, test overrides."""

from __future__ import annotations

import stat

import pytest

from isdc.config import load_or_create_secret_key, normalise_database_url
from tests.conftest import running_app


def test_secret_key_is_generated_once_into_the_instance_folder(tmp_path) -> None:
    key = load_or_create_secret_key(tmp_path)
    path = tmp_path / "secret_key"
    assert len(key) == 64
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_or_create_secret_key(tmp_path) == key
    assert not list(tmp_path.glob("*.tmp"))


def test_a_truncated_secret_key_is_refused(tmp_path) -> None:
    (tmp_path / "secret_key").write_text("short\n")
    with pytest.raises(RuntimeError, match="shorter than 32"):
        load_or_create_secret_key(tmp_path)


def test_app_without_a_configured_key_uses_the_instance_key(database_url, tmp_path) -> None:
    with running_app(database_url, tmp_path, SECRET_KEY=None) as app:
        assert app.config["SECRET_KEY"] == (tmp_path / "secret_key").read_text().strip()


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgres://u:p@db/isdc", "postgresql+psycopg://u:p@db/isdc"),
        ("postgresql://u@db/isdc", "postgresql+psycopg://u@db/isdc"),
        ("postgresql+psycopg://u@db/isdc", "postgresql+psycopg://u@db/isdc"),
        ("sqlite:////srv/isdc.sqlite", "sqlite:////srv/isdc.sqlite"),
    ],
)
def test_database_urls_use_psycopg_3(given, expected) -> None:
    assert normalise_database_url(given) == expected


def test_layers_instance_file_then_environment(database_url, tmp_path, monkeypatch) -> None:
    tmp_path.mkdir(exist_ok=True)
    (tmp_path / "config.py").write_text(
        'SITE_NAME = "ISDC Polda Jawa Timur"\nPUBLIC_BASE_URL = "https://isdc.example.id"\n'
    )
    monkeypatch.setenv("ISDC_PUBLIC_BASE_URL", "https://verifikasi.example.id")
    monkeypatch.setenv("ISDC_SESSION_COOKIE_SECURE", "true")
    with running_app(database_url, tmp_path) as app:
        assert app.config["SITE_NAME"] == "ISDC Polda Jawa Timur"  # from instance/config.py
        assert app.config["PUBLIC_BASE_URL"] == "https://verifikasi.example.id"  # env wins
        assert app.config["SESSION_COOKIE_SECURE"] is True  # JSON-parsed
        response = app.test_client().get("/login")
        assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_database_url_from_the_environment(database_url, tmp_path, monkeypatch) -> None:
    from isdc import create_app

    monkeypatch.setenv("DATABASE_URL", "postgresql://isdc@db.internal/isdc")
    monkeypatch.setenv("ISDC_INSTANCE_PATH", str(tmp_path))
    app = create_app({"SECRET_KEY": "x" * 40})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://isdc@db.internal/isdc"
    assert app.instance_path == str(tmp_path)


def test_default_database_is_sqlite_in_the_instance_folder(tmp_path, monkeypatch) -> None:
    from isdc import create_app

    monkeypatch.delenv("DATABASE_URL", raising=False)
    app = create_app({"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x" * 40})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/isdc.sqlite"


def test_proxy_fix_trusts_only_the_configured_proxies(database_url, tmp_path) -> None:
    with running_app(database_url, tmp_path, PROXY_FIX_X_FOR=1) as app:
        from flask import request

        @app.route("/_ip")
        def ip() -> str:
            return request.remote_addr or ""

        ip.isdc_access = "public"  # type: ignore[attr-defined]
        client = app.test_client()
        answer = client.get("/_ip", headers={"X-Forwarded-For": "203.0.113.9"})
        assert answer.get_data(as_text=True) == "203.0.113.9"
