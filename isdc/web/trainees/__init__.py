"""Trainees: list with search and filters, profile, create/edit/retire, CSV import and export,
organisations."""

from flask import Blueprint

bp = Blueprint("trainees", __name__, url_prefix="/trainees", template_folder="templates")

from isdc.web.trainees import views  # noqa: E402,F401 - registers the routes
