"""The trainee CSV format: its columns (headers in Indonesian or English) and how each cell is
read - dates as DD/MM/YYYY or YYYY-MM-DD, sex as L/P or M/F, SIM classes as written on the card
("B I Umum" or "B1 Umum"), NIKs with spaces or an Excel apostrophe."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from email_validator import EmailNotValidError, validate_email

from isdc.models import Sex, SimClass
from isdc.models.identity import normalise_nik
from isdc.models.rules import N_, RuleViolation


@dataclass(frozen=True)
class Column:
    key: str
    id: str  # header in Indonesian
    en: str  # header in English
    required: bool = False

    def header(self, locale: str) -> str:
        return self.en if locale == "en" else self.id


TRAINEE_COLUMNS: tuple[Column, ...] = (
    Column("nik", "NIK", "NIK", required=True),
    Column("full_name", "Nama lengkap", "Full name", required=True),
    Column("birth_date", "Tanggal lahir", "Birth date", required=True),
    Column("sex", "Jenis kelamin", "Sex", required=True),
    Column("phone", "Telepon", "Phone"),
    Column("email", "Email", "Email"),
    Column("city", "Kota", "City"),
    Column("organisation", "Organisasi", "Organisation"),
    Column("sim_class", "Golongan SIM", "SIM class"),
    Column("sim_number", "Nomor SIM", "SIM number"),
    Column("sim_valid_until", "SIM berlaku sampai", "SIM valid until"),
)
# An enrolment list names trainees by NIK and name; the other columns are needed only for
# trainees not yet in the records (who are created on import).
ENROLMENT_REQUIRED = frozenset({"nik", "full_name"})

_ALIASES = {
    "nama": "full_name",
    "name": "full_name",
    "nama peserta": "full_name",
    "tgl lahir": "birth_date",
    "date of birth": "birth_date",
    "jk": "sex",
    "l/p": "sex",
    "gender": "sex",
    "no hp": "phone",
    "nomor hp": "phone",
    "no telepon": "phone",
    "e-mail": "email",
    "instansi": "organisation",
    "perusahaan": "organisation",
    "sekolah": "organisation",
    "organization": "organisation",
    "sim": "sim_class",
    "no sim": "sim_number",
}


def _normal_header(text: str) -> str:
    return re.sub(r"[\s_.\-]+", " ", text.strip().strip('"').lower()).strip()


def column_for_header(text: str, columns: tuple[Column, ...] = TRAINEE_COLUMNS) -> str | None:
    """The column key a header names (key, Indonesian or English header, common aliases)."""
    wanted = _normal_header(text)
    for column in columns:
        if wanted in {_normal_header(column.key), _normal_header(column.id),
                      _normal_header(column.en)}:  # fmt: skip
            return column.key
    alias = _ALIASES.get(wanted) or _ALIASES.get(wanted.replace(" ", ""))
    return alias if alias in {c.key for c in columns} else None


@dataclass(frozen=True)
class HeaderMap:
    positions: dict[str, int]  # column key -> position in the row
    ignored: list[str]  # headers that name no column
    problems: list[RuleViolation]


def match_header(
    header: list[str], required: frozenset[str], columns: tuple[Column, ...] = TRAINEE_COLUMNS
) -> HeaderMap:
    positions: dict[str, int] = {}
    ignored: list[str] = []
    problems: list[RuleViolation] = []
    for index, text in enumerate(header):
        key = column_for_header(text, columns)
        if key is None:
            if text:
                ignored.append(text)
            continue
        if key in positions:
            problems.append(
                RuleViolation("file", N_("The column \"%(column)s\" appears twice."),
                              {"column": text})
            )  # fmt: skip
            continue
        positions[key] = index
    missing = [c for c in columns if c.key in required and c.key not in positions]
    if missing:
        problems.append(
            RuleViolation(
                "file",
                N_("Required columns are missing: %(columns)s. The first line must name the "
                   "columns, as in the template."),
                {"columns": ", ".join(c.id for c in missing)},
            )
        )  # fmt: skip
    return HeaderMap(positions, ignored, problems)


# --- cells ---------------------------------------------------------------------------------

_SCIENTIFIC = re.compile(r"^\d+(?:[.,]\d+)?[eE]\+?\d+$")
_FORMULA_START = ("=", "+", "-", "@")


def clean_cell(value: str) -> str:
    """Undo what spreadsheets and our own export add: surrounding spaces, and the apostrophe
    that keeps Excel from reading a cell as a number or formula."""
    value = value.strip()
    if value.startswith("'") and (value[1:2].isdigit() or value[1:2] in _FORMULA_START):
        value = value[1:]
    return value


def parse_nik(value: str) -> tuple[str, list[RuleViolation]]:
    if _SCIENTIFIC.match(value):
        return value, [
            RuleViolation(
                "nik",
                N_("The NIK %(value)s was shortened by Excel; format the column as text and "
                   "type the 16 digits again."),
                {"value": value},
            )
        ]  # fmt: skip
    return normalise_nik(value), []


_DATE_FORMATS = (
    re.compile(r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})$"),
    re.compile(r"^(?P<d>\d{1,2})[/.\-](?P<m>\d{1,2})[/.\-](?P<y>\d{4})$"),
)


def parse_date(value: str, field: str) -> tuple[date | None, list[RuleViolation]]:
    """DD/MM/YYYY (also with - or .) or YYYY-MM-DD; never the American month first."""
    for pattern in _DATE_FORMATS:
        match = pattern.match(value)
        if match:
            try:
                return date(int(match["y"]), int(match["m"]), int(match["d"])), []
            except ValueError:
                break
    return None, [
        RuleViolation(
            field,
            N_('"%(value)s" is not a date; write DD/MM/YYYY (17/05/1990) or YYYY-MM-DD.'),
            {"value": value},
        )
    ]


_SEXES = {
    "l": Sex.MALE, "laki-laki": Sex.MALE, "laki laki": Sex.MALE, "pria": Sex.MALE,
    "m": Sex.MALE, "male": Sex.MALE,
    "p": Sex.FEMALE, "perempuan": Sex.FEMALE, "wanita": Sex.FEMALE, "f": Sex.FEMALE,
    "female": Sex.FEMALE, "w": Sex.FEMALE,
}  # fmt: skip


def parse_sex(value: str) -> tuple[Sex | None, list[RuleViolation]]:
    sex = _SEXES.get(value.strip().lower())
    if sex is None:
        return None, [
            RuleViolation(
                "sex",
                N_('"%(value)s" is not a sex; write L or P (laki-laki, perempuan).'),
                {"value": value},
            )
        ]
    return sex, []


def _sim_key(text: str) -> str:
    text = re.sub(r"\s+", " ", text.strip().upper().replace("SIM ", ""))
    text = re.sub(r"\bII\b", "2", text)
    text = re.sub(r"\bI\b", "1", text)
    return (
        text.replace("B 1", "B1")
        .replace("B 2", "B2")
        .replace("C 1", "C1")
        .replace("C 2", "C2")
        .replace("D 1", "D1")
    )


_SIM_CLASSES = {_sim_key(c.value): c for c in SimClass}


def parse_sim_class(value: str) -> tuple[SimClass | None, list[RuleViolation]]:
    sim_class = _SIM_CLASSES.get(_sim_key(value))
    if sim_class is None:
        return None, [
            RuleViolation(
                "sim_class",
                N_("\"%(value)s\" is not a SIM class (A, A Umum, B1, B1 Umum, B2, B2 Umum, C, "
                   "C1, C2, D, D1)."),
                {"value": value},
            )
        ]  # fmt: skip
    return sim_class, []


def parse_email(value: str) -> tuple[str | None, list[RuleViolation]]:
    try:
        return validate_email(value, check_deliverability=False).normalized, []
    except EmailNotValidError:
        return None, [
            RuleViolation("email", N_('"%(value)s" is not an email address.'), {"value": value})
        ]


_PHONE = re.compile(r"^\+?[\d\s\-().]{6,24}$")


def parse_phone(value: str) -> tuple[str | None, list[RuleViolation]]:
    if not _PHONE.match(value):
        return None, [
            RuleViolation("phone", N_('"%(value)s" is not a phone number.'), {"value": value})
        ]
    return value, []


def too_long(field: str, value: str, maximum: int) -> list[RuleViolation]:
    if len(value) <= maximum:
        return []
    return [
        RuleViolation(
            field,
            N_("%(value)s... is longer than %(maximum)d characters."),
            {"value": value[:20], "maximum": maximum},
        )
    ]
