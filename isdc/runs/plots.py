"""Pictures of a run as inline SVG (no JavaScript, no inline CSS, no CDN): speed against time
with the limit, time headway against time, the trajectory on the road layout with the findings
marked, and a trainee's scores across attempts.

Hand-written SVG rather than a plotting library: the pictures are few and simple, render
crisply at any size and in print, carry translated text as real text, and cost milliseconds.
Only presentation attributes are used, so the pages' Content-Security-Policy (no inline
styles) holds. Every label arrives translated from the caller.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

import numpy as np

BLUE = "#0b5cad"
RED = "#c62828"
AMBER = "#b26a00"
GREEN = "#1b7f3b"
GREY = "#6c757d"
GRID = "#e3e7ec"
INK = "#212529"
ROAD = "#c9ced6"
FONT = 'font-family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif"'
SEVERITY_COLOURS = {"critical": RED, "major": AMBER, "minor": "#7a5cc2"}


@dataclass(frozen=True)
class Marker:
    """A finding drawn on a plot: its number in the findings table, time, place, severity."""

    number: int
    t: float
    x: float | None
    y: float | None
    severity: str


def nice_ticks(lo: float, hi: float, count: int = 6) -> list[float]:
    """Round tick values (1, 2, 5 x 10^k steps) covering lo..hi."""
    if not (math.isfinite(lo) and math.isfinite(hi)) or hi <= lo:
        return [lo]
    raw = (hi - lo) / max(1, count - 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    start = math.ceil(lo / step - 1e-9) * step
    ticks = []
    value = start
    while value <= hi + step * 1e-9:
        ticks.append(round(value, 10))
        value += step
    return ticks


def _fmt(value: float) -> str:
    return f"{value:.0f}" if abs(value - round(value)) < 1e-9 else f"{value:.1f}"


def decimate(t: np.ndarray, v: np.ndarray, buckets: int = 700) -> tuple[np.ndarray, np.ndarray]:
    """At most ~2 x ``buckets`` points keeping each bucket's minimum and maximum, so peaks
    (the top speed, the shortest headway) survive; NaN gaps stay gaps."""
    n = len(t)
    if n <= 2 * buckets:
        return t, v
    edges = np.linspace(0, n, buckets + 1).astype(int)
    keep: list[int] = []
    for a, b in zip(edges[:-1], edges[1:], strict=True):
        chunk = v[a:b]
        finite = np.isfinite(chunk)
        if not finite.any():
            keep.append(a)
            continue
        lo = a + int(np.nanargmin(chunk))
        hi = a + int(np.nanargmax(chunk))
        keep.extend(sorted({lo, hi}))
        if not finite.all():
            keep.append(a + int(np.argmin(finite)))  # keep one NaN so the gap shows
    idx = np.array(sorted(set(keep)))
    return t[idx], v[idx]


class Chart:
    """A time chart: plot area, axes with nice ticks, polylines with NaN gaps, markers."""

    def __init__(
        self,
        x_range: tuple[float, float],
        y_range: tuple[float, float],
        *,
        width: int = 820,
        height: int = 260,
        x_label: str = "",
        y_label: str = "",
        title: str = "",
    ):
        self.w, self.h = width, height
        self.left, self.right, self.top, self.bottom = 56, 16, 30, 40
        self.x0, self.x1 = x_range
        self.y0, self.y1 = y_range
        if self.x1 <= self.x0:
            self.x1 = self.x0 + 1
        if self.y1 <= self.y0:
            self.y1 = self.y0 + 1
        self.parts: list[str] = []
        self.title = title
        self.x_label, self.y_label = x_label, y_label

    def px(self, x: float) -> float:
        return self.left + (x - self.x0) / (self.x1 - self.x0) * (self.w - self.left - self.right)

    def py(self, y: float) -> float:
        span = self.h - self.top - self.bottom
        return self.top + (1 - (y - self.y0) / (self.y1 - self.y0)) * span

    def axes(self) -> None:
        p = self.parts
        for tick in nice_ticks(self.y0, self.y1, 6):
            y = self.py(tick)
            p.append(f'<line x1="{self.left}" x2="{self.w - self.right}" y1="{y:.1f}" '
                     f'y2="{y:.1f}" stroke="{GRID}" stroke-width="1"/>')  # fmt: skip
            p.append(f'<text x="{self.left - 6}" y="{y + 4:.1f}" text-anchor="end" '
                     f'font-size="12" fill="{GREY}">{_fmt(tick)}</text>')  # fmt: skip
        for tick in nice_ticks(self.x0, self.x1, 9):
            x = self.px(tick)
            p.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{self.top}" '
                     f'y2="{self.h - self.bottom}" stroke="{GRID}" stroke-width="1"/>')  # fmt: skip
            p.append(f'<text x="{x:.1f}" y="{self.h - self.bottom + 16}" text-anchor="middle" '
                     f'font-size="12" fill="{GREY}">{_fmt(tick)}</text>')  # fmt: skip
        p.append(f'<rect x="{self.left}" y="{self.top}" width="{self.w - self.left - self.right}" '
                 f'height="{self.h - self.top - self.bottom}" fill="none" stroke="#adb5bd"/>')  # fmt: skip
        if self.x_label:
            p.append(f'<text x="{(self.left + self.w - self.right) / 2:.0f}" y="{self.h - 6}" '
                     f'text-anchor="middle" font-size="12" fill="{INK}">{escape(self.x_label)}</text>')  # fmt: skip
        if self.y_label:
            p.append(f'<text x="14" y="{(self.top + self.h - self.bottom) / 2:.0f}" '
                     f'transform="rotate(-90 14 {(self.top + self.h - self.bottom) / 2:.0f})" '
                     f'text-anchor="middle" font-size="12" fill="{INK}">{escape(self.y_label)}</text>')  # fmt: skip

    def line(self, t: np.ndarray, v: np.ndarray, colour: str, width: float = 2.0,
             dash: str | None = None) -> None:  # fmt: skip
        for d in self._paths(t, v):
            extra = f' stroke-dasharray="{dash}"' if dash else ""
            self.parts.append(f'<path d="{d}" fill="none" stroke="{colour}" '
                              f'stroke-width="{width}" stroke-linejoin="round"{extra}/>')  # fmt: skip

    def _paths(self, t: np.ndarray, v: np.ndarray) -> list[str]:
        v = np.clip(v, self.y0, self.y1)
        paths, current = [], []
        for tt, vv in zip(t.tolist(), v.tolist(), strict=True):
            if not math.isfinite(vv):
                if len(current) > 1:
                    paths.append("M" + "L".join(current))
                current = []
                continue
            current.append(f"{self.px(tt):.1f},{self.py(vv):.1f}")
        if len(current) > 1:
            paths.append("M" + "L".join(current))
        return paths

    def hline(self, y: float, colour: str, dash: str = "6 4", label: str = "") -> None:
        if not (self.y0 <= y <= self.y1):
            return
        py = self.py(y)
        self.parts.append(f'<line x1="{self.left}" x2="{self.w - self.right}" y1="{py:.1f}" '
                          f'y2="{py:.1f}" stroke="{colour}" stroke-width="1.5" '
                          f'stroke-dasharray="{dash}"/>')  # fmt: skip
        if label:
            self.parts.append(f'<text x="{self.w - self.right - 4}" y="{py - 4:.1f}" '
                              f'text-anchor="end" font-size="11" fill="{colour}">{escape(label)}</text>')  # fmt: skip

    def markers(self, markers: Sequence[Marker]) -> None:
        """Numbered flags along the top edge at each finding's time, with a thin guide line;
        flags that would overlap step down a row so every number stays readable."""
        rows: list[list[float]] = []
        for m in markers:
            if not (self.x0 <= m.t <= self.x1):
                continue
            x = self.px(m.t)
            colour = SEVERITY_COLOURS.get(m.severity, RED)
            row = next(
                (i for i, used in enumerate(rows) if all(abs(x - u) >= 19 for u in used)), len(rows)
            )
            if row == len(rows):
                rows.append([])
            rows[row].append(x)
            self.parts.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{self.top}" '
                              f'y2="{self.h - self.bottom}" stroke="{colour}" stroke-width="1" '
                              f'stroke-dasharray="2 3"/>')  # fmt: skip
            self.parts.append(_badge(x, self.top - 11 + 20 * row, m.number, colour))

    def legend(self, entries: Sequence[tuple[str, str, str | None]]) -> None:
        x = self.left
        for label, colour, dash in entries:
            extra = f' stroke-dasharray="{dash}"' if dash else ""
            self.parts.append(f'<line x1="{x}" x2="{x + 22}" y1="{self.h - 22}" y2="{self.h - 22}" '
                              f'stroke="{colour}" stroke-width="2.5"{extra}/>')  # fmt: skip
            self.parts.append(f'<text x="{x + 27}" y="{self.h - 18}" font-size="12" '
                              f'fill="{INK}">{escape(label)}</text>')  # fmt: skip
            x += 40 + 7 * len(label)

    def svg(self, element_id: str) -> str:
        return _svg(self.w, self.h, self.title, element_id, self.parts)


def _badge(x: float, y: float, number: int, colour: str) -> str:
    return (f'<circle cx="{x:.1f}" cy="{y:.1f}" r="9" fill="{colour}"/>'
            f'<text x="{x:.1f}" y="{y + 4:.1f}" text-anchor="middle" font-size="11" '
            f'font-weight="bold" fill="#fff">{number}</text>')  # fmt: skip


def _svg(width: int, height: int, title: str, element_id: str, parts: list[str]) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" id="{element_id}" class="run-plot" '
        f'viewBox="0 0 {width} {height}" width="100%" role="img" aria-label="{escape(title)}" '
        f'preserveAspectRatio="xMidYMid meet" {FONT}><title>{escape(title)}</title>'
        + "".join(parts)
        + "</svg>"
    )


# ----------------------------------------------------------------------------- the pictures


@dataclass(frozen=True)
class SpeedLabels:
    title: str
    time: str
    speed: str
    speed_line: str
    limit_line: str
    over_line: str


def speed_plot(
    t: np.ndarray, speed_ms: np.ndarray, limit_ms: np.ndarray, markers: Sequence[Marker],
    labels: SpeedLabels,
) -> str:  # fmt: skip
    """Speed (km/h) over time with the limit in force drawn as steps; speeding in red."""
    kmh = speed_ms.astype(np.float64) * 3.6
    limit = limit_ms.astype(np.float64) * 3.6
    values = np.concatenate([kmh, limit])
    values = values[np.isfinite(values)]
    peak = max(10.0, float(values.max()) if values.size else 10.0)
    ticks = nice_ticks(0, peak * 1.1, 6)
    top = ticks[-1] if ticks[-1] >= peak * 1.05 else ticks[-1] + (ticks[-1] - ticks[-2])
    chart = Chart((float(t[0]) if len(t) else 0.0, float(t[-1]) if len(t) else 1.0), (0, top),
                  x_label=labels.time, y_label=labels.speed, title=labels.title, height=280)  # fmt: skip
    chart.bottom = 52
    chart.axes()
    if len(t):
        chart.line(*_steps(t, limit), colour=GREY, width=1.8, dash="6 4")
        tt, vv = decimate(t, kmh)
        chart.line(tt, vv, BLUE, 2.2)
        over = np.where(kmh > limit + 0.5, kmh, np.nan)
        if np.isfinite(over).any():
            to, vo = decimate(t, over)
            chart.line(to, vo, RED, 2.6)
    chart.markers(markers)
    chart.legend([(labels.speed_line, BLUE, None), (labels.limit_line, GREY, "6 4"),
                  (labels.over_line, RED, None)])  # fmt: skip
    return chart.svg("speed-plot")


def _steps(t: np.ndarray, v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A piecewise-constant signal as exact steps: a point before and after each change."""
    if len(t) < 2:
        return t, v
    change = np.flatnonzero(np.diff(v) != 0) + 1
    idx = np.unique(np.concatenate([[0], change - 1, change, [len(t) - 1]]))
    return t[idx], v[idx]


