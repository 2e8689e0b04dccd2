"""Forms of the schedule area."""

from __future__ import annotations

from datetime import time

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from isdc.scheduling.recurrence import Repeat
from isdc.web.facilities.forms import WEEKDAY_CHOICES
from isdc.web.fields import MultiCheckboxField, options

FACILITY_ROWS = 4


def optional_int(value: object) -> int | None:
    if value in (None, "", "None"):
        return None
    return int(value)  # type: ignore[call-overload]


class FacilityRow(Form):
    """One facility booking of the plan: the whole day, or from-to."""

    facility = SelectField(_l("Facility"), coerce=optional_int, choices=[], validate_choice=False)
    starts = TimeField(_l("From"), validators=[Optional()])
    ends = TimeField(_l("To"), validators=[Optional()])


class SessionForm(FlaskForm):
    course = SelectField(_l("Course"), coerce=optional_int, choices=[],
                         validators=[InputRequired(_l("Choose a course."))])  # fmt: skip
    name = StringField(
        _l("Name of the cohort"),
        validators=[Optional(), Length(max=100)],
        description=_l("e.g. DDC 2026/12 A; empty: the course code and the first day."),
    )
    capacity = IntegerField(
        _l("Places"),
        validators=[Optional(), NumberRange(1, 500, _l("Capacity must be between 1 and 500."))],
        description=_l("Empty: the course's number of places."),
    )
    lead = SelectField(_l("Lead instructor"), coerce=optional_int, choices=[],
                       validators=[InputRequired(_l("Choose the lead instructor."))])  # fmt: skip
    assistants = SelectMultipleField(_l("Assistant instructors"), coerce=int, choices=[])
    first_day = DateField(_l("First day"), validators=[DataRequired(_l("Enter the first day."))])
    repeat = SelectField(
        _l("Repeats"),
        choices=options(
            [
                (Repeat.ONCE.value, _l("Once (one day)")),
                (Repeat.WEEKDAYS.value, _l("Every weekday (Mon–Fri)")),
                (Repeat.WORKING_DAYS.value, _l("Every working day (Mon–Sat)")),
                (Repeat.DAILY.value, _l("Every day")),
                (Repeat.WEEKLY.value, _l("Weekly on the days below")),
            ]
        ),
    )
    # date.weekday() numbers: 0 = Monday.
    weekdays = MultiCheckboxField(
        _l("On"), choices=options((int(v) - 1, text) for v, text in WEEKDAY_CHOICES), coerce=int
    )
    until = DateField(_l("Until (last day)"), validators=[Optional()])
    count = IntegerField(_l("or for this many days"), validators=[Optional()])
    weeks = IntegerField(_l("or for this many weeks"), validators=[Optional()])
    day_starts = TimeField(_l("Starts at"), default=time(8),
                           validators=[DataRequired(_l("Enter the starting time."))])  # fmt: skip
    day_ends = TimeField(_l("Ends at"), default=time(16),
                         validators=[DataRequired(_l("Enter the end time."))])  # fmt: skip
    facilities = FieldList(FormField(FacilityRow), min_entries=FACILITY_ROWS,
                           max_entries=FACILITY_ROWS)  # fmt: skip
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=2000)])
    skip_conflicting = BooleanField(
        _l("Skip conflicting dates"),
        description=_l("Book the days that are free and list the ones skipped, with the reason."),
    )


class SessionDetailsForm(FlaskForm):
    name = StringField(_l("Name of the cohort"), validators=[Optional(), Length(max=100)])
    capacity = IntegerField(
        _l("Places"),
        validators=[InputRequired(_l("Enter the number of places.")),
                    NumberRange(1, 500, _l("Capacity must be between 1 and 500."))],
    )  # fmt: skip
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=2000)])


class ReasonForm(FlaskForm):
    reason = StringField(
        _l("Reason"),
        validators=[DataRequired(_l("Give a reason; the trainees will see it.")), Length(max=500)],
    )


class MoveDayForm(FlaskForm):
    day = DateField(_l("New day"), validators=[DataRequired(_l("Enter the new day."))])
    starts = TimeField(_l("Starts at"), validators=[DataRequired(_l("Enter the starting time."))])
    ends = TimeField(_l("Ends at"), validators=[DataRequired(_l("Enter the end time."))])
    reason = StringField(
        _l("Reason"),
        validators=[DataRequired(_l("Give a reason; the trainees will see it.")), Length(max=500)],
    )


class EnrolForm(FlaskForm):
    trainee_id = HiddenField(validators=[DataRequired()])


class EnrolmentImportForm(FlaskForm):
    file = FileField(
        _l("CSV file"),
        validators=[FileRequired(_l("Choose the CSV file to import."))],
        render_kw={"accept": ".csv,text/csv"},
    )


class SignOffForm(FlaskForm):
    notes = TextAreaField(_l("Notes for the record"), validators=[Optional(), Length(max=2000)])


class InstructorsForm(FlaskForm):
    lead = SelectField(_l("Lead instructor"), coerce=optional_int, choices=[],
                       validators=[InputRequired(_l("Choose the lead instructor."))])  # fmt: skip
    assistants = SelectMultipleField(_l("Assistant instructors"), coerce=int, choices=[])
