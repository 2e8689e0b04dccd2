"""The simulator area of the back office: run reports, progress, cohorts, assignments, stations."""

from flask import Blueprint

bp = Blueprint("runs", __name__, url_prefix="/simulator", template_folder="templates")

from isdc.web.runs import assign, results, stations  # noqa: E402,F401 - registers the routes
