"""The renderer draws every scenario in day, rain and night, shows what is there where it is,
and never changes the world it reads."""

from __future__ import annotations

import ast
import hashlib
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pygame
import pytest

from isdc import telemetry
from isdc.simulator import Controls, Simulation, builtin_ids, load_scenario, make_driver
from isdc.simulator.drivers.base import DriverView
from isdc.simulator.frontend import palette as P
from isdc.simulator.frontend.frames import hud_from_sim
from isdc.simulator.frontend.renderer import Renderer, Scene

SIZE = (1280, 720)
ROOT = Path(__file__).resolve().parents[2]


def _drive(sid: str, seconds: float, driver: str = "autopilot") -> Simulation:
    sim = Simulation(load_scenario(sid), "car", 0)
    view = DriverView(sim)
    d = make_driver(driver)
    d.reset(view)
    while sim.t < seconds and not sim.done:
        sim.step(d.act(view))
    return sim


def _pixel(surface: pygame.Surface, xy) -> tuple[int, int, int]:
    return tuple(surface.get_at((round(xy[0]), round(xy[1]))))[:3]


def _close(a, b, tol: int = 12) -> bool:
    return all(abs(int(x) - int(y)) <= tol for x, y in zip(a, b, strict=False))


@pytest.mark.parametrize("sid", builtin_ids())
@pytest.mark.parametrize(("weather", "light"), [("dry", "day"), ("rain", "day"), ("dry", "night")])
def test_every_scenario_draws_a_real_picture(pg, sid, weather, light):
    sim = _drive(sid, 6.0)
    r = Renderer(sim.layout, sim.world.vehicle, SIZE, weather=weather, light=light)
    screen = pygame.Surface(SIZE)
    for _ in range(3):
        r.draw(screen, Scene.from_world(sim.world), 1 / 60, hud_from_sim(sim, "id"))
    pixels = pygame.surfarray.array3d(screen)
    assert pixels.std() > 8.0  # not blank, not one flat colour
    colours = np.unique(pixels[::8, ::8].reshape(-1, 3), axis=0)
    assert len(colours) > 40
    ego = r.camera.to_screen(sim.ego.x, sim.ego.y)
    assert 0 < ego[0] < SIZE[0] and 0 < ego[1] < SIZE[1]  # the ego is in the picture


def _near(surface, xy, colour, radius: int = 6, tol: int = 14) -> bool:
    x0, y0 = round(xy[0]), round(xy[1])
    for dx in range(-radius, radius + 1):
        for dy in range(-radius, radius + 1):
            if _close(_pixel(surface, (x0 + dx, y0 + dy)), colour, tol):
                return True
    return False


def test_ego_is_drawn_in_its_blue_where_it_is(pg):
    sim = _drive("emergency_brake", 3.0)
    r = Renderer(sim.layout, sim.world.vehicle, SIZE)
    screen = pygame.Surface(SIZE)
    r.draw(screen, Scene.from_world(sim.world))
    assert _near(screen, r.camera.to_screen(sim.ego.x, sim.ego.y), P.EGO_BODY, radius=20)
    # ... and not elsewhere: 40 m to the side is grass.
    side = r.camera.to_screen(sim.ego.x, sim.ego.y + 25.0)
    assert not _near(screen, side, P.EGO_BODY, radius=20)


def test_signal_lamp_shows_the_signal_state(pg):
    sc = load_scenario("urban_intersection")
    sim = Simulation(sc, "car", 0)
    r = Renderer(sim.layout, sim.world.vehicle, SIZE)
    r.look_at(0.0, 0.0)  # the junction
    screen = pygame.Surface(SIZE)
    seen = set()
    while sim.t < 60 and len(seen) < 3:
        sim.step(Controls(0.0, 0.0, 1.0))  # the ego waits where it starts
        if sim.world.tick % 15:
            continue
        scene = Scene.from_world(sim.world)
        r.draw(screen, scene)
        for k in r.heads_shown:
            head = scene.signals[k]
            x, y = r.signal_lamp_at(head, "red")
            if not (0 <= x < SIZE[0] and 0 <= y < SIZE[1]):
                continue
            state = head[3]
            lit = _pixel(screen, r.signal_lamp_at(head, state))
            assert _close(lit, P.SIGNAL_COLOURS[state]), (state, lit)
            for other in {"red", "amber", "green"} - {state}:
                dark = _pixel(screen, r.signal_lamp_at(head, other))
                assert _close(dark, P.SIGNAL_OFF[other]), (other, dark)
            seen.add(state)
    assert seen == {"red", "amber", "green"}


