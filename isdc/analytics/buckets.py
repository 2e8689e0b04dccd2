"""Local calendar buckets and durations as SQL, the same on SQLite and PostgreSQL.

Timestamps are stored in UTC; analytics count by the site's local month, week or day
(Asia/Jakarta: a run at 23:30 UTC on 31 May belongs to June in Serpong). PostgreSQL converts
with ``AT TIME ZONE``; SQLite has no zone database, so the zone's UTC offset is added - exact
for Indonesian zones, which keep no daylight saving time.

    select(local_month(Run.started_at, "Asia/Jakarta"), func.count()).group_by(...)
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Float, String, literal_column
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

_ZONE_NAME = re.compile(r"^[A-Za-z0-9_+\-/]{1,64}$")


def _zone_literal(tz: str) -> Any:
    # The zone is part of the SQL text (and so of SQLAlchemy's statement cache key); it comes
    # from Site.timezone, never from a request, and is checked here all the same.
    if not _ZONE_NAME.match(tz):
        raise ValueError(f"not a time zone name: {tz!r}")
    ZoneInfo(tz)
    return literal_column(f"'{tz}'")


class _LocalBucket(FunctionElement[str]):
    type = String()
    inherit_cache = True

    def __init__(self, timestamp: Any, tz: str):
        super().__init__(timestamp, _zone_literal(tz))


class local_month(_LocalBucket):  # noqa: N801 - reads like the SQL function it is
    """``'YYYY-MM'`` of a UTC timestamp in the zone's local time."""

    name = "local_month"
    inherit_cache = True


class local_week(_LocalBucket):  # noqa: N801
    """``'YYYY-MM-DD'`` of the Monday starting the local ISO week of a UTC timestamp."""

    name = "local_week"
    inherit_cache = True


class local_day(_LocalBucket):  # noqa: N801
    """``'YYYY-MM-DD'`` of a UTC timestamp in the zone's local time."""

    name = "local_day"
    inherit_cache = True


class days_between(FunctionElement[float]):  # noqa: N801
    """``later - earlier`` in days (fractional), for two UTC timestamp columns."""

    type = Float()
    inherit_cache = True
    name = "days_between"


def _parts(element: FunctionElement[Any], compiler: Any, **kw: Any) -> tuple[str, str]:
    timestamp, zone = list(element.clauses)
    return compiler.process(timestamp, **kw), zone.name.strip("'")


def _sqlite_shift(tz: str) -> str:
    offset = datetime.now(ZoneInfo(tz)).utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset else 0
    return f"'{minutes:+d} minutes'"


@compiles(local_month, "sqlite")
def _month_sqlite(element: local_month, compiler: Any, **kw: Any) -> str:
    column, tz = _parts(element, compiler, **kw)
    return f"strftime('%Y-%m', {column}, {_sqlite_shift(tz)})"


@compiles(local_month, "postgresql")
def _month_postgresql(element: local_month, compiler: Any, **kw: Any) -> str:
    column, tz = _parts(element, compiler, **kw)
    return f"to_char(({column}) AT TIME ZONE '{tz}', 'YYYY-MM')"


@compiles(local_week, "sqlite")
def _week_sqlite(element: local_week, compiler: Any, **kw: Any) -> str:
    column, tz = _parts(element, compiler, **kw)
    # 'weekday 0' moves forward to Sunday (or stays on it); six days back is that week's Monday.
    return f"date({column}, {_sqlite_shift(tz)}, 'weekday 0', '-6 days')"


@compiles(local_week, "postgresql")
def _week_postgresql(element: local_week, compiler: Any, **kw: Any) -> str:
    column, tz = _parts(element, compiler, **kw)
    return f"to_char(date_trunc('week', ({column}) AT TIME ZONE '{tz}'), 'YYYY-MM-DD')"


@compiles(local_day, "sqlite")
def _day_sqlite(element: local_day, compiler: Any, **kw: Any) -> str:
    column, tz = _parts(element, compiler, **kw)
    return f"date({column}, {_sqlite_shift(tz)})"


@compiles(local_day, "postgresql")
def _day_postgresql(element: local_day, compiler: Any, **kw: Any) -> str:
    column, tz = _parts(element, compiler, **kw)
    return f"to_char(({column}) AT TIME ZONE '{tz}', 'YYYY-MM-DD')"


@compiles(days_between, "sqlite")
def _days_sqlite(element: days_between, compiler: Any, **kw: Any) -> str:
    later, earlier = (compiler.process(c, **kw) for c in element.clauses)
    return f"(julianday({later}) - julianday({earlier}))"


@compiles(days_between, "postgresql")
def _days_postgresql(element: days_between, compiler: Any, **kw: Any) -> str:
    later, earlier = (compiler.process(c, **kw) for c in element.clauses)
    return f"(EXTRACT(EPOCH FROM ({later}) - ({earlier})) / 86400.0)"


class date_month(FunctionElement[str]):  # noqa: N801
    """``'YYYY-MM'`` of a DATE column (already a local calendar day, so no zone)."""

    type = String()
    inherit_cache = True
    name = "date_month"


@compiles(date_month, "sqlite")
def _date_month_sqlite(element: date_month, compiler: Any, **kw: Any) -> str:
    (column,) = (compiler.process(c, **kw) for c in element.clauses)
    return f"strftime('%Y-%m', {column})"


@compiles(date_month, "postgresql")
def _date_month_postgresql(element: date_month, compiler: Any, **kw: Any) -> str:
    (column,) = (compiler.process(c, **kw) for c in element.clauses)
    return f"to_char({column}, 'YYYY-MM')"
