"""The certificate typeface (bundled Noto Serif subset): metrics, embedding and text fitting.

The fonts ship inside the package so a certificate looks the same on every server and names
in Latin Extended, Vietnamese, Greek and Cyrillic print. Each PDF embeds a subset: all printable
ASCII plus the other characters the page uses. Subsets are made with reportlab's TrueType
subsetter and cached, so certificates whose text is all ASCII (most) reuse one ready stream.
"""

from __future__ import annotations

import hashlib
import threading
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from isdc.certificates.pdfobjects import PdfObjects, flate_stream_body, pdf_number

FONT_DIR = Path(__file__).resolve().parent / "fonts"
REGULAR = "ISDCSerif"
BOLD = "ISDCSerif-Bold"
ITALIC = "ISDCSerif-Italic"
MONO_BOLD = "Courier-Bold"  # codes are ASCII: a built-in font, nothing to embed
_FILES = {
    REGULAR: "NotoSerif-Regular.ttf",
    BOLD: "NotoSerif-Bold.ttf",
    ITALIC: "NotoSerif-Italic.ttf",
}
_lock = threading.RLock()
_registered = False


class UnprintableText(ValueError):
    """Text holds characters the certificate font has no glyph for."""


def register_fonts() -> None:
    """Register the certificate fonts with reportlab (once per process, thread-safe)."""
    global _registered
    if _registered:
        return
    with _lock:
        if _registered:
            return
        for name, file_name in _FILES.items():
            pdfmetrics.registerFont(TTFont(name, str(FONT_DIR / file_name)))
        addMapping(REGULAR, 0, 0, REGULAR)
        addMapping(REGULAR, 1, 0, BOLD)
        addMapping(REGULAR, 0, 1, ITALIC)
        addMapping(REGULAR, 1, 1, BOLD)
        _registered = True


def clean_text(text: str) -> str:
    """``text`` in NFC with runs of white space made single spaces (names arrive in any form)."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def unprintable_characters(text: str) -> list[str]:
    """The distinct characters of ``text`` (after :func:`clean_text`) the fonts cannot draw.

    Call this where names are entered, so a name the certificate cannot print is caught then.
    """
    register_fonts()
    covered = pdfmetrics.getFont(REGULAR).face.charToGlyph
    seen: list[str] = []
    for ch in clean_text(text):
        if ord(ch) not in covered and ch not in seen:
            seen.append(ch)
    return seen


def require_printable(label: str, text: str) -> str:
    """``clean_text(text)``, or UnprintableText naming the field and the characters."""
    cleaned = clean_text(text)
    missing = unprintable_characters(cleaned)
    if missing:
        shown = " ".join(f"{ch!r} (U+{ord(ch):04X})" for ch in missing)
        raise UnprintableText(f"the {label} has characters the certificate cannot print: {shown}")
    return cleaned


def text_width(text: str, font: str, size: float) -> float:
    """Width in points of ``text`` set in ``font`` at ``size``."""
    return _unit_width(text, font) * size


@lru_cache(maxsize=4096)
def _unit_width(text: str, font: str) -> float:
    # Labels and dates repeat on every certificate; measure each string once.
    return pdfmetrics.stringWidth(text, font, 1.0)


def fit_size(text: str, font: str, size: float, max_width: float) -> float:
    """``size``, or the smaller size at which ``text`` fits ``max_width`` on one line."""
    width = text_width(text, font, size)
    return size if width <= max_width else size * max_width / width


def balanced_two_lines(text: str) -> list[str]:
    """Split ``text`` at the space that makes its two halves most even (for titles and names)."""
    words = text.split(" ")
    if len(words) < 2:
        return [text]
    best = min(
        range(1, len(words)),
        key=lambda i: abs(len(" ".join(words[:i])) - len(" ".join(words[i:]))),
    )
    return [" ".join(words[:best]), " ".join(words[best:])]


# ----------------------------------------------------------------------------- embedding

ASCII = "".join(chr(c) for c in range(32, 127))
# Byte codes for characters outside printable ASCII: 1-31, then 127-255 (0 stays .notdef).
_EXTRA_CODES = [*range(1, 32), *range(127, 256)]


@dataclass(frozen=True)
class EmbeddedFont:
    """A font ready to be written into a PDF, and how to encode text for it."""

    codes: dict[str, int]
    objects: tuple[bytes, ...]  # font file, ToUnicode CMap, descriptor and font bodies

    def encode(self, text: str) -> bytes:
        codes = self.codes
        return bytes(codes[ch] for ch in text)

    def add_to(self, pdf: PdfObjects) -> int:
        """Write the font's objects; returns the number of the font dictionary."""
        font_file, to_unicode, descriptor, font = self.objects
        file_ref = pdf.add(font_file)
        cmap_ref = pdf.add(to_unicode)
        descriptor_ref = pdf.add(descriptor.replace(b"{FONTFILE}", b"%d" % file_ref))
        return pdf.add(
            font.replace(b"{DESCRIPTOR}", b"%d" % descriptor_ref).replace(
                b"{TOUNICODE}", b"%d" % cmap_ref
            )
        )


