"""Back-office configuration: defaults, the instance folder, environment variables, secrets."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any


class Config:
    """Defaults. Override in ``instance/config.py`` or with ``ISDC_<NAME>`` environment variables."""

    # The site created by ``init-db`` when the database has none.
    SITE_NAME = "ISDC Serpong"
    SITE_CODE = "SRP"
    SITE_TIMEZONE = "Asia/Jakarta"
    # Base of the public links printed on certificates (QR codes), e.g. https://isdc.example.id
    PUBLIC_BASE_URL = "http://127.0.0.1:5000"

    # None: SQLite at <instance>/isdc.sqlite. Production: postgresql+psycopg://user@host/db
    SQLALCHEMY_DATABASE_URI: str | None = None
    SQLALCHEMY_ENGINE_OPTIONS: dict[str, Any] = {"pool_pre_ping": True}

    # Sessions: signed cookies, never readable by scripts, not sent on cross-site requests.
    SESSION_COOKIE_NAME = "isdc_session"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False  # set True (ISDC_SESSION_COOKIE_SECURE=true) behind HTTPS
    PERMANENT_SESSION_LIFETIME = timedelta(hours=8)  # one working day, then log in again
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"

    # CSRF tokens live as long as the session: a login form left open over lunch still works.
    WTF_CSRF_TIME_LIMIT: int | None = None

    # Indonesian first (Perpres 63/2019); English on request. Times shown in the site's zone.
    LANGUAGES = ("id", "en")
    BABEL_DEFAULT_LOCALE = "id"

    BOOTSTRAP_SERVE_LOCAL = True  # no CDN: the centre's network may have no internet

    # Rate limits. In-memory storage counts per worker process; use a shared storage such as
    # redis://host:6379 (RATELIMIT_STORAGE_URI) for a strict limit across workers.
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    LOGIN_RATE_LIMIT = "10 per minute;50 per hour"
    # Public certificate checks (/verify/<code> and its API twin), per client address.
    VERIFY_RATE_LIMIT = "60 per minute;600 per hour"

    MAX_CONTENT_LENGTH = 32 * 1024 * 1024

    # Simulator runs: telemetry files live here (None: <instance>/runs). An upload larger than
    # RUN_UPLOAD_MAX_BYTES is refused with 413; a 10-minute run is about 1-2 MB.
    RUNS_FOLDER: str | None = None
    RUN_UPLOAD_MAX_BYTES = 8 * 1024 * 1024

    # Number of reverse proxies in front of the app whose X-Forwarded-For is trusted (0: none).
    PROXY_FIX_X_FOR = 0


def database_url_from_env(environ: Mapping[str, str]) -> str | None:
    """``DATABASE_URL`` as SQLAlchemy wants it (psycopg 3 driver for PostgreSQL), or None."""
    url = environ.get("DATABASE_URL", "").strip()
    if not url:
        return None
    return normalise_database_url(url)


def normalise_database_url(url: str) -> str:
    """Map the common ``postgres://`` and ``postgresql://`` forms to the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def load_or_create_secret_key(instance_path: str | os.PathLike[str]) -> str:
    """The key in ``<instance>/secret_key``, generated on first use (mode 0600, never in git).

    Two server workers may start at once: the file is created exclusively and the loser of
    the race reads the winner's key.
    """
    path = Path(instance_path) / "secret_key"
    try:
        return _read_key(path)
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    tmp = path.with_name(f".secret_key.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key + "\n")
    try:
        os.link(tmp, path)  # fails if another process created the key meanwhile
    except FileExistsError:
        key = _read_key(path)
    finally:
        tmp.unlink(missing_ok=True)
    return key


def _read_key(path: Path) -> str:
    key = path.read_text().strip()
    if len(key) < 32:
        raise RuntimeError(f"{path} holds a secret key shorter than 32 characters")
    return key
