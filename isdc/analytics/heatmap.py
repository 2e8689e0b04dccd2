"""Where on a scenario's road the findings happen: finding positions binned into square
cells by the database, drawn as an SVG heat map over the scenario's road layout.

The cell size follows the layout's extent (5 m on a junction, coarser on a 1.4 km toll road)
so a cell stays a few pixels wide at least. Colours are a five-class viridis scale (readable
by colour-blind readers and in greyscale print); every cell carries its counts per severity
in a <title>, so hovering (or a screen reader) gives the numbers.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from isdc.analytics.scope import Scope
from isdc.analytics.scored_runs import CURRENT_FINDING, in_scope
from isdc.analytics.sqlmath import floor_of
from isdc.models import Run, RunFinding
from isdc.runs.plots import INK, ROAD, _fmt, _svg, road_paths

CELL_SIZES_M = (5.0, 10.0, 20.0, 25.0, 50.0)
MIN_CELL_PX = 7.0  # smaller squares cannot be seen, let alone hovered
MAP_HEIGHTS = (140, 520)  # px: a long straight road is a strip, a junction a square
# viridis, light (few findings) to dark (many): colour-blind safe, monotone in lightness.
CLASS_COLOURS = ("#fde725", "#5ec962", "#21918c", "#3b528b", "#440154")
WIDTH = 820


@dataclass(frozen=True)
class HeatCell:
    column: int  # x index: the cell spans [column * size, (column + 1) * size) metres
    row: int
    critical: int
    major: int
    minor: int
    total: int  # every severity, including any not named above


@dataclass(frozen=True)
class HeatMap:
    scenario_id: str
    cell_m: float
    cells: tuple[HeatCell, ...]
    without_position: int  # findings of the scope that carry no position (not drawn)

    @property
    def placed(self) -> int:
        return sum(c.total for c in self.cells)


@functools.lru_cache(maxsize=32)
def road_bounds(scenario_id: str) -> tuple[float, float, float, float] | None:
    """(xmin, ymin, xmax, ymax) of a built-in scenario's roads; None when it cannot load."""
    from isdc.runs.catalogue import scenario

    try:
        return scenario(scenario_id).layout.road_map.bounds()
    except Exception:  # noqa: BLE001 - unknown or broken scenario: the cells alone are drawn
        return None


def map_scale(bounds: tuple[float, float, float, float]) -> tuple[int, float]:
    """Height (px) and scale (px per metre) of a map of ``bounds`` at WIDTH, north up and
    equal in both directions."""
    x0, y0, x1, y1 = bounds
    height = int(max(MAP_HEIGHTS[0], min(MAP_HEIGHTS[1], WIDTH * (y1 - y0) / (x1 - x0))))
    return height, min(WIDTH / (x1 - x0), height / (y1 - y0))


def cell_size(scenario_id: str) -> float:
    """The smallest cell size that still draws at least MIN_CELL_PX wide on the map."""
    bounds = road_bounds(scenario_id)
    if bounds is None:
        return CELL_SIZES_M[0]
    _, scale = map_scale(_padded(bounds))
    return next((s for s in CELL_SIZES_M if s * scale >= MIN_CELL_PX), CELL_SIZES_M[-1])


PAD_M = 10.0


