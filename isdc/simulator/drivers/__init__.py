"""Drivers: the protocol, the scripted autopilots, and the names the command line accepts.

The keyboard and wheel drivers belong to the pygame front end (``isdc.simulator.frontend``)
and are not part of the headless core.
"""

from __future__ import annotations

from isdc.simulator.drivers.autopilot import AGGRESSIVE, CAREFUL, Autopilot, Style
from isdc.simulator.drivers.base import Crossing, Driver, DriverView, Stop, pedals_for

CORE_DRIVERS = ("autopilot", "autopilot-aggressive")
FRONT_END_DRIVERS = ("keyboard", "wheel")
DRIVER_NAMES = FRONT_END_DRIVERS + CORE_DRIVERS


def make_driver(name: str) -> Driver:
    """A headless driver by name; keyboard and wheel come from the front end."""
    if name == "autopilot":
        return Autopilot(CAREFUL)
    if name == "autopilot-aggressive":
        return Autopilot(AGGRESSIVE)
    if name in FRONT_END_DRIVERS:
        raise ValueError(f"the {name} driver needs the pygame front end (not headless)")
    raise ValueError(f"unknown driver {name!r}; choose {', '.join(DRIVER_NAMES)}")


__all__ = [
    "AGGRESSIVE",
    "CAREFUL",
    "CORE_DRIVERS",
    "DRIVER_NAMES",
    "FRONT_END_DRIVERS",
    "Autopilot",
    "Crossing",
    "Driver",
    "DriverView",
    "Stop",
    "Style",
    "make_driver",
    "pedals_for",
]
