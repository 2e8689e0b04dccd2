"""Dates, date ranges and hours written out in Bahasa Indonesia and in English.

Locale-free on purpose: the text on a certificate must not depend on the server's locale.
"""

from __future__ import annotations

from datetime import date

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
