"""Practical assessment: each skill of the course rated on the five-level scale, notes that
carry over, and the final sign-off.

Ratings are appended, never overwritten: the latest one per skill counts and the earlier ones
show the trainee's progress. The latest notes follow the trainee to the next day and to a
later session of the same course (a trainee repeating the course starts where they were).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from isdc.models import (
    CourseSession,
    CourseSkill,
    Enrolment,
    SessionStatus,
    SkillAssessment,
    SkillLevel,
    Trainee,
    User,
)
from isdc.models.audit import audit
from isdc.models.base import utcnow
from isdc.models.enrolment import PLACE_HOLDING
from isdc.models.rules import N_, InvalidRecord, RuleViolation
from isdc.scheduling.events import BackOfficeEvent

MAX_NOTES_LENGTH = 2000
# Sign-off needs every skill at "seldom prompted" or better: the trainee drives safely with
# at most an occasional hint.
SIGN_OFF_MINIMUM = SkillLevel.SELDOM_PROMPTED


@dataclass(frozen=True)
class Rating:
    skill_id: int
    level: SkillLevel
    notes: str | None
    assessed_at: datetime
    assessor_name: str | None
    enrolment_id: int
    carried_over: bool  # from an earlier session of the same course


def latest_ratings(db: Session, enrolments: Iterable[Enrolment]) -> dict[int, dict[int, Rating]]:
    """Enrolment id -> skill id -> the latest rating, in one query for any number of
    enrolments. A skill not yet rated in an enrolment shows the trainee's latest rating of
    it from an earlier session of the same course (``carried_over``)."""
    wanted = list(enrolments)
    if not wanted:
        return {}
    targets: dict[tuple[int, int], list[Enrolment]] = {}
    for e in wanted:
        targets.setdefault((e.trainee_id, e.session.course_id), []).append(e)
    rows = db.execute(
        select(
            SkillAssessment.enrolment_id,
            SkillAssessment.skill_id,
            SkillAssessment.level,
            SkillAssessment.notes,
            SkillAssessment.assessed_at,
            User.display_name,
            User.username,
            Enrolment.trainee_id,
            CourseSession.course_id,
            CourseSession.starts_at,
        )
        .join(Enrolment, Enrolment.id == SkillAssessment.enrolment_id)
        .join(CourseSession, CourseSession.id == Enrolment.session_id)
        .outerjoin(User, User.id == SkillAssessment.assessor_id)
        .where(
            Enrolment.trainee_id.in_(sorted({e.trainee_id for e in wanted})),
            CourseSession.course_id.in_(sorted({e.session.course_id for e in wanted})),
        )
        .order_by(SkillAssessment.assessed_at, SkillAssessment.id)
    ).all()
    own: dict[int, dict[int, Rating]] = {e.id: {} for e in wanted}
    earlier: dict[int, dict[int, Rating]] = {e.id: {} for e in wanted}
    for row in rows:  # oldest first: later rows replace earlier ones
        for target in targets.get((row.trainee_id, row.course_id), []):
            mine = row.enrolment_id == target.id
            if not mine and row.starts_at >= target.session.starts_at:
                continue  # a later session's ratings do not flow back
            (own if mine else earlier)[target.id][row.skill_id] = Rating(
                row.skill_id,
                SkillLevel(row.level),
                row.notes,
                row.assessed_at,
                row.display_name or row.username,
                row.enrolment_id,
                not mine,
            )
    return {e.id: {**earlier[e.id], **own[e.id]} for e in wanted}


def _can_be_assessed(enrolment: Enrolment, now: datetime) -> list[RuleViolation]:
    problems = []
    if enrolment.status not in PLACE_HOLDING:
        problems.append(RuleViolation("enrolment", N_("Only enrolled trainees are assessed.")))
    session = enrolment.session
    if session.status == SessionStatus.CANCELLED:
        problems.append(RuleViolation("session", N_("This session is cancelled.")))
    elif (
        session.starts_at.astimezone(session.site.tzinfo).date()
        > now.astimezone(session.site.tzinfo).date()
    ):
        # From the first day on (also before its first hour: instructors prepare early).
        problems.append(
            RuleViolation("session", N_("Skills are rated from the session's first day on."))
        )
    return problems


def rate_skills(
    db: Session,
    enrolment: Enrolment,
    ratings: Mapping[int, tuple[int, str | None]],
    *,
    assessor_id: int | None,
    now: datetime | None = None,
) -> list[SkillAssessment]:
    """Add a rating for each skill whose level changed or that got a note (skill id ->
    (level 1-5, notes)). Returns the new ratings; the caller commits."""
    now = now or utcnow()
    problems = _can_be_assessed(enrolment, now)
    if enrolment.practical_signed_off:
        problems.append(
            RuleViolation(
                "enrolment", N_("The practical assessment is signed off; undo the sign-off first.")
            )
        )
    skills = {s.id: s for s in enrolment.session.course.skills if s.active}
    for skill_id, (level, notes) in ratings.items():
        if skill_id not in skills:
            problems.append(RuleViolation("skill", N_("Unknown skill for this course.")))
            break
        if level not in tuple(SkillLevel):
            problems.append(RuleViolation("level", N_("Choose a level from 1 to 5.")))
            break
        if notes and len(notes) > MAX_NOTES_LENGTH:
            problems.append(
                RuleViolation(
                    "notes",
                    N_("Notes may have at most %(maximum)d characters."),
                    {"maximum": MAX_NOTES_LENGTH},
                )
            )
            break
    if problems:
        raise InvalidRecord(problems)
    current = latest_ratings(db, [enrolment])[enrolment.id]
    added = []
    for skill_id, (level, notes) in ratings.items():
        notes = (notes or "").strip() or None
        before = current.get(skill_id)
        own_before = before if before is not None and not before.carried_over else None
        if own_before is not None and own_before.level == level and not notes:
            continue  # unchanged
        if own_before is not None and own_before.level == level and own_before.notes == notes:
            continue
        rating = SkillAssessment(
            enrolment_id=enrolment.id,
            skill_id=skill_id,
            level=int(level),
            notes=notes,
            assessor_id=assessor_id,
            assessed_at=now,
        )
        db.add(rating)
        added.append(rating)
    if added:
        audit(db, BackOfficeEvent.ASSESS, enrolment, skills=[r.skill_id for r in added])
    return added


def sign_off_problems(
    enrolment: Enrolment, ratings: Mapping[int, Rating], now: datetime
) -> list[RuleViolation]:
    """Why the practical assessment cannot be signed off yet (empty: it can)."""
    problems = _can_be_assessed(enrolment, now)
    course = enrolment.session.course
    if not course.requires_practical_signoff:
        problems.append(
            RuleViolation("enrolment", N_("This course has no practical assessment sign-off."))
        )
    if enrolment.practical_signed_off:
        problems.append(RuleViolation("enrolment", N_("Already signed off.")))
    skills: list[CourseSkill] = [s for s in course.skills if s.active]
    unrated = [s for s in skills if s.id not in ratings or ratings[s.id].carried_over]
    if unrated:
        problems.append(
            RuleViolation(
                "skills",
                N_("%(count)d skills are not yet rated in this session."),
                {"count": len(unrated)},
            )
        )
    low = [
        s
        for s in skills
        if s.id in ratings
        and not ratings[s.id].carried_over
        and ratings[s.id].level < SIGN_OFF_MINIMUM
    ]
    if low:
        problems.append(
            RuleViolation(
                "skills",
                N_('%(count)d skills are below "seldom prompted".'),
                {"count": len(low)},
            )
        )
    return problems


def sign_off(
    db: Session,
    enrolment: Enrolment,
    *,
    by_user_id: int | None,
    notes: str | None = None,
    now: datetime | None = None,
) -> None:
    """Record the final sign-off of the practical assessment; the caller commits."""
    now = now or utcnow()
    ratings = latest_ratings(db, [enrolment])[enrolment.id]
    if problems := sign_off_problems(enrolment, ratings, now):
        raise InvalidRecord(problems)
    enrolment.practical_signed_off_at = now
    enrolment.practical_signed_off_by_id = by_user_id
    enrolment.practical_notes = (notes or "").strip() or None
    audit(
        db,
        BackOfficeEvent.SIGN_OFF,
        enrolment,
        levels={k: int(v.level) for k, v in ratings.items()},
    )


def undo_sign_off(db: Session, enrolment: Enrolment, reason: str) -> None:
    """Take back a sign-off given by mistake (audited with the reason); the caller commits."""
    reason = reason.strip()
    problems = []
    if not enrolment.practical_signed_off:
        problems.append(RuleViolation("enrolment", N_("There is no sign-off to undo.")))
    if not reason:
        problems.append(RuleViolation("reason", N_("Give the reason for undoing the sign-off.")))
    if problems:
        raise InvalidRecord(problems)
    audit(
        db,
        BackOfficeEvent.UNDO_SIGN_OFF,
        enrolment,
        reason=reason,
        signed_off_at=enrolment.practical_signed_off_at,
    )
    enrolment.practical_signed_off_at = None
    enrolment.practical_signed_off_by_id = None


@dataclass(frozen=True)
class SkillNote:
    trainee_name: str
    skill_name_id: str
    skill_name_en: str
    notes: str
    assessed_at: datetime

    def skill_name(self, locale: str) -> str:
        return self.skill_name_en if locale == "en" else self.skill_name_id


def latest_notes(
    db: Session, session_ids: Iterable[int], limit_per_session: int = 3
) -> dict[int, list[SkillNote]]:
    """The latest notes about the trainees of each session, newest first (the instructor's
    "today" view): written in this session or in an earlier session of the same course, so
    a trainee repeating the course arrives with their notes. Two queries; at most
    ``limit_per_session`` notes per session."""
    ids = sorted(set(session_ids))
    result: dict[int, list[SkillNote]] = {i: [] for i in ids}
    if not ids:
        return result
    # (trainee, course) -> the sessions of these that the trainee holds a place in.
    wanted: dict[tuple[int, int], list[tuple[int, datetime]]] = {}
    for session_id, course_id, starts_at, trainee_id in db.execute(
        select(CourseSession.id, CourseSession.course_id, CourseSession.starts_at,
               Enrolment.trainee_id)
        .join(Enrolment, Enrolment.session_id == CourseSession.id)
        .where(CourseSession.id.in_(ids), Enrolment.status.in_(PLACE_HOLDING))
    ):  # fmt: skip
        wanted.setdefault((trainee_id, course_id), []).append((session_id, starts_at))
    if not wanted:
        return result
    trainee_ids = sorted({t for t, _ in wanted})
    course_ids = sorted({c for _, c in wanted})
    rows = db.execute(
        select(
            Enrolment.trainee_id,
            CourseSession.course_id,
            CourseSession.starts_at,
            Trainee.full_name,
            CourseSkill.name_id,
            CourseSkill.name_en,
            SkillAssessment.notes,
            SkillAssessment.assessed_at,
        )
        .join(Enrolment, Enrolment.id == SkillAssessment.enrolment_id)
        .join(CourseSession, CourseSession.id == Enrolment.session_id)
        .join(Trainee, Trainee.id == Enrolment.trainee_id)
        .join(CourseSkill, CourseSkill.id == SkillAssessment.skill_id)
        .where(
            Enrolment.trainee_id.in_(trainee_ids),
            CourseSession.course_id.in_(course_ids),
            SkillAssessment.notes.is_not(None),
        )
        .order_by(SkillAssessment.assessed_at.desc(), SkillAssessment.id.desc())
    )
    for trainee_id, course_id, written_in, name, skill_id_name, skill_en_name, notes, at in rows:
        for session_id, starts_at in wanted.get((trainee_id, course_id), []):
            # Notes from this session or an earlier one, never from a later one.
            if written_in <= starts_at and len(result[session_id]) < limit_per_session:
                result[session_id].append(SkillNote(name, skill_id_name, skill_en_name, notes, at))
    return result
