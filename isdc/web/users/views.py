"""Account pages: the list, a new account, one account (edit, new password, deactivate), and
"change my password" for everyone signed in.

A new password or a deactivation ends the account's sessions everywhere (the session nonce in
the login cookie changes). An administrator cannot deactivate their own account or the site's
last active administrator, so the site is never left without one.
"""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from isdc.extensions import db
from isdc.models import Role, User
from isdc.models.account_links import free_instructors, linkable_trainee
from isdc.models.accounts import (
    UiLocale,
    normalise_username,
    password_problems,
    username_problems,
)
from isdc.models.rules import N_, RuleViolation
from isdc.web.access import login_required, roles_required
from isdc.web.backoffice import paginate, record_or_404, show_on_form, url_args
from isdc.web.errors import abort_with
from isdc.web.fields import options
from isdc.web.users import bp
from isdc.web.users.forms import (
    AccountEditForm,
    AccountForm,
    ChangePasswordForm,
    ResetPasswordForm,
)

STATUSES = ("active", "inactive", "all")


@bp.route("")
@roles_required(Role.ADMIN)
def index() -> Any:
    q = " ".join(request.args.get("q", "").split())[:100]
    role = request.args.get("role", "")
    status = request.args.get("status", "active")
    if role and role not in {r.value for r in Role}:
        abort_with(400, _("Unknown role %(role)s.", role=role[:20]))
    if status not in STATUSES:
        abort_with(400, _("Unknown status %(status)s.", status=status[:20]))
    where = [User.site_id == current_user.site_id]
    if q:
        pattern = f"%{q.lower()}%"
        where.append(or_(User.username.like(pattern), func.lower(User.display_name).like(pattern)))
    if role:
        where.append(User.role == Role(role))
    if status != "all":
        where.append(User.active.is_(status == "active"))
    pages = paginate(db.session.scalar(select(func.count(User.id)).where(*where)) or 0)
    users = db.session.scalars(
        select(User).where(*where).order_by(User.role, User.username)
        .options(selectinload(User.trainee), selectinload(User.instructor))
        .offset(pages.offset).limit(pages.per_page)
    ).all()  # fmt: skip
    return render_template(
        "users/index.html",
        users=users,
        pages=pages,
        q=q,
        role=role,
        status=status,
        args=url_args(page=None),
    )


def _instructor_choices(form: AccountForm) -> None:
    free = free_instructors(db.session, current_user.site_id)
    form.offered_instructors = {str(i.id): i for i in free}  # checked again on POST
    form.instructor_id.choices = options(
        [("", _("Choose an instructor"))]
        + [(str(i.id), f"{i.display_name} ({i.staff_number})") for i in free]
    )


def _link_problems(form: AccountForm, user: User) -> list[RuleViolation]:
    """Instructor and trainee accounts need their person: on this site, active, unlinked
    (an instructor must be one the form offered; isdc.models.account_links)."""
    if user.role == Role.INSTRUCTOR:
        raw = form.instructor_id.data or ""
        instructor = form.offered_instructors.get(raw)
        if instructor is None:
            return [RuleViolation("instructor_id", N_("Choose an instructor without an account."))]
        user.instructor = instructor
        user.display_name = user.display_name or instructor.display_name
    elif user.role == Role.TRAINEE:
        trainee, problems = linkable_trainee(
            db.session, current_user.site_id, form.trainee_nik.data or ""
        )
        if problems:
            return problems
        user.trainee = trainee
        user.display_name = user.display_name or trainee.full_name
    return []


