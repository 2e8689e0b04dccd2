"""Station authentication for the API: ``Authorization: Bearer TOKEN`` (SPEC 6).

A route for stations carries :func:`station_required` (stations only) or
:func:`station_or_roles` (a station, or a signed-in user with one of the roles). The access
layer sees them like ``roles_required``: the set of user roles let in (empty: none), so the
access walk and the startup check cover these routes too.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import timedelta
from typing import Any, TypeVar

from flask import g, jsonify, request
from flask_login import current_user

from isdc.extensions import db
from isdc.models import Role, Station
from isdc.models.audit import Actor, acting_as
from isdc.models.base import utcnow
from isdc.web.access import ACCESS_ATTRIBUTE

F = TypeVar("F", bound=Callable[..., Any])
# Stations poll every few seconds; "last seen" needs no finer grain than this.
LAST_SEEN_GRAIN = timedelta(seconds=15)


def api_error(status: int, error: str, detail: Any) -> Any:
    """An API error response: ``{"error": slug, "detail": ...}`` with a 4xx status."""
    response = jsonify(error=error, detail=detail)
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="isdc"'
    return response


def bearer_token() -> str | None:
    """The token of an ``Authorization: Bearer`` header; "" when the header is malformed."""
    header = request.headers.get("Authorization")
    if header is None:
        return None
    scheme, _, token = header.strip().partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def current_station() -> Station | None:
    return g.get("isdc_station")


def _authenticate(token: str) -> Station | None:
    station = Station.for_token(db.session, token)
    if station is None:
        return None
    now = utcnow()
    if station.last_seen_at is None or now - station.last_seen_at > LAST_SEEN_GRAIN:
        station.last_seen_at = now
        station.last_seen_ip = (request.remote_addr or "")[:45] or None
        db.session.commit()
    g.isdc_station = station
    return station


def _refuse_token() -> Any:
    return api_error(
        401,
        "unauthorized",
        "The station token is missing, unknown or revoked; ask the administrator for a new one.",
    )


def station_or_roles(*roles: Role) -> Callable[[F], F]:
    """Let in a station (bearer token) or a signed-in user with one of ``roles``."""
    allowed = frozenset(roles)

    def decorate(view: F) -> F:
        @functools.wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            token = bearer_token()
            if token is not None:  # a station speaking: the token alone decides
                station = _authenticate(token) if token else None
                if station is None:
                    return _refuse_token()
                actor = Actor(f"station:{station.name}", None, request.remote_addr, station.site_id)
                with acting_as(actor):
                    return view(*args, **kwargs)
            if not current_user.is_authenticated:
                return (
                    _refuse_token()
                    if not allowed
                    else api_error(401, "unauthorized", "Sign in or send a station token.")
                )
            if current_user.role not in allowed:
                return api_error(403, "forbidden", "This is for simulator stations only.")
            return view(*args, **kwargs)

        setattr(guarded, ACCESS_ATTRIBUTE, allowed)
        return guarded  # type: ignore[return-value]

    return decorate


station_required = station_or_roles()
