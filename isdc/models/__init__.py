"""The data model of ISDC Suite (SPEC §3), one module per area; importing this registers all.

Models use plain SQLAlchemy 2.0 (no Flask), so scripts, benchmarks and tests can use them with
any ``Session``; the web app uses ``isdc.extensions.db.session``.
"""

from isdc.models.accounts import Role, UiLocale, User
from isdc.models.audit import AuditAction, AuditLog, audit
from isdc.models.base import Base, RecordStatus, utcnow
from isdc.models.certificates import (
    Certificate,
    CertificateSerialCounter,
    CertificateStatus,
    EffectiveStatus,
    allocate_serial_number,
)
from isdc.models.courses import (
    Course,
    CourseCategory,
    CourseScenarioRequirement,
    CourseSkill,
    VehicleKind,
)
from isdc.models.enrolment import (
    Attendance,
    AttendanceStatus,
    Enrolment,
    EnrolmentSource,
    EnrolmentStatus,
    SkillAssessment,
    SkillLevel,
)
from isdc.models.facilities import Facility, FacilityKind, FacilityMaintenance, TrackKind
from isdc.models.identity import Sex, SimClass
from isdc.models.people import (
    Instructor,
    InstructorLeave,
    InstructorQualification,
    Organisation,
    OrganisationKind,
    Trainee,
)
from isdc.models.schedule import (
    Booking,
    BookingStatus,
    CalendarFeed,
    CourseSession,
    FeedOwner,
    InstructorRole,
    ResourceKind,
    SessionInstructor,
    SessionSlot,
    SessionStatus,
)
from isdc.models.simulator import (
    Assignment,
    AssignmentStatus,
    Run,
    RunFinding,
    RunMeasure,
    ScoreReport,
    Station,
)
from isdc.models.site import Site

__all__ = [
    "Assignment",
    "AssignmentStatus",
    "Attendance",
    "AttendanceStatus",
    "AuditAction",
    "AuditLog",
    "Base",
    "Booking",
    "BookingStatus",
    "CalendarFeed",
    "Certificate",
    "CertificateSerialCounter",
    "CertificateStatus",
    "Course",
    "CourseCategory",
    "CourseScenarioRequirement",
    "CourseSession",
    "CourseSkill",
    "EffectiveStatus",
    "Enrolment",
    "EnrolmentSource",
    "EnrolmentStatus",
    "Facility",
    "FacilityKind",
    "FacilityMaintenance",
    "FeedOwner",
    "Instructor",
    "InstructorLeave",
    "InstructorQualification",
    "InstructorRole",
    "Organisation",
    "OrganisationKind",
    "RecordStatus",
    "ResourceKind",
    "Role",
    "Run",
    "RunFinding",
    "RunMeasure",
    "ScoreReport",
    "SessionInstructor",
    "SessionSlot",
    "SessionStatus",
    "Sex",
    "SimClass",
    "Site",
    "SkillAssessment",
    "SkillLevel",
    "Station",
    "Trainee",
    "TrackKind",
    "UiLocale",
    "VehicleKind",
    "User",
    "allocate_serial_number",
    "audit",
    "utcnow",
]
