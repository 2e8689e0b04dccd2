"""Login accounts and their roles."""

from __future__ import annotations

import enum
import re
import secrets
from datetime import datetime
from functools import cache
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from isdc.models.base import Base, IdMixin, TimestampMixin, enum_type
from isdc.models.rules import N_, RuleViolation

if TYPE_CHECKING:
    from isdc.models.people import Instructor, Trainee
    from isdc.models.site import Site


class Role(enum.StrEnum):
    ADMIN = "admin"
    INSTRUCTOR = "instructor"
    TRAINEE = "trainee"


class UiLocale(enum.StrEnum):
    INDONESIAN = "id"
    ENGLISH = "en"


USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{2,63}$")
MIN_PASSWORD_LENGTH = 8


@cache
def _dummy_hash() -> str:
    # Compared against when the username is unknown, so that a wrong username takes as long as
    # a wrong password and response times do not reveal which accounts exist.
    return generate_password_hash(secrets.token_hex(16))


def normalise_username(raw: str) -> str:
    return (raw or "").strip().lower()


def username_problems(username: str) -> list[RuleViolation]:
    if not USERNAME_PATTERN.match(username):
        return [
            RuleViolation(
                "username",
                N_(
                    "Username must be 3-64 characters: lower-case letters, digits, dot, "
                    "dash or underscore, starting with a letter or digit."
                ),
            )
        ]
    return []


def password_problems(password: str) -> list[RuleViolation]:
    if not password:
        return [RuleViolation("password", N_("Password is required."))]
    if len(password) < MIN_PASSWORD_LENGTH:
        return [
            RuleViolation(
                "password",
                N_("Password must be at least %(minimum)d characters."),
                {"minimum": MIN_PASSWORD_LENGTH},
            )
        ]
    return []


class User(IdMixin, TimestampMixin, Base):
    """A login. Trainee and instructor accounts link to the person's record."""

    __tablename__ = "users"
    __audit_ignore__ = frozenset({"created_at", "updated_at", "last_login_at"})
    __audit_redact__ = frozenset({"password_hash", "session_nonce"})

    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(enum_type(Role))
    display_name: Mapped[str] = mapped_column(String(200), default="")
    locale: Mapped[UiLocale] = mapped_column(enum_type(UiLocale, 8), default=UiLocale.INDONESIAN)
    active: Mapped[bool] = mapped_column(default=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), index=True)
    trainee_id: Mapped[int | None] = mapped_column(ForeignKey("trainees.id"), unique=True)
    instructor_id: Mapped[int | None] = mapped_column(ForeignKey("instructors.id"), unique=True)
    # Part of the login cookie: changing it (new password, deactivation) ends every session.
    session_nonce: Mapped[str] = mapped_column(String(32), default=lambda: secrets.token_hex(8))
    last_login_at: Mapped[datetime | None]

    site: Mapped[Site] = relationship()
    trainee: Mapped[Trainee | None] = relationship()
    instructor: Mapped[Instructor | None] = relationship()

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)
        self.session_nonce = secrets.token_hex(8)

    def check_password(self, password: str) -> bool:
        return bool(self.password_hash) and check_password_hash(self.password_hash, password)

    @staticmethod
    def spend_password_check_time(password: str) -> None:
        """Do the work of a password check for an unknown username (timing parity)."""
        check_password_hash(_dummy_hash(), password)

    # Flask-Login's user protocol, written out so models need no Flask import.
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return f"{self.id}:{self.session_nonce}"

    def end_all_sessions(self) -> None:
        self.session_nonce = secrets.token_hex(8)

    @property
    def name(self) -> str:
        return self.display_name or self.username
