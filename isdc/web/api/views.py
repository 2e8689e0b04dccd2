"""API routes of the foundation: health and "who am I"; later areas add theirs here."""

from __future__ import annotations

from typing import Any

from flask import jsonify
from flask_login import current_user

from isdc.version import __version__
from isdc.web.access import login_required, public
from isdc.web.api import bp


@bp.get("/health")
@public
def health() -> Any:
    """For load balancers and monitoring: the app answers (no database access)."""
    return jsonify(status="ok", version=__version__)


@bp.get("/me")
@login_required
def me() -> Any:
    """The signed-in user, for scripts that use a browser session."""
    user = current_user
    return jsonify(
        username=user.username,
        role=user.role.value,
        name=user.name,
        locale=user.locale.value,
        site=user.site.code,
    )
