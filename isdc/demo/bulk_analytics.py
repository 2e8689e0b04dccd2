"""The analytics benchmark's volume: two years of a busy centre, inserted in bulk.

On top of :func:`isdc.demo.bulk.seed_bulk` (trainees, instructors, rooms, sessions, enrolments)
this adds what the Anev dashboards read: attendance per session day, simulator bays with their
stations and bookings, scored runs (assignment, run, current score report, findings, measures)
for the finished sessions, the enrolments' outcomes, and certificates (some revoked, some close
to expiry). Plain SQLAlchemy Core ``executemany`` with explicit ids, no ORM objects and no audit
entries, as in the other bulk seeders.

The numbers are shaped to mean something: each organisation sends trainees of its own risk
level and has its own bad habits (the finding kinds its trainees keep making), a trainee drives
better on a retake and on a later course, and runs copy real scored drives
(:mod:`isdc.demo.bulk_drives`), so scores and finding places are the simulator's.
"""

from __future__ import annotations

import random
import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.orm import Session

from isdc.certificates.codes import ALPHABET, GROUP, RANDOM_SYMBOLS, SEPARATOR, check_symbol
from isdc.certificates.dates import valid_until
from isdc.certificates.serials import format_serial
from isdc.demo import catalogue
from isdc.demo.bulk import BulkCounts, advance_sequences, seed_bulk
from isdc.demo.bulk_drives import BULK_DRIVER, DRIVE_SEED, LEVELS, Drive, drives_for
from isdc.models import (
    Assignment,
    AssignmentStatus,
    Attendance,
    AttendanceStatus,
    Booking,
    Certificate,
    CertificateSerialCounter,
    CertificateStatus,
    Course,
    CourseScenarioRequirement,
    CourseSession,
    Enrolment,
    EnrolmentStatus,
    Facility,
    FacilityKind,
    Organisation,
    ResourceKind,
    Run,
    RunFinding,
    RunMeasure,
    ScoreReport,
    SessionSlot,
    SessionStatus,
    Site,
    Station,
    Trainee,
)
from isdc.models.base import utcnow
from isdc.runs.reports import measure_unit

# Finding kinds an organisation's trainees may keep making (its "habits").
HABIT_KINDS = (
    "speeding",
    "harsh_braking",
    "harsh_accelerating",
    "lane_departure",
    "close_following",
    "short_headway",
    "jerky_driving",
    "amber_light",
    "solid_line",
    "slow_reaction",
)
DROP_UNHABITUAL = 0.25  # share of minor/major findings outside an organisation's habits dropped
RETAKES = 3  # attempts per required scenario before a trainee gives up
RUN_MINUTES = 5  # a bay's turn per run
BAY_WINDOWS = ((time(8), time(11)), (time(13), time(16)))
RESCORED_SHARE = 0.01  # runs rescored once: their first report is kept, not current
REVOKED_SHARE = 0.025
REVOKE_REASONS = (
    "Data identitas peserta keliru",
    "Diterbitkan untuk sesi yang salah",
    "Hasil penilaian dikoreksi setelah audit",
)


@dataclass
class AnalyticsCounts:
    bulk: BulkCounts
    attendance: int
    stations: int
    runs: int
    findings: int
    measures: int
    completed: int
    failed: int
    certificates: int
    revoked: int


@dataclass
class _Profile:
    """An organisation's trainees: how risky they drive (0 careful .. 1 aggressive) and the
    finding kinds they keep making."""

    risk: float
    habits: frozenset[str]


@dataclass
class _Enrolled:
    id: int
    trainee_id: int
    session_id: int
    course_id: int
    organisation_id: int | None
    starts_at: datetime
    ends_at: datetime


