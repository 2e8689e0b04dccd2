"""Vector ornament of the certificate: colours, frame, rosette and the default ISDC mark.

The default mark is a neutral emblem (a steering wheel over a road in a ring lettered with the
centre's name), drawn when a site has no logo image; it imitates no real police emblem. None
of this depends on the holder, so each piece is built once per process and spliced into every
page; the two repeated motifs are form XObjects stored once per file and placed many times.
"""

from __future__ import annotations

import math
from functools import lru_cache

from reportlab.lib.colors import HexColor

from isdc.certificates import fonts
from isdc.certificates.content import Content, Item
from isdc.certificates.pdfobjects import flate_stream_body, pdf_number

NAVY = HexColor("#1F2F56")
GOLD = HexColor("#B08D3C")
INK = HexColor("#1C1C1C")
GREY = HexColor("#5A5F69")
PALE = HexColor("#E6EAF3")  # the rosette: visible on paper, quiet behind the text
WHITE = HexColor("#FFFFFF")

WAVE_FORM = "Wv"
PETAL_FORM = "Pt"
_WAVE_PERIOD = 14.0
_WAVE_DEPTH = 3.2


def _form_body(content: Content, bbox: tuple[float, float, float, float]) -> bytes:
    box = " ".join(pdf_number(v) for v in bbox)
    return flate_stream_body(
        f"/Type /XObject /Subtype /Form /BBox [{box}] /Resources << >>",
        content.to_bytes({}),
        9,
    )


@lru_cache(maxsize=1)
def form_bodies() -> dict[str, bytes]:
    """The repeated motifs as form XObject bodies, by resource name.

    Drawn as plain paths, the frame's waves and the rosette would put some 40 KB of coordinates
    into every certificate; as forms they cost a few hundred bytes.
    """
    p, a = _WAVE_PERIOD, _WAVE_DEPTH
    h = a * 4 / 3  # a cubic whose two control points are at h peaks at 3/4 h = a
    wave = Content()
    wave.stroke_colour(GOLD)
    wave.line_width(0.5)
    for sign in (1, -1):  # two waves in opposite phase: a chain of links
        wave.raw(
            f"0 0 m {pdf_number(p * 0.18)} {pdf_number(sign * h)} {pdf_number(p * 0.32)} "
            f"{pdf_number(sign * h)} {pdf_number(p / 2)} 0 c "
            f"{pdf_number(p * 0.68)} {pdf_number(-sign * h)} {pdf_number(p * 0.82)} "
            f"{pdf_number(-sign * h)} {pdf_number(p)} 0 c S"
        )
    petal = Content()
    petal.stroke_colour(PALE)
    petal.line_width(0.5)
    petal.ellipse(75, 0, 75, 26, stroke=True)
    petal.ellipse(48, 0, 48, 11, stroke=True)
    return {
        WAVE_FORM: _form_body(wave, (-1, -a - 1, p + 1, a + 1)),
        PETAL_FORM: _form_body(petal, (-2, -28, 152, 28)),
    }


def _place(
    content: Content, form: str, a: float, b: float, c: float, d: float, e: float, f: float
) -> None:
    content.raw(
        f"q {pdf_number(round(a, 4))} {pdf_number(round(b, 4))} {pdf_number(round(c, 4))} "
        f"{pdf_number(round(d, 4))} {pdf_number(round(e, 2))} {pdf_number(round(f, 2))} cm /{form} Do Q"
    )


@lru_cache(maxsize=4)
def frame(width: float, height: float) -> tuple[Item, ...]:
    """A navy outer rule, a band of gold waves and a fine inner gold rule, with corner marks."""
    content = Content()
    content.save()
    content.stroke_colour(NAVY)
    content.line_width(2.6)
    content.rect(18, 18, width - 36, height - 36, stroke=True)
    inset = 26.5
    corners = (
        (inset, inset),
        (width - inset, inset),
        (width - inset, height - inset),
        (inset, height - inset),
    )
    for i, (x0, y0) in enumerate(corners):
        x1, y1 = corners[(i + 1) % 4]
        length = math.hypot(x1 - x0, y1 - y0)
        dx, dy = (x1 - x0) / length, (y1 - y0) / length
        count = max(1, round(length / _WAVE_PERIOD))  # a whole number of waves per side
        step = length / count
        stretch = step / _WAVE_PERIOD
        for k in range(count):
            _place(
                content,
                WAVE_FORM,
                dx * stretch,
                dy * stretch,
                -dy,
                dx,
                x0 + dx * step * k,
                y0 + dy * step * k,
            )
    content.stroke_colour(GOLD)
    content.line_width(0.8)
    content.rect(34, 34, width - 68, height - 68, stroke=True)
    content.fill_colour(NAVY)
    for cx, cy in corners:
        content.polygon(((cx, cy - 6.5), (cx + 6.5, cy), (cx, cy + 6.5), (cx - 6.5, cy)))
    content.restore()
    return tuple(content.items)


