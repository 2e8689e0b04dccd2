"""Road map: lanes and their coordinates, left-hand traffic, zones, connectors."""

import math

import pytest

from isdc.simulator import Simulation
from isdc.simulator.roadmap import SCHOOL_ZONE_KMH

from .helpers import STRAIGHT, scenario


@pytest.fixture(scope="module")
def road():
    sc = scenario(
        roads=[
            {
                "id": "main",
                "type": "urban",
                "start": [0, 0],
                "heading_deg": 0,
                "pieces": [{"straight": 200}, {"arc": 60, "turn_deg": 90}],
                "forward": 2,
                "backward": 1,
                "zones": [{"from_m": 50, "to_m": 120, "school": True},
                          {"from_m": 120, "to_m": 150, "limit_kmh": 40, "friction": 0.4}],
            }
        ],
        goal={"lane": "main:f1", "s": 250},
    )  # fmt: skip
    return sc.layout.road_map


def test_keep_left_lanes_lie_left_of_the_direction_of_travel(road):
    # Road heading east: eastbound lanes (forward) are on the north side, lane 1 at the kerb.
    f1, f2, b1 = (road.lane_by_id[i] for i in ("main:f1", "main:f2", "main:b1"))
    assert f1.pose(50)[1] == pytest.approx(5.25)
    assert f2.pose(50)[1] == pytest.approx(1.75)
    assert b1.pose(b1.lane_s(50))[1] == pytest.approx(-1.75)  # its s runs the other way
    assert f1.heading(50) == pytest.approx(0.0)
    assert b1.heading(b1.lane_s(50)) == pytest.approx(math.pi)
    assert (f1.left, f1.right, f2.left) == (-1, f2.index, f1.index)


def test_lane_coordinates_round_trip_on_straight_and_arc(road):
    for lane_id in ("main:f1", "main:b1"):
        lane = road.lane_by_id[lane_id]
        for s in (10.0, 150.0, 250.0):
            x, y, _ = lane.pose(s, 0.7)
            s2, d2 = lane.local(x, y)
            assert (s2, d2) == pytest.approx((s, 0.7), abs=1e-6)


def test_backward_lane_counts_distance_in_its_own_direction(road):
    b1 = road.lane_by_id["main:b1"]
    start = b1.pose(b1.begin)
    assert start[:2] == pytest.approx(road.road_by_id["main"].path.pose(b1.road.length, -1.75)[:2])


def test_lanes_at_finds_the_lane_and_the_offset(road):
    hits = road.lanes_at(30.0, 5.0)
    assert [h.lane.id for h in hits] == ["main:f1"]
    assert hits[0].d == pytest.approx(-0.25)
    assert road.lanes_at(30.0, 30.0) == []
    assert road.on_surface(30.0, 7.3)  # on the paved shoulder
    assert not road.on_surface(30.0, 9.0)


def test_zones_carry_limits_school_flag_and_friction(road):
    main = road.road_by_id["main"]
    assert main.zone_at(10).limit_kmh == 50
    assert main.zone_at(60).school and main.zone_at(60).limit_kmh == SCHOOL_ZONE_KMH
    assert main.zone_at(130).limit_kmh == 40 and main.zone_at(130).friction == 0.4
    assert main.zone_at(160).limit_kmh == 50 and main.zone_at(160).friction == 0.7


def test_vectorised_poses_match_the_lane_poses(road):
    import numpy as np

    lanes = np.array([road.lane_by_id[i].index for i in ("main:f1", "main:b1", "main:f2")])
    s = np.array([20.0, 100.0, 240.0])
    d = np.array([0.3, -0.5, 0.0])
    x, y, h = road.poses(lanes, s, d)
    for k in range(3):
        ex, ey, eh = road.lanes[lanes[k]].pose(s[k], d[k])
        assert (x[k], y[k]) == pytest.approx((ex, ey), abs=0.01)
        assert math.cos(h[k] - eh) == pytest.approx(1.0, abs=1e-4)


def test_driving_on_the_right_hand_side_is_the_wrong_side():
    sim = Simulation(scenario(STRAIGHT, ego={"lane": "main:b1", "s": 300, "lateral_m": 0.0,
                                             "speed_kmh": 0}, goal={"lane": "main:b1", "s": 390}),
                     "car", 1)  # fmt: skip
    # Placed on the westbound lane heading west: its own (left) side.
    assert not sim.world.wrong_side
    sim2 = Simulation(scenario(STRAIGHT), "car", 1)
    w = sim2.world
    w.dyn.y = -1.75  # eastbound car moved onto the westbound lane
    w._localise()
    assert w.wrong_side and w.ego_lane.id == "main:b1"


def test_connectors_join_lanes_with_a_smooth_turn():
    sc = scenario(
        roads=[
            {"id": "south", "type": "urban", "start": [0, -12], "heading_deg": 270,
             "pieces": [{"straight": 100}]},
            {"id": "west", "type": "urban", "start": [-12, 0], "heading_deg": 180,
             "pieces": [{"straight": 100}]},
        ],
        connectors=[{"id": "turn", "from": "south:b1", "to": "west:f1", "junction": "j"}],
        junctions=[{"id": "j"}],
        ego={"lane": "south:b1", "s": 10},
        goal={"lane": "west:f1", "s": 50},
    )  # fmt: skip
    m = sc.layout.road_map
    turn = m.lane_by_id["turn"]
    assert turn.index in m.lane_by_id["south:b1"].successors
    assert m.lane_by_id["west:f1"].index in turn.successors
    assert turn.pose(turn.end)[:2] == pytest.approx(m.lane_by_id["west:f1"].pose(0)[:2])
    assert m.junctions[0].polygon.shape[1] == 2
    route = sc.layout.route
    assert route.position_of(m.lane_by_id["west:f1"].index, 50) == pytest.approx(
        90 + turn.length + 50
    )
    assert sc.layout.goal.route_s == pytest.approx(90 + turn.length + 50)
