"""Where run telemetry lives: ``<instance>/runs/YYYY/MM/<run uuid>-<sha256 prefix>.isdc.npz``.

Files are written to a temporary name and renamed, so a reader never sees half a file. The
name carries a prefix of the content's SHA-256: two uploads racing with the same run UUID but
different content can never overwrite each other's file, and the loser's file is removed.
Paths in the database are relative to the runs folder, so an installation can move.
"""

from __future__ import annotations

import contextlib
import hashlib
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from isdc import telemetry


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class StoredFile:
    relative_path: str
    sha256: str
    size: int


class RunStore:
    """The runs folder of one installation."""

    def __init__(self, root: str | Path):
        self.root = Path(root)

    def relative_path(self, run_id: uuid.UUID, received: datetime, sha256: str) -> str:
        return f"{received:%Y}/{received:%m}/{run_id}-{sha256[:16]}{telemetry.SUFFIX}"

    def path(self, relative_path: str) -> Path:
        path = (self.root / relative_path).resolve()
        if not path.is_relative_to(self.root.resolve()):  # a tampered row must not read /etc
            raise ValueError(f"run file path {relative_path!r} leaves the runs folder")
        return path

    def save(self, run_id: uuid.UUID, received: datetime, data: bytes) -> StoredFile:
        """Write the file atomically; an identical file already there is simply replaced."""
        digest = sha256_of(data)
        relative = self.relative_path(run_id, received, digest)
        telemetry.write_bytes_atomic(self.path(relative), data)
        return StoredFile(relative, digest, len(data))

    def read(self, relative_path: str) -> bytes:
        return self.path(relative_path).read_bytes()

    def discard(self, relative_path: str) -> None:
        """Remove a file nothing refers to (best effort: a leftover file harms nothing)."""
        with contextlib.suppress(OSError, ValueError):
            self.path(relative_path).unlink()
