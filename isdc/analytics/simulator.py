"""Simulator figures of a scope: score distribution per scenario, the most frequent findings
per scenario and per vehicle, the share of runs with each finding, and first versus latest
attempt per trainee and scenario.

Every figure is aggregated by the database (GROUP BY, window functions); Python only reshapes
the handful of aggregate rows (scenarios x vehicles x bins or kinds) into records for pages,
CSV files and the monthly report.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import Integer, case, cast, func, select
from sqlalchemy.orm import Session

from isdc.analytics.scope import Scope
from isdc.analytics.scored_runs import CURRENT_FINDING, SCORED, in_scope, share
from isdc.analytics.sqlmath import floor_of
from isdc.models import Run, RunFinding, Trainee

BIN_WIDTH = 10  # score points per histogram bar: 0-9.99, 10-19.99, ..., 90-100
BINS = 100 // BIN_WIDTH


@dataclass(frozen=True)
class ScoreBin:
    low: int  # inclusive
    high: int  # exclusive, except the last bin, which holds 100 too
    runs: int


@dataclass(frozen=True)
class ScenarioScores:
    scenario_id: str
    runs: int
    passed: int
    mean_score: float
    bins: tuple[ScoreBin, ...]

    @property
    def pass_rate(self) -> float | None:
        return share(self.passed, self.runs)


def score_bin(score: object) -> object:
    """The histogram bin (0..BINS-1) of a score column; a perfect 100 joins the top bin."""
    return case((score >= 100, BINS - 1), else_=floor_of(score / BIN_WIDTH))


def score_distribution(db: Session, scope: Scope) -> list[ScenarioScores]:
    """Per scenario (most runs first): runs, passes, mean score and the 10-point histogram."""
    binned = score_bin(Run.score).label("bin")
    result = db.execute(
        select(
            Run.scenario_id,
            binned,
            func.count().label("runs"),
            func.sum(cast(Run.passed, Integer)).label("passed"),
            func.sum(Run.score).label("total"),
        )
        .where(SCORED, *in_scope(scope))
        .group_by(Run.scenario_id, binned)
    ).all()
    counts: dict[str, list[int]] = defaultdict(lambda: [0] * BINS)
    passed: dict[str, int] = defaultdict(int)
    totals: dict[str, float] = defaultdict(float)
    for scenario_id, bin_index, runs, passes, total in result:
        counts[scenario_id][int(bin_index)] += runs
        passed[scenario_id] += int(passes or 0)
        totals[scenario_id] += float(total or 0.0)
    out = []
    for scenario_id, bins in counts.items():
        runs = sum(bins)
        out.append(
            ScenarioScores(
                scenario_id=scenario_id,
                runs=runs,
                passed=passed[scenario_id],
                mean_score=totals[scenario_id] / runs,
                bins=tuple(
                    ScoreBin(i * BIN_WIDTH, (i + 1) * BIN_WIDTH, n) for i, n in enumerate(bins)
                ),
            )
        )
    return sorted(out, key=lambda s: (-s.runs, s.scenario_id))


@dataclass(frozen=True)
class FindingCount:
    """One kind of finding within a group of runs (a scenario, a vehicle, or all of them)."""

    group: str  # scenario id, vehicle, or "" for every run in the scope
    kind: str
    findings: int  # how many times it was found
    runs_with: int  # in how many runs it was found at least once
    runs: int  # runs in the group

    @property
    def run_share(self) -> float | None:
        return share(self.runs_with, self.runs)

    @property
    def per_run(self) -> float | None:
        return share(self.findings, self.runs)


@dataclass(frozen=True)
class FindingTables:
    by_scenario: dict[str, list[FindingCount]]  # each list most frequent first
    by_vehicle: dict[str, list[FindingCount]]
    overall: list[FindingCount]  # sorted by the share of runs with it
    runs_by_scenario: dict[str, int]
    runs_by_vehicle: dict[str, int]
    runs: int


def finding_tables(db: Session, scope: Scope) -> FindingTables:
    """Findings counted per (scenario, vehicle, kind) in one query, plus the runs behind them.

    A run has one scenario and one vehicle, so the groups partition the runs: counts of
    distinct runs add up across vehicles to a scenario's, and across everything to the total.
    """
    runs_rows = db.execute(
        select(Run.scenario_id, Run.vehicle, func.count())
        .where(SCORED, *in_scope(scope))
        .group_by(Run.scenario_id, Run.vehicle)
    ).all()
    found_rows = db.execute(
        select(
            Run.scenario_id,
            Run.vehicle,
            RunFinding.kind,
            func.count(),
            func.count(func.distinct(RunFinding.run_id)),
        )
        .select_from(RunFinding)
        .join(Run, Run.id == RunFinding.run_id)
        .where(CURRENT_FINDING, *in_scope(scope))
        .group_by(Run.scenario_id, Run.vehicle, RunFinding.kind)
    ).all()
    runs_by_scenario: dict[str, int] = defaultdict(int)
    runs_by_vehicle: dict[str, int] = defaultdict(int)
    for scenario_id, vehicle, n in runs_rows:
        runs_by_scenario[scenario_id] += n
        runs_by_vehicle[vehicle] += n
    total_runs = sum(runs_by_scenario.values())

    def grouped(key_of: int, runs_of: dict[str, int]) -> dict[str, list[FindingCount]]:
        sums: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
        for row in found_rows:
            acc = sums[(row[key_of], row.kind)]
            acc[0] += row[3]
            acc[1] += row[4]
        out: dict[str, list[FindingCount]] = defaultdict(list)
        for (group, kind), (n, with_it) in sums.items():
            out[group].append(FindingCount(group, kind, n, with_it, runs_of[group]))
        return {g: _most_frequent(items) for g, items in out.items()}

    overall_sums: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for row in found_rows:
        overall_sums[row.kind][0] += row[3]
        overall_sums[row.kind][1] += row[4]
    overall = sorted(
        (FindingCount("", k, n, w, total_runs) for k, (n, w) in overall_sums.items()),
        key=lambda f: (-f.runs_with, -f.findings, f.kind),
    )
    return FindingTables(
        by_scenario=grouped(0, runs_by_scenario),
        by_vehicle=grouped(1, runs_by_vehicle),
        overall=overall,
        runs_by_scenario=dict(runs_by_scenario),
        runs_by_vehicle=dict(runs_by_vehicle),
        runs=total_runs,
    )


def _most_frequent(items: list[FindingCount]) -> list[FindingCount]:
    return sorted(items, key=lambda f: (-f.findings, -f.runs_with, f.kind))


@dataclass(frozen=True)
class Attempts:
    """A trainee's first and latest scored run of a scenario in the period (two or more runs)."""

    trainee_id: int
    trainee_name: str
    scenario_id: str
    attempts: int
    first_score: float
    latest_score: float
    first_run_id: object
    latest_run_id: object

    @property
    def change(self) -> float:
        return self.latest_score - self.first_score


