"""Reading the CSV files companies and schools send: UTF-8 with or without BOM, comma or
semicolon (Excel with Indonesian regional settings writes semicolons), blank lines ignored,
every other encoding refused with a message that says how to save the file properly."""

from __future__ import annotations

import codecs
import csv
import io
from dataclasses import dataclass

from isdc.models.rules import N_, InvalidRecord, RuleViolation

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
DELIMITERS = (",", ";", "\t")
UTF8_BOM = codecs.BOM_UTF8


@dataclass(frozen=True)
class CsvRow:
    line: int  # line of the file where the row starts (the header is usually line 1)
    values: list[str]


@dataclass(frozen=True)
class CsvTable:
    header: list[str]
    header_line: int
    rows: list[CsvRow]
    delimiter: str


def _file_problem(message: str, **params: object) -> InvalidRecord:
    return InvalidRecord([RuleViolation("file", message, dict(params))])


def decode(data: bytes) -> str:
    """The file's text; raises :class:`InvalidRecord` for anything but UTF-8."""
    if len(data) > MAX_BYTES:
        raise _file_problem(
            N_("The file is larger than %(maximum)d MB; split it into smaller files."),
            maximum=MAX_BYTES // (1024 * 1024),
        )
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise _file_problem(
            N_(
                'The file is saved as UTF-16 ("Unicode text"). In Excel choose '
                'Save As > "CSV UTF-8 (Comma delimited)" and upload that file.'
            )
        )
    if data.startswith(UTF8_BOM):
        data = data[len(UTF8_BOM) :]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise _file_problem(
            N_(
                "The file is not UTF-8: byte 0x%(byte)s on line %(line)d cannot be read. "
                'In Excel choose Save As > "CSV UTF-8 (Comma delimited)".'
            ),
            byte=f"{data[error.start]:02X}",
            line=line,
        ) from error
    if "\x00" in text:
        raise _file_problem(N_("This is not a CSV file (it contains binary data)."))
    if not text.strip():
        raise _file_problem(N_("The file is empty."))
    return text


def _is_blank(values: list[str]) -> bool:
    return all(not v.strip() for v in values)


def sniff_delimiter(first_line: str) -> str:
    """The separator used in the header line: the most frequent of comma, semicolon, tab
    outside quotes."""
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for char in first_line:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def read_csv_table(data: bytes) -> CsvTable:
    """Header and rows of an uploaded CSV file, blank lines left out. Raises
    :class:`InvalidRecord` for a file that cannot be read at all."""
    text = decode(data)
    first_line = next(line for line in text.splitlines() if line.strip())
    delimiter = sniff_delimiter(first_line)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header: list[str] | None = None
    header_line = 0
    rows: list[CsvRow] = []
    start = 1
    try:
        for values in reader:
            line = start
            start = reader.line_num + 1
            if _is_blank(values):
                continue
            if header is None:
                header, header_line = [v.strip().lstrip("\ufeff") for v in values], line
                continue
            rows.append(CsvRow(line, [v.strip() for v in values]))
            if len(rows) > MAX_ROWS:
                raise _file_problem(
                    N_("The file has more than %(maximum)d rows; split it into smaller files."),
                    maximum=MAX_ROWS,
                )
    except csv.Error as error:
        raise _file_problem(
            N_("Line %(line)d cannot be read as CSV (%(error)s)."),
            line=reader.line_num,
            error=str(error),
        ) from error
    assert header is not None  # decode() refused blank files
    if not rows:
        raise _file_problem(N_("The file has a header but no rows."))
    return CsvTable(header, header_line, rows, delimiter)
