"""Demo simulator work: station tokens for the six bays, assignments, and scored runs.

The runs are real: each (scenario, vehicle, driver) the demo needs is simulated once, headless,
with the careful or the aggressive autopilot, then filed for several trainees under new run
UUIDs, as a station would upload them - telemetry in the runs folder, report, findings and
measures in the database. Deterministic: the same demo seed gives the same runs.
"""

from __future__ import annotations

import copy
import functools
import multiprocessing
import os
import random
import uuid
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from pathlib import Path

from sqlalchemy.orm import Session

from isdc import telemetry
from isdc.demo.seed import Demo, working_day
from isdc.models import (
    Assignment,
    AssignmentStatus,
    CourseSession,
    Enrolment,
    EnrolmentStatus,
    Run,
    Station,
)
from isdc.models.simulator import hash_station_token
from isdc.runs.reports import record_report
from isdc.runs.storage import RunStore

CAREFUL, AGGRESSIVE = "autopilot", "autopilot-aggressive"
DEMO_SEED = 1  # one traffic seed per scenario keeps the demo quick to build


def demo_station_token(number: int) -> str:
    """The demo's station tokens, printed with the demo logins (a real token is random)."""
    return f"isdc-demo-sim-{number:02d}"


# Trainees at a bay's wheel drive somewhere between the careful and the aggressive autopilot:
# the history's runs are driven by blended autopilots at these levels (0 careful, 1 aggressive;
# isdc.demo.bulk_drives), so scores, findings and where they happen spread as a real cohort's do.
TRAINEE_LEVELS = (0.0, 0.45, 0.6, 0.75, 1.0)


def trainee_driver(level: float) -> str:
    """The driver name :func:`simulated` understands for a blended autopilot at ``level``."""
    return f"wheel@{level}"


_DRIVES: dict[tuple[str, str, str], telemetry.Telemetry] = {}  # a process drives each once


def simulated(scenario: str, vehicle: str, driver: str) -> telemetry.Telemetry:
    """One headless drive; the simulation is deterministic, so a process keeps each one."""
    key = (scenario, vehicle, driver)
    if key not in _DRIVES:
        _DRIVES[key] = _simulate(*key)
    return _DRIVES[key]


def _simulate(scenario: str, vehicle: str, driver: str) -> telemetry.Telemetry:
    from isdc.simulator import Simulation, make_driver

    if "@" in driver:  # a blended autopilot standing for a trainee at the wheel
        from isdc.demo.bulk_drives import blended_drive

        return blended_drive(scenario, vehicle, float(driver.split("@", 1)[1]))
    return Simulation(scenario, vehicle, DEMO_SEED, driver=driver).run(make_driver(driver))


def prefetch(pairs: set[tuple[str, str]]) -> None:
    """Drive every (scenario, vehicle) at every trainee level up front, shared out over the
    CPUs: each drive is independent and takes about half a second, and the demo needs fifty."""
    todo = [(s, v, trainee_driver(level)) for s, v in sorted(pairs) for level in TRAINEE_LEVELS]
    todo = [key for key in todo if key not in _DRIVES]
    workers = min(os.cpu_count() or 1, 8)
    if len(todo) < 8 or workers < 2:
        return  # driven one by one when asked for
    # Forked workers only simulate; they never touch the parent's database connection.
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        for key, drive in zip(todo, pool.map(_simulate, *zip(*todo, strict=True)), strict=True):
            _DRIVES[key] = drive


@functools.cache
def drive_result(scenario: str, vehicle: str, driver: str) -> tuple[float, bool]:
    """The score and pass of :func:`simulated`'s drive under the scenario's rubric."""
    from isdc.scoring import score

    report = score(simulated(scenario, vehicle, driver))
    return float(report.score), bool(report.passed)


@dataclass
class Filed:
    run: Run
    assignment: Assignment


