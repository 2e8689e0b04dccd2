"""On-screen names of the simulator area's values (assignment states, outcomes, vehicles)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from isdc.models import AssignmentStatus

ASSIGNMENT_STATUS = {
    AssignmentStatus.PENDING: _l("Waiting"),
    AssignmentStatus.SENT: _l("At the station"),
    AssignmentStatus.RUNNING: _l("Driving"),
    AssignmentStatus.DONE: _l("Done"),
    AssignmentStatus.CANCELLED: _l("Cancelled"),
}
OUTCOMES = {
    "completed": _l("Completed"),
    "timeout": _l("Timed out"),
    "collision": _l("Collision"),
    "aborted": _l("Stopped"),
}
VEHICLES = {"car": _l("Car"), "motorcycle": _l("Motorcycle"), "truck": _l("Truck")}
SEVERITIES = {"critical": _l("Critical"), "major": _l("Major"), "minor": _l("Minor")}


def assignment_status(value: str) -> str:
    return str(ASSIGNMENT_STATUS.get(AssignmentStatus(value), value))


def outcome(value: str) -> str:
    return str(OUTCOMES.get(value, value))


def vehicle(value: str) -> str:
    return str(VEHICLES.get(value, value))


def severity(value: str) -> str:
    return str(SEVERITIES.get(value, value))
