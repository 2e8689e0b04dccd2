"""Analysis & Evaluation (Anev): dashboards over training, simulator and certificate data."""

from flask import Blueprint

bp = Blueprint("analytics", __name__, url_prefix="/analisis", template_folder="templates")

from isdc.web.analytics import drill, report, simulator, views  # noqa: E402,F401 - registers the routes
