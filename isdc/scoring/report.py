"""The score report: its JSON form (the SPEC 7 contract) and a readable text form (id or en)."""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from isdc.scoring.results import Factor, Finding, PartResult
from isdc.scoring.rubric import Rubric
from isdc.scoring.wording import (
    MEASURE_TITLES,
    OUTCOME_TITLES,
    PART_TITLES,
    SEVERITY_TITLES,
    UNIT_TITLES,
    VEHICLE_TITLES,
    num,
    title_of,
)

SCORER_VERSION = "1.0.0"


@dataclass
class ScoreReport:
    """Everything a score is made of, so it can be explained and stored."""

    score: float
    passed: bool
    pass_mark: float
    base_score: float
    factor_total: float
    route_completion: float
    parts: list[PartResult]
    weights: dict[str, float]
    rubric: Rubric
    factors: list[Factor]
    findings: list[Finding]
    run: dict[str, Any]
    measures: dict[str, Any]
    warnings: list[dict[str, Any]] = field(default_factory=list)
    fail_reasons: list[dict[str, str]] = field(default_factory=list)
    scorer_version: str = SCORER_VERSION

    def part(self, name: str) -> PartResult:
        return next(p for p in self.parts if p.name == name)

    def to_dict(self) -> dict[str, Any]:
        """The report as JSON-ready data (SPEC 7 contract; extra keys documented in
        docs/scoring.md and report.schema.json). Plain Python types only; no NaN: a missing
        number is null."""
        return {
            "score": round(self.score, 1),
            "passed": self.passed,
            "pass_mark": self.pass_mark,
            "fail_reasons": [dict(r) for r in self.fail_reasons],
            "parts": [
                {
                    "name": p.name,
                    "title": PART_TITLES[p.name],
                    "weight": round(self.weights[p.name], 4),
                    "rubric_weight": self.rubric.weights[p.name],
                    "value": round(p.value, 1),
                    "applicable": bool(p.applicable),
                    "deductions": [d.to_dict() for d in p.deductions],
                    **({"note": dict(p.note)} if p.note else {}),
                }
                for p in self.parts
            ],
            "base_score": round(self.base_score, 2),
            "factor_total": round(self.factor_total, 4),
            "route_completion": round(self.route_completion, 4),
            "factors": [f.to_dict() for f in self.factors],
            "findings": [f.to_dict() for f in self.findings],
            "rubric": {
                "scenario": self.rubric.scenario,
                "version": self.rubric.version,
                "digest": self.rubric.digest,
            },
            "run": _json_safe(copy.deepcopy(self.run)),
            "measures": {k: _json_safe(v) for k, v in self.measures.items()},
            "warnings": [_json_safe(dict(w)) for w in self.warnings],
            "scorer_version": self.scorer_version,
        }


def _json_safe(value: Any) -> Any:
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    return value


_TEXT = {
    "title": {"id": "ISDC - Laporan penilaian mengemudi", "en": "ISDC - Driving score report"},
    "scenario": {"id": "Skenario", "en": "Scenario"},
    "rubric": {"id": "rubrik", "en": "rubric"},
    "run": {"id": "Run", "en": "Run"},
    "score": {"id": "NILAI", "en": "SCORE"},
    "passed": {"id": "LULUS", "en": "PASSED"},
    "failed": {"id": "TIDAK LULUS", "en": "NOT PASSED"},
    "mark": {"id": "batas lulus", "en": "pass mark"},
    "part": {"id": "Bagian", "en": "Part"},
    "weight": {"id": "Bobot", "en": "Weight"},
    "value": {"id": "Nilai", "en": "Value"},
    "deductions": {"id": "Potongan", "en": "Deductions"},
    "none": {"id": "tidak ada", "en": "none"},
    "na": {"id": "tidak berlaku", "en": "not applicable"},
    "base": {"id": "Nilai dasar", "en": "Base score"},
    "factors": {"id": "faktor pelanggaran", "en": "infraction factor"},
    "completion": {"id": "penyelesaian rute", "en": "route completion"},
    "why": {"id": "Tidak lulus karena", "en": "Not passed because"},
    "findings": {"id": "Temuan", "en": "Findings"},
    "no_findings": {
        "id": "Tidak ada temuan. Pertahankan cara mengemudi ini.",
        "en": "No findings. Keep driving like this.",
    },
    "warnings": {"id": "Catatan kualitas data", "en": "Data-quality notes"},
    "s": {"id": "dtk", "en": "s"},
    "scorer": {"id": "penilai", "en": "scorer"},
}


