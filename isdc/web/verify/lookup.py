"""Finding a certificate by its verification code, for the public page and the public API."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from isdc.models import Certificate, CertificateStatus, Course
from isdc.models.rules import N_

# MalformedCode.kind -> what the reader is told (English msgids, translated by the caller).
MALFORMED_MESSAGES = {
    "empty": N_("No verification code was given."),
    "character": N_(
        "This is not a verification code: codes have only digits and the letters A-Z without "
        "I, L, O and U. Check the code on the certificate."
    ),
    "length": N_(
        "This is not a verification code: codes have 20 characters (five groups of four). "
        "Check the code on the certificate."
    ),
    "check": N_(
        "This code is not valid: a character is probably mistyped. Check the code on the "
        "certificate."
    ),
}


def find_certificate(db: Session, canonical_code: str) -> Certificate | None:
    """The certificate with this canonical code, with its course and site loaded."""
    return db.scalar(
        select(Certificate)
        .options(joinedload(Certificate.course).joinedload(Course.site))
        .where(Certificate.verification_code == canonical_code)
    )


def replacement_serial(db: Session, certificate: Certificate) -> str | None:
    """The serial of the certificate that replaced a revoked one, if any."""
    if certificate.status != CertificateStatus.REVOKED:
        return None
    return db.scalar(select(Certificate.serial).where(Certificate.replaces_id == certificate.id))
