"""Instructors (administrators): records, qualifications with expiry, weekly hours, leave,
calendar feed."""

from flask import Blueprint

bp = Blueprint("instructors", __name__, url_prefix="/instructors", template_folder="templates")

from isdc.web.instructors import views  # noqa: E402,F401 - registers the routes
