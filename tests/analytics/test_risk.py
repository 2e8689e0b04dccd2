"""Risk profile against observed/expected counts computed here from the seeded rows."""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta

import pytest

from isdc.analytics import risk
from isdc.analytics.scope import Scope
from isdc.models import Organisation, OrganisationKind
from isdc.models.base import DEFAULT_TIMEZONE
from tests.analytics.sim_seed import Found, seed_run

START, END = date(2026, 10, 1), date(2026, 10, 31)


@pytest.fixture
def centre(db_session, site, make):  # type: ignore[no-untyped-def]
    """Three organisations and trainees without one. 'Risky' drives the hard scenario and
    runs red lights more than the centre there; 'Hard' only drives the hard scenario, with
    fewer red lights than the centre there; 'Tiny' has two runs, each with many findings."""
    orgs = {}
    for name in ("Risky", "Hard", "Tiny"):
        orgs[name] = Organisation(site=site, name=name, kind=OrganisationKind.COMPANY)
        db_session.add(orgs[name])
    people = {n: make.trainee(full_name=n, organisation=orgs[n]) for n in orgs}
    people["none"] = make.trainee(full_name="Tanpa Organisasi")
    clock = datetime(2026, 10, 2, 8, tzinfo=DEFAULT_TIMEZONE)
    seeded = []

    def runs(who: str, scenario: str, count: int, reds: int) -> None:
        nonlocal clock
        for i in range(count):
            clock += timedelta(minutes=5)
            found = [Found("red_light", "critical")] * reds if i % 2 == 0 else []
            seeded.append(seed_run(db_session, site.id, people[who], scenario, clock, 50.0, found))

    runs("none", "easy", 40, 0)
    runs("none", "hard", 40, 1)  # 20 red lights in 40 hard runs
    runs("Hard", "hard", 30, 1)  # 15 in 30: the centre's hard-scenario rate
    runs("Risky", "hard", 30, 4)  # 60 in 30
    runs("Tiny", "easy", 2, 9)  # 9 in 2 runs: too few runs to call it a risk
    db_session.commit()
    return Scope(START, END, site.id), seeded, orgs


def expected_red_lights(seeded, org_name: str) -> tuple[int, float]:  # type: ignore[no-untyped-def]
    """Observed and (per-scenario standardised) expected red lights of an organisation."""

    def reds(rs):  # type: ignore[no-untyped-def]
        return sum(f.kind == "red_light" for r in rs for f in r.findings)

    mine = [r for r in seeded if r.trainee.organisation and r.trainee.organisation.name == org_name]
    expected = 0.0
    for scenario in {r.scenario for r in mine}:
        everyone = [r for r in seeded if r.scenario == scenario]
        expected += (
            len([r for r in mine if r.scenario == scenario]) * reds(everyone) / len(everyone)
        )
    return reds(mine), expected


def test_rate_ratios_against_the_centre(db_session, centre) -> None:  # type: ignore[no-untyped-def]
    scope, seeded, orgs = centre
    profile = risk.risk_profile(db_session, scope)
    assert profile.centre_runs == len(seeded) == 142
    assert profile.centre_findings == sum(len(r.findings) for r in seeded)
    by_name = {o.name: o for o in profile.organisations}
    assert set(by_name) == {"Risky", "Hard", "Tiny"}
    for name, org in by_name.items():
        observed, expected = expected_red_lights(seeded, name)
        red = next(k for k in org.kinds if k.kind == "red_light")
        assert (red.findings, red.expected) == (observed, pytest.approx(expected))
        assert org.runs == sum(1 for r in seeded if r.trainee.organisation is orgs[name])
        assert org.trainees == 1
    risky = by_name["Risky"]
    ratio = risky.kinds[0].ratio
    assert risky.kinds[0].kind == "red_light" and ratio == pytest.approx(60 / (30 * 95 / 100))
    assert risky.kinds[0].ratio_low == pytest.approx(ratio * math.exp(-1.96 / math.sqrt(60)))
    assert [k.kind for k in risky.over_represented] == ["red_light"]
    # Compared on the hard scenario only (where the centre runs 0.95 red lights a run), not
    # with the centre's runs of the easy scenario that has none.
    hard = by_name["Hard"]
    assert hard.ratio == pytest.approx(15 / (30 * 0.95)) and hard.over_represented == []
    # Two runs, however bad, are below the minimum sample.
    tiny = by_name["Tiny"]
    assert tiny.ratio > 10 and not tiny.enough_runs and tiny.over_represented == []
    assert [o.name for o in profile.organisations][-1] == "Tiny"


def test_one_organisation_keeps_the_centre_average(db_session, centre) -> None:  # type: ignore[no-untyped-def]
    scope, seeded, orgs = centre
    one = Scope(START, END, scope.site_id, organisation_id=orgs["Risky"].id)
    profile = risk.risk_profile(db_session, one)
    assert [o.name for o in profile.organisations] == ["Risky"]
    assert profile.centre_runs == len(seeded)


def test_empty_period(db_session, centre) -> None:  # type: ignore[no-untyped-def]
    scope, _, _ = centre
    profile = risk.risk_profile(
        db_session, Scope(date(2020, 1, 1), date(2020, 2, 1), scope.site_id)
    )
    assert profile.organisations == [] and profile.centre_runs == 0
    assert profile.centre_per_run is None
