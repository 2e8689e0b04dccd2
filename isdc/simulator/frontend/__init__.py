"""The pygame front end of the simulator: window, renderer, HUD, screens, drivers, replay, calibrate.

Only this package imports pygame; the simulation core (``isdc.simulator``) never does. The
renderer reads the world through its read-only views and never changes it. ``isdc-sim`` calls
:func:`run`, :func:`replay` and :func:`calibrate`; the station client calls :func:`drive`.
Submodules are imported on first use so that ``isdc-sim --help`` stays quick.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

# pygame prints a banner on import unless told not to; the command line stays quiet.
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

if TYPE_CHECKING:
    import argparse

    from isdc.simulator.scenario import Scenario
    from isdc.telemetry import Telemetry


def run(args: argparse.Namespace, scenario: Scenario) -> int:
    """``isdc-sim run S`` without ``--headless``: start screen, drive, end screen."""
    from isdc.simulator.frontend.app import run_command

    return run_command(args, scenario)


def drive(scenario: Scenario, **options: Any) -> Telemetry | None:
    """Drive ``scenario`` in the window and return its telemetry (None when the trainee quit
    on the start screen). Options as :class:`isdc.simulator.frontend.app.DriveOptions`."""
    from isdc.simulator.frontend.app import DriveOptions, drive_scenario

    return drive_scenario(scenario, DriveOptions(**options))


def replay(args: argparse.Namespace) -> int:
    """``isdc-sim replay FILE [--at T --png OUT]``."""
    from isdc.simulator.frontend.replay_view import replay_command

    return replay_command(args)


def calibrate(args: argparse.Namespace) -> int:
    """``isdc-sim calibrate``: map a wheel's or gamepad's axes and buttons, save atomically."""
    from isdc.simulator.frontend.calibration import calibrate_command

    return calibrate_command(args)


__all__ = ["calibrate", "drive", "replay", "run"]
