"""The certificate PDF: a pure function from :class:`CertificateData` to PDF bytes.

A4 landscape, Bahasa Indonesia first and prominent with English beside it (Perpres 63/2019).
The same data always gives the same bytes (no clock, no randomness), but the bytes are meant to
be made ONCE, at issue, stored, and served unchanged for ever (docs/certificates.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta, timezone

from reportlab.lib.colors import Color
from reportlab.lib.pagesizes import A4, landscape

from isdc.certificates import fonts, images, ornament, qr
from isdc.certificates.codes import MalformedCode, normalise
from isdc.certificates.content import Content
from isdc.certificates.dates import format_date, format_date_range, format_hours
from isdc.certificates.ornament import GOLD, GREY, INK, NAVY
from isdc.certificates.pdfobjects import (
    PdfObjects,
    flate_stream_body,
    pdf_date,
    pdf_number,
    pdf_text,
)
from isdc.certificates.serials import SerialError, parse_serial
from isdc.version import __version__

PAGE_WIDTH, PAGE_HEIGHT = landscape(A4)
WIB = timezone(timedelta(hours=7), "WIB")  # ISDC Serpong keeps Western Indonesian Time

MAX_NAME = 100
MAX_TITLE = 160
MAX_RESULT_LINES = 5
MAX_RESULT_LINE = 150


class CertificateDataError(ValueError):
    """The data cannot make a correct certificate; the message names the field and the problem."""


@dataclass(frozen=True)
class CertificateData:
    """Everything printed on one certificate, as plain values (no database objects)."""

    holder_name: str
    birth_date: date | None
    course_title_id: str
    course_title_en: str
    course_code: str
    session_start: date
    session_end: date
    hours: float
    issued: date
    valid_until: date | None  # None: the certificate does not expire
    serial: str
    verification_code: str
    verification_url: str
    signatory_name: str
    signatory_title: str  # in Indonesian, e.g. "Kepala Indonesia Safety Driving Center"
    centre_name: str
    centre_address: str = ""
    results: Sequence[str] = field(default_factory=tuple)  # short bilingual summary lines
    signatory_title_en: str = ""
    place_of_issue: str = ""  # e.g. "Serpong", printed before the date above the signature
    signature_image: images.ImageSource | None = None  # PNG/JPEG path or bytes
    logo_image: images.ImageSource | None = None  # PNG/JPEG path or bytes; None: default mark
    replaces_serial: str | None = None  # set when this certificate reissues another


# --------------------------------------------------------------------------- checking input


def _text(label: str, value: str, limit: int, required: bool = True) -> str:
    try:
        cleaned = fonts.require_printable(label, value)
    except fonts.UnprintableText as exc:
        raise CertificateDataError(str(exc)) from exc
    if required and not cleaned:
        raise CertificateDataError(f"the {label} is empty")
    if len(cleaned) > limit:
        raise CertificateDataError(
            f"the {label} has {len(cleaned)} characters; at most {limit} fit on a certificate"
        )
    return cleaned


def checked(data: CertificateData) -> CertificateData:
    """``data`` with text cleaned (NFC, single spaces), or CertificateDataError saying what is wrong."""
    try:
        code = normalise(data.verification_code)
    except MalformedCode as exc:
        raise CertificateDataError(f"the verification code is malformed: {exc}") from exc
    if not data.verification_url.startswith(("https://", "http://")):
        raise CertificateDataError("the verification URL must start with https:// or http://")
    if not data.verification_url.rstrip("/").endswith(code):
        # The QR code must lead to this certificate and no other.
        raise CertificateDataError(
            f"the verification URL {data.verification_url!r} does not end with the code {code}"
        )
    try:
        parsed = parse_serial(data.serial)
        replaces = str(parse_serial(data.replaces_serial)) if data.replaces_serial else None
    except SerialError as exc:
        raise CertificateDataError(str(exc)) from exc
    serial = str(parsed)
    if parsed.year != data.issued.year:
        raise CertificateDataError(
            f"the serial {serial} is not of the issue year {data.issued.year}"
        )
    if parsed.course_code != data.course_code.strip().upper():
        raise CertificateDataError(f"the serial {serial} is not of the course {data.course_code}")
    if replaces == serial:
        raise CertificateDataError("a certificate cannot replace itself")
    if data.session_end < data.session_start:
        raise CertificateDataError(
            f"the session ends ({data.session_end}) before it starts ({data.session_start})"
        )
    if data.issued < data.session_end:
        raise CertificateDataError(
            f"the certificate would be issued ({data.issued}) before the session ends ({data.session_end})"
        )
    if data.valid_until is not None and data.valid_until <= data.issued:
        raise CertificateDataError(
            f"the certificate would be valid until {data.valid_until}, not after its issue date {data.issued}"
        )
    if data.birth_date is not None and data.birth_date >= data.session_start:
        raise CertificateDataError(f"the birth date {data.birth_date} is not before the session")
    if not 0 < data.hours <= 10_000:
        raise CertificateDataError(f"the course hours must be more than 0, not {data.hours}")
    if isinstance(data.results, str):
        raise CertificateDataError("the results must be a list of lines, not one string")
    if len(data.results) > MAX_RESULT_LINES:
        raise CertificateDataError(
            f"{len(data.results)} result lines given; at most {MAX_RESULT_LINES} fit"
        )
    return replace(
        data,
        holder_name=_text("holder's name", data.holder_name, MAX_NAME),
        course_title_id=_text("Indonesian course title", data.course_title_id, MAX_TITLE),
        course_title_en=_text("English course title", data.course_title_en, MAX_TITLE),
        course_code=_text("course code", data.course_code, 24),
        serial=serial,
        verification_code=code,
        verification_url=data.verification_url.strip(),
        signatory_name=_text("signatory's name", data.signatory_name, 80),
        signatory_title=_text("signatory's title", data.signatory_title, 120),
        signatory_title_en=_text("signatory's English title", data.signatory_title_en, 120, False),
        centre_name=_text("centre's name", data.centre_name, 90),
        centre_address=_text("centre's address", data.centre_address, 160, False),
        place_of_issue=_text("place of issue", data.place_of_issue, 40, False),
        results=tuple(
            _text(f"result line {i + 1}", line, MAX_RESULT_LINE)
            for i, line in enumerate(data.results)
        ),
        replaces_serial=replaces,
    )


# --------------------------------------------------------------------------- drawing helpers


@dataclass(frozen=True)
class Run:
    """A piece of one line of text in one font."""

    text: str
    font: str
    size: float
    colour: Color = INK
    tracking: float = 0.0  # extra space between letters, in points

    @property
    def width(self) -> float:
        return fonts.text_width(self.text, self.font, self.size) + self.tracking * max(
            0, len(self.text) - 1
        )


def draw_runs(content: Content, cx: float, y: float, runs: Sequence[Run]) -> float:
    """Draw runs side by side as one line centred on ``cx``; returns the line's width."""
    total = sum(r.width for r in runs)
    x = cx - total / 2
    colour = None
    for r in runs:
        if r.colour != colour:
            content.fill_colour(r.colour)
            colour = r.colour
        content.text(r.font, r.size, round(x, 2), round(y, 2), r.text, r.tracking)
        x += r.width
    return total


