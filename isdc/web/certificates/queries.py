"""Read-only queries of the certificate pages: the register with search, sessions to certify,
a session's enrolments with their certificates. Query counts do not grow with the rows."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import Session, joinedload, selectinload

from isdc.certificates import MalformedCode, normalise
from isdc.models import (
    Certificate,
    CertificateStatus,
    Course,
    CourseSession,
    EffectiveStatus,
    Enrolment,
    SessionStatus,
    Trainee,
)
from isdc.models.eligibility import CERTIFIABLE, LISTED
from isdc.models.issuing import single_line

PAGE_SIZE = 50


@dataclass(frozen=True)
class RegisterFilter:
    """The certificate register's search: free text, course, status, issue year, page."""

    text: str = ""
    course_id: int | None = None
    status: EffectiveStatus | None = None
    year: int | None = None
    page: int = 1


@dataclass(frozen=True)
class RegisterPage:
    certificates: list[Certificate]
    total: int
    page: int
    pages: int


def register(
    db: Session, site_id: int, wanted: RegisterFilter, today: date, tz: ZoneInfo
) -> RegisterPage:
    query = select(Certificate).where(Certificate.site_id == site_id)
    query = _filtered(query, wanted, today, tz)
    total = db.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, wanted.page), pages)
    rows = db.scalars(
        query.options(joinedload(Certificate.course))
        .order_by(Certificate.issued_at.desc(), Certificate.id.desc())
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    ).all()
    return RegisterPage(list(rows), total, page, pages)


def _filtered(
    query: Select[tuple[Certificate]], wanted: RegisterFilter, today: date, tz: ZoneInfo
) -> Select[tuple[Certificate]]:
    text = single_line(wanted.text)
    if text:
        conditions = [
            Certificate.holder_name.ilike(f"%{_escape(text)}%", escape="\\"),
            Certificate.serial.ilike(f"%{_escape(text)}%", escape="\\"),
        ]
        with contextlib.suppress(MalformedCode):  # a code is searched for only when well formed
            conditions.append(Certificate.verification_code == normalise(text))
        query = query.where(or_(*conditions))
    if wanted.course_id is not None:
        query = query.where(Certificate.course_id == wanted.course_id)
    if wanted.status == EffectiveStatus.REVOKED:
        query = query.where(Certificate.status == CertificateStatus.REVOKED)
    elif wanted.status == EffectiveStatus.EXPIRED:
        query = query.where(
            Certificate.status == CertificateStatus.VALID, Certificate.valid_until < today
        )
    elif wanted.status == EffectiveStatus.VALID:
        query = query.where(
            Certificate.status == CertificateStatus.VALID,
            or_(Certificate.valid_until.is_(None), Certificate.valid_until >= today),
        )
    if wanted.year is not None:
        # The issue year in the site's time zone (serials use it too).
        query = query.where(
            Certificate.issued_at >= datetime(wanted.year, 1, 1, tzinfo=tz),
            Certificate.issued_at < datetime(wanted.year + 1, 1, 1, tzinfo=tz),
        )
    return query


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def issue_years(db: Session, site_id: int) -> list[int]:
    """Years that have certificates (from the serials: ISDC/<year>/...), newest first."""
    serials = db.scalars(
        select(func.substr(Certificate.serial, 6, 4))
        .where(Certificate.site_id == site_id)
        .distinct()
    )
    return sorted({int(s) for s in serials if s and s.isdigit()}, reverse=True)


@dataclass(frozen=True)
class SessionRow:
    session: CourseSession
    participants: int  # enrolled, completed or failed
    certifiable: int  # enrolled or completed (failed ones get no certificate)
    issued: int  # valid (not revoked) certificates

    @property
    def open(self) -> int:
        """Certifiable trainees without a valid certificate: eligible or still missing
        something (the session page says which)."""
        return max(0, self.certifiable - self.issued)


