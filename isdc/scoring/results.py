"""Plain result records the measures return: findings, deductions, part results, rule factors."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from isdc.scoring.legal import LEGAL_BASIS

SEVERITIES: tuple[str, ...] = ("minor", "major", "critical")


def finite_or_none(value: float | None, digits: int = 3) -> float | None:
    """A JSON-safe number: NaN and infinities become None, the rest is rounded."""
    if value is None:
        return None
    value = float(value)
    if not math.isfinite(value):
        return None
    return round(value, digits)


@dataclass
class Position:
    x: float | None
    y: float | None
    route_s: float | None

    def to_dict(self) -> dict[str, float | None]:
        return {
            "x": finite_or_none(self.x, 1),
            "y": finite_or_none(self.y, 1),
            "route_s": finite_or_none(self.route_s, 1),
        }


@dataclass
class Finding:
    """One thing a trainee did that the report explains: when, where, how bad, which rule, advice."""

    t: float
    kind: str
    severity: str
    position: Position
    advice_id: str
    advice_en: str
    detail: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        basis = LEGAL_BASIS[self.kind]
        out = {
            "t": finite_or_none(self.t, 2),
            "position": self.position.to_dict(),
            "kind": self.kind,
            "severity": self.severity,
            "rule": basis.citation,
            "title": {"id": basis.title_id, "en": basis.title_en},
            "advice": {"id": self.advice_id, "en": self.advice_en},
            "detail": {
                k: (finite_or_none(v) if isinstance(v, float) else v)
                for k, v in self.detail.items()
            },
        }
        if basis.practice_id:
            out["practice"] = {"id": basis.practice_id, "en": basis.practice_en}
        return out


@dataclass
class Deduction:
    """Points a part lost for one measure, with the amount that caused them."""

    measure: str
    amount: float
    unit: str
    points: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "measure": self.measure,
            "amount": finite_or_none(self.amount),
            "unit": self.unit,
            "points": finite_or_none(self.points, 2),
        }


@dataclass
class PartResult:
    """One continuous part of the score: 100 minus its deductions, clipped to 0..100."""

    name: str
    applicable: bool
    deductions: list[Deduction] = field(default_factory=list)
    measures: dict[str, float | int | None] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    note: dict[str, str] | None = None

    @property
    def value(self) -> float:
        lost = sum(d.points for d in self.deductions if math.isfinite(d.points))
        return min(100.0, max(0.0, 100.0 - lost))

    def deduct(self, measure: str, amount: float, unit: str, points: float) -> None:
        """Record a deduction when it costs something (NaN amounts cost nothing)."""
        if math.isfinite(points) and points > 0:
            self.deductions.append(Deduction(measure, float(amount), unit, float(points)))


@dataclass
class Factor:
    """A rule infraction kind and how much it multiplies the score by (factor ** count)."""

    kind: str
    count: int
    each: float

    @property
    def value(self) -> float:
        return self.each**self.count

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "count": self.count,
            "each": round(self.each, 4),
            "factor": round(self.value, 4),
        }
