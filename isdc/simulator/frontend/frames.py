"""Frames off screen: the HUD state of a running simulation, and PNG files of single frames.

Shared by the window (live HUD), replay (``--png``) and the gallery that renders every
scenario in day, rain and night for people to look at.
"""

from __future__ import annotations

import os
from pathlib import Path

import pygame

from isdc.simulator.frontend.hud import HudState
from isdc.simulator.frontend.text import WARNING_KINDS, event_warning
from isdc.telemetry import write_bytes_atomic


def warnings_from(events: list[dict], t: float, lang: str) -> list[tuple[str, float]]:
    """(warning line, seconds ago) for the infractions among ``events`` up to time ``t``."""
    return [
        (event_warning(e, lang), t - e["t"])
        for e in events
        if e["kind"] in WARNING_KINDS and e["t"] <= t + 1e-9
    ]


def hud_from_sim(sim, lang: str, **extra) -> HudState:
    """The HUD of a running :class:`~isdc.simulator.simulation.Simulation` now."""
    w = sim.world
    ego = w.ego
    lay = sim.layout
    c = ego.controls
    return HudState(
        t=w.t,
        time_limit=lay.time_limit_ticks / lay.tick_rate,
        speed=ego.speed,
        limit=w.speed_limit,
        school_zone=w.school_zone,
        steering=c.steering,
        throttle=c.throttle,
        brake=c.brake,
        route_s=w.route_s,
        route_length=float(sim.header["route_length_m"]),
        title=sim.scenario.title(lang),
        warnings=warnings_from(sim.events, w.t, lang),
        max_speed_kmh=w.vehicle.max_speed * 3.6,
        advisory=w.advisory if w.advisory < w.speed_limit - 0.1 else None,
        **extra,
    )


def save_png(surface: pygame.Surface, path: str | os.PathLike[str]) -> Path:
    """Write a surface as PNG atomically (a temporary file in the same folder, then rename)."""
    target = Path(path)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.png")
    try:
        pygame.image.save(surface, str(tmp))
        data = tmp.read_bytes()
    finally:
        tmp.unlink(missing_ok=True)
    return write_bytes_atomic(target, data)
