"""Charts for the analytics pages as inline SVG: vertical bars (grouped or stacked series),
horizontal bars, histograms and lines over months.

Drawn on the server like the run plots (:mod:`isdc.runs.plots`, whose tick rule this reuses):
no JavaScript and presentation attributes only, so the Content-Security-Policy holds; the
text is real text, translated by the caller. Colours are the Okabe-Ito palette, which stays
distinguishable for colour-blind readers and in greyscale print; every bar carries its value
as a label and a ``<title>`` tooltip, and may link to the rows behind it (drill-down).
A chart with nothing to show returns None: the page says "no data" instead.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

from isdc.runs.plots import FONT, GREY, GRID, INK, nice_ticks
from isdc.runs.plots import _fmt as plain_number  # whole numbers plain, others one decimal

# Okabe & Ito (2008), ordered so that the first colours have good contrast on white.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#56B4E9", "#CC79A7", "#F0E442", "#000000")
# Text drawn on a bar of that colour: white on the dark ones, ink on the light ones.
_TEXT_ON = {"#0072B2": "#fff", "#009E73": "#fff", "#D55E00": "#fff", "#000000": "#fff",
            "#CC79A7": INK, "#E69F00": INK, "#56B4E9": INK, "#F0E442": INK}  # fmt: skip

Number = Callable[[float], str]


def colour(index: int) -> str:
    return PALETTE[index % len(PALETTE)]


@dataclass(frozen=True)
class Bar:
    """One bar of a horizontal bar chart; ``href`` leads to the rows behind it."""

    label: str
    value: float
    href: str | None = None
    note: str = ""  # extra words for the tooltip, e.g. "12 of 40 runs"


@dataclass(frozen=True)
class Series:
    """One named series over the chart's categories (a course, an organisation, ...)."""

    name: str
    values: Sequence[float]
    hrefs: Sequence[str | None] | None = None

    def href(self, i: int) -> str | None:
        return self.hrefs[i] if self.hrefs is not None and i < len(self.hrefs) else None


def _svg(width: int, height: int, title: str, element_id: str, parts: list[str]) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" id="{escape(element_id)}" class="anev-chart" '
        f'viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-labelledby="{escape(element_id)}-title" preserveAspectRatio="xMidYMid meet" '
        f'{FONT}><title id="{escape(element_id)}-title">{escape(title)}</title>'
        + "".join(parts)
        + "</svg>"
    )


def _linked(shape: str, href: str | None) -> str:
    return f'<a href="{escape(href)}">{shape}</a>' if href else shape


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _top(peak: float) -> tuple[float, list[float]]:
    ticks = nice_ticks(0, peak if peak > 0 else 1, 5)
    if ticks[-1] < peak * 1.08:  # leave room for the value labels above the highest bar
        ticks.append(ticks[-1] + (ticks[-1] - ticks[-2] if len(ticks) > 1 else 1))
    return ticks[-1], ticks


def _legend(names: Sequence[str], x: float, y: float, width: float) -> tuple[list[str], float]:
    """Swatches and names in rows across ``width``; returns the parts and the height used."""
    parts, cx, cy = [], x, y
    for i, name in enumerate(names):
        label = _short(name, 28)
        w = 22 + 7 * len(label) + 16
        if cx + w > x + width and cx > x:
            cx, cy = x, cy + 18
        parts.append(f'<rect x="{cx:.1f}" y="{cy - 10:.1f}" width="12" height="12" '
                     f'fill="{colour(i)}" stroke="#fff"/>')  # fmt: skip
        parts.append(f'<text x="{cx + 17:.1f}" y="{cy:.1f}" font-size="12" fill="{INK}">'
                     f"<title>{escape(name)}</title>{escape(label)}</text>")  # fmt: skip
        cx += w
    return parts, cy - y + 20


