"""The simulator area of the back office: run reports, progress, cohorts, assignments, stations."""

from flask import Blueprint

# cli_group=None: the blueprint's command is `flask --app isdc rescore`, not `flask runs rescore`.
bp = Blueprint(
    "runs", __name__, url_prefix="/simulator", template_folder="templates", cli_group=None
)

from isdc.web.runs import assign, commands, results, stations  # noqa: E402,F401 - registers the routes