def seed_analytics(
    db: Session,
    site: Site,
    *,
    trainees: int = 20_000,
    sessions: int = 5_000,
    runs: int = 100_000,
    instructors: int = 60,
    facilities: int = 90,
    enrolments_per_session: int = 7,
    history_days: int = 640,
    today: date | None = None,
    seed: int = 11,
    levels: tuple[float, ...] = LEVELS,
) -> AnalyticsCounts:
    """Add the volume to ``site`` (the caller commits). Sessions start from ``history_days``
    working days ago to 40 ahead; the finished ones get exactly ``runs`` runs: each trainee's
    attempts at the required scenarios, then practice runs to make up the number (or, with too
    many, some trainees' drives left out: they then fail the course)."""
    rng = random.Random(seed)
    tz = ZoneInfo(site.timezone)
    today = today or datetime.now(tz).date()
    now = utcnow()
    stamp = {"created_at": now, "updated_at": now}
    before = db.scalar(select(func.max(Enrolment.id))) or 0
    bulk = seed_bulk(db, site, trainees=trainees, sessions=sessions, instructors=instructors,
                     facilities=facilities, enrolments_per_session=enrolments_per_session,
                     today=today, seed=seed, span=(-history_days, 40))  # fmt: skip
    requirements = _requirements(db, site, stamp)
    courses = {c.id: c for c in db.scalars(select(Course).where(Course.site_id == site.id))}
    profiles = _profiles(db, site, rng)
    enrolled = _finished_enrolments(db, site, before)
    days = _session_days(db, {e.session_id for e in enrolled})
    attendance, short = _attendance(enrolled, days, courses, tz, rng, stamp)
    stations = _stations(db, site, stamp)
    pairs = sorted({(s, v) for reqs in requirements.values() for s, v, _ in reqs})
    plan = _RunPlan(rng, tz, site.id, stations, days, profiles, drives_for(pairs, levels), stamp)

    skill = {e.trainee_id: rng.gauss(profiles[e.organisation_id].risk, 0.15) for e in enrolled}
    courses_taken: dict[int, int] = defaultdict(int)
    passed_all: dict[int, bool] = {}
    drives_of: list[tuple[_Enrolled, list[_PlannedRun]]] = []
    for e in enrolled:
        reqs = requirements.get(e.course_id, [])
        tries = [plan.attempts(e, i, req, skill[e.trainee_id], courses_taken[e.trainee_id])
                 for i, req in enumerate(reqs)]  # fmt: skip
        courses_taken[e.trainee_id] += 1
        passed_all[e.id] = all(ok for ok, _ in tries)
        drives_of.append((e, [run for _, attempts in tries for run in attempts]))
    planned = _fit(drives_of, runs, plan, requirements, skill, rng, passed_all)
    plan.insert(db, planned, now)
    db.execute(insert(Attendance.__table__), attendance)
    outcomes = _outcomes(db, enrolled, passed_all, short)
    certificates, revoked = _certificates(db, site, enrolled, courses, outcomes, tz, now, rng)
    advance_sequences(db, ("assignments", "score_reports"))
    return AnalyticsCounts(
        bulk=bulk,
        attendance=len(attendance),
        stations=len(stations),
        runs=len(planned),
        findings=plan.finding_rows,
        measures=plan.measure_rows,
        completed=sum(outcomes.values()),
        failed=len(outcomes) - sum(outcomes.values()),
        certificates=certificates,
        revoked=revoked,
    )


def _requirements(db: Session, site: Site, stamp: dict) -> dict[int, list[tuple[str, str, float]]]:
    """The courses' required scenarios; bulk courses get the catalogue's when they have none."""
    table = CourseScenarioRequirement
    found: dict[int, list[tuple[str, str, float]]] = defaultdict(list)
    rows = db.execute(
        select(table.course_id, table.scenario_id, table.vehicle, table.min_score)
        .join(Course, Course.id == table.course_id)
        .where(Course.site_id == site.id)
        .order_by(table.course_id, table.position)
    )
    for course_id, scenario_id, vehicle, min_score in rows:
        found[course_id].append((scenario_id, str(vehicle), float(min_score)))
    if found:
        return dict(found)
    by_code = {spec["code"]: spec["scenarios"] for spec in catalogue.COURSES}
    new = []
    for course_id, code in db.execute(
        select(Course.id, Course.code).where(Course.site_id == site.id)
    ):
        for position, (scenario_id, vehicle, min_score) in enumerate(by_code.get(code, ())):
            found[course_id].append((scenario_id, str(vehicle), float(min_score)))
            new.append({"course_id": course_id, "scenario_id": scenario_id, "vehicle": vehicle,
                        "min_score": min_score, "position": position, **stamp})  # fmt: skip
    if new:
        db.execute(insert(table.__table__), new)
    return dict(found)


