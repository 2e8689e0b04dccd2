"""Certificate eligibility: does an enrolment meet its course's requirements, and if not, what
exactly is missing.

The requirements (SPEC §3, issue 7) are the course's:

* **attendance** - present or late on at least ``min_attendance_pct`` of the session's days
  (a day without a record counts as missed);
* **simulator scenarios** - for each required (scenario, vehicle), a run that *passed* with at
  least the requirement's ``min_score``; the best current score of the trainee's runs counts,
  and only runs started since the enrolment (an old run does not certify a new course);
* **practical assessment** - signed off, when the course asks for it;

plus the state of things: the session is over and not cancelled, and the trainee is enrolled or
completed (not withdrawn, waitlisted or marked as not passed).

Plain SQLAlchemy, no Flask: the issuing service, the web pages, the CLI and the tests call the
same rules. Messages are English msgids (``N_``) with parameters; the web translates them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session, selectinload

from isdc.models.courses import Course, VehicleKind
from isdc.models.enrolment import Attendance, AttendanceStatus, Enrolment, EnrolmentStatus
from isdc.models.rules import N_, RuleViolation
from isdc.models.schedule import CourseSession, SessionStatus
from isdc.models.simulator import Run

ATTENDED = frozenset({AttendanceStatus.PRESENT, AttendanceStatus.LATE})
# Enrolments that can earn a certificate; the page also lists "failed" ones with the reason.
CERTIFIABLE = frozenset({EnrolmentStatus.ENROLLED, EnrolmentStatus.COMPLETED})
LISTED = frozenset({EnrolmentStatus.ENROLLED, EnrolmentStatus.COMPLETED, EnrolmentStatus.FAILED})


@dataclass(frozen=True)
class AttendanceCheck:
    attended: int  # days present or late
    days: int  # days the session meets
    required_pct: int
    missed: tuple[date, ...]  # session days absent or without a record

    @property
    def pct(self) -> float:
        return 100.0 if self.days == 0 else 100.0 * self.attended / self.days

    @property
    def met(self) -> bool:
        # In integers: 2 of 3 days is 66.67 %, which must not round up to a 67 % minimum.
        return self.attended * 100 >= self.required_pct * self.days


@dataclass(frozen=True)
class ScenarioCheck:
    scenario_id: str
    vehicle: VehicleKind
    min_score: float
    best_passing: float | None  # best score of a passed run, None when none passed
    best_any: float | None  # best score of any scored run
    runs: int

    @property
    def met(self) -> bool:
        return self.best_passing is not None and self.best_passing >= self.min_score


@dataclass(frozen=True)
class Eligibility:
    """One enrolment measured against its course: the details and the shortfalls."""

    enrolment_id: int
    trainee_id: int
    status: EnrolmentStatus
    attendance: AttendanceCheck
    scenarios: tuple[ScenarioCheck, ...]
    practical_required: bool
    practical_signed_off: bool
    shortfalls: tuple[RuleViolation, ...]

    @property
    def eligible(self) -> bool:
        return not self.shortfalls


def session_eligibility(
    db: Session,
    session: CourseSession,
    now: datetime,
    enrolment_ids: Sequence[int] | None = None,
) -> dict[int, Eligibility]:
    """Eligibility of the session's enrolments (enrolled, completed and failed ones, or only
    ``enrolment_ids``), keyed by enrolment id. Three queries, whatever the cohort's size."""
    course = db.scalars(
        select(Course)
        .options(selectinload(Course.scenario_requirements))
        .where(Course.id == session.course_id)
    ).one()
    where = [Enrolment.session_id == session.id]
    if enrolment_ids is not None:
        where.append(Enrolment.id.in_(list(enrolment_ids)))
    else:
        where.append(Enrolment.status.in_(sorted(LISTED)))
    # Fresh from the database (not the identity map): the issuer re-checks under its lock.
    enrolments = db.scalars(
        select(Enrolment).where(*where).execution_options(populate_existing=True)
    ).all()
    if not enrolments:
        return {}
    ids = [e.id for e in enrolments]

    days = session.days(session.site.tzinfo)
    attended: dict[int, set[date]] = defaultdict(set)
    for enrolment_id, day, status in db.execute(
        select(Attendance.enrolment_id, Attendance.day, Attendance.status).where(
            Attendance.enrolment_id.in_(ids)
        )
    ):
        if status in ATTENDED:
            attended[enrolment_id].add(day)

    requirements = course.scenario_requirements
    best: dict[tuple[int, str, str], tuple[float | None, float | None, int]] = {}
    if requirements:
        scenario_ids = sorted({r.scenario_id for r in requirements})
        rows = db.execute(
            select(
                Enrolment.id,
                Run.scenario_id,
                Run.vehicle,
                func.max(case((Run.passed.is_(True), Run.score))),
                func.max(Run.score),
                func.count(Run.id),
            )
            .join(
                Run,
                and_(
                    Run.trainee_id == Enrolment.trainee_id, Run.started_at >= Enrolment.enrolled_at
                ),
            )
            .where(Enrolment.id.in_(ids), Run.scenario_id.in_(scenario_ids))
            .group_by(Enrolment.id, Run.scenario_id, Run.vehicle)
        )
        for enrolment_id, scenario_id, vehicle, best_passing, best_any, runs in rows:
            best[(enrolment_id, scenario_id, vehicle)] = (best_passing, best_any, runs)

    session_problems = _session_problems(session, now)
    result = {}
    for enrolment in enrolments:
        days_attended = attended[enrolment.id] & set(days)
        attendance = AttendanceCheck(
            attended=len(days_attended),
            days=len(days),
            required_pct=course.min_attendance_pct,
            missed=tuple(d for d in days if d not in days_attended),
        )
        scenarios = tuple(
            ScenarioCheck(
                scenario_id=r.scenario_id,
                vehicle=VehicleKind(r.vehicle),
                min_score=r.min_score,
                best_passing=_score(best, enrolment.id, r.scenario_id, str(r.vehicle), 0),
                best_any=_score(best, enrolment.id, r.scenario_id, str(r.vehicle), 1),
                runs=int(best.get((enrolment.id, r.scenario_id, str(r.vehicle)), (0, 0, 0))[2]),
            )
            for r in requirements
        )
        shortfalls = [*session_problems, *_enrolment_problems(enrolment)]
        if not attendance.met:
            shortfalls.append(
                RuleViolation(
                    "attendance",
                    N_(
                        "Attended %(attended)d of %(days)d days (%(pct)s %%); the course requires %(required)d %%."
                    ),
                    {
                        "attended": attendance.attended,
                        "days": attendance.days,
                        "pct": round(attendance.pct, 1),
                        "required": attendance.required_pct,
                    },
                )
            )
        shortfalls += [_scenario_problem(s) for s in scenarios if not s.met]
        if course.requires_practical_signoff and enrolment.practical_signed_off_at is None:
            shortfalls.append(
                RuleViolation("practical", N_("The practical assessment is not signed off."))
            )
        result[enrolment.id] = Eligibility(
            enrolment_id=enrolment.id,
            trainee_id=enrolment.trainee_id,
            status=enrolment.status,
            attendance=attendance,
            scenarios=scenarios,
            practical_required=course.requires_practical_signoff,
            practical_signed_off=enrolment.practical_signed_off_at is not None,
            shortfalls=tuple(shortfalls),
        )
    return result


