"""Certificate serial numbers ``ISDC/<year>/<course code>/<number>``: format and parse.

Numbers run without gaps per (year, course); handing them out safely under concurrent issuing
is the database's job (see docs/certificates.md). This module only writes and reads serials.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

PREFIX = "ISDC"
NUMBER_WIDTH = 5  # zero-padded to five digits; larger numbers keep all their digits
MAX_COURSE_CODE = 24

# Course codes go into the serial between slashes and into file names, so they are limited to
# letters, digits, dots and hyphens. Validate course codes with this when a course is created.
_COURSE_CODE = re.compile(r"^[A-Z0-9](?:[A-Z0-9.\-]*[A-Z0-9])?$")
_SERIAL = re.compile(r"^([A-Z]+)/(\d{4})/([^/\s]+)/(\d+)$")


class SerialError(ValueError):
    """A serial (or a part of one) is not in the ``ISDC/<year>/<course>/<number>`` form."""


@dataclass(frozen=True, order=True)
class Serial:
    """A parsed serial; ``str(serial)`` is its canonical text."""

    year: int
    course_code: str
    number: int
    prefix: str = PREFIX

    def __str__(self) -> str:
        return f"{self.prefix}/{self.year:04d}/{self.course_code}/{self.number:0{NUMBER_WIDTH}d}"

    @property
    def file_stem(self) -> str:
        """The serial with its slashes turned into hyphens, for file names."""
        return str(self).replace("/", "-")


def validate_course_code(course_code: str) -> str:
    """The course code in upper case, or SerialError saying why it cannot go into a serial."""
    code = course_code.strip().upper()
    if not code:
        raise SerialError("the course code is empty")
    if len(code) > MAX_COURSE_CODE:
        raise SerialError(f"the course code {code!r} is longer than {MAX_COURSE_CODE} characters")
    if not _COURSE_CODE.match(code):
        raise SerialError(
            f"the course code {code!r} may contain only letters A-Z, digits, dots and hyphens, "
            "and must start and end with a letter or digit"
        )
    return code


def format_serial(year: int, course_code: str, number: int, prefix: str = PREFIX) -> str:
    """``ISDC/2026/DD-01/00042`` for year 2026, course DD-01, number 42."""
    return str(make_serial(year, course_code, number, prefix))


def make_serial(year: int, course_code: str, number: int, prefix: str = PREFIX) -> Serial:
    """A checked :class:`Serial` from its parts."""
    if not 2000 <= year <= 9999:
        raise SerialError(f"the year {year} is outside 2000-9999")
    if number < 1:
        raise SerialError(f"serial numbers start at 1, not {number}")
    if not re.fullmatch(r"[A-Z]+", prefix):
        raise SerialError(f"the serial prefix {prefix!r} must be capital letters")
    return Serial(
        year=year, course_code=validate_course_code(course_code), number=number, prefix=prefix
    )


def parse_serial(text: str, prefix: str = PREFIX) -> Serial:
    """The :class:`Serial` written in ``text`` (case and surrounding spaces ignored)."""
    match = _SERIAL.match(text.strip().upper())
    if not match:
        raise SerialError(
            f"{text.strip()!r} is not a serial of the form {prefix}/<year>/<course code>/<number>"
        )
    found_prefix, year, course_code, number = match.groups()
    if found_prefix != prefix:
        raise SerialError(f"the serial {text.strip()!r} does not start with {prefix}/")
    return make_serial(int(year), course_code, int(number), prefix)
