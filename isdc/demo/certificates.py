"""Demo certificates: half a year of finished courses with simulator runs and issued
certificates (one revoked and reissued, one revoked, a batch long expired), and a finished
session whose certificates still wait for the administrator (the browser journey issues them).

Deterministic like the rest of the demo: the same seed and "today" give the same sessions,
runs, serials and even verification codes (drawn from the demo's random generator, not from
:mod:`secrets` - fine for demo data, never for real certificates). Certificates are issued
through the real issuing service, so their PDFs are rendered and stored as in production;
without a certificate store (tests on an in-memory database) the runs and sessions are made
but no certificate is issued.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from isdc.certificates.codes import ALPHABET, RANDOM_SYMBOLS, check_symbol, normalise
from isdc.demo.seed import (
    DAY_END,
    DAY_START,
    DAY_TEMPLATES,
    Demo,
    _record_results,
    working_day,
)
from isdc.demo.simulator import DemoRuns, prefetch
from isdc.models import (
    Booking,
    CourseSession,
    Enrolment,
    EnrolmentStatus,
    InstructorRole,
    ResourceKind,
    Run,
    ScoreReport,
    SessionInstructor,
    SessionSlot,
    SessionStatus,
    Trainee,
)
from isdc.models.issuing import (
    CertificateStore,
    Issuer,
    issue_to_session,
    reissue_certificate,
    revoke_certificate,
)
from isdc.version import __version__

DEMO_BASE_URL = "http://127.0.0.1:5000"

# Finished sessions before the four weeks of the main demo: (course, working days ago, lead
# and assistant instructors, organisations the trainees come from, trainees). The first one,
# two years and a month ago, has certificates that have since expired (24 months' validity);
# the one about 22 months ago has certificates expiring within the next 90 days (their holders
# are the refresher-course invitations the analytics pages list).
HISTORY: tuple[tuple[str, int, tuple[int, ...], tuple[int, ...], int], ...] = (
    ("SRM", -650, (1,), (2, 5), 8),
    ("DDC", -150, (0, 3), (0, 3, 5, 1), 8),
    ("SRM", -137, (1,), (2, 5, 3, 0), 8),
    ("ARM", -124, (2,), (1, 0), 7),
    ("PKS", -111, (1,), (2,), 10),
    ("DDC", -98, (0, 3), (0, 3, 5, 1), 8),
    ("SRM", -85, (1,), (2, 5, 3, 0), 7),
    ("ARM", -72, (2,), (1, 0), 6),
    ("INS", -59, (0,), (3, 4), 6),
    ("DDC", -46, (0, 2), (0, 3, 5, 1), 8),
    ("SRM", -33, (1,), (2, 5, 3, 0), 7),
    ("DDC", -20, (0, 3), (0, 3, 5, 1), 7),
    # Listed last so that the sessions above keep their trainees (one random generator).
    ("SRM", -585, (1,), (2, 5, 3), 6),
)
# Certificates older than this may be renewed by taking the course again.
RENEWABLE_AFTER_DAYS = 365
# The finished session of the main demo left for the administrator to issue.
WAITING_SESSION = "DDC 0 (angkatan lalu)"
REVOKED_REASON = "Hasil ujian simulator dibatalkan setelah audit internal"
REISSUE_REASON = "Nama peserta salah eja pada sertifikat"


def demo_codes(demo: Demo) -> Callable[[], str]:
    """Well-formed verification codes drawn from the demo's random generator."""

    def make() -> str:
        body = "".join(demo.rng.choice(ALPHABET) for _ in range(RANDOM_SYMBOLS))
        return normalise(body + check_symbol(body))

    return make