@lru_cache(maxsize=4)
def rosette(cx: float, cy: float, radius: float) -> tuple[Item, ...]:
    """A guilloche-like rosette of petals turned round a centre, as on diplomas and banknotes."""
    content = Content()
    petals = 36
    scale = radius / 150
    for k in range(petals):
        angle = 2 * math.pi * k / petals
        cos, sin = math.cos(angle) * scale, math.sin(angle) * scale
        _place(content, PETAL_FORM, cos, sin, -sin, cos, cx, cy)
    return tuple(content.items)


def _arc_text(
    content: Content,
    cx: float,
    cy: float,
    text: str,
    font: str,
    size: float,
    radius: float,
    centre_deg: float,
    top: bool,
) -> None:
    """Letters along a circle around (cx, cy), upright, reading left to right."""
    advances = [fonts.text_width(ch, font, size) for ch in text]
    gap = size * 0.12
    total = sum(advances) + gap * (len(text) - 1)
    span = total / radius  # radians the text covers
    angle = math.radians(centre_deg) + (span / 2 if top else -span / 2)
    for ch, adv in zip(text, advances, strict=True):
        half = (adv / 2) / radius
        angle += -half if top else half
        if top:
            content.text_rotated(font, size, math.degrees(angle) - 90, cx, cy, -adv / 2, radius, ch)
        else:
            content.text_rotated(
                font, size, math.degrees(angle) + 90, cx, cy, -adv / 2, -radius - size * 0.72, ch
            )
        step = half + gap / radius
        angle += -step if top else step


def _star(
    x: float, y: float, radius: float, turn_deg: float, cx: float, cy: float
) -> list[tuple[float, float]]:
    """A five-pointed star at (x, y) relative to (cx, cy), turned about (cx, cy)."""
    t = math.radians(turn_deg)
    points = []
    for i in range(10):
        rr = radius if i % 2 == 0 else radius * 0.42
        a = math.pi / 2 + i * math.pi / 5
        px, py = x + rr * math.cos(a), y + rr * math.sin(a)
        points.append(
            (cx + px * math.cos(t) - py * math.sin(t), cy + px * math.sin(t) + py * math.cos(t))
        )
    return points


@lru_cache(maxsize=4)
def default_mark(cx: float, cy: float, diameter: float) -> tuple[Item, ...]:
    """The default ISDC mark: a lettered navy ring with gold rules, a steering wheel over a road."""
    r = diameter / 2
    c = Content()
    c.save()
    c.fill_colour(NAVY)
    c.circle(cx, cy, r, fill=True)
    c.stroke_colour(GOLD)
    c.line_width(r * 0.035)
    c.circle(cx, cy, r * 0.95, stroke=True)
    c.fill_colour(WHITE)
    c.line_width(r * 0.03)
    c.circle(cx, cy, r * 0.66, fill=True, stroke=True)

    band = r * 0.8  # middle of the lettered ring
    size = r * 0.15
    c.fill_colour(WHITE)
    _arc_text(
        c, cx, cy, "INDONESIA SAFETY DRIVING CENTER", fonts.BOLD, size, band - size * 0.35, 90, True
    )
    _arc_text(c, cx, cy, "ISDC", fonts.BOLD, size * 1.15, band - size * 0.42, 270, False)
    c.fill_colour(GOLD)
    for side in (-1, 1):  # small gold stars either side of the bottom word
        c.polygon(_star(0, -band, size * 0.42, side * 31, cx, cy))

    # The road: a navy wedge narrowing to the horizon, with a dashed white centre line.
    c.fill_colour(NAVY)
    c.polygon(
        (
            (cx - r * 0.36, cy - r * 0.60),
            (cx + r * 0.36, cy - r * 0.60),
            (cx + r * 0.06, cy - r * 0.02),
            (cx - r * 0.06, cy - r * 0.02),
        )
    )
    c.fill_colour(WHITE)
    for y0, y1, w in ((-0.56, -0.42, 0.035), (-0.36, -0.25, 0.025), (-0.2, -0.12, 0.017)):
        c.rect(cx - r * w / 2, cy + r * y0, r * w, r * (y1 - y0), fill=True)

    # The steering wheel: rim, three spokes and hub, gold over the road.
    hub_y = cy + r * 0.06
    c.stroke_colour(GOLD)
    c.line_width(r * 0.085)
    c.circle(cx, hub_y, r * 0.43, stroke=True)
    c.line_width(r * 0.07)
    c.line_cap_round()
    for angle in (200, 340, 270):
        a = math.radians(angle)
        c.line(cx, hub_y, cx + r * 0.43 * math.cos(a), hub_y + r * 0.43 * math.sin(a))
    c.fill_colour(GOLD)
    c.circle(cx, hub_y, r * 0.12, fill=True)
    c.fill_colour(NAVY)
    c.circle(cx, hub_y, r * 0.05, fill=True)
    c.restore()
    return tuple(c.items)