def bar_chart(
    categories: Sequence[str],
    series: Sequence[Series],
    *,
    title: str,
    element_id: str,
    y_label: str = "",
    stacked: bool = False,
    number: Number = plain_number,
    y_max: float | None = None,
    width: int = 820,
    height: int = 300,
) -> str | None:
    """Vertical bars per category; several series side by side, or ``stacked``; ``y_max``
    fixes the scale (100 for percentages)."""
    if not categories or not series:
        return None
    totals = [sum(s.values[i] for s in series) for i in range(len(categories))]
    peaks = (
        totals if stacked else [max(s.values[i] for s in series) for i in range(len(categories))]
    )
    if not any(v > 0 for v in peaks):
        return None
    top, ticks = _top(max(peaks)) if y_max is None else (y_max, nice_ticks(0, y_max, 6))
    left, right = 56, 12
    plot_w = width - left - right
    legend, legend_h = ([], 0.0)
    if len(series) > 1 or stacked:  # a stack names its parts even when there is one
        legend, legend_h = _legend([s.name for s in series], left, 14, plot_w)
    upper = 16 + legend_h
    slanted = len(categories) > 8 or max(len(c) for c in categories) * 7 > plot_w / len(categories)
    bottom = 70 if slanted else 36
    plot_h = height - upper - bottom

    def py(v: float) -> float:
        return upper + (1 - v / top) * plot_h

    parts = list(legend)
    for tick in ticks:
        y = py(tick)
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" '
                     f'stroke="{GRID}"/>')  # fmt: skip
        parts.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11" '
                     f'fill="{GREY}">{escape(number(tick))}</text>')  # fmt: skip
    if y_label:
        mid = upper + plot_h / 2
        parts.append(f'<text x="13" y="{mid:.0f}" transform="rotate(-90 13 {mid:.0f})" '
                     f'text-anchor="middle" font-size="12" fill="{INK}">{escape(y_label)}</text>')  # fmt: skip
    slot = plot_w / len(categories)
    # Few categories would make slabs of bars; keep them bar-shaped.
    group_w = min(slot * 0.78, 90.0 if stacked else 64.0 * len(series))
    bar_w = group_w if stacked else group_w / len(series)
    for i, category in enumerate(categories):
        x0 = left + i * slot + (slot - group_w) / 2
        base = 0.0
        for k, s in enumerate(series):
            value = s.values[i]
            if stacked:
                x, lo, hi = x0, base, base + value
                base = hi
            else:
                x, lo, hi = x0 + k * bar_w, 0.0, value
            if value <= 0:
                continue
            y_hi, y_lo = py(hi), py(lo)
            tip = (
                f"{category} · {s.name}: {number(value)}"
                if len(series) > 1
                else f"{category}: {number(value)}"
            )
            shape = (f'<rect x="{x:.1f}" y="{y_hi:.1f}" width="{max(bar_w - 1, 1):.1f}" '
                     f'height="{max(y_lo - y_hi, 0.5):.1f}" fill="{colour(k)}">'
                     f"<title>{escape(tip)}</title></rect>")  # fmt: skip
            parts.append(_linked(shape, s.href(i)))
            text = escape(number(value))
            if stacked:
                # Parts are labelled inside when they fit; a lone part is the total above it.
                if len(series) > 1 and y_lo - y_hi >= 14 and bar_w >= 7 * len(text) + 4:
                    parts.append(f'<text x="{x + bar_w / 2:.1f}" y="{(y_hi + y_lo) / 2 + 4:.1f}" '
                                 f'text-anchor="middle" font-size="11" fill="{_TEXT_ON[colour(k)]}">{text}</text>')  # fmt: skip
            elif bar_w >= 6 * len(text) or len(series) == 1:
                parts.append(f'<text x="{x + bar_w / 2:.1f}" y="{y_hi - 4:.1f}" text-anchor="middle" '
                             f'font-size="11" fill="{INK}">{text}</text>')  # fmt: skip
        if stacked and totals[i] > 0:
            parts.append(f'<text x="{x0 + group_w / 2:.1f}" y="{py(totals[i]) - 4:.1f}" '
                         f'text-anchor="middle" font-size="11" font-weight="bold" fill="{INK}">'
                         f"{escape(number(totals[i]))}</text>")  # fmt: skip
        cx, cy = left + i * slot + slot / 2, upper + plot_h + 15
        label = escape(_short(category, 16 if slanted else 40))
        if slanted:
            parts.append(f'<text x="{cx:.1f}" y="{cy:.1f}" text-anchor="end" font-size="11" '
                         f'fill="{INK}" transform="rotate(-35 {cx:.1f} {cy:.1f})">'
                         f"<title>{escape(category)}</title>{label}</text>")  # fmt: skip
        else:
            parts.append(f'<text x="{cx:.1f}" y="{cy:.1f}" text-anchor="middle" font-size="11" '
                         f'fill="{INK}">{label}</text>')  # fmt: skip
    parts.append(f'<line x1="{left}" x2="{width - right}" y1="{py(0):.1f}" y2="{py(0):.1f}" '
                 f'stroke="#adb5bd"/>')  # fmt: skip
    return _svg(width, height, title, element_id, parts)