def seed_certificates(
    db: Session, demo: Demo, store: CertificateStore | None, runs: DemoRuns | None = None
) -> None:
    """History sessions, simulator runs for every finished session, and their certificates.

    With ``runs`` (the demo has a runs folder) the runs are real drives filed as a station
    would upload them; without it (tests on an in-memory database) they are bare rows."""
    db.flush()
    # Who has completed which course, so that nobody takes a course twice within a year.
    taken: dict[int, set[int]] = {}
    for trainee_id, course_id in db.execute(
        select(Enrolment.trainee_id, CourseSession.course_id)
        .join(CourseSession, CourseSession.id == Enrolment.session_id)
        .where(Enrolment.status == EnrolmentStatus.COMPLETED)
    ):
        taken.setdefault(course_id, set()).add(trainee_id)
    if runs is not None:
        prefetch({(r.scenario_id, str(r.vehicle)) for c in demo.courses.values()
                  for r in c.scenario_requirements})  # fmt: skip
    history = [_history_session(db, demo, taken, *plan) for plan in HISTORY]
    db.flush()
    finished = [s for s in demo.sessions if s.status == SessionStatus.COMPLETED]
    waiting = next(s for s in finished if s.name == WAITING_SESSION)
    for session in finished:
        _runs(db, demo, session, shortfall=session is waiting, runs=runs)
    db.flush()
    if store is None:
        return
    issuer = Issuer(
        store=store,
        base_url=demo.site.public_base_url or DEMO_BASE_URL,
        by_user_id=demo.users["admin"].id,
        make_code=demo_codes(demo),
        commit=False,
    )
    # In the order things happened, so that serial numbers follow the calendar.
    corrected_in, withdrawn_in = history[5], history[9]
    for session in sorted(finished, key=lambda s: s.ends_at):
        if session is waiting:
            continue
        local_end = session.ends_at.astimezone(demo.tz).date()
        morning_after = demo.at(local_end + timedelta(days=1), time(10))
        misspelt = _misspell_one(db, session) if session is corrected_in else None
        issued = issue_to_session(db, session, issuer, now=morning_after)
        if misspelt is not None:  # the name is corrected and the certificate reissued
            trainee, right_name = misspelt
            trainee.full_name = right_name
            wrong = next(c for c in issued if c.trainee_id == trainee.id)
            fixed_at = morning_after + timedelta(days=7)
            reissue_certificate(db, wrong, REISSUE_REASON, issuer, now=fixed_at)
            wrong.revoked_at = fixed_at
        if session is withdrawn_in:  # revoked for good twelve days later
            revoke_certificate(db, issued[2], REVOKED_REASON, demo.users["admin"].id, commit=False)
            issued[2].revoked_at = morning_after + timedelta(days=12)
    db.flush()


def _misspell_one(db: Session, session: CourseSession) -> tuple[Trainee, str]:
    """Misspell the name of one trainee who completed the session (two letters swapped in
    the last name); returns the trainee and the right name."""
    enrolment = db.scalars(
        select(Enrolment)
        .where(Enrolment.session_id == session.id, Enrolment.status == EnrolmentStatus.COMPLETED)
        .order_by(Enrolment.id)
    ).first()
    assert enrolment is not None
    trainee = enrolment.trainee
    right = trainee.full_name
    first, _, last = right.rpartition(" ")
    swapped = last[0] + last[2] + last[1] + last[3:] if len(last) > 3 else last + last[-1]
    trainee.full_name = f"{first} {swapped}".strip()
    return trainee, right


def _history_session(
    db: Session,
    demo: Demo,
    taken: dict[int, set[int]],
    code: str,
    offset: int,
    instructors: tuple[int, ...],
    organisations: tuple[int, ...],
    size: int,
) -> CourseSession:
    """A finished session months ago, with bookings, trainees and their results."""
    course = demo.courses[code]
    first = working_day(demo.today, offset)
    days = [working_day(first, i) for i in range(course.duration_days)]
    session = CourseSession(
        site=demo.site,
        course=course,
        name=f"{code} {first:%Y/%m}",
        capacity=course.capacity,
        status=SessionStatus.COMPLETED,
        starts_at=demo.at(days[0], DAY_START),
        ends_at=demo.at(days[-1], DAY_END),
    )
    db.add(session)
    for role_index, index in enumerate(instructors):
        role = InstructorRole.LEAD if role_index == 0 else InstructorRole.ASSISTANT
        db.add(SessionInstructor(session=session, instructor=demo.instructors[index], role=role))
    for day, template in zip(days, DAY_TEMPLATES[code], strict=True):
        slot = SessionSlot(
            session=session, starts_at=demo.at(day, DAY_START), ends_at=demo.at(day, DAY_END)
        )
        db.add(slot)
        for index in instructors:
            db.add(Booking(session=session, slot=slot, resource_kind=ResourceKind.INSTRUCTOR,
                           instructor=demo.instructors[index], starts_at=slot.starts_at,
                           ends_at=slot.ends_at))  # fmt: skip
        for facility, (start, end) in template:
            db.add(Booking(session=session, slot=slot, resource_kind=ResourceKind.FACILITY,
                           facility=demo.facilities[facility], starts_at=demo.at(day, start),
                           ends_at=demo.at(day, end)))  # fmt: skip
    demo.sessions.append(session)

    # Nobody takes a course twice within a year (an expired certificate is renewed by taking
    # it again); the demo trainee keeps the story of the main demo.
    recent = (demo.today - days[0]).days < RENEWABLE_AFTER_DAYS
    done = taken.setdefault(course.id, set()) if recent else set()
    demo_trainee = demo.users["peserta"].trainee
    candidates = [
        t
        for org in organisations
        for t in demo.trainees_by_org[org]
        if t.id not in done and t is not demo_trainee
    ]
    demo.rng.shuffle(candidates)
    for order, trainee in enumerate(candidates[:size]):
        done.add(trainee.id)
        enrolled_at = session.starts_at - timedelta(days=14 + order % 5, hours=order)
        enrolment = Enrolment(trainee=trainee, session=session, status=EnrolmentStatus.ENROLLED,
                              enrolled_at=enrolled_at, status_changed_at=enrolled_at)  # fmt: skip
        db.add(enrolment)
        _record_results(db, demo, session, enrolment, days, order)
    db.flush()
    return session


