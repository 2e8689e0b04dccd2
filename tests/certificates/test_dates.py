"""Dates and hours in Bahasa Indonesia and English, independent of the server's locale."""

from datetime import date

import pytest

from isdc.certificates.dates import (
    MONTHS_ID,
    certificate_status,
    format_date,
    format_date_range,
    format_hours,
    valid_until,
)


def test_every_indonesian_month_name():
    assert [format_date(date(2026, m, 1), "id").split()[1] for m in range(1, 13)] == list(MONTHS_ID)
    assert format_date(date(2026, 8, 17), "id") == "17 Agustus 2026"
    assert format_date(date(2026, 8, 17), "en") == "17 August 2026"


@pytest.mark.parametrize(
    ("start", "end", "indonesian", "english"),
    [
        (date(2026, 11, 27), date(2026, 11, 27), "27 November 2026", "27 November 2026"),
        (date(2026, 11, 24), date(2026, 11, 27), "24–27 November 2026", "24–27 November 2026"),
        (
            date(2026, 11, 30),
            date(2026, 12, 2),
            "30 November – 2 Desember 2026",
            "30 November – 2 December 2026",
        ),
        (
            date(2026, 12, 30),
            date(2027, 1, 2),
            "30 Desember 2026 – 2 Januari 2027",
            "30 December 2026 – 2 January 2027",
        ),
    ],
)
def test_date_ranges_name_shared_month_and_year_once(start, end, indonesian, english):
    assert format_date_range(start, end, "id") == indonesian
    assert format_date_range(start, end, "en") == english


def test_hours_use_the_languages_decimal_mark():
    assert format_hours(32, "id") == "32 jam"
    assert format_hours(7.5, "id") == "7,5 jam"
    assert format_hours(7.5, "en") == "7.5 hours"
    assert format_hours(1, "en") == "1 hour"


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="before it starts"):
        format_date_range(date(2026, 2, 2), date(2026, 2, 1), "id")
    with pytest.raises(ValueError, match="language"):
        format_date(date(2026, 2, 2), "fr")
    with pytest.raises(ValueError, match="negative"):
        format_hours(-1, "id")


def test_validity_in_months_clamps_to_the_months_end():
    assert valid_until(date(2026, 11, 27), 36) == date(2029, 11, 27)
    assert valid_until(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert valid_until(date(2027, 1, 31), 13) == date(2028, 2, 29)
    assert valid_until(date(2026, 1, 31), 0) is None
    assert valid_until(date(2026, 1, 31), None) is None
    with pytest.raises(ValueError, match="negative"):
        valid_until(date(2026, 1, 31), -1)


def test_status_is_valid_through_the_last_day_and_revocation_wins():
    last = date(2029, 11, 27)
    assert certificate_status(last, revoked=False, today=last) == "valid"
    assert certificate_status(last, revoked=False, today=date(2029, 11, 28)) == "expired"
    assert certificate_status(None, revoked=False, today=date(2099, 1, 1)) == "valid"
    assert certificate_status(last, revoked=True, today=date(2027, 1, 1)) == "revoked"
    assert certificate_status(last, revoked=True, today=date(2030, 1, 1)) == "revoked"
