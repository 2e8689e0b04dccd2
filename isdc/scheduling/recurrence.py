"""Recurring patterns for sessions ("every weekday for two weeks"), built on dateutil.rrule."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from itertools import islice

from dateutil.rrule import DAILY, FR, MO, SA, SU, TH, TU, WE, WEEKLY, rrule

from isdc.models.rules import N_, InvalidRecord, RuleViolation

# The longest session the form accepts: a 12-week programme of working days.
MAX_DAYS = 72
_WEEKDAYS = (MO, TU, WE, TH, FR, SA, SU)  # index = date.weekday()


class Repeat(enum.StrEnum):
    ONCE = "once"  # one day
    DAILY = "daily"  # every day, weekends included
    WEEKDAYS = "weekdays"  # Monday to Friday
    WORKING_DAYS = "working_days"  # Monday to Saturday (the centre trains on Saturdays)
    WEEKLY = "weekly"  # on the chosen weekdays


def recurring_days(
    first: date,
    repeat: Repeat,
    *,
    until: date | None = None,
    count: int | None = None,
    weeks: int | None = None,
    weekdays: Iterable[int] = (),
) -> list[date]:
    """The days of a pattern starting on ``first``: up to ``until`` (inclusive), for
    ``count`` days, or for ``weeks`` weeks (ending the day before the same weekday
    ``weeks`` later). ``weekdays`` are ``date.weekday()`` numbers (0 = Monday) for
    :attr:`Repeat.WEEKLY`. Raises :class:`InvalidRecord` for an impossible pattern."""
    if repeat == Repeat.ONCE:
        return [first]
    problems: list[RuleViolation] = []
    ends = [value for value in (until, count, weeks) if value is not None]
    if len(ends) != 1:
        problems.append(
            RuleViolation(
                "until", N_("Say when the pattern ends: a last day, a number of days or weeks.")
            )
        )
    if until is not None and until < first:
        problems.append(RuleViolation("until", N_("The last day comes before the first day.")))
    if count is not None and not 1 <= count <= MAX_DAYS:
        problems.append(
            RuleViolation(
                "count",
                N_("The number of days must be between 1 and %(maximum)d."),
                {"maximum": MAX_DAYS},
            )
        )
    if weeks is not None and not 1 <= weeks <= MAX_DAYS // 5:
        problems.append(
            RuleViolation(
                "weeks",
                N_("The number of weeks must be between 1 and %(maximum)d."),
                {"maximum": MAX_DAYS // 5},
            )
        )
    chosen = sorted(set(weekdays))
    if repeat == Repeat.WEEKLY and not chosen:
        problems.append(RuleViolation("weekdays", N_("Choose the weekdays the session meets on.")))
    if any(not 0 <= d <= 6 for d in chosen):
        problems.append(RuleViolation("weekdays", N_("Unknown weekday.")))
    if problems:
        raise InvalidRecord(problems)

    if weeks is not None:
        until = first + timedelta(weeks=weeks) - timedelta(days=1)
    byweekday = {
        Repeat.DAILY: None,
        Repeat.WEEKDAYS: (MO, TU, WE, TH, FR),
        Repeat.WORKING_DAYS: (MO, TU, WE, TH, FR, SA),
        Repeat.WEEKLY: tuple(_WEEKDAYS[d] for d in chosen),
    }[repeat]
    rule = rrule(
        DAILY if repeat == Repeat.DAILY else WEEKLY,
        dtstart=datetime.combine(first, datetime.min.time()),
        byweekday=byweekday,
        until=datetime.combine(until, datetime.min.time()) if until else None,
        count=count,
    )
    # One more than allowed, to tell "too long" from "exactly the maximum".
    days = [moment.date() for moment in islice(rule, MAX_DAYS + 1)]
    if not days:
        raise InvalidRecord(
            [RuleViolation("weekdays", N_("The pattern gives no day between those dates."))]
        )
    if len(days) > MAX_DAYS:
        raise InvalidRecord(
            [
                RuleViolation(
                    "until",
                    N_("A session can have at most %(maximum)d days."),
                    {"maximum": MAX_DAYS},
                )
            ]
        )
    return days
