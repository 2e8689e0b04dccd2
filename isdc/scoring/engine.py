"""Scoring a run: measure every part, apply the rule factors and route completion, decide pass.

score = (weighted mean of the applicable parts) x (product of the infraction factors)
        x (share of the route completed), clipped to 0..100.
A run passes when the score reaches the rubric's pass mark, no fail-on event (a collision)
happened, the scenario was completed, and the data were good enough to judge.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from isdc.scoring.drive import Drive, check_structure, prepare, warning
from isdc.scoring.infractions import rule_infractions
from isdc.scoring.measures.following import measure_following
from isdc.scoring.measures.harsh import measure_harsh
from isdc.scoring.measures.hazard import measure_hazard
from isdc.scoring.measures.lane import measure_lane
from isdc.scoring.measures.smoothness import measure_smoothness
from isdc.scoring.measures.speed import measure_speed
from isdc.scoring.report import ScoreReport
from isdc.scoring.results import Finding, PartResult, Position
from isdc.scoring.rubric import FACTOR_KINDS, PARTS, Rubric, RubricError, load_rubric
from isdc.scoring.signals import dot
from isdc.scoring.wording import MEASURE_TITLES, OUTCOME_TITLES, num, pair, title_of
from isdc.telemetry import Telemetry

MEASURES: dict[str, Callable[[Drive, Rubric], PartResult]] = {
    "speed": measure_speed,
    "harsh": measure_harsh,
    "following": measure_following,
    "lane": measure_lane,
    "hazard": measure_hazard,
    "smoothness": measure_smoothness,
}
_SEVERITY_ORDER = {"critical": 0, "major": 1, "minor": 2}


def score(telemetry: Telemetry, rubric: Rubric | None = None) -> ScoreReport:
    """Score one run against its scenario's rubric (loaded by scenario id when not given).

    Raises :class:`~isdc.scoring.rubric.RubricError` when the scenario has no rubric, the rubric
    is for another scenario, or it has no thresholds for the run's vehicle, and
    :class:`~isdc.telemetry.TelemetryError` when the columns do not fit together (missing, of
    the wrong length, time not increasing). Bad sample values never raise: they are reported in
    ``warnings``.
    """
    check_structure(telemetry)
    if rubric is None:
        rubric = load_rubric(telemetry.scenario_id)
    elif rubric.scenario != telemetry.scenario_id:
        raise RubricError(
            f"rubric '{rubric.scenario}' does not fit a run of scenario '{telemetry.scenario_id}'"
        )
    rubric.vehicle(str(telemetry.header.get("vehicle", "car")))  # refuse unknown vehicles early
    with np.errstate(all="ignore"):
        return _score(telemetry, rubric)


def _score(tel: Telemetry, rubric: Rubric) -> ScoreReport:
    d = prepare(tel)
    parts = [MEASURES[name](d, rubric) for name in PARTS]
    weights = _effective_weights(parts, rubric)
    base = sum(weights[p.name] * p.value for p in parts) if any(weights.values()) else 100.0
    factors, rule_findings, counts = rule_infractions(d, rubric)
    factor_total = math.prod(f.value for f in factors)
    completion, route_finding = _route_completion(d, rubric)
    total = base * factor_total * completion
    if d.n == 0 or not math.isfinite(total):
        total = 0.0
    total = min(100.0, max(0.0, total))

    findings: list[Finding] = [f for p in parts for f in p.findings] + rule_findings
    if route_finding is not None:
        findings.append(route_finding)
    findings.sort(key=lambda f: (f.t, _SEVERITY_ORDER[f.severity], f.kind))

    fail_reasons = _fail_reasons(d, rubric, total, counts, completion)
    measures = _measures(d, parts, counts, completion)
    return ScoreReport(
        score=total,
        passed=not fail_reasons,
        pass_mark=rubric.pass_rules.mark,
        base_score=base,
        factor_total=factor_total,
        route_completion=completion,
        parts=parts,
        weights=weights,
        rubric=rubric,
        factors=factors,
        findings=findings,
        run={**tel.metadata(), "duration_s": tel.header.get("duration_s"), "ticks": d.n},
        measures=measures,
        warnings=d.warnings,
        fail_reasons=fail_reasons,
    )


def _effective_weights(parts: list[PartResult], rubric: Rubric) -> dict[str, float]:
    """Rubric weights normalised over the parts that apply to this run."""
    raw = {p.name: rubric.weights[p.name] if p.applicable else 0.0 for p in parts}
    total = sum(raw.values())
    return {k: (v / total if total > 0 else 0.0) for k, v in raw.items()}


def _route_completion(d: Drive, rubric: Rubric) -> tuple[float, Finding | None]:
    length = float(d.tel.header.get("route_length_m") or 0.0)
    route_s = d.col["route_s"]
    furthest = float(np.fmax.reduce(route_s, initial=-np.inf)) if d.n else -np.inf
    if length <= 0:
        d.warnings.append(
            warning(
                "route_length_unknown",
                "Panjang rute tidak tercatat; penyelesaian rute dianggap 100 %.",
                "The route length is not recorded; route completion is taken as 100 %.",
            )
        )
        return (1.0 if d.n else 0.0), None
    if not math.isfinite(furthest):
        return 0.0, None
    completion = min(1.0, max(0.0, furthest / length))
    if completion >= rubric.pass_rules.min_route_completion:
        return completion, None
    i = int(np.nanargmax(route_s))
    id_text, en_text = pair(
        "Anda menyelesaikan {pct:.0f} % rute ({s:.0f} dari {len:.0f} m). Selesaikan seluruh rute "
        "dengan aman untuk dapat lulus.",
        "You completed {pct:.0f} % of the route ({s:.0f} of {len:.0f} m). Finish the whole route "
        "safely to pass.",
        pct=completion * 100,
        s=furthest,
        len=length,
    )
    return completion, Finding(
        t=float(d.t[i]) if d.n else 0.0,
        kind="incomplete",
        severity="major",
        position=d.position(i) if d.n else Position(None, None, None),
        advice_id=id_text,
        advice_en=en_text,
        detail={"route_completion": round(completion, 4)},
    )


def _fail_reasons(
    d: Drive, rubric: Rubric, total: float, counts: dict[str, int], completion: float
) -> list[dict[str, str]]:
    rules = rubric.pass_rules
    reasons: list[dict[str, str]] = []
    if d.n == 0:
        reasons.append(
            {"code": "no_samples", "id": "Telemetri kosong.", "en": "The telemetry is empty."}
        )
    if total < rules.mark:
        reasons.append(
            {
                "code": "below_pass_mark",
                "id": f"nilai {num(total, 1, 'id')} di bawah batas lulus {num(rules.mark, 0)}",
                "en": f"score {num(total, 1)} is below the pass mark {num(rules.mark, 0)}",
            }
        )
    for kind in rules.fail_on:
        hits = [k for k in counts if k == kind or k.startswith(kind + "_")]
        for hit in hits:
            title = MEASURE_TITLES.get(hit, {"id": hit, "en": hit})
            reasons.append(
                {
                    "code": f"fail_on_{hit}",
                    "id": f"{title['id']}: otomatis tidak lulus ({counts[hit]}x)",
                    "en": f"{title['en']} fails the run ({counts[hit]}x)",
                }
            )
    outcome = d.tel.header.get("outcome")
    if rules.require_completed and outcome != "completed" and d.n:
        reasons.append(
            {
                "code": "not_completed",
                "id": f"skenario tidak selesai (hasil: {title_of(OUTCOME_TITLES, outcome, 'id')})",
                "en": "the scenario was not completed (outcome: "
                f"{title_of(OUTCOME_TITLES, outcome, 'en')})",
            }
        )
    if completion < rules.min_route_completion and d.n:
        reasons.append(
            {
                "code": "route_incomplete",
                "id": f"rute hanya selesai {num(completion * 100, 0)} %",
                "en": f"only {num(completion * 100, 0)} % of the route was completed",
            }
        )
    if d.missing_share > rules.max_missing_share and d.n:
        reasons.append(
            {
                "code": "insufficient_data",
                "id": f"{num(d.missing_share * 100, 1, 'id')} % sampel hilang; nilai tidak "
                "dapat diandalkan",
                "en": f"{num(d.missing_share * 100, 1)} % of the samples are missing; the "
                "score cannot be relied on",
            }
        )
    return reasons


def _measures(
    d: Drive, parts: list[PartResult], counts: dict[str, int], completion: float
) -> dict[str, Any]:
    """Flat per-run numbers for analytics (documented in docs/scoring.md)."""
    speed = d.col["speed"]
    if "speed" in d.incomplete:
        speed = np.where(np.isfinite(speed), speed, np.float32(0))
    if d.uniform_step is not None:
        distance = float(speed.sum(dtype=np.float64)) * d.uniform_step
    else:
        distance = dot(speed, d.dt) if d.n else 0.0
    out: dict[str, Any] = {
        "duration_s": round(float(d.t[-1] - d.t[0]), 3) if d.n else 0.0,
        "distance_m": round(distance, 1),
        "route_completion": round(completion, 4),
        "missing_share": round(d.missing_share, 4),
    }
    for p in parts:
        out.update(p.measures)
    # Plain Python numbers: the dict is stored and serialised as it is.
    out = {k: (v.item() if isinstance(v, np.generic) else v) for k, v in out.items()}
    for kind in FACTOR_KINDS:
        out[kind] = counts.get(kind, 0)
    return out
