"""Each infraction detector: a scripted driver that commits it, and one that does not."""

import pytest

from .helpers import STRAIGHT, Scripted, drive, kinds, of_kind, scenario, stop_and_go

TWO_ROADS = dict(
    roads=[
        {"id": "a", "type": "urban", "start": [0, 0], "heading_deg": 0,
         "pieces": [{"straight": 200}]},
        {"id": "b", "type": "urban", "start": [200, 0], "heading_deg": 0,
         "pieces": [{"straight": 200}]},
    ],
    connectors=[{"id": "ab", "from": "a:f1", "to": "b:f1"},
                {"id": "ba", "from": "b:b1", "to": "a:b1"}],
    ego={"lane": "a:f1", "s": 10, "speed_kmh": 40},
    goal={"kind": "reach", "lane": "b:f1", "s": 150},
)  # fmt: skip
LINE_ROUTE_S = 199.0 - 10.0  # the signal's stop line (lane end - 1 m) in route metres


def signal(phases, **more):
    return [{"id": "x", "groups": {"g": ["a:f1"]}, "phases": phases, **more}]


# --------------------------------------------------------------------------- collisions


def test_driving_into_a_parked_car_is_a_vehicle_collision_and_ends_the_run():
    sc = scenario(vehicles=[{"kind": "car", "lane": "main:f1", "s": 100, "parked": True}])
    sim, tel = drive(sc, Scripted(30))
    (hit,) = of_kind(tel, "collision")
    assert hit["with"] == "vehicle" and hit["object_kind"] == "car" and hit["parked"]
    assert hit["speed_kmh"] > 20
    assert sim.outcome == "collision" and tel.header["outcome"] == "collision"


def test_stopping_behind_the_parked_car_is_no_collision():
    sc = scenario(vehicles=[{"kind": "car", "lane": "main:f1", "s": 100, "parked": True}])
    sim, tel = drive(sc, Scripted(30, stop_at=stop_and_go(100 - 10 - 2.2 - 1)), max_s=25)
    assert "collision" not in kinds(tel)


def test_a_row_of_cones_knocked_down_at_once_is_one_incident():
    sc = scenario(objects=[{"kind": "cone", "lane": "main:f1", "s": 100,
                            "lateral_m": [-1.0, -0.3, 0.4, 1.1]}])  # fmt: skip
    sim, tel = drive(sc, Scripted(30))
    (hit,) = of_kind(tel, "collision")
    assert hit["with"] == "static" and hit["object_kind"] == "cone" and hit["also"]
    assert sim.outcome == "completed"  # hitting cones does not end the run


def test_the_same_object_is_not_counted_again_within_five_seconds_or_metres():
    sc = scenario(vehicles=[{"kind": "car", "lane": "main:f1", "s": 60, "parked": True}],
                  stop_on_collision=False)  # fmt: skip
    # Nudge it at walking pace and keep pushing against it for a few seconds.
    sim, tel = drive(sc, Scripted(lambda v: 6 if v.route_s < 44 else 3), max_s=30)
    assert len(of_kind(tel, "collision")) == 1


PED = {"id": "p", "kind": "adult", "road": "main", "at_m": 120, "side": "left",
       "speed_ms": 1.4}  # fmt: skip


def test_running_into_a_crossing_pedestrian_is_a_pedestrian_collision():
    sc = scenario(pedestrians=[PED], events=[
        {"id": "go", "trigger": {"kind": "ttc", "entity": "p", "below_s": 2.2},
         "actions": [{"kind": "start_crossing", "entity": "p"}]}])  # fmt: skip
    sim, tel = drive(sc, Scripted(40))
    (hit,) = of_kind(tel, "collision")
    assert hit["with"] == "pedestrian" and hit["object"] == "p"
    assert sim.outcome == "collision"