def fit_lines(text: str, font: str, size: float, max_width: float) -> tuple[list[str], float]:
    """Lines and size for a heading: one line if it fits at 75 % of ``size`` or more, else two
    balanced lines as large as fit (up to ``size``). Never wider than ``max_width``."""
    if fonts.text_width(text, font, size * 0.75) <= max_width:
        return [text], fonts.fit_size(text, font, size, max_width)
    lines = fonts.balanced_two_lines(text)  # one line still if it is a single word
    widest = max(fonts.text_width(line, font, size) for line in lines)
    return lines, size * min(1.0, max_width / widest)


@dataclass(frozen=True)
class Block:
    """A centred line in the flowing middle of the page."""

    runs: tuple[Run, ...]
    space_before: float
    rule_after: bool = False  # a gold rule under the line (the holder's name)

    @property
    def height(self) -> float:
        return max(r.size for r in self.runs) * 1.22


def _both(id_text: str, en_text: str) -> str:
    """The English form only where it differs (``27 November 2026`` is the same in both)."""
    return id_text if id_text == en_text else f"{id_text} / {en_text}"


def _middle_blocks(d: CertificateData, s: float, g: float, width: float) -> list[Block]:
    """The centred lines between header and footer, text scaled by ``s`` and gaps by ``g``."""
    blocks = [
        Block(
            (
                Run("Diberikan kepada", fonts.REGULAR, 11 * s),
                Run("  /  Awarded to", fonts.ITALIC, 9.5 * s, GREY),
            ),
            0,
        )
    ]
    name_lines, name_size = fit_lines(d.holder_name, fonts.BOLD, 27 * s, width)
    for i, line in enumerate(name_lines):
        blocks.append(
            Block(
                (Run(line, fonts.BOLD, name_size, NAVY),),
                6 * g if i == 0 else 0,
                rule_after=i == len(name_lines) - 1,
            )
        )
    if d.birth_date is not None:
        blocks.append(
            Block(
                (
                    Run("Tanggal lahir ", fonts.REGULAR, 9 * s, GREY),
                    Run(format_date(d.birth_date, "id"), fonts.REGULAR, 9 * s),
                    Run("   ·   Date of birth ", fonts.ITALIC, 8.5 * s, GREY),
                    Run(format_date(d.birth_date, "en"), fonts.ITALIC, 8.5 * s),
                ),
                9 * g,
            )
        )
    blocks.append(
        Block(
            (
                Run("telah menyelesaikan dengan baik pelatihan", fonts.REGULAR, 11 * s),
                Run("  /  has successfully completed the training", fonts.ITALIC, 9.5 * s, GREY),
            ),
            11 * g,
        )
    )
    title_lines, title_size = fit_lines(d.course_title_id, fonts.BOLD, 18 * s, width)
    for i, line in enumerate(title_lines):
        blocks.append(Block((Run(line, fonts.BOLD, title_size, NAVY),), 7 * g if i == 0 else 0))
    en_lines, en_size = fit_lines(d.course_title_en, fonts.ITALIC, 11.5 * s, width)
    for i, line in enumerate(en_lines):
        blocks.append(Block((Run(line, fonts.ITALIC, en_size, GREY),), 1 * g if i == 0 else 0))

    dates_id = format_date_range(d.session_start, d.session_end, "id")
    dates_en = format_date_range(d.session_start, d.session_end, "en")
    held_id = (
        f"dilaksanakan {dates_id}  ·  {format_hours(d.hours, 'id')}  ·  kode kursus {d.course_code}"
    )
    held_en = f"held {dates_en}  ·  {format_hours(d.hours, 'en')}  ·  course code {d.course_code}"
    held_id_size = fonts.fit_size(held_id, fonts.REGULAR, 9.5 * s, width)
    held_en_size = fonts.fit_size(held_en, fonts.ITALIC, 8.5 * s, width)
    blocks.append(Block((Run(held_id, fonts.REGULAR, held_id_size),), 8 * g))
    blocks.append(Block((Run(held_en, fonts.ITALIC, held_en_size, GREY),), 0.5 * g))
    for i, result in enumerate(d.results):
        lines, size = fit_lines(result, fonts.REGULAR, 8.5 * s, width)
        for j, line in enumerate(lines):
            gap = (8 * g if i == 0 else 0.5 * g) if j == 0 else 0
            blocks.append(Block((Run(line, fonts.REGULAR, size, INK),), gap))
    return blocks


