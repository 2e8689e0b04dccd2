"""Receiving a run from a station (``POST /api/v1/runs``): validate everything, then store.

The order matters for "nothing half-written": the whole body is read and checked (format,
version, header fields, the scenario, what the station may report for) and the run is scored
before anything touches the disk or the database. Then the file is written atomically and the
run, its report, findings and measures are inserted in one transaction.

Uploads are idempotent on the run UUID (the primary key): the same UUID with the same bytes
gives the first answer again and never a second run, even when two copies race (the loser's
insert fails on the key and it answers like a repeat); the same UUID with other bytes is a
conflict.
"""

from __future__ import annotations

import json
import logging
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from isdc import telemetry
from isdc.models import Assignment, AssignmentStatus, Run, Station, Trainee
from isdc.models.base import utcnow
from isdc.runs import catalogue
from isdc.runs.reports import first_report, record_report
from isdc.runs.storage import RunStore, sha256_of

log = logging.getLogger(__name__)

MAX_ID = 2**31 - 1  # ids are 32-bit integers in the database
# Lengths of the header fields that become columns (see isdc.models.simulator.Run).
FIELD_LIMITS = {"driver": 32, "simulator_version": 32}


class IntakeError(Exception):
    """An upload refused; ``status`` is the HTTP status, ``code`` a stable slug for clients."""

    def __init__(self, status: int, code: str, detail: str):
        super().__init__(detail)
        self.status = status
        self.code = code
        self.detail = detail


@dataclass(frozen=True)
class Receipt:
    """What the server answers for an accepted run (SPEC 6: run_id, score, passed)."""

    run_id: uuid.UUID
    score: float
    passed: bool
    created: bool  # False: this run was already stored (a repeated upload)


