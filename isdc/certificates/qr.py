"""QR codes drawn fast: segno computes the matrix, the dark modules are filled as ONE path.

reportlab's QrCodeWidget draws every module as a separate shape and costs 15-25 ms a page.
Here each row's dark modules are merged into rectangles of a single path, written in module
units under one transformation, so the operators are short integers.

Choosing the data mask (ISO/IEC 18004 section 7.8) is most of segno's encoding time because it
scores the eight masks in pure Python. Here segno encodes with mask 0, and the eight complete
candidates are built and scored at once with numpy (a test checks each candidate equals the
symbol segno makes with that mask).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import segno

from isdc.certificates.content import Content
from isdc.certificates.pdfobjects import pdf_number as n

QUIET_ZONE = 4  # modules of light margin the QR standard asks for around the symbol
ERROR_LEVEL = "m"  # survives smudges and folds; segno raises it when that costs no size


def _alignment_centres(version: int) -> list[int]:
    if version == 1:
        return []
    count = version // 7 + 2
    size = version * 4 + 17
    step = 26 if version == 32 else (version * 4 + count * 2 + 1) // (count * 2 - 2) * 2
    return sorted([6] + [size - 7 - i * step for i in range(count - 1)])


@lru_cache(maxsize=8)
def _layout(version: int) -> tuple[np.ndarray, np.ndarray]:
    """(data-module map, the eight mask patterns restricted to it) for a QR version."""
    size = version * 4 + 17
    function = np.zeros((size, size), dtype=bool)
    function[:9, :9] = True  # finder, separator and format information, top left
    function[:9, size - 8 :] = True  # top right
    function[size - 8 :, :9] = True  # bottom left
    function[6, :] = True  # timing patterns
    function[:, 6] = True
    centres = _alignment_centres(version)
    last = len(centres) - 1
    for a, r in enumerate(centres):
        for b, c in enumerate(centres):
            if (a, b) in ((0, 0), (0, last), (last, 0)):
                continue  # no alignment pattern on the three finder patterns
            function[r - 2 : r + 3, c - 2 : c + 3] = True
    if version >= 7:  # version information blocks
        function[:6, size - 11 : size - 8] = True
        function[size - 11 : size - 8, :6] = True
    data = ~function
    i, j = np.indices((size, size))
    patterns = np.stack(
        [
            (i + j) % 2 == 0,
            i % 2 == 0,
            j % 3 == 0,
            (i + j) % 3 == 0,
            (i // 2 + j // 3) % 2 == 0,
            (i * j) % 2 + (i * j) % 3 == 0,
            ((i * j) % 2 + (i * j) % 3) % 2 == 0,
            ((i + j) % 2 + (i * j) % 3) % 2 == 0,
        ]
    )
    return data, patterns & data


_FINDER_LIKE = (
    np.array([0, 0, 0, 0, 1, 0, 1, 1, 1, 0, 1], dtype=np.uint8),
    np.array([1, 0, 1, 1, 1, 0, 1, 0, 0, 0, 0], dtype=np.uint8),
)


def penalties(symbols: np.ndarray) -> np.ndarray:
    """ISO/IEC 18004 penalty scores (rules N1-N4) of a stack of symbols, shape (k, n, n)."""
    k, size, _ = symbols.shape
    scores = np.zeros(k, dtype=np.int64)
    for view in (symbols, symbols.transpose(0, 2, 1)):
        # N1: each run of five or more same-coloured modules in a line scores length - 2.
        # Sentinels (2) at both ends of every line make each line start and end a run; the
        # one-module "runs" between lines that this creates never reach five.
        padded = np.pad(view, ((0, 0), (0, 0), (1, 1)), constant_values=2)
        edges = np.flatnonzero((padded[:, :, 1:] != padded[:, :, :-1]).ravel())
        runs = np.diff(edges)
        long_runs = runs >= 5
        owner = edges[:-1][long_runs] // (size * (size + 1))
        scores += np.bincount(owner, weights=runs[long_runs] - 2, minlength=k).astype(np.int64)
        # N3: a finder-like 1:1:3:1:1 pattern with four light modules on one side scores 40.
        # Shifted comparisons, one per pattern position, beat a sliding-window view here.
        quiet = np.pad(view, ((0, 0), (0, 0), (4, 4)), constant_values=0).astype(bool)
        width = quiet.shape[2] - 10
        for pattern in _FINDER_LIKE:
            match = np.ones((k, size, width), dtype=bool)
            for offset, dark in enumerate(pattern):
                window = quiet[:, :, offset : offset + width]
                match &= window if dark else ~window
            scores += 40 * match.sum(axis=(1, 2))
    # N2: each 2x2 block of one colour scores 3.
    a = symbols[:, :-1, :-1]
    same = (a == symbols[:, 1:, :-1]) & (a == symbols[:, :-1, 1:]) & (a == symbols[:, 1:, 1:])
    scores += 3 * same.sum(axis=(1, 2))
    # N4: 10 for every 5 % the share of dark modules strays from one half.
    dark = symbols.mean(axis=(1, 2)) * 100
    scores += 10 * (np.abs(dark - 50) // 5).astype(np.int64)
    return scores


_ERROR_BITS = {"L": 1, "M": 0, "Q": 3, "H": 2}


def format_bits(error: str, mask: int) -> int:
    """The 15 format-information bits for an error level and mask (BCH(15,5), then XOR-masked)."""
    data = _ERROR_BITS[error.upper()] << 3 | mask
    remainder = data << 10
    for shift in range(4, -1, -1):
        if remainder & (1 << (shift + 10)):
            remainder ^= 0b10100110111 << shift
    return ((data << 10) | remainder) ^ 0b101010000010010


@lru_cache(maxsize=8)
def _format_positions(version: int) -> tuple[np.ndarray, np.ndarray]:
    """(rows, columns) of format bit i, for i in 0..14 and both copies (30 modules)."""
    size = version * 4 + 17
    first = [(i, 8) for i in range(6)] + [(7, 8), (8, 8), (8, 7)]
    first += [(8, 14 - i) for i in range(9, 15)]
    second = [(8, size - 1 - i) for i in range(8)] + [(size - 15 + i, 8) for i in range(8, 15)]
    cells = first + second
    return np.array([r for r, _ in cells]), np.array([c for _, c in cells])


def masked_symbols(unmasked: np.ndarray, version: int, error: str) -> np.ndarray:
    """The eight complete symbols (one per mask), shape (8, n, n), from an unmasked matrix."""
    _, patterns = _layout(version)
    symbols = unmasked[None, :, :] ^ patterns
    rows, cols = _format_positions(version)
    for mask in range(8):
        bits = format_bits(error, mask)
        values = np.array([(bits >> i) & 1 for i in range(15)] * 2, dtype=bool)
        symbols[mask, rows, cols] = values
    return symbols


def make_matrix(data: str) -> np.ndarray:
    """The QR symbol's module matrix (True = dark), without the quiet zone.

    segno encodes the data (with mask 0); the mask is then chosen by the standard's penalty
    rules over all eight complete candidates, scored together.
    """
    first = segno.make(data, error=ERROR_LEVEL, micro=False, mask=0)
    _, patterns = _layout(first.version)
    unmasked = np.array([list(row) for row in first.matrix], dtype=bool) ^ patterns[0]
    symbols = masked_symbols(unmasked, first.version, first.error)
    return symbols[int(np.argmin(penalties(symbols.astype(np.uint8))))]


def module_runs(data: str) -> tuple[int, list[tuple[int, int, int]]]:
    """(modules per side, dark runs as (row, first column, length)) of the QR code for ``data``."""
    matrix = make_matrix(data)
    size = matrix.shape[0]
    # Runs start where a row turns dark and end where it turns light (edges padded light).
    padded = np.pad(matrix, ((0, 0), (1, 1)), constant_values=False).astype(np.int8)
    rows, cols = np.nonzero(np.diff(padded, axis=1))
    runs = [
        (int(r), int(start), int(end - start))
        for r, start, end in zip(rows[0::2], cols[0::2], cols[1::2], strict=True)
    ]
    return size, runs


def draw_qr(content: Content, data: str, x: float, y: float, size: float) -> None:
    """Draw the QR code of ``data`` with its quiet zone in the square (x, y, size, size).

    A white square is painted first so the quiet zone holds on any background.
    """
    modules, runs = module_runs(data)
    module = size / (modules + 2 * QUIET_ZONE)
    left = x + QUIET_ZONE * module
    top = y + size - QUIET_ZONE * module
    rects = " ".join(f"{col} {row} {length} 1 re" for row, col, length in runs)
    content.raw(
        f"q 1 1 1 rg {n(x)} {n(y)} {n(size)} {n(size)} re f "
        f"{n(round(module, 5))} 0 0 {n(round(-module, 5))} {n(round(left, 3))} {n(round(top, 3))} cm "
        f"0 0 0 rg {rects} f Q"
    )
