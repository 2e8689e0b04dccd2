"""Languages and time: locale per user (Indonesian by default), WIB dates, translated rules."""

from __future__ import annotations

import logging
import os
import tempfile
from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime, format_time
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from flask import current_app, session
from flask_babel import get_locale, get_timezone, gettext
from flask_login import current_user

from isdc.models.rules import RuleViolation

TRANSLATIONS_DIR = Path(__file__).resolve().parent.parent / "translations"
LANGUAGE_NAMES = {"id": "Bahasa Indonesia", "en": "English"}
SESSION_LOCALE_KEY = "locale"


def select_locale() -> str:
    """The signed-in user's stored choice; else the visitor's choice (session); else Indonesian."""
    languages = current_app.config["LANGUAGES"]
    if current_user.is_authenticated:
        return current_user.locale.value
    chosen = session.get(SESSION_LOCALE_KEY)
    if chosen in languages:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def select_timezone() -> str:
    if current_user.is_authenticated:
        return current_user.site.timezone
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]


def locale_code() -> str:
    return str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])


def explain(violation: RuleViolation) -> str:
    """A broken domain rule in the reader's language."""
    return gettext(violation.message, **violation.params)


# --- Dates and times -----------------------------------------------------------------------
# Indonesian style: "Jumat, 27 November 2026 14.30 WIB" (time with a dot, zone abbreviation).
# English keeps the day-month-year order and the Indonesian zone names (WIB/WITA/WIT) that
# everyone at the centre uses.


def _zone() -> ZoneInfo:
    return ZoneInfo(str(get_timezone()))


def zone_abbreviation(moment: datetime, tz: ZoneInfo | None = None) -> str:
    """ "WIB", "WITA" or "WIT" (the names used in Indonesia, in either language)."""
    return format_datetime(moment, "zzz", tzinfo=tz or _zone(), locale="id")


def format_when(moment: datetime | None) -> str:
    """Full day, date, time and zone: "Jumat, 27 November 2026 14.30 WIB"."""
    if moment is None:
        return ""
    tz = _zone()
    locale = locale_code()
    pattern = "EEEE, d MMMM y HH.mm" if locale == "id" else "EEEE, d MMMM y, HH:mm"
    text = format_datetime(moment, pattern, tzinfo=tz, locale=locale)
    return f"{text} {zone_abbreviation(moment, tz)}"


def format_day(value: date | datetime | None) -> str:
    """A day: "Jumat, 27 November 2026" (a datetime is first put into local time)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(_zone()).date()
    return format_date(value, "EEEE, d MMMM y", locale=locale_code())


def format_short_day(value: date | datetime | None) -> str:
    """A compact day for tables: "Jum, 27 Nov 2026"."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(_zone()).date()
    return format_date(value, "EEE, d MMM y", locale=locale_code())


def format_clock(value: datetime | time | None) -> str:
    """A time of day in local time: "14.30" (Indonesian) or "14:30"."""
    if value is None:
        return ""
    pattern = "HH.mm" if locale_code() == "id" else "HH:mm"
    if isinstance(value, datetime):
        return format_time(value, pattern, tzinfo=_zone(), locale=locale_code())
    return format_time(value, pattern, locale=locale_code())


def format_time_range(start: datetime, end: datetime) -> str:
    """ "08.00–16.00 WIB" for one day; the full form on both ends across days."""
    tz = _zone()
    if start.astimezone(tz).date() == end.astimezone(tz).date():
        return f"{format_clock(start)}–{format_clock(end)} {zone_abbreviation(start, tz)}"
    return f"{format_when(start)} – {format_when(end)}"


def format_day_range(start: datetime, end: datetime) -> str:
    """ "Sen, 7 Des 2026 – Rab, 9 Des 2026" or one day when start and end share it."""
    first, last = format_short_day(start), format_short_day(end)
    return first if first == last else f"{first} – {last}"


def format_number(value: int | float) -> str:
    """Digits grouped the reader's way: 10.000 (Indonesian) or 10,000 (English)."""
    return format_decimal(value, locale=locale_code())


def local_now() -> datetime:
    return datetime.now(_zone())


# --- Catalogues ----------------------------------------------------------------------------


def compile_catalogues(directory: Path, log: logging.Logger) -> None:
    """Compile every ``messages.po`` whose ``.mo`` is missing or older (build output, not in
    git). ``make`` does this too; doing it at start-up means an edited catalogue is never
    silently ignored. Written to a temporary name and renamed: workers may start together."""
    for po_path in directory.glob("*/LC_MESSAGES/messages.po"):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        try:
            with po_path.open("rb") as fh:
                catalog = read_po(fh, locale=po_path.parent.parent.name)
            fd, tmp = tempfile.mkstemp(dir=mo_path.parent, suffix=".mo.tmp")
            with os.fdopen(fd, "wb") as out:
                write_mo(out, catalog)
            os.replace(tmp, mo_path)
        except OSError as exc:
            log.warning("cannot compile %s: %s", po_path, exc)
