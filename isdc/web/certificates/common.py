"""What the certificate pages share: the PDF store, the issuer, reasons in the reader's words."""

from __future__ import annotations

import enum
from typing import Any

from flask import current_app
from flask_babel import gettext
from flask_login import current_user

from isdc.models.certificate_store import CertificateStore
from isdc.models.issuing import Issuer
from isdc.models.rules import RuleViolation
from isdc.models.site import Site
from isdc.web.i18n import format_number
from isdc.web.labels import label


def certificate_store() -> CertificateStore:
    return CertificateStore(current_app.instance_path)


def public_base_url(site: Site) -> str:
    """Where QR codes point: the site's public address, else the configured one."""
    return (site.public_base_url or current_app.config["PUBLIC_BASE_URL"]).rstrip("/")


def current_issuer() -> Issuer:
    return Issuer(
        store=certificate_store(),
        base_url=public_base_url(current_user.site),
        by_user_id=current_user.id,
    )


def explain_reason(reason: RuleViolation) -> str:
    """A refusal or shortfall in the reader's language, enum values and numbers included."""
    params: dict[str, Any] = {}
    for key, value in reason.params.items():
        if isinstance(value, enum.Enum):
            params[key] = label(value)
        elif isinstance(value, float):
            params[key] = format_number(round(value, 1))
        else:
            params[key] = value
    return gettext(reason.message, **params)