def _runs(
    db: Session, demo: Demo, session: CourseSession, shortfall: bool, runs: DemoRuns | None
) -> None:
    """Simulator runs of the session's trainees on the last afternoon: everyone who completed
    passes each required scenario (some after a failed attempt); with ``shortfall`` one of them
    has not passed a scenario yet, so the session page has a reason to show."""
    requirements = session.course.scenario_requirements
    if not requirements:
        return
    enrolments = db.scalars(
        select(Enrolment).where(Enrolment.session_id == session.id).order_by(Enrolment.id)
    ).all()
    last_day = session.ends_at.astimezone(demo.tz).date()
    missing_one = shortfall
    for index, enrolment in enumerate(enrolments):
        if enrolment.status not in (EnrolmentStatus.COMPLETED, EnrolmentStatus.FAILED):
            continue
        for position, requirement in enumerate(requirements):
            start = demo.at(last_day, time(13)) + timedelta(minutes=20 * position + 3 * index)
            passes = enrolment.status == EnrolmentStatus.COMPLETED
            if passes and missing_one and position == len(requirements) - 1:
                passes, missing_one = False, False  # this one still has to pass it
            if not passes or demo.rng.random() < 0.3:  # a failed attempt first
                score = round(demo.rng.uniform(38, requirement.min_score - 4), 1)
                if runs is not None:
                    driver = runs.trainee_driver(
                        requirement.scenario_id,
                        str(requirement.vehicle),
                        requirement.min_score,
                        passes=False,
                    )
                    runs.file_at_bay(enrolment, session, requirement.scenario_id,
                                     str(requirement.vehicle), driver, index, start)  # fmt: skip
                else:
                    _add_run(db, demo, enrolment, requirement.scenario_id,
                             str(requirement.vehicle), score, False, start)  # fmt: skip
                start += timedelta(minutes=8)
            if passes:
                score = round(demo.rng.uniform(requirement.min_score + 2, 97), 1)
                if runs is not None:
                    driver = runs.trainee_driver(
                        requirement.scenario_id,
                        str(requirement.vehicle),
                        requirement.min_score,
                        passes=True,
                    )
                    runs.file_at_bay(enrolment, session, requirement.scenario_id,
                                     str(requirement.vehicle), driver, index, start)  # fmt: skip
                else:
                    _add_run(db, demo, enrolment, requirement.scenario_id,
                             str(requirement.vehicle), score, True, start)  # fmt: skip


def _add_run(
    db: Session,
    demo: Demo,
    enrolment: Enrolment,
    scenario_id: str,
    vehicle: str,
    score: float,
    passed: bool,
    started_at: datetime,
) -> None:
    """A bare scored run row (no telemetry file), for demos built without a runs folder."""
    run_id = uuid.UUID(int=demo.rng.getrandbits(128), version=4)
    duration = round(demo.rng.uniform(150, 420), 1)
    outcome = "completed" if passed or demo.rng.random() < 0.5 else "collision"
    run = Run(
        id=run_id,
        site_id=demo.site.id,
        trainee_id=enrolment.trainee_id,
        scenario_id=scenario_id,
        scenario_version="1",
        vehicle=vehicle,
        driver="wheel",
        seed=demo.rng.randint(1, 2**31),
        started_at=started_at,
        duration_s=duration,
        ticks=int(duration * 60),
        outcome=outcome,
        simulator_version=__version__,
        telemetry_path=f"runs/demo/{run_id}.isdc.npz",
        telemetry_sha256="0" * 64,
        telemetry_size=0,
        received_at=started_at + timedelta(seconds=duration + 5),
        score=score,
        passed=passed,
        rubric_version="1",
        scorer_version=__version__,
    )
    db.add(run)
    db.add(
        ScoreReport(
            run=run,
            rubric_version="1",
            scorer_version=__version__,
            score=score,
            passed=passed,
            is_current=True,
            created_at=run.received_at,
            report={
                "score": score,
                "passed": passed,
                "parts": [],
                "findings": [],
                "rubric": {"scenario": scenario_id, "version": "1"},
                "run": {
                    "run_id": str(run_id),
                    "scenario": {"id": scenario_id, "version": "1"},
                    "vehicle": vehicle,
                    "duration_s": duration,
                    "ticks": run.ticks,
                    "outcome": outcome,
                    "demo": True,
                },  # fmt: skip
            },
        )
    )
