"""Consistent copies of the live database: SQLite's online backup API, or ``pg_dump``; and,
with the stored files, one archive from which an installation can be restored whole."""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Callable
from pathlib import Path

from sqlalchemy.engine import make_url


class BackupError(Exception):
    """The backup could not be made; the message says why, for an operator."""


def backup_database(database_url: str, target: Path, *, overwrite: bool = False) -> Path:
    """Copy the database at ``database_url`` to ``target`` while the server keeps running.

    The copy is written next to ``target`` under a temporary name and renamed when complete,
    so ``target`` is never a half-written file.
    """
    target = Path(target).expanduser().resolve()
    _check_target(target, overwrite)
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        source = url.database
        if not source or source == ":memory:":
            raise BackupError("an in-memory SQLite database cannot be backed up")
        if not Path(source).is_file():
            raise BackupError(f"database file {source} does not exist")
        _write_atomically(target, lambda tmp: _sqlite_backup(Path(source), tmp))
    elif url.get_backend_name() == "postgresql":
        pg_dump = shutil.which("pg_dump")
        if pg_dump is None:
            raise BackupError(
                "pg_dump not found: install the PostgreSQL client (Debian: postgresql-client)"
            )
        libpq_url = url.set(drivername="postgresql").render_as_string(hide_password=False)
        _write_atomically(target, lambda tmp: _pg_dump(pg_dump, libpq_url, tmp))
    else:
        raise BackupError(f"cannot back up a {url.get_backend_name()} database")
    return target


def _check_target(target: Path, overwrite: bool) -> None:
    if target.is_dir():
        raise BackupError(f"{target} is a folder; give a file name")
    if target.exists() and not overwrite:
        raise BackupError(f"{target} already exists; use --force to overwrite it")
    folder = target.parent
    if not folder.is_dir():
        raise BackupError(f"folder {folder} does not exist")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise BackupError(f"cannot write to folder {folder}")


def _write_atomically(target: Path, write: Callable[[Path], None]) -> None:
    try:
        fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as exc:
        raise BackupError(f"cannot write to folder {target.parent}: {exc.strerror}") from exc
    os.close(fd)
    tmp = Path(name)
    try:
        write(tmp)
        os.replace(tmp, target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise BackupError(f"cannot write {target}: {exc.strerror or exc}") from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _sqlite_backup(source: Path, tmp: Path) -> None:
    """SQLite's online backup copies a consistent snapshot even while others write."""
    try:
        with (
            contextlib.closing(sqlite3.connect(source)) as src,
            contextlib.closing(sqlite3.connect(tmp)) as dst,
        ):
            src.backup(dst)
            problem = dst.execute("PRAGMA integrity_check").fetchone()[0]
    except sqlite3.Error as exc:
        raise BackupError(f"SQLite backup failed: {exc}") from exc
    if problem != "ok":
        raise BackupError(f"the copy failed its integrity check: {problem}")


def _pg_dump(pg_dump: str, url: str, tmp: Path) -> None:
    """``pg_dump`` runs in one repeatable-read transaction: a consistent snapshot."""
    proc = subprocess.run(
        [pg_dump, "--format=custom", "--no-password", f"--file={tmp}", url],
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
        raise BackupError("pg_dump failed: " + (lines[-1] if lines else f"exit {proc.returncode}"))


# Folders of the instance that hold files the database points at: telemetry of runs, the
# issued certificates' PDFs, the logo and signature images. Never the secret key (a restored
# installation can make a new one; only open sessions end) and never the live database files.
STORED_FOLDERS = ("runs", "certificates", "branding")


def backup_installation(
    database_url: str, instance_path: Path, target: Path, *, overwrite: bool = False,
    runs_folder: Path | None = None,
) -> tuple[Path, int]:  # fmt: skip
    """A ``.tar.gz`` with the database copy (``database.sqlite`` or ``database.dump``) and the
    stored files; returns the archive and the number of stored files in it.

    The database is copied first, then the files. Stored files are written before the rows
    that name them are committed and are never changed or deleted afterwards, so every file
    the copied database refers to already exists when the files are collected.
    """
    target = Path(target).expanduser().resolve()
    _check_target(target, overwrite)
    backend = make_url(database_url).get_backend_name()
    member = "database.sqlite" if backend == "sqlite" else "database.dump"
    folders = {name: Path(instance_path) / name for name in STORED_FOLDERS}
    if runs_folder is not None:
        folders["runs"] = Path(runs_folder)
    counted = 0

    def write(tmp: Path) -> None:
        nonlocal counted
        with tempfile.TemporaryDirectory(dir=target.parent, prefix=".isdc-backup-") as work:
            database = backup_database(database_url, Path(work) / member)
            with tarfile.open(tmp, "w:gz") as archive:
                archive.add(database, arcname=member)
                for name, folder in folders.items():
                    for path in sorted(folder.rglob("*")) if folder.is_dir() else ():
                        if path.is_file() and not path.name.endswith(".tmp"):
                            archive.add(path, arcname=f"{name}/{path.relative_to(folder)}")
                            counted += 1

    _write_atomically(target, write)
    return target, counted
