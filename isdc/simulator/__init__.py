"""Driving simulator: the simulation core (no pygame), its drivers, scenarios and command line.

The core - road map, vehicle dynamics, traffic, pedestrians, signals, storyboard, detectors and
telemetry recording - imports numpy and the standard library only, so it runs headless,
deterministic and fast. The pygame front end (``isdc.simulator.frontend``) reads the world
through the read-only views documented in ``docs/simulator.md`` and never changes it.
"""

from isdc.simulator.drivers import Driver, DriverView, make_driver
from isdc.simulator.scenario import Scenario, ScenarioError, builtin_ids, load_scenario
from isdc.simulator.simulation import Simulation, SimulationOver
from isdc.simulator.vehicle import VEHICLES, Controls, EgoState

__all__ = [
    "VEHICLES",
    "Controls",
    "Driver",
    "DriverView",
    "EgoState",
    "Scenario",
    "ScenarioError",
    "Simulation",
    "SimulationOver",
    "builtin_ids",
    "load_scenario",
    "make_driver",
]
