"""The station's outbox: runs wait here, on disk, until the server has acknowledged them.

A run is written to the outbox atomically (temporary name, then rename) before any upload is
tried, and deleted only after the server answered 201 or 200. A file the server refused for
good (a 4xx that no retry can fix: 403, 409, 413, 422) moves to ``rejected/`` with a text file
giving the reason, so it is neither retried forever nor lost.
"""

from __future__ import annotations

import os
import re
import shutil
from datetime import UTC, datetime
from pathlib import Path

from isdc import telemetry

_TEMPORARY = re.compile(r"^\..*\.tmp$")


def default_folder() -> Path:
    """``$ISDC_OUTBOX``, else the user's data folder (``~/.local/share/isdc/outbox``)."""
    if folder := os.environ.get("ISDC_OUTBOX"):
        return Path(folder)
    data = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data) / "isdc" / "outbox"


class Outbox:
    """A folder of telemetry files waiting for upload (and ``rejected/`` beside them)."""

    def __init__(self, folder: str | os.PathLike[str]):
        self.folder = Path(folder)
        self.rejected_folder = self.folder / "rejected"

    def ensure(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)

    def path_for(self, run_id: str) -> Path:
        return self.folder / f"{run_id}{telemetry.SUFFIX}"

    def put(self, run_id: str, data: bytes) -> Path:
        """Keep a run's file (atomically) until it is acknowledged."""
        return telemetry.write_bytes_atomic(self.path_for(run_id), data)

    def add(self, source: str | os.PathLike[str]) -> Path:
        """Take a copy of an existing telemetry file (named by its run UUID) into the outbox."""
        data = Path(source).read_bytes()
        run_id = telemetry.read(data).run_id
        target = self.path_for(run_id)
        if Path(source).resolve() == target.resolve():
            return target
        return self.put(run_id, data)

    def pending(self) -> list[Path]:
        """Files waiting, oldest first (a half-written temporary file is never listed)."""
        if not self.folder.is_dir():
            return []
        files = [
            p
            for p in self.folder.iterdir()
            if p.is_file() and p.name.endswith(telemetry.SUFFIX) and not _TEMPORARY.match(p.name)
        ]
        return sorted(files, key=lambda p: (p.stat().st_mtime, p.name))

    def acknowledge(self, path: Path) -> None:
        """The server has the run: the local copy may go."""
        path.unlink(missing_ok=True)

    def reject(self, path: Path, reason: str) -> Path:
        """Move a file the server will never accept aside, with the reason next to it."""
        self.rejected_folder.mkdir(parents=True, exist_ok=True)
        target = self.rejected_folder / path.name
        stamp = datetime.now(UTC).isoformat(timespec="seconds")
        note = f"{stamp} rejected by the server: {reason}\n"
        telemetry.write_bytes_atomic(target.with_name(target.name + ".reason.txt"), note.encode())
        shutil.move(str(path), target)
        return target

    def rejected(self) -> list[Path]:
        if not self.rejected_folder.is_dir():
            return []
        return sorted(
            p for p in self.rejected_folder.iterdir() if p.name.endswith(telemetry.SUFFIX)
        )
