"""Certificates in the back office: eligibility per session, issuing, revoking, reissuing,
batch printing, the certificate register, the trainee's own certificates and the settings."""

from flask import Blueprint

bp = Blueprint("certificates", __name__, url_prefix="/certificates", template_folder="templates")

from isdc.web.certificates import cli, settings, views  # noqa: E402,F401 - registers routes