def sessions_to_certify(
    db: Session, site_id: int, now: datetime, limit: int = 30
) -> list[SessionRow]:
    """Sessions that are over (and not cancelled), newest first, with how many took part and
    how many hold a certificate: where the administrator issues next."""
    participants = (
        select(
            Enrolment.session_id,
            func.count(Enrolment.id).label("n"),
            func.count(Enrolment.id)
            .filter(Enrolment.status.in_(sorted(CERTIFIABLE)))
            .label("certifiable"),
        )
        .where(Enrolment.status.in_(sorted(LISTED)))
        .group_by(Enrolment.session_id)
        .subquery()
    )
    issued = (
        select(Certificate.session_id, func.count(Certificate.id).label("n"))
        .where(Certificate.status == CertificateStatus.VALID)
        .group_by(Certificate.session_id)
        .subquery()
    )
    rows = db.execute(
        select(
            CourseSession,
            func.coalesce(participants.c.n, 0),
            func.coalesce(participants.c.certifiable, 0),
            func.coalesce(issued.c.n, 0),
        )
        .options(joinedload(CourseSession.course))
        .outerjoin(participants, participants.c.session_id == CourseSession.id)
        .outerjoin(issued, issued.c.session_id == CourseSession.id)
        .where(
            CourseSession.site_id == site_id,
            CourseSession.status != SessionStatus.CANCELLED,
            CourseSession.ends_at <= now,
            func.coalesce(participants.c.n, 0) > 0,
        )
        .order_by(CourseSession.ends_at.desc())
        .limit(limit)
    ).all()
    return [SessionRow(s, int(p), int(c), int(i)) for s, p, c, i in rows]


def session_enrolments(db: Session, session_id: int) -> list[Enrolment]:
    """The session's listed enrolments with trainee and organisation, by name."""
    return list(
        db.scalars(
            select(Enrolment)
            .join(Trainee, Trainee.id == Enrolment.trainee_id)
            .options(joinedload(Enrolment.trainee).joinedload(Trainee.organisation))
            .where(Enrolment.session_id == session_id, Enrolment.status.in_(sorted(LISTED)))
            .order_by(func.lower(Trainee.full_name), Enrolment.id)
        )
    )


def certificates_of_session(db: Session, session_id: int) -> dict[int, list[Certificate]]:
    """Every certificate of the session by enrolment, oldest first (a reissue comes last)."""
    found: dict[int, list[Certificate]] = {}
    for certificate in db.scalars(
        select(Certificate)
        .where(Certificate.session_id == session_id)
        .order_by(Certificate.issued_at, Certificate.id)
    ):
        found.setdefault(certificate.enrolment_id, []).append(certificate)
    return found


def session_for_site(db: Session, session_id: int, site_id: int) -> CourseSession | None:
    return db.scalar(
        select(CourseSession)
        .options(
            joinedload(CourseSession.course).selectinload(Course.scenario_requirements),
            selectinload(CourseSession.slots),
        )
        .where(CourseSession.id == session_id, CourseSession.site_id == site_id)
    )


def certificate_for_site(db: Session, certificate_id: int, site_id: int) -> Certificate | None:
    return db.scalar(
        select(Certificate)
        .options(joinedload(Certificate.course), joinedload(Certificate.trainee))
        .where(Certificate.id == certificate_id, Certificate.site_id == site_id)
    )


def replacement_of(db: Session, certificate_id: int) -> Certificate | None:
    return db.scalar(select(Certificate).where(Certificate.replaces_id == certificate_id))


def trainee_certificates(db: Session, trainee_id: int) -> list[Certificate]:
    return list(
        db.scalars(
            select(Certificate)
            .options(joinedload(Certificate.course))
            .where(Certificate.trainee_id == trainee_id)
            .order_by(Certificate.issued_at.desc(), Certificate.id.desc())
        )
    )


def courses_with_certificates(db: Session, site_id: int) -> list[Course]:
    return list(
        db.scalars(
            select(Course)
            .where(
                Course.site_id == site_id,
                select(Certificate.id).where(and_(Certificate.course_id == Course.id)).exists(),
            )
            .order_by(Course.code)
        )
    )