def receive_run(db: Session, station: Station, body: bytes, store: RunStore) -> Receipt:
    """Validate, score, store and record one uploaded telemetry file for ``station``."""
    if not body:
        raise IntakeError(400, "empty_body", "the request body is empty; send one telemetry file")
    tel = parse(body)
    run_id = uuid.UUID(tel.run_id)
    digest = sha256_of(body)
    existing = db.get(Run, run_id)
    if existing is not None:
        return repeat(db, existing, station, digest)

    header = tel.header
    check_fields(header)
    scenario_id = tel.scenario_id
    info = catalogue.get(scenario_id)
    if info is None:
        raise IntakeError(
            422, "unknown_scenario", f"scenario {scenario_id!r} is not known to this server"
        )
    if not info.scorable:
        raise IntakeError(
            422, "no_rubric", f"scenario {scenario_id!r} has no rubric on this server to score it"
        )
    assignment, trainee_id = authorise(db, station, header)
    report = score(tel)
    started_at = parse_started_at(header["started_at"])

    received = utcnow()
    stored = store.save(run_id, received, body)
    run = Run(
        id=run_id,
        site_id=station.site_id,
        trainee_id=trainee_id,
        assignment_id=assignment.id if assignment else None,
        station_id=station.id,
        scenario_id=scenario_id,
        scenario_version=str(header["scenario"]["version"])[:32],
        vehicle=header["vehicle"],
        driver=header["driver"],
        seed=header["seed"],
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
    try:
        db.add(run)
        db.flush()
        record_report(db, run, report)
        if assignment is not None and assignment.status != AssignmentStatus.CANCELLED:
            assignment.status = AssignmentStatus.DONE
            assignment.finished_at = received
        db.commit()
    except IntegrityError:
        # Another request stored this run UUID first (a retry racing the original).
        db.rollback()
        winner = db.get(Run, run_id)
        if winner is None:
            store.discard(stored.relative_path)
            raise
        if winner.telemetry_path != stored.relative_path:
            store.discard(stored.relative_path)
        return repeat(db, winner, station, digest)
    except BaseException:
        db.rollback()
        store.discard(stored.relative_path)
        raise
    return Receipt(run_id, float(report["score"]), bool(report["passed"]), created=True)


def repeat(db: Session, run: Run, station: Station, digest: str) -> Receipt:
    """The answer to an upload of a run already stored: the first answer, or a conflict."""
    if run.station_id != station.id:
        raise IntakeError(
            409, "run_conflict", f"run {run.id} was already uploaded by another station"
        )
    if run.telemetry_sha256 != digest:
        raise IntakeError(
            409,
            "run_conflict",
            f"run {run.id} was already uploaded with different content; a new run needs a new UUID",
        )
    first = first_report(db, run.id)
    if first is None:  # not reachable: a run is stored with its report in one transaction
        raise IntakeError(409, "run_conflict", f"run {run.id} has no score report")
    return Receipt(run.id, first.score, first.passed, created=False)


def parse(body: bytes) -> telemetry.Telemetry:
    """The telemetry in ``body``; any way it can be broken is a 422 naming the problem."""
    try:
        return telemetry.read(body)
    except telemetry.TelemetryError as exc:
        raise IntakeError(422, "invalid_telemetry", str(exc)) from None
    except Exception as exc:  # noqa: BLE001 - a hostile archive may trip anything in zipfile
        log.warning("unreadable upload: %r", exc)
        raise IntakeError(
            422, "invalid_telemetry", f"not a readable telemetry file ({type(exc).__name__})"
        ) from None


def check_fields(header: dict[str, Any]) -> None:
    """Header values that become database columns must fit them."""
    vehicle = header["vehicle"]
    if vehicle not in catalogue.VEHICLES:
        raise IntakeError(
            422,
            "invalid_telemetry",
            f"vehicle {vehicle!r} is not one of {', '.join(catalogue.VEHICLES)}",
        )
    for name, limit in FIELD_LIMITS.items():
        value = header[name]
        if not value or len(value) > limit:
            raise IntakeError(
                422, "invalid_telemetry", f"header field '{name}' must be 1 to {limit} characters"
            )
    if not (-(2**63) <= header["seed"] < 2**63):
        raise IntakeError(422, "invalid_telemetry", "header field 'seed' is out of range")
    duration = header["duration_s"]
    if not (0 <= duration < 1e7):  # also refuses NaN
        raise IntakeError(422, "invalid_telemetry", "header field 'duration_s' is out of range")
    # PostgreSQL text and JSONB cannot hold NUL characters.
    if "\\u0000" in json.dumps(header):
        raise IntakeError(422, "invalid_telemetry", "the header contains NUL characters")


def parse_started_at(value: str) -> datetime:
    try:
        started = datetime.fromisoformat(value)
    except ValueError:
        raise IntakeError(
            422, "invalid_telemetry", f"started_at {value[:40]!r} is not an ISO 8601 time"
        ) from None
    if started.tzinfo is None:
        started = started.replace(tzinfo=UTC)
    if not (1970 <= started.year <= 9000):
        raise IntakeError(422, "invalid_telemetry", "started_at is out of range")
    return started.astimezone(UTC)


def reference(value: Any, name: str) -> int | None:
    """An assignment or trainee reference from the header (a number, or digits as text)."""
    if value is None or value == "":
        return None
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or not (1 <= value <= MAX_ID):
        raise IntakeError(422, "invalid_telemetry", f"header field '{name}' is not a valid id")
    return value


def authorise(
    db: Session, station: Station, header: dict[str, Any]
) -> tuple[Assignment | None, int | None]:
    """The assignment and trainee the run is for, if ``station`` may report for them (403)."""
    assignment_id = reference(header.get("assignment"), "assignment")
    trainee_id = reference(header.get("trainee"), "trainee")
    if assignment_id is not None:
        assignment = db.get(Assignment, assignment_id)
        if assignment is None or assignment.station_id != station.id:
            raise IntakeError(
                403,
                "not_assigned",
                f"assignment {assignment_id} was not sent to station {station.name}",
            )
        if trainee_id is not None and trainee_id != assignment.trainee_id:
            raise IntakeError(
                403,
                "not_assigned",
                f"assignment {assignment_id} is for another trainee than {trainee_id}",
            )
        for field, expected in (
            ("scenario", assignment.scenario_id),
            ("vehicle", assignment.vehicle),
            ("seed", assignment.seed),
        ):
            got = header["scenario"]["id"] if field == "scenario" else header[field]
            if got != expected:
                raise IntakeError(
                    422,
                    "assignment_mismatch",
                    f"the run's {field} is {got!r} but assignment {assignment_id} asks for "
                    f"{expected!r}",
                )
        return assignment, assignment.trainee_id
    if trainee_id is not None:
        trainee = db.get(Trainee, trainee_id)
        sent_here = (
            trainee is not None
            and trainee.site_id == station.site_id
            and db.scalar(
                select(Assignment.id)
                .where(
                    Assignment.trainee_id == trainee_id,
                    Assignment.station_id == station.id,
                    Assignment.status != AssignmentStatus.CANCELLED,
                )
                .limit(1)
            )
            is not None
        )
        if not sent_here:
            raise IntakeError(
                403,
                "not_assigned",
                f"trainee {trainee_id} has not been sent to station {station.name}",
            )
        return None, trainee_id
    raise IntakeError(
        403, "not_assigned", "the run names neither an assignment nor a trainee it is for"
    )


def score(tel: telemetry.Telemetry) -> dict[str, Any]:
    """The SPEC 7 report of the run with its scenario's current rubric (422 if it cannot be)."""
    from isdc.scoring import RubricError
    from isdc.scoring import score as score_run

    try:
        report = score_run(tel).to_dict()
    except (RubricError, telemetry.TelemetryError) as exc:
        raise IntakeError(422, "unscorable", f"the run cannot be scored: {exc}") from None
    except Exception as exc:  # noqa: BLE001 - a valid file must never make the API answer 500
        log.exception("scoring failed on an uploaded run")
        raise IntakeError(
            422, "unscorable", f"the run cannot be scored ({type(exc).__name__})"
        ) from None
    if "\\u0000" in json.dumps(report):
        raise IntakeError(422, "invalid_telemetry", "the run contains NUL characters")
    return report