class DemoRuns:
    def __init__(self, db: Session, demo: Demo, runs_dir: Path):
        self.db = db
        self.demo = demo
        self.store = RunStore(runs_dir)
        self.rng = random.Random(f"simulator-{demo.rng.random()}")
        self.stations: dict[str, Station] = {}

    def prepare_stations(self) -> None:
        """Give the six bays their demo tokens and a recent "last seen"."""
        now = self.demo.at(self.demo.today, time(9))
        stations = self.db.query(Station).filter(Station.site_id == self.demo.site.id)
        for station in stations.order_by(Station.name):
            number = int(station.name.rsplit("-", 1)[-1])
            station.token_hash = hash_station_token(demo_station_token(number))
            station.token_issued_at = now - timedelta(days=30)
            if number <= 3:
                station.last_seen_at = now - timedelta(minutes=number * 7)
                station.last_seen_ip = f"10.20.1.{10 + number}"
            self.stations[station.name] = station
        self.db.flush()

    def file_at_bay(
        self,
        enrolment: Enrolment,
        session: CourseSession,
        scenario: str,
        vehicle: str,
        driver: str,
        index: int,
        started_at: datetime,
    ) -> Filed:
        """File a run at the session's bays, trainees taking turns by their ``index``."""
        bays = _bays(self, session)
        return self.file(
            enrolment, session, scenario, vehicle, driver, bays[index % len(bays)], started_at
        )

    def trainee_driver(self, scenario: str, vehicle: str, min_score: float, passes: bool) -> str:
        """A blended driver whose drive meets (``passes``) or misses the course's minimum
        score for the scenario; the careful or aggressive autopilot if no level does."""
        fitting = []
        for level in TRAINEE_LEVELS:
            driver = trainee_driver(level)
            score, passed = drive_result(scenario, vehicle, driver)
            if (passed and score >= min_score) == passes:
                fitting.append(driver)
        if not fitting:
            return CAREFUL if passes else AGGRESSIVE
        return self.rng.choice(fitting)

    def drive(self, scenario: str, vehicle: str, driver: str) -> telemetry.Telemetry:
        return simulated(scenario, vehicle, driver)

    def file(
        self,
        enrolment: Enrolment,
        session: CourseSession,
        scenario: str,
        vehicle: str,
        driver: str,
        station: Station,
        started_at: datetime,
    ) -> Filed:
        """One assignment driven at ``station`` and its run, stored as an upload would be."""
        from isdc.scoring import score

        assignment = Assignment(
            site=self.demo.site,
            trainee=enrolment.trainee,
            enrolment_id=enrolment.id,
            session_id=session.id,
            scenario_id=scenario,
            vehicle=vehicle,
            seed=DEMO_SEED,
            station=station,
            status=AssignmentStatus.DONE,
            sent_at=started_at - timedelta(minutes=2),
            finished_at=started_at + timedelta(minutes=3),
            created_at=started_at - timedelta(hours=3),
        )
        self.db.add(assignment)
        self.db.flush()
        base = self.drive(scenario, vehicle, driver)
        header = copy.deepcopy(base.header)
        run_id = uuid.UUID(int=self.rng.getrandbits(128), version=4)
        header.update(
            run_id=str(run_id),
            started_at=started_at.isoformat(),
            station=station.name,
            trainee=str(enrolment.trainee_id),
            assignment=assignment.id,
        )
        tel = telemetry.Telemetry(header, base.columns, base.events)
        data = telemetry.to_bytes(tel)
        received = started_at + timedelta(minutes=3)
        stored = self.store.save(run_id, received, data)
        run = Run(
            id=run_id,
            site_id=self.demo.site.id,
            trainee_id=enrolment.trainee_id,
            assignment_id=assignment.id,
            station_id=station.id,
            scenario_id=scenario,
            scenario_version=str(header["scenario"]["version"]),
            vehicle=vehicle,
            driver=str(header["driver"]),  # as recorded: "wheel" for a trainee
            seed=DEMO_SEED,
            started_at=started_at,
            duration_s=float(header["duration_s"]),
            ticks=tel.ticks,
            outcome=header["outcome"],
            simulator_version=header["simulator_version"],
            telemetry_path=stored.relative_path,
            telemetry_sha256=stored.sha256,
            telemetry_size=stored.size,
            received_at=received,
        )
        self.db.add(run)
        self.db.flush()
        stored_report = record_report(self.db, run, score(tel).to_dict())
        stored_report.created_at = received
        return Filed(run, assignment)


def seed_simulator(runs: DemoRuns) -> None:
    """Today's course at the bays: runs of the first trainees and assignments waiting.

    The finished sessions' runs are filed by the certificate history (isdc.demo.certificates),
    which decides who passed which scenario; this adds only what is happening today."""
    today_ddc = next(s for s in runs.demo.sessions if s.name == "DDC A")
    _session_in_progress(runs, today_ddc)


def _enrolled(db: Session, session: CourseSession) -> list[Enrolment]:
    return (
        db.query(Enrolment)
        .filter(
            Enrolment.session_id == session.id,
            Enrolment.status.in_(
                (EnrolmentStatus.ENROLLED, EnrolmentStatus.COMPLETED, EnrolmentStatus.FAILED)
            ),
        )
        .order_by(Enrolment.id)
        .all()
    )


def _requirements(session: CourseSession) -> list[tuple[str, str]]:
    reqs = sorted(session.course.scenario_requirements, key=lambda r: r.position)
    return [(r.scenario_id, str(r.vehicle)) for r in reqs]


def _bays(runs: DemoRuns, session: CourseSession) -> list[Station]:
    names = ["SIM-01", "SIM-02"] if session.course.code == "DDC" else ["SIM-03"]
    return [runs.stations[n] for n in names]


def _session_in_progress(runs: DemoRuns, session: CourseSession) -> None:
    """Today's course: the first trainees have driven some scenarios (the demo trainee among
    them, a failed first try then a pass), the others wait in the bays' queues."""
    db, demo = runs.db, runs.demo
    enrolments = [e for e in _enrolled(db, session) if e.status == EnrolmentStatus.ENROLLED]
    requirements = _requirements(session)
    day_before = working_day(demo.today, -1)
    bays = _bays(runs, session)
    demo_trainee_id = demo.users["peserta"].trainee_id
    for i, enrolment in enumerate(enrolments[:5]):
        clock = demo.at(day_before, time(13)) + timedelta(minutes=9 * i)
        station = bays[i % len(bays)]
        done = requirements[:2] if enrolment.trainee_id == demo_trainee_id else requirements[:1]
        for n, (scenario, vehicle) in enumerate(done):
            if n == 0 and (enrolment.trainee_id == demo_trainee_id or i % 2):
                runs.file(enrolment, session, scenario, vehicle, AGGRESSIVE, station, clock)
                clock += timedelta(minutes=4)
            runs.file(enrolment, session, scenario, vehicle, CAREFUL, station, clock)
            clock += timedelta(minutes=4)
    for i, enrolment in enumerate(enrolments[5:9]):
        scenario, vehicle = requirements[0]
        db.add(
            Assignment(
                site=demo.site,
                trainee=enrolment.trainee,
                enrolment_id=enrolment.id,
                session_id=session.id,
                scenario_id=scenario,
                vehicle=vehicle,
                seed=runs.rng.randint(1, 99_999),
                station=bays[0] if i < 2 else None,
                status=AssignmentStatus.PENDING,
                created_at=demo.at(demo.today, time(8, 30)) + timedelta(minutes=i),
            )
        )
    db.flush()
