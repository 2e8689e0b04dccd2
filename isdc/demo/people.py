"""Generators of realistic, valid Indonesian people: names, NIKs, phones, SIMs."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from isdc.demo.names import (
    FEMALE_FIRST,
    FEMALE_LAST,
    MALE_FIRST,
    MALE_LAST,
    MOBILE_PREFIXES,
    REGIONS,
)
from isdc.models.identity import SIM_MINIMUM_AGE, Sex, SimClass, age_on, nik_date_part


class NikFactory:
    """Unique, valid NIKs: a region near Serpong, the person's date part, a fresh serial."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.used: set[str] = set()

    def make(self, birth_date: date, sex: Sex) -> tuple[str, str]:
        """(NIK, city) for a person born on ``birth_date``."""
        while True:
            regency, districts, city = self.rng.choice(REGIONS)
            district = self.rng.randint(1, districts)
            serial = self.rng.randint(1, 9999)
            nik = f"{regency}{district:02d}{nik_date_part(birth_date, sex)}{serial:04d}"
            if nik not in self.used:
                self.used.add(nik)
                return nik, city


@dataclass
class Person:
    full_name: str
    sex: Sex
    birth_date: date
    nik: str
    city: str
    phone: str
    email: str | None


def birth_date_for_age(rng: random.Random, today: date, youngest: int, oldest: int) -> date:
    """A birth date giving an age between ``youngest`` and ``oldest`` (inclusive) today."""
    latest = date(today.year - youngest, today.month, min(today.day, 28))
    earliest = date(today.year - oldest - 1, today.month, min(today.day, 28)) + timedelta(days=1)
    return earliest + timedelta(days=rng.randint(0, (latest - earliest).days))


def make_person(
    rng: random.Random,
    niks: NikFactory,
    today: date,
    youngest: int,
    oldest: int,
    female_share: float = 0.3,
    email_domain: str | None = None,
) -> Person:
    sex = Sex.FEMALE if rng.random() < female_share else Sex.MALE
    if sex == Sex.FEMALE:
        first, last = rng.choice(FEMALE_FIRST), rng.choice(FEMALE_LAST)
    else:
        first, last = rng.choice(MALE_FIRST), rng.choice(MALE_LAST)
    # About one in four Indonesians here goes by a longer name with a middle element.
    if rng.random() < 0.25:
        middle = rng.choice(FEMALE_FIRST if sex == Sex.FEMALE else MALE_FIRST)
        if middle != first:
            first = f"{first} {middle}"
    full_name = f"{first} {last}"
    birth = birth_date_for_age(rng, today, youngest, oldest)
    nik, city = niks.make(birth, sex)
    phone = rng.choice(MOBILE_PREFIXES) + "".join(str(rng.randint(0, 9)) for _ in range(8))
    email = None
    if email_domain:
        local = full_name.lower().replace(" ", ".")
        email = f"{local}{rng.randint(1, 99)}@{email_domain}"
    return Person(full_name, sex, birth, nik, city, phone, email)


def sim_number(rng: random.Random, birth_date: date) -> str:
    """A 14-digit SIM number: area code, birth year and month, serial."""
    area = rng.choice(("0901", "0902", "0905", "1001", "1002"))
    return f"{area}{birth_date.year % 100:02d}{birth_date.month:02d}{rng.randint(1, 999999):06d}"


def fitting_sim_class(
    rng: random.Random, birth_date: date, today: date, wanted: tuple[SimClass, ...]
) -> SimClass | None:
    """One of ``wanted`` that the person is old enough for (Perpol 5/2021), or None."""
    age = age_on(birth_date, today)
    allowed = [c for c in wanted if SIM_MINIMUM_AGE[c] <= age]
    return rng.choice(allowed) if allowed else None
