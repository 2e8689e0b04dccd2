"""Writing lists as CSV that Excel opens correctly: UTF-8 with a BOM (without it Excel reads
the names as Windows-1252), and cells that look like formulas made harmless."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date

from isdc.imports.columns import TRAINEE_COLUMNS
from isdc.imports.csvfile import UTF8_BOM
from isdc.models import Sex, Trainee

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """The cell's text; one starting like a formula gets a leading apostrophe, which Excel
    hides and our import removes again (a phone number "+62..." stays a phone number)."""
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def csv_bytes(
    header: Sequence[str], rows: Iterable[Sequence[object]], delimiter: str = ","
) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return UTF8_BOM + buffer.getvalue().encode("utf-8")


def trainee_header(locale: str) -> list[str]:
    return [c.header(locale) for c in TRAINEE_COLUMNS]


def trainee_cells(trainee: Trainee, organisation_name: str | None, locale: str) -> list[object]:
    """One trainee in the columns of the import format, so an export can be imported again."""
    if locale == "en":
        sex = "M" if trainee.sex == Sex.MALE else "F"
    else:
        sex = "L" if trainee.sex == Sex.MALE else "P"
    return [
        trainee.nik,
        trainee.full_name,
        trainee.birth_date,
        sex,
        trainee.phone,
        trainee.email,
        trainee.city,
        organisation_name,
        trainee.sim_class.value if trainee.sim_class else None,
        trainee.sim_number,
        trainee.sim_valid_until,
    ]


def trainee_template(locale: str, delimiter: str = ",") -> bytes:
    """The empty import template: just the header line."""
    return csv_bytes(trainee_header(locale), [], delimiter)