def hbar_chart(
    bars: Sequence[Bar],
    *,
    title: str,
    element_id: str,
    x_label: str = "",
    number: Number = plain_number,
    x_max: float | None = None,
    width: int = 820,
    highlight: Callable[[Bar], bool] | None = None,
) -> str | None:
    """One horizontal bar per item, in the order given (sort before calling); ``x_max`` fixes
    the scale (100 for percentages); ``highlight`` draws chosen bars in the second colour."""
    if not bars or not any(b.value > 0 for b in bars):
        return None
    peak = max(b.value for b in bars)
    top, ticks = _top(peak) if x_max is None else (x_max, nice_ticks(0, x_max, 6))
    label_w = min(260, max(80, 7 * max(len(_short(b.label, 36)) for b in bars) + 12))
    left, right, row = label_w, 56, 24
    upper, bottom = 8, 36 if x_label else 22
    height = int(upper + row * len(bars) + bottom)
    plot_w = width - left - right

    def px(v: float) -> float:
        return left + min(v, top) / top * plot_w

    parts = []
    for tick in ticks:
        x = px(tick)
        parts.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{upper}" y2="{height - bottom}" '
                     f'stroke="{GRID}"/>')  # fmt: skip
        parts.append(f'<text x="{x:.1f}" y="{height - bottom + 14}" text-anchor="middle" '
                     f'font-size="11" fill="{GREY}">{escape(number(tick))}</text>')  # fmt: skip
    if x_label:
        parts.append(f'<text x="{left + plot_w / 2:.0f}" y="{height - 4}" text-anchor="middle" '
                     f'font-size="12" fill="{INK}">{escape(x_label)}</text>')  # fmt: skip
    for i, bar in enumerate(bars):
        y = upper + i * row
        fill = colour(1) if highlight is not None and highlight(bar) else colour(0)
        tip = f"{bar.label}: {number(bar.value)}" + (f" ({bar.note})" if bar.note else "")
        parts.append(f'<text x="{left - 6}" y="{y + row / 2 + 4:.1f}" text-anchor="end" '
                     f'font-size="12" fill="{INK}"><title>{escape(bar.label)}</title>'
                     f"{escape(_short(bar.label, 36))}</text>")  # fmt: skip
        shape = (f'<rect x="{left}" y="{y + 4:.1f}" width="{max(px(bar.value) - left, 0.5):.1f}" '
                 f'height="{row - 8}" fill="{fill}"><title>{escape(tip)}</title></rect>')  # fmt: skip
        parts.append(_linked(shape, bar.href))
        parts.append(f'<text x="{px(bar.value) + 4:.1f}" y="{y + row / 2 + 4:.1f}" font-size="11" '
                     f'fill="{INK}">{escape(number(bar.value))}</text>')  # fmt: skip
    parts.append(f'<line x1="{left}" x2="{left}" y1="{upper}" y2="{height - bottom}" '
                 f'stroke="#adb5bd"/>')  # fmt: skip
    return _svg(width, height, title, element_id, parts)


def histogram(
    edges: Sequence[float],
    counts: Sequence[int],
    *,
    title: str,
    element_id: str,
    y_label: str = "",
    hrefs: Sequence[str | None] | None = None,
    number: Number = plain_number,
    width: int = 820,
    height: int = 260,
) -> str | None:
    """Counts per bin ``[edges[i], edges[i+1])`` (the last bin includes its upper edge)."""
    if len(edges) != len(counts) + 1:
        raise ValueError("a histogram needs one edge more than it has bins")
    categories = [
        f"{plain_number(a)}–{plain_number(b)}" for a, b in zip(edges[:-1], edges[1:], strict=True)
    ]
    return bar_chart(categories, [Series(title, counts, hrefs)], title=title, element_id=element_id,
                     y_label=y_label, number=number, width=width, height=height)  # fmt: skip


