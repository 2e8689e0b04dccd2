"""Sign in, sign out, language."""

from __future__ import annotations

from typing import Any

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext
from flask_login import current_user, login_user, logout_user
from sqlalchemy import select

from isdc.extensions import db, limiter
from isdc.models.accounts import UiLocale, User, normalise_username
from isdc.models.audit import Actor, AuditAction, audit
from isdc.models.base import utcnow
from isdc.web.access import login_required, public, safe_next
from isdc.web.auth import bp
from isdc.web.auth.forms import LanguageForm, LoginForm, LogoutForm
from isdc.web.errors import abort_with
from isdc.web.i18n import SESSION_LOCALE_KEY


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _username_key() -> str:
    return "login-user:" + normalise_username(request.form.get("username", ""))


def _failed(response: Any) -> bool:
    """Only failed sign-ins count against the limit; a successful one redirects."""
    return response.status_code != 302


@bp.route("/login", methods=["GET", "POST"])
@public
@limiter.limit(_login_limit, methods=["POST"], deduct_when=_failed)
@limiter.limit(_login_limit, methods=["POST"], deduct_when=_failed, key_func=_username_key)
def login() -> Any:
    target = safe_next(request.values.get("next"))
    if current_user.is_authenticated:
        return redirect(target or url_for("dashboard.index"))
    form = LoginForm(next=target or "")
    if request.method == "GET":
        return render_template("auth/login.html", form=form)
    if not form.validate():
        return render_template("auth/login.html", form=form), 400

    username = normalise_username(form.username.data or "")
    password = form.password.data or ""
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        User.spend_password_check_time(password)
    if user is None or not user.check_password(password):
        _record_failure(username, user, "bad_credentials")
        form.form_errors.append(gettext("Wrong username or password."))
        return render_template("auth/login.html", form=form), 401
    if not user.active:
        _record_failure(username, user, "account_disabled")
        form.form_errors.append(
            gettext("This account is disabled. Ask the administrator to enable it.")
        )
        return render_template("auth/login.html", form=form), 403

    login_user(user)
    session.permanent = True  # expires after PERMANENT_SESSION_LIFETIME
    session.pop(SESSION_LOCALE_KEY, None)  # the account's language wins from now on
    user.last_login_at = utcnow()
    audit(
        db.session,
        AuditAction.LOGIN,
        user,
        actor=Actor(user.username, user.id, request.remote_addr, user.site_id),
    )
    db.session.commit()
    return redirect(target or url_for("dashboard.index"))


def _record_failure(username: str, user: User | None, reason: str) -> None:
    audit(
        db.session,
        AuditAction.LOGIN_FAILED,
        user,
        entity_type="User",
        actor=Actor("anonymous", None, request.remote_addr),
        username=username[:64],
        reason=reason,
    )
    db.session.commit()


@bp.route("/logout", methods=["POST"])
@login_required
def logout() -> Any:
    LogoutForm()  # CSRF is checked for every POST by CSRFProtect before we get here
    language = current_user.locale.value
    audit(db.session, AuditAction.LOGOUT, current_user._get_current_object())
    db.session.commit()
    logout_user()
    session[SESSION_LOCALE_KEY] = language  # the sign-in page stays in the user's language
    flash(gettext("You have signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/language", methods=["POST"])
@public
def language() -> Any:
    form = LanguageForm()
    target = safe_next(form.next.data) or url_for("dashboard.index")
    if not form.validate():
        abort_with(400, gettext("Unknown language."))
    chosen = UiLocale(form.language.data)
    if current_user.is_authenticated:
        current_user.locale = chosen  # sticks to the account, on every device
        db.session.commit()
    else:
        session[SESSION_LOCALE_KEY] = chosen.value
    return redirect(target, 303)
