"""The schedule: sessions (plan with recurrence, clashes named, skip conflicting dates, move a
day, cancel), enrolment with waitlist, attendance, practical assessment, calendars, the
instructor's "today" and the trainee's own courses."""

from flask import Blueprint

bp = Blueprint("schedule", __name__, url_prefix="/schedule", template_folder="templates")

from isdc.web.schedule import (  # noqa: E402,F401 - registers the routes
    calendar_views,
    enrolment_views,
    session_views,
    views,
)