def _layout_middle(d: CertificateData, top: float, bottom: float, width: float) -> list[Block]:
    """The middle lines, fitted between top and bottom: gaps close up first, then text shrinks
    (only as far as needed: a long name or title must not push anything off the page)."""
    room = top - bottom
    trials = [(1.0, g / 10) for g in range(10, 3, -1)] + [(s / 100, 0.4) for s in range(97, 29, -3)]
    for s, g in trials:
        blocks = _middle_blocks(d, s, g, width)
        if sum(b.space_before + b.height for b in blocks) <= room:
            return blocks
    return blocks


# --------------------------------------------------------------------------- the page


@dataclass
class _Page:
    """The page being drawn: its operators and the images it places."""

    content: Content = field(default_factory=Content)
    images: dict[str, images.PreparedImage] = field(default_factory=dict)

    def image(
        self, label: str, source: images.ImageSource, x: float, y: float, w: float, h: float
    ) -> None:
        prepared = images.prepare(label, source, w, h)
        resource = f"Im{len(self.images) + 1}"
        self.images[resource] = prepared
        images.place_image(self.content, resource, prepared, x, y, w, h)


def _draw_header(page: _Page, d: CertificateData) -> float:
    """Logo, centre, title and serial; returns the y below which the middle may start."""
    c = page.content
    cx = PAGE_WIDTH / 2
    top = PAGE_HEIGHT - 46
    logo_h = 58
    if d.logo_image is not None:
        page.image("logo", d.logo_image, cx - 90, top - logo_h, 180, logo_h)
    else:
        c.extend(ornament.default_mark(round(cx, 2), top - logo_h / 2, logo_h))
    y = top - logo_h - 15
    centre = d.centre_name.upper()
    size = fonts.fit_size(centre, fonts.BOLD, 11, 560 - 1.1 * len(centre))  # minus tracking
    draw_runs(c, cx, y, [Run(centre, fonts.BOLD, size, NAVY, tracking=1.1)])
    if d.centre_address:
        y -= 11
        size = fonts.fit_size(d.centre_address, fonts.REGULAR, 8, 560)
        draw_runs(c, cx, y, [Run(d.centre_address, fonts.REGULAR, size, GREY)])
    y -= 36
    draw_runs(c, cx, y, [Run("SERTIFIKAT", fonts.BOLD, 31, NAVY, tracking=7)])
    y -= 16
    draw_runs(c, cx, y, [Run("CERTIFICATE", fonts.ITALIC, 11, GREY, tracking=3.5)])
    y -= 9
    _ornamental_rule(c, cx, y, 80)
    y -= 15
    draw_runs(
        c,
        cx,
        y,
        [
            Run("Nomor", fonts.REGULAR, 9.5, GREY),
            Run(" / No.  ", fonts.ITALIC, 9, GREY),
            Run(d.serial, fonts.BOLD, 10, INK),
        ],
    )
    if d.replaces_serial:
        y -= 11
        draw_runs(
            c,
            cx,
            y,
            [
                Run("Menggantikan sertifikat ", fonts.REGULAR, 8, GREY),
                Run(d.replaces_serial, fonts.BOLD, 8, GREY),
                Run("  /  Replaces certificate ", fonts.ITALIC, 8, GREY),
                Run(d.replaces_serial, fonts.BOLD, 8, GREY),
            ],
        )
    return y - 12