@dataclass(frozen=True)
class ImprovementSummary:
    scenario_id: str
    trainees: int  # with at least two scored runs of the scenario in the period
    improved: int
    same: int
    worse: int
    mean_first: float
    mean_latest: float

    @property
    def mean_change(self) -> float:
        return self.mean_latest - self.mean_first


def _first_and_latest(scope: Scope, scenario_id: str | None = None, *, run_ids: bool = True):  # type: ignore[no-untyped-def]
    """One row per trainee and scenario with two or more scored runs in the scope: the
    first and the latest run's score (and id), from one window over the runs in start order
    (ties broken by run id, so the choice is deterministic).

    The window only sees the runs of (trainee, scenario) pairs with a second attempt, found
    first by a GROUP BY: most pairs have one run, and sorting runs for a window is what costs
    (about 40 % of the time at 100,000 runs). A chosen scenario narrows both steps.
    """
    where = [SCORED, Run.trainee_id.is_not(None), *in_scope(scope)]
    if scenario_id is not None:
        where.append(Run.scenario_id == scenario_id)
    repeated = (
        select(Run.trainee_id, Run.scenario_id)
        .where(*where)
        .group_by(Run.trainee_id, Run.scenario_id)
        .having(func.count() >= 2)
        .subquery("repeated")
    )
    whole = {
        "partition_by": (Run.trainee_id, Run.scenario_id),
        "order_by": (Run.started_at, Run.id),
        "rows": (None, None),  # the whole partition: last_value sees the latest run
    }
    columns = [
        Run.trainee_id.label("trainee_id"),
        Run.scenario_id.label("scenario_id"),
        func.row_number().over(**whole).label("position"),
        func.count().over(**whole).label("attempts"),
        func.first_value(Run.score).over(**whole).label("first_score"),
        func.last_value(Run.score).over(**whole).label("latest_score"),
    ]
    if run_ids:
        columns += [
            func.first_value(Run.id).over(**whole).label("first_run_id"),
            func.last_value(Run.id).over(**whole).label("latest_run_id"),
        ]
    ordered = (
        select(*columns)
        .join(
            repeated,
            (repeated.c.trainee_id == Run.trainee_id) & (repeated.c.scenario_id == Run.scenario_id),
        )
        .where(*where)
        .subquery("ordered")
    )
    kept = [c for c in ordered.c if c.name != "position"]
    return select(*kept).where(ordered.c.position == 1).subquery("pairs")


def improvement_summary(db: Session, scope: Scope) -> list[ImprovementSummary]:
    """Per scenario: trainees with two or more attempts and how many improved, stayed the
    same or got worse from their first to their latest attempt, with the mean scores."""
    pairs = _first_and_latest(scope, run_ids=False)
    change = pairs.c.latest_score - pairs.c.first_score
    result = db.execute(
        select(
            pairs.c.scenario_id,
            func.count(),
            func.sum(case((change > 0, 1), else_=0)),
            func.sum(case((change == 0, 1), else_=0)),
            func.sum(case((change < 0, 1), else_=0)),
            func.avg(pairs.c.first_score),
            func.avg(pairs.c.latest_score),
        )
        .group_by(pairs.c.scenario_id)
        .order_by(func.count().desc(), pairs.c.scenario_id)
    ).all()
    return [
        ImprovementSummary(sid, n, int(up), int(same), int(down), float(a), float(b))
        for sid, n, up, same, down, a, b in result
    ]


def attempts(
    db: Session, scope: Scope, scenario_id: str | None = None, limit: int | None = None
) -> list[Attempts]:
    """Trainees' first and latest attempts, the biggest improvement first (then by name);
    ``limit`` for pages, none for the CSV file."""
    pairs = _first_and_latest(scope, scenario_id)
    change = pairs.c.latest_score - pairs.c.first_score
    query = (
        select(
            pairs.c.trainee_id,
            Trainee.full_name,
            pairs.c.scenario_id,
            pairs.c.attempts,
            pairs.c.first_score,
            pairs.c.latest_score,
            pairs.c.first_run_id,
            pairs.c.latest_run_id,
        )
        .join(Trainee, Trainee.id == pairs.c.trainee_id)
        .order_by(change.desc(), Trainee.full_name, pairs.c.scenario_id, Trainee.id)
    )
    if limit is not None:
        query = query.limit(limit)
    return [Attempts(*row) for row in db.execute(query).all()]
