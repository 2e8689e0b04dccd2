"""The QR symbol: each mask candidate is the symbol segno itself makes, and runs redraw it."""

import numpy as np
import pytest
import segno

from isdc.certificates import new_code, qr


def _segno_matrix(data: str, mask: int | None = None) -> np.ndarray:
    return np.array(
        [list(row) for row in segno.make(data, error="m", micro=False, mask=mask).matrix],
        dtype=bool,
    )


@pytest.mark.parametrize("padding", [0, 40, 120, 260], ids=["v4", "v6", "v9", "v13"])
def test_every_mask_candidate_equals_segnos_symbol(padding):
    url = "https://isdc.example.go.id/" + "a" * padding + "/verify/" + new_code()
    first = segno.make(url, error="m", micro=False, mask=0)
    _, patterns = qr._layout(first.version)
    unmasked = _segno_matrix(url, 0) ^ patterns[0]
    symbols = qr.masked_symbols(unmasked, first.version, first.error)
    for mask in range(8):
        assert (symbols[mask] == _segno_matrix(url, mask)).all(), mask


def test_chosen_symbol_has_the_lowest_penalty():
    url = f"https://isdc.example.go.id/verify/{new_code()}"
    chosen = qr.make_matrix(url)
    scores = {
        mask: int(qr.penalties(_segno_matrix(url, mask)[None].astype(np.uint8))[0])
        for mask in range(8)
    }
    assert int(qr.penalties(chosen[None].astype(np.uint8))[0]) == min(scores.values())


def test_penalty_rules_score_known_patterns():
    # A 21x21 all-light symbol: 21 runs of 21 per direction (19 each), 400 blocks, 100 % light.
    blank = np.zeros((1, 21, 21), dtype=np.uint8)
    assert int(qr.penalties(blank)[0]) == 2 * 21 * 19 + 3 * 400 + 10 * 10
    # A checkerboard has no runs, blocks or finder-like patterns, and is half dark.
    i, j = np.indices((21, 21))
    board = ((i + j) % 2).astype(np.uint8)[None]
    assert int(qr.penalties(board)[0]) == 0


def test_format_bits_match_the_standards_table():
    # ISO/IEC 18004 Table C.1: error level M with mask 0 is 101010000010010.
    assert qr.format_bits("M", 0) == 0b101010000010010
    assert qr.format_bits("L", 0) == 0b111011111000100
    assert qr.format_bits("H", 7) == 0b000100000111011


def test_runs_redraw_the_matrix():
    url = f"https://isdc.example.go.id/verify/{new_code()}"
    matrix = qr.make_matrix(url)
    size, runs = qr.module_runs(url)
    redrawn = np.zeros((size, size), dtype=bool)
    for row, col, length in runs:
        assert not redrawn[row, col : col + length].any()
        redrawn[row, col : col + length] = True
    assert (redrawn == matrix).all()
