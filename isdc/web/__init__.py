"""The back office: blueprints (one folder per area), access rules, errors, headers, i18n."""

from __future__ import annotations

from typing import Any

from flask import Flask, flash, g, has_request_context, jsonify, redirect, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from isdc.extensions import db, login_manager
from isdc.models.accounts import User
from isdc.models.audit import Actor, set_actor_provider
from isdc.version import __version__
from isdc.web import errors, explain, i18n, security
from isdc.web.access import check_every_view_declares_access, current_path, is_api_request
from isdc.web.labels import label
from isdc.web.navigation import navigation_for_current_user


def register(app: Flask) -> None:
    _configure_login()
    set_actor_provider(_request_actor)

    from isdc.web.analytics import bp as analytics_bp
    from isdc.web.api import bp as api_bp
    from isdc.web.auth import bp as auth_bp
    from isdc.web.calendar_feeds import bp as calendar_feeds_bp
    from isdc.web.certificates import bp as certificates_bp
    from isdc.web.courses import bp as courses_bp
    from isdc.web.dashboard import bp as dashboard_bp
    from isdc.web.facilities import bp as facilities_bp
    from isdc.web.instructors import bp as instructors_bp
    from isdc.web.runs import bp as runs_bp
    from isdc.web.schedule import bp as schedule_bp
    from isdc.web.trainees import bp as trainees_bp
    from isdc.web.users import bp as users_bp
    from isdc.web.verify import bp as verify_bp

    app.register_blueprint(auth_bp)
    app.register_blueprint(dashboard_bp)
    app.register_blueprint(users_bp)  # accounts (administrators) and "change my password"
    app.register_blueprint(api_bp)
    app.register_blueprint(runs_bp)
    # The back office (issue 3).
    for blueprint in (trainees_bp, instructors_bp, facilities_bp, courses_bp, schedule_bp,
                      calendar_feeds_bp):  # fmt: skip
        app.register_blueprint(blueprint)
    explain.register(app)
    # Certificates (issue 7): the admin/trainee pages and the public verification page.
    app.register_blueprint(certificates_bp)
    app.register_blueprint(verify_bp)
    # Analysis & Evaluation (issue 8).
    app.register_blueprint(analytics_bp)

    errors.register(app)
    security.register(app)
    _register_template_helpers(app)
    check_every_view_declares_access(app)


def _configure_login() -> None:
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to open that page.")
    login_manager.login_message_category = "warning"
    login_manager.user_loader(load_user)
    login_manager.unauthorized_handler(_unauthorized)


def load_user(user_id: str) -> User | None:
    """The user of a login cookie ``"<id>:<nonce>"``; None (signed out) when the account was
    deactivated or its sessions were ended since."""
    ident, _, nonce = user_id.partition(":")
    if not ident.isdigit() or not nonce:
        return None
    user = db.session.scalar(
        select(User).options(joinedload(User.site)).where(User.id == int(ident))
    )
    if user is None or not user.active or user.session_nonce != nonce:
        return None
    return user


def _unauthorized() -> Any:
    if is_api_request():
        return jsonify(error="unauthorized", detail="Sign in or send a valid token."), 401
    flash(str(login_manager.login_message), login_manager.login_message_category)
    return redirect(url_for("auth.login", next=current_path()))


def _request_actor() -> Actor | None:
    """The audit actor of a web request: the signed-in user and the client address."""
    if not has_request_context():
        return None
    ip = request.remote_addr
    # Only look at the user if this request loaded it already: the audit hook must not
    # trigger a query in the middle of a flush.
    user = g.get("_login_user")
    if user is not None and user.is_authenticated:
        return Actor(user.username, user.id, ip, user.site_id)
    return Actor("anonymous", None, ip)


def _register_template_helpers(app: Flask) -> None:
    app.jinja_env.filters.update(
        when=i18n.format_when,
        day=i18n.format_day,
        short_day=i18n.format_short_day,
        clock=i18n.format_clock,
        time_range=i18n.format_time_range,
        day_range=i18n.format_day_range,
        number=i18n.format_number,
        zone=i18n.zone_abbreviation,
    )

    @app.context_processor
    def shell() -> dict[str, Any]:
        return {
            "navigation": navigation_for_current_user,
            "language_names": i18n.LANGUAGE_NAMES,
            "current_locale": i18n.locale_code,
            "current_user": current_user,
            "role_label": label,
            "label": label,
            "isdc_version": __version__,
            "now_local": i18n.local_now(),
        }
