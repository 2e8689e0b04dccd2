"""Dates and hours in Bahasa Indonesia and English, independent of the server's locale."""

from datetime import date

import pytest

from isdc.certificates.dates import MONTHS_ID, format_date, format_date_range, format_hours


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
