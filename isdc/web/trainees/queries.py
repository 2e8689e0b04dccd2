"""What the trainee pages read: the filtered list (two queries per page, whatever the size),
and a trainee's enrolments, runs and certificates."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from isdc.models import (
    Certificate,
    Course,
    CourseSession,
    Enrolment,
    EnrolmentStatus,
    Organisation,
    RecordStatus,
    Run,
    SessionStatus,
    Sex,
    SimClass,
    Trainee,
)
from isdc.models.identity import age_on

NO_SIM = "none"


@dataclass(frozen=True)
class TraineeFilter:
    q: str = ""
    organisation_id: int | None = None
    sim_class: str = ""  # a SimClass value, NO_SIM, or "" for any
    status: str = RecordStatus.ACTIVE.value  # "active", "retired" or "all"

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> TraineeFilter:
        org = args.get("organisation", "")
        sim = args.get("sim_class", "")
        status = args.get("status", RecordStatus.ACTIVE.value)
        return cls(
            q=" ".join(args.get("q", "").split())[:100],
            organisation_id=int(org) if org.isdigit() else None,
            sim_class=sim if sim in {c.value for c in SimClass} | {NO_SIM} else "",
            status=status if status in ("active", "retired", "all") else "active",
        )

    @property
    def is_default(self) -> bool:
        return self == TraineeFilter()


@dataclass(frozen=True)
class TraineeRow:
    id: int
    nik: str
    full_name: str
    birth_date: date
    sex: Sex
    city: str | None
    sim_class: SimClass | None
    status: RecordStatus
    organisation: str | None

    def age(self, today: date) -> int:
        return age_on(self.birth_date, today)


def _filtered(query: Select, site_id: int, f: TraineeFilter) -> Select:  # type: ignore[type-arg]
    query = query.where(Trainee.site_id == site_id)
    if f.status != "all":
        query = query.where(Trainee.status == RecordStatus(f.status))
    if f.organisation_id is not None:
        query = query.where(Trainee.organisation_id == f.organisation_id)
    if f.sim_class == NO_SIM:
        query = query.where(Trainee.sim_class.is_(None))
    elif f.sim_class:
        query = query.where(Trainee.sim_class == SimClass(f.sim_class))
    if f.q:
        digits = f.q.replace(" ", "").replace(".", "")
        if digits.isdigit():
            query = query.where(Trainee.nik.contains(digits, autoescape=True))
        else:
            query = query.where(
                or_(
                    Trainee.full_name.icontains(f.q, autoescape=True),
                    Organisation.name.icontains(f.q, autoescape=True),
                    Trainee.city.icontains(f.q, autoescape=True),
                )
            )
    return query


def _list_query(site_id: int, f: TraineeFilter) -> Select:  # type: ignore[type-arg]
    query = select(
        Trainee.id,
        Trainee.nik,
        Trainee.full_name,
        Trainee.birth_date,
        Trainee.sex,
        Trainee.city,
        Trainee.sim_class,
        Trainee.status,
        Organisation.name,
    ).outerjoin(Organisation, Organisation.id == Trainee.organisation_id)
    return _filtered(query, site_id, f).order_by(Trainee.full_name, Trainee.id)


def count_trainees(db: Session, site_id: int, f: TraineeFilter) -> int:
    query = select(func.count(Trainee.id)).outerjoin(
        Organisation, Organisation.id == Trainee.organisation_id
    )
    return db.scalar(_filtered(query, site_id, f)) or 0


def trainee_rows(
    db: Session, site_id: int, f: TraineeFilter, offset: int, limit: int
) -> list[TraineeRow]:
    return [
        TraineeRow(*row) for row in db.execute(_list_query(site_id, f).offset(offset).limit(limit))
    ]


def export_rows(db: Session, site_id: int, f: TraineeFilter) -> list[tuple[Trainee, str | None]]:
    """Every trainee of the filter with their organisation's name (for the CSV export)."""
    query = select(Trainee, Organisation.name).outerjoin(
        Organisation, Organisation.id == Trainee.organisation_id
    )
    query = _filtered(query, site_id, f).order_by(Trainee.full_name, Trainee.id)
    return [(t, name) for t, name in db.execute(query)]


def organisations(db: Session, site_id: int) -> list[Organisation]:
    return list(
        db.scalars(
            select(Organisation)
            .where(Organisation.site_id == site_id, Organisation.status == RecordStatus.ACTIVE)
            .order_by(Organisation.name)
        )
    )


@dataclass(frozen=True)
class EnrolmentRow:
    enrolment_id: int
    status: EnrolmentStatus
    waitlist_position: int | None
    withdraw_reason: str | None
    signed_off_at: datetime | None
    session_id: int
    session_name: str
    session_status: SessionStatus
    starts_at: datetime
    ends_at: datetime
    cancel_reason: str | None
    reschedule_reason: str | None
    course_code: str
    title_id: str
    title_en: str
    min_attendance_pct: int

    def title(self, locale: str) -> str:
        return self.title_en if locale == "en" else self.title_id


def trainee_enrolments(db: Session, trainee_id: int) -> list[EnrolmentRow]:
    """Every enrolment of the trainee with its session and course, newest first."""
    return [
        EnrolmentRow(*row)
        for row in db.execute(
            select(
                Enrolment.id,
                Enrolment.status,
                Enrolment.waitlist_position,
                Enrolment.withdraw_reason,
                Enrolment.practical_signed_off_at,
                CourseSession.id,
                CourseSession.name,
                CourseSession.status,
                CourseSession.starts_at,
                CourseSession.ends_at,
                CourseSession.cancel_reason,
                CourseSession.reschedule_reason,
                Course.code,
                Course.title_id,
                Course.title_en,
                Course.min_attendance_pct,
            )
            .join(CourseSession, CourseSession.id == Enrolment.session_id)
            .join(Course, Course.id == CourseSession.course_id)
            .where(Enrolment.trainee_id == trainee_id)
            .order_by(CourseSession.starts_at.desc())
        )
    ]


def trainee_runs(db: Session, trainee_id: int, limit: int = 20) -> list[Run]:
    return list(
        db.scalars(
            select(Run)
            .where(Run.trainee_id == trainee_id)
            .order_by(Run.started_at.desc())
            .limit(limit)
        )
    )


def trainee_certificates(db: Session, trainee_id: int) -> list[Certificate]:
    return list(
        db.scalars(
            select(Certificate)
            .where(Certificate.trainee_id == trainee_id)
            .order_by(Certificate.issued_at.desc())
        )
    )
