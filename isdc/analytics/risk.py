"""Risk profile by organisation: how often its trainees' runs produce each kind of finding,
against what the centre's runs would lead one to expect.

For an organisation and a kind of finding, the *expected* count is what the centre's rate
would give for the same runs, scenario by scenario (indirect standardisation: an organisation
that only sends truck drivers to the hardest scenario is compared with that scenario's rate,
not with the easy ones): expected = sum over scenarios of (its runs of the scenario x the
centre's findings of that kind per run of the scenario). The rate ratio is observed / expected.

A ratio from few runs is noise, so an organisation is profiled only from MIN_RUNS scored runs
on, and a kind is called over-represented only when it was found at least MIN_FINDINGS times
and the lower end of the ratio's approximate 95 % interval (Poisson, on the log scale) is
above 1: one bad run does not make a "risk".
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from isdc.analytics.scope import Scope
from isdc.analytics.scored_runs import CURRENT_FINDING, SCORED, in_scope, share
from isdc.models import Organisation, Run, RunFinding, Trainee

MIN_RUNS = 20
MIN_FINDINGS = 5
Z95 = 1.96


@dataclass(frozen=True)
class KindRisk:
    kind: str
    findings: int  # observed in the organisation's runs
    expected: float  # at the centre's per-scenario rates for the same runs
    centre_per_run: float  # the centre's findings of this kind per run (all scenarios)
    runs: int  # the organisation's runs

    @property
    def per_run(self) -> float | None:
        return share(self.findings, self.runs)

    @property
    def ratio(self) -> float | None:
        return self.findings / self.expected if self.expected > 0 else None

    @property
    def ratio_low(self) -> float | None:
        """Lower end of the ratio's approximate 95 % interval (None without findings)."""
        if self.ratio is None or self.findings == 0:
            return None
        return self.ratio * math.exp(-Z95 / math.sqrt(self.findings))

    @property
    def over_represented(self) -> bool:
        low = self.ratio_low
        return (
            self.runs >= MIN_RUNS
            and self.findings >= MIN_FINDINGS
            and low is not None
            and low > 1.0
        )


@dataclass(frozen=True)
class OrganisationRisk:
    organisation_id: int
    name: str
    trainees: int
    runs: int
    findings: int
    expected: float
    kinds: tuple[KindRisk, ...]  # every kind the centre found, most over-represented first

    @property
    def per_run(self) -> float | None:
        return share(self.findings, self.runs)

    @property
    def ratio(self) -> float | None:
        return self.findings / self.expected if self.expected > 0 else None

    @property
    def enough_runs(self) -> bool:
        return self.runs >= MIN_RUNS

    @property
    def over_represented(self) -> list[KindRisk]:
        return [k for k in self.kinds if k.over_represented]


@dataclass(frozen=True)
class RiskProfile:
    organisations: list[OrganisationRisk]  # most findings per expected first
    centre_runs: int
    centre_findings: int
    centre_by_kind: dict[str, int]

    @property
    def centre_per_run(self) -> float | None:
        return share(self.centre_findings, self.centre_runs)


def risk_profile(db: Session, scope: Scope) -> RiskProfile:
    """Every organisation with scored runs in the scope (or just the scope's organisation),
    against the centre: the same scope without the organisation filter."""
    centre = in_scope(scope, organisation=False)
    org = Trainee.organisation_id
    runs_rows = db.execute(
        select(org, Run.scenario_id, func.count())
        .select_from(Run)
        .outerjoin(Trainee, Trainee.id == Run.trainee_id)
        .where(SCORED, *centre)
        .group_by(org, Run.scenario_id)
    ).all()
    found_rows = db.execute(
        select(org, Run.scenario_id, RunFinding.kind, func.count())
        .select_from(RunFinding)
        .join(Run, Run.id == RunFinding.run_id)
        .outerjoin(Trainee, Trainee.id == Run.trainee_id)
        .where(CURRENT_FINDING, *centre)
        .group_by(org, Run.scenario_id, RunFinding.kind)
    ).all()
    # The centre: every run of the scope, with or without an organisation.
    runs_by_scenario: dict[str, int] = defaultdict(int)
    org_runs: dict[int, dict[str, int]] = defaultdict(dict)
    for org_id, scenario_id, n in runs_rows:
        runs_by_scenario[scenario_id] += n
        if org_id is not None:
            org_runs[org_id][scenario_id] = n
    found_by_scenario: dict[tuple[str, str], int] = defaultdict(int)
    org_found: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for org_id, scenario_id, kind, n in found_rows:
        found_by_scenario[(scenario_id, kind)] += n
        if org_id is not None:
            org_found[org_id][kind] += n
    centre_runs = sum(runs_by_scenario.values())
    centre_by_kind: dict[str, int] = defaultdict(int)
    for (_scenario_id, kind), n in found_by_scenario.items():
        centre_by_kind[kind] += n
    chosen = [scope.organisation_id] if scope.organisation_id is not None else list(org_runs)
    chosen = [o for o in chosen if o in org_runs]
    names: dict[int, str] = {}
    if chosen:
        query = select(Organisation.id, Organisation.name).where(Organisation.id.in_(chosen))
        names = {org_id: name for org_id, name in db.execute(query).all()}
    trainees = _trainees_with_runs(db, scope, chosen)
    profiles = []
    for org_id in chosen:
        by_scenario = org_runs[org_id]
        runs = sum(by_scenario.values())
        kinds = []
        for kind, centre_n in centre_by_kind.items():
            expected = sum(
                n * found_by_scenario.get((sid, kind), 0) / runs_by_scenario[sid]
                for sid, n in by_scenario.items()
            )
            kinds.append(
                KindRisk(
                    kind, org_found[org_id].get(kind, 0), expected, centre_n / centre_runs, runs
                )  # fmt: skip
            )
        kinds.sort(key=lambda k: (-(k.ratio_low or 0.0), -(k.ratio or 0.0), -k.findings, k.kind))
        profiles.append(
            OrganisationRisk(
                organisation_id=org_id,
                name=names.get(org_id, str(org_id)),
                trainees=trainees.get(org_id, 0),
                runs=runs,
                findings=sum(org_found[org_id].values()),
                expected=sum(k.expected for k in kinds),
                kinds=tuple(kinds),
            )
        )
    profiles.sort(key=lambda p: (not p.enough_runs, -(p.ratio or 0.0), p.name))
    return RiskProfile(profiles, centre_runs, sum(centre_by_kind.values()), dict(centre_by_kind))


def _trainees_with_runs(db: Session, scope: Scope, organisation_ids: list[int]) -> dict[int, int]:
    """Distinct trainees with scored runs in the scope, per organisation."""
    if not organisation_ids:
        return {}
    rows = db.execute(
        select(Trainee.organisation_id, func.count(func.distinct(Run.trainee_id)))
        .select_from(Run)
        .join(Trainee, Trainee.id == Run.trainee_id)
        .where(
            SCORED,
            Trainee.organisation_id.in_(organisation_ids),
            *in_scope(scope, organisation=False),
        )
        .group_by(Trainee.organisation_id)
    ).all()
    return {org_id: n for org_id, n in rows}
