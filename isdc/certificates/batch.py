"""Batch printing: one PDF of many stored certificates, or a ZIP of them with safe file names.

The batch is made from the STORED bytes of each certificate (never re-rendered), so what is
printed is exactly what was issued. Certificates made by this package are concatenated by a
small object copier (about 100x faster than pypdf, and it stores the fonts, logo and signature
they share once); any other PDF (an older or foreign one) makes the whole batch go through pypdf.
"""

from __future__ import annotations

import io
import os
import re
import tempfile
import unicodedata
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from isdc.certificates.pdfobjects import PdfObjects, pdf_text

MAX_HOLDER_CHARS = 80
MAX_HOLDER_BYTES = 160


@dataclass(frozen=True)
class StoredCertificate:
    """A certificate as stored at issue: its serial, holder's name and PDF bytes."""

    serial: str
    holder_name: str
    pdf: bytes
    issued: date | None = None  # dates the file inside a ZIP; None: 1 January 1980


class BatchError(ValueError):
    """A batch cannot be made; the message says why (and names the certificate at fault)."""


# ----------------------------------------------------------------------------- file names

_APOSTROPHES = "'\u2019\u02bc\u2018`\u00b4"


def _holder_part(holder_name: str) -> str:
    name = unicodedata.normalize("NFC", holder_name)
    name = "".join(ch for ch in name if ch not in _APOSTROPHES)
    out = []
    for ch in name:
        # Letters, marks and digits of any script stay; everything else (spaces, slashes,
        # dots, control and format characters) becomes a separator.
        if unicodedata.category(ch)[0] in "LMN" or ch == "-":
            out.append(ch)
        else:
            out.append("_")
    part = re.sub(r"_+", "_", "".join(out)).strip("_-")
    # File systems allow 255 bytes per name; leave room for the serial and a counter.
    if len(part) > MAX_HOLDER_CHARS or len(part.encode("utf-8")) > MAX_HOLDER_BYTES:
        part = part[:MAX_HOLDER_CHARS]
        while len(part.encode("utf-8")) > MAX_HOLDER_BYTES:
            part = part[:-1]
        while part and unicodedata.category(part[-1])[0] == "M":
            part = part[:-1]  # never cut between a letter and its accent
        part = part.rstrip("_-")
    return part


def safe_file_name(serial: str, holder_name: str) -> str:
    """``ISDC-2026-DD-01-00042_Siti_Nurhaliza.pdf``: no path separators, no dot-dot, no
    control characters, letters of any script kept in NFC."""
    serial_part = re.sub(r"[^A-Za-z0-9.\-]+", "-", serial.strip().replace("/", "-")).strip(".-")
    serial_part = re.sub(r"\.{2,}", ".", serial_part) or "sertifikat"
    holder = _holder_part(holder_name)
    return f"{serial_part}_{holder}.pdf" if holder else f"{serial_part}.pdf"


def unique_file_names(certificates: Iterable[StoredCertificate]) -> list[str]:
    """A safe, distinct file name per certificate, in order.

    Names are compared without regard to case, as Windows and macOS file systems do; a
    repeated name gets ``_2``, ``_3``, ... before ``.pdf``.
    """
    taken: set[str] = set()
    names = []
    for certificate in certificates:
        name = safe_file_name(certificate.serial, certificate.holder_name)
        stem = name.removesuffix(".pdf")
        candidate, counter = name, 1
        while candidate.casefold() in taken:
            counter += 1
            candidate = f"{stem}_{counter}.pdf"
        taken.add(candidate.casefold())
        names.append(candidate)
    return names


# ----------------------------------------------------------------------------- writing files


