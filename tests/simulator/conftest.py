"""Shared fixtures: every built-in scenario driven once by each autopilot (per session)."""

import pytest

from isdc.simulator import Simulation, builtin_ids, load_scenario, make_driver

RUN_ID = "5b0e7c1e-2f7a-4a53-9d0b-9a3e2f1c0d11"
STARTED = "2026-11-27T08:00:00+07:00"


def run_builtin(scenario_id: str, driver: str, seed: int = 7, vehicle: str = "car"):
    sim = Simulation(load_scenario(scenario_id), vehicle, seed, driver=driver, run_id=RUN_ID,
                     started_at=STARTED)  # fmt: skip
    return sim.run(make_driver(driver))


@pytest.fixture(scope="session")
def careful_runs():
    return {sid: run_builtin(sid, "autopilot") for sid in builtin_ids()}


@pytest.fixture(scope="session")
def aggressive_runs():
    return {sid: run_builtin(sid, "autopilot-aggressive") for sid in builtin_ids()}