def _padded(box: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    return box[0] - PAD_M, box[1] - PAD_M, box[2] + PAD_M, box[3] + PAD_M


def finding_cells(
    db: Session, scope: Scope, scenario_id: str, kind: str | None = None,
    cell_m: float | None = None,
) -> HeatMap:  # fmt: skip
    """Findings of a scenario's scored runs in the scope, counted per cell and severity."""
    size = cell_m or cell_size(scenario_id)
    column = floor_of(RunFinding.x / size).label("col")
    row = floor_of(RunFinding.y / size).label("row")
    conditions = [Run.scenario_id == scenario_id, *in_scope(scope)]
    if kind is not None:
        conditions.append(RunFinding.kind == kind)

    def of(severity: str):  # type: ignore[no-untyped-def]
        return func.sum(case((RunFinding.severity == severity, 1), else_=0))

    base = (
        select()
        .select_from(RunFinding)
        .join(Run, Run.id == RunFinding.run_id)
        .where(CURRENT_FINDING, *conditions)
    )
    placed = RunFinding.x.is_not(None) & RunFinding.y.is_not(None)
    cells = db.execute(
        base.add_columns(column, row, of("critical"), of("major"), of("minor"), func.count())
        .where(placed)
        .group_by(column, row)
        .order_by(column, row)
    ).all()
    unplaced = db.scalar(base.add_columns(func.count()).where(~placed)) or 0
    return HeatMap(
        scenario_id,
        size,
        tuple(
            HeatCell(int(c), int(r), int(a), int(b), int(m), int(n)) for c, r, a, b, m, n in cells
        ),
        int(unplaced),
    )


def class_bounds(peak: int, classes: int = len(CLASS_COLOURS)) -> list[int]:
    """Upper bounds of the colour classes: one count each while they fit, otherwise
    geometric steps (counts are skewed: a few hot spots, many cells with one or two)."""
    if peak <= classes:
        return list(range(1, peak + 1))
    bounds = sorted({max(1, round(peak ** ((i + 1) / classes))) for i in range(classes)})
    bounds[-1] = peak
    return bounds


@dataclass(frozen=True)
class HeatLabels:
    title: str
    metres: str
    findings: str  # legend caption: "findings per cell"
    # A cell's tooltip from the cell and its south-west corner (metres), translated.
    describe: Callable[[HeatCell, float, float], str]


def heatmap_svg(heat: HeatMap, labels: HeatLabels, element_id: str = "heatmap") -> str:
    """The heat map over the road layout (north up, equal scale), with legend and scale bar."""
    size = heat.cell_m
    boxes = [(c.column * size, c.row * size, (c.column + 1) * size, (c.row + 1) * size)
             for c in heat.cells]  # fmt: skip
    bounds = road_bounds(heat.scenario_id)
    if bounds is not None:
        boxes.append(bounds)
    if not boxes:
        boxes.append((0.0, 0.0, 100.0, 100.0))
    x0, y0, x1, y1 = _padded((min(b[0] for b in boxes), min(b[1] for b in boxes),
                              max(b[2] for b in boxes), max(b[3] for b in boxes)))  # fmt: skip
    legend_h = 46
    map_h, scale = map_scale((x0, y0, x1, y1))
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2

    def sx(v: float) -> float:
        return WIDTH / 2 + (v - cx) * scale

    def sy(v: float) -> float:
        return map_h / 2 - (v - cy) * scale

    parts = [f'<rect width="{WIDTH}" height="{map_h}" fill="#f4f6f1"/>']
    roads = road_paths(heat.scenario_id)
    if roads:
        transform = f"matrix({scale:.5f},0,0,{-scale:.5f},{sx(0):.2f},{sy(0):.2f})"
        parts.append(f'<g transform="{transform}" fill="{ROAD}" stroke="{ROAD}" '
                     f'stroke-width="0.6">' + "".join(f'<path d="{d}"/>' for d in roads) + "</g>")  # fmt: skip
    peak = max((c.total for c in heat.cells), default=0)
    bounds_of_classes = class_bounds(peak)
    side = max(size * scale, 2.0)
    for cell in heat.cells:
        colour = class_colour(_class_of(cell.total, bounds_of_classes), len(bounds_of_classes))
        left, top = sx(cell.column * size), sy((cell.row + 1) * size)
        text = labels.describe(cell, cell.column * size, cell.row * size)
        parts.append(f'<rect x="{left:.1f}" y="{top:.1f}" width="{side:.1f}" height="{side:.1f}" '
                     f'fill="{colour}" fill-opacity="0.9" stroke="{INK}" stroke-width="0.4">'
                     f'<title>{escape(text)}</title></rect>')  # fmt: skip
    bar_m = scale_bar_metres(WIDTH / scale / 5)
    parts.append(f'<line x1="12" x2="{12 + bar_m * scale:.1f}" y1="26" '
                 f'y2="26" stroke="{INK}" stroke-width="3"/>'
                 f'<text x="12" y="19" font-size="12" fill="{INK}">{_fmt(bar_m)} '
                 f'{escape(labels.metres)}</text>')  # fmt: skip
    parts.append(f'<text x="{WIDTH - 12}" y="20" text-anchor="end" font-size="13" '
                 f'font-weight="bold" fill="{INK}">N ↑</text>')  # fmt: skip
    parts.append(_legend(bounds_of_classes, map_h, labels.findings))
    return _svg(WIDTH, map_h + legend_h, labels.title, element_id, parts)


def scale_bar_metres(at_most: float) -> float:
    """The longest 1, 2 or 5 x 10^k metres not above ``at_most`` (a scale bar's length)."""
    power = 10 ** math.floor(math.log10(max(at_most, 1.0)))
    return max(m * power for m in (1, 2, 5) if m * power <= max(at_most, 1.0))


def class_colour(index: int, classes: int) -> str:
    """Fewer classes than colours spread over the scale, so the top class is always darkest."""
    if classes <= 1:
        return CLASS_COLOURS[-1]
    return CLASS_COLOURS[round(index * (len(CLASS_COLOURS) - 1) / (classes - 1))]


def _class_of(total: int, bounds: Sequence[int]) -> int:
    return next((i for i, b in enumerate(bounds) if total <= b), len(bounds) - 1)


def _legend(bounds: Sequence[int], top: int, caption: str) -> str:
    """Swatches with the count range each colour stands for, under the map."""
    y = top + 12
    parts = [f'<text x="12" y="{y + 13}" font-size="12" fill="{INK}">{escape(caption)}</text>']
    x = 12 + 7.2 * len(caption) + 14
    low = 1
    for i, high in enumerate(bounds):
        text = str(high) if low == high else f"{low}–{high}"
        parts.append(f'<rect x="{x:.0f}" y="{y}" width="22" height="16" '
                     f'fill="{class_colour(i, len(bounds))}" '
                     f'stroke="{INK}" stroke-width="0.5"/><text x="{x + 28:.0f}" y="{y + 13}" '
                     f'font-size="12" fill="{INK}">{text}</text>')  # fmt: skip
        x += 40 + 8 * len(text)
        low = high + 1
    return "".join(parts)
