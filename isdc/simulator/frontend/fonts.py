"""Fonts and cached text: pygame's bundled font, so every station shows the same letters.

Rendering text is one of the dearest things a frame does; :func:`text` keeps the surfaces of
recently drawn strings (a speed read-out only ever shows a few hundred different values).
"""

from __future__ import annotations

from collections import OrderedDict

import pygame

_FONTS: dict[tuple[int, bool], pygame.font.Font] = {}
_TEXT: OrderedDict[tuple, pygame.Surface] = OrderedDict()
_TEXT_MAX = 600


def _forget() -> None:
    """Fonts die with ``pygame.quit()``; so must every cache holding them or their output.
    (pygame forgets its quit hooks once called: the next font registers this one again.)"""
    _FONTS.clear()
    _TEXT.clear()
    for hook in _ON_QUIT:
        hook()


_ON_QUIT: list = []


def on_quit(hook) -> None:
    """Call ``hook`` (a cache's ``cache_clear``) when pygame quits."""
    _ON_QUIT.append(hook)


def font(size: int, bold: bool = False) -> pygame.font.Font:
    f = _FONTS.get((size, bold))
    if f is None:
        if not _FONTS:
            pygame.register_quit(_forget)
        if not pygame.font.get_init():
            pygame.font.init()
        f = pygame.font.Font(None, size)
        f.set_bold(bold)
        _FONTS[(size, bold)] = f
    return f


def text(s: str, size: int, colour: tuple[int, int, int], bold: bool = False) -> pygame.Surface:
    """The rendered (anti-aliased, transparent) surface of a string, cached."""
    key = (s, size, colour, bold)
    surf = _TEXT.get(key)
    if surf is None:
        surf = font(size, bold).render(s, True, colour)
        _TEXT[key] = surf
        if len(_TEXT) > _TEXT_MAX:
            _TEXT.popitem(last=False)
    else:
        _TEXT.move_to_end(key)
    return surf


def wrap(s: str, size: int, width: int, bold: bool = False) -> list[str]:
    """Break ``s`` into lines no wider than ``width`` pixels."""
    f = font(size, bold)
    lines: list[str] = []
    for para in s.split("\n"):
        line = ""
        for word in para.split():
            trial = f"{line} {word}".strip()
            if f.size(trial)[0] <= width or not line:
                line = trial
            else:
                lines.append(line)
                line = word
        lines.append(line)
    return lines
