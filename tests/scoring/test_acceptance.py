"""Acceptance (issue 5): every built-in scenario, driven by the simulator's autopilots, scores
as a person would judge it - the careful autopilot passes, the aggressive one fails, and the
aggressive run's findings name what it did wrong."""

import pytest

from isdc.scoring import score

simulator = pytest.importorskip("isdc.simulator", reason="the simulator is not merged yet")

SCENARIOS = simulator.builtin_ids()

# What the aggressive autopilot does (SPEC 5: it speeds, runs amber/red lights and follows too
# closely) and so what its report must say, per scenario: at least one of these kinds.
EXPECTED_AGGRESSIVE = {
    "emergency_brake": {"close_following", "collision_vehicle", "low_ttc"},
    "school_zone": {"school_zone_speeding", "speeding", "fail_to_yield", "collision_pedestrian"},
    "urban_intersection": {"red_light", "amber_light", "speeding"},
    "toll_merge": {"speeding", "close_following", "short_headway"},
    "wet_curve": {"speeding", "grip_limit", "harsh_cornering", "off_road"},
    "night_pedestrian": {"speeding", "collision_pedestrian", "fail_to_yield", "missed_hazard"},
    "braking_zone": {"speeding", "collision_static", "slow_reaction", "missed_hazard"},
    "braking_zone_wet": {"speeding", "collision_static", "slow_reaction", "missed_hazard"},
    "motorcycle_mix": {"speeding", "close_following", "short_headway", "red_light"},
}


def run(scenario: str, driver: str, seed: int = 7):
    sim = simulator.Simulation(scenario, vehicle="car", seed=seed, driver=driver)
    return sim.run(simulator.make_driver(driver))


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_the_careful_autopilot_passes(scenario):
    report = score(run(scenario, "autopilot"))
    assert report.passed, report.fail_reasons
    assert not [f for f in report.findings if f.severity == "critical"]


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_the_aggressive_autopilot_fails_for_what_it_did(scenario):
    report = score(run(scenario, "autopilot-aggressive"))
    assert not report.passed
    kinds = {f.kind for f in report.findings}
    assert kinds & EXPECTED_AGGRESSIVE.get(scenario, kinds), sorted(kinds)
    assert any(f.severity in ("major", "critical") for f in report.findings)
