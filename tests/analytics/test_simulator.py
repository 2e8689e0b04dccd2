"""Simulator figures against answers computed here from the seeded rows, another way:
plain counting over the SeededRun records instead of SQL grouping."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

from isdc.analytics import simulator
from isdc.analytics.scope import Scope
from tests.analytics.sim_seed import END, START, SeededRun, sim_world  # noqa: F401


def test_score_distribution_matches_counting(db_session, sim_world) -> None:  # noqa: F811
    scope, runs = sim_world
    found = {s.scenario_id: s for s in simulator.score_distribution(db_session, scope)}
    assert set(found) == {r.scenario for r in runs}
    for scenario, figures in found.items():
        mine = [r for r in runs if r.scenario == scenario]
        assert figures.runs == len(mine)
        assert figures.passed == sum(r.passed for r in mine)
        assert figures.mean_score == pytest.approx(sum(r.score for r in mine) / len(mine))
        for score_bin in figures.bins:
            top = score_bin.high if score_bin.high < 100 else 100.0001
            expected = sum(1 for r in mine if score_bin.low <= r.score < top)
            assert score_bin.runs == expected, (scenario, score_bin)
    # 100 goes to the top bin and the rescored run counts once, with its new score 72.5.
    braking = found["braking_zone"]
    assert braking.bins[9].runs == 1 and braking.bins[7].runs == 2 and braking.bins[3].runs == 0


def test_findings_per_scenario_vehicle_and_share(db_session, sim_world) -> None:  # noqa: F811
    scope, runs = sim_world
    tables = simulator.finding_tables(db_session, scope)
    assert tables.runs == len(runs)
    for group_of, table in ((lambda r: r.scenario, tables.by_scenario),
                            (lambda r: r.vehicle, tables.by_vehicle)):  # fmt: skip
        for group in {group_of(r) for r in runs}:
            mine = [r for r in runs if group_of(r) == group]
            counts = Counter(f.kind for r in mine for f in r.findings)
            with_it = Counter(kind for r in mine for kind in {f.kind for f in r.findings})
            got = table.get(group, [])
            assert {f.kind: f.findings for f in got} == dict(counts)
            assert {f.kind: f.runs_with for f in got} == dict(with_it)
            assert all(f.runs == len(mine) for f in got)
            assert [f.findings for f in got] == sorted((f.findings for f in got), reverse=True)
    shares = {f.kind: f.run_share for f in tables.overall}
    for kind in ("speeding", "red_light", "harsh_braking"):
        having = sum(1 for r in runs if any(f.kind == kind for f in r.findings))
        assert shares[kind] == pytest.approx(having / len(runs))
    # The rescored run's old four red lights are gone: red light is in one run (Ana's first).
    assert shares["red_light"] == pytest.approx(1 / 8)


def test_first_and_latest_attempts(db_session, sim_world) -> None:  # noqa: F811
    scope, runs = sim_world
    by_pair: dict[tuple[int, str], list[SeededRun]] = {}
    for r in sorted(runs, key=lambda r: r.started_at):
        by_pair.setdefault((r.trainee.id, r.scenario), []).append(r)
    expected = {key: (len(v), v[0].score, v[-1].score) for key, v in by_pair.items() if len(v) >= 2}
    got = simulator.attempts(db_session, scope)
    assert {(a.trainee_id, a.scenario_id): (a.attempts, a.first_score, a.latest_score)
            for a in got} == expected  # fmt: skip
    assert [a.trainee_name for a in got] == ["Ana", "Citra", "Budi"]  # +43, 0, -15
    summary = {s.scenario_id: s for s in simulator.improvement_summary(db_session, scope)}
    for scenario in {k[1] for k in expected}:
        changes = [last - first for (t, s), (_, first, last) in expected.items() if s == scenario]
        firsts = [first for (t, s), (_, first, _l) in expected.items() if s == scenario]
        row = summary[scenario]
        assert row.trainees == len(changes)
        assert row.improved == sum(c > 0 for c in changes)
        assert row.same == sum(c == 0 for c in changes)
        assert row.worse == sum(c < 0 for c in changes)
        assert row.mean_change == pytest.approx(sum(changes) / len(changes))
        assert row.mean_first == pytest.approx(sum(firsts) / len(firsts))
    assert (summary["school_zone"].improved, summary["school_zone"].worse) == (1, 1)
    assert summary["braking_zone"].same == 1
    only = simulator.attempts(db_session, scope, scenario_id="braking_zone")
    assert [a.trainee_name for a in only] == ["Citra"]


def test_course_and_organisation_filters(db_session, sim_world, make) -> None:  # noqa: F811
    scope, runs = sim_world
    org_id = runs[0].trainee.organisation_id
    scoped = Scope(START, END, scope.site_id, organisation_id=org_id)
    mine = [r for r in runs if r.trainee.organisation_id == org_id]
    total = sum(s.runs for s in simulator.score_distribution(db_session, scoped))
    assert total == len(mine) == 6
    # No run has a session: a course filter leaves nothing (runs without a session count
    # only when no course is chosen).
    course = make.course()
    assert (
        simulator.score_distribution(db_session, Scope(START, END, scope.site_id, course.id)) == []
    )


def test_empty_scope_gives_no_data(db_session, sim_world) -> None:  # noqa: F811
    scope, _ = sim_world
    empty = Scope(date(2020, 1, 1), date(2020, 1, 31), scope.site_id)
    assert simulator.score_distribution(db_session, empty) == []
    tables = simulator.finding_tables(db_session, empty)
    assert (tables.runs, tables.overall, tables.by_scenario) == (0, [], {})
    assert simulator.improvement_summary(db_session, empty) == []
    assert simulator.attempts(db_session, empty) == []
