"""A training centre: ISDC Serpong first, regional centres (polda) later."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from isdc.models.base import Base, IdMixin, RecordStatus, TimestampMixin, enum_type


class Site(IdMixin, TimestampMixin, Base):
    __tablename__ = "sites"

    name: Mapped[str] = mapped_column(String(200))
    code: Mapped[str] = mapped_column(String(16), unique=True)
    timezone: Mapped[str] = mapped_column(String(64), default="Asia/Jakarta")
    address: Mapped[str | None] = mapped_column(String(500))
    # Base of public links (certificate QR codes): https://isdc.example.id
    public_base_url: Mapped[str | None] = mapped_column(String(255))
    certificate_signatory_name: Mapped[str | None] = mapped_column(String(200))
    certificate_signatory_title: Mapped[str | None] = mapped_column(String(200))
    # Printed under the Indonesian title in grey (certificates are bilingual), and the place
    # written before the date above the signature ("Serpong, 27 November 2026").
    certificate_signatory_title_en: Mapped[str | None] = mapped_column(String(200))
    certificate_place: Mapped[str | None] = mapped_column(String(64))
    # Image files relative to the instance folder (e.g. branding/logo.png).
    logo_path: Mapped[str | None] = mapped_column(String(500))
    signature_path: Mapped[str | None] = mapped_column(String(500))
    status: Mapped[RecordStatus] = mapped_column(
        enum_type(RecordStatus), default=RecordStatus.ACTIVE
    )

    @property
    def tzinfo(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)
