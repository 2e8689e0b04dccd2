"""The home page of each role: admin counts, the instructor's day, the trainee's schedule."""

from flask import Blueprint

bp = Blueprint("dashboard", __name__, template_folder="templates")

from isdc.web.dashboard import views  # noqa: E402,F401 - registers the routes