def test_school_zone_surface_is_red_and_wet_road_is_darker(pg):
    sim = _drive("school_zone", 1.0)
    lane = sim.layout.road_map.lane_by_id["main:f1"]
    zoss = lane.pose(180.0)  # inside the 150..310 m school zone
    plain = lane.pose(60.0)
    shots = {}
    for weather in ("dry", "rain"):
        r = Renderer(sim.layout, sim.world.vehicle, SIZE, weather=weather)
        screen = pygame.Surface(SIZE)
        r.look_at(zoss[0], zoss[1] + 3.0)
        r.draw(screen, Scene.from_world(sim.world))
        shots[weather] = (_pixel(screen, r.camera.to_screen(zoss[0], zoss[1] - 0.9)), screen, r)
    assert _close(shots["dry"][0], P.DRY.school, 6)
    r = Renderer(sim.layout, sim.world.vehicle, SIZE)
    screen = pygame.Surface(SIZE)
    r.look_at(plain[0], plain[1])
    r.draw(screen, Scene.from_world(sim.world))
    dry_road = _pixel(screen, r.camera.to_screen(plain[0], plain[1] - 0.9))
    assert _close(dry_road, P.DRY.asphalt, 6)
    wet = shots["rain"][0]
    assert sum(wet) < sum(shots["dry"][0]) - 40  # the wet ZoSS surface is darker


def test_night_is_dark_except_in_the_headlights(pg):
    sim = _drive("night_pedestrian", 8.0)
    day = Renderer(sim.layout, sim.world.vehicle, SIZE, light="day")
    night = Renderer(sim.layout, sim.world.vehicle, SIZE)  # the scenario is at night
    a, b = pygame.Surface(SIZE), pygame.Surface(SIZE)
    day.draw(a, Scene.from_world(sim.world), snap=True)
    night.draw(b, Scene.from_world(sim.world), snap=True)
    assert pygame.surfarray.array3d(b).mean() < 0.5 * pygame.surfarray.array3d(a).mean()
    e = sim.ego
    ahead = night.camera.to_screen(e.x + 20 * math.cos(e.heading), e.y + 20 * math.sin(e.heading))
    behind = night.camera.to_screen(e.x - 20 * math.cos(e.heading), e.y - 20 * math.sin(e.heading))
    assert sum(_pixel(b, ahead)) > 2 * sum(_pixel(b, behind))


def test_hud_warning_line_after_an_infraction(pg):
    sim = _drive("school_zone", 40.0, driver="autopilot-aggressive")
    kinds = [e["kind"] for e in sim.events]
    assert "fail_to_yield" in kinds
    t_event = next(e["t"] for e in sim.events if e["kind"] == "fail_to_yield")
    r = Renderer(sim.layout, sim.world.vehicle, SIZE)
    screen = pygame.Surface(SIZE)
    hud = hud_from_sim(sim, "id")
    hud.t = t_event + 1.0
    hud.warnings = [(m, 1.0) for m, _ in hud.warnings]
    r.draw(screen, Scene.from_world(sim.world), hud=hud, snap=True)
    row = [_pixel(screen, (x, 140)) for x in range(500, 780, 4)]
    assert sum(_close(c, P.HUD_WARN, 30) for c in row) > 20  # the red banner across the top


def _world_digest(sim: Simulation) -> str:
    w = sim.world
    h = hashlib.sha256()
    tr = w.traffic
    for arr in (tr.f[: tr.n], tr.lane[: tr.n], w.peds.x, w.peds.y, w.peds.state):
        h.update(np.ascontiguousarray(arr).tobytes())
    d = w.dyn
    h.update(repr((w.tick, d.x, d.y, d.heading, d.speed, w.route_s, w.rng.bit_generator.state))
             .encode())  # fmt: skip
    h.update(
        repr([(s.id, s.group_state(g)) for s in w.signals.values() for g in s.groups]).encode()
    )
    return h.hexdigest()


def test_rendering_does_not_change_the_world(pg):
    sim = _drive("motorcycle_mix", 10.0)
    r = Renderer(sim.layout, sim.world.vehicle, SIZE, weather="rain", light="night")
    screen = pygame.Surface(SIZE)
    before = _world_digest(sim)
    for _ in range(20):
        r.draw(screen, Scene.from_world(sim.world), 1 / 60, hud_from_sim(sim, "en"))
    assert _world_digest(sim) == before


def test_rendered_and_headless_runs_record_the_same_telemetry(pg):
    def run(render: bool) -> bytes:
        sc = load_scenario("school_zone")
        sim = Simulation(sc, "car", 3, run_id="00000000-0000-4000-8000-000000000009")
        view = DriverView(sim)
        d = make_driver("autopilot")
        d.reset(view)
        r = Renderer(sc.layout, sim.world.vehicle, SIZE) if render else None
        screen = pygame.Surface(SIZE)
        while not sim.done:
            sim.step(d.act(view))
            if r is not None and sim.world.tick % 3 == 0:
                r.draw(screen, Scene.from_world(sim.world), 1 / 20, hud_from_sim(sim, "id"))
        return telemetry.to_bytes(sim.telemetry())

    assert run(True) == run(False)


def test_core_never_imports_pygame():
    """Statically: no module of the simulator outside the front end imports pygame..."""
    for path in (ROOT / "isdc" / "simulator").rglob("*.py"):
        if "frontend" in path.parts:
            continue
        tree = ast.parse(path.read_text(), str(path))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            assert not any(n.split(".")[0] == "pygame" for n in names), path
    # ... and at run time a headless run leaves it unloaded.
    code = (
        "import sys\n"
        "from isdc.simulator import cli\n"
        "rc = cli.main(['run', 'braking_zone', '--headless'])\n"
        "assert rc == 0\n"
        "print('pygame' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "False"