STANDARD_FONTS = {MONO_BOLD}


def embedded_font(font: str, characters: set[str]) -> EmbeddedFont:
    """The font's subset for a page using ``characters`` (cached on the non-ASCII ones)."""
    register_fonts()
    extra = frozenset(ch for ch in characters if not (" " <= ch <= "~"))
    if font in STANDARD_FONTS:
        if extra:
            raise UnprintableText(f"{font} is only used for ASCII text, not {sorted(extra)}")
        return _standard_font(font)
    return _subset_font(font, extra)


@lru_cache(maxsize=8)
def _standard_font(font: str) -> EmbeddedFont:
    body = f"<< /Type /Font /Subtype /Type1 /BaseFont /{font} /Encoding /WinAnsiEncoding >>"
    return EmbeddedFont(
        codes={ch: ord(ch) for ch in ASCII},
        objects=(b"", b"", b"", body.encode("latin-1")),
    )


@lru_cache(maxsize=256)
def _subset_font(font: str, extra: frozenset[str]) -> EmbeddedFont:
    if len(extra) > len(_EXTRA_CODES):
        raise UnprintableText(f"a page may use at most {len(_EXTRA_CODES)} non-ASCII characters")
    codes = {ch: ord(ch) for ch in ASCII}
    for ch, code in zip(sorted(extra), _EXTRA_CODES, strict=False):
        codes[ch] = code
    by_code = {code: ord(ch) for ch, code in codes.items()}
    last = max(by_code)
    subset = [by_code.get(code, 0) for code in range(last + 1)]
    face = pdfmetrics.getFont(font).face
    with _lock:  # the subsetter reads the font file through one shared position
        program = face.makeSubset(subset)
    # A subset's name carries a six-letter tag; derive it from the content so it is stable.
    digest = hashlib.sha256(f"{font}{subset}".encode()).digest()
    tag = "".join(chr(65 + b % 26) for b in digest[:6])
    base_font = f"{tag}+{face.name.decode('latin-1')}"

    font_file = flate_stream_body(f"/Length1 {len(program)}", program, 9)
    cmap_lines = [
        "/CIDInit /ProcSet findresource begin",
        "12 dict begin",
        "begincmap",
        f"/CIDSystemInfo << /Registry ({tag}) /Ordering ({tag}) /Supplement 0 >> def",
        f"/CMapName /{tag} def",
        "/CMapType 2 def",
        "1 begincodespacerange",
        f"<00> <{last:02X}>",
        "endcodespacerange",
    ]
    mapped = sorted(by_code.items())
    for start in range(0, len(mapped), 100):  # a bfchar block holds at most 100 entries
        chunk = mapped[start : start + 100]
        cmap_lines.append(f"{len(chunk)} beginbfchar")
        cmap_lines.extend(f"<{code:02X}> <{cp:04X}>" for code, cp in chunk)
        cmap_lines.append("endbfchar")
    cmap_lines += ["endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]
    to_unicode = flate_stream_body("", "\n".join(cmap_lines).encode("latin-1"), 9)

    flags = (face.flags & ~32) | 4  # symbolic, as for every subset with its own encoding
    bbox = " ".join(pdf_number(v) for v in face.bbox)
    descriptor = (
        f"<< /Type /FontDescriptor /FontName /{base_font} /Flags {flags} /FontBBox [{bbox}] "
        f"/ItalicAngle {pdf_number(face.italicAngle)} /Ascent {pdf_number(face.ascent)} "
        f"/Descent {pdf_number(face.descent)} /CapHeight {pdf_number(face.capHeight)} "
        f"/StemV {face.stemV} /MissingWidth {pdf_number(face.defaultWidth or 0)} "
        f"/FontFile2 {{FONTFILE}} 0 R >>"
    )
    widths = " ".join(pdf_number(round(face.getCharWidth(cp), 1)) for cp in subset)
    font_dict = (
        f"<< /Type /Font /Subtype /TrueType /BaseFont /{base_font} /FirstChar 0 "
        f"/LastChar {last} /Widths [{widths}] /FontDescriptor {{DESCRIPTOR}} 0 R "
        f"/ToUnicode {{TOUNICODE}} 0 R >>"
    )
    return EmbeddedFont(
        codes=codes,
        objects=(font_file, to_unicode, descriptor.encode("latin-1"), font_dict.encode("latin-1")),
    )
