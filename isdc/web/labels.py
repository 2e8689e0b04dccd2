"""How the domain's enum values read on screen, in the reader's language (one place for all)."""

from __future__ import annotations

import enum

from flask_babel import lazy_gettext as _l

from isdc.models import (
    AttendanceStatus,
    CertificateStatus,
    CourseCategory,
    EffectiveStatus,
    EnrolmentStatus,
    FacilityKind,
    OrganisationKind,
    Role,
    SessionStatus,
    Sex,
    TrackKind,
    VehicleKind,
)
from isdc.models.enrolment import SKILL_LEVEL_LABELS, SkillLevel

LABELS: dict[enum.Enum, object] = {
    Role.ADMIN: _l("Administrator"),
    Role.INSTRUCTOR: _l("Instructor"),
    Role.TRAINEE: _l("Trainee"),
    Sex.MALE: _l("Male"),
    Sex.FEMALE: _l("Female"),
    SessionStatus.PLANNED: _l("Planned"),
    SessionStatus.CANCELLED: _l("Cancelled"),
    SessionStatus.COMPLETED: _l("Completed"),
    EnrolmentStatus.ENROLLED: _l("Enrolled"),
    EnrolmentStatus.WAITLISTED: _l("Waitlisted"),
    EnrolmentStatus.WITHDRAWN: _l("Withdrawn"),
    EnrolmentStatus.COMPLETED: _l("Completed"),
    EnrolmentStatus.FAILED: _l("Not passed"),
    AttendanceStatus.PRESENT: _l("Present"),
    AttendanceStatus.LATE: _l("Late"),
    AttendanceStatus.ABSENT: _l("Absent"),
    FacilityKind.CLASSROOM: _l("Classrooms"),
    FacilityKind.SIMULATOR_BAY: _l("Simulator bays"),
    FacilityKind.TRACK: _l("Tracks"),
    FacilityKind.VEHICLE: _l("Training vehicles"),
    TrackKind.SKID_PAD: _l("Skid pad"),
    TrackKind.BRAKING_ZONE: _l("Braking zone"),
    TrackKind.SLALOM: _l("Slalom"),
    CourseCategory.DEFENSIVE_CAR: _l("Defensive driving (car)"),
    CourseCategory.SAFETY_RIDING: _l("Safety riding (motorcycle)"),
    CourseCategory.FLEET: _l("Fleet (truck and bus)"),
    CourseCategory.YOUTH: _l("Youth (Polisi Cilik, PKS)"),
    CourseCategory.INSTRUCTOR_UPGRADE: _l("Instructor upgrading"),
    VehicleKind.CAR: _l("Car"),
    VehicleKind.MOTORCYCLE: _l("Motorcycle"),
    VehicleKind.TRUCK: _l("Truck"),
    VehicleKind.BUS: _l("Bus"),
    OrganisationKind.COMPANY: _l("Company"),
    OrganisationKind.SCHOOL: _l("School"),
    OrganisationKind.AGENCY: _l("Government agency"),
    OrganisationKind.POLICE_UNIT: _l("Police unit"),
    CertificateStatus.VALID: _l("Valid"),
    CertificateStatus.REVOKED: _l("Revoked"),
    EffectiveStatus.EXPIRED: _l("Expired"),
}


def label(value: enum.Enum) -> str:
    """The on-screen name of an enum value (falls back to the raw value)."""
    if isinstance(value, SkillLevel):
        from flask_babel import gettext

        return gettext(SKILL_LEVEL_LABELS[value])
    text = LABELS.get(value)
    return str(text) if text is not None else str(getattr(value, "value", value))
