"""API for simulator stations (SPEC 6): the next assignment, run uploads, score reports."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from flask import current_app, jsonify, request, url_for
from flask_login import current_user
from werkzeug.exceptions import ClientDisconnected, RequestEntityTooLarge

from isdc.extensions import db
from isdc.models import Assignment, Role, Run
from isdc.runs import catalogue
from isdc.runs.assignments import next_for_station
from isdc.runs.intake import IntakeError, Receipt, receive_run
from isdc.runs.reports import current_report
from isdc.runs.storage import RunStore
from isdc.web.api import bp
from isdc.web.api.station_auth import api_error, current_station, station_or_roles, station_required

READ_CHUNK = 64 * 1024


def run_store() -> RunStore:
    folder = current_app.config.get("RUNS_FOLDER") or Path(current_app.instance_path) / "runs"
    return RunStore(folder)


@bp.get("/station")
@station_required
def station_info() -> Any:
    """Who the token belongs to: the station's name and bay (the waiting screen shows them)."""
    station = current_station()
    assert station is not None
    return jsonify(
        name=station.name,
        bay=station.facility.name if station.facility else None,
        site=station.site.name,
    )


@bp.get("/assignments/next")
@station_required
def next_assignment() -> Any:
    """The station's next queued assignment (now marked sent), or 204 when none waits."""
    station = current_station()
    assert station is not None
    assignment = next_for_station(db.session, station)
    if assignment is None:
        return "", 204
    return jsonify(assignment_json(assignment))


def assignment_json(assignment: Assignment) -> dict[str, Any]:
    info = catalogue.get(assignment.scenario_id)
    trainee = assignment.trainee
    return {
        "assignment_id": assignment.id,
        "trainee": {"id": trainee.id, "name": trainee.full_name, "reference": str(trainee.id)},
        "scenario": {
            "id": assignment.scenario_id,
            "version": info.version if info else None,
            "title": info.title
            if info
            else {"id": assignment.scenario_id, "en": assignment.scenario_id},
            "brief": info.brief if info else {"id": "", "en": ""},
        },
        "vehicle": assignment.vehicle,
        "seed": assignment.seed,
        "sent_at": assignment.sent_at.isoformat() if assignment.sent_at else None,
    }


@bp.post("/runs")
@station_required
def upload_run() -> Any:
    """One telemetry file as the body: validated whole, scored, stored; idempotent by UUID."""
    station = current_station()
    assert station is not None
    limit = int(current_app.config["RUN_UPLOAD_MAX_BYTES"])
    try:
        body = read_body(limit)
    except RequestEntityTooLarge:
        return api_error(
            413, "too_large", f"the file is larger than this server accepts ({limit} bytes)"
        )
    except ClientDisconnected:
        return api_error(400, "incomplete_body", "the upload ended before the whole file arrived")
    try:
        receipt = receive_run(db.session, station, body, run_store())
    except IntakeError as exc:
        db.session.rollback()
        return api_error(exc.status, exc.code, exc.detail)
    return jsonify(receipt_json(receipt)), 201 if receipt.created else 200


def read_body(limit: int) -> bytes:
    """The whole request body, refusing more than ``limit`` bytes without reading them all."""
    declared = request.content_length
    if declared is not None and declared > limit:
        raise RequestEntityTooLarge()
    stream = request.stream
    chunks: list[bytes] = []
    total = 0
    while True:
        chunk = stream.read(min(READ_CHUNK, limit + 1 - total))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
        if total > limit:
            raise RequestEntityTooLarge()
    if declared is not None and total < declared:
        raise ClientDisconnected()
    return b"".join(chunks)


def receipt_json(receipt: Receipt) -> dict[str, Any]:
    return {
        "run_id": str(receipt.run_id),
        "score": receipt.score,
        "passed": receipt.passed,
        "report_url": url_for("runs.report", run_id=receipt.run_id, _external=True),
    }


@bp.get("/runs/<uuid:run_id>")
@station_or_roles(Role.ADMIN, Role.INSTRUCTOR, Role.TRAINEE)
def run_report(run_id: uuid.UUID) -> Any:
    """The run's current score report (SPEC 7 JSON), for its station or a user who may see it."""
    run = db.session.get(Run, run_id)
    if run is None or not may_see(run):
        return api_error(404, "not_found", f"no run {run_id} that you may see")
    report = current_report(db.session, run.id)
    if report is None:
        return api_error(404, "not_found", f"run {run_id} has no score report")
    return jsonify(report.report)


def may_see(run: Run) -> bool:
    station = current_station()
    if station is not None:
        return run.station_id == station.id
    if run.site_id is not None and run.site_id != current_user.site_id:
        return False
    if current_user.role == Role.TRAINEE:
        return current_user.trainee_id is not None and run.trainee_id == current_user.trainee_id
    return True
