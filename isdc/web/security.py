"""Security headers on every response (SPEC §9)."""

from __future__ import annotations

from flask import Flask, Response, g
from flask_login import current_user

# No inline script or style anywhere: every script and stylesheet is a file on this server.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def add_security_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    # Pages with personal data must not be kept by the browser: after logout, "back" shows
    # nothing. Only checked when the user was already loaded (no extra query for static files).
    if response.mimetype == "text/html" and "Cache-Control" not in headers and _user_is_signed_in():
        headers["Cache-Control"] = "no-store"
    return response


def _user_is_signed_in() -> bool:
    return "_login_user" in g and current_user.is_authenticated


def add_hsts(response: Response) -> Response:
    response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    return response


def register(app: Flask) -> None:
    app.after_request(add_security_headers)
    if app.config["SESSION_COOKIE_SECURE"]:  # served over HTTPS: browsers should stay on it
        app.after_request(add_hsts)
