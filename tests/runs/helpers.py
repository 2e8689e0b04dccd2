"""Telemetry of real simulator runs for the runs tests, simulated once and re-labelled."""

from __future__ import annotations

import copy
import functools
import uuid
from typing import Any

from isdc import telemetry

SCENARIO = "braking_zone"  # the shortest built-in scenario (about 20 s driven)


@functools.cache
def simulated(scenario: str = SCENARIO, vehicle: str = "car", seed: int = 3,
              driver: str = "autopilot") -> telemetry.Telemetry:  # fmt: skip
    from isdc.simulator import Simulation, make_driver

    sim = Simulation(scenario, vehicle, seed, driver=driver, run_id=str(uuid.UUID(int=1)),
                     started_at="2026-11-27T03:00:00+00:00")  # fmt: skip
    return sim.run(make_driver(driver))


def run_bytes(
    *,
    run_id: str | None = None,
    assignment: int | None = None,
    trainee: int | str | None = None,
    scenario: str = SCENARIO,
    vehicle: str = "car",
    seed: int = 3,
    driver: str = "autopilot",
    **header: Any,
) -> bytes:
    """A telemetry file of a real run with the given metadata (a new run UUID by default)."""
    tel = simulated(scenario, vehicle, seed, driver)
    head = copy.deepcopy(tel.header)
    head.update(
        run_id=run_id or str(uuid.uuid4()),
        assignment=assignment,
        trainee=None if trainee is None else str(trainee),
        **header,
    )
    return telemetry.to_bytes(telemetry.Telemetry(head, tel.columns, list(tel.events)))
