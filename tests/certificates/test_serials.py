"""Serials ISDC/<year>/<course code>/<number>: written, read back, and bad parts refused."""

import pytest

from isdc.certificates import Serial, SerialError, format_serial, parse_serial, validate_course_code


def test_format_pads_the_number_and_parse_reads_it_back():
    serial = format_serial(2026, "DD-01", 42)
    assert serial == "ISDC/2026/DD-01/00042"
    assert parse_serial(serial) == Serial(2026, "DD-01", 42)
    assert str(parse_serial(serial)) == serial


def test_numbers_beyond_the_padding_keep_all_digits():
    assert format_serial(2027, "SR.2", 123456) == "ISDC/2027/SR.2/123456"
    assert parse_serial("ISDC/2027/SR.2/123456").number == 123456


def test_parse_accepts_case_and_spaces_and_returns_the_canonical_form():
    assert str(parse_serial("  isdc/2026/dd-01/42 ")) == "ISDC/2026/DD-01/00042"


def test_course_codes_are_upper_cased_and_checked():
    assert validate_course_code(" fleet-b2 ") == "FLEET-B2"
    for bad in ("", "DD/01", "DD 01", "-DD", "DD-", "ÄB", "X" * 25):
        with pytest.raises(SerialError):
            validate_course_code(bad)


@pytest.mark.parametrize(
    ("year", "course", "number", "words"),
    [
        (1999, "DD-01", 1, "year 1999"),
        (2026, "DD-01", 0, "start at 1"),
        (2026, "DD/01", 1, "may contain only"),
    ],
)
def test_format_refuses_bad_parts(year, course, number, words):
    with pytest.raises(SerialError, match=words):
        format_serial(year, course, number)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "ISDC/2026/DD-01",
        "ISDC-2026-DD-01-00042",
        "ABC/2026/DD-01/00001",
        "ISDC/26/DD-01/1",
        "ISDC/2026/DD 01/1",
    ],
)
def test_parse_refuses_what_is_not_a_serial(text):
    with pytest.raises(SerialError):
        parse_serial(text)


def test_serials_sort_by_year_course_and_number():
    serials = [
        parse_serial(s)
        for s in ("ISDC/2026/DD-01/00010", "ISDC/2025/DD-01/00099", "ISDC/2026/DD-01/00002")
    ]
    assert [s.number for s in sorted(serials)] == [99, 2, 10]


def test_file_stem_has_no_slashes():
    assert parse_serial("ISDC/2026/DD-01/00042").file_stem == "ISDC-2026-DD-01-00042"
