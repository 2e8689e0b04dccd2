"""The overview's headline figures: one query per source, the same scope as the sections."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from isdc.analytics.filters import run_conditions, scoped_session_ids, trainee_conditions
from isdc.analytics.scope import Scope
from isdc.analytics.throughput import ratio
from isdc.models import Certificate, Run


@dataclass(frozen=True)
class RunFigures:
    runs: int
    trainees: int
    passed: int
    mean_score: float | None

    @property
    def pass_share(self) -> float | None:
        return ratio(self.passed, self.runs)


def run_figures(db: Session, scope: Scope) -> RunFigures:
    """Scored runs in scope: how many, by how many trainees, passed, mean score."""
    runs, trainees, passed, mean = db.execute(
        select(
            func.count(Run.id),
            func.count(func.distinct(Run.trainee_id)),
            func.coalesce(func.sum(case((Run.passed.is_(True), 1), else_=0)), 0),
            func.avg(Run.score),
        ).where(*run_conditions(scope), Run.score.is_not(None))
    ).one()
    return RunFigures(int(runs), int(trainees), int(passed), None if mean is None else float(mean))


def certificates_issued(db: Session, scope: Scope) -> int:
    lo, hi = scope.bounds_utc()
    conditions = [
        Certificate.site_id == scope.site_id,
        Certificate.issued_at >= lo,
        Certificate.issued_at < hi,
        *trainee_conditions(scope, Certificate.trainee_id),
    ]
    if scope.narrows_sessions:
        conditions.append(Certificate.session_id.in_(scoped_session_ids(scope)))
    return int(db.scalar(select(func.count(Certificate.id)).where(*conditions)) or 0)