def enrolment_eligibility(db: Session, enrolment: Enrolment, now: datetime) -> Eligibility:
    """Eligibility of one enrolment (whatever its status)."""
    return session_eligibility(db, enrolment.session, now, [enrolment.id])[enrolment.id]


def _score(
    best: dict[tuple[int, str, str], tuple[float | None, float | None, int]],
    enrolment_id: int,
    scenario_id: str,
    vehicle: str,
    index: int,
) -> float | None:
    found = best.get((enrolment_id, scenario_id, str(vehicle)))
    return None if found is None or found[index] is None else float(found[index])


def _session_problems(session: CourseSession, now: datetime) -> list[RuleViolation]:
    if session.status == SessionStatus.CANCELLED:
        return [RuleViolation("session", N_("The session was cancelled."))]
    if now < session.ends_at:
        return [RuleViolation("session", N_("The session is not over yet."))]
    return []


def _enrolment_problems(enrolment: Enrolment) -> list[RuleViolation]:
    if enrolment.status in CERTIFIABLE:
        return []
    message = {
        EnrolmentStatus.WITHDRAWN: N_("The trainee withdrew from the session."),
        EnrolmentStatus.WAITLISTED: N_("The trainee is on the waiting list, not in the session."),
        EnrolmentStatus.FAILED: N_("The trainee was marked as not passed."),
    }[enrolment.status]
    return [RuleViolation("enrolment", message)]


def _scenario_problem(check: ScenarioCheck) -> RuleViolation:
    params = {
        "scenario": check.scenario_id,
        "vehicle": check.vehicle,
        "min": check.min_score,
        "runs": check.runs,
    }
    if check.runs == 0:
        message = N_(
            "Scenario %(scenario)s (%(vehicle)s): no run yet; a pass with %(min)s or more is required."
        )
    elif check.best_passing is None:
        message = N_(
            "Scenario %(scenario)s (%(vehicle)s): not passed yet (runs: %(runs)d); a pass with %(min)s or more is required."
        )
    else:
        params["best"] = check.best_passing
        message = N_(
            "Scenario %(scenario)s (%(vehicle)s): best passed score %(best)s, below the required %(min)s."
        )
    return RuleViolation("scenario", message, params)
