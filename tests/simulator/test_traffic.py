"""Traffic: car following without collisions, lights and zebras obeyed, motorcycles filter,
cost that grows linearly, and no pygame anywhere in the simulation core."""

import subprocess
import sys

import numpy as np

from isdc.simulator import Simulation, load_scenario
from isdc.simulator.drivers.base import DriverView
from isdc.simulator.traffic import MOTORCYCLE

from .helpers import Scripted, scenario

RING = {
    "id": "ring", "version": 1, "title": {"id": "Cincin", "en": "Ring"},
    "brief": {"id": "Jalan melingkar", "en": "A ring road"}, "time_limit_s": 600,
    "ego": {"lane": "ring:f1", "s": 5}, "goal": {"lane": "ring:f1", "s": 300},
    "roads": [{"id": "ring", "type": "urban", "start": [0, 0], "heading_deg": 0,
               "forward": 2, "backward": 0,
               "pieces": [{"straight": 300}, {"arc": 80, "turn_deg": 180},
                          {"straight": 300}, {"arc": 80, "turn_deg": 180}]}],
    "connectors": [{"id": "loop1", "from": "ring:f1", "to": "ring:f1"},
                   {"id": "loop2", "from": "ring:f2", "to": "ring:f2"}],
}  # fmt: skip


def ring(count: int, mix: dict | None = None):
    data = dict(RING, traffic=[{"lanes": ["ring:f1", "ring:f2"], "count": count,
                                "mix": mix or {"car": 0.6, "motorcycle": 0.3, "truck": 0.1},
                                "min_gap_m": 4, "keep_clear_of_ego_m": 40}])  # fmt: skip
    return scenario(data)


def run_for(sim, seconds: float, driver=None):
    driver = driver or Scripted(0)
    view = DriverView(sim)
    driver.reset(view)
    while sim.t < seconds and not sim.done:
        sim.step(driver.act(view))


def test_vehicles_on_a_ring_follow_each_other_without_running_into_each_other():
    sim = Simulation(ring(60), "car", 5)
    tr = sim.world.traffic
    assert tr.n == 60
    worst = np.inf
    view = DriverView(sim)
    drv = Scripted(0)
    for _ in range(60 * 90):
        sim.step(drv.act(view))
        lane, s, d = tr.lane[: tr.n], tr.s, tr.d
        half, hw = tr.length / 2, tr.width / 2
        order = np.lexsort((s, lane))
        nxt = order[1:]
        cur = order[:-1]
        same = (lane[nxt] == lane[cur]) & (np.abs(d[nxt] - d[cur]) < hw[nxt] + hw[cur])
        gaps = (s[nxt] - s[cur] - half[nxt] - half[cur])[same]
        if len(gaps):
            worst = min(worst, float(gaps.min()))
    assert tr.n == 60  # the ring keeps everyone
    assert worst > 0.0
    assert float(np.mean(tr.v)) > 5.0  # and it flows


def test_motorcycles_filter_past_a_queue():
    sim = Simulation(ring(40, mix={"car": 0.5, "motorcycle": 0.5}), "car", 2)
    run_for(sim, 60)
    tr = sim.world.traffic
    moto = tr.kind[: tr.n] == MOTORCYCLE
    assert np.any(np.abs(tr.d[moto]) > 1.2)  # riding between the lanes, not in their middle


def test_traffic_stops_for_the_red_light_and_for_people_on_the_zebra():
    sc = load_scenario("motorcycle_mix")
    sim = Simulation(sc, "car", 4)
    w = sim.world
    lines = {ln.lane: ln.s for ln in w.map.stop_lines if ln.kind == "signal"}
    drv = Scripted(0)
    view = DriverView(sim)
    crossed_on_red = 0
    seen_red = False
    w.signals["xing"].force(1, w.tick)  # amber now, then red for the pedestrians
    prev = {}
    for _ in range(60 * 20):
        sim.step(drv.act(view))
        tr = w.traffic
        red = w.signal_state("xing", "east") == "red"
        seen_red |= red
        for i in range(tr.n):
            key = int(tr.serial[i])
            lane = int(tr.lane[i])
            front = float(tr.s[i]) + float(tr.length[i]) / 2
            if lane in lines and red and prev.get(key, 1e9) <= lines[lane] < front:
                crossed_on_red += 1
            prev[key] = front if lane in lines else 1e9
    assert seen_red and crossed_on_red == 0


def test_the_simulation_core_never_imports_pygame():
    code = (
        "import sys\n"
        "from isdc.simulator import Simulation, load_scenario, make_driver, builtin_ids\n"
        "from isdc.simulator import cli, drawing, replay\n"
        "sim = Simulation(load_scenario('school_zone'), 'car', 1)\n"
        "sim.run(make_driver('autopilot'), max_ticks=120)\n"
        "sim.world.drawing\n"
        "assert 'pygame' not in sys.modules, 'pygame was imported'\n"
        "print('ok')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"
