"""The runs every simulator and risk figure counts: scored runs of a scope, by their current
score report (a rescored run counts once, with its newest report; older reports never count).

Which runs belong to a scope is :func:`isdc.analytics.filters.run_conditions` (site, period
by ``Run.started_at``, course/instructor through the assignment's session, organisation
through the trainee), shared with every other section.
"""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import select
from sqlalchemy.sql.expression import ColumnElement

from isdc.analytics.filters import run_conditions
from isdc.analytics.scope import Scope
from isdc.models import Run, RunFinding, ScoreReport

# A run is scored when it has a current report; ``Run.score``/``Run.passed`` repeat that
# report (record_report keeps them in step), so run-level figures need no join.
SCORED = Run.score.is_not(None)
# A finding counts when its report is current. Spelled as "not of a superseded report": the
# superseded reports are the few rescored runs' old ones, a small set the database looks up
# cheaply, where joining every finding to its report costs a lookup per finding.
CURRENT_FINDING = RunFinding.report_id.not_in(
    select(ScoreReport.id).where(ScoreReport.is_current.is_(False))
)


def in_scope(scope: Scope, *, organisation: bool = True) -> list[ColumnElement[bool]]:
    """WHERE conditions on ``Run`` for the scope (the analytics-wide run filter);
    ``organisation=False`` leaves the organisation filter out, for the centre's average the
    risk profile compares an organisation with."""
    if not organisation:
        scope = replace(scope, organisation_id=None)
    return run_conditions(scope)


def share(part: int, whole: int) -> float | None:
    """part / whole, or None when there is nothing to divide by (shown as "no data")."""
    return part / whole if whole else None
