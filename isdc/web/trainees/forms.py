"""Forms of the trainee area."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional

from isdc.imports.csvfile import MAX_BYTES
from isdc.models import OrganisationKind, Sex, SimClass
from isdc.web.fields import options


def optional_choice(value: str | None) -> str | None:
    return value or None


class TraineeForm(FlaskForm):
    nik = StringField(
        _l("NIK"),
        validators=[DataRequired(_l("Enter the NIK.")), Length(max=32)],
        description=_l("16 digits, from the KTP or KK."),
        render_kw={"inputmode": "numeric", "autocomplete": "off"},
    )
    full_name = StringField(
        _l("Full name"), validators=[DataRequired(_l("Enter the full name.")), Length(max=200)]
    )
    birth_date = DateField(
        _l("Birth date"), validators=[DataRequired(_l("Enter the birth date as a date."))]
    )
    sex = RadioField(
        _l("Sex"),
        choices=options([(Sex.MALE.value, _l("Male")), (Sex.FEMALE.value, _l("Female"))]),
        validators=[DataRequired(_l("Choose the sex."))],
    )
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=32)])
    email = StringField(
        _l("Email"),
        validators=[Optional(), Email(_l("Enter a valid email address.")), Length(max=254)],
    )
    city = StringField(_l("City"), validators=[Optional(), Length(max=100)])
    organisation_id = SelectField(_l("Organisation"), coerce=optional_choice, choices=[])
    sim_class = SelectField(
        _l("SIM class"),
        coerce=optional_choice,
        choices=options([("", _l("No SIM"))] + [(c.value, c.value) for c in SimClass]),
    )
    sim_number = StringField(_l("SIM number"), validators=[Optional(), Length(max=32)])
    sim_valid_until = DateField(_l("SIM valid until"), validators=[Optional()])
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=2000)])


class ImportForm(FlaskForm):
    file = FileField(
        _l("CSV file"),
        validators=[FileRequired(_l("Choose the CSV file to import."))],
        description=_l("UTF-8 (with or without BOM), comma or semicolon, up to %(mb)d MB.",
                       mb=MAX_BYTES // (1024 * 1024)),
        render_kw={"accept": ".csv,text/csv"},
    )  # fmt: skip


class ConfirmImportForm(FlaskForm):
    """Confirms the checked file (kept on the server under ``token``); it is checked again."""

    token = HiddenField()
    file_name = HiddenField()


class OrganisationForm(FlaskForm):
    name = StringField(
        _l("Name"), validators=[DataRequired(_l("Enter the name.")), Length(max=200)]
    )
    kind = SelectField(
        _l("Kind"),
        choices=options(
            [
                (OrganisationKind.COMPANY.value, _l("Company")),
                (OrganisationKind.SCHOOL.value, _l("School")),
                (OrganisationKind.AGENCY.value, _l("Government agency")),
                (OrganisationKind.POLICE_UNIT.value, _l("Police unit")),
            ]
        ),
    )
    city = StringField(_l("City"), validators=[Optional(), Length(max=100)])
    contact_name = StringField(_l("Contact person"), validators=[Optional(), Length(max=200)])
    contact_email = StringField(
        _l("Contact email"),
        validators=[Optional(), Email(_l("Enter a valid email address.")), Length(max=254)],
    )
    contact_phone = StringField(_l("Contact phone"), validators=[Optional(), Length(max=32)])