def _ornamental_rule(c: Content, cx: float, y: float, half: float) -> None:
    c.save()
    c.stroke_colour(GOLD)
    c.fill_colour(GOLD)
    c.line_width(0.8)
    c.line(cx - half, y, cx - 6, y)
    c.line(cx + 6, y, cx + half, y)
    c.polygon(((cx, y - 3), (cx + 3.5, y), (cx, y + 3), (cx - 3.5, y)))
    c.restore()


def _draw_middle(c: Content, d: CertificateData, top: float, bottom: float) -> None:
    width = PAGE_WIDTH - 2 * 80
    blocks = _layout_middle(d, top, bottom, width)
    total = sum(b.space_before + b.height for b in blocks)
    y = top - max(0.0, (top - bottom - total) / 2)  # centre the flow in its space
    cx = PAGE_WIDTH / 2
    for block in blocks:
        y -= block.space_before + block.height
        line_width = draw_runs(c, cx, y + block.height * 0.24, block.runs)
        if block.rule_after:
            half = min(max(line_width / 2 + 24, 150), width / 2 + 20)
            c.save()
            c.stroke_colour(GOLD)
            c.line_width(0.7)
            c.line(cx - half, y + 1, cx + half, y + 1)
            c.restore()
            y -= 3


def _wrap_url(url: str, font: str, size: float, width: float) -> list[str]:
    """Break a URL after slashes so each piece fits (never inside the code)."""
    pieces = url.split("/")
    lines: list[str] = []
    current = ""
    for i, piece in enumerate(pieces):
        token = piece + ("/" if i < len(pieces) - 1 else "")
        if current and fonts.text_width(current + token, font, size) > width:
            lines.append(current)
            current = token
        else:
            current += token
    lines.append(current)
    return lines


