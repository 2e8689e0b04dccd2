"""Forms of the certificate pages (CSRF on every one)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from isdc.models.issuing import MAX_REASON, single_line


def one_line(value: str | None) -> str | None:
    """Form filter: control characters out, spaces collapsed (see single_line)."""
    return single_line(value) if isinstance(value, str) else value


class ActionForm(FlaskForm):
    """A button that changes something (issue): only the CSRF token."""


class ReasonForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason"),
        validators=[
            DataRequired(_l("Give a reason.")),
            Length(min=5, max=MAX_REASON, message=_l("Give a reason of 5 to 500 characters.")),
        ],
        render_kw={"rows": 3, "maxlength": MAX_REASON},
        filters=[one_line],
    )


class SettingsForm(FlaskForm):
    signatory_name = StringField(
        _l("Signatory's name"),
        validators=[DataRequired(_l("Enter the signatory's name.")), Length(max=80)],
        render_kw={"maxlength": 80},
        filters=[one_line],
    )
    signatory_title = StringField(
        _l("Signatory's title (Indonesian)"),
        validators=[DataRequired(_l("Enter the signatory's title.")), Length(max=120)],
        render_kw={"maxlength": 120},
        filters=[one_line],
    )
    signatory_title_en = StringField(
        _l("Signatory's title (English)"),
        validators=[Optional(), Length(max=120)],
        render_kw={"maxlength": 120},
        filters=[one_line],
    )
    place = StringField(
        _l("Place of issue"),
        validators=[Optional(), Length(max=40)],
        render_kw={"maxlength": 40},
        filters=[one_line],
    )
    public_base_url = StringField(
        _l("Public address for QR codes"),
        validators=[Optional(), Length(max=200)],
        render_kw={"maxlength": 200, "placeholder": "https://isdc.example.go.id"},
        filters=[one_line],
    )
    logo = FileField(
        _l("Logo (PNG, JPEG or GIF)"), render_kw={"accept": "image/png,image/jpeg,image/gif"}
    )
    remove_logo = BooleanField(_l("Remove the logo (print the default ISDC mark)"))
    signature = FileField(
        _l("Signature (PNG with a transparent background)"),
        render_kw={"accept": "image/png,image/jpeg,image/gif"},
    )
    remove_signature = BooleanField(_l("Remove the signature (leave room for a wet signature)"))
