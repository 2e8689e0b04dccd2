"""Certificate dates: written out in Bahasa Indonesia and English, validity and status.

Locale-free on purpose: the text on a certificate must not depend on the server's locale.
"""

from __future__ import annotations

from datetime import date

from dateutil.relativedelta import relativedelta

MONTHS_ID = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)
MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
EN_DASH = "\u2013"


def _months(lang: str) -> tuple[str, ...]:
    if lang == "id":
        return MONTHS_ID
    if lang == "en":
        return MONTHS_EN
    raise ValueError(f"unknown language {lang!r}; use 'id' or 'en'")


def format_date(day: date, lang: str) -> str:
    """``27 November 2026``; ``1 Desember 2026`` in Indonesian, ``1 December 2026`` in English."""
    return f"{day.day} {_months(lang)[day.month - 1]} {day.year}"


def format_date_range(start: date, end: date, lang: str) -> str:
    """A session's dates, naming a shared month and year once: ``24–27 November 2026``."""
    if end < start:
        raise ValueError(f"the range ends ({end}) before it starts ({start})")
    months = _months(lang)
    if start == end:
        return format_date(start, lang)
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}{EN_DASH}{end.day} {months[end.month - 1]} {end.year}"
    if start.year == end.year:
        return f"{start.day} {months[start.month - 1]} {EN_DASH} {format_date(end, lang)}"
    return f"{format_date(start, lang)} {EN_DASH} {format_date(end, lang)}"


def format_hours(hours: float, lang: str) -> str:
    """``32 jam`` / ``32 hours``; fractions with the language's decimal mark (``7,5 jam``)."""
    if hours < 0:
        raise ValueError(f"hours cannot be negative: {hours}")
    text = f"{hours:.2f}".rstrip("0").rstrip(".")
    if lang == "id":
        return f"{text.replace('.', ',')} jam"
    if lang == "en":
        return f"{text} hour" if hours == 1 else f"{text} hours"
    raise ValueError(f"unknown language {lang!r}; use 'id' or 'en'")


def valid_until(issued: date, validity_months: int | None) -> date | None:
    """The last day a certificate is valid: ``validity_months`` after issue, the month's end
    when that day does not exist (31 January + 1 month = 28/29 February). None or 0: no expiry.
    """
    if not validity_months:
        return None
    if validity_months < 0:
        raise ValueError(f"validity cannot be negative: {validity_months} months")
    return issued + relativedelta(months=validity_months)


def certificate_status(expires: date | None, revoked: bool, today: date) -> str:
    """``valid``, ``revoked`` or ``expired`` (SPEC §6); valid up to and including ``expires``.

    Revocation wins over expiry: a revoked certificate says so even after it would have expired.
    """
    if revoked:
        return "revoked"
    if expires is not None and today > expires:
        return "expired"
    return "valid"