def _profiles(db: Session, site: Site, rng: random.Random) -> dict[int | None, _Profile]:
    """A risk level and two or three habits per organisation; trainees without one: average."""
    profiles: dict[int | None, _Profile] = {None: _Profile(0.4, frozenset(HABIT_KINDS[:3]))}
    for org_id in db.scalars(
        select(Organisation.id).where(Organisation.site_id == site.id).order_by(Organisation.id)
    ):
        profiles[org_id] = _Profile(
            risk=rng.uniform(0.2, 0.65),
            habits=frozenset(rng.sample(HABIT_KINDS, rng.randint(2, 3))),
        )
    return profiles


def _finished_enrolments(db: Session, site: Site, before: int) -> list[_Enrolled]:
    rows = db.execute(
        select(
            Enrolment.id,
            Enrolment.trainee_id,
            Enrolment.session_id,
            CourseSession.course_id,
            Trainee.organisation_id,
            CourseSession.starts_at,
            CourseSession.ends_at,
        )
        .join(CourseSession, CourseSession.id == Enrolment.session_id)
        .join(Trainee, Trainee.id == Enrolment.trainee_id)
        .where(
            CourseSession.site_id == site.id,
            CourseSession.status == SessionStatus.COMPLETED,
            Enrolment.id > before,
        )
        .order_by(CourseSession.starts_at, Enrolment.id)
    )
    return [_Enrolled(*row) for row in rows]


def _session_days(db: Session, session_ids: set[int]) -> dict[int, list[tuple[int, datetime]]]:
    """Each finished session's slots (id, start) in order: the days trainees attend and drive."""
    days: dict[int, list[tuple[int, datetime]]] = defaultdict(list)
    rows = db.execute(
        select(SessionSlot.session_id, SessionSlot.id, SessionSlot.starts_at).order_by(
            SessionSlot.session_id, SessionSlot.starts_at
        )
    )
    for session_id, slot_id, starts_at in rows:
        if session_id in session_ids:
            days[session_id].append((slot_id, starts_at))
    return days


def _attendance(
    enrolled: list[_Enrolled],
    days: dict[int, list[tuple[int, datetime]]],
    courses: dict[int, Course],
    tz: ZoneInfo,
    rng: random.Random,
    stamp: dict,
) -> tuple[list[dict], set[int]]:
    """Attendance per session day; returns the rows and the enrolments short of the minimum."""
    rows, short = [], set()
    for e in enrolled:
        slots = days[e.session_id]
        present = 0
        for _, starts_at in slots:
            roll = rng.random()
            status = (AttendanceStatus.ABSENT if roll < 0.02 else
                      AttendanceStatus.LATE if roll < 0.07 else AttendanceStatus.PRESENT)  # fmt: skip
            present += status != AttendanceStatus.ABSENT
            rows.append({"enrolment_id": e.id, "day": starts_at.astimezone(tz).date(),
                         "status": status.value, **stamp})  # fmt: skip
        if slots and present * 100 < courses[e.course_id].min_attendance_pct * len(slots):
            short.add(e.id)
    return rows, short


def _stations(db: Session, site: Site, stamp: dict) -> list[tuple[int, int, str]]:
    """A station in every bulk simulator bay: (station id, bay facility id, name)."""
    bays = list(
        db.scalars(
            select(Facility.id)
            .where(
                Facility.site_id == site.id,
                Facility.kind == FacilityKind.SIMULATOR_BAY,
                Facility.name.like("Fasilitas Uji %"),
            )
            .order_by(Facility.id)
        )
    )
    first = (db.scalar(select(func.max(Station.id))) or 0) + 1
    rows = [{"id": first + n, "site_id": site.id, "name": f"SIM-U{n + 1:02d}", "facility_id": bay,
             "status": "active", **stamp} for n, bay in enumerate(bays)]  # fmt: skip
    if rows:
        db.execute(insert(Station.__table__), rows)
    advance_sequences(db, ("stations",))
    return [(r["id"], r["facility_id"], r["name"]) for r in rows]


@dataclass
class _PlannedRun:
    enrolment: _Enrolled
    drive: Drive
    score: float
    passed: bool
    started_at: datetime
    station: tuple[int, int, str]
    findings: list[dict[str, Any]]