def test_braking_for_the_pedestrian_avoids_the_collision():
    sc = scenario(pedestrians=[PED], events=[
        {"id": "go", "trigger": {"kind": "ttc", "entity": "p", "below_s": 4.0},
         "actions": [{"kind": "start_crossing", "entity": "p"}]}])  # fmt: skip
    walking = lambda v: any(c.offset > -2.5 for c in v.crossings_ahead())  # noqa: E731
    sim, tel = drive(sc, Scripted(40, brake=walking))
    assert "collision" not in kinds(tel) and sim.outcome == "completed"


# --------------------------------------------------------------------------- lights and signs


def test_crossing_the_stop_line_on_red_is_red_light():
    sc = scenario(**TWO_ROADS, signals=signal([{"green": [], "duration_s": 100}]))
    sim, tel = drive(sc, Scripted(40))
    (red,) = of_kind(tel, "red_light")
    assert red["signal"] == "x" and red["stop_line"] == "x.g@a:f1" and red["red_for_s"] > 10
    assert red["x"] == pytest.approx(199 - 2.25, abs=1.0)  # the ego's centre when the front crossed


def test_stopping_at_the_red_light_is_no_infraction():
    sc = scenario(**TWO_ROADS, signals=signal([{"green": [], "duration_s": 100}]))
    sim, tel = drive(sc, Scripted(40, stop_at=stop_and_go(LINE_ROUTE_S - 1)), max_s=30)
    assert "red_light" not in kinds(tel) and "amber_light" not in kinds(tel)


def test_crossing_on_green_is_fine():
    sc = scenario(**TWO_ROADS, signals=signal([{"green": ["g"], "duration_s": 100}]))
    sim, tel = drive(sc, Scripted(40))
    assert kinds(tel) == ["completed"]


def amber_scenario(trigger_route_s: float):
    return scenario(
        **TWO_ROADS,
        signals=signal([{"green": ["g"], "duration_s": 100}, {"green": [], "duration_s": 100}],
                       amber_s=8),  # a long amber: the ego crosses while it shows
        events=[{"id": "change", "trigger": {"kind": "reach", "lane": "a:f1",
                                             "s": 10 + trigger_route_s},
                 "actions": [{"kind": "change_signal", "signal": "x", "phase": 1}]}],
    )  # fmt: skip


def test_amber_when_a_comfortable_stop_was_possible_is_amber_light():
    sim, tel = drive(amber_scenario(LINE_ROUTE_S - 2.25 - 60), Scripted(40))
    (amber,) = of_kind(tel, "amber_light")
    assert amber["distance_at_onset_m"] >= amber["stopping_distance_m"]
    assert "red_light" not in kinds(tel)


def test_amber_too_close_to_stop_is_no_infraction():
    sim, tel = drive(amber_scenario(LINE_ROUTE_S - 2.25 - 15), Scripted(40))
    assert "amber_light" not in kinds(tel) and "red_light" not in kinds(tel)


STOP = {"stop_signs": [{"lane": "a:f1"}]}


def test_rolling_through_a_stop_sign_is_stop_sign():
    sc = scenario(**TWO_ROADS, **STOP)
    sim, tel = drive(sc, Scripted(lambda v: 12))
    (ev,) = of_kind(tel, "stop_sign")
    assert ev["min_speed_kmh"] == pytest.approx(12, abs=1.5)


def test_a_full_stop_at_the_stop_sign_is_fine():
    sc = scenario(**TWO_ROADS, **STOP)
    sim, tel = drive(sc, Scripted(40, stop_at=stop_and_go(LINE_ROUTE_S - 1, hold_s=1.0)))
    assert "stop_sign" not in kinds(tel) and sim.outcome == "completed"


# --------------------------------------------------------------------------- pedestrians


def zebra_scenario():
    return scenario(
        time_limit_s=120,
        zebras=[{"id": "z", "road": "main", "at_m": 150}],
        pedestrians=[{"id": "slow", "kind": "adult", "zebra": "z", "side": "right",
                      "speed_ms": 0.5}],
        events=[{"id": "go", "trigger": {"kind": "reach", "lane": "main:f1", "s": 100},
                 "actions": [{"kind": "start_crossing", "entity": "slow"}]}],
    )  # fmt: skip


