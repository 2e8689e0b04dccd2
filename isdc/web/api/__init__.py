"""The JSON API under /api/v1 (SPEC §6). Stations authenticate with bearer tokens, so the API
is exempt from CSRF (no cookies are trusted for writes there); errors are
``{"error": ..., "detail": ...}`` with a 4xx status."""

from flask import Blueprint

from isdc.extensions import csrf

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)

from isdc.web.api import (  # noqa: E402,F401 - stations, runs, certificates, the API document
    certificates,
    openapi,
    runs,
    views,  # noqa: E402,F401 - registers the routes
)
