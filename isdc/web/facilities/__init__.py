"""Facilities (administrators): classrooms, simulator bays, tracks and vehicles; bookable hours,
maintenance periods, STNK expiry, calendar feed."""

from flask import Blueprint

bp = Blueprint("facilities", __name__, url_prefix="/facilities", template_folder="templates")

from isdc.web.facilities import views  # noqa: E402,F401 - registers the routes
