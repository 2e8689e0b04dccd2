"""``GET /api/v1/certificates/<code>``: the public JSON twin of the verification page.

``{status, holder, course, course_en, serial, issued, expires, issuer}`` and, for a revoked
certificate, ``revoked_on``, ``revoke_reason`` and ``replaced_by``. Dates are ISO 8601
(``YYYY-MM-DD``, the site's calendar); ``expires`` is null when the certificate does not expire.
A malformed code is a 400, an unknown one a 404, both ``{"error", "detail"}``. Rate-limited
like the page; no personal data beyond the holder's name.
"""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify

from isdc.certificates import MalformedCode, normalise
from isdc.extensions import db, limiter
from isdc.models import CertificateStatus
from isdc.models.base import local_today
from isdc.web.access import public
from isdc.web.api import bp
from isdc.web.verify.lookup import MALFORMED_MESSAGES, find_certificate, replacement_serial
from isdc.web.verify.views import verify_limit


def _public(response: Response, status: int = 200) -> tuple[Response, int]:
    # Anyone may check a certificate from their own page or tool: readable cross-origin.
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Cache-Control"] = "no-cache"
    response.headers["X-Robots-Tag"] = "noindex"
    return response, status


@bp.get("/certificates/<path:code>")
@public
@limiter.limit(verify_limit)
def certificate_status(code: str) -> Any:
    try:
        canonical = normalise(code)
    except MalformedCode as problem:
        return _public(
            jsonify(error="malformed_code", detail=MALFORMED_MESSAGES[problem.kind]), 400
        )
    found = find_certificate(db.session, canonical)
    if found is None:
        return _public(
            jsonify(error="not_found", detail="No certificate has this verification code."), 404
        )
    site = found.course.site
    tz = site.tzinfo
    body: dict[str, Any] = {
        "status": found.effective_status(local_today(tz)).value,
        "holder": found.holder_name,
        "course": found.course_title_id,
        "course_en": found.course_title_en,
        "serial": found.serial,
        "issued": found.issued_at.astimezone(tz).date().isoformat(),
        "expires": found.valid_until.isoformat() if found.valid_until else None,
        "issuer": site.name,
    }
    if found.status == CertificateStatus.REVOKED:
        body["revoked_on"] = (
            found.revoked_at.astimezone(tz).date().isoformat() if found.revoked_at else None
        )
        body["revoke_reason"] = found.revoke_reason
        body["replaced_by"] = replacement_serial(db.session, found)
    return _public(jsonify(body))
