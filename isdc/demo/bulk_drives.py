"""Real drives to copy from when a benchmark needs 100,000 scored runs.

Simulating 100,000 runs would take hours, so each (scenario, vehicle) a course requires is
driven once per driving level, headless, by the autopilot with a style blended between the
careful and the aggressive one, and scored by the real scorer. Bulk runs copy one of these
drives (chosen by the trainee's level) with their findings moved by a metre or two, so
findings sit where the simulator's drivers really make them on each scenario's road, and
scores, pass marks and finding kinds are the scorer's own.
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

from isdc import telemetry
from isdc.runs.storage import sha256_of

# 0 is the careful autopilot, 1 the aggressive one; between, a blend (see _style).
LEVELS: tuple[float, ...] = (0.0, 0.3, 0.45, 0.6, 0.75, 1.0)
# The habits a blended driver drops, in order, as it gets worse (threshold of the level).
HABIT_FLIPS = {
    "respect_advisory": 0.3,
    "stops_for_amber": 0.45,
    "respects_solid_lines": 0.55,
    "full_stop": 0.6,
    "yields_at_zebra": 0.8,
}
# The measures bulk runs store (the scorer stores about fifty; these are the ones analytics and
# run lists read, and they keep 100,000 runs at a million measure rows).
BULK_MEASURES = (
    "route_completion",
    "duration_s",
    "max_speed_kmh",
    "mean_speed_kmh",
    "share_over_limit",
    "max_excess_kmh",
    "headway_min_s",
    "harsh_braking",
    "lane_departures",
    "reaction_time_mean_s",
)
BULK_DRIVER = "wheel"  # bulk runs stand for trainees at a bay's steering wheel
DRIVE_SEED = 1
PARALLEL_FROM = 12  # drives to do before it pays to start worker processes


@dataclass(frozen=True)
class Drive:
    """One scored drive of a scenario at a driving level, reduced to what a bulk run copies."""

    scenario_id: str
    vehicle: str
    level: float
    score: float
    passed: bool
    pass_mark: float
    scenario_version: str
    simulator_version: str
    duration_s: float
    ticks: int
    outcome: str
    telemetry_sha256: str
    telemetry_size: int
    findings: tuple[dict[str, Any], ...]  # kind, severity, rule, t, x, y, route_s, advice
    measures: dict[str, float | None]
    report: dict[str, Any]  # the compact report without findings, measures and run


def blended_style(level: float) -> Any:
    """The autopilot's style at ``level`` between careful (0) and aggressive (1)."""
    from isdc.simulator.drivers import AGGRESSIVE, CAREFUL

    values: dict[str, Any] = {"name": BULK_DRIVER}
    for field in dataclasses.fields(CAREFUL):
        careful, aggressive = getattr(CAREFUL, field.name), getattr(AGGRESSIVE, field.name)
        if field.name == "name":
            continue
        if isinstance(careful, bool):
            values[field.name] = careful if level < HABIT_FLIPS[field.name] else aggressive
        else:
            values[field.name] = careful + (aggressive - careful) * level
    return dataclasses.replace(CAREFUL, **values)


_DRIVEN: dict[tuple[str, str, float], Drive] = {}  # a process drives each once


def drive(scenario_id: str, vehicle: str, level: float) -> Drive:
    """Drive and score ``scenario_id`` once at ``level`` (kept for the process)."""
    key = (scenario_id, vehicle, level)
    if key not in _DRIVEN:
        _DRIVEN[key] = _drive(*key)
    return _DRIVEN[key]


def blended_drive(scenario_id: str, vehicle: str, level: float) -> telemetry.Telemetry:
    """One headless drive of a trainee at the wheel, driving at ``level``."""
    from isdc.simulator import Simulation
    from isdc.simulator.drivers import Autopilot

    return Simulation(scenario_id, vehicle, DRIVE_SEED, driver=BULK_DRIVER).run(
        Autopilot(blended_style(level))
    )


def _drive(scenario_id: str, vehicle: str, level: float) -> Drive:
    from isdc.scoring import score

    tel = blended_drive(scenario_id, vehicle, level)
    full = score(tel).to_dict()
    data = telemetry.to_bytes(tel)
    findings = tuple(
        {
            "kind": f["kind"],
            "severity": f["severity"],
            "rule": f["rule"],
            "t": f["t"],
            "x": f["position"]["x"],
            "y": f["position"]["y"],
            "route_s": f["position"]["route_s"],
            "advice": f["advice"],
        }
        for f in full["findings"]
    )
    report = {
        key: full[key]
        for key in (
            "score",
            "passed",
            "pass_mark",
            "fail_reasons",
            "base_score",
            "factor_total",
            "route_completion",
            "factors",
            "rubric",
            "warnings",
            "scorer_version",
        )
    }
    # Parts without their titles: the report page words them from the part name.
    report["parts"] = [
        {k: v for k, v in part.items() if k not in ("title", "note")} for part in full["parts"]
    ]
    header = tel.header
    return Drive(
        scenario_id=scenario_id,
        vehicle=vehicle,
        level=level,
        score=float(full["score"]),
        passed=bool(full["passed"]),
        pass_mark=float(full["pass_mark"]),
        scenario_version=str(header["scenario"]["version"]),
        simulator_version=str(header["simulator_version"]),
        duration_s=float(header["duration_s"]),
        ticks=int(tel.ticks),
        outcome=str(header["outcome"]),
        telemetry_sha256=sha256_of(data),
        telemetry_size=len(data),
        findings=findings,
        measures={name: full["measures"].get(name) for name in BULK_MEASURES},
        report=report,
    )


def drives_for(
    pairs: list[tuple[str, str]], levels: tuple[float, ...] = LEVELS
) -> dict[tuple[str, str], list[Drive]]:
    """Every (scenario, vehicle) pair driven at every level, best driver first.

    Many drives are shared out over the CPUs (each is independent and takes about a second);
    a few are driven here."""
    todo = [(s, v, level) for s, v in pairs for level in levels if (s, v, level) not in _DRIVEN]
    workers = min(os.cpu_count() or 1, 8)
    if len(todo) >= PARALLEL_FROM and workers > 1:
        # Forked workers: they only simulate and never touch the parent's database
        # connection (pool workers leave with os._exit, so nothing of it is closed there).
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(workers, mp_context=context) as pool:
            for key, made in zip(todo, pool.map(_drive, *zip(*todo, strict=True)), strict=True):
                _DRIVEN[key] = made
    return {pair: [drive(pair[0], pair[1], level) for level in levels] for pair in pairs}