def test_driving_over_a_zebra_while_someone_is_on_it_is_fail_to_yield():
    sim, tel = drive(zebra_scenario(), Scripted(30))
    (ev,) = of_kind(tel, "fail_to_yield")
    assert ev["zebra"] == "z" and ev["pedestrian"] == "slow"
    assert "collision" not in kinds(tel)


def test_waiting_until_the_zebra_is_clear_is_fine():
    def plan(view):
        busy = any(s.kind == "zebra" and s.state == "busy" for s in view.stops_ahead(60))
        return 150 - 10 - 2 - 1.5 if busy else None

    sim, tel = drive(zebra_scenario(), Scripted(30, stop_at=plan))
    assert "fail_to_yield" not in kinds(tel) and sim.outcome == "completed"


# --------------------------------------------------------------------------- lane position


def test_leaving_the_carriageway_is_off_road_with_its_duration():
    sim, tel = drive(scenario(), Scripted(40, offset=lambda v: 6.0 if 100 < v.route_s < 160 else 0))
    (ev,) = of_kind(tel, "off_road")
    assert 2.0 < ev["duration_s"] < 8.0


def test_driving_on_the_right_hand_side_is_wrong_side():
    sim, tel = drive(
        scenario(), Scripted(40, offset=lambda v: -3.5 if 100 < v.route_s < 160 else 0)
    )
    (ev,) = of_kind(tel, "wrong_side")
    assert 2.0 < ev["duration_s"] < 8.0
    assert "off_road" not in kinds(tel)


def test_keeping_left_is_neither():
    sim, tel = drive(scenario(), Scripted(40, offset=0.8))
    assert kinds(tel) == ["completed"]


def two_lane_road():
    road = dict(
        STRAIGHT["roads"][0],
        forward=2,
        backward=1,
        lines=[{"between": ["f1", "f2"], "from_m": 100, "to_m": 200, "style": "solid"}],
    )
    return scenario(roads=[road])  # fmt: skip


def test_changing_lane_across_a_solid_line_is_solid_line():
    sim, tel = drive(two_lane_road(), Scripted(40, offset=lambda v: -3.5 if v.route_s > 110 else 0))
    (ev,) = of_kind(tel, "solid_line")
    assert (ev["from_lane"], ev["to_lane"], ev["side"]) == ("main:f1", "main:f2", "right")
    assert "wrong_side" not in kinds(tel)


def test_changing_lane_across_a_broken_line_is_fine():
    sim, tel = drive(two_lane_road(), Scripted(40, offset=lambda v: -3.5 if v.route_s > 220 else 0))
    assert "solid_line" not in kinds(tel)


# --------------------------------------------------------------------------- run events


def test_a_scripted_hazard_is_recorded_with_its_id_when_it_begins():
    sc = scenario(vehicles=[{"id": "lead", "lane": "main:f1", "s": 60, "speed_kmh": 40}],
                  events=[{"id": "lead_brakes", "hazard": True,
                           "trigger": {"kind": "time", "at_s": 3},
                           "actions": [{"kind": "brake_hard", "entity": "lead"}]}])  # fmt: skip
    sim, tel = drive(sc, Scripted(30), max_s=6)
    (ev,) = of_kind(tel, "hazard")
    assert ev["id"] == "lead_brakes" and ev["entity"] == "lead"
    assert ev["t"] == pytest.approx(3.0, abs=1 / 60 + 1e-9)


def test_reaching_the_goal_completes_and_standing_still_times_out():
    sim, tel = drive(scenario(), Scripted(50))
    assert kinds(tel)[-1] == "completed" and sim.outcome == "completed"
    sim, tel = drive(scenario(time_limit_s=5), Scripted(0))
    assert kinds(tel) == ["timeout"] and sim.outcome == "timeout"
    assert tel.duration_s == pytest.approx(5.0)
