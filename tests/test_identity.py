"""NIK and SIM rules (Dukcapil practice; Perpol 5/2021 Pasal 8) as plain functions."""

from __future__ import annotations

from datetime import date

import pytest

from isdc.models.identity import (
    SIM_MINIMUM_AGE,
    Sex,
    SimClass,
    age_on,
    nik_date_part,
    nik_problems,
    normalise_nik,
    sim_problems,
)

BORN = date(1990, 5, 17)
MAN_NIK = "3674011705900001"  # Tangerang Selatan, 17-05-90, serial 0001
WOMAN_NIK = "3674015705900002"  # day + 40 for women


def messages(problems) -> list[str]:  # type: ignore[no-untyped-def]
    return [str(p) for p in problems]


def test_valid_niks_for_a_man_and_a_woman() -> None:
    assert nik_problems(MAN_NIK, BORN, Sex.MALE) == []
    assert nik_problems(WOMAN_NIK, BORN, Sex.FEMALE) == []


def test_date_part_adds_forty_to_the_day_for_women() -> None:
    assert nik_date_part(date(2001, 1, 3), Sex.MALE) == "030101"
    assert nik_date_part(date(2001, 1, 3), Sex.FEMALE) == "430101"


@pytest.mark.parametrize(
    ("nik", "expected"),
    [
        ("367401170590001", "exactly 16 digits; got 15"),
        ("36740117059000011", "exactly 16 digits; got 17"),
        ("36740117O5900001", "digits only"),  # letter O instead of zero
        ("3674 0117 0590 000x", "digits only"),
        ("", "required"),
    ],
)
def test_wrong_length_or_letters_are_named(nik: str, expected: str) -> None:
    found = messages(nik_problems(nik, BORN, Sex.MALE))
    assert len(found) == 1
    assert expected in found[0]


def test_date_part_that_disagrees_with_the_birth_date_is_refused() -> None:
    found = messages(nik_problems("3674011805900001", BORN, Sex.MALE))
    assert found == ["NIK digits 7-12 (180590) do not match the birth date (expected 170590)."]


def test_sex_mismatch_is_explained_as_such() -> None:
    assert "marks a woman" in messages(nik_problems(WOMAN_NIK, BORN, Sex.MALE))[0]
    assert "marks a man" in messages(nik_problems(MAN_NIK, BORN, Sex.FEMALE))[0]


def test_impossible_dates_province_and_serial() -> None:
    assert "not a date" in messages(nik_problems("3674013513900001", BORN, Sex.MALE))[0]
    assert "province code" in messages(nik_problems("0074011705900001", BORN, Sex.MALE))[0]
    assert "cannot be 0000" in messages(nik_problems("3674011705900000", BORN, Sex.MALE))[0]


def test_birth_year_is_compared_by_its_last_two_digits() -> None:
    assert nik_problems("3674011705900001", date(1990, 5, 17), Sex.MALE) == []
    assert nik_problems("3674011705900001", date(1991, 5, 17), Sex.MALE) != []


def test_people_type_niks_with_spaces_and_dots() -> None:
    assert normalise_nik(" 3674.0117 0590-0001 ") == MAN_NIK


def test_age_counts_full_years() -> None:
    assert age_on(date(2009, 3, 10), date(2026, 3, 9)) == 16
    assert age_on(date(2009, 3, 10), date(2026, 3, 10)) == 17
    assert age_on(date(2008, 2, 29), date(2026, 2, 28)) == 17
    assert age_on(date(2008, 2, 29), date(2026, 3, 1)) == 18


def test_minimum_ages_are_those_of_perpol_5_2021() -> None:
    assert {c.value: a for c, a in SIM_MINIMUM_AGE.items()} == {
        "A": 17, "A Umum": 20, "B1": 20, "B1 Umum": 22, "B2": 21, "B2 Umum": 23,
        "C": 17, "C1": 18, "C2": 19, "D": 17, "D1": 17,
    }  # fmt: skip
    assert set(SIM_MINIMUM_AGE) == set(SimClass)


@pytest.mark.parametrize("sim_class", list(SimClass))
def test_each_class_needs_its_minimum_age(sim_class: SimClass) -> None:
    minimum = SIM_MINIMUM_AGE[sim_class]
    today = date(2026, 11, 27)
    just_old_enough = date(today.year - minimum, 11, 27)
    one_day_short = date(today.year - minimum, 11, 28)
    assert sim_problems(sim_class, "09019005123456", just_old_enough, today) == []
    found = messages(sim_problems(sim_class, "09019005123456", one_day_short, today))
    assert found == [
        f"SIM {sim_class.value} requires a minimum age of {minimum}; the holder is {minimum - 1}."
    ]


def test_sim_class_and_number_go_together() -> None:
    today = date(2026, 1, 1)
    assert "SIM number" in messages(sim_problems(SimClass.A, "", BORN, today))[0]
    assert "SIM class" in messages(sim_problems(None, "09019005123456", BORN, today))[0]
    assert "12 to 16 digits" in messages(sim_problems(SimClass.A, "12345", BORN, today))[0]
    assert sim_problems(None, None, BORN, today) == []
