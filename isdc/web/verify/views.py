"""``/verify/<code>``: what a certificate's QR code opens. Public, rate-limited, minimal.

It shows what a verifier needs and nothing more (SPEC §6, §9): the status (valid, revoked with
date and reason, or expired), the holder's name, the course, the serial, the issue and expiry
dates and the issuing centre - never the NIK, birth date, phone or anything else on file.
A malformed code is refused without a database query; an unknown code is a plain 404.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask import current_app, redirect, render_template, request, url_for
from flask_babel import force_locale, get_locale, gettext

from isdc.certificates import MalformedCode, format_date, normalise
from isdc.extensions import db, limiter
from isdc.models.base import local_today
from isdc.models.site import Site
from isdc.web.access import public
from isdc.web.verify import bp
from isdc.web.verify.lookup import MALFORMED_MESSAGES, find_certificate, replacement_serial


def verify_limit() -> str:
    return current_app.config["VERIFY_RATE_LIMIT"]


def other_language(message: str, **params: Any) -> str:
    """``message`` (an English msgid) in the language the reader is NOT using, so every label
    of the page can carry its twin: Indonesian first with English, or the other way round."""
    if str(get_locale()) == "en":
        with force_locale("id"):
            return gettext(message, **params)
    return message % params if params else message


def other_day(value: date | datetime, site: Site) -> str:
    """A day written out in the other language ("17 Agustus 2029" / "17 August 2029")."""
    if isinstance(value, datetime):
        value = value.astimezone(site.tzinfo).date()
    return format_date(value, "id" if str(get_locale()) == "en" else "en")


@bp.context_processor
def bilingual() -> dict[str, Any]:
    return {"other_language": other_language, "other_day": other_day}


def _headers(response: Any) -> Any:
    response.headers["X-Robots-Tag"] = (
        "noindex, nofollow"  # holders' names stay out of search engines
    )
    response.headers["Cache-Control"] = "no-cache"  # a revocation shows at once
    return response


@bp.route("/verify")
@public
@limiter.limit(verify_limit)
def form() -> Any:
    """Type the code printed under the QR code."""
    typed = request.args.get("code", "").strip()
    if typed:
        return redirect(url_for(".certificate", code=typed[:200]), 303)
    return _headers(current_app.make_response(render_template("verify/form.html")))


@bp.route("/verify/<path:code>")
@public
@limiter.limit(verify_limit)
def certificate(code: str) -> Any:
    try:
        canonical = normalise(code)
    except MalformedCode as problem:
        return _not_found(gettext(MALFORMED_MESSAGES[problem.kind]), code)
    if canonical != code:
        return redirect(url_for(".certificate", code=canonical), 308)
    found = find_certificate(db.session, canonical)
    if found is None:
        return _not_found(
            gettext(
                "No certificate has this code. Check it against the printed certificate; if it "
                "is right, the certificate was not issued by this centre."
            ),
            code,
        )
    site = found.course.site
    response = current_app.make_response(
        render_template(
            "verify/certificate.html",
            certificate=found,
            status=found.effective_status(local_today(site.tzinfo)).value,
            site=site,
            replaced_by=replacement_serial(db.session, found),
        )
    )
    return _headers(response)


def _not_found(explanation: str, typed: str) -> Any:
    response = current_app.make_response(
        (render_template("verify/not_found.html", explanation=explanation, typed=typed[:40]), 404)
    )
    return _headers(response)
