"""A page's drawing operators, with text kept as runs until the fonts for the page are known.

Text cannot be encoded until every character on the page is known (the embedded font subsets
are made from them), so :class:`Content` stores text as :class:`TextRun` items and encodes them
when the page is written. Fragments that never change (frame, emblem) are built once and
spliced into every page.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from reportlab.lib.colors import Color

from isdc.certificates.pdfobjects import pdf_number as n

KAPPA = 0.5522847498  # Bezier control distance for a quarter circle of radius 1


@dataclass(frozen=True)
class TextRun:
    """Text at a baseline start (x, y) in one font; ``char_space`` adds space between letters."""

    font: str
    size: float
    x: float
    y: float
    text: str
    char_space: float = 0.0


Item = str | TextRun


def colour_operands(colour: Color) -> str:
    return f"{n(round(colour.red, 4))} {n(round(colour.green, 4))} {n(round(colour.blue, 4))}"


class Content:
    """Drawing operators of one page (or of a reusable fragment of one)."""

    def __init__(self) -> None:
        self.items: list[Item] = []

    # -- state
    def raw(self, operators: str) -> None:
        self.items.append(operators)

    def extend(self, fragment: Iterable[Item]) -> None:
        self.items.extend(fragment)

    def save(self) -> None:
        self.items.append("q")

    def restore(self) -> None:
        self.items.append("Q")

    def fill_colour(self, colour: Color) -> None:
        self.items.append(f"{colour_operands(colour)} rg")

    def stroke_colour(self, colour: Color) -> None:
        self.items.append(f"{colour_operands(colour)} RG")

    def line_width(self, width: float) -> None:
        self.items.append(f"{n(width)} w")

    def line_cap_round(self) -> None:
        self.items.append("1 J")

    def transform(self, a: float, b: float, c: float, d: float, e: float, f: float) -> None:
        self.items.append(f"{n(a)} {n(b)} {n(c)} {n(d)} {n(e)} {n(f)} cm")

    # -- shapes
    def rect(
        self, x: float, y: float, w: float, h: float, fill: bool = False, stroke: bool = False
    ) -> None:
        self.items.append(f"{n(x)} {n(y)} {n(w)} {n(h)} re {_paint(fill, stroke)}")

    def line(self, x1: float, y1: float, x2: float, y2: float) -> None:
        self.items.append(f"{n(x1)} {n(y1)} m {n(x2)} {n(y2)} l S")

    def polygon(
        self, points: Iterable[tuple[float, float]], fill: bool = True, stroke: bool = False
    ) -> None:
        ops = []
        for i, (x, y) in enumerate(points):
            ops.append(f"{n(x)} {n(y)} {'m' if i == 0 else 'l'}")
        ops.append(f"h {_paint(fill, stroke)}")
        self.items.append(" ".join(ops))

    def ellipse(
        self, cx: float, cy: float, rx: float, ry: float, fill: bool = False, stroke: bool = False
    ) -> None:
        kx, ky = rx * KAPPA, ry * KAPPA
        self.items.append(
            f"{n(cx + rx)} {n(cy)} m "
            f"{n(cx + rx)} {n(cy + ky)} {n(cx + kx)} {n(cy + ry)} {n(cx)} {n(cy + ry)} c "
            f"{n(cx - kx)} {n(cy + ry)} {n(cx - rx)} {n(cy + ky)} {n(cx - rx)} {n(cy)} c "
            f"{n(cx - rx)} {n(cy - ky)} {n(cx - kx)} {n(cy - ry)} {n(cx)} {n(cy - ry)} c "
            f"{n(cx + kx)} {n(cy - ry)} {n(cx + rx)} {n(cy - ky)} {n(cx + rx)} {n(cy)} c "
            f"h {_paint(fill, stroke)}"
        )

    def circle(
        self, cx: float, cy: float, r: float, fill: bool = False, stroke: bool = False
    ) -> None:
        self.ellipse(cx, cy, r, r, fill, stroke)

    def draw_xobject(self, resource: str) -> None:
        self.items.append(f"/{resource} Do")

    # -- text
    def text(
        self, font: str, size: float, x: float, y: float, text: str, char_space: float = 0.0
    ) -> None:
        self.items.append(TextRun(font, size, x, y, text, char_space))

    def text_rotated(
        self,
        font: str,
        size: float,
        angle_deg: float,
        cx: float,
        cy: float,
        x: float,
        y: float,
        text: str,
    ) -> None:
        """Text drawn at (x, y) of a frame turned by ``angle_deg`` about (cx, cy)."""
        a = math.radians(angle_deg)
        cos, sin = math.cos(a), math.sin(a)
        self.items.append(
            f"q {n(round(cos, 5))} {n(round(sin, 5))} {n(round(-sin, 5))} {n(round(cos, 5))} {n(cx)} {n(cy)} cm"
        )
        self.items.append(TextRun(font, size, x, y, text))
        self.items.append("Q")

    def characters(self) -> dict[str, set[str]]:
        """For each font, the characters its text uses on this page."""
        used: dict[str, set[str]] = {}
        for item in self.items:
            if isinstance(item, TextRun):
                used.setdefault(item.font, set()).update(item.text)
        return used

    def to_bytes(self, encoders: dict[str, tuple[str, Callable[[str], bytes]]]) -> bytes:
        """The operators as a content stream; ``encoders`` maps a font to (resource, encode)."""
        out: list[str] = []
        for item in self.items:
            if isinstance(item, str):
                out.append(item)
                continue
            resource, encode = encoders[item.font]
            spacing = f" {n(item.char_space)} Tc" if item.char_space else ""
            reset = " 0 Tc" if item.char_space else ""
            out.append(
                f"BT /{resource} {n(item.size)} Tf{spacing} {n(item.x)} {n(item.y)} Td "
                f"<{encode(item.text).hex()}> Tj{reset} ET"
            )
        return "\n".join(out).encode("latin-1")


def _paint(fill: bool, stroke: bool) -> str:
    if fill and stroke:
        return "B"
    if fill:
        return "f"
    if stroke:
        return "S"
    return "n"
