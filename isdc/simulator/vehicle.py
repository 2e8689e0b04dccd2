"""Ego vehicle: parameter sets for car, motorcycle and truck, and a friction-limited bicycle model.

The model is the kinematic bicycle (Rajamani; HighwayEnv ``vehicle/kinematics.py``) with the
tyre forces bounded by the friction circle ``|a| <= mu * g``: braking and cornering share one
budget, so full braking stops in about ``v^2 / (2 mu g)`` and a car taken too fast into a wet
curve cannot turn as tightly as it is steered: its path widens (understeer, "slides wide")
until the driver slows down. Steering angle and pedals move at limited rates, as real actuators
do. Scalar Python floats: one vehicle, where numpy would only add call overhead.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from isdc.simulator.geometry import wrap_angle

G = 9.81  # m/s^2
AIR_DENSITY = 1.2  # kg/m^3


@dataclass(frozen=True)
class VehicleParams:
    name: str
    length: float  # m
    width: float  # m
    wheelbase: float  # m
    rear_to_cg: float  # m, rear axle to the centre of mass (= body centre here)
    mass: float  # kg
    power: float  # W at the wheels
    max_drive_accel: float  # m/s^2, traction/gearing limit at low speed
    max_brake_decel: float  # m/s^2 with the pedal fully down, before friction limits it
    drag_area: float  # Cd * A, m^2
    rolling: float  # rolling resistance coefficient
    max_steer: float  # rad at the road wheel
    max_steer_rate: float  # rad/s at the road wheel
    throttle_rate: float  # pedal travel per second
    brake_rate: float
    max_speed: float  # m/s

    @property
    def half_diagonal(self) -> float:
        return math.hypot(self.length, self.width) / 2


# A compact passenger car (dimensions near the CommonRoad BMW 320i set; wheel angle limited to
# what a road car has, about 31 degrees, giving a 5 m turning radius at the rear axle).
CAR = VehicleParams(
    name="car",
    length=4.5,
    width=1.8,
    wheelbase=2.7,
    rear_to_cg=1.35,
    mass=1400.0,
    power=90_000.0,
    max_drive_accel=4.0,
    max_brake_decel=9.0,
    drag_area=0.65,
    rolling=0.012,
    max_steer=0.55,
    max_steer_rate=0.8,
    throttle_rate=2.5,
    brake_rate=8.0,
    max_speed=50.0,
)
# A 150 cc motorcycle with rider, the most common vehicle on Indonesian roads.
MOTORCYCLE = VehicleParams(
    name="motorcycle",
    length=2.0,
    width=0.8,
    wheelbase=1.3,
    rear_to_cg=0.65,
    mass=250.0,
    power=11_000.0,
    max_drive_accel=4.0,
    max_brake_decel=7.5,
    drag_area=0.5,
    rolling=0.015,
    max_steer=0.5,
    max_steer_rate=1.2,
    throttle_rate=3.0,
    brake_rate=8.0,
    max_speed=33.0,
)
# A loaded medium truck: heavy, slow to accelerate, long to stop.
TRUCK = VehicleParams(
    name="truck",
    length=8.5,
    width=2.5,
    wheelbase=5.0,
    rear_to_cg=2.5,
    mass=12_000.0,
    power=190_000.0,
    max_drive_accel=1.5,
    max_brake_decel=5.5,
    drag_area=6.0,
    rolling=0.008,
    max_steer=0.6,
    max_steer_rate=0.5,
    throttle_rate=1.5,
    brake_rate=5.0,
    max_speed=27.0,
)
VEHICLES: dict[str, VehicleParams] = {v.name: v for v in (CAR, MOTORCYCLE, TRUCK)}


@dataclass(frozen=True)
class Controls:
    """What a driver asks for this tick: steering -1 (full right) .. +1 (full left), pedals 0..1."""

    steering: float = 0.0
    throttle: float = 0.0
    brake: float = 0.0

    def clipped(self) -> Controls:
        """Inputs bounded to their ranges; NaN (a broken device) counts as released."""
        return Controls(_clip(self.steering, -1.0, 1.0), _clip(self.throttle), _clip(self.brake))


def _clip(v: float, lo: float = 0.0, hi: float = 1.0) -> float:
    v = float(v)
    if v != v:  # NaN
        return 0.0
    return lo if v < lo else hi if v > hi else v


@dataclass(frozen=True)
class EgoState:
    """The ego at one instant: what drivers, detectors, telemetry and the renderer read."""

    t: float
    x: float
    y: float
    heading: float  # rad, 0 = east, counter-clockwise
    speed: float  # m/s
    accel_lon: float  # m/s^2, positive forward
    accel_lat: float  # m/s^2, positive to the left
    yaw_rate: float  # rad/s
    steer_angle: float  # rad at the road wheel
    controls: Controls
    sliding: bool  # tyre forces at the friction limit
    odometer: float  # m travelled


class EgoDynamics:
    """Integrates one vehicle at a fixed step; ``step`` returns nothing, read the attributes."""

    def __init__(
        self, params: VehicleParams, x: float, y: float, heading: float, speed: float = 0.0
    ):
        self.p = params
        self.x, self.y, self.heading, self.speed = x, y, heading, speed
        self.steer = 0.0
        self.throttle = 0.0
        self.brake = 0.0
        self.accel_lon = 0.0
        self.accel_lat = 0.0
        self.yaw_rate = 0.0
        self.sliding = False
        self.odometer = 0.0

    def step(self, controls: Controls, mu: float, dt: float) -> None:
        p = self.p
        # Actuators move at limited rates.
        self.throttle = _approach(self.throttle, controls.throttle, p.throttle_rate * dt)
        self.brake = _approach(self.brake, controls.brake, p.brake_rate * dt)
        self.steer = _approach(self.steer, controls.steering * p.max_steer, p.max_steer_rate * dt)

        v = self.speed
        drive = self.throttle * min(p.max_drive_accel, p.power / (p.mass * max(v, 1.0)))
        if v >= p.max_speed:
            drive = 0.0
        tyre_x = drive - self.brake * p.max_brake_decel - p.rolling * G
        drag = 0.5 * AIR_DENSITY * p.drag_area * v * v / p.mass

        # Kinematic bicycle: slip angle at the centre of mass and the path curvature it steers.
        tan_d = math.tan(self.steer)
        beta = math.atan(p.rear_to_cg / p.wheelbase * tan_d)
        curvature = math.cos(beta) * tan_d / p.wheelbase
        tyre_y = v * v * curvature

        # Friction circle: the tyres cannot give more than mu * g in any direction together.
        limit = mu * G
        demand = math.hypot(tyre_x, tyre_y)
        self.sliding = demand > limit and v > 0.5
        if demand > limit:
            scale = limit / demand
            tyre_x *= scale
            tyre_y *= scale
            curvature *= scale
            beta *= scale

        a = tyre_x - drag
        v_new = v + a * dt
        if v_new < 0.0:  # brakes and resistance stop the car; they never push it backwards
            v_new = 0.0
        v_mid = 0.5 * (v + v_new)
        yaw_rate = v_mid * curvature
        course = self.heading + 0.5 * yaw_rate * dt + beta
        self.x += v_mid * math.cos(course) * dt
        self.y += v_mid * math.sin(course) * dt
        self.heading = wrap_angle(self.heading + yaw_rate * dt)
        self.accel_lon = (v_new - v) / dt
        self.accel_lat = v_mid * yaw_rate
        self.yaw_rate = yaw_rate
        self.speed = v_new
        self.odometer += v_mid * dt

    def state(self, t: float, controls: Controls) -> EgoState:
        return EgoState(
            t=t,
            x=self.x,
            y=self.y,
            heading=self.heading,
            speed=self.speed,
            accel_lon=self.accel_lon,
            accel_lat=self.accel_lat,
            yaw_rate=self.yaw_rate,
            steer_angle=self.steer,
            controls=controls,
            sliding=self.sliding,
            odometer=self.odometer,
        )


def _approach(value: float, target: float, max_change: float) -> float:
    if target > value + max_change:
        return value + max_change
    if target < value - max_change:
        return value - max_change
    return target
