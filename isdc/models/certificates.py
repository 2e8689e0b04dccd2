"""Certificates: issued once, stored as PDF, verifiable by code, revoked (never deleted).

What the certificate says (holder, course, dates) is copied onto the row at issue, so a later
change to a trainee's profile or a course title never changes an issued certificate.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, String, Text, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from isdc.models.base import Base, IdMixin, TimestampMixin, enum_type, utcnow

if TYPE_CHECKING:
    from isdc.models.courses import Course
    from isdc.models.enrolment import Enrolment
    from isdc.models.people import Trainee


class CertificateStatus(enum.StrEnum):
    VALID = "valid"
    REVOKED = "revoked"


class EffectiveStatus(enum.StrEnum):
    """What a verifier is told; ``expired`` is derived from ``valid_until``, never stored."""

    VALID = "valid"
    REVOKED = "revoked"
    EXPIRED = "expired"


class Certificate(IdMixin, TimestampMixin, Base):
    __tablename__ = "certificates"
    __table_args__ = (
        # One valid certificate per enrolment; a reissue revokes the old one first.
        Index(
            "uq_certificates_valid_enrolment_id",
            "enrolment_id",
            unique=True,
            sqlite_where=text("status = 'valid'"),
            postgresql_where=text("status = 'valid'"),
        ),
        Index("ix_certificates_enrolment_id", "enrolment_id"),
        Index("ix_certificates_trainee_id", "trainee_id"),
        Index("ix_certificates_course_id_issued_at", "course_id", "issued_at"),
        Index("ix_certificates_valid_until", "valid_until"),
    )

    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    serial: Mapped[str] = mapped_column(String(64), unique=True)  # ISDC/2026/DDC/0001
    # Printed and in the QR code; >= 80 random bits (SPEC §9).
    verification_code: Mapped[str] = mapped_column(String(32), unique=True)
    trainee_id: Mapped[int] = mapped_column(ForeignKey("trainees.id"))
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolments.id"))
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"))
    session_id: Mapped[int] = mapped_column(ForeignKey("course_sessions.id"), index=True)
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    valid_until: Mapped[date | None]  # None: does not expire
    status: Mapped[CertificateStatus] = mapped_column(
        enum_type(CertificateStatus), default=CertificateStatus.VALID
    )
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    revoked_at: Mapped[datetime | None]
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    revoke_reason: Mapped[str | None] = mapped_column(String(500))
    # A reissue names the certificate it replaces (which is revoked).
    replaces_id: Mapped[int | None] = mapped_column(ForeignKey("certificates.id"), unique=True)
    # As printed, frozen at issue.
    holder_name: Mapped[str] = mapped_column(String(200))
    holder_birth_date: Mapped[date | None]
    course_title_id: Mapped[str] = mapped_column(String(200))
    course_title_en: Mapped[str] = mapped_column(String(200))
    results_summary: Mapped[str | None] = mapped_column(Text)
    # The PDF rendered once at issue (relative to the instance folder) and its SHA-256.
    pdf_path: Mapped[str | None] = mapped_column(String(500))
    pdf_sha256: Mapped[str | None] = mapped_column(String(64))

    trainee: Mapped[Trainee] = relationship()
    enrolment: Mapped[Enrolment] = relationship()
    course: Mapped[Course] = relationship()
    replaces: Mapped[Certificate | None] = relationship(remote_side="Certificate.id")

    def effective_status(self, today: date) -> EffectiveStatus:
        if self.status == CertificateStatus.REVOKED:
            return EffectiveStatus.REVOKED
        if self.valid_until is not None and today > self.valid_until:
            return EffectiveStatus.EXPIRED
        return EffectiveStatus.VALID

    def revoke(self, reason: str, by_user_id: int | None) -> None:
        self.status = CertificateStatus.REVOKED
        self.revoked_at = utcnow()
        self.revoked_by_id = by_user_id
        self.revoke_reason = reason


class CertificateSerialCounter(Base):
    """The last serial number used per (year, course): numbers without gaps."""

    __audited__ = False  # bumped with every issue, which is audited itself

    __tablename__ = "certificate_serial_counters"

    year: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), primary_key=True)
    last_number: Mapped[int] = mapped_column(default=0)


def allocate_serial_number(session: Session, course_id: int, year: int) -> int:
    """The next certificate number for (year, course), inside the caller's transaction.

    The increment is one ``UPDATE ... RETURNING``, which takes the row lock: concurrent issuers
    queue on it, and a rolled-back issue rolls its number back too, so there are no gaps.
    """
    return allocate_serial_numbers(session, course_id, year, 1)[0]


def allocate_serial_numbers(session: Session, course_id: int, year: int, count: int) -> range:
    """``count`` consecutive numbers for (year, course) in one locked step (a whole cohort).

    ``count=0`` takes the row lock (creating the counter if needed) without using a number,
    so that an issuer can make its checks while holding the lock and ask for numbers after.
    """
    if count < 0:
        raise ValueError(f"cannot allocate {count} serial numbers")
    table = CertificateSerialCounter.__table__
    bump = (
        update(table)
        .where(table.c.year == year, table.c.course_id == course_id)
        .values(last_number=table.c.last_number + count)
        .returning(table.c.last_number)
    )
    last = session.execute(bump).scalar_one_or_none()
    if last is None:
        try:
            with session.begin_nested():
                session.execute(
                    table.insert().values(year=year, course_id=course_id, last_number=count)
                )
            last = count
        except IntegrityError:
            # Another transaction created the counter first; take the numbers from it.
            last = session.execute(bump).scalar_one()
    return range(last - count + 1, last + 1)
