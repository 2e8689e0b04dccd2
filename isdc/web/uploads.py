"""Uploaded CSV files waiting between the preview and the confirmation of an import.

The checked file stays on the server (``instance/imports/``) under a random token tied to the
user who uploaded it, instead of travelling back in the form: large lists would exceed the
size a form field may have. Files are written to a temporary name and renamed; ones older
than a day are cleared away.
"""

from __future__ import annotations

import os
import re
import secrets
import tempfile
import time
from pathlib import Path

from flask import current_app

FOLDER = "imports"
KEEP_SECONDS = 24 * 3600
_TOKEN = re.compile(r"^[A-Za-z0-9_\-]{20,64}$")


def _folder() -> Path:
    folder = Path(current_app.instance_path) / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _path(token: str, user_id: int) -> Path | None:
    if not _TOKEN.match(token or ""):
        return None
    return _folder() / f"{int(user_id)}-{token}.csv"


def stage(data: bytes, user_id: int) -> str:
    """Keep an uploaded file until it is confirmed; returns its token."""
    folder = _folder()
    _clear_old(folder)
    token = secrets.token_urlsafe(24)
    fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
    with os.fdopen(fd, "wb") as out:
        out.write(data)
    os.replace(tmp, folder / f"{int(user_id)}-{token}.csv")
    return token


def staged(token: str, user_id: int) -> bytes | None:
    """The staged file of this user, or None (unknown, someone else's, or cleared)."""
    path = _path(token, user_id)
    if path is None or not path.is_file():
        return None
    return path.read_bytes()


def discard(token: str, user_id: int) -> None:
    path = _path(token, user_id)
    if path is not None:
        path.unlink(missing_ok=True)


def _clear_old(folder: Path) -> None:
    limit = time.time() - KEEP_SECONDS
    for path in folder.iterdir():
        try:
            if path.stat().st_mtime < limit:
                path.unlink()
        except OSError:
            continue  # another worker cleared it first
