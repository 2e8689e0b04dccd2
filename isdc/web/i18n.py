"""Languages and time: locale per user (Indonesian by default), WIB dates, translated rules."""

from __future__ import annotations

import logging
import os
import tempfile
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from flask import current_app, g, has_request_context, session
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


def _reader() -> tuple[Locale, ZoneInfo]:
    """The reader's locale and time zone, looked up once per request (a dashboard formats
    dozens of dates; each lookup goes through several context proxies)."""
    cached = g.get("_isdc_reader") if has_request_context() else None
    if cached is None:
        locale = get_locale() or Locale.parse(current_app.config["BABEL_DEFAULT_LOCALE"])
        cached = (locale, ZoneInfo(str(get_timezone())))
        if has_request_context():
            g._isdc_reader = cached
    return cached


def locale_code() -> str:
    return _reader()[0].language


def explain(violation: RuleViolation) -> str:
    """A broken domain rule in the reader's language. The model layer names a simulator
    scenario by its id (it knows no language); the reader sees the scenario's title."""
    params = violation.params
    if isinstance(params.get("scenario"), str):
        from isdc.runs import catalogue

        params = {**params, "scenario": catalogue.title(params["scenario"], locale_code())}
    return gettext(violation.message, **params)


# --- Dates and times -----------------------------------------------------------------------
# Indonesian style: "Jumat, 27 November 2026 14.30 WIB" (time with a dot, zone abbreviation).
# English keeps the day-month-year order and the Indonesian zone names (WIB/WITA/WIT) that
# everyone at the centre uses.


def _zone() -> ZoneInfo:
    return _reader()[1]


@lru_cache(maxsize=64)
def _abbreviation(tz: ZoneInfo, offset: timedelta | None) -> str:
    return format_datetime(datetime.now(tz), "zzz", tzinfo=tz, locale="id")


def zone_abbreviation(moment: datetime, tz: ZoneInfo | None = None) -> str:
    """ "WIB", "WITA" or "WIT" (the names used in Indonesia, in either language)."""
    tz = tz or _zone()
    return _abbreviation(tz, moment.astimezone(tz).utcoffset())


def format_when(moment: datetime | None) -> str:
    """Full day, date, time and zone: "Jumat, 27 November 2026 14.30 WIB"."""
    if moment is None:
        return ""
    locale, tz = _reader()
    pattern = "EEEE, d MMMM y HH.mm" if locale.language == "id" else "EEEE, d MMMM y, HH:mm"
    text = format_datetime(moment, pattern, tzinfo=tz, locale=locale)
    return f"{text} {zone_abbreviation(moment, tz)}"


def _local_date(value: date | datetime) -> date:
    if isinstance(value, datetime):
        return value.astimezone(_zone()).date()
    return value


def format_day(value: date | datetime | None) -> str:
    """A day: "Jumat, 27 November 2026" (a datetime is first put into local time)."""
    if value is None:
        return ""
    return format_date(_local_date(value), "EEEE, d MMMM y", locale=_reader()[0])


def format_short_day(value: date | datetime | None) -> str:
    """A compact day for tables: "Jum, 27 Nov 2026"."""
    if value is None:
        return ""
    return format_date(_local_date(value), "EEE, d MMM y", locale=_reader()[0])


def format_clock(value: datetime | time | None) -> str:
    """A time of day in local time: "14.30" (Indonesian) or "14:30"."""
    if value is None:
        return ""
    locale, tz = _reader()
    if isinstance(value, datetime):
        value = value.astimezone(tz)
    return value.strftime("%H.%M" if locale.language == "id" else "%H:%M")


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
    return _formatted(value, _reader()[0])


@lru_cache(maxsize=4096, typed=True)
def _formatted(value: int | float, locale: Locale) -> str:
    # Babel takes ~20 us a number; an analytics page writes a thousand or more figures, most
    # of them small counts and percentages that repeat, so formatted numbers are kept.
    return format_decimal(value, locale=locale)


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