def _draw_verification(c: Content, d: CertificateData) -> None:
    x, y, size = 52, 46, 96
    qr.draw_qr(c, d.verification_url, x, y, size)
    tx = x + size + 4
    c.fill_colour(NAVY)
    c.text(fonts.BOLD, 8, tx, 130, "Verifikasi keaslian")
    c.fill_colour(GREY)
    c.text(fonts.ITALIC, 7.5, tx, 120.5, "Verify authenticity")
    c.fill_colour(INK)
    c.text(fonts.MONO_BOLD, 10.5, tx, 104, d.verification_code)
    c.fill_colour(GREY)
    c.text(fonts.REGULAR, 6.8, tx, 91, "Pindai kode QR atau buka:")
    c.text(fonts.ITALIC, 6.5, tx, 82.5, "Scan the QR code or open:")
    c.fill_colour(INK)
    ty = 73.0
    for line in _wrap_url(d.verification_url, fonts.REGULAR, 6.5, 175)[:4]:
        c.text(fonts.REGULAR, 6.5, tx, ty, line)
        ty -= 8


def _draw_date_pair(
    c: Content, cx: float, y: float, label_id: str, label_en: str, day: date | None
) -> None:
    draw_runs(
        c,
        cx,
        y,
        [Run(label_id, fonts.REGULAR, 8, GREY), Run(f"  /  {label_en}", fonts.ITALIC, 7.5, GREY)],
    )
    if day is None:
        draw_runs(c, cx, y - 13, [Run("Tanpa batas waktu", fonts.BOLD, 10.5)])
        draw_runs(c, cx, y - 24, [Run("Does not expire", fonts.ITALIC, 8, GREY)])
        return
    draw_runs(c, cx, y - 13, [Run(format_date(day, "id"), fonts.BOLD, 10.5)])
    if format_date(day, "en") != format_date(day, "id"):  # "27 November 2026" reads the same
        draw_runs(c, cx, y - 24, [Run(format_date(day, "en"), fonts.ITALIC, 8, GREY)])


def _draw_validity(c: Content, d: CertificateData) -> None:
    cx = PAGE_WIDTH / 2 + 10
    _draw_date_pair(c, cx, 138, "Diterbitkan", "Issued", d.issued)
    _draw_date_pair(c, cx, 96, "Berlaku sampai", "Valid until", d.valid_until)


def _draw_signature(page: _Page, d: CertificateData) -> None:
    c = page.content
    cx = PAGE_WIDTH - 60 - 115
    width = 230
    y = 150.0
    if d.place_of_issue:
        dated = f"{d.place_of_issue}, {format_date(d.issued, 'id')}"
        draw_runs(c, cx, y, [Run(dated, fonts.REGULAR, 9)])
        y -= 12
    title_lines, title_size = fit_lines(d.signatory_title, fonts.BOLD, 9, width)
    for line in title_lines:
        draw_runs(c, cx, y, [Run(line, fonts.BOLD, title_size)])
        y -= title_size * 1.2
    if d.signatory_title_en:
        size = fonts.fit_size(d.signatory_title_en, fonts.ITALIC, 8, width)
        draw_runs(c, cx, y, [Run(d.signatory_title_en, fonts.ITALIC, size, GREY)])
    sig_bottom, sig_top = 64, min(y - 3, 118)
    if d.signature_image is not None and sig_top - sig_bottom > 12:
        page.image("signature", d.signature_image, cx - 85, sig_bottom, 170, sig_top - sig_bottom)
    name_size = fonts.fit_size(d.signatory_name, fonts.BOLD, 10.5, width)
    name_width = draw_runs(c, cx, 52, [Run(d.signatory_name, fonts.BOLD, name_size, INK)])
    c.save()
    c.stroke_colour(INK)
    c.line_width(0.6)
    half = max(name_width / 2 + 6, 70)
    c.line(cx - half, 62, cx + half, 62)
    c.restore()


