"""A small, deterministic PDF 1.4 file writer: numbered objects, streams, xref table, trailer.

The certificate is a single page built from parts that are mostly the same for every holder
(fonts, frame, logo, signature), so those parts are serialised once per process and copied into
each file. reportlab's general document machinery re-serialises them for every certificate
and costs several times more than the whole certificate drawn here (see docs/certificates.md).
"""

from __future__ import annotations

import zlib
from datetime import datetime
from hashlib import md5

HEADER = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"  # the binary comment tells transfer tools "binary file"


def pdf_number(value: float) -> str:
    """A number as PDF writes it: integers bare, others with at most three decimals."""
    if value == int(value):
        return str(int(value))
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def pdf_name(name: str) -> str:
    """A PDF name object for a plain ASCII name (letters, digits, - + . _)."""
    if not name or any(not (ch.isascii() and (ch.isalnum() or ch in "-+._")) for ch in name):
        raise ValueError(f"not a plain PDF name: {name!r}")
    return "/" + name


def pdf_text(text: str) -> str:
    """A PDF text string: literal when printable ASCII, else UTF-16BE with a byte-order mark."""
    if all(32 <= ord(ch) < 127 for ch in text):
        escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        return f"({escaped})"
    return "<FEFF" + text.encode("utf-16-be").hex().upper() + ">"


def pdf_date(moment: datetime) -> str:
    """``D:YYYYMMDDHHmmSS+HH'mm'`` for an aware datetime."""
    offset = moment.utcoffset()
    if offset is None:
        raise ValueError("PDF dates need a time zone")
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    hh, mm = divmod(abs(minutes), 60)
    return f"(D:{moment:%Y%m%d%H%M%S}{sign}{hh:02d}'{mm:02d}')"


def stream_body(dictionary: str, data: bytes) -> bytes:
    """A stream object's body; ``dictionary`` is the inside of << >> without /Length."""
    return b"".join(
        (
            f"<< {dictionary} /Length {len(data)} >>\nstream\n".encode("latin-1"),
            data,
            b"\nendstream",
        )
    )


def flate_stream_body(dictionary: str, data: bytes, level: int = 6) -> bytes:
    """A stream body deflated with zlib (/FlateDecode)."""
    return stream_body(f"/Filter /FlateDecode {dictionary}".strip(), zlib.compress(data, level))


class PdfObjects:
    """Collects numbered indirect objects and writes them as one PDF file."""

    def __init__(self) -> None:
        self._bodies: list[bytes | None] = []

    def reserve(self) -> int:
        """A number for an object whose body is given later with :meth:`put`."""
        self._bodies.append(None)
        return len(self._bodies)

    def put(self, number: int, body: bytes | str) -> None:
        self._bodies[number - 1] = body.encode("latin-1") if isinstance(body, str) else body

    def add(self, body: bytes | str) -> int:
        number = self.reserve()
        self.put(number, body)
        return number

    def to_bytes(self, root: int, info: int) -> bytes:
        """The file: header, objects, cross-reference table and trailer.

        The file identifier is a digest of the objects, so equal input gives equal bytes.
        """
        parts = [HEADER]
        offsets = []
        position = len(HEADER)
        digest = md5(usedforsecurity=False)
        for number, body in enumerate(self._bodies, start=1):
            if body is None:
                raise ValueError(f"object {number} was reserved but never written")
            chunk = b"%d 0 obj\n%b\nendobj\n" % (number, body)
            offsets.append(position)
            position += len(chunk)
            parts.append(chunk)
            digest.update(chunk)
        file_id = digest.hexdigest().upper()
        size = len(self._bodies) + 1
        xref = ["xref", f"0 {size}", "0000000000 65535 f "]
        xref.extend(f"{offset:010d} 00000 n " for offset in offsets)
        trailer = (
            f"trailer\n<< /Size {size} /Root {root} 0 R /Info {info} 0 R "
            f"/ID [<{file_id}> <{file_id}>] >>\nstartxref\n{position}\n%%EOF\n"
        )
        parts.append(("\n".join(xref) + "\n" + trailer).encode("latin-1"))
        return b"".join(parts)
