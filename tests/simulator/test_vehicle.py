"""Vehicle physics: braking bounded by friction, turning radius, sliding wide, actuator limits."""

import math

import numpy as np
import pytest

from isdc.simulator.vehicle import CAR, MOTORCYCLE, TRUCK, VEHICLES, Controls, EgoDynamics, G

DT = 1 / 60


def brake_to_stop(params, v0: float, mu: float) -> tuple[float, float]:
    """Distance and peak deceleration of full braking from v0 (m/s) on friction mu."""
    car = EgoDynamics(params, 0.0, 0.0, 0.0, v0)
    peak = 0.0
    for _ in range(60 * 30):
        car.step(Controls(brake=1.0), mu, DT)
        peak = max(peak, -car.accel_lon)
        if car.speed == 0.0:
            break
    return car.x, peak


@pytest.mark.parametrize("mu", [0.7, 0.4])
@pytest.mark.parametrize("kmh", [40, 60, 100])
def test_full_braking_stops_in_about_v_squared_over_2_mu_g(kmh, mu):
    v = kmh / 3.6
    distance, peak = brake_to_stop(CAR, v, mu)
    # The brake pedal takes 1/8 s to go down: about v * 0.0625 m more than the ideal stop.
    ideal = v * v / (2 * mu * G) + v * 0.5 / CAR.brake_rate
    assert distance == pytest.approx(ideal, rel=0.05)
    assert peak <= mu * G + 0.25  # tyres never give more than mu*g (air drag adds <0.25)


def test_a_loaded_truck_stops_longer_than_a_car_on_dry_road():
    car, _ = brake_to_stop(CAR, 60 / 3.6, 0.7)
    truck, _ = brake_to_stop(TRUCK, 60 / 3.6, 0.7)
    assert truck > 1.15 * car


def _circle_radius(xs: np.ndarray, ys: np.ndarray) -> float:
    """Least-squares circle through points (Kasa fit)."""
    a = np.column_stack((xs, ys, np.ones_like(xs)))
    b = xs * xs + ys * ys
    c = np.linalg.lstsq(a, b, rcond=None)[0]
    cx, cy = c[0] / 2, c[1] / 2
    return float(math.sqrt(c[2] + cx * cx + cy * cy))


@pytest.mark.parametrize("params", [CAR, MOTORCYCLE, TRUCK], ids=lambda p: p.name)
@pytest.mark.parametrize("delta", [0.15, 0.35])
def test_low_speed_turning_radius_follows_wheelbase_and_steering_angle(params, delta):
    car = EgoDynamics(params, 0.0, 0.0, 0.0, 2.0)
    steer = Controls(steering=delta / params.max_steer, throttle=0.0)
    xs, ys = [], []
    for i in range(60 * 40):
        # hold 2 m/s: just enough throttle against rolling resistance
        car.step(Controls(steer.steering, 0.05 if car.speed < 2.0 else 0.0), 0.7, DT)
        if i > 60 * 5:
            xs.append(car.x)
            ys.append(car.y)
    rear_axle = params.wheelbase / math.tan(delta)  # R = L / tan(delta) at the rear axle
    expected = math.hypot(rear_axle, params.rear_to_cg)  # the centre of mass runs outside it
    assert _circle_radius(np.array(xs), np.array(ys)) == pytest.approx(expected, rel=0.02)


def test_too_fast_on_a_wet_bend_the_car_slides_wide():
    v, mu = 20.0, 0.4
    delta = math.atan(CAR.wheelbase / 50.0)  # steered for a 50 m radius
    car = EgoDynamics(CAR, 0.0, 0.0, 0.0, v)
    xs, ys, sliding = [], [], []
    for i in range(60 * 6):
        car.step(Controls(steering=delta / CAR.max_steer, throttle=0.25), mu, DT)
        if i > 60 * 2:
            xs.append(car.x)
            ys.append(car.y)
            sliding.append(car.sliding)
    radius = _circle_radius(np.array(xs), np.array(ys))
    assert all(sliding)
    assert radius > 1.5 * 50.0  # runs far wider than steered ...
    assert abs(car.accel_lat) <= mu * G + 1e-6  # ... because grip ends at mu*g
    assert radius == pytest.approx(car.speed**2 / (mu * G), rel=0.1)


def test_the_same_bend_on_a_dry_road_is_taken_as_steered():
    v = 12.0
    delta = math.atan(CAR.wheelbase / 50.0)
    car = EgoDynamics(CAR, 0.0, 0.0, 0.0, v)
    for _ in range(60 * 3):
        car.step(Controls(steering=delta / CAR.max_steer, throttle=0.2), 0.7, DT)
    assert not car.sliding


def test_steering_and_pedals_move_at_limited_rates():
    car = EgoDynamics(CAR, 0.0, 0.0, 0.0, 5.0)
    car.step(Controls(steering=1.0, throttle=1.0), 0.7, DT)
    assert car.steer == pytest.approx(CAR.max_steer_rate * DT)
    assert car.throttle == pytest.approx(CAR.throttle_rate * DT)
    for _ in range(60 * 2):
        car.step(Controls(steering=1.0), 0.7, DT)
    assert car.steer == pytest.approx(CAR.max_steer)  # and then stays at full lock
    assert car.throttle == 0.0


def test_brakes_stop_the_car_but_never_push_it_backwards():
    car = EgoDynamics(CAR, 0.0, 0.0, 0.0, 1.0)
    for _ in range(120):
        car.step(Controls(brake=1.0), 0.7, DT)
    assert car.speed == 0.0 and car.x == pytest.approx(car.x)
    x = car.x
    car.step(Controls(brake=1.0), 0.7, DT)
    assert car.x == x


def test_controls_are_bounded_and_a_broken_device_counts_as_released():
    c = Controls(steering=3.0, throttle=-1.0, brake=float("nan")).clipped()
    assert (c.steering, c.throttle, c.brake) == (1.0, 0.0, 0.0)


def test_there_are_car_motorcycle_and_truck_parameter_sets():
    assert set(VEHICLES) == {"car", "motorcycle", "truck"}
    assert MOTORCYCLE.width < CAR.width < TRUCK.width
    assert TRUCK.mass > CAR.mass > MOTORCYCLE.mass
