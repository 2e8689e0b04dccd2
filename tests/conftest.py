"""Fixtures for the back-office tests: an app on a throwaway database, clients, factories.

The database is SQLite in a temporary folder, or PostgreSQL when ``ISDC_TEST_DATABASE_URL``
is set (e.g. ``postgresql+psycopg://postgres@127.0.0.1/isdc_ci``): its schema is dropped and
rebuilt through the migrations once per test session, and every table is emptied after each
test that used the app. Simulator and scoring tests use none of this and import no Flask.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from flask import Flask
    from flask.testing import FlaskClient

TEST_DATABASE_ENV = "ISDC_TEST_DATABASE_URL"
TEST_SECRET = "test-secret-key-that-is-long-enough-0123456789"


def pytest_report_header(config: pytest.Config) -> str:
    url = os.environ.get(TEST_DATABASE_ENV)
    return f"database: {_safe(url) if url else 'SQLite (temporary file)'}"


def _safe(url: str) -> str:
    return re.sub(r"//([^:@/]+):[^@/]*@", r"//\1:***@", url)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A database migrated to the newest revision, shared by the whole test session."""
    from isdc.config import normalise_database_url

    url = os.environ.get(TEST_DATABASE_ENV)
    if url:
        url = normalise_database_url(url)
        _reset_postgres_schema(url)
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'isdc-test.sqlite'}"
    app = make_app(url, tmp_path_factory.mktemp("instance"))
    from isdc.extensions import db
    from isdc.schema import upgrade_to_head

    with app.app_context():
        upgrade_to_head()
        db.engine.dispose()
    return url


def _reset_postgres_schema(url: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def make_app(database_url: str, instance_path: Path, **overrides: Any) -> Flask:
    from isdc import create_app

    config = {
        "TESTING": True,
        "SECRET_KEY": TEST_SECRET,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "INSTANCE_PATH": str(instance_path),
        "SERVER_NAME": None,
    }
    config.update(overrides)
    return create_app(config)


@contextlib.contextmanager
def running_app(database_url: str, instance_path: Path, **overrides: Any) -> Iterator[Flask]:
    """A second app for one test, inside its app context; its connections closed after."""
    from isdc.extensions import db

    application = make_app(database_url, instance_path, **overrides)
    application.test_client_class = _isolated_client_class()
    with application.app_context():
        try:
            yield application
        finally:
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def app_config() -> dict[str, Any]:
    """Per-test config overrides: ``app_config["LOGIN_RATE_LIMIT"] = "2 per minute"``."""
    return {}


@pytest.fixture
def app(database_url: str, tmp_path: Path, app_config: dict[str, Any]) -> Iterator[Flask]:
    from isdc.extensions import db

    application = make_app(database_url, tmp_path / "instance", **app_config)
    application.test_client_class = _isolated_client_class()
    with application.app_context():
        yield application
        db.session.remove()
        empty_all_tables(db.engine)
        db.engine.dispose()


def empty_all_tables(engine: Any) -> None:
    """Delete every row, children first (one transaction; sequences keep counting)."""
    from sqlalchemy import text

    from isdc.models import Base

    with engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(text(f'DELETE FROM "{table.name}"'))


def _isolated_client_class():  # type: ignore[no-untyped-def]
    from flask.testing import FlaskClient

    class IsolatedClient(FlaskClient):
        """Each request in an app context of its own, as in production: its own ``g`` (so the
        signed-in user is loaded afresh) and its own database session. The test's objects
        see the request's writes after ``db_session.expire_all()`` or a new query."""

        def open(self, *args: Any, **kwargs: Any) -> Any:
            with self.application.app_context():
                return super().open(*args, **kwargs)

    return IsolatedClient


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask):  # type: ignore[no-untyped-def]
    return app.test_cli_runner()


@pytest.fixture
def db_session(app: Flask):  # type: ignore[no-untyped-def]
    from isdc.extensions import db

    return db.session


# --- Factories ---------------------------------------------------------------------------


@pytest.fixture
def site(db_session):  # type: ignore[no-untyped-def]
    from tests import factories

    return factories.make_site(db_session)


@pytest.fixture
def make(db_session, site):  # type: ignore[no-untyped-def]
    """Factories bound to the test database and site: ``make.trainee(full_name=...)``."""
    from tests import factories

    return factories.Factory(db_session, site)


# --- HTTP helpers ------------------------------------------------------------------------

CSRF_PATTERN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_from(html: str) -> str:
    match = CSRF_PATTERN.search(html)
    assert match, "page carries no CSRF token"
    return match.group(1)


def login(client: FlaskClient, username: str, password: str, **extra: str) -> Any:
    """Sign in through the real form (CSRF token and all); returns the POST response."""
    token = csrf_from(client.get("/login").get_data(as_text=True))
    data = {"username": username, "password": password, "csrf_token": token, **extra}
    return client.post("/login", data=data)
