"""The course catalogue (administrators): courses, requirements (attendance, simulator
scenarios with minimum scores, practical skills) and certificate validity."""

from flask import Blueprint

bp = Blueprint("courses", __name__, url_prefix="/courses", template_folder="templates")

from isdc.web.courses import views  # noqa: E402,F401 - registers the routes
