"""Forms of the accounts area and of "change my password"."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Optional

from isdc.models.accounts import MIN_PASSWORD_LENGTH, Role, UiLocale
from isdc.web.fields import options

ROLE_CHOICES = [
    (Role.ADMIN.value, _l("Administrator")),
    (Role.INSTRUCTOR.value, _l("Instructor")),
    (Role.TRAINEE.value, _l("Trainee")),
]
LOCALE_CHOICES = options(
    [(UiLocale.INDONESIAN.value, "Bahasa Indonesia"), (UiLocale.ENGLISH.value, "English")]
)
PASSWORD_HELP = _l("At least %(minimum)d characters.", minimum=MIN_PASSWORD_LENGTH)


def _new_password(label: object) -> PasswordField:
    return PasswordField(
        label,
        validators=[DataRequired(_l("Enter the new password.")), Length(max=256)],
        description=PASSWORD_HELP,
        render_kw={"autocomplete": "new-password"},
    )


def _confirmation() -> PasswordField:
    return PasswordField(
        _l("Repeat the new password"),
        validators=[
            DataRequired(_l("Repeat the new password.")),
            EqualTo("password", _l("The two passwords differ.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )


class AccountForm(FlaskForm):
    """A new account. Instructor and trainee accounts belong to a person's record."""

    role = SelectField(_l("Role"), choices=options(ROLE_CHOICES))
    username = StringField(
        _l("Username"),
        validators=[DataRequired(_l("Enter a username.")), Length(max=64)],
        description=_l("3-64 characters: lower-case letters, digits, dot, dash or underscore."),
        render_kw={"autocomplete": "off", "autocapitalize": "none"},
    )
    display_name = StringField(
        _l("Display name"),
        validators=[Optional(), Length(max=200)],
        description=_l("Leave empty to use the linked person's name."),
    )
    instructor_id = SelectField(_l("Instructor"), choices=[], validate_choice=False)
    trainee_nik = StringField(
        _l("Trainee's NIK"),
        validators=[Optional(), Length(max=32)],
        description=_l("The 16-digit NIK of a registered trainee without an account."),
        render_kw={"inputmode": "numeric"},
    )
    locale = SelectField(_l("Language"), choices=LOCALE_CHOICES)
    password = _new_password(_l("Password"))
    confirm = _confirmation()


class AccountEditForm(FlaskForm):
    display_name = StringField(_l("Display name"), validators=[Optional(), Length(max=200)])
    locale = SelectField(_l("Language"), choices=LOCALE_CHOICES)


class ResetPasswordForm(FlaskForm):
    password = _new_password(_l("New password"))
    confirm = _confirmation()


class ChangePasswordForm(FlaskForm):
    current = PasswordField(
        _l("Current password"),
        validators=[DataRequired(_l("Enter your current password.")), Length(max=256)],
        render_kw={"autocomplete": "current-password"},
    )
    password = _new_password(_l("New password"))
    confirm = _confirmation()
