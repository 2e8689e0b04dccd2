"""The world's answers worked out in plain Python from the raw lists (not from the database),
so the tests compare two independent computations."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, datetime, timedelta

from isdc.models import EnrolmentStatus, SessionStatus
from tests.analytics.conftest import (
    CERTIFICATES,
    COURSES,
    ENROLMENTS,
    MAINTENANCE,
    RUN_SECONDS,
    RUNS,
    SESSIONS,
    TRAINEES,
    WIB,
)

START, END = date(2026, 7, 1), date(2026, 9, 30)


def local_month(moment: datetime) -> str:
    return (moment + timedelta(hours=WIB)).strftime("%Y-%m")


def in_period(moment: datetime) -> bool:
    return START <= (moment + timedelta(hours=WIB)).date() <= END


def population(course: str | None = None, organisation: str | None = None,
               instructor: str | None = None) -> list[tuple[str, str, EnrolmentStatus]]:  # fmt: skip
    """Enrolments (trainee, session, status) of sessions ending in the period."""
    out = []
    for trainee, session, status, _ in ENROLMENTS:
        code, days, teachers, _rooms, state = SESSIONS[session]
        if state == SessionStatus.CANCELLED or not START <= days[-1] <= END:
            continue
        if status == EnrolmentStatus.WAITLISTED:
            continue
        if course and code != course or organisation and TRAINEES[trainee] != organisation:
            continue
        if instructor and instructor not in teachers:
            continue
        out.append((trainee, session, status))
    return out


def trained_by_month_and_course(**scope: str) -> dict[tuple[str, str], int]:
    counts: Counter[tuple[str, str]] = Counter()
    for _trainee, session, status in population(**scope):
        if status == EnrolmentStatus.COMPLETED:
            code, days, *_ = SESSIONS[session]
            counts[days[-1].strftime("%Y-%m"), code] += 1
    return dict(counts)


def rates(
    rows: list[tuple[str, str, EnrolmentStatus]],
) -> tuple[int, int, int, float | None, float | None]:
    statuses = Counter(status for _t, _s, status in rows)
    total = len(rows)
    done = statuses[EnrolmentStatus.COMPLETED] + statuses[EnrolmentStatus.FAILED]
    completion = round(100 * done / total, 1) if total else None
    passing = round(100 * statuses[EnrolmentStatus.COMPLETED] / done, 1) if done else None
    return (
        total,
        statuses[EnrolmentStatus.COMPLETED],
        statuses[EnrolmentStatus.FAILED],
        completion,
        passing,
    )


def rates_by_course(**scope: str) -> dict[str, tuple]:
    rows = population(**scope)
    return {code: rates([r for r in rows if SESSIONS[r[1]][0] == code])
            for code in COURSES if any(SESSIONS[r[1]][0] == code for r in rows)}  # fmt: skip


def days_to_certificate() -> dict[str, float]:
    enrolled = {(t, s): at for t, s, _status, at in ENROLMENTS}
    spans: dict[str, list[float]] = defaultdict(list)
    for trainee, session, issued_at, _valid, _revoked in CERTIFICATES:
        if in_period(issued_at):
            spans[SESSIONS[session][0]].append(
                (issued_at - enrolled[trainee, session]).total_seconds() / 86400
            )
    return {code: round(sum(v) / len(v), 1) for code, v in spans.items()}


def certificates_per_month() -> tuple[Counter[str], Counter[str]]:
    issued = Counter(local_month(at) for _t, _s, at, _v, _r in CERTIFICATES if in_period(at))
    revoked = Counter(local_month(r) for *_x, r in CERTIFICATES if r and in_period(r))
    return issued, revoked


def expiring(today: date) -> Counter[str]:
    """Valid certificates expiring in [today, today + 90 days], by course."""
    return Counter(
        SESSIONS[session][0]
        for _t, session, _at, valid_days, revoked in CERTIFICATES
        if revoked is None and valid_days is not None and 0 <= valid_days <= 90
    )


def open_weekdays(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)
            if (first + timedelta(days=i)).isoweekday() <= 5]  # fmt: skip


def bookable_hours(facility: str, hours_per_day: float = 10.0) -> float:
    closed = {d for f, a, b in MAINTENANCE if f == facility for d in open_weekdays(a, b)}
    return sum(hours_per_day for d in open_weekdays(START, END) if d not in closed)


def booked_hours(facility: str) -> float:
    return sum(8.0 * len(days) for _c, days, _t, rooms, state in SESSIONS.values()
               if facility in rooms and state != SessionStatus.CANCELLED
               and START <= days[0] <= END)  # fmt: skip


def instructor_weeks(instructor: str) -> dict[date, float]:
    weeks: Counter[date] = Counter()
    for _c, days, teachers, _rooms, state in SESSIONS.values():
        if instructor in teachers and state != SessionStatus.CANCELLED:
            for day in days:
                if START <= day <= END:
                    weeks[day - timedelta(days=day.weekday())] += 8.0
    return dict(weeks)


def weeks_in_period() -> int:
    return len({START + timedelta(days=i) - timedelta(days=(START + timedelta(days=i)).weekday())
                for i in range((END - START).days + 1)})  # fmt: skip


def driven_hours() -> float:
    return sum(RUN_SECONDS for r in RUNS if in_period(r[3])) / 3600
