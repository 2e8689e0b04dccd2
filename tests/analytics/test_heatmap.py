"""Heat map cells against the seeded positions, binned here with plain division."""

from __future__ import annotations

import math
from collections import Counter

from isdc.analytics import heatmap
from tests.analytics.sim_seed import sim_world  # noqa: F401 - the fixture


def test_cells_sum_to_placed_findings(db_session, sim_world) -> None:  # noqa: F811
    scope, runs = sim_world
    heat = heatmap.finding_cells(db_session, scope, "school_zone", cell_m=5.0)
    placed = [f for r in runs if r.scenario == "school_zone" for f in r.findings
              if f.x is not None and f.y is not None]  # fmt: skip
    unplaced = [f for r in runs if r.scenario == "school_zone" for f in r.findings
                if f.x is None or f.y is None]  # fmt: skip
    assert heat.placed == len(placed) == 6
    assert heat.without_position == len(unplaced) == 1
    expected = Counter((math.floor(f.x / 5), math.floor(f.y / 5), f.severity) for f in placed)
    got = Counter()
    for c in heat.cells:
        got.update({(c.column, c.row, "critical"): c.critical, (c.column, c.row, "major"): c.major,
                    (c.column, c.row, "minor"): c.minor})  # fmt: skip
        assert c.total == c.critical + c.major + c.minor
    assert +got == expected
    # A negative position falls in the cell below zero, not in cell 0.
    assert any((c.column, c.row) == (-2, -1) for c in heat.cells)


def test_kind_filter_and_rescored_run(db_session, sim_world) -> None:  # noqa: F811
    scope, _ = sim_world
    red = heatmap.finding_cells(db_session, scope, "braking_zone", kind="red_light")
    assert red.cells == () and red.placed == 0  # the four red lights were rescored away
    braking = heatmap.finding_cells(db_session, scope, "braking_zone", cell_m=5.0)
    assert [(c.column, c.row, c.total) for c in braking.cells] == [(1, 1, 2)]


def test_svg_draws_every_cell_with_counts(db_session, sim_world) -> None:  # noqa: F811
    scope, _ = sim_world
    heat = heatmap.finding_cells(db_session, scope, "school_zone")
    labels = heatmap.HeatLabels(
        "Findings", "m", "Findings per cell", lambda c, x, y: f"{c.total} at {x:.0f},{y:.0f}"
    )
    svg = heatmap.heatmap_svg(heat, labels)
    assert svg.startswith("<svg") and "style=" not in svg and "<script" not in svg
    assert svg.count("<title>") == 1 + len(heat.cells)
    assert "Findings per cell" in svg


def test_empty_scenario_still_draws_the_road(db_session, sim_world) -> None:  # noqa: F811
    scope, _ = sim_world
    heat = heatmap.finding_cells(db_session, scope, "toll_merge")
    assert heat.cells == () and heat.without_position == 0
    assert heat.cell_m > 5.0  # a 1.4 km road gets coarser cells
    svg = heatmap.heatmap_svg(heat, heatmap.HeatLabels("t", "m", "n", lambda c, x, y: str(c.total)))
    assert "<path" in svg


def test_class_bounds_cover_the_peak() -> None:
    assert heatmap.class_bounds(3) == [1, 2, 3]
    bounds = heatmap.class_bounds(200)
    assert bounds[-1] == 200 and bounds == sorted(set(bounds)) and len(bounds) <= 5
