"""Scripted drivers: a lawful, careful ``autopilot`` and a plausible bad driver.

Both follow the route with pure pursuit (Coulter 1992) and choose an acceleration from the
strictest of their constraints - the speed they want here and ahead (limit, advisory speed,
bends), the vehicle ahead (an IDM-style gap rule), and the places they must stop (red and amber
lights, stop signs, busy zebras, give-way lines, pedestrians crossing) - then turn that
acceleration into pedals with the inverse vehicle model.

The two differ only in their :class:`Style`: the careful driver keeps under the limit and the
advisory speed, keeps 2.5 s (4.5 s on wet roads) to the car ahead, stops for amber when it can do
so comfortably, stops fully at stop signs and gives way to pedestrians. The aggressive one drives
10-15 km/h over the limit, ignores advisory speeds and the wet, follows at 0.8 s, reacts late,
goes through amber and fresh red, rolls through stop signs, does not wait for pedestrians on a
zebra unless they are right in its path, and changes lane across solid lines - but it still
brakes for what it is about to hit, so it is a bad driver, not a suicidal one.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass

import numpy as np

from isdc.simulator.drivers.base import DriverView, Stop, pedals_for
from isdc.simulator.vehicle import Controls, G


@dataclass(frozen=True)
class Style:
    name: str
    limit_factor: float  # times the speed limit ...
    limit_offset: float  # ... plus this (m/s)
    wet_factor: float  # speed factor on a wet road
    respect_advisory: bool
    lateral_accel: float  # m/s^2 it is willing to corner at
    accel: float  # m/s^2 it accelerates with
    decel: float  # m/s^2 it plans to brake with
    headway: float  # s to the vehicle ahead on a dry road
    wet_headway: float  # s on a wet road
    gap0: float  # m standing gap to the vehicle ahead
    reaction: float  # s before it reacts to a pedestrian or a braking lead
    stops_for_amber: bool
    amber_commit_s: float  # goes on through amber if it reaches the line within this time
    red_grace: float  # s of red it still drives through when close to the line
    full_stop: bool  # stops fully at stop signs (else rolls through at rolling_speed)
    rolling_speed: float
    yields_at_zebra: bool
    respects_solid_lines: bool
    merge_gap: float  # s of time gap it accepts to a vehicle behind in the target lane
    night_factor: float  # speed factor at night (headlight range)
    box_delay: float  # braking exercise: seconds after the line before it brakes
    jerk: float  # m/s^3, how quickly its acceleration changes


CAREFUL = Style(
    name="autopilot",
    limit_factor=0.94,
    limit_offset=0.0,
    wet_factor=0.82,
    respect_advisory=True,
    lateral_accel=1.8,
    accel=1.3,
    decel=2.2,
    headway=2.5,
    wet_headway=4.5,
    gap0=4.0,
    reaction=0.6,
    stops_for_amber=True,
    amber_commit_s=0.0,
    red_grace=0.0,
    full_stop=True,
    rolling_speed=0.0,
    yields_at_zebra=True,
    respects_solid_lines=True,
    merge_gap=2.0,
    night_factor=0.85,
    box_delay=0.0,
    jerk=3.0,
)
AGGRESSIVE = Style(
    name="autopilot-aggressive",
    limit_factor=1.0,
    limit_offset=15 / 3.6,
    wet_factor=1.0,
    respect_advisory=False,
    lateral_accel=4.6,
    accel=2.8,
    decel=4.5,
    headway=0.8,
    wet_headway=0.8,
    gap0=1.5,
    reaction=1.1,
    stops_for_amber=False,
    amber_commit_s=5.0,
    red_grace=2.0,
    full_stop=False,
    rolling_speed=12 / 3.6,
    yields_at_zebra=False,
    respects_solid_lines=False,
    merge_gap=0.6,
    night_factor=1.0,
    box_delay=1.0,
    jerk=20.0,
)
COMFORT_AMBER_DECEL = 3.0  # the careful driver stops for amber if it needs no more than this
MAX_DECEL = 10.0  # m/s^2: more than any tyre gives; bounds what the rules ask for
MERGE_ACCEL = 2.2  # m/s^2 on an acceleration lane (just under the 0.25 g harsh threshold)


class Autopilot:
    """A scripted driver with a :class:`Style`; ``autopilot`` and ``autopilot-aggressive``."""

    def __init__(self, style: Style = CAREFUL):
        self.style = style
        self.name = style.name

    def reset(self, view: DriverView) -> None:
        st = self.style
        prof = view.route_profile()
        cond = view.conditions
        self._s = prof["s"]
        limit = prof["limit"] * st.limit_factor + st.limit_offset
        v = limit.copy()
        if st.respect_advisory:
            v = np.minimum(v, prof["advisory"] * st.limit_factor)
        mu = prof["friction"]
        lat = (
            np.minimum(st.lateral_accel, 0.45 * mu * G)
            if st.respect_advisory
            else (np.full_like(mu, st.lateral_accel))
        )
        with np.errstate(divide="ignore"):
            v_bend = np.sqrt(lat / np.maximum(np.abs(prof["curvature"]), 1e-9))
        v = np.minimum(v, v_bend)
        if view.goal.kind != "stop_in_box":  # the braking exercise prescribes its speed
            v = np.where(mu < 0.5, v * st.wet_factor, v)
        if cond.light == "night":
            v *= st.night_factor
        # Brake in time for every slower stretch ahead (backward pass, planned deceleration).
        ds = np.diff(self._s)
        for i in range(len(v) - 2, -1, -1):
            v[i] = min(v[i], math.sqrt(v[i + 1] ** 2 + 2.0 * st.decel * 0.8 * ds[i]))
        self._profile = v
        self._wet = bool(np.min(mu) < 0.5)
        self._accel = 0.0
        self._stopped_at: dict[str, float] = {}  # stop sign id -> time the ego stood still there
        self._done_signs: set[str] = set()
        self._committed: set[str] = set()  # signal lines it decided to drive through
        self._lead_hist: deque[tuple[int, float]] = deque(
            maxlen=max(1, round(st.reaction / view.dt))
        )
        self._lane_change: str | None = None
        self._lc_path: tuple[str, str, float, float] | None = None

    # ------------------------------------------------------------------------------ act

    def act(self, view: DriverView) -> Controls:
        ego = view.ego
        p = view.vehicle
        v = ego.speed
        st = self.style
        steering = self._steer(view)

        front = view.route_s + p.length / 2
        # Slow down for what is coming a little early (the speed controller lags about a
        # second), speed up only once the whole car has left a slower stretch.
        rear = view.route_s - p.length / 2
        v_want = min(
            float(np.interp(rear, self._s, self._profile)),
            float(np.interp(front + 1.5 * v + 3.0, self._s, self._profile)),
        )
        merge_v = self._merge_speed(view, v_want)
        if merge_v is not None:
            v_want = min(v_want, merge_v)
        accel = self._track(v, v_want, brisk=merge_v is not None)
        accel = min(accel, self._follow(view, v))
        if self._lane_change is not None and view.lane_id != self._lane_change:
            other = self._target_lead(view, self._lane_change)
            if other is not None:
                accel = min(accel, self._gap_rule(v, other[0], other[1]))
        for stop in view.stops_ahead(max(60.0, v * v / 2.0 + 40.0)):
            a = self._stop_rule(view, stop, v)
            if a is not None:
                accel = min(accel, a)
        for c in view.crossings_ahead():
            a = self._pedestrian_rule(view, c, v)
            if a is not None:
                accel = min(accel, a)
        if ego.sliding:
            accel = min(accel, -1.5)  # tyres at their limit: ease off to get the grip back
        accel = max(accel, -MAX_DECEL)
        # Smooth changes of acceleration, except when braking harder than planned is needed.
        limit = st.jerk * view.dt
        if accel < self._accel - limit and accel > -st.decel:
            accel = self._accel - limit
        elif accel > self._accel + limit:
            accel = self._accel + limit
        self._accel = accel
        throttle, brake = pedals_for(accel, v, p)
        if accel <= 0.0 and v < 0.3:
            # Hold the car still once stopped; just before, a light touch avoids a jolt.
            throttle, brake = 0.0, max(brake, 0.3 if v == 0.0 else 0.12)
        return Controls(steering, throttle, brake)

    # ------------------------------------------------------------------------------ lateral

    def _steer(self, view: DriverView) -> float:
        ego = view.ego
        p = view.vehicle
        # Look-ahead grows with speed (stability) but stays short enough not to cut corners.
        ahead = min(max(3.0 + 0.45 * ego.speed, 5.0), 20.0)
        lane = self._choose_lane(view)
        ahead += p.wheelbase - p.rear_to_cg  # measured from the front axle
        tx, ty = view.target_point(ahead, lane)
        lc = self._lc_path
        if lc is not None:
            # Mid lane change: aim along a smooth S from the old lane to the new one.
            src, dst, s0, length = lc
            s_t = view.ego_lane_s + ahead if math.isfinite(view.ego_lane_s) else s0 + length
            f = min(max((s_t - s0) / length, 0.0), 1.0)
            f = f * f * (3.0 - 2.0 * f)
            ax_, ay_, _ = view.lane_pose(src, s_t)
            bx_, by_, _ = view.lane_pose(dst, s_t)
            tx, ty = ax_ + f * (bx_ - ax_), ay_ + f * (by_ - ay_)
            if f >= 1.0 and view.lane_id == dst:
                self._lc_path = None
        # Pure pursuit steered from the FRONT axle: the front follows the lane and the body
        # tracks inside the bend, as a truck driver steers, so the front never swings out
        # across the centre line in a tight turn.
        fwd = p.wheelbase - p.rear_to_cg
        rx = ego.x + fwd * math.cos(ego.heading)
        ry = ego.y + fwd * math.sin(ego.heading)
        dx, dy = tx - rx, ty - ry
        ld = max(math.hypot(dx, dy), 1.0)
        alpha = math.atan2(dy, dx) - ego.heading
        delta = math.atan2(2.0 * p.wheelbase * math.sin(alpha), ld)
        return max(-1.0, min(1.0, delta / p.max_steer))

    def _choose_lane(self, view: DriverView) -> str | None:
        """Stay in the current lane of a multi-lane segment until it is safe to move over."""
        _, lanes = view.route_segment()
        current = view.lane_id
        if len(lanes) < 2 or current not in lanes or current == lanes[-1]:
            return None
        if self._lane_change is not None:
            return self._lane_change  # committed: head for the segment's target lane
        if self._can_merge(view, current, lanes[lanes.index(current) + 1]):
            self._lane_change = lanes[-1]
            # Spread the move over about four seconds of travel (a normal lane change).
            length = max(30.0, 4.0 * view.ego.speed)
            self._lc_path = (current, lanes[-1], view.ego_lane_s, length)
            return self._lane_change
        return current

    def _can_merge(self, view: DriverView, current: str, target: str) -> bool:
        st = self.style
        v = view.ego.speed
        s = view.ego_lane_s
        if not math.isfinite(s):
            return False
        if st.respects_solid_lines:
            # The crossing happens over the next couple of seconds: the line must be broken.
            for ahead in (0.0, v * 1.0, v * 2.5):
                if view.line_style_between(current, target, s + ahead) != "dashed":
                    return False
            if v < 0.8 * view.speed_limit_min(target, s):
                return False
        half = view.vehicle.length / 2
        for s_other, v_other, half_other in view.vehicles_near(target, s - 200.0, s + 120.0):
            gap = s_other - s
            if gap >= 0:  # ahead in the target lane: room to fall in behind it
                room = gap - half - half_other
                closing = max(v - v_other, 0.0)
                if room < st.gap0 + v * st.merge_gap * 0.5 + closing * closing / 6.0:
                    return False
            else:  # behind: it must not have to brake hard for us
                room = -gap - half - half_other
                closing = max(v_other - v, 0.0)
                need = st.gap0 + v_other * st.merge_gap + closing * closing / 6.0
                if v < 5.0:  # joining from (almost) a standstill: wait for a long gap instead
                    need = st.gap0 + v_other * 5.0
                if room < need:
                    return False
        return True

    def _merge_speed(self, view: DriverView, v_max: float) -> float | None:
        """Before a lane change the route needs: the speed that lines the ego up with a gap.

        The gaps between the vehicles in the target lane are ranked by how far the ego would
        have to move relative to the traffic to sit in them; the ego then matches that gap's
        speed, a little faster or slower to slide into it (gap selection, as drivers do).
        """
        if self._lane_change is not None:
            return None
        _, lanes = view.route_segment()
        current = view.lane_id
        if len(lanes) < 2 or current not in lanes or current == lanes[-1]:
            return None
        target = lanes[lanes.index(current) + 1]
        s = view.ego_lane_s
        if not math.isfinite(s):
            return None
        st = self.style
        half = view.vehicle.length / 2
        others = sorted(view.vehicles_near(target, s - 150.0, s + 150.0))
        if not others:
            return None
        best: tuple[float, float, tuple[int, float]] | None = None
        time_left = max(view.lane_end(current) - s, 0.0) / max(view.ego.speed, 5.0)
        bounds = (
            [(None, others[0])] + list(zip(others, others[1:], strict=False)) + [(others[-1], None)]
        )
        for rear, front in bounds:
            v_ref = front[1] if front is not None else rear[1]
            room_front = st.gap0 + v_ref * st.merge_gap * 0.5 + 2.0
            room_rear = st.gap0 + (rear[1] if rear is not None else 0.0) * st.merge_gap + 4.0
            if rear is not None and front is not None:
                length = (front[0] - front[2]) - (rear[0] + rear[2])
                if length < room_front + room_rear + 2 * half:
                    continue
                spot = rear[0] + rear[2] + room_rear + half
            elif front is not None:
                spot = front[0] - front[2] - room_front - half
            else:
                spot = rear[0] + rear[2] + room_rear + half
            move = spot - s
            t_need = _time_to_gain(move, view.ego.speed, v_ref, v_max)
            # Reachable before the lane ends: the nearest such gap; otherwise the quickest.
            feasible = t_need < 0.8 * time_left
            rank = (0 if feasible else 1, abs(move) if feasible else t_need)
            if best is None or rank < best[2]:
                best = (move, v_ref, rank)
        if best is None:
            return None
        move, v_ref, _ = best
        return max(v_ref + 0.4 * max(min(move, 20.0), -20.0), 0.0)

    def _target_lead(self, view: DriverView, lane_id: str) -> tuple[float, float] | None:
        """(gap, speed) of the nearest vehicle ahead in the lane being merged into."""
        s = view.ego_lane_s
        if not math.isfinite(s):
            return None
        half = view.vehicle.length / 2
        best = None
        for s_other, v_other, half_other in view.vehicles_near(lane_id, s, s + 150.0):
            gap = s_other - s - half - half_other
            if best is None or gap < best[0]:
                best = (gap, v_other)
        return best

    # ------------------------------------------------------------------------------ longitudinal

    def _track(self, v: float, v_want: float, brisk: bool = False) -> float:
        st = self.style
        # On an acceleration lane even a careful driver gets up to the traffic's speed briskly.
        top = max(st.accel, MERGE_ACCEL) if brisk else st.accel
        return max(-st.decel, min(top, 0.8 * (v_want - v)))

    def _follow(self, view: DriverView, v: float) -> float:
        lead = view.lead
        # The driver notices changes of the lead's speed only after its reaction time: it sees
        # the speed the lead had that long ago (a delay line of past observations).
        self._lead_hist.append((lead.index, lead.speed) if lead is not None else (-1, 0.0))
        if lead is None:
            return math.inf
        old_index, old_speed = self._lead_hist[0]
        lead_v = old_speed if old_index == lead.index else lead.speed
        return self._gap_rule(v, lead.gap, lead_v)

    def _gap_rule(self, v: float, gap: float, lead_v: float) -> float:
        """IDM-style acceleration behind a vehicle, with a kinematic safety net."""
        st = self.style
        headway = st.wet_headway if self._wet else st.headway
        dv = v - lead_v
        b = st.decel
        s_star = st.gap0 + max(0.0, v * headway + v * dv / (2.0 * math.sqrt(st.accel * b)))
        gap = max(gap, 0.1)
        a = st.accel * (1.0 - (s_star / gap) ** 2)
        # What it takes not to hit it if it stopped as hard as it can (kinematic safety net).
        need = (v * v - lead_v * lead_v) / (2.0 * max(gap - 1.0, 0.1)) if dv > 0 else 0.0
        if need > b:
            a = min(a, -need)
        return a

    def _stop_at(self, distance: float, v: float, margin: float = 1.0) -> float:
        """Deceleration that stops the front bumper ``margin`` metres before a line."""
        room = distance - margin
        if room <= 0.0:
            return -6.0 if v > 1.0 else -1.5
        need = v * v / (2.0 * room)
        # Approach gently: creep until close, then brake to stop at the line.
        creep = 0.6 * (math.sqrt(2.0 * self.style.decel * 0.6 * room) - v)
        return min(-need if need > 0.3 else 0.5, creep)

    def _stop_rule(self, view: DriverView, stop: Stop, v: float) -> float | None:
        st = self.style
        if stop.kind == "signal":
            if stop.state == "green":
                self._committed.discard(stop.ident)
                return None
            if stop.ident in self._committed:
                # Committed on amber: keep going while the red is fresh or stopping is
                # impossible; held up far from the line by traffic, think again.
                can_stop = stop.distance - 1.0 >= v * v / (2.0 * 6.0)
                lead = view.lead
                held_up = lead is not None and lead.gap < 30.0 and lead.speed < v + 1.0
                fresh = stop.state == "amber" or stop.since_s < st.red_grace
                if fresh or not can_stop or not held_up:
                    return None
                self._committed.discard(stop.ident)
            comfortable = stop.distance - 1.0 >= v * v / (2.0 * COMFORT_AMBER_DECEL)
            if stop.state == "amber":
                if st.stops_for_amber and comfortable:
                    return self._stop_at(stop.distance, v)
                if not comfortable or stop.distance < v * st.amber_commit_s:
                    self._committed.add(stop.ident)
                    return None
                return self._stop_at(stop.distance, v)
            # red
            hard = stop.distance - 1.0 >= v * v / (2.0 * 6.0)
            if st.red_grace > 0 and stop.since_s < st.red_grace and stop.distance < v * 2.0:
                self._committed.add(stop.ident)
                return None
            if not hard and stop.distance < 3.0 and v > 3.0:
                self._committed.add(stop.ident)  # too late to stop before the line
                return None
            return self._stop_at(stop.distance, v)
        if stop.kind == "stop_sign":
            if stop.ident in self._done_signs:
                return None
            if not st.full_stop:
                if stop.distance < 1.5:
                    self._done_signs.add(stop.ident)
                    return None
                # Rolls up to the line at walking pace instead of stopping.
                v_ok = st.rolling_speed + math.sqrt(2.0 * st.decel * max(stop.distance - 1.0, 0))
                return self._track(v, v_ok) if v > v_ok else None
            if v < 0.05 and stop.distance < 4.0:
                since = self._stopped_at.setdefault(stop.ident, view.t)
                if view.t - since >= 1.5:
                    self._done_signs.add(stop.ident)
                    return None
            return self._stop_at(stop.distance, v)
        if stop.kind == "zebra":
            if stop.state != "busy" or not st.yields_at_zebra:
                return None
            if stop.distance < -0.5:
                return None
            return self._stop_at(stop.distance, v)
        if stop.kind == "give_way":
            if stop.state != "busy":
                return None
            if stop.distance < 0.0:
                return None  # already in the junction: clear it
            horizon = 6.0 if st.full_stop else 3.0
            if view.priority_clear(stop.ident, horizon):
                return None
            return self._stop_at(stop.distance + 0.5, v, margin=0.5)
        if stop.kind == "box":
            if stop.since_s < st.box_delay:
                return None
            return self._stop_at(stop.distance, v, margin=0.0)
        if stop.kind == "lane_end":
            room = stop.distance - 3.0
            if room > 0 and v * v / (2.0 * room) < 2.5:
                return None  # no need to slow yet: keep looking for a gap
            return self._stop_at(stop.distance, v, margin=3.0)
        return None

    def _pedestrian_rule(self, view: DriverView, c, v: float) -> float | None:
        st = self.style
        if not c.visible or c.walking_s < st.reaction:
            return None
        half_w = view.vehicle.width / 2
        if c.offset < -(half_w + 1.0):
            return None  # already past the ego's path
        if c.distance < 0.5:
            return None  # beside the car already: braking cannot help, the walker waits
        if not st.yields_at_zebra and c.offset > half_w + 1.2 and c.distance > 5.0:
            return None  # only brakes for someone who will actually be in front of it
        return self._stop_at(c.distance, v, margin=3.0)


def _time_to_gain(move: float, v: float, v_ref: float, v_max: float) -> float:
    """Seconds to move ``move`` metres relative to traffic at ``v_ref``: ahead by accelerating
    (MERGE_ACCEL) up to ``v_max``, behind by braking (2.5 m/s^2) down to 8 m/s under it."""
    if abs(move) < 0.5:
        return 0.0
    if move > 0:
        a, v_end = MERGE_ACCEL, max(v_max, v)
    else:
        a, v_end = -2.5, max(min(v_ref - 8.0, v), 0.0)
    t, pos, speed = 0.0, 0.0, v
    while t < 30.0:  # half-second steps: coarse, but only a ranking is needed
        nxt = min(speed + a * 0.5, v_end) if a > 0 else max(speed + a * 0.5, v_end)
        pos += (0.5 * (speed + nxt) - v_ref) * 0.5
        speed = nxt
        t += 0.5
        if (move > 0 and pos >= move) or (move < 0 and pos <= move):
            return t
    return math.inf


def make_autopilot(name: str) -> Autopilot:
    return Autopilot(AGGRESSIVE if name == "autopilot-aggressive" else CAREFUL)