def _draw_footer(c: Content) -> None:
    draw_runs(
        c,
        PAGE_WIDTH / 2 + 10,
        41,
        [
            Run(
                "Keaslian sertifikat ini dapat diperiksa dengan memindai kode QR",
                fonts.REGULAR,
                6.3,
                GREY,
            ),
            Run(
                "  ·  The authenticity of this certificate can be checked by scanning the QR code",
                fonts.ITALIC,
                6,
                GREY,
            ),
        ],
    )


def _write(page: _Page, d: CertificateData) -> bytes:
    """The page, its fonts, images and forms and the document information as one PDF file."""
    pdf = PdfObjects()
    catalog = pdf.reserve()
    pages = pdf.reserve()
    page_ref = pdf.reserve()

    font_refs: list[str] = []
    encoders = {}
    for i, (font, characters) in enumerate(sorted(page.content.characters().items()), start=1):
        embedded = fonts.embedded_font(font, characters)
        resource = f"F{i}"
        encoders[font] = (resource, embedded.encode)
        font_refs.append(f"/{resource} {embedded.add_to(pdf)} 0 R")
    xobject_refs = [f"/{name} {pdf.add(body)} 0 R" for name, body in ornament.form_bodies().items()]
    for resource, prepared in page.images.items():
        xobject_refs.append(f"/{resource} {images.add_image(pdf, prepared)} 0 R")
    contents = pdf.add(flate_stream_body("", page.content.to_bytes(encoders)))

    pdf.put(
        page_ref,
        f"<< /Type /Page /Parent {pages} 0 R "
        f"/MediaBox [0 0 {pdf_number(round(PAGE_WIDTH, 2))} {pdf_number(round(PAGE_HEIGHT, 2))}] "
        f"/Resources << /ProcSet [/PDF /Text /ImageB /ImageC] /Font << {' '.join(font_refs)} >> "
        f"/XObject << {' '.join(xobject_refs)} >> >> /Contents {contents} 0 R >>",
    )
    pdf.put(pages, f"<< /Type /Pages /Kids [{page_ref} 0 R] /Count 1 >>")
    pdf.put(
        catalog,
        f"<< /Type /Catalog /Pages {pages} 0 R /Lang (id-ID) "
        "/ViewerPreferences << /DisplayDocTitle true >> >>",
    )
    # Dated at the issue date, 00:00 WIB, never by the clock: the bytes depend on the data alone.
    issued_at = pdf_date(datetime.combine(d.issued, time(0, 0), WIB))
    info = pdf.add(
        "<< "
        f"/Title {pdf_text(f'Sertifikat / Certificate {d.serial} — {d.holder_name}')} "
        f"/Author {pdf_text(d.centre_name)} "
        f"/Subject {pdf_text(d.serial)} "
        f"/Keywords {pdf_text(f'sertifikat, certificate, {d.course_code}, {d.verification_code}')} "
        f"/Creator {pdf_text(f'ISDC Suite {__version__}')} "
        f"/Producer {pdf_text('ISDC Suite certificates')} "
        f"/CreationDate {issued_at} /ModDate {issued_at} >>"
    )
    return pdf.to_bytes(catalog, info)


def render_certificate(data: CertificateData) -> bytes:
    """The certificate as PDF bytes.

    Raises CertificateDataError with a message naming the field and the problem when the data
    cannot make a correct certificate (a name the font cannot print, an unreadable logo, ...).
    """
    fonts.register_fonts()
    d = checked(data)
    page = _Page()
    page.content.extend(ornament.frame(round(PAGE_WIDTH, 2), round(PAGE_HEIGHT, 2)))
    page.content.extend(ornament.rosette(round(PAGE_WIDTH / 2, 2), 262.0, 150.0))
    try:
        middle_top = _draw_header(page, d)
        _draw_middle(page.content, d, middle_top, 164)
        _draw_verification(page.content, d)
        _draw_validity(page.content, d)
        _draw_signature(page, d)
    except images.ImageProblem as exc:
        raise CertificateDataError(str(exc)) from exc
    _draw_footer(page.content)
    return _write(page, d)
