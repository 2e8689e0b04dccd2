"""The wheel driver: any pygame joystick - a steering wheel with pedals or a gamepad.

Axes are read through a :class:`~isdc.simulator.frontend.mapping.WheelMapping` (axis numbers,
ranges, inversion, dead zones; see ``isdc-sim calibrate``). The joystick is anything with
``get_axis``/``get_button``/``get_numaxes``/``get_numbuttons``, so tests use a fake one.
"""

from __future__ import annotations

from typing import Protocol

import pygame

from isdc.simulator.drivers.base import DriverView
from isdc.simulator.frontend.mapping import PedalAxis, WheelMapping
from isdc.simulator.vehicle import Controls


class JoystickLike(Protocol):
    def get_name(self) -> str: ...
    def get_numaxes(self) -> int: ...
    def get_numbuttons(self) -> int: ...
    def get_axis(self, i: int) -> float: ...
    def get_button(self, i: int) -> bool | int: ...


class NoJoystick(RuntimeError):
    """No joystick is connected (or the mapped one is missing); the message says which."""


class MappingMismatch(RuntimeError):
    """The mapping names an axis or button the joystick does not have."""


def open_joystick(mapping: WheelMapping) -> pygame.joystick.JoystickType:
    """The joystick to drive with: the one named in the mapping, else the first one."""
    if not pygame.joystick.get_init():
        pygame.joystick.init()
    count = pygame.joystick.get_count()
    if count == 0:
        raise NoJoystick(
            "no wheel or gamepad found: connect one (then run `isdc-sim calibrate`) "
            "or use --driver keyboard"
        )
    sticks = [pygame.joystick.Joystick(i) for i in range(count)]
    for js in sticks:
        if mapping.device and js.get_name() == mapping.device:
            return js
    return sticks[0]


def check_mapping(mapping: WheelMapping, js: JoystickLike) -> None:
    """Refuse a mapping that reads axes or buttons this joystick does not have."""
    axes, buttons = js.get_numaxes(), js.get_numbuttons()
    wanted = [("steering", mapping.steering.axis)]
    wanted += [(n, p.axis) for n, p in (("throttle", mapping.throttle), ("brake", mapping.brake))]
    for name, axis in wanted:
        if axis is not None and axis >= axes:
            raise MappingMismatch(
                f"{js.get_name()} has {axes} axes, but {name} is mapped to axis {axis}: "
                "run `isdc-sim calibrate`"
            )
    for name, p in (("throttle", mapping.throttle), ("brake", mapping.brake)):
        if p.button is not None and p.button >= buttons:
            raise MappingMismatch(
                f"{js.get_name()} has {buttons} buttons, but {name} is mapped to button "
                f"{p.button}: run `isdc-sim calibrate`"
            )


class WheelDriver:
    """A :class:`~isdc.simulator.drivers.base.Driver` reading a joystick each tick."""

    name = "wheel"

    def __init__(self, joystick: JoystickLike, mapping: WheelMapping):
        check_mapping(mapping, joystick)
        self.joystick = joystick
        self.mapping = mapping

    def handle_event(self, event: pygame.event.Event) -> None:
        """Axes are read when acting; events need no bookkeeping here."""

    def reset(self, view: DriverView) -> None:
        pass

    def read(self) -> Controls:
        """The controls the joystick shows right now (released, if it has gone away)."""
        m = self.mapping
        js = self.joystick
        try:
            steering = m.steering.value(float(js.get_axis(m.steering.axis)))
            return Controls(steering, self._pedal(m.throttle), self._pedal(m.brake))
        except pygame.error:
            return Controls()

    def act(self, view: DriverView) -> Controls:
        return self.read()

    def _pedal(self, p: PedalAxis) -> float:
        value = 0.0
        if p.axis is not None:
            value = p.value_from_axis(float(self.joystick.get_axis(p.axis)))
        if p.button is not None and self.joystick.get_button(p.button):
            value = 1.0
        return value