@bp.route("/baru", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def create() -> Any:
    form = AccountForm()
    _instructor_choices(form)
    if request.method == "GET" and request.args.get("role") in {r.value for r in Role}:
        form.role.data = request.args["role"]
    if not form.is_submitted():
        return render_template("users/form.html", form=form)
    if not form.validate():
        return render_template("users/form.html", form=form), 400
    username = normalise_username(form.username.data or "")
    user = User(
        username=username,
        role=Role(form.role.data),
        site_id=current_user.site_id,
        display_name=" ".join((form.display_name.data or "").split()),
        locale=UiLocale(form.locale.data),
    )
    with db.session.no_autoflush:
        problems = username_problems(username) + password_problems(form.password.data or "")
        if db.session.scalar(select(User.id).where(User.username == username)) is not None:
            problems.append(RuleViolation("username", N_("This username is taken.")))
        problems += _link_problems(form, user)
    if problems:
        db.session.rollback()
        show_on_form(form, problems)
        return render_template("users/form.html", form=form), 422
    user.set_password(form.password.data)
    db.session.add(user)
    db.session.commit()
    flash(_("Account %(username)s created.", username=user.username), "success")
    return redirect(url_for("users.show", user_id=user.id))


def _account(user_id: int) -> User:
    return record_or_404(User, user_id, _("There is no such account."))


def _render_account(user: User, edit: AccountEditForm | None = None,
                    reset: ResetPasswordForm | None = None, status: int = 200) -> Any:  # fmt: skip
    edit = edit or AccountEditForm(obj=user, formdata=None)
    if edit.locale.data is None or not isinstance(edit.locale.data, str):
        edit.locale.data = user.locale.value
    return render_template(
        "users/show.html",
        user=user,
        edit=edit,
        reset=reset or ResetPasswordForm(formdata=None),
        blocked=_deactivation_refusal(user),
    ), status


@bp.route("/<int:user_id>", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def show(user_id: int) -> Any:
    """The account: edit name and language (POST), new password and (de)activation below."""
    user = _account(user_id)
    if request.method == "GET":
        return _render_account(user)
    form = AccountEditForm()
    if not form.validate():
        return _render_account(user, edit=form, status=400)
    user.display_name = " ".join((form.display_name.data or "").split())
    user.locale = UiLocale(form.locale.data)
    db.session.commit()
    flash(_("Changes to %(username)s saved.", username=user.username), "success")
    return redirect(url_for("users.show", user_id=user.id))


@bp.route("/<int:user_id>/kata-sandi", methods=["POST"])
@roles_required(Role.ADMIN)
def reset_password(user_id: int) -> Any:
    user = _account(user_id)
    form = ResetPasswordForm()
    if not form.validate():
        return _render_account(user, reset=form, status=400)
    if problems := password_problems(form.password.data or ""):
        show_on_form(form, problems)
        return _render_account(user, reset=form, status=422)
    user.set_password(form.password.data)  # also ends the account's sessions
    db.session.commit()
    if user.id == current_user.id:
        login_user(user)  # keep this browser signed in with the new nonce
    flash(_("New password set for %(username)s; their other sessions have ended.",
            username=user.username), "success")  # fmt: skip
    return redirect(url_for("users.show", user_id=user.id))


def _deactivation_refusal(user: User) -> str | None:
    """Why this account may not be deactivated, or None."""
    if not user.active:
        return None
    if user.id == current_user.id:
        return _("You cannot deactivate your own account.")
    if user.role == Role.ADMIN:
        admins = db.session.scalar(
            select(func.count(User.id)).where(
                User.site_id == user.site_id, User.role == Role.ADMIN, User.active.is_(True)
            )
        )
        if (admins or 0) <= 1:
            return _("This is the site's last active administrator.")
    return None


@bp.route("/<int:user_id>/nonaktifkan", methods=["POST"])
@roles_required(Role.ADMIN)
def deactivate(user_id: int) -> Any:
    user = _account(user_id)
    if refusal := _deactivation_refusal(user):
        abort_with(409, refusal)
    if user.active:
        user.active = False
        user.end_all_sessions()
        db.session.commit()
        flash(_("%(username)s can no longer sign in.", username=user.username), "info")
    return redirect(url_for("users.show", user_id=user.id))


@bp.route("/<int:user_id>/aktifkan", methods=["POST"])
@roles_required(Role.ADMIN)
def reactivate(user_id: int) -> Any:
    user = _account(user_id)
    if not user.active:
        user.active = True
        db.session.commit()
        flash(_("%(username)s can sign in again.", username=user.username), "success")
    return redirect(url_for("users.show", user_id=user.id))


@bp.route("/kata-sandi-saya", methods=["GET", "POST"])
@login_required
def password() -> Any:
    """Change my own password; my other sessions end, this one stays signed in."""
    form = ChangePasswordForm()
    if not form.is_submitted():
        return render_template("users/password.html", form=form)
    if not form.validate():
        return render_template("users/password.html", form=form), 400
    user = current_user._get_current_object()
    if not user.check_password(form.current.data or ""):
        form.current.errors = [_("The current password is wrong.")]
        return render_template("users/password.html", form=form), 422
    if problems := password_problems(form.password.data or ""):
        show_on_form(form, problems)
        return render_template("users/password.html", form=form), 422
    user.set_password(form.password.data)
    db.session.commit()
    login_user(user)
    flash(_("Your password has been changed; your other sessions have ended."), "success")
    return redirect(url_for("dashboard.index"))
