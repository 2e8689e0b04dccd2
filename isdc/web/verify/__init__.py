"""The public verification page a certificate's QR code opens (no login)."""

from flask import Blueprint

bp = Blueprint("verify", __name__, template_folder="templates")

from isdc.web.verify import views  # noqa: E402,F401 - registers the routes
