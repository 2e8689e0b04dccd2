"""Who may use a view: every view states it with :func:`roles_required` or :func:`public`.

Anonymous visitors are sent to the login page (pages) or get 401 JSON (``/api/``); a signed-in
user with the wrong role gets 403 (an HTML page, or JSON under ``/api/``). The app refuses to
start if any view forgot to say who may use it (:func:`check_every_view_declares_access`).
Object-level rules ("a trainee sees only their own") are checked inside the view on top.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import Flask, abort, request
from flask_login import current_user

from isdc.extensions import login_manager
from isdc.models.accounts import Role

F = TypeVar("F", bound=Callable[..., Any])
ACCESS_ATTRIBUTE = "isdc_access"
PUBLIC = "public"
ALL_ROLES = frozenset(Role)

# Endpoints served by Flask and extensions themselves (static files only).
_FRAMEWORK_ENDPOINTS = frozenset({"static", "bootstrap.static"})


def roles_required(*roles: Role) -> Callable[[F], F]:
    """Allow signed-in users with one of ``roles``; refuse everyone else."""
    allowed = frozenset(roles)
    if not allowed:
        raise ValueError("roles_required needs at least one role")

    def decorate(view: F) -> F:
        @functools.wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in allowed:
                abort(403)
            return view(*args, **kwargs)

        setattr(guarded, ACCESS_ATTRIBUTE, allowed)
        return guarded  # type: ignore[return-value]

    return decorate


login_required = roles_required(*Role)


def public(view: F) -> F:
    """Mark a view as open to anyone (login page, certificate verification, health)."""
    setattr(view, ACCESS_ATTRIBUTE, PUBLIC)
    return view


def access_of(view: Callable[..., Any]) -> frozenset[Role] | str | None:
    return getattr(view, ACCESS_ATTRIBUTE, None)


def check_every_view_declares_access(app: Flask) -> None:
    missing = sorted(
        endpoint
        for endpoint, view in app.view_functions.items()
        if endpoint not in _FRAMEWORK_ENDPOINTS and access_of(view) is None
    )
    if missing:
        raise RuntimeError(
            "views without an access rule (use @roles_required or @public): " + ", ".join(missing)
        )


def is_api_request() -> bool:
    return request.path.startswith("/api/")


def safe_next(target: str | None) -> str | None:
    """``target`` if it is a path on this site; None for anything that could leave it
    (absolute URLs, scheme-relative ``//host``, backslash tricks, control characters)."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return None
    if any(ord(ch) < 32 or ch == "\\" for ch in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


def current_path() -> str:
    """The request's path and query, for a ``next=`` that brings the user back."""
    path = request.full_path
    return path[:-1] if path.endswith("?") else path
