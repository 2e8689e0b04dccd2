"""Accounts (administrators): who may sign in, with which role, linked to which person."""

from flask import Blueprint

bp = Blueprint("users", __name__, url_prefix="/pengguna", template_folder="templates")

from isdc.web.users import views  # noqa: E402,F401 - registers the routes
