"""Plane geometry: straight and arc pieces, local coordinates, fillets, overlap tests."""

import math

import pytest

from isdc.simulator.geometry import (
    Path,
    Piece,
    circle_obb_overlap,
    fillet,
    obb_overlap,
    segments_cross,
    wrap_angle,
)


@pytest.mark.parametrize("curvature", [0.0, 1 / 50, -1 / 30])
@pytest.mark.parametrize(("u", "lat"), [(0.0, 0.0), (12.5, 1.75), (30.0, -2.0)])
def test_pose_and_project_are_inverse(curvature, u, lat):
    piece = Piece(10.0, -5.0, 0.3, 40.0, curvature)
    x, y, h = piece.pose(u, lat)
    pu, plat, ph = piece.project(x, y)
    assert pu == pytest.approx(u, abs=1e-9)
    assert plat == pytest.approx(lat, abs=1e-9)
    assert wrap_angle(ph - (0.3 + curvature * u)) == pytest.approx(0.0, abs=1e-9)


def test_a_left_arc_turns_left_and_keeps_its_radius():
    piece = Piece(0.0, 0.0, 0.0, math.pi / 2 * 20, 1 / 20)  # quarter circle, radius 20
    x, y, h = piece.pose(piece.length)
    assert (x, y) == pytest.approx((20.0, 20.0))
    assert h == pytest.approx(math.pi / 2)
    # A point 1 m left of the line (inside the bend) is 19 m from the centre (0, 20).
    x, y, _ = piece.pose(10.0, 1.0)
    assert math.hypot(x, y - 20.0) == pytest.approx(19.0)


def test_path_project_finds_distance_along_and_side():
    path = Path.build(0, 0, 0, [(100, 0.0), (math.pi / 2 * 50, 1 / 50), (100, 0.0)])
    s, lat = path.project(50.0, -2.0)
    assert (s, lat) == pytest.approx((50.0, -2.0))
    x, y, _ = path.pose(220.0, 3.0)
    s, lat = path.project(x, y)
    assert (s, lat) == pytest.approx((220.0, 3.0))
    assert path.project(-5.0, 0.0)[0] == pytest.approx(-5.0)  # before the start: negative s


def test_fillet_joins_a_right_angle_with_an_arc():
    specs = fillet(-1.75, -12.0, math.pi / 2, -12.0, -1.75, math.pi)
    assert len(specs) == 1 and specs[0][1] == pytest.approx(1 / 10.25)
    path = Path.build(-1.75, -12.0, math.pi / 2, specs)
    x, y, h = path.pose(path.length)
    assert (x, y) == pytest.approx((-12.0, -1.75)) and h == pytest.approx(math.pi)


def test_fillet_makes_an_s_bend_between_parallel_lanes():
    specs = fillet(0, 0, 0, 100, -20, 0)
    path = Path.build(0, 0, 0, specs)
    assert path.pose(path.length)[:2] == pytest.approx((100, -20))
    assert specs[0][1] < 0 < specs[1][1]  # right, then left


def test_fillet_refuses_ends_that_do_not_meet():
    with pytest.raises(ValueError, match="do not meet"):
        fillet(0, 0, 0, -10, 10, math.pi / 2)


def test_box_and_circle_overlaps():
    assert obb_overlap(0, 0, 0, 4, 2, 3.9, 0, 0, 4, 2)
    assert not obb_overlap(0, 0, 0, 4, 2, 4.1, 0, 0, 4, 2)
    # Rotated 45 degrees, a square's corner reaches further than its side.
    assert obb_overlap(0, 0, 0, 4, 2, 3.3, 0, math.pi / 4, 2, 2)
    assert not obb_overlap(0, 0, 0, 4, 2, 3.3, 0, 0.0, 2, 2)
    assert circle_obb_overlap(2.2, 0, 0.3, 0, 0, 0, 4, 2)
    assert not circle_obb_overlap(2.4, 0, 0.3, 0, 0, 0, 4, 2)


def test_segments_cross():
    assert segments_cross(0, -1, 0, 1, -1, 0, 1, 0)
    assert not segments_cross(0, 0.1, 0, 1, -1, 0, 1, 0)
