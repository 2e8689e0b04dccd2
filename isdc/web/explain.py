"""Domain refusals in the reader's language: broken rules and scheduling clashes, with dates
and times in the site's zone ("Iptu Agus Prasetyo is already booked for DDC A (DDC),
Sen, 7 Des 2026 08.00–16.00 WIB")."""

from __future__ import annotations

from datetime import date, timedelta

from babel.dates import format_date
from flask import Flask
from flask_babel import gettext as _

from isdc.models.rules import RuleViolation
from isdc.scheduling.clashes import Clash, ClashKind
from isdc.web.i18n import (
    explain,
    format_clock,
    format_day,
    format_number,
    format_short_day,
    format_time_range,
    locale_code,
)


def explain_clash(clash: Clash) -> str:
    who = clash.resource_name
    kind = clash.kind
    if kind == ClashKind.BOOKED:
        when = ""
        if clash.other_starts_at and clash.other_ends_at:
            when = (
                f"{format_short_day(clash.other_starts_at)} "
                f"{format_time_range(clash.other_starts_at, clash.other_ends_at)}"
            )
        if clash.other_session_name:
            return _(
                "%(resource)s is already booked for %(session)s (%(course)s), %(when)s.",
                resource=who,
                session=clash.other_session_name,
                course=clash.other_course_code or "",
                when=when,
            )
        return _("%(resource)s is already booked, %(when)s.", resource=who, when=when)
    if kind == ClashKind.LEAVE:
        if clash.reason:
            return _(
                "%(resource)s is on leave on %(day)s (%(reason)s).",
                resource=who,
                day=format_day(clash.day),
                reason=clash.reason,
            )
        return _("%(resource)s is on leave on %(day)s.", resource=who, day=format_day(clash.day))
    if kind == ClashKind.NOT_QUALIFIED:
        return _("%(resource)s has no qualification to teach this course.", resource=who)
    if kind == ClashKind.QUALIFICATION_EXPIRED:
        return _(
            "The qualification of %(resource)s for this course expired on %(date)s.",
            resource=who,
            date=format_day(clash.until),
        )
    if kind == ClashKind.WEEKLY_HOURS:
        return _(
            "%(resource)s would work %(hours)s hours in the week of %(week)s; the limit is "
            "%(limit)d.",
            resource=who,
            hours=format_number(clash.hours or 0),
            week=format_short_day(clash.week_of),
            limit=clash.hours_limit or 0,
        )
    if kind == ClashKind.MAINTENANCE:
        if clash.reason:
            return _(
                "%(resource)s is under maintenance on %(day)s (%(reason)s).",
                resource=who,
                day=format_day(clash.day),
                reason=clash.reason,
            )
        return _(
            "%(resource)s is under maintenance on %(day)s.", resource=who, day=format_day(clash.day)
        )
    if kind == ClashKind.CLOSED_DAY:
        return _("%(resource)s is closed on %(day)s.", resource=who, day=format_day(clash.day))
    if kind == ClashKind.OUTSIDE_HOURS:
        return _(
            "%(resource)s can be booked only from %(opens)s to %(closes)s.",
            resource=who,
            opens=format_clock(clash.opens_at),
            closes=format_clock(clash.closes_at),
        )
    if kind == ClashKind.STNK_EXPIRED:
        return _(
            "The STNK of %(resource)s expired on %(date)s.",
            resource=who,
            date=format_day(clash.until),
        )
    return _("%(resource)s is retired and cannot be booked.", resource=who)


def explain_violation(violation: RuleViolation) -> str:
    return explain(violation)


def weekday_name(day: date) -> str:
    """ "Sen" / "Mon": the abbreviated weekday in the reader's language."""
    return format_date(day, "EEE", locale=locale_code())


def month_name(day: date) -> str:
    """ "November 2026" in the reader's language."""
    return format_date(day, "LLLL y", locale=locale_code())


def weekday_names(iso_days: str) -> str:
    """Open days as people write them: "Sen–Sab", "Sen, Rab, Jum" ("1234567" = every day)."""
    numbers = sorted({int(c) for c in iso_days if c.isdigit() and 1 <= int(c) <= 7})
    if not numbers:
        return "–"
    monday = date(2024, 1, 1)  # a Monday
    names = [weekday_name(monday + timedelta(days=n - 1)) for n in numbers]
    if len(numbers) > 2 and numbers == list(range(numbers[0], numbers[-1] + 1)):
        return f"{names[0]}–{names[-1]}"
    return ", ".join(names)


def register(app: Flask) -> None:
    def has_endpoint(name: str) -> bool:
        """Link to another area only when it is installed (areas land one by one)."""
        return name in app.view_functions

    app.jinja_env.filters.update(explain_clash=explain_clash, explain_violation=explain_violation)
    app.jinja_env.globals.update(
        weekday_name=weekday_name,
        weekday_names=weekday_names,
        month_name=month_name,
        has_endpoint=has_endpoint,
    )
