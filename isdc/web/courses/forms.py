"""Forms of the course catalogue."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DecimalField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp

from isdc.web.fields import options
from isdc.web.instructors.forms import CATEGORY_CHOICES, VEHICLE_CHOICES


def optional_choice(value: str | None) -> str | None:
    return value or None


class CourseForm(FlaskForm):
    code = StringField(
        _l("Code"),
        validators=[
            DataRequired(_l("Enter the course code.")),
            Regexp(r"^[A-Za-z0-9]{2,16}$", message=_l("2 to 16 letters or digits, e.g. DDC.")),
        ],
        description=_l("Used in certificate serial numbers: ISDC/2026/DDC/0001."),
    )
    title_id = StringField(
        _l("Title (Indonesian)"),
        validators=[DataRequired(_l("Enter the Indonesian title.")), Length(max=200)],
    )
    title_en = StringField(
        _l("Title (English)"),
        validators=[DataRequired(_l("Enter the English title.")), Length(max=200)],
    )
    description_id = TextAreaField(
        _l("Description (Indonesian)"), validators=[Optional(), Length(max=4000)]
    )
    description_en = TextAreaField(
        _l("Description (English)"), validators=[Optional(), Length(max=4000)]
    )
    category = SelectField(_l("Category"), choices=options(CATEGORY_CHOICES))
    vehicle_kind = SelectField(
        _l("Vehicle class"),
        coerce=optional_choice,
        choices=options([("", _l("None"))] + VEHICLE_CHOICES),
    )
    duration_days = IntegerField(
        _l("Days"),
        default=1,
        validators=[InputRequired(_l("Enter the number of days.")),
                    NumberRange(1, 60, _l("Between 1 and 60 days."))],
    )  # fmt: skip
    duration_hours = IntegerField(
        _l("Hours of teaching"),
        default=8,
        validators=[InputRequired(_l("Enter the hours.")),
                    NumberRange(1, 480, _l("Between 1 and 480 hours."))],
    )  # fmt: skip
    capacity = IntegerField(
        _l("Places per session"),
        default=20,
        validators=[InputRequired(_l("Enter the number of places.")),
                    NumberRange(1, 500, _l("Capacity must be between 1 and 500."))],
    )  # fmt: skip
    min_attendance_pct = IntegerField(
        _l("Minimum attendance (%)"),
        default=100,
        validators=[InputRequired(_l("Enter the minimum attendance.")),
                    NumberRange(0, 100, _l("A percentage from 0 to 100."))],
    )  # fmt: skip
    requires_practical_signoff = BooleanField(_l("Practical assessment signed off"), default=True)
    certificate_validity_months = IntegerField(
        _l("Certificate valid for (months)"),
        validators=[Optional(), NumberRange(1, 240, _l("Between 1 and 240 months."))],
        description=_l("Empty: the certificate does not expire."),
    )


class ScenarioForm(FlaskForm):
    scenario_id = StringField(
        _l("Scenario"),
        validators=[
            DataRequired(_l("Enter the scenario id.")),
            Regexp(r"^[a-z0-9_]{2,64}$", message=_l("As listed by isdc-sim list, e.g. wet_curve.")),
        ],
        render_kw={"list": "known-scenarios"},
    )
    vehicle = SelectField(_l("Vehicle"), choices=options(VEHICLE_CHOICES[:3]))
    min_score = DecimalField(
        _l("Minimum score"),
        default=70,
        places=1,
        validators=[InputRequired(_l("Enter the minimum score.")),
                    NumberRange(0, 100, _l("Between 0 and 100."))],
    )  # fmt: skip


class SkillForm(FlaskForm):
    name_id = StringField(
        _l("Skill (Indonesian)"),
        validators=[DataRequired(_l("Enter the skill in Indonesian.")), Length(max=200)],
    )
    name_en = StringField(
        _l("Skill (English)"),
        validators=[DataRequired(_l("Enter the skill in English.")), Length(max=200)],
    )
