"""Attendance per day: the instructor marks each trainee present, late or absent; the share
of days attended is what the course's minimum attendance is measured against."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from isdc.models import Attendance, AttendanceStatus, CourseSession, Enrolment, SessionSlot
from isdc.models.audit import audit
from isdc.models.enrolment import PLACE_HOLDING
from isdc.models.rules import N_, InvalidRecord, RuleViolation
from isdc.models.schedule import SessionStatus, local_days
from isdc.scheduling.events import BackOfficeEvent

MAX_NOTE_LENGTH = 500


@dataclass(frozen=True)
class AttendanceSummary:
    days: int  # days the session meets on
    held: int  # of those, days up to today
    present: int = 0
    late: int = 0
    absent: int = 0

    @property
    def attended(self) -> int:
        """Late still counts as attended."""
        return self.present + self.late

    @property
    def recorded(self) -> int:
        return self.present + self.late + self.absent

    @property
    def percent(self) -> float | None:
        """Days attended out of all the session's days (what the course minimum is about)."""
        return 100 * self.attended / self.days if self.days else None

    @property
    def percent_of_held(self) -> float | None:
        """Days attended out of the days held so far (how it is going)."""
        return 100 * self.attended / self.held if self.held else None


def session_day_list(slots: Iterable[SessionSlot], tz: ZoneInfo) -> list[date]:
    return sorted({d for s in slots for d in local_days(s.starts_at, s.ends_at, tz)})


def attendance_summaries(
    db: Session, enrolments: Iterable[tuple[int, int]], tz: ZoneInfo, today: date
) -> dict[int, AttendanceSummary]:
    """Summaries for (enrolment id, session id) pairs, in two queries whatever their number."""
    pairs = list(enrolments)
    if not pairs:
        return {}
    session_ids = sorted({s for _, s in pairs})
    days: dict[int, set[date]] = defaultdict(set)
    for session_id, starts_at, ends_at in db.execute(
        select(SessionSlot.session_id, SessionSlot.starts_at, SessionSlot.ends_at).where(
            SessionSlot.session_id.in_(session_ids)
        )
    ):
        days[session_id].update(local_days(starts_at, ends_at, tz))
    counts: dict[int, dict[AttendanceStatus, int]] = defaultdict(lambda: defaultdict(int))
    for enrolment_id, status in db.execute(
        select(Attendance.enrolment_id, Attendance.status).where(
            Attendance.enrolment_id.in_([e for e, _ in pairs])
        )
    ):
        counts[enrolment_id][status] += 1
    result = {}
    for enrolment_id, session_id in pairs:
        mine = counts[enrolment_id]
        result[enrolment_id] = AttendanceSummary(
            days=len(days[session_id]),
            held=sum(1 for d in days[session_id] if d <= today),
            present=mine[AttendanceStatus.PRESENT],
            late=mine[AttendanceStatus.LATE],
            absent=mine[AttendanceStatus.ABSENT],
        )
    return result


def attendance_sheet(db: Session, session: CourseSession, day: date) -> dict[int, Attendance]:
    """Enrolment id -> the attendance recorded on ``day`` (absent from the map: not yet)."""
    return attendance_sheets(db, [session.id], day)[session.id]


def attendance_sheets(
    db: Session, session_ids: Iterable[int], day: date
) -> dict[int, dict[int, Attendance]]:
    """Session id -> enrolment id -> the attendance of ``day``, for several sessions in one
    query (the instructor's day)."""
    ids = sorted(set(session_ids))
    sheets: dict[int, dict[int, Attendance]] = {i: {} for i in ids}
    if not ids:
        return sheets
    for row, session_id in db.execute(
        select(Attendance, Enrolment.session_id)
        .join(Enrolment, Enrolment.id == Attendance.enrolment_id)
        .where(Enrolment.session_id.in_(ids), Attendance.day == day)
    ):
        sheets[session_id][row.enrolment_id] = row
    return sheets


def record_attendance(
    db: Session,
    session: CourseSession,
    day: date,
    marks: Mapping[int, tuple[AttendanceStatus, str | None]],
    *,
    recorded_by_id: int | None,
    today: date,
) -> int:
    """Record ``marks`` (enrolment id -> status, note) for one day of the session; returns
    how many marks changed. Raises :class:`InvalidRecord` (not a day of the session, a day
    still to come, an enrolment of another session or without a place); the caller commits."""
    tz = session.site.tzinfo
    problems: list[RuleViolation] = []
    if session.status == SessionStatus.CANCELLED:
        problems.append(RuleViolation("session", N_("This session is cancelled.")))
    if day not in session_day_list(session.slots, tz):
        problems.append(
            RuleViolation(
                "day", N_("The session does not meet on %(day)s."), {"day": day.isoformat()}
            )
        )
    elif day > today:
        problems.append(
            RuleViolation("day", N_("Attendance can be taken on the day itself or later."))
        )
    enrolments = {
        e.id: e
        for e in db.scalars(
            select(Enrolment).where(
                Enrolment.id.in_(list(marks)), Enrolment.session_id == session.id
            )
        )
    }
    for enrolment_id, (_status, note) in marks.items():
        enrolment = enrolments.get(enrolment_id)
        if enrolment is None or enrolment.status not in PLACE_HOLDING:
            problems.append(
                RuleViolation("marks", N_("Attendance is taken only for enrolled trainees."))
            )
            break
        if note and len(note) > MAX_NOTE_LENGTH:
            problems.append(
                RuleViolation(
                    "marks",
                    N_("A note may have at most %(maximum)d characters."),
                    {"maximum": MAX_NOTE_LENGTH},
                )
            )
            break
    if problems:
        raise InvalidRecord(problems)
    existing = attendance_sheet(db, session, day)
    changed = 0
    for enrolment_id, (status, note) in marks.items():
        note = (note or "").strip() or None
        row = existing.get(enrolment_id)
        if row is None:
            db.add(Attendance(enrolment_id=enrolment_id, day=day, status=status, note=note,
                              recorded_by_id=recorded_by_id))  # fmt: skip
            changed += 1
        elif row.status != status or row.note != note:
            row.status, row.note, row.recorded_by_id = status, note, recorded_by_id
            changed += 1
    if changed:
        audit(db, BackOfficeEvent.ATTENDANCE, session, day=day, changed=changed)
    return changed