def write_atomically(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename, so
    the path holds either the old file or the whole new one, never half of it."""
    target = Path(path)
    if not target.parent.is_dir():
        raise BatchError(f"the folder {str(target.parent)!r} does not exist")
    handle, temporary = tempfile.mkstemp(
        dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"
    )
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    try:  # make the rename itself durable
        folder = os.open(target.parent, os.O_RDONLY)
    except OSError:
        return target
    try:
        os.fsync(folder)
    except OSError:
        pass
    finally:
        os.close(folder)
    return target


def batch_zip(certificates: Sequence[StoredCertificate]) -> bytes:
    """A ZIP with one PDF per certificate, named by serial and holder (see safe_file_name)."""
    if not certificates:
        raise BatchError("there are no certificates to put in the ZIP")
    buffer = io.BytesIO()
    # PDFs are already compressed inside; storing them is as small and much faster.
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for certificate, name in zip(certificates, unique_file_names(certificates), strict=True):
            _check_pdf(certificate)
            when = certificate.issued
            stamp = (when.year, when.month, when.day, 0, 0, 0) if when else (1980, 1, 1, 0, 0, 0)
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.external_attr = 0o644 << 16
            archive.writestr(info, certificate.pdf)
    return buffer.getvalue()


def write_batch_zip(
    path: str | os.PathLike[str], certificates: Sequence[StoredCertificate]
) -> Path:
    return write_atomically(path, batch_zip(certificates))


def write_batch_pdf(
    path: str | os.PathLike[str], certificates: Sequence[StoredCertificate], title: str = ""
) -> Path:
    return write_atomically(path, batch_pdf(certificates, title))


def _check_pdf(certificate: StoredCertificate) -> None:
    if not certificate.pdf.startswith(b"%PDF-") or b"%%EOF" not in certificate.pdf[-1024:]:
        raise BatchError(f"the stored file of certificate {certificate.serial} is not a whole PDF")


# ----------------------------------------------------------------------------- one PDF


def batch_pdf(certificates: Sequence[StoredCertificate], title: str = "") -> bytes:
    """One PDF with every page of every certificate, in the order given."""
    if not certificates:
        raise BatchError("there are no certificates to print")
    for certificate in certificates:
        _check_pdf(certificate)
    try:
        return _concatenate(certificates, title)
    except _NotSimple:
        return _concatenate_with_pypdf(certificates, title)


class _NotSimple(Exception):
    """The PDF is not in the plain form this package writes (so pypdf takes over)."""


_REF = re.compile(rb"(\d+)\s+(\d+)\s+R\b")
_OBJ = re.compile(rb"(\d+)\s+(\d+)\s+obj\b\s*")
_STREAM = re.compile(rb"stream\r?\n")
_LENGTH = re.compile(rb"/Length\s+(\d+)(?:\s+(\d+)\s+R)?")
_PARENT = re.compile(rb"/Parent\s+\d+\s+\d+\s+R")


class _Source:
    """Objects of a single-revision PDF with a classic cross-reference table."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        tail = data[-1024:]
        match = re.search(rb"startxref\s+(\d+)\s+%%EOF\s*$", tail)
        if not match:
            raise _NotSimple("no startxref")
        position = int(match.group(1))
        if not data.startswith(b"xref", position):
            raise _NotSimple("cross-reference stream")
        trailer_at = data.find(b"trailer", position)
        if trailer_at < 0:
            raise _NotSimple("no trailer")
        self.offsets: dict[int, int] = {}
        lines = data[position + 4 : trailer_at].split()
        try:
            i = 0
            while i < len(lines):
                first, count = int(lines[i]), int(lines[i + 1])
                i += 2
                for number in range(first, first + count):
                    offset, _generation, kind = lines[i : i + 3]
                    i += 3
                    if kind == b"n":
                        self.offsets[number] = int(offset)
        except (ValueError, IndexError) as exc:
            raise _NotSimple("damaged cross-reference table") from exc
        trailer = data[trailer_at : data.find(b"startxref", trailer_at)]
        if re.search(rb"/(Prev|XRefStm|Encrypt)\b", trailer):
            raise _NotSimple("incremental update, hybrid file or encryption")
        root = re.search(rb"/Root\s+(\d+)\s+\d+\s+R", trailer)
        if not root:
            raise _NotSimple("no root")
        catalog, _ = self.object(int(root.group(1)))
        pages = re.search(rb"/Pages\s+(\d+)\s+\d+\s+R", catalog)
        if not pages:
            raise _NotSimple("no page tree")
        tree, _ = self.object(int(pages.group(1)))
        kids = re.search(rb"/Kids\s*\[([^\]]*)\]", tree)
        # Only a flat page tree that passes nothing down to its pages is copied directly.
        if not kids or re.search(rb"/(Resources|MediaBox|CropBox|Rotate)\b", tree):
            raise _NotSimple("nested or inheriting page tree")
        self.pages = [int(m.group(1)) for m in _REF.finditer(kids.group(1))]

    def object(self, number: int) -> tuple[bytes, bytes | None]:
        """(the object's text without any stream, its raw stream data or None)."""
        offset = self.offsets.get(number)
        if offset is None:
            raise _NotSimple(f"object {number} missing")
        header = _OBJ.match(self.data, offset)
        if not header or int(header.group(1)) != number:
            raise _NotSimple(f"object {number} not at its offset")
        start = header.end()
        end = self.data.find(b"endobj", start)
        if end < 0:
            raise _NotSimple("no endobj")
        stream = _STREAM.search(self.data, start, end)
        if stream is None:
            return self.data[start:end].rstrip(), None
        text = self.data[start : stream.start()].rstrip()
        length = _LENGTH.search(text)
        if not length or length.group(2) is not None:
            raise _NotSimple("stream length missing or indirect")
        data_end = stream.end() + int(length.group(1))
        if not self.data[data_end : data_end + 12].lstrip(b"\r\n").startswith(b"endstream"):
            raise _NotSimple("stream length wrong")
        if data_end > end:  # "endobj" occurred inside the stream's data: look after it
            end = self.data.find(b"endobj", data_end)
        return text, self.data[stream.end() : data_end]


def _concatenate(certificates: Sequence[StoredCertificate], title: str) -> bytes:
    pdf = PdfObjects()
    catalog = pdf.reserve()
    pages = pdf.reserve()
    shared: dict[bytes, int] = {}  # identical objects (fonts, logo, forms) are written once
    kids: list[int] = []
    for certificate in certificates:
        source = _Source(certificate.pdf)
        copied: dict[int, int] = {}

        def copy(
            number: int,
            path: frozenset[int],
            source: _Source = source,
            copied: dict[int, int] = copied,
        ) -> int:
            if number in copied:
                return copied[number]
            if number in path:
                raise _NotSimple("reference cycle")
            text, stream = source.object(number)
            if b"(" in text or b"/Parent" in text:
                raise _NotSimple("strings or tree links outside pages")
            inner = path | {number}
            text = _REF.sub(lambda m: b"%d 0 R" % copy(int(m.group(1)), inner), text)
            body = text if stream is None else b"%b\nstream\n%b\nendstream" % (text, stream)
            new = shared.get(body)
            if new is None:
                new = pdf.add(body)
                shared[body] = new
            copied[number] = new
            return new

        for page in source.pages:
            text, stream = source.object(page)
            if stream is not None or not re.search(rb"/Type\s*/Page\b", text):
                raise _NotSimple("page tree leaf is not a page")
            if b"/MediaBox" not in text or b"/Resources" not in text:
                raise _NotSimple("page inherits attributes")
            if b"(" in text:
                raise _NotSimple("strings in page")
            text = _PARENT.sub(b"", text)
            page_path = frozenset({page})
            text = _REF.sub(lambda m, path=page_path: b"%d 0 R" % copy(int(m.group(1)), path), text)
            kids.append(pdf.add(text.replace(b"<<", b"<< /Parent %d 0 R" % pages, 1)))
    pdf.put(
        pages, f"<< /Type /Pages /Kids [{' '.join(f'{k} 0 R' for k in kids)}] /Count {len(kids)} >>"
    )
    pdf.put(catalog, f"<< /Type /Catalog /Pages {pages} 0 R /Lang (id-ID) >>")
    info = pdf.add(
        f"<< /Title {pdf_text(title or 'Sertifikat / Certificates')} /Producer (ISDC Suite certificates) >>"
    )
    return pdf.to_bytes(catalog, info)


def _concatenate_with_pypdf(certificates: Sequence[StoredCertificate], title: str) -> bytes:
    from pypdf import PdfReader, PdfWriter  # only needed for PDFs this package did not write
    from pypdf.errors import PyPdfError

    writer = PdfWriter()
    for certificate in certificates:
        try:
            writer.append(PdfReader(io.BytesIO(certificate.pdf), strict=False))
        except (PyPdfError, ValueError, KeyError, TypeError) as exc:
            raise BatchError(
                f"the stored PDF of certificate {certificate.serial} cannot be read: {exc}"
            ) from exc
    writer.add_metadata(
        {"/Title": title or "Sertifikat / Certificates", "/Producer": "ISDC Suite certificates"}
    )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
