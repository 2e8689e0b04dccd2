"""Public iCalendar feeds behind a secret per-feed token (SPEC §6): ``/feeds/<token>.ics``."""

from flask import Blueprint

bp = Blueprint("calendar_feeds", __name__, url_prefix="/feeds")

from isdc.web.calendar_feeds import views  # noqa: E402,F401 - registers the routes