class _RunPlan:
    """Turns attempts into runs at the session's bays: a bay pair per session day, booked for
    a morning or afternoon window no other session has, trainees taking turns of five minutes."""

    def __init__(
        self,
        rng: random.Random,
        tz: ZoneInfo,
        site_id: int,
        stations: list[tuple[int, int, str]],
        days: dict[int, list[tuple[int, datetime]]],
        profiles: dict[int | None, _Profile],
        drives: dict[tuple[str, str], list[Drive]],
        stamp: dict,
    ):
        self.rng, self.tz, self.site_id, self.stamp = rng, tz, site_id, stamp
        self.stations, self.days, self.profiles, self.drives = stations, days, profiles, drives
        self.levels = [d.level for d in next(iter(drives.values()))] if drives else []
        self.busy: dict[tuple[date, int], set[int]] = defaultdict(set)
        self.turns: dict[tuple[int, int], list[Any]] = {}
        self.booking_rows: list[dict] = []
        self.finding_rows = 0
        self.measure_rows = 0

    def attempts(
        self,
        e: _Enrolled,
        position: int,
        requirement: tuple[str, str, float],
        skill: float,
        courses_before: int,
    ) -> tuple[bool, list[_PlannedRun]]:
        """Drive a required scenario until it is passed, at most RETAKES times."""
        scenario_id, vehicle, min_score = requirement
        done = []
        for attempt in range(RETAKES):
            run = self.run(
                e, scenario_id, vehicle, position + attempt, skill, attempt, courses_before
            )
            done.append(run)
            if run.passed and run.score >= min_score:
                return True, done
        return False, done

    def run(
        self,
        e: _Enrolled,
        scenario_id: str,
        vehicle: str,
        day_index: int,
        skill: float,
        attempt: int,
        courses_before: int,
    ) -> _PlannedRun:
        rng = self.rng
        # Each retake and each earlier course makes a trainee drive more carefully.
        risk = skill - 0.2 * attempt - 0.07 * courses_before + rng.gauss(0, 0.12)
        level = min(range(len(self.levels)), key=lambda i: abs(self.levels[i] - risk))
        drive = self.drives[(scenario_id, vehicle)][level]
        score = drive.score + rng.gauss(0, 2.5)
        mark = drive.pass_mark
        score = (
            max(mark, min(100.0, score))
            if drive.score >= mark
            else max(0.0, min(mark - 0.1, score))
        )
        habits = self.profiles[e.organisation_id].habits
        findings = []
        for f in drive.findings:
            if (
                f["severity"] != "critical"
                and f["kind"] not in habits
                and rng.random() < DROP_UNHABITUAL
            ):
                continue
            dx, dy = rng.gauss(0, 1.5), rng.gauss(0, 1.5)
            findings.append({
                "t": round(max(0.0, (f["t"] or 0.0) + rng.gauss(0, 0.4)), 2),
                "position": {
                    "x": None if f["x"] is None else round(f["x"] + dx, 1),
                    "y": None if f["y"] is None else round(f["y"] + dy, 1),
                    "route_s": None if f["route_s"] is None else round(f["route_s"] + dx, 1),
                },
                "kind": f["kind"], "severity": f["severity"], "rule": f["rule"],
                "advice": f["advice"],
            })  # fmt: skip
        station, started_at = self._turn(e.session_id, day_index)
        return _PlannedRun(e, drive, round(score, 1), drive.passed, started_at, station, findings)

    def _turn(self, session_id: int, day_index: int) -> tuple[tuple[int, int, str], datetime]:
        slots = self.days[session_id]
        day_index = min(day_index, len(slots) - 1)
        key = (session_id, day_index)
        if key not in self.turns:
            self.turns[key] = [*self._book(session_id, *slots[day_index]), 0]
        pair, window_start, n = self.turns[key]
        self.turns[key][2] = n + 1
        started = window_start + timedelta(minutes=RUN_MINUTES * (n // len(pair)),
                                           seconds=self.rng.randint(0, 50))  # fmt: skip
        return pair[n % len(pair)], started

    def _book(self, session_id: int, slot_id: int, slot_start: datetime) -> tuple[list, datetime]:
        """Two free bays for a window of the day, booked for the session (any two if none)."""
        day = slot_start.astimezone(self.tz).date()
        windows = list(range(len(BAY_WINDOWS)))
        self.rng.shuffle(windows)
        for w in windows:
            free = [s for s in self.stations if s[0] not in self.busy[(day, w)]]
            if len(free) >= 2:
                pair = self.rng.sample(free, 2)
                start = datetime.combine(day, BAY_WINDOWS[w][0], tzinfo=self.tz)
                end = datetime.combine(day, BAY_WINDOWS[w][1], tzinfo=self.tz)
                for station in pair:
                    self.busy[(day, w)].add(station[0])
                    self.booking_rows.append(
                        {"session_id": session_id, "slot_id": slot_id,
                         "resource_kind": ResourceKind.FACILITY.value, "facility_id": station[1],
                         "instructor_id": None, "trainee_id": None, "starts_at": start,
                         "ends_at": end, "status": "active", **self.stamp}
                    )  # fmt: skip
                return pair, start
        # Every bay taken in both windows: share, unbooked (rare with the default volumes).
        start = datetime.combine(day, BAY_WINDOWS[1][0], tzinfo=self.tz)
        return self.rng.sample(self.stations, min(2, len(self.stations))), start

    def insert(self, db: Session, planned: list[_PlannedRun], now: datetime) -> None:
        assignment_id = (db.scalar(select(func.max(Assignment.id))) or 0) + 1
        report_id = (db.scalar(select(func.max(ScoreReport.id))) or 0) + 1
        assignments, runs, reports, findings, measures = [], [], [], [], []
        for p in planned:
            run_id = uuid.UUID(int=self.rng.getrandbits(128), version=4)
            received = p.started_at + timedelta(seconds=p.drive.duration_s + 20)
            d, e, station = p.drive, p.enrolment, p.station
            rubric, scorer = str(d.report["rubric"]["version"]), str(d.report["scorer_version"])
            assignments.append(
                {"id": assignment_id, "site_id": self.site_id, "trainee_id": e.trainee_id,
                 "enrolment_id": e.id, "session_id": e.session_id, "scenario_id": d.scenario_id,
                 "vehicle": d.vehicle, "seed": DRIVE_SEED, "station_id": station[0],
                 "status": AssignmentStatus.DONE.value,
                 "sent_at": p.started_at - timedelta(minutes=1), "finished_at": received,
                 "created_at": p.started_at - timedelta(minutes=30), "updated_at": received}
            )  # fmt: skip
            runs.append(
                {"id": run_id, "site_id": self.site_id, "trainee_id": e.trainee_id,
                 "assignment_id": assignment_id, "station_id": station[0],
                 "scenario_id": d.scenario_id, "scenario_version": d.scenario_version,
                 "vehicle": d.vehicle, "driver": BULK_DRIVER, "seed": DRIVE_SEED,
                 "started_at": p.started_at, "duration_s": d.duration_s, "ticks": d.ticks,
                 "outcome": d.outcome, "simulator_version": d.simulator_version,
                 "telemetry_path": f"{received:%Y}/{received:%m}/{run_id}-"
                                   f"{d.telemetry_sha256[:16]}.isdc.npz",
                 "telemetry_sha256": d.telemetry_sha256, "telemetry_size": d.telemetry_size,
                 "received_at": received, "updated_at": received, "score": p.score,
                 "passed": p.passed, "rubric_version": rubric, "scorer_version": scorer}
            )  # fmt: skip
            rescored = self.rng.random() < RESCORED_SHARE
            if rescored:  # the report at upload, under an earlier rubric, kept for comparison
                old = min(100.0, max(0.0, round(p.score + self.rng.gauss(0, 3), 1)))
                reports.append(self._report(report_id, run_id, p, old, "0", False, received,
                                            assignment_id))  # fmt: skip
                findings += self._finding_rows(report_id, run_id, p)
                report_id += 1
            created = min(now, received + timedelta(days=1)) if rescored else received
            reports.append(self._report(report_id, run_id, p, p.score, rubric, True, created,
                                        assignment_id))  # fmt: skip
            findings += self._finding_rows(report_id, run_id, p)
            measures += [{"report_id": report_id, "run_id": run_id, "name": name, "value": value,
                          "unit": measure_unit(name)} for name, value in d.measures.items()]  # fmt: skip
            report_id += 1
            assignment_id += 1
        for model, rows in ((Assignment, assignments), (Run, runs), (ScoreReport, reports),
                            (RunFinding, findings), (RunMeasure, measures),
                            (Booking, self.booking_rows)):  # fmt: skip
            if rows:
                db.execute(insert(model.__table__), rows)
        self.finding_rows, self.measure_rows = len(findings), len(measures)

    def _report(
        self,
        report_id: int,
        run_id: uuid.UUID,
        p: _PlannedRun,
        score: float,
        rubric: str,
        current: bool,
        created: datetime,
        assignment_id: int,
    ) -> dict:
        d = p.drive
        report = {
            **d.report,
            "score": score,
            "passed": p.passed,
            "fail_reasons": [_reworded(r, score, d.pass_mark) for r in d.report["fail_reasons"]],
            "rubric": {**d.report["rubric"], "version": rubric},
            "findings": p.findings,
            "measures": d.measures,
            "run": {
                "run_id": str(run_id), "scenario": {"id": d.scenario_id,
                                                    "version": int(d.scenario_version)},
                "seed": DRIVE_SEED, "vehicle": d.vehicle, "driver": BULK_DRIVER,
                "station": p.station[2], "trainee": str(p.enrolment.trainee_id),
                "assignment": assignment_id, "started_at": p.started_at.isoformat(),
                "simulator_version": d.simulator_version, "ticks": d.ticks,
                "duration_s": d.duration_s, "outcome": d.outcome,
            },
        }  # fmt: skip
        return {"id": report_id, "run_id": run_id, "rubric_version": rubric,
                "scorer_version": str(d.report["scorer_version"]), "score": score,
                "passed": p.passed, "is_current": current, "report": report,
                "created_at": created}  # fmt: skip

    def _finding_rows(self, report_id: int, run_id: uuid.UUID, p: _PlannedRun) -> list[dict]:
        return [{"report_id": report_id, "run_id": run_id, "kind": f["kind"],
                 "severity": f["severity"], "rule": f["rule"][:64], "t": f["t"],
                 "x": f["position"]["x"], "y": f["position"]["y"]} for f in p.findings]  # fmt: skip


def _reworded(reason: dict[str, str], score: float, mark: float) -> dict[str, str]:
    """The "below the pass mark" reason names the score, which differs from the copied drive's."""
    if reason.get("code") != "below_pass_mark":
        return reason
    return {
        "code": reason["code"],
        "id": f"nilai {score:.1f} di bawah batas lulus {mark:.0f}".replace(".", ","),
        "en": f"score {score:.1f} is below the pass mark {mark:.0f}",
    }


def _fit(
    drives_of: list[tuple[_Enrolled, list[_PlannedRun]]],
    target: int,
    plan: _RunPlan,
    requirements: dict[int, list[tuple[str, str, float]]],
    skill: dict[int, float],
    rng: random.Random,
    passed_all: dict[int, bool],
) -> list[_PlannedRun]:
    """Exactly ``target`` runs: practice runs on top, or some trainees' drives left out."""
    total = sum(len(runs) for _, runs in drives_of)
    if total > target:
        order = list(range(len(drives_of)))
        rng.shuffle(order)
        for i in order:
            e, runs = drives_of[i]
            if total - len(runs) < target:
                continue
            total -= len(runs)
            drives_of[i] = (e, [])
            passed_all[e.id] = False  # never drove: cannot complete the course
            if total == target:
                break
    planned = [run for _, runs in drives_of for run in runs]
    drivers = [e for e, runs in drives_of if runs]
    while drivers and len(planned) < target:
        e = rng.choice(drivers)
        reqs = requirements[e.course_id]
        scenario_id, vehicle, _ = rng.choice(reqs)
        planned.append(plan.run(e, scenario_id, vehicle, len(reqs), skill[e.trainee_id], 2, 0))
    return planned[:target] if len(planned) > target else planned


def _outcomes(
    db: Session, enrolled: list[_Enrolled], passed_all: dict[int, bool], short: set[int]
) -> dict[int, bool]:
    """Completed (every required scenario passed, enough attendance) or failed, per enrolment."""
    outcomes = {e.id: passed_all[e.id] and e.id not in short for e in enrolled}
    table = Enrolment.__table__
    rows = [{"b_id": e.id, "b_status": (EnrolmentStatus.COMPLETED if outcomes[e.id]
                                       else EnrolmentStatus.FAILED).value,
             "b_changed": e.ends_at, "b_signed": e.ends_at - timedelta(hours=1)
             if outcomes[e.id] else None} for e in enrolled]  # fmt: skip
    if rows:
        db.execute(
            update(table)
            .where(table.c.id == bindparam("b_id"))
            .values(
                status=bindparam("b_status"),
                status_changed_at=bindparam("b_changed"),
                practical_signed_off_at=bindparam("b_signed"),
            ),  # fmt: skip
            rows,
        )
    return outcomes


def _certificates(
    db: Session,
    site: Site,
    enrolled: list[_Enrolled],
    courses: dict[int, Course],
    outcomes: dict[int, bool],
    tz: ZoneInfo,
    now: datetime,
    rng: random.Random,
) -> tuple[int, int]:
    """A certificate for each completed enrolment, issued a few days after the session; a few
    revoked. Serials continue the (year, course) counters without gaps."""
    holders = {tid: (name, born) for tid, name, born in db.execute(
        select(Trainee.id, Trainee.full_name, Trainee.birth_date).where(Trainee.site_id == site.id)
    )}  # fmt: skip
    counters = {(y, c): n for y, c, n in db.execute(
        select(CertificateSerialCounter.year, CertificateSerialCounter.course_id,
               CertificateSerialCounter.last_number))}  # fmt: skip
    known = set(counters)
    issues = []
    for e in enrolled:
        if not outcomes[e.id]:
            continue
        day = e.ends_at.astimezone(tz).date() + timedelta(days=rng.randint(1, 6))
        issued_at = datetime.combine(day, time(10), tzinfo=tz) + timedelta(
            minutes=rng.randint(0, 300)
        )
        if issued_at < now:
            issues.append((issued_at, e))
    issues.sort(key=lambda item: (item[0], item[1].id))
    rows, revoked = [], 0
    for issued_at, e in issues:
        course = courses[e.course_id]
        issued_on = issued_at.astimezone(tz).date()
        key = (issued_on.year, course.id)
        counters[key] = counters.get(key, 0) + 1
        random_part = "".join(rng.choice(ALPHABET) for _ in range(RANDOM_SYMBOLS))
        symbols = random_part + check_symbol(random_part)
        revoke_at = issued_at + timedelta(days=rng.randint(3, 120))
        is_revoked = rng.random() < REVOKED_SHARE and revoke_at < now
        revoked += is_revoked
        name, born = holders[e.trainee_id]
        rows.append(
            {"site_id": site.id, "serial": format_serial(issued_on.year, course.code, counters[key]),
             "verification_code": SEPARATOR.join(symbols[i:i + GROUP]
                                                 for i in range(0, len(symbols), GROUP)),
             "trainee_id": e.trainee_id, "enrolment_id": e.id, "course_id": course.id,
             "session_id": e.session_id, "issued_at": issued_at,
             "valid_until": valid_until(issued_on, course.certificate_validity_months),
             "status": (CertificateStatus.REVOKED if is_revoked else CertificateStatus.VALID).value,
             "revoked_at": revoke_at if is_revoked else None,
             "revoke_reason": rng.choice(REVOKE_REASONS) if is_revoked else None,
             "holder_name": name, "holder_birth_date": born,
             "course_title_id": course.title_id, "course_title_en": course.title_en,
             "created_at": issued_at, "updated_at": revoke_at if is_revoked else issued_at}
        )  # fmt: skip
    if rows:
        db.execute(insert(Certificate.__table__), rows)
    table = CertificateSerialCounter.__table__
    for (year, course_id), last in counters.items():
        if (year, course_id) in known:
            db.execute(update(table).where(table.c.year == year, table.c.course_id == course_id)
                       .values(last_number=last))  # fmt: skip
        else:
            db.execute(insert(table).values(year=year, course_id=course_id, last_number=last))
    return len(rows), revoked
