"""Simulator figures against answers computed here from the seeded rows, another way:
plain counting over the SeededRun records instead of SQL grouping."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta

import pytest

from isdc.analytics import simulator
from isdc.analytics.scope import Scope
from isdc.models import Organisation, OrganisationKind
from isdc.models.base import DEFAULT_TIMEZONE
from tests.analytics.sim_seed import Found, SeededRun, rescore, seed_run
from tests.factories import make_site

START, END = date(2026, 10, 1), date(2026, 10, 31)


def at(day: int, hour: int = 9, month: int = 10) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=DEFAULT_TIMEZONE)


@pytest.fixture
def world(db_session, site, make):  # type: ignore[no-untyped-def]
    """Runs of two scenarios and two vehicles, a rescored run, runs outside the period and
    at another site; returns (scope, the runs that must count)."""
    org = Organisation(site=site, name="PT Maju", kind=OrganisationKind.COMPANY)
    db_session.add(org)
    ana = make.trainee(full_name="Ana", organisation=org)
    budi = make.trainee(full_name="Budi", organisation=org)
    citra = make.trainee(full_name="Citra")
    sid = site.id
    counted: list[SeededRun] = []
    add = counted.append
    sp, rl, hb = "speeding", "red_light", "harsh_braking"
    # Ana: three school-zone attempts (45 -> 60 -> 88), improved by 43.
    add(seed_run(db_session, sid, ana, "school_zone", at(2), 45.0,
                 [Found(sp, "minor", 12, 3), Found(sp, "minor", 13, 4), Found(rl, "critical", 101, 2)]))  # fmt: skip
    add(seed_run(db_session, sid, ana, "school_zone", at(9), 60.0, [Found(sp, "minor", 14, 1)]))
    add(seed_run(db_session, sid, ana, "school_zone", at(20), 88.0))
    # Budi: two school-zone attempts (70 -> 55, worse), one braking-zone on a motorcycle.
    add(seed_run(db_session, sid, budi, "school_zone", at(3), 70.0, [Found(hb, "major", -7, -2)]))
    add(seed_run(db_session, sid, budi, "school_zone", at(31, 23), 55.0,
                 [Found(sp, "minor", 12, 2), Found(hb, "major", None, None)]))  # fmt: skip
    add(seed_run(db_session, sid, budi, "braking_zone", at(5), 100.0, vehicle="motorcycle"))
    # Citra (no organisation): braking zone twice with the same score, first rescored.
    first = seed_run(db_session, sid, citra, "braking_zone", at(6), 30.0,
                     [Found(rl, "critical", 5, 5)] * 4, vehicle="motorcycle")  # fmt: skip
    add(rescore(db_session, first, 72.5, [Found(hb, "major", 5, 5)]))
    add(seed_run(db_session, sid, citra, "braking_zone", at(7), 72.5, [Found(hb, "major", 6, 5)]))
    # Outside the period (just after midnight local time on 1 November) and another site.
    seed_run(db_session, sid, citra, "braking_zone", at(1, 0, month=11) + timedelta(minutes=10),
             10.0, [Found(rl, "critical")] * 3)  # fmt: skip
    seed_run(db_session, sid, ana, "school_zone", at(30, 9, month=9), 99.0, [Found(rl)])
    other = make_site(db_session, name="ISDC Medan", code="MDN")
    seed_run(db_session, other.id, None, "school_zone", at(10), 0.0, [Found(rl)] * 5)
    db_session.commit()
    return Scope(START, END, sid), counted


def test_score_distribution_matches_counting(db_session, world) -> None:  # type: ignore[no-untyped-def]
    scope, runs = world
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


def test_findings_per_scenario_vehicle_and_share(db_session, world) -> None:  # type: ignore[no-untyped-def]
    scope, runs = world
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


def test_first_and_latest_attempts(db_session, world) -> None:  # type: ignore[no-untyped-def]
    scope, runs = world
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


def test_course_and_organisation_filters(db_session, world, make) -> None:  # type: ignore[no-untyped-def]
    scope, runs = world
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


def test_empty_scope_gives_no_data(db_session, world) -> None:  # type: ignore[no-untyped-def]
    scope, _ = world
    empty = Scope(date(2020, 1, 1), date(2020, 1, 31), scope.site_id)
    assert simulator.score_distribution(db_session, empty) == []
    tables = simulator.finding_tables(db_session, empty)
    assert (tables.runs, tables.overall, tables.by_scenario) == (0, [], {})
    assert simulator.improvement_summary(db_session, empty) == []
    assert simulator.attempts(db_session, empty) == []
