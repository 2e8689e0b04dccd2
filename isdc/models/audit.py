"""The audit log: who did what, when.

Two ways in, both writing :class:`AuditLog` rows in the same transaction as the change:

* **automatic** - every ORM insert, update and delete of a model is recorded by a session hook
  (``after_flush``) with the changed values; models opt out with ``__audited__ = False`` and
  hide columns with ``__audit_redact__``/``__audit_ignore__``;
* **explicit** - :func:`audit` for events that are not row changes: login, failed login,
  logout, certificate issue/print/download/revoke.

Who the actor is comes from :func:`current_actor`: the web layer installs a provider that reads
the logged-in user and client address; CLI commands wrap their work in :func:`acting_as`.
Bulk inserts through SQLAlchemy Core (demo data, benchmarks) bypass the hook on purpose.
"""

from __future__ import annotations

import contextlib
import enum
import uuid
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from sqlalchemy import ForeignKey, Index, String, event, inspect
from sqlalchemy.orm import Mapped, Session, mapped_column

from isdc.models.base import Base, BigIntId, utcnow


class AuditAction(enum.StrEnum):
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
    LOGIN = "login"
    LOGIN_FAILED = "login_failed"
    LOGOUT = "logout"
    ISSUE = "issue"
    PRINT = "print"
    DOWNLOAD = "download"
    REVOKE = "revoke"
    IMPORT = "import"
    BACKUP = "backup"
    TOKEN = "token"  # a station token issued or revoked
    DEMO = "demo"


class AuditLog(Base):
    __tablename__ = "audit_log"
    __audited__ = False
    __table_args__ = (
        Index("ix_audit_log_entity_type_entity_id", "entity_type", "entity_id"),
        Index("ix_audit_log_at", "at"),
        Index("ix_audit_log_actor_id_at", "actor_id", "at"),
    )

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # Kept even if the account goes: "admin", "cli:root", "station:SIM-01", "anonymous".
    actor_name: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(32))
    entity_type: Mapped[str | None] = mapped_column(String(64))
    entity_id: Mapped[str | None] = mapped_column(String(64))
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
    ip: Mapped[str | None] = mapped_column(String(45))
    site_id: Mapped[int | None] = mapped_column(ForeignKey("sites.id", ondelete="SET NULL"))


@dataclass(frozen=True)
class Actor:
    """Who is acting: a user (by id) or a named process, and from where."""

    name: str
    user_id: int | None = None
    ip: str | None = None
    site_id: int | None = None


SYSTEM = Actor("system")
_override: ContextVar[Actor | None] = ContextVar("isdc_audit_actor", default=None)
_suspended: ContextVar[bool] = ContextVar("isdc_audit_suspended", default=False)
_provider: Callable[[], Actor | None] = lambda: None  # noqa: E731 - replaced by the web layer


def set_actor_provider(provider: Callable[[], Actor | None]) -> None:
    """Install the function that names the actor when no :func:`acting_as` is in force."""
    global _provider
    _provider = provider


def current_actor() -> Actor:
    return _override.get() or _provider() or SYSTEM


@contextlib.contextmanager
def acting_as(actor: Actor) -> Iterator[None]:
    token = _override.set(actor)
    try:
        yield
    finally:
        _override.reset(token)


@contextlib.contextmanager
def suspended() -> Iterator[None]:
    """Stop automatic row auditing (bulk loads that log one summary entry instead)."""
    token = _suspended.set(True)
    try:
        yield
    finally:
        _suspended.reset(token)


def audit(
    session: Session,
    action: AuditAction | str,
    entity: Base | None = None,
    *,
    entity_type: str | None = None,
    entity_id: Any = None,
    actor: Actor | None = None,
    **details: Any,
) -> AuditLog:
    """Record a domain event in ``session`` (committed with the caller's transaction)."""
    actor = actor or current_actor()
    if entity is not None:
        entity_type = entity_type or type(entity).__name__
        if entity_id is None:
            entity_id = _identity(entity)
    entry = AuditLog(
        actor_id=actor.user_id,
        actor_name=actor.name,
        action=str(action),
        entity_type=entity_type,
        entity_id=None if entity_id is None else str(entity_id),
        details=_jsonable(details),
        ip=actor.ip,
        site_id=actor.site_id,
    )
    session.add(entry)
    return entry


def _identity(obj: Base) -> str | None:
    # From the mapped columns, not the identity key: after_flush runs before new objects
    # receive their identity key, but their primary keys are already populated.
    key = inspect(type(obj)).primary_key_from_instance(obj)
    if all(k is None for k in key):
        return None
    return ",".join(str(k) for k in key)


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    return repr(value)


_REDACTED = "***"


def _column_values(obj: Base) -> dict[str, Any]:
    cls = type(obj)
    values: dict[str, Any] = {}
    for attr in inspect(cls).column_attrs:
        key = attr.key
        if key in cls.__audit_ignore__:
            continue
        value = getattr(obj, key)
        values[key] = _REDACTED if key in cls.__audit_redact__ and value is not None else value
    return _jsonable(values)


def _changes(obj: Base) -> dict[str, list[Any]]:
    cls = type(obj)
    state = inspect(obj)
    changed: dict[str, list[Any]] = {}
    for attr in inspect(cls).column_attrs:
        key = attr.key
        if key in cls.__audit_ignore__:
            continue
        history = state.attrs[key].history
        if not history.has_changes():
            continue
        old = history.deleted[0] if history.deleted else None
        new = history.added[0] if history.added else None
        if old == new:
            continue
        if key in cls.__audit_redact__:
            changed[key] = [_REDACTED, _REDACTED]
        else:
            changed[key] = [_jsonable(old), _jsonable(new)]
    return changed


def _is_audited(obj: object) -> bool:
    return isinstance(obj, Base) and type(obj).__audited__


@event.listens_for(Session, "after_flush")
def _record_row_changes(session: Session, flush_context: Any) -> None:
    if _suspended.get():
        return
    rows: list[dict[str, Any]] = []
    actor: Actor | None = None

    def add(action: AuditAction, obj: Base, details: dict[str, Any]) -> None:
        nonlocal actor
        actor = actor or current_actor()
        rows.append(
            {
                "at": utcnow(),
                "actor_id": actor.user_id,
                "actor_name": actor.name,
                "action": action.value,
                "entity_type": type(obj).__name__,
                "entity_id": _identity(obj),
                "details": details,
                "ip": actor.ip,
                "site_id": actor.site_id,
            }
        )

    for obj in session.new:
        if _is_audited(obj):
            add(AuditAction.CREATE, obj, {"values": _column_values(obj)})
    for obj in session.dirty:
        if _is_audited(obj) and (changes := _changes(obj)):
            add(AuditAction.UPDATE, obj, {"changes": changes})
    for obj in session.deleted:
        if _is_audited(obj):
            add(AuditAction.DELETE, obj, {"values": _column_values(obj)})
    if rows:
        # Core insert on the flushing connection: same transaction, no nested ORM flush.
        session.connection().execute(AuditLog.__table__.insert(), rows)
