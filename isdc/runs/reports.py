"""Score reports of stored runs: record a report with its findings and measures, rescore.

A run keeps every report it was given; exactly one is current (a partial unique index guards
it). The run row repeats the current report's score, pass and versions so lists need no join.
Findings and measures are also stored a row each, so analytics can aggregate them in SQL.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from isdc import telemetry
from isdc.models import Run, RunFinding, RunMeasure
from isdc.models import ScoreReport as StoredReport
from isdc.models.base import utcnow
from isdc.runs.storage import RunStore


def measure_unit(name: str) -> str | None:
    """The unit of a measure, read from its name as docs/scoring.md names them."""
    for suffix, unit in (
        ("_per_min", "1/min"),
        ("_kmh", "km/h"),
        ("_s", "s"),
        ("_m", "m"),
        ("_g", "g"),
    ):
        if name.endswith(suffix):
            return unit
    if (
        name.startswith("share_")
        or "_share_" in name
        or name in ("route_completion", "missing_share")
    ):
        return "1"
    if name == "jerk_rms":
        return "m/s^3"
    return "count"


def record_report(db: Session, run: Run, report: dict[str, Any]) -> StoredReport:
    """Add ``report`` (the SPEC 7 JSON of a scoring) to ``run`` as its current report."""
    db.execute(
        update(StoredReport)
        .where(StoredReport.run_id == run.id, StoredReport.is_current.is_(True))
        .values(is_current=False)
    )
    stored = StoredReport(
        run_id=run.id,
        rubric_version=str(report["rubric"]["version"]),
        scorer_version=str(report.get("scorer_version", "")),
        score=float(report["score"]),
        passed=bool(report["passed"]),
        is_current=True,
        report=report,
        created_at=utcnow(),
    )
    db.add(stored)
    db.flush()
    findings = [
        {
            "report_id": stored.id,
            "run_id": run.id,
            "kind": f["kind"],
            "severity": f["severity"],
            "rule": (f.get("rule") or None) and str(f["rule"])[:64],
            "t": float(f["t"]) if f.get("t") is not None else 0.0,
            "x": f["position"].get("x"),
            "y": f["position"].get("y"),
        }
        for f in report.get("findings", [])
    ]
    measures = [
        {
            "report_id": stored.id,
            "run_id": run.id,
            "name": name,
            "value": _number(value),
            "unit": measure_unit(name),
        }
        for name, value in report.get("measures", {}).items()
        if value is None or isinstance(value, int | float)
    ]
    if findings:
        db.execute(insert(RunFinding), findings)
    if measures:
        db.execute(insert(RunMeasure), measures)
    run.score = stored.score
    run.passed = stored.passed
    run.rubric_version = stored.rubric_version
    run.scorer_version = stored.scorer_version
    return stored


def _number(value: Any) -> float | None:
    if value is None or isinstance(value, bool):
        return float(value) if isinstance(value, bool) else None
    value = float(value)
    return value if math.isfinite(value) else None


def current_report(db: Session, run_id: Any) -> StoredReport | None:
    return db.scalar(
        select(StoredReport).where(StoredReport.run_id == run_id, StoredReport.is_current.is_(True))
    )


def first_report(db: Session, run_id: Any) -> StoredReport | None:
    """The report made when the run was received (what the upload answered)."""
    return db.scalar(
        select(StoredReport)
        .where(StoredReport.run_id == run_id)
        .order_by(StoredReport.created_at, StoredReport.id)
        .limit(1)
    )


@dataclass
class RescoreOutcome:
    run_id: str
    old_score: float | None
    new_score: float | None
    changed: bool
    error: str | None = None


def rescore_run(db: Session, run: Run, store: RunStore) -> RescoreOutcome:
    """Score a stored run again with the current rubric; a new report becomes current.

    When the rubric version, digest and scorer are the same as the current report's, the
    report would be identical (scoring is a pure function), so nothing is added.
    """
    from isdc.scoring import RubricError, score

    old = current_report(db, run.id)
    try:
        tel = telemetry.read(store.read(run.telemetry_path))
    except (OSError, ValueError, telemetry.TelemetryError) as exc:
        return RescoreOutcome(str(run.id), run.score, None, False, f"telemetry unreadable: {exc}")
    try:
        report = score(tel).to_dict()
    except (RubricError, telemetry.TelemetryError) as exc:
        return RescoreOutcome(str(run.id), run.score, None, False, str(exc))
    if old is not None and _same_standard(old.report, report):
        return RescoreOutcome(str(run.id), run.score, run.score, False)
    record_report(db, run, report)
    return RescoreOutcome(str(run.id), old.score if old else None, float(report["score"]), True)


def _same_standard(old: dict[str, Any], new: dict[str, Any]) -> bool:
    return old.get("rubric") == new.get("rubric") and old.get("scorer_version") == new.get(
        "scorer_version"
    )
