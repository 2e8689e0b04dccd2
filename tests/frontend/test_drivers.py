"""Keyboard and wheel drivers: they implement the Driver protocol and turn input into controls."""

from __future__ import annotations

import pytest

from isdc.simulator import Driver, DriverView, Simulation, load_scenario
from isdc.simulator.frontend.keyboard import KeyboardDriver, steering_reach
from isdc.simulator.frontend.mapping import PedalAxis, SteeringAxis, WheelMapping
from isdc.simulator.frontend.wheel import MappingMismatch, WheelDriver


@pytest.fixture(scope="module")
def scenario():
    return load_scenario("emergency_brake")


def _view(scenario) -> DriverView:
    return DriverView(Simulation(scenario, "car", 0))


def _post_and_feed(pg, driver: KeyboardDriver, kind: int, key: int) -> None:
    pg.event.post(pg.event.Event(kind, key=key, mod=0, unicode="", scancode=0))
    for ev in pg.event.get():
        driver.handle_event(ev)


def test_both_drivers_satisfy_the_protocol(fake_joystick):
    assert isinstance(KeyboardDriver(), Driver)
    assert isinstance(WheelDriver(fake_joystick, WheelMapping(
        throttle=PedalAxis(axis=2), brake=PedalAxis(axis=3))), Driver)  # fmt: skip


def test_keyboard_throttle_ramps_while_held_and_falls_when_released(pg, scenario):
    drv = KeyboardDriver()
    view = _view(scenario)
    drv.reset(view)
    assert drv.act(view).throttle == 0.0
    _post_and_feed(pg, drv, pg.KEYDOWN, pg.K_UP)
    values = [drv.act(view).throttle for _ in range(60)]
    assert 0.0 < values[0] < 0.1  # a ramp, not a jump
    assert values == sorted(values) and values[-1] == 1.0
    _post_and_feed(pg, drv, pg.KEYUP, pg.K_UP)
    after = [drv.act(view).throttle for _ in range(30)]
    assert after[-1] == 0.0 and after[0] < 1.0


def test_keyboard_wasd_steers_left_positive_and_self_centres(pg, scenario):
    drv = KeyboardDriver()
    view = _view(scenario)
    _post_and_feed(pg, drv, pg.KEYDOWN, pg.K_a)
    for _ in range(30):
        c = drv.act(view)
    assert c.steering > 0.0  # left is positive in the core
    _post_and_feed(pg, drv, pg.KEYUP, pg.K_a)
    for _ in range(60):
        c = drv.act(view)
    assert c.steering == 0.0
    _post_and_feed(pg, drv, pg.KEYDOWN, pg.K_RIGHT)
    for _ in range(30):
        c = drv.act(view)
    assert c.steering < 0.0


def test_keyboard_space_brakes_fully_and_cuts_throttle(pg, scenario):
    drv = KeyboardDriver()
    view = _view(scenario)
    _post_and_feed(pg, drv, pg.KEYDOWN, pg.K_w)
    for _ in range(30):
        drv.act(view)
    _post_and_feed(pg, drv, pg.KEYDOWN, pg.K_SPACE)
    c = drv.act(view)
    assert (c.brake, c.throttle) == (1.0, 0.0)


def test_keyboard_focus_loss_releases_keys(pg, scenario):
    drv = KeyboardDriver()
    view = _view(scenario)
    _post_and_feed(pg, drv, pg.KEYDOWN, pg.K_UP)
    pg.event.post(pg.event.Event(pg.WINDOWFOCUSLOST))
    for ev in pg.event.get():
        drv.handle_event(ev)
    assert all(drv.act(view).throttle == 0.0 for _ in range(5))


def test_keyboard_steering_reach_shrinks_with_speed():
    slow = steering_reach(3.0, 2.7, 0.55)
    town = steering_reach(14.0, 2.7, 0.55)
    toll = steering_reach(28.0, 2.7, 0.55)
    assert slow == 1.0 and slow > town > toll > 0.0


def test_keyboard_driven_car_moves(pg, scenario):
    sim = Simulation(scenario, "car", 0)
    view = DriverView(sim)
    drv = KeyboardDriver()
    drv.reset(view)
    start = sim.route_s
    _post_and_feed(pg, drv, pg.KEYDOWN, pg.K_UP)
    for _ in range(120):
        sim.step(drv.act(view))
    assert sim.route_s > start + 10.0


def test_wheel_maps_axes_with_inversion_and_dead_zones(fake_joystick, scenario):
    mapping = WheelMapping(
        steering=SteeringAxis(axis=0, dead_zone=0.05),
        throttle=PedalAxis(axis=2, invert=True, dead_zone=0.05),  # +1 released, -1 pressed
        brake=PedalAxis(axis=3, invert=True, dead_zone=0.05),
    )
    drv = WheelDriver(fake_joystick, mapping)
    view = _view(scenario)
    fake_joystick.axes = [0.03, 0.0, 1.0, 1.0]  # wheel a hair off centre, pedals at rest
    c = drv.act(view)
    assert (c.steering, c.throttle, c.brake) == (0.0, 0.0, 0.0)
    fake_joystick.axes = [-0.5, 0.0, -1.0, 0.0]  # half left, full throttle, brake half down
    c = drv.act(view)
    assert c.steering == pytest.approx((0.5 - 0.05) / 0.95)
    assert c.throttle == 1.0
    assert c.brake == pytest.approx((0.5 - 0.05) / 0.95)
    fake_joystick.axes = [1.0, 0.0, 1.0, 1.0]
    assert drv.act(view).steering == pytest.approx(-1.0)


def test_wheel_button_pedal(fake_joystick, scenario):
    mapping = WheelMapping(throttle=PedalAxis(axis=None, button=0), brake=PedalAxis(axis=1))
    drv = WheelDriver(fake_joystick, mapping)
    view = _view(scenario)
    fake_joystick.axes[1] = -1.0
    assert drv.act(view).throttle == 0.0
    fake_joystick.buttons[0] = True
    assert drv.act(view).throttle == 1.0


def test_wheel_refuses_a_mapping_beyond_the_device(fake_joystick):
    with pytest.raises(MappingMismatch, match="has 4 axes, but throttle is mapped to axis 5"):
        WheelDriver(fake_joystick, WheelMapping(throttle=PedalAxis(axis=5)))


def test_wheel_that_went_away_reads_as_released(fake_joystick, scenario):
    import pygame

    drv = WheelDriver(fake_joystick, WheelMapping(throttle=PedalAxis(axis=2),
                                                  brake=PedalAxis(axis=3)))  # fmt: skip
    fake_joystick.axes = [-1.0, 0.0, 1.0, -1.0]
    assert drv.act(_view(scenario)).throttle == 1.0

    def gone(i):
        raise pygame.error("Joystick not initialized")

    fake_joystick.get_axis = gone
    c = drv.act(_view(scenario))
    assert (c.steering, c.throttle, c.brake) == (0.0, 0.0, 0.0)