@dataclass(frozen=True)
class HeadwayLabels:
    title: str
    time: str
    headway: str
    headway_line: str
    rule_line: str
    close_line: str


def headway_series(t: np.ndarray, gap: np.ndarray, speed: np.ndarray) -> np.ndarray:
    """Time headway (s) = gap / speed while following at speed; NaN when not following."""
    with np.errstate(divide="ignore", invalid="ignore"):
        h = gap.astype(np.float64) / speed.astype(np.float64)
    h[(speed < 2.0) | ~np.isfinite(h)] = np.nan
    return h


def headway_plot(
    t: np.ndarray, headway: np.ndarray, markers: Sequence[Marker], labels: HeadwayLabels,
    rule_s: float = 2.0, close_s: float = 1.0,
) -> str | None:  # fmt: skip
    """Time headway against time with the 2-second rule; None when no vehicle was ahead."""
    if not len(t) or not np.isfinite(headway).any():
        return None
    top = 6.0
    chart = Chart((float(t[0]), float(t[-1])), (0, top), x_label=labels.time,
                  y_label=labels.headway, title=labels.title, height=240)  # fmt: skip
    chart.bottom = 52
    chart.axes()
    chart.hline(rule_s, GREEN, label=labels.rule_line)
    chart.hline(close_s, RED, label=labels.close_line)
    tt, hh = decimate(t, headway)
    chart.line(tt, hh, BLUE, 2.2)
    chart.markers(markers)
    chart.legend([(labels.headway_line, BLUE, None), (labels.rule_line, GREEN, "6 4"),
                  (labels.close_line, RED, "6 4")])  # fmt: skip
    return chart.svg("headway-plot")


