"""Forms of the simulator area."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp

from isdc.runs.assignments import MAX_SEED


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token."""


class StationForm(FlaskForm):
    name = StringField(
        _l("Station name"),
        validators=[
            DataRequired(_l("Give the station a name, e.g. SIM-07.")),
            Length(max=64),
            Regexp(
                r"^[A-Za-z0-9][A-Za-z0-9 ._-]*$",
                message=_l("Use letters, digits, spaces, dots, dashes and underscores."),
            ),  # fmt: skip
        ],
    )
    bay = SelectField(_l("Simulator bay"), coerce=int, default=0)


class AssignForm(FlaskForm):
    """Assign one scenario to chosen trainees (or the required ones to everyone)."""

    scenario = SelectField(_l("Scenario"), validators=[DataRequired()])
    vehicle = SelectField(_l("Vehicle"), validators=[DataRequired()])
    seed = IntegerField(
        _l("Seed"),
        validators=[
            Optional(),
            NumberRange(0, MAX_SEED, _l("A seed is a whole number from 0 to %(max)s.")),
        ],
        description=_l("Leave empty for a different random seed per trainee."),
    )


class SendForm(FlaskForm):
    station = SelectField(_l("Bay"), coerce=int, validators=[DataRequired(_l("Choose a bay."))])
