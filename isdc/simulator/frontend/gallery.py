"""Render every built-in scenario in day, rain and night to PNG files, for people to look at.

    python -m isdc.simulator.frontend.gallery OUTDIR [--lang en] [--scenario ID ...]

Each scenario is driven by the careful autopilot; a frame is taken at the first hazard (plus a
moment, when the trainee has to act), at a third of the run and near its end. Runs headless
(``SDL_VIDEODRIVER=dummy``).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

import pygame  # noqa: E402

from isdc.simulator import Simulation, builtin_ids, load_scenario, make_driver  # noqa: E402
from isdc.simulator.drivers.base import DriverView  # noqa: E402
from isdc.simulator.frontend.frames import hud_from_sim, save_png  # noqa: E402
from isdc.simulator.frontend.renderer import Renderer, Scene  # noqa: E402

CONDITIONS = (("day", "dry", "day"), ("rain", "rain", "day"), ("night", "dry", "night"))


def moments(scenario_id: str) -> list[float]:
    """Times worth a picture: a hazard, a third of the way, near the end."""
    sim = Simulation(load_scenario(scenario_id), "car", 0)
    tel = sim.run(make_driver("autopilot"))
    out = [tel.duration_s / 3, tel.duration_s - 3.0]
    hazards = tel.events_of("hazard")
    if hazards:
        out.insert(0, hazards[0]["t"] + 1.5)
    return sorted(round(max(0.5, t), 2) for t in out)


def render(scenario_id: str, times: list[float], out: Path, lang: str, size=(1280, 720)) -> list:
    written = []
    screen = pygame.Surface(size)
    for name, weather, light in CONDITIONS:
        sc = load_scenario(scenario_id)
        sim = Simulation(sc, "car", 0)
        view = DriverView(sim)
        driver = make_driver("autopilot")
        driver.reset(view)
        renderer = Renderer(sc.layout, sim.world.vehicle, size, lang=lang, weather=weather,
                            light=light)  # fmt: skip
        for t in times:
            while sim.t < t - 0.75 and not sim.done:
                sim.step(driver.act(view))
            # The last 0.75 s drawn frame by frame: the camera settles as it would live.
            renderer.draw(screen, Scene.from_world(sim.world), snap=True)
            while sim.t < t and not sim.done:
                sim.step(driver.act(view))
                renderer.draw(screen, Scene.from_world(sim.world), 1 / 60)
            renderer.draw(screen, Scene.from_world(sim.world), 1 / 60, hud_from_sim(sim, lang))
            path = out / f"{scenario_id}-{name}-{t:05.1f}s.png"
            written.append(save_png(screen, path))
    return written


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("out", type=Path)
    p.add_argument("--lang", choices=("id", "en"), default="id")
    p.add_argument("--scenario", action="append", help="only these scenario ids")
    args = p.parse_args(argv)
    pygame.display.init()
    pygame.font.init()
    pygame.display.set_mode((1, 1))
    args.out.mkdir(parents=True, exist_ok=True)
    for sid in args.scenario or builtin_ids():
        for path in render(sid, moments(sid), args.out, args.lang):
            print(path)
    pygame.quit()
    return 0


if __name__ == "__main__":
    sys.exit(main())
