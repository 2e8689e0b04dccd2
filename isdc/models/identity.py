"""Indonesian identity rules: NIK (Nomor Induk Kependudukan) and SIM (driving licence) classes.

NIK: 16 digits - province (2), regency (2), district (2), birth date DDMMYY with DD + 40 for
women, serial (4) (Dukcapil practice). SIM classes and minimum ages: Perpol 5/2021 Pasal 8.
"""

from __future__ import annotations

import enum
import re
from datetime import date

from isdc.models.rules import N_, RuleViolation


class Sex(enum.StrEnum):
    MALE = "male"
    FEMALE = "female"


class SimClass(enum.StrEnum):
    """Driving licence classes (SPEC §3). ``Umum`` classes are for public transport drivers."""

    A = "A"
    A_UMUM = "A Umum"
    B1 = "B1"
    B1_UMUM = "B1 Umum"
    B2 = "B2"
    B2_UMUM = "B2 Umum"
    C = "C"
    C1 = "C1"
    C2 = "C2"
    D = "D"
    D1 = "D1"


# Perpol 5/2021 Pasal 8: minimum age in full years for each class.
SIM_MINIMUM_AGE: dict[SimClass, int] = {
    SimClass.A: 17,
    SimClass.A_UMUM: 20,
    SimClass.B1: 20,
    SimClass.B1_UMUM: 22,
    SimClass.B2: 21,
    SimClass.B2_UMUM: 23,
    SimClass.C: 17,
    SimClass.C1: 18,
    SimClass.C2: 19,
    SimClass.D: 17,
    SimClass.D1: 17,
}

# Province codes in use (Kemendagri): Sumatra 11-19 and 21, Java 31-36, Bali-Nusa Tenggara
# 51-53, Kalimantan 61-65, Sulawesi 71-76, Maluku 81-82, Papua 91-97 (incl. the 2022 provinces).
PROVINCE_CODES = frozenset(
    [*range(11, 20), 21, *range(31, 37), *range(51, 54), *range(61, 66), *range(71, 77)]
    + [81, 82, *range(91, 98)]
)

NIK_LENGTH = 16
_SEPARATORS = re.compile(r"[\s.\-]")


def normalise_nik(raw: str) -> str:
    """The NIK without the spaces, dots or dashes people type into it."""
    return _SEPARATORS.sub("", raw or "")


def nik_date_part(birth_date: date, sex: Sex) -> str:
    """Digits 7-12 of the NIK for this birth date and sex: DDMMYY, day + 40 for women."""
    day = birth_date.day + (40 if sex == Sex.FEMALE else 0)
    return f"{day:02d}{birth_date.month:02d}{birth_date.year % 100:02d}"


def nik_problems(nik: str, birth_date: date | None, sex: Sex | None) -> list[RuleViolation]:
    """Everything wrong with ``nik`` for a person of that birth date and sex (empty if valid)."""
    if not nik:
        return [RuleViolation("nik", N_("NIK is required."))]
    if len(nik) != NIK_LENGTH or not nik.isascii() or not nik.isdigit():
        return [
            RuleViolation(
                "nik",
                N_("NIK must be exactly 16 digits; got %(count)d characters."),
                {"count": len(nik)},
            )
            if nik.isascii() and nik.isdigit()
            else RuleViolation("nik", N_("NIK may contain digits only."))
        ]
    problems: list[RuleViolation] = []
    if int(nik[:2]) not in PROVINCE_CODES:
        problems.append(
            RuleViolation(
                "nik",
                N_("NIK starts with %(code)s, which is not an Indonesian province code."),
                {"code": nik[:2]},
            )
        )
    day, month = int(nik[6:8]), int(nik[8:10])
    if not (1 <= day <= 31 or 41 <= day <= 71) or not 1 <= month <= 12:
        problems.append(
            RuleViolation(
                "nik", N_("NIK digits 7-12 (%(part)s) are not a date."), {"part": nik[6:12]}
            )
        )
    elif birth_date is not None and sex is not None:
        expected = nik_date_part(birth_date, sex)
        if nik[6:12] != expected:
            nik_says_female = day > 40
            same_day = (day - 40 if nik_says_female else day) == birth_date.day
            if same_day and nik[8:12] == expected[2:]:
                message = (
                    N_("NIK marks a woman (day + 40) but the sex given is male.")
                    if nik_says_female
                    else N_("NIK marks a man but the sex given is female (day + 40 expected).")
                )
                problems.append(RuleViolation("nik", message))
            else:
                problems.append(
                    RuleViolation(
                        "nik",
                        N_(
                            "NIK digits 7-12 (%(part)s) do not match the birth date "
                            "(expected %(expected)s)."
                        ),
                        {"part": nik[6:12], "expected": expected},
                    )
                )
    if nik[12:] == "0000":
        problems.append(
            RuleViolation("nik", N_("NIK serial number (last 4 digits) cannot be 0000."))
        )
    return problems


def age_on(birth_date: date, on: date) -> int:
    """Age in full years on a given day (a 29 February birthday counts from 1 March)."""
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))


_SIM_NUMBER = re.compile(r"^\d{12,16}$")


def normalise_sim_number(raw: str | None) -> str:
    return _SEPARATORS.sub("", raw or "")


def sim_problems(
    sim_class: SimClass | None,
    sim_number: str | None,
    birth_date: date | None,
    on: date,
) -> list[RuleViolation]:
    """Problems with a SIM: class and number go together, and the holder is old enough."""
    problems: list[RuleViolation] = []
    number = normalise_sim_number(sim_number)
    if sim_class is None:
        if number:
            problems.append(
                RuleViolation("sim_class", N_("Choose the SIM class for this SIM number."))
            )
        return problems
    if not number:
        problems.append(RuleViolation("sim_number", N_("Enter the SIM number for this SIM class.")))
    elif not _SIM_NUMBER.match(number):
        problems.append(RuleViolation("sim_number", N_("SIM number must be 12 to 16 digits.")))
    if birth_date is not None:
        minimum = SIM_MINIMUM_AGE[sim_class]
        age = age_on(birth_date, on)
        if age < minimum:
            problems.append(
                RuleViolation(
                    "sim_class",
                    N_(
                        "SIM %(sim_class)s requires a minimum age of %(minimum)d; the holder is %(age)d."
                    ),
                    {"sim_class": sim_class.value, "minimum": minimum, "age": age},
                )
            )
    return problems
