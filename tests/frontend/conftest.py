"""Front-end fixtures: pygame on the dummy video driver, a small simulation to drive."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

import pygame  # noqa: E402


@pytest.fixture
def pg():
    """pygame initialised headless, with a tiny hidden display (events need one)."""
    pygame.init()
    pygame.display.set_mode((64, 64))
    pygame.event.clear()
    yield pygame
    pygame.quit()


class FakeJoystick:
    """Stands in for pygame.joystick.Joystick: axes and buttons set by the test."""

    def __init__(self, name: str = "Test Wheel", axes: int = 4, buttons: int = 8):
        self.name = name
        self.axes = [0.0] * axes
        self.buttons = [False] * buttons

    def get_name(self) -> str:
        return self.name

    def get_numaxes(self) -> int:
        return len(self.axes)

    def get_numbuttons(self) -> int:
        return len(self.buttons)

    def get_axis(self, i: int) -> float:
        return self.axes[i]

    def get_button(self, i: int) -> bool:
        return self.buttons[i]


@pytest.fixture
def fake_joystick() -> FakeJoystick:
    return FakeJoystick()
