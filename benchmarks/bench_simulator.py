"""Simulator budgets (issue 4, SPEC section 8).

* ``sim_rtf_<scenario>``: simulated seconds per CPU second of a headless run with the careful
  autopilot at 60 Hz, every built-in scenario (budget >= 100x). CPU time of this process is
  used, not wall time, so other work on a shared machine does not count against the figure
  ("one core" in SPEC 8).
* ``sim_tick_us_10/50/200``: microseconds per tick (traffic, detectors, recording, the
  autopilot) with 10, 50 and 200 vehicles on the same ring road, and
  ``sim_tick_scaling_exponent`` = log(t200/t10) / log(20): 1.0 is linear growth (budget <= 1).
* ``sim_10min_peak_mb``, ``sim_10min_telemetry_mb``, ``sim_10min_read_validate_ms``: a
  10-minute drive in traffic on a long road (budgets 200 MB, 2 MB, 50 ms).
"""

from __future__ import annotations

import math
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from harness import Result, median, report  # noqa: E402

from isdc import telemetry  # noqa: E402
from isdc.simulator import Simulation, builtin_ids, load_scenario, make_driver  # noqa: E402
from isdc.simulator.drivers.base import DriverView  # noqa: E402
from isdc.simulator.scenario import scenario_from_dict  # noqa: E402

TEXT = {"id": "Uji kinerja", "en": "Benchmark"}


def rtf(scenario_id: str) -> float:
    sc = load_scenario(scenario_id)
    best = 0.0
    for _ in range(2):  # the better of two runs: the first also warms caches
        sim = Simulation(sc, "car", 1, driver="autopilot")
        t0 = time.process_time()
        tel = sim.run(make_driver("autopilot"))
        cpu = time.process_time() - t0
        best = max(best, tel.duration_s / cpu)
    return best


def ring(count: int):
    """A 1.1 km two-lane ring road (one way) with ``count`` mixed vehicles."""
    data = {
        "id": f"bench_ring_{count}", "version": 1, "title": TEXT, "brief": TEXT,
        "time_limit_s": 600, "ego": {"lane": "ring:f1", "s": 5},
        "goal": {"lane": "ring:f1", "s": 1000},
        "roads": [{"id": "ring", "type": "urban", "start": [0, 0], "heading_deg": 0,
                   "forward": 2, "backward": 0,
                   "pieces": [{"straight": 300}, {"arc": 80, "turn_deg": 180},
                              {"straight": 300}, {"arc": 80, "turn_deg": 180}]}],
        "connectors": [{"id": "loop1", "from": "ring:f1", "to": "ring:f1"},
                       {"id": "loop2", "from": "ring:f2", "to": "ring:f2"}],
        "traffic": [{"lanes": ["ring:f1", "ring:f2"], "count": count, "min_gap_m": 1,
                     "mix": {"car": 0.55, "motorcycle": 0.35, "truck": 0.1},
                     "keep_clear_of_ego_m": 30}],
    }  # fmt: skip
    return scenario_from_dict(data, build=True)


def tick_cost_us(count: int, seconds: float = 20.0) -> float:
    sc = ring(count)
    samples = []
    for _ in range(3):
        sim = Simulation(sc, "car", 1, driver="autopilot")
        assert sim.world.traffic.n == count, (sim.world.traffic.n, count)
        view = DriverView(sim)
        driver = make_driver("autopilot")
        driver.reset(view)
        ticks = round(seconds * sc.tick_rate)
        t0 = time.process_time()
        for _ in range(ticks):
            sim.step(driver.act(view))
        samples.append((time.process_time() - t0) / ticks * 1e6)
    return median(samples)


def ten_minutes() -> tuple[float, float, float]:
    data = {
        "id": "bench_ten_minutes", "version": 1, "title": TEXT, "brief": TEXT,
        "time_limit_s": 600, "ego": {"lane": "road:f1", "s": 10, "speed_kmh": 40},
        "goal": {"lane": "road:f1", "s": 11900},
        "roads": [{"id": "road", "type": "urban", "start": [0, 0], "heading_deg": 0,
                   "forward": 2, "backward": 2,
                   "pieces": [{"straight": 4000}, {"arc": 400, "turn_deg": 30},
                              {"straight": 4000}, {"arc": 400, "turn_deg": -30},
                              {"straight": 3700}],
                   "zones": [{"from_m": 2000, "to_m": 2400, "school": True}]}],
        "traffic": [{"lanes": ["road:f1", "road:f2", "road:b1", "road:b2"], "count": 60,
                     "mix": {"car": 0.5, "motorcycle": 0.4, "truck": 0.1},
                     "inflow_per_min": 20}],
    }  # fmt: skip
    sim = Simulation(scenario_from_dict(data, build=True), "car", 1, driver="autopilot")
    tel = sim.run(make_driver("autopilot"))
    assert tel.duration_s == 600.0 and tel.header["outcome"] == "timeout", tel.header["outcome"]
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    with tempfile.TemporaryDirectory() as tmp:
        path = telemetry.write(Path(tmp) / "ten.isdc.npz", tel)
        size_mb = path.stat().st_size / 1e6
        times = []
        for _ in range(7):
            t0 = time.perf_counter()
            telemetry.read(path)
            times.append((time.perf_counter() - t0) * 1e3)
    return peak_mb, size_mb, median(times)


def main() -> list[Result]:
    results = []
    for sid in builtin_ids():
        results.append(Result(f"sim_rtf_{sid}", round(rtf(sid), 1), 100, "x", "higher"))
    costs = {n: tick_cost_us(n) for n in (10, 50, 200)}
    for n, us in costs.items():
        # Budget: 100x real time at 60 Hz is 166 us per tick; with 50 and 200 vehicles the
        # budget grows no faster than linearly from the 10-vehicle budget.
        budget = 166.0 * max(1.0, n / 50.0)
        results.append(Result(f"sim_tick_us_{n}", round(us, 1), budget, "us", "lower"))
    exponent = math.log(costs[200] / costs[10]) / math.log(20)
    results.append(Result("sim_tick_scaling_exponent", round(exponent, 3), 1.0, "1", "lower"))
    peak, size, read_ms = ten_minutes()
    results.append(Result("sim_10min_peak_mb", round(peak, 1), 200, "MB", "lower"))
    results.append(Result("sim_10min_telemetry_mb", round(size, 3), 2, "MB", "lower"))
    results.append(Result("sim_10min_read_validate_ms", round(read_ms, 2), 50, "ms", "lower"))
    return results


if __name__ == "__main__":
    report(main)