def month_chart(
    months: Sequence[str],
    series: Sequence[Series],
    *,
    title: str,
    element_id: str,
    y_label: str = "",
    kind: str = "line",
    stacked: bool = False,
    number: Number = plain_number,
    y_max: float | None = None,
    width: int = 820,
    height: int = 280,
) -> str | None:
    """Values over months (``months`` are the axis labels): bars (see :func:`bar_chart`) or
    lines with a labelled, linkable point per month; ``y_max`` fixes the scale (100 for %)."""
    if kind == "bar":
        return bar_chart(months, series, title=title, element_id=element_id, y_label=y_label,
                         stacked=stacked, number=number, width=width, height=height)  # fmt: skip
    if (
        not months
        or not series
        or not any(v > 0 for s in series for v in s.values if v is not None)
    ):
        return None
    peak = max(v for s in series for v in s.values if v is not None)
    top, ticks = _top(peak) if y_max is None else (y_max, nice_ticks(0, y_max, 6))
    left, right = 56, 24
    plot_w = width - left - right
    legend, legend_h = ([], 0.0)
    if len(series) > 1:
        legend, legend_h = _legend([s.name for s in series], left, 14, plot_w)
    upper, bottom = 20 + legend_h, 36
    plot_h = height - upper - bottom
    step = plot_w / len(months)

    def px(i: int) -> float:
        return left + step * (i + 0.5)

    def py(v: float) -> float:
        return upper + (1 - v / top) * plot_h

    parts = list(legend)
    for tick in ticks:
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{py(tick):.1f}" y2="{py(tick):.1f}" '
                     f'stroke="{GRID}"/>')  # fmt: skip
        parts.append(f'<text x="{left - 6}" y="{py(tick) + 4:.1f}" text-anchor="end" font-size="11" '
                     f'fill="{GREY}">{escape(number(tick))}</text>')  # fmt: skip
    if y_label:
        mid = upper + plot_h / 2
        parts.append(f'<text x="13" y="{mid:.0f}" transform="rotate(-90 13 {mid:.0f})" '
                     f'text-anchor="middle" font-size="12" fill="{INK}">{escape(y_label)}</text>')  # fmt: skip
    for i, month in enumerate(months):
        parts.append(f'<text x="{px(i):.1f}" y="{upper + plot_h + 16:.1f}" text-anchor="middle" '
                     f'font-size="11" fill="{INK}">{escape(month)}</text>')  # fmt: skip
    for k, s in enumerate(series):
        points = [(px(i), py(v)) for i, v in enumerate(s.values) if v is not None]
        if len(points) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
            dash = ' stroke-dasharray="6 3"' if k % 2 else ""  # tell lines apart without colour
            parts.append(f'<polyline points="{path}" fill="none" stroke="{colour(k)}" '
                         f'stroke-width="2.5" stroke-linejoin="round"{dash}/>')  # fmt: skip
        for i, v in enumerate(s.values):
            if v is None:
                continue
            tip = (
                f"{months[i]} · {s.name}: {number(v)}"
                if len(series) > 1
                else f"{months[i]}: {number(v)}"
            )
            dot = (f'<circle cx="{px(i):.1f}" cy="{py(v):.1f}" r="5" fill="{colour(k)}" stroke="#fff" '
                   f'stroke-width="1.5"><title>{escape(tip)}</title></circle>')  # fmt: skip
            parts.append(_linked(dot, s.href(i)))
            parts.append(f'<text x="{px(i):.1f}" y="{py(v) - 9:.1f}" text-anchor="middle" '
                         f'font-size="11" fill="{INK}">{escape(number(v))}</text>')  # fmt: skip
    parts.append(f'<line x1="{left}" x2="{width - right}" y1="{py(0):.1f}" y2="{py(0):.1f}" '
                 f'stroke="#adb5bd"/>')  # fmt: skip
    return _svg(width, height, title, element_id, parts)