def format_text(report: ScoreReport, lang: str = "id") -> str:
    """A report a trainee and instructor can read on a terminal, in Indonesian or English."""
    if lang not in ("id", "en"):
        raise ValueError(f"language must be 'id' or 'en', not {lang!r}")

    def tr(key: str) -> str:
        return _TEXT[key][lang]

    run = report.run
    scenario = run.get("scenario", {}) if isinstance(run.get("scenario"), dict) else {}
    title = report.rubric.title.get(lang) or scenario.get("title") or ""
    lines = [
        tr("title"),
        f"{tr('scenario')}: {report.rubric.scenario} v{scenario.get('version', '?')}"
        + (f" - {title}" if title else "")
        + f" ({tr('rubric')} {report.rubric.version}, {report.rubric.digest[:8]};"
        f" {tr('scorer')} {report.scorer_version})",
        f"{tr('run')}: {run.get('run_id', '?')} | "
        f"{title_of(VEHICLE_TITLES, run.get('vehicle', '?'), lang)} | "
        f"{run.get('driver', '?')} | {num(_float(run.get('duration_s')), 1, lang)} {tr('s')} | "
        f"{title_of(OUTCOME_TITLES, run.get('outcome', '?'), lang)}",
        "",
        f"{tr('score')}: {num(report.score, 1, lang)} / 100 - "
        f"{tr('passed') if report.passed else tr('failed')} "
        f"({tr('mark')} {num(report.pass_mark, 0, lang)})",
        "",
    ]
    rows = [(tr("part"), tr("weight"), tr("value"), tr("deductions"))]
    for p in report.parts:
        if not p.applicable:
            rows.append((PART_TITLES[p.name][lang], "-", "-", tr("na")))
            continue
        cuts = "; ".join(
            f"{MEASURE_TITLES[d.measure][lang]} {num(d.amount, 1, lang)} "
            f"{UNIT_TITLES[d.unit][lang]} (-{num(d.points, 1, lang)})"
            for d in p.deductions
        )
        rows.append(
            (
                PART_TITLES[p.name][lang],
                f"{num(report.weights[p.name] * 100, 0, lang)} %",
                num(p.value, 1, lang),
                cuts or tr("none"),
            )
        )
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    for r in rows:
        lines.append(f"  {r[0]:<{widths[0]}}  {r[1]:>{widths[1]}}  {r[2]:>{widths[2]}}  {r[3]}")
    factor_text = ", ".join(
        f"{MEASURE_TITLES[f.kind][lang]} x{num(f.each, 2, lang)}"
        + (f"^{f.count}" if f.count > 1 else "")
        for f in report.factors
    )
    lines += [
        "",
        f"  {tr('base')} {num(report.base_score, 1, lang)}"
        f" x {tr('factors')} {num(report.factor_total, 2, lang)}"
        + (f" ({factor_text})" if factor_text else "")
        + f" x {tr('completion')} {num(report.route_completion * 100, 0, lang)} %"
        f" = {num(report.score, 1, lang)}",
    ]
    if report.fail_reasons:
        lines += ["", f"{tr('why')}:"]
        lines += [f"  - {r[lang]}" for r in report.fail_reasons]
    lines += ["", f"{tr('findings')} ({len(report.findings)}):"]
    if not report.findings:
        lines.append(f"  {tr('no_findings')}")
    for f in report.findings:
        d = f.to_dict()
        pos = d["position"]
        where = (
            f"{num(_float(pos['route_s']), 0, lang)} m"
            if pos["route_s"] is not None
            else f"x {num(_float(pos['x']), 0, lang)}, y {num(_float(pos['y']), 0, lang)}"
        )
        lines.append(
            f"  {num(f.t, 1, lang):>7} {tr('s')}  {where:>7}  "
            f"[{SEVERITY_TITLES[f.severity][lang]}] {d['title'][lang]} ({d['rule']}"
            + (f"; {d['practice'][lang]}" if "practice" in d else "")
            + ")"
        )
        lines.append(f"      {d['advice'][lang]}")
    if report.warnings:
        lines += ["", f"{tr('warnings')}:"]
        lines += [f"  - {w[lang]}" for w in report.warnings]
    return "\n".join(lines) + "\n"


def _float(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return float("nan")
