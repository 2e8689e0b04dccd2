"""Forms of the instructor area."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional

from isdc.models import CourseCategory, VehicleKind
from isdc.web.fields import options


def optional_choice(value: str | None) -> str | None:
    return value or None


CATEGORY_CHOICES = [
    (CourseCategory.DEFENSIVE_CAR.value, _l("Defensive driving (car)")),
    (CourseCategory.SAFETY_RIDING.value, _l("Safety riding (motorcycle)")),
    (CourseCategory.FLEET.value, _l("Fleet (truck and bus)")),
    (CourseCategory.YOUTH.value, _l("Youth (Polisi Cilik, PKS)")),
    (CourseCategory.INSTRUCTOR_UPGRADE.value, _l("Instructor upgrading")),
]
VEHICLE_CHOICES = [
    (VehicleKind.CAR.value, _l("Car")),
    (VehicleKind.MOTORCYCLE.value, _l("Motorcycle")),
    (VehicleKind.TRUCK.value, _l("Truck")),
    (VehicleKind.BUS.value, _l("Bus")),
]


class InstructorForm(FlaskForm):
    staff_number = StringField(
        _l("NRP / NIP"),
        validators=[DataRequired(_l("Enter the NRP or NIP.")), Length(max=32)],
        description=_l("NRP: 8 digits (police). NIP: 18 digits (civil servants)."),
        render_kw={"inputmode": "numeric"},
    )
    rank = StringField(_l("Rank"), validators=[Optional(), Length(max=64)],
                       description=_l("Pangkat, e.g. Iptu; empty for civil servants."))  # fmt: skip
    full_name = StringField(
        _l("Full name"), validators=[DataRequired(_l("Enter the full name.")), Length(max=200)]
    )
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=32)])
    email = StringField(
        _l("Email"),
        validators=[Optional(), Email(_l("Enter a valid email address.")), Length(max=254)],
    )
    weekly_hours = IntegerField(
        _l("Weekly working hours"),
        default=40,
        validators=[
            DataRequired(_l("Enter the weekly hours.")),
            NumberRange(1, 80, _l("Between 1 and 80 hours.")),
        ],
        description=_l("Sessions beyond these hours in a week are refused."),
    )


class QualificationForm(FlaskForm):
    category = SelectField(_l("Course category"), choices=options(CATEGORY_CHOICES))
    vehicle_kind = SelectField(
        _l("Vehicle class"),
        coerce=optional_choice,
        choices=options([("", _l("Any (or none)"))] + VEHICLE_CHOICES),
    )
    valid_until = DateField(
        _l("Valid until"), validators=[Optional()], description=_l("Empty: does not expire.")
    )
    reference = StringField(
        _l("Certificate or decree number"), validators=[Optional(), Length(max=100)]
    )


class LeaveForm(FlaskForm):
    first_day = DateField(_l("First day"), validators=[DataRequired(_l("Enter the first day."))])
    last_day = DateField(_l("Last day"), validators=[DataRequired(_l("Enter the last day."))])
    reason = StringField(_l("Reason"), validators=[Optional(), Length(max=200)])
