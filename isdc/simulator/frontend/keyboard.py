"""The keyboard driver: arrows or WASD, with steering and pedals ramped as a person would move them.

Keys are on/off, so holding a key moves the input towards its end at a limited rate and letting
go returns it (steering self-centres). Full keyboard steering is scaled down with speed so that
a held key asks for about 6 m/s^2 of cornering - enough to slide on a wet road, not enough to
spin at every tap on the toll road. The ramps run in simulated time (``view.dt``), so the same
key presses give the same run.

Key state comes from pygame events (:meth:`KeyboardDriver.handle_event`), not from polling, so
the driver follows exactly the events the window received (and tests can post them).
"""

from __future__ import annotations

import math

import pygame

from isdc.simulator.drivers.base import DriverView
from isdc.simulator.vehicle import Controls

STEER_LEFT = (pygame.K_LEFT, pygame.K_a)
STEER_RIGHT = (pygame.K_RIGHT, pygame.K_d)
THROTTLE = (pygame.K_UP, pygame.K_w)
BRAKE = (pygame.K_DOWN, pygame.K_s)
FULL_BRAKE = (pygame.K_SPACE,)

STEER_RATE = 2.5  # input per second while a steering key is held (full lock in 0.4 s)
STEER_RETURN = 4.0  # per second back to the centre when no steering key is held
THROTTLE_RATE = 1.2  # a held key reaches full throttle in about 0.8 s
THROTTLE_RELEASE = 4.0
BRAKE_RATE = 1.6  # a tap brakes gently, holding brakes fully after about 0.6 s
BRAKE_RELEASE = 6.0
KEY_CORNERING = 6.0  # m/s^2 of lateral acceleration asked for by a held steering key


class KeyboardDriver:
    """A :class:`~isdc.simulator.drivers.base.Driver` fed by the window's key events."""

    name = "keyboard"

    def __init__(self) -> None:
        self.held: set[int] = set()
        self.steering = 0.0
        self.throttle = 0.0
        self.brake = 0.0

    def handle_event(self, event: pygame.event.Event) -> None:
        """Follow key presses and releases; a window losing focus releases every key."""
        if event.type == pygame.KEYDOWN:
            self.held.add(event.key)
        elif event.type == pygame.KEYUP:
            self.held.discard(event.key)
        elif event.type in (pygame.WINDOWFOCUSLOST, pygame.WINDOWMINIMIZED):
            self.held.clear()

    def release_all(self) -> None:
        self.held.clear()

    def _down(self, keys: tuple[int, ...]) -> bool:
        return any(k in self.held for k in keys)

    def reset(self, view: DriverView) -> None:
        self.steering = self.throttle = self.brake = 0.0

    def act(self, view: DriverView) -> Controls:
        dt = view.dt
        left, right = self._down(STEER_LEFT), self._down(STEER_RIGHT)
        if left != right:
            target = steering_reach(view.ego.speed, view.vehicle.wheelbase, view.vehicle.max_steer)
            target = target if left else -target
            rate = STEER_RATE if target * self.steering >= 0 else STEER_RETURN + STEER_RATE
            self.steering = _approach(self.steering, target, rate * dt)
        else:
            self.steering = _approach(self.steering, 0.0, STEER_RETURN * dt)
        if self._down(THROTTLE):
            self.throttle = _approach(self.throttle, 1.0, THROTTLE_RATE * dt)
        else:
            self.throttle = _approach(self.throttle, 0.0, THROTTLE_RELEASE * dt)
        if self._down(FULL_BRAKE):
            self.brake = 1.0
        elif self._down(BRAKE):
            self.brake = _approach(self.brake, 1.0, BRAKE_RATE * dt)
        else:
            self.brake = _approach(self.brake, 0.0, BRAKE_RELEASE * dt)
        throttle = 0.0 if self.brake > 0.05 else self.throttle  # no left-foot braking
        return Controls(self.steering, throttle, self.brake)


def steering_reach(speed: float, wheelbase: float, max_steer: float) -> float:
    """The steering input a held key goes to at ``speed``: full lock when slow, less when fast."""
    if speed < 1.0:
        return 1.0
    angle = math.atan(KEY_CORNERING * wheelbase / (speed * speed))
    return min(1.0, max(0.08, angle / max_steer))


def _approach(value: float, target: float, step: float) -> float:
    if value < target:
        return min(target, value + step)
    return max(target, value - step)
