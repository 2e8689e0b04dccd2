"""The declarative base shared by every model: naming rules, UTC timestamps, enum columns.

Models import only SQLAlchemy (no Flask), so scripts and benchmarks can use them with a plain
``Session``. ``isdc.extensions.db`` is built on this base, so ``db.session`` sees every model.
"""

from __future__ import annotations

import enum
import sqlite3
from datetime import UTC, date, datetime
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import JSON, BigInteger, DateTime, Dialect, Integer, MetaData, event
from sqlalchemy import Enum as SAEnum
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

# Every constraint gets a predictable name: Alembic's batch mode (SQLite) and later migrations
# can then drop or alter them by name on both SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


# The centre's zone (WIB). Regional sites carry their own zone in Site.timezone.
DEFAULT_TIMEZONE = ZoneInfo("Asia/Jakarta")


def utcnow() -> datetime:
    """Now, timezone-aware in UTC: what every timestamp column stores."""
    return datetime.now(UTC)


def local_today(tz: ZoneInfo = DEFAULT_TIMEZONE) -> date:
    """Today's date where the centre is (not in UTC: at 06:00 WIB, UTC is still yesterday)."""
    return datetime.now(tz).date()


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and always returned timezone-aware (UTC).

    PostgreSQL keeps ``timestamp with time zone``; SQLite has no zone support, so the value is
    stored as naive UTC and made aware again on the way out. Naive datetimes are refused on the
    way in: a naive local time written by mistake would silently be off by seven hours.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value!r}: store timezone-aware datetimes (UTC)")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


E = TypeVar("E", bound=enum.Enum)


def enum_type(enum_cls: type[E], length: int = 32) -> SAEnum:
    """A portable enum column: the member *values* in a VARCHAR, no native PostgreSQL enum.

    Native enums need ``ALTER TYPE`` migrations for every new state; a VARCHAR does not, and
    SQLAlchemy still refuses unknown values on write.
    """
    return SAEnum(
        enum_cls,
        native_enum=False,
        create_constraint=False,
        length=length,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


# 64-bit ids where tables grow without bound; SQLite needs INTEGER for its rowid alias.
BigIntId = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {
        datetime: UTCDateTime(),
        # JSONB on PostgreSQL: binary, indexable, queryable for analytics.
        dict[str, Any]: JSON().with_variant(postgresql.JSONB(), "postgresql"),
        list[Any]: JSON().with_variant(postgresql.JSONB(), "postgresql"),
    }

    # Audit: every insert/update/delete of a model is logged unless the class opts out
    # (bulk, derived rows) or the change touches only the columns listed here.
    __audited__: bool = True
    __audit_ignore__: frozenset[str] = frozenset({"created_at", "updated_at"})
    __audit_redact__: frozenset[str] = frozenset()

    def __repr__(self) -> str:
        ident = getattr(self, "id", None)
        return f"<{type(self).__name__} {ident}>"


class IdMixin:
    id: Mapped[int] = mapped_column(primary_key=True, sort_order=-100)


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(default=utcnow, sort_order=100)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow, sort_order=100)


class RecordStatus(enum.StrEnum):
    """Records that carry history are retired, never deleted."""

    ACTIVE = "active"
    RETIRED = "retired"


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection: Any, connection_record: Any) -> None:
    """SQLite: enforce foreign keys (off by default), wait for locks, let readers run beside
    the writer (WAL) - two server workers share the file."""
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=15000")
        if cursor.execute("PRAGMA database_list").fetchone()[2]:  # a file, not :memory:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
    finally:
        cursor.close()