@dataclass(frozen=True)
class TrajectoryLabels:
    title: str
    start: str
    end: str
    path: str
    metres: str


@functools.lru_cache(maxsize=32)
def road_paths(scenario_id: str) -> tuple[str, ...]:
    """SVG path data (world metres) of the road surfaces of a built-in scenario."""
    from isdc.runs.catalogue import scenario

    try:
        road_map = scenario(scenario_id).layout.road_map
    except Exception:  # noqa: BLE001 - an unknown or broken scenario: draw the path alone
        return ()
    paths = []
    for lane in road_map.lanes:
        left, right = lane.edge_polylines(step=2.0)
        outline = np.concatenate([left, right[::-1]])
        paths.append("M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in outline) + "Z")
    for junction in road_map.junctions:
        if len(junction.polygon):
            paths.append("M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in junction.polygon) + "Z")
    return tuple(paths)


def trajectory_plot(
    scenario_id: str, x: np.ndarray, y: np.ndarray, markers: Sequence[Marker],
    labels: TrajectoryLabels, width: int = 820,
) -> str:  # fmt: skip
    """The ego's path over the road layout (north up, equal scale) with findings numbered."""
    finite = np.isfinite(x) & np.isfinite(y)
    xs, ys = x[finite].astype(np.float64), y[finite].astype(np.float64)
    if not len(xs):
        xs, ys = np.array([0.0, 1.0]), np.array([0.0, 1.0])
    pad = 25.0
    x0, x1 = float(xs.min()) - pad, float(xs.max()) + pad
    y0, y1 = float(ys.min()) - pad, float(ys.max()) + pad
    # Equal scale; keep the picture between a strip and a square by widening the short side.
    height = int(max(200, min(520, width * (y1 - y0) / (x1 - x0))))
    scale = min(width / (x1 - x0), height / (y1 - y0))
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2

    def sx(v: float) -> float:
        return width / 2 + (v - cx) * scale

    def sy(v: float) -> float:
        return height / 2 - (v - cy) * scale

    parts = [f'<rect width="{width}" height="{height}" fill="#eef3e8"/>']
    transform = f"matrix({scale:.5f},0,0,{-scale:.5f},{sx(0):.2f},{sy(0):.2f})"
    roads = road_paths(scenario_id)
    if roads:
        parts.append(f'<g transform="{transform}" fill="{ROAD}" stroke="{ROAD}" '
                     f'stroke-width="0.6">' + "".join(f'<path d="{d}"/>' for d in roads) + "</g>")  # fmt: skip
    step = max(1, len(xs) // 1500)
    points = " ".join(
        f"{sx(a):.1f},{sy(b):.1f}" for a, b in zip(xs[::step], ys[::step], strict=True)
    )
    points += f" {sx(xs[-1]):.1f},{sy(ys[-1]):.1f}"
    parts.append(f'<polyline points="{points}" fill="none" stroke="{BLUE}" stroke-width="3" '
                 f'stroke-linejoin="round" stroke-linecap="round"/>')  # fmt: skip
    parts.append(f'<circle cx="{sx(xs[0]):.1f}" cy="{sy(ys[0]):.1f}" r="7" fill="{GREEN}" '
                 f'stroke="#fff" stroke-width="2"><title>{escape(labels.start)}</title></circle>')  # fmt: skip
    parts.append(f'<rect x="{sx(xs[-1]) - 6:.1f}" y="{sy(ys[-1]) - 6:.1f}" width="12" height="12" '
                 f'fill="{INK}" stroke="#fff" stroke-width="2"><title>{escape(labels.end)}</title></rect>')  # fmt: skip
    placed: list[tuple[float, float]] = []
    for m in markers:
        if m.x is None or m.y is None:
            continue
        colour = SEVERITY_COLOURS.get(m.severity, RED)
        bx, by = sx(m.x), sy(m.y)
        # Findings at almost the same place: fan the badges out sideways, linked to the spot.
        shift = 0
        while any(abs(bx + shift - px) < 19 and abs(by - py) < 19 for px, py in placed):
            shift += 20
        if shift:
            parts.append(f'<line x1="{bx:.1f}" y1="{by:.1f}" x2="{bx + shift:.1f}" y2="{by:.1f}" '
                         f'stroke="{colour}" stroke-width="1.5"/>')  # fmt: skip
        placed.append((bx + shift, by))
        parts.append(_badge(bx + shift, by, m.number, colour))
    # Scale bar: a round number of metres about a fifth of the width.
    bar_m = nice_ticks(0, (width / scale) / 5, 2)[-1] or 10.0
    bar_px = bar_m * scale
    parts.append(f'<line x1="12" x2="{12 + bar_px:.1f}" y1="{height - 14}" y2="{height - 14}" '
                 f'stroke="{INK}" stroke-width="3"/>'
                 f'<text x="12" y="{height - 20}" font-size="12" fill="{INK}">{_fmt(bar_m)} '
                 f'{escape(labels.metres)}</text>')  # fmt: skip
    parts.append(f'<text x="{width - 12}" y="20" text-anchor="end" font-size="13" '
                 f'font-weight="bold" fill="{INK}">N ↑</text>')  # fmt: skip
    legend_x = width - 12
    parts.append(f'<text x="{legend_x}" y="{height - 12}" text-anchor="end" font-size="12" '
                 f'fill="{INK}">● {escape(labels.start)}  ■ {escape(labels.end)}</text>')  # fmt: skip
    return _svg(width, height, labels.title, "trajectory-plot", parts)


@dataclass(frozen=True)
class TrendLabels:
    title: str
    attempt: str
    score: str
    pass_mark: str


def score_trend(
    scores: Sequence[float | None], pass_mark: float | None, labels: TrendLabels,
    element_id: str,
) -> str:  # fmt: skip
    """Scores across attempts (1, 2, 3, ...) with the pass mark; a compact chart."""
    n = len(scores)
    chart = Chart((0.6, max(n, 1) + 0.4), (0, 100), width=420, height=170,
                  x_label=labels.attempt, y_label=labels.score, title=labels.title)  # fmt: skip
    chart.left, chart.top, chart.bottom = 40, 12, 34
    p = chart.parts
    for tick in (0, 50, 100):
        y = chart.py(tick)
        p.append(f'<line x1="{chart.left}" x2="{chart.w - chart.right}" y1="{y:.1f}" y2="{y:.1f}" '
                 f'stroke="{GRID}"/><text x="{chart.left - 5}" y="{y + 4:.1f}" text-anchor="end" '
                 f'font-size="11" fill="{GREY}">{tick}</text>')  # fmt: skip
    for i in range(1, n + 1):
        if n <= 12 or i % max(1, n // 10) == 0:
            p.append(f'<text x="{chart.px(i):.1f}" y="{chart.h - chart.bottom + 14}" '
                     f'text-anchor="middle" font-size="11" fill="{GREY}">{i}</text>')  # fmt: skip
    p.append(f'<text x="{(chart.left + chart.w) / 2:.0f}" y="{chart.h - 4}" text-anchor="middle" '
             f'font-size="11" fill="{INK}">{escape(labels.attempt)}</text>')  # fmt: skip
    if pass_mark is not None:
        chart.hline(pass_mark, GREEN, label=f"{labels.pass_mark} {_fmt(pass_mark)}")
    values = np.array([np.nan if s is None else s for s in scores], dtype=np.float64)
    chart.line(np.arange(1, n + 1, dtype=np.float64), values, BLUE, 2)
    for i, s in enumerate(scores, start=1):
        if s is None:
            continue
        ok = pass_mark is None or s >= pass_mark
        p.append(f'<circle cx="{chart.px(i):.1f}" cy="{chart.py(s):.1f}" r="4.5" '
                 f'fill="{GREEN if ok else RED}" stroke="#fff" stroke-width="1.5">'
                 f'<title>{i}: {_fmt(s)}</title></circle>')  # fmt: skip
    return chart.svg(element_id)
