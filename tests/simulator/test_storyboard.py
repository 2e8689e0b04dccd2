"""Triggers and actions: time, distance, place, time-to-collision and signal triggers."""

import pytest

from isdc.simulator import Simulation
from isdc.simulator.drivers.base import DriverView
from isdc.simulator.pedestrians import WAITING, WALKING

from .helpers import Scripted, scenario

LEAD = {"id": "lead", "kind": "car", "lane": "main:f1", "s": 80, "speed_kmh": 36,
        "desired_kmh": 36}  # fmt: skip
PED = {"id": "p", "kind": "child", "road": "main", "at_m": 200, "side": "left"}


def step_until(sim, driver, done, limit_s=40.0):
    view = DriverView(sim)
    driver.reset(view)
    while not done(sim) and sim.t < limit_s and not sim.done:
        sim.step(driver.act(view))
    return sim


def event(trigger, *actions, **more):
    return {"id": "e", "trigger": trigger, "actions": list(actions), **more}


def test_time_trigger_spawns_a_vehicle_at_that_time():
    spawn = {"kind": "spawn", "vehicle": {"id": "new", "lane": "main:b1", "s": 10,
                                          "speed_kmh": 30}}  # fmt: skip
    sim = Simulation(scenario(events=[event({"kind": "time", "at_s": 2.0}, spawn)]), "car", 1)
    step_until(sim, Scripted(20), lambda s: s.world.traffic.n > 0)
    assert sim.t == pytest.approx(2.0 + 1 / 60, abs=1e-9)  # fires at the start of the next tick
    assert sim.world.traffic.ids[0] == "new"


def test_distance_trigger_starts_a_pedestrian_after_so_many_metres():
    sim = Simulation(scenario(pedestrians=[PED], events=[
        event({"kind": "distance", "m": 40}, {"kind": "start_crossing", "entity": "p"})]),
        "car", 1)  # fmt: skip
    step_until(sim, Scripted(30), lambda s: s.world.peds.state[0] != WAITING)
    assert sim.world.peds.state[0] == WALKING
    assert sim.world.dyn.odometer == pytest.approx(40, abs=0.3)


def test_reach_trigger_fires_at_a_lane_position_on_the_route():
    sim = Simulation(scenario(pedestrians=[PED], events=[
        event({"kind": "reach", "lane": "main:f1", "s": 150},
              {"kind": "start_crossing", "entity": "p"})]), "car", 1)  # fmt: skip
    step_until(sim, Scripted(30), lambda s: s.world.peds.state[0] != WAITING)
    assert sim.world.route_s == pytest.approx(140, abs=0.3)


def test_ttc_trigger_fires_when_the_ego_is_that_many_seconds_away():
    sim = Simulation(scenario(pedestrians=[PED], events=[
        event({"kind": "ttc", "entity": "p", "below_s": 3.0},
              {"kind": "start_crossing", "entity": "p"})]), "car", 1)  # fmt: skip
    step_until(sim, Scripted(36), lambda s: s.world.peds.state[0] != WAITING)
    front = sim.world.route_s + 2.25
    assert (190 - front) / sim.world.dyn.speed == pytest.approx(3.0, abs=0.1)


def test_brake_hard_stops_the_vehicle_at_the_given_deceleration_and_it_moves_on_later():
    sim = Simulation(scenario(vehicles=[LEAD], events=[
        event({"kind": "time", "at_s": 1.0}, {"kind": "brake_hard", "entity": "lead",
                                              "decel": 6.0, "hold_s": 4.0})]), "car", 1)  # fmt: skip
    tr = sim.world.traffic
    step_until(sim, Scripted(0), lambda s: s.t >= 1.5)
    assert float(tr.acc[0]) == pytest.approx(-6.0, abs=0.05)
    step_until(sim, Scripted(0), lambda s: s.t >= 4.0)
    assert float(tr.v[0]) == 0.0
    step_until(sim, Scripted(0), lambda s: s.t >= 8.0)
    assert float(tr.v[0]) > 1.0


def test_change_signal_goes_through_amber_and_all_red_and_a_signal_trigger_sees_it():
    roads = [{"id": "a", "type": "urban", "start": [0, 0], "heading_deg": 0,
              "pieces": [{"straight": 200}]},
             {"id": "b", "type": "urban", "start": [200, 0], "heading_deg": 0,
              "pieces": [{"straight": 200}]}]  # fmt: skip
    sc = scenario(
        roads=roads,
        connectors=[{"id": "ab", "from": "a:f1", "to": "b:f1"}],
        ego={"lane": "a:f1", "s": 10},
        goal={"lane": "b:f1", "s": 100},
        signals=[{"id": "x", "groups": {"g": ["a:f1"], "h": ["b:b1"]}, "amber_s": 3,
                  "all_red_s": 2, "phases": [{"green": ["g"], "duration_s": 60},
                                             {"green": ["h"], "duration_s": 60}]}],
        pedestrians=[dict(PED, road="a", at_m=150)],
        events=[event({"kind": "time", "at_s": 1.0},
                      {"kind": "change_signal", "signal": "x", "phase": 1}),
                {"id": "walk", "trigger": {"kind": "signal", "signal": "x", "group": "g",
                                           "state": "red"}, "delay_s": 0.5,
                 "actions": [{"kind": "start_crossing", "entity": "p"}]}],
    )  # fmt: skip
    sim = Simulation(sc, "car", 1)
    states = []
    view = DriverView(sim)
    while sim.t < 8:
        sim.step(Scripted(0).act(view))
        states.append(
            (
                round(sim.t, 3),
                sim.world.signal_state("x", "g"),
                sim.world.signal_state("x", "h"),
                int(sim.world.peds.state[0]),
            )
        )
    changes = [s for i, s in enumerate(states) if i == 0 or s[1:3] != states[i - 1][1:3]]
    assert [c[1:3] for c in changes] == [("green", "red"), ("amber", "red"), ("red", "red"),
                                         ("red", "green")]  # fmt: skip
    assert changes[2][0] - changes[1][0] == pytest.approx(3.0, abs=0.02)  # amber lasts 3 s
    assert changes[3][0] - changes[2][0] == pytest.approx(2.0, abs=0.02)  # then all-red 2 s
    first_walk = next(t for t, _, _, st in states if st == WALKING)
    assert first_walk - changes[2][0] == pytest.approx(0.5, abs=0.05)  # delay_s after red


def test_set_speed_and_change_lane_act_on_the_named_vehicle():
    road = {"id": "main", "type": "urban", "start": [0, 0], "heading_deg": 0,
            "pieces": [{"straight": 400}], "forward": 2, "backward": 0}  # fmt: skip
    sc = scenario(roads=[road], vehicles=[LEAD], events=[
        event({"kind": "time", "at_s": 0.5}, {"kind": "set_speed", "entity": "lead",
                                              "speed_kmh": 10},
              {"kind": "change_lane", "entity": "lead", "to": "right"})])  # fmt: skip
    sim = Simulation(sc, "car", 1)
    tr = sim.world.traffic
    step_until(sim, Scripted(0), lambda s: s.t >= 0.6)
    assert sim.world.map.lanes[int(tr.lane[0])].id == "main:f2"
    step_until(sim, Scripted(0), lambda s: s.t >= 4.5)
    assert abs(float(tr.d[0])) < 0.05  # the sideways move (about 3.5 s) has finished
    step_until(sim, Scripted(0), lambda s: s.t >= 10)
    assert float(tr.v[0]) == pytest.approx(10 / 3.6, abs=0.3)
