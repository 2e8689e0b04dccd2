"""Step + render speed of the pygame front end at 1280x720 off screen (SDL_VIDEODRIVER=dummy).

One frame = one simulation tick driven by the careful autopilot, the full view drawn (road
tiles, road users, signals, weather, light, HUD) and the display flipped - what the window
does, minus waiting for the screen. Tiles rendered on the way are part of the cost; building
the scenery before the first frame is not (it happens behind the start screen). Every built-in
scenario as it is, plus the dearest mix (dense traffic at night in the rain) for headroom.

Frames per second of the process's CPU time (as ``bench_simulator.py`` measures the real-time
factor): the figure is what one core does, whatever else the machine is running; the wall-clock
rate is printed beside it.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pygame  # noqa: E402
from harness import Result, report  # noqa: E402

from isdc.simulator import Simulation, builtin_ids, load_scenario, make_driver  # noqa: E402
from isdc.simulator.drivers.base import DriverView  # noqa: E402
from isdc.simulator.frontend.frames import hud_from_sim  # noqa: E402
from isdc.simulator.frontend.renderer import Renderer, Scene  # noqa: E402

SIZE = (1280, 720)
BUDGET_FPS = 120.0
MAX_FRAMES = 2400  # 40 simulated seconds at 60 Hz


def frames_per_second(
    scenario_id: str, weather: str | None = None, light: str | None = None
) -> tuple[float, int]:
    screen = pygame.display.get_surface()
    sc = load_scenario(scenario_id)
    sim = Simulation(sc, "car", 0)
    view = DriverView(sim)
    driver = make_driver("autopilot")
    driver.reset(view)
    renderer = Renderer(sc.layout, sim.world.vehicle, SIZE, weather=weather, light=light)
    renderer.place_camera(Scene.from_world(sim.world))
    renderer.tiles.warm(renderer.camera)
    frames = 0
    worst: list[float] = []
    wall = time.perf_counter()
    start = time.process_time()
    while not sim.done and frames < MAX_FRAMES:
        t0 = time.process_time()
        sim.step(driver.act(view))
        renderer.draw(screen, Scene.from_world(sim.world), 1 / 60, hud_from_sim(sim, "id"))
        pygame.display.flip()
        worst.append(time.process_time() - t0)
        frames += 1
    cpu = time.process_time() - start
    wall = time.perf_counter() - wall
    worst.sort()
    p99 = worst[int(0.99 * (len(worst) - 1))] * 1000
    print(f"    {frames} frames: {frames / cpu:.0f}/s on CPU time, {frames / wall:.0f}/s wall clock, "
          f"p99 frame {p99:.2f} ms", file=sys.stderr)  # fmt: skip
    return frames / cpu, frames


def main() -> list[Result]:
    pygame.display.init()
    pygame.font.init()
    pygame.display.set_mode(SIZE)
    print(f"  {pygame.version.ver} (SDL {pygame.get_sdl_version()})", file=sys.stderr)
    results = []
    for sid in builtin_ids():
        fps, n = frames_per_second(sid)
        print(f"  {sid}: {fps:.0f} frames/s", file=sys.stderr)
        results.append(Result(f"render_fps_{sid}", round(fps, 1), BUDGET_FPS, "frames/s", "higher"))
    fps, n = frames_per_second("motorcycle_mix", weather="rain", light="night")
    print(f"  motorcycle_mix in rain at night: {fps:.0f} frames/s", file=sys.stderr)
    results.append(
        Result(
            "render_fps_motorcycle_mix_rain_night", round(fps, 1), BUDGET_FPS, "frames/s", "higher"
        )  # fmt: skip
    )
    pygame.quit()
    return results


if __name__ == "__main__":
    report(main)
