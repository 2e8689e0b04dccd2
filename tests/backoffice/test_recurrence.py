"""Recurring patterns (dateutil.rrule): the days a session meets on."""

from __future__ import annotations

from datetime import date

import pytest

from isdc.models.rules import InvalidRecord
from isdc.scheduling.recurrence import MAX_DAYS, Repeat, recurring_days

MONDAY = date(2026, 12, 7)


def test_every_weekday_for_two_weeks() -> None:
    days = recurring_days(MONDAY, Repeat.WEEKDAYS, weeks=2)
    assert len(days) == 10
    assert days[0] == MONDAY and days[-1] == date(2026, 12, 18)
    assert all(d.weekday() < 5 for d in days)


def test_working_days_include_saturday() -> None:
    days = recurring_days(MONDAY, Repeat.WORKING_DAYS, until=date(2026, 12, 13))
    assert [d.isoweekday() for d in days] == [1, 2, 3, 4, 5, 6]


def test_weekly_on_chosen_days_by_count() -> None:
    days = recurring_days(MONDAY, Repeat.WEEKLY, weekdays=[1, 3], count=4)
    assert days == [date(2026, 12, 8), date(2026, 12, 10), date(2026, 12, 15), date(2026, 12, 17)]


def test_daily_until_includes_the_last_day() -> None:
    assert recurring_days(MONDAY, Repeat.DAILY, until=date(2026, 12, 9)) == [
        MONDAY,
        date(2026, 12, 8),
        date(2026, 12, 9),
    ]


def test_once_is_one_day() -> None:
    assert recurring_days(MONDAY, Repeat.ONCE) == [MONDAY]


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({}, "until"),  # no end
        ({"until": date(2026, 12, 1)}, "until"),  # before the first day
        ({"count": 0}, "count"),
        ({"weeks": 99}, "weeks"),
        ({"until": date(2026, 12, 20), "count": 3}, "until"),  # two ends
    ],
)
def test_impossible_patterns_are_refused(kwargs, field) -> None:
    with pytest.raises(InvalidRecord) as caught:
        recurring_days(MONDAY, Repeat.WEEKDAYS, **kwargs)
    assert caught.value.for_field(field)


def test_weekly_needs_weekdays_and_a_day_in_range() -> None:
    with pytest.raises(InvalidRecord, match="weekdays"):
        recurring_days(MONDAY, Repeat.WEEKLY, count=3)
    # Saturdays only, between a Monday and the Friday after: none.
    with pytest.raises(InvalidRecord, match="no day"):
        recurring_days(MONDAY, Repeat.WEEKLY, weekdays=[5], until=date(2026, 12, 11))


def test_too_long_a_pattern_is_refused() -> None:
    assert len(recurring_days(MONDAY, Repeat.DAILY, count=MAX_DAYS)) == MAX_DAYS
    with pytest.raises(InvalidRecord, match="at most"):
        recurring_days(MONDAY, Repeat.DAILY, until=date(2027, 12, 31))
