"""Error responses: a page in the reader's language, or ``{"error", "detail"}`` JSON under /api/."""

from __future__ import annotations

from typing import Any, NoReturn

from flask import Flask, abort, jsonify, make_response, render_template
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_limiter.errors import RateLimitExceeded
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from isdc.extensions import db
from isdc.web.access import is_api_request

TITLES: dict[int, Any] = {
    400: _l("Bad request"),
    401: _l("Please sign in"),
    403: _l("Access denied"),
    404: _l("Page not found"),
    405: _l("Method not allowed"),
    413: _l("Upload too large"),
    429: _l("Too many attempts"),
    500: _l("Something went wrong"),
}
EXPLANATIONS: dict[int, Any] = {
    400: _l("The request could not be understood. Check the form and try again."),
    401: _l("You need to sign in to see this page."),
    403: _l("Your account does not have access to this page."),
    404: _l("There is no page at this address. Check the link or go back to the dashboard."),
    405: _l("This address does not accept that kind of request."),
    413: _l("The file is larger than this server accepts."),
    429: _l("Too many attempts in a short time. Wait a minute and try again."),
    500: _l(
        "The server hit an error and nothing was saved. Try again; if it keeps happening, tell the administrator."
    ),
}


def error_response(code: int, detail: str | None = None) -> Any:
    title = str(TITLES.get(code, TITLES[400 if code < 500 else 500]))
    explanation = detail or str(EXPLANATIONS.get(code, EXPLANATIONS[400 if code < 500 else 500]))
    if is_api_request():
        return jsonify(error=title, detail=explanation), code
    return render_template("errors/error.html", code=code, title=title, detail=explanation), code


def abort_with(code: int, detail: str) -> NoReturn:
    """Stop the request with ``code`` and a message written for the reader (translated)."""
    abort(make_response(error_response(code, detail)))


def handle_http_error(error: HTTPException) -> Any:
    return error_response(error.code or 500)


def handle_csrf_error(error: CSRFError) -> Any:
    return error_response(
        400,
        gettext(
            "The form had expired or was not sent from this site, so nothing was saved. "
            "Reload the page and try again."
        ),
    )


def handle_rate_limit(error: RateLimitExceeded) -> Any:
    return error_response(429)


def handle_internal_error(error: Exception) -> Any:
    db.session.rollback()
    return error_response(500)


def register(app: Flask) -> None:
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(RateLimitExceeded, handle_rate_limit)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(InternalServerError, handle_internal_error)
