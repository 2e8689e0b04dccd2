"""Forms of the facility area."""

from __future__ import annotations

from datetime import time

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField, TimeField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from isdc.models import FacilityKind, TrackKind, VehicleKind
from isdc.web.fields import MultiCheckboxField, options

WEEKDAY_CHOICES = [
    ("1", _l("Mon")),
    ("2", _l("Tue")),
    ("3", _l("Wed")),
    ("4", _l("Thu")),
    ("5", _l("Fri")),
    ("6", _l("Sat")),
    ("7", _l("Sun")),
]


def optional_choice(value: str | None) -> str | None:
    return value or None


class FacilityForm(FlaskForm):
    name = StringField(
        _l("Name"), validators=[DataRequired(_l("Enter the name.")), Length(max=200)]
    )
    kind = SelectField(
        _l("Kind"),
        choices=options(
            [
                (FacilityKind.CLASSROOM.value, _l("Classroom")),
                (FacilityKind.SIMULATOR_BAY.value, _l("Simulator bay")),
                (FacilityKind.TRACK.value, _l("Driving track")),
                (FacilityKind.VEHICLE.value, _l("Training vehicle")),
            ]
        ),
    )
    track_kind = SelectField(
        _l("Track"),
        coerce=optional_choice,
        choices=options(
            [
                ("", "–"),
                (TrackKind.SKID_PAD.value, _l("Skid pad")),
                (TrackKind.BRAKING_ZONE.value, _l("Braking zone")),
                (TrackKind.SLALOM.value, _l("Slalom")),
            ]
        ),
        description=_l("Only for driving tracks."),
    )
    capacity = IntegerField(
        _l("Capacity"),
        default=1,
        validators=[
            DataRequired(_l("Enter a capacity of at least 1.")),
            NumberRange(1, 1000, _l("Capacity must be between 1 and 1000.")),
        ],
        description=_l("People for rooms, vehicles at once for tracks, seats for vehicles."),
    )
    opens_at = TimeField(_l("Opens at"), default=time(7),
                         validators=[DataRequired(_l("Enter the opening time."))])  # fmt: skip
    closes_at = TimeField(_l("Closes at"), default=time(17),
                          validators=[DataRequired(_l("Enter the closing time."))])  # fmt: skip
    open_weekdays = MultiCheckboxField(
        _l("Open on"), choices=options(WEEKDAY_CHOICES), default=["1", "2", "3", "4", "5"]
    )
    vehicle_kind = SelectField(
        _l("Vehicle class"),
        coerce=optional_choice,
        choices=options(
            [
                ("", "–"),
                (VehicleKind.CAR.value, _l("Car")),
                (VehicleKind.MOTORCYCLE.value, _l("Motorcycle")),
                (VehicleKind.TRUCK.value, _l("Truck")),
                (VehicleKind.BUS.value, _l("Bus")),
            ]
        ),
        description=_l("Only for training vehicles."),
    )
    registration_number = StringField(
        _l("Registration plate (TNKB)"), validators=[Optional(), Length(max=16)]
    )
    stnk_valid_until = DateField(_l("STNK valid until"), validators=[Optional()])
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=2000)])


class MaintenanceForm(FlaskForm):
    first_day = DateField(_l("First day"), validators=[DataRequired(_l("Enter the first day."))])
    last_day = DateField(_l("Last day"), validators=[DataRequired(_l("Enter the last day."))])
    reason = StringField(_l("Reason"), validators=[Optional(), Length(max=200)])
