"""Traffic: every other vehicle, updated together with numpy, cost linear in their number.

Vehicles live in lane coordinates (lane, s, d) in contiguous struct-of-arrays storage (a vehicle
that leaves is swapped with the last one, so slices ``[:n]`` are always the active vehicles).
Each tick builds ONE table of entries - the vehicles, "ghost" copies of vehicles and obstacles
near the start of a lane placed at the end of the lanes leading into it, and this tick's
obstacles (active stop lines, pedestrians on the road, the ego, cones) - sorts it by (lane, s)
with a single ``argsort``, and reads each vehicle's constraint from the entry just ahead of it.
No all-pairs distances: cost grows with n log n in one C call and linearly elsewhere.

* The Intelligent Driver Model (Treiber, Hennecke & Helbing 2000) gives each vehicle its
  acceleration from the gap and closing speed to that constraint. Parameters are Treiber's typical
  urban values (a 1.0-1.5 m/s^2, b 2 m/s^2, T 1.5 s, s0 2 m) rather than HighwayEnv's (a 3, b 5,
  s0 10), which suit a motorway game more than a town.
* Lane changes follow MOBIL (Kesting, Treiber & Helbing 2007) with a keep-left bias, as the law
  asks of Indonesian traffic, and never across a solid line.
* Motorcycles filter between lanes (or beside the kerb) when a car ahead holds them up.
* A vehicle respects red lights unless it can no longer stop, amber when it can stop
  comfortably, stops fully at stop signs, waits at give-way lines and zebras in use.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from isdc.simulator.roadmap import RoadMap

KINDS = ("car", "motorcycle", "truck", "bus")
KIND_CODE = {k: i for i, k in enumerate(KINDS)}
CAR, MOTORCYCLE, TRUCK, BUS = range(4)
SIZES = np.array([(4.4, 1.8), (2.0, 0.8), (8.5, 2.5), (11.0, 2.5)])
# a_max, b_comfortable, headway T, jam gap s0, per kind
IDM = np.array([(1.4, 2.0, 1.5, 2.0), (2.0, 2.5, 1.0, 1.5), (0.8, 1.5, 2.0, 3.0),
                (0.9, 1.5, 2.0, 3.0)])  # fmt: skip
G = 9.81
KEY = 100_000.0  # lane stride in the (lane, s) sort key; lanes are far shorter than this
LOOK = 16  # entries examined ahead when the next ones are beside, not ahead of, a vehicle
GHOST_RANGE = 80.0  # m: things this close to a lane's start are copied into the lanes before it
LATERAL_SPEED = 1.0  # m/s of sideways movement in a lane change
MOTO_KERB_OFFSET = 0.6  # motorcycles ride left of the lane centre, towards the kerb
MOBIL_EVERY = 60  # ticks between a vehicle's lane-change decisions (staggered over vehicles)
WIDE = 50.0  # half width of an obstacle that blocks its whole lane
NARROW = 0.5  # m: half widths below this (motorcycles) pass others in a lane side by side

# Obstacle conditions: who must respect an obstacle. A red light is not obeyed by a vehicle
# that can no longer stop before it (it committed on amber), as real drivers behave.
ALWAYS, AMBER, STOP_SIGN, YIELD, RED = 0, 1, 2, 3, 4
RED_COMMITTED_DECEL = 5.0  # m/s^2: closer than v^2/(2*this) to a red line, a vehicle goes on
AMBER_DECEL = 3.0  # m/s^2: on amber, drivers stop if it takes no more than this

# Entry columns (the first eight columns of the vehicle matrix are the same).
LANE, S, D, HW, HALF, V, ID, FLAG = range(8)
# Entry kinds: a vehicle; its SHADOW (the part of it over a lane line, in the lane beside); a
# GHOST (a copy near a lane's start, at the end of the lane before); an obstacle that binds
# everyone (OBST) or only some (OBST_IF: amber, red, stop sign, give way).
REAL, SHADOW, GHOST, OBST, OBST_IF = 0.0, 1.0, 2.0, 3.0, 4.0
# Further vehicle columns.
(D_TARGET, ACC, V0, LIMIT_FACTOR, A_MAX, B, T_HW, S0, FORCED_DECEL, FORCED_UNTIL, STOPPED_FOR,
 V0_EFF, MAX_DECEL, INV_2SQRT_AB, ACC_CMD, LANE_CHANGED) = range(8, 24)  # fmt: skip
NF = 24
LANE_CHANGE_PAUSE_S = 6.0  # after changing lane a driver settles before considering another
DECIDE_EVERY = 2  # ticks between drivers' decisions (30 Hz at the default 60 Hz)
SLOW_EVERY = 4  # ticks between refreshes of zone limits, grip and bends ahead


_NEG_IDS = -1.0 - np.arange(256.0)


@dataclass
class Obstacles:
    """This tick's obstacles as entry rows, with their conditions."""

    rows: np.ndarray  # (k, 8) entry columns; ID = -(1 + index)
    cond: np.ndarray  # per obstacle
    param: np.ndarray  # stop line index (STOP_SIGN) or the lane that must yield (YIELD)
    ego_row: int = -1  # index of the ego's row in its own lane, -1 if none
    any_conditional: bool = False
    has_stop_signs: bool = False
    ego_lanes: dict = field(default_factory=dict)  # lane -> (s, speed along, half length)

    @classmethod
    def build(cls, rows: list[tuple[int, float, float, float, float, float, int, int]],
              ego_row: int = -1) -> Obstacles:  # fmt: skip
        """Rows are (lane, s, d, half width, half length, speed, cond, param)."""
        if not rows:
            return cls(np.empty((0, 8)), np.empty(0, np.intp), np.empty(0, np.intp), -1)
        k = len(rows)
        out = np.empty((k, 8))
        out[:, :6] = [r[:6] for r in rows]
        out[:, ID] = _NEG_IDS[:k] if k <= len(_NEG_IDS) else -1.0 - np.arange(k)
        conds = [r[6] for r in rows]
        cond = np.array(conds, dtype=np.intp)
        out[:, FLAG] = np.where(cond != ALWAYS, OBST_IF, OBST)
        param = np.array([r[7] for r in rows], dtype=np.intp)
        return cls(out, cond, param, ego_row, any(conds), STOP_SIGN in conds)


class Traffic:
    def __init__(self, road_map: RoadMap, rng: np.random.Generator, dt: float, capacity: int = 32):
        self.map = road_map
        self.rng = rng
        self.dt = dt
        self.n = 0
        self.spawned = 0
        self._lane_end_v = np.empty(0)
        self.ids: list[str | None] = []
        self.routes: dict[int, list[int]] = {}
        self.has_motorcycles = False
        self.cap = 0
        self._grow(max(16, capacity))
        self.x = np.zeros(0)
        self.y = np.zeros(0)
        self.heading = np.zeros(0)
        self.tick = 0
        self.lead_slot = -1  # the ego's lead vehicle found in the last step, -1 if none
        self.lead_serial = -1
        self.lead_gap = math.inf
        # Predecessors of each lane (CSR), for ghost entries.
        m = road_map
        preds: list[list[int]] = [[] for _ in m.lanes]
        for ln in m.lanes:
            for nxt in ln.successors:
                preds[nxt].append(ln.index)
        self._pred_count = np.array([len(p) for p in preds], dtype=np.intp)
        self._pred_start = np.concatenate([[0], np.cumsum(self._pred_count)[:-1]]).astype(np.intp)
        flat = [q for p in preds for q in p]
        self._pred_list = np.array(flat if flat else [0], dtype=np.intp)
        self._pred_end = m.lane_end[self._pred_list]
        self._has_preds = bool(flat)
        self._single_preds = bool(flat) and int(self._pred_count.max()) == 1
        # Lanes shorter than the ghost range with lanes before them need ghosts of ghosts.
        self._short_lanes = any(
            ln.length < GHOST_RANGE and self._pred_count[ln.index] for ln in m.lanes
        )
        self._arange = np.arange(64)
        self._ego_rows: dict[int, tuple[float, float, float]] = {}
        self._dirty = True
        self._lateral_any = False
        self._forced_any = False
        self._bend = np.empty(0, dtype=np.intp)
        self._bend_v = np.empty(0)
        self._lane_end_v = np.empty(0)
        self._half_lane = self._room_left = self._room_right = np.empty(0)
        self._moved: np.ndarray | None = None

    def _grow(self, cap: int) -> None:
        f = np.zeros((cap, NF))
        if self.cap:
            f[: self.cap] = self.f
        self.f = f
        for name, dtype, fill in (
            ("lane", np.intp, 0),
            ("next_lane", np.intp, -1),
            ("kind", np.intp, 0),
            ("cleared", np.intp, -1),
            ("committed", np.intp, -1),  # stop line it decided to drive through on amber
            ("serial", np.intp, -1),
        ):
            new = np.full(cap, fill, dtype=dtype)
            old = getattr(self, name, None)
            if old is not None:
                new[: len(old)] = old
            setattr(self, name, new)
        self.cap = cap

    # Column views (valid for the first n rows).
    @property
    def s(self) -> np.ndarray:
        return self.f[: self.n, S]

    @property
    def d(self) -> np.ndarray:
        return self.f[: self.n, D]

    @property
    def v(self) -> np.ndarray:
        return self.f[: self.n, V]

    @property
    def acc(self) -> np.ndarray:
        return self.f[: self.n, ACC]

    @property
    def length(self) -> np.ndarray:
        return self.f[: self.n, HALF] * 2.0

    @property
    def width(self) -> np.ndarray:
        return self.f[: self.n, HW] * 2.0

    # ------------------------------------------------------------------------------ spawning

    def add(
        self,
        kind: str,
        lane: int,
        s: float,
        speed: float,
        *,
        d: float = 0.0,
        desired: float | None = None,
        limit_factor: float = 1.0,
        headway: float | None = None,
        vehicle_id: str | None = None,
        route: list[int] | None = None,
    ) -> int:
        if self.n == self.cap:
            self._grow(self.cap * 2)
        i = self.n
        self.n += 1
        k = KIND_CODE[kind]
        length, width = SIZES[k]
        row = self.f[i]
        row[:] = 0.0
        if k == MOTORCYCLE and not d:
            d = MOTO_KERB_OFFSET
        row[LANE], row[S], row[D], row[HW], row[HALF], row[V] = (
            lane,
            s,
            d,
            width / 2,
            length / 2,
            speed,
        )
        row[ID], row[FLAG] = i, REAL
        row[D_TARGET] = d
        row[V0] = desired if desired is not None else np.inf
        row[LIMIT_FACTOR] = limit_factor
        row[A_MAX], row[B], row[T_HW], row[S0] = IDM[k]
        if headway is not None:
            row[T_HW] = headway
        row[INV_2SQRT_AB] = 1.0 / (2.0 * math.sqrt(row[A_MAX] * row[B]))
        row[FORCED_UNTIL] = -1.0
        row[LANE_CHANGED] = -1e9
        row[V0_EFF] = min(row[V0], 50.0)
        row[MAX_DECEL] = -0.7 * G
        self._dirty = True
        self._lateral_any = True
        self.lane[i] = lane
        self.kind[i] = k
        self.cleared[i] = -1
        self.committed[i] = -1
        self.serial[i] = self.spawned
        self.spawned += 1
        self.has_motorcycles |= k == MOTORCYCLE
        if len(self.ids) <= i:
            self.ids.append(vehicle_id)
        else:
            self.ids[i] = vehicle_id
        if route:
            self.routes[i] = list(route)
        else:
            self.routes.pop(i, None)
        self.next_lane[i] = self._choose_next(i, lane)
        return i

    def _remove(self, i: int) -> None:
        """Swap the last vehicle into slot ``i`` so the active ones stay contiguous."""
        last = self.n - 1
        if i != last:
            self.f[i] = self.f[last]
            self.f[i, ID] = i
            for arr in (self.lane, self.next_lane, self.kind, self.cleared, self.committed,
                        self.serial):  # fmt: skip
                arr[i] = arr[last]
            self.ids[i] = self.ids[last]
            if last in self.routes:
                self.routes[i] = self.routes.pop(last)
            else:
                self.routes.pop(i, None)
        else:
            self.routes.pop(i, None)
        self.ids[last] = None
        self.n = last
        self._dirty = True

    def _choose_next(self, i: int, lane: int) -> int:
        route = self.routes.get(i)
        if route and lane in route:
            j = route.index(lane)
            return route[j + 1] if j + 1 < len(route) else -1
        succ = self.map.lanes[lane].successors
        if not succ:
            return -1
        if len(succ) == 1:
            return succ[0]
        return succ[int(self.rng.integers(len(succ)))]

    def _set_lane(self, i: int, lane: int) -> None:
        self.lane[i] = lane
        self.f[i, LANE] = lane
        self._dirty = True
        self._lateral_any = True

    def index_of(self, vehicle_id: str) -> int:
        try:
            return self.ids.index(vehicle_id, 0, self.n)
        except ValueError:
            return -1

    def slot_of_serial(self, serial: int) -> int:
        hit = np.nonzero(self.serial[: self.n] == serial)[0]
        return int(hit[0]) if len(hit) else -1

    def rear_gap(self, lane: int, begin: float) -> float:
        """Free distance from a lane's start to its rearmost vehicle (for spawning)."""
        n = self.n
        m = self.lane[:n] == lane
        if not m.any():
            return math.inf
        j = np.nonzero(m)[0]
        k = j[np.argmin(self.f[j, S])]
        return float(self.f[k, S] - self.f[k, HALF] - begin)

    # ------------------------------------------------------------------------------ stepping

    def _shadows(self, f: np.ndarray) -> np.ndarray:
        """Entries for vehicles whose body reaches over into the neighbouring lane."""
        half_lane, room_left, room_right = self._half_lane, self._room_left, self._room_right
        d = f[:, D]
        over_left = d > room_left  # room_* is inf where there is no lane on that side
        over_right = d < room_right
        idx = np.nonzero(over_left | over_right)[0]
        if not len(idx):
            return f[:0, :8]
        m = self.map
        lane = self.lane[: self.n]
        left = over_left[idx]
        rows = f[idx, :8].copy()
        rows[:, LANE] = np.where(left, m.lane_left[lane[idx]], m.lane_right[lane[idx]])
        # In the neighbour's coordinates the offset shifts by a lane width (left is positive).
        rows[:, D] = np.where(left, d[idx] - 2 * half_lane[idx], d[idx] + 2 * half_lane[idx])
        rows[:, FLAG] = SHADOW
        return rows

    def _ghosts(self, rows: np.ndarray) -> np.ndarray:
        """Copies of entries near a lane's start, placed at the end of each lane leading in."""
        if not self._has_preds or not len(rows):
            return rows[:0]
        m = self.map
        lane = rows[:, LANE].astype(np.intp)
        into = rows[:, S] - m.lane_begin[lane]
        near = np.nonzero((into < GHOST_RANGE) & (self._pred_count[lane] > 0))[0]
        if not len(near):
            return rows[:0]
        if self._single_preds:  # every lane has at most one lane before it: no fan-out
            rep = near
            k = self._pred_start[lane[near]]
        else:
            counts = self._pred_count[lane[near]]
            rep = np.repeat(near, counts)
            first = np.repeat(np.cumsum(counts) - counts, counts)
            k = self._pred_start[lane[rep]] + (np.arange(len(rep)) - first)
        g = rows[rep].copy()
        g[:, LANE] = self._pred_list[k]
        g[:, S] = self._pred_end[k] + into[rep]
        g[:, FLAG] = np.where(g[:, FLAG] >= OBST, g[:, FLAG], GHOST)
        return g

    def step(self, tick: int, ob: Obstacles | None) -> None:
        """Advance every vehicle by one tick; with obstacles, the drivers also decide anew.

        Drivers re-decide every DECIDE_EVERY ticks (the world passes obstacles then) and hold
        their acceleration in between, like a driver sampling the scene 30 times a second;
        motion is integrated every tick.
        """
        self.tick = tick
        if self.n == 0:
            return
        if ob is not None:
            self._decide(tick, ob)
        self._move(tick)

    def _decide(self, tick: int, ob: Obstacles) -> None:
        """Leaders, obstacles and IDM: each vehicle's acceleration until the next decision."""
        n = self.n
        self.lead_slot = -1
        m = self.map
        f = self.f[:n]
        if tick % SLOW_EVERY == 0 or self._dirty:
            self._slow_update()

        # 1. One table of entries: vehicles, their shadows in the next lane while they straddle
        # a line, obstacles, and ghosts of all these near lane starts; sorted by (lane, s).
        parts = [f[:, :8]]
        shadows = self._shadows(f)
        if len(shadows):
            parts.append(shadows)
        if len(ob.rows):
            parts.append(ob.rows)
        base = np.concatenate(parts) if len(parts) > 1 else f[:, :8]
        g1 = self._ghosts(base)
        if len(g1) and self._short_lanes:
            ent = np.concatenate((base, g1, self._ghosts(g1)))  # through short connectors
        elif len(g1):
            ent = np.concatenate((base, g1))
        else:
            ent = base
        order = np.argsort(ent[:, LANE] * KEY + ent[:, S], kind="stable")
        se = ent[order]
        total = len(se)
        sl, ss, sd, shw, shalf, sv, sid, sflag = se.T

        # 2. The constraint of each entry is the next entry in its lane that overlaps sideways.
        if len(self._arange) < total + 1:
            self._arange = np.arange(2 * total + 2)
        nxt = self._arange[1 : total + 1].copy()
        nxt[-1] = total - 1
        same = np.zeros(total, dtype=bool)
        same[:-1] = sl[1:] == sl[:-1]
        # Two wide things in one lane always follow each other (a car that has just moved over
        # is already the lead of the car behind); a motorcycle only meets what it overlaps.
        ok = same.copy()
        wide = shw >= NARROW
        beside = np.abs(sd[1:] - sd[:-1]) < shw[1:] + shw[:-1] + 0.3
        ok[:-1] &= (beside | (wide[1:] & wide[:-1])) & (sid[1:] != sid[:-1])
        real = sflag <= SHADOW  # entries that are followers
        slot = sid.astype(np.intp)  # meaningful where real
        conditional = ob.any_conditional
        if conditional:
            ok &= ~self._ignored(se, nxt, ok, slot, real, ob)
        # Beside it, or an obstacle it may pass: look further along the same lane.
        pending = real & same & ~ok
        if pending.any():
            self._search_further(se, nxt, ok, pending, slot, ob)
        if ob.ego_row >= 0:
            self._find_ego_lead(se, sid, sflag, ob.ego_row)
        self._ego_rows = ob.ego_lanes
        own = sflag == REAL
        rs = slot[own]
        nr = nxt[own]
        okr = ok[own]
        gap_v = np.empty(n)
        gap_v[rs] = np.where(okr, ss[nr] - ss[own] - shalf[nr] - shalf[own], np.inf)
        lead_v = np.empty(n)
        lead_v[rs] = sv[nr]
        if ob.has_stop_signs:
            obs_v = np.empty(n)
            obs_v[rs] = np.where(okr & (sflag[nr] >= OBST), -1.0 - sid[nr], -1.0)
        if len(shadows):
            # A vehicle straddling a line also keeps clear of what is ahead in the other lane.
            sh = np.nonzero((sflag == SHADOW) & ok)[0]
            if len(sh):
                hs, hn = slot[sh], nxt[sh]
                g = ss[hn] - ss[sh] - shalf[hn] - shalf[sh]
                closer = g < gap_v[hs]
                gap_v[hs[closer]] = g[closer]
                lead_v[hs[closer]] = sv[hn[closer]]

        # 3. IDM towards the desired speed (refreshed every few ticks), and the bend ahead.
        v = f[:, V]
        v0 = f[:, V0_EFF]
        bend = self._bend
        if len(bend):
            to_end = np.maximum(m.lane_end[self.lane[bend]] - f[bend, S], 0.0)
            vn = self._bend_v
            v0 = v0.copy()
            v0[bend] = np.minimum(v0[bend], np.sqrt(vn * vn + 2.0 * f[bend, B] * to_end))
        ratio = v / v0
        ratio *= ratio
        s_star = f[:, S0] + np.maximum(0.0, v * (f[:, T_HW] + (v - lead_v) * f[:, INV_2SQRT_AB]))
        inter = s_star / np.maximum(gap_v, 0.1)
        acc = f[:, A_MAX] * (1.0 - ratio * ratio - inter * inter)
        np.maximum(acc, f[:, MAX_DECEL], out=acc)
        if self._forced_any:
            forced = f[:, FORCED_UNTIL] > tick
            self._forced_any = bool(forced.any())
            acc = np.where(forced, np.maximum(-f[:, FORCED_DECEL], f[:, MAX_DECEL]), acc)
        f[:, ACC_CMD] = acc

        if ob.has_stop_signs:
            self._update_stop_signs(ob, obs_v, gap_v, v)
        # Filtering and lane changes (decided now, carried out by the lateral motion).
        if self.has_motorcycles and tick % (3 * DECIDE_EVERY) == 0:
            self._filter_motorcycles(gap_v, lead_v)
        if tick % (3 * DECIDE_EVERY) == 0:
            self._lane_changes(tick)

    def _move(self, tick: int) -> None:
        """Integrate one tick with the accelerations decided last; handle lane ends."""
        n = self.n
        f = self.f[:n]
        dt = self.dt
        v = f[:, V]
        v_new = v + f[:, ACC_CMD] * dt
        np.maximum(v_new, 0.0, out=v_new)
        ds = (v + v_new) * (0.5 * dt)
        f[:, S] += ds
        self._moved = ds  # for cheap pose updates; None when a pose must be recomputed
        f[:, ACC] = (v_new - v) * (1.0 / dt)
        f[:, V] = v_new
        if self._lateral_any:
            off = f[:, D_TARGET] - f[:, D]
            self._lateral_any = bool(np.any(np.abs(off) > 1e-9))
            step = LATERAL_SPEED * dt
            f[:, D] += np.minimum(np.maximum(off, -step), step)
            self._moved = None  # sideways motion: recompute poses exactly
        if len(self._lane_end_v) != n:  # vehicles came or went since the last refresh
            self._lane_end_v = self.map.lane_end[self.lane[:n]]
        over = np.nonzero(f[:, S] > self._lane_end_v)[0]
        if len(over):
            self._moved = None
            self._advance_lanes(over)
            self._lane_end_v = self.map.lane_end[self.lane[: self.n]]

    def _slow_update(self) -> None:
        """Quantities that change slowly: the zone's limit and grip, bends ahead (every few ticks)."""
        self._dirty = False
        n = self.n
        m = self.map
        f = self.f[:n]
        lane = self.lane[:n]
        zi = m.zone_index(lane, f[:, S])
        limit = m.zone_limit[zi] * f[:, LIMIT_FACTOR]
        f[:, V0_EFF] = np.maximum(np.minimum(np.minimum(f[:, V0], limit), m.lane_vmax[lane]), 0.5)
        f[:, MAX_DECEL] = -G * m.zone_friction[zi]
        self._lane_end_v = m.lane_end[lane]
        # Offsets beyond which a vehicle's body reaches into the lane beside (for shadows).
        hw = f[:, HW]
        self._half_lane = 0.5 * m.lane_width[lane]
        self._room_left = np.where(m.lane_left[lane] >= 0, self._half_lane - hw, np.inf)
        self._room_right = np.where(m.lane_right[lane] >= 0, hw - self._half_lane, -np.inf)
        v_next = m.lane_vmax[self.next_lane[:n]]  # the last entry (inf) stands for "none"
        self._bend = np.nonzero(np.isfinite(v_next))[0]
        self._bend_v = v_next[self._bend]

    def _ignored(self, se, nxt, ok, slot, real, ob) -> np.ndarray:
        """Followers that may pass the obstacle ahead of them (amber, cleared stop sign, ...)."""
        ignore = np.zeros(len(se), dtype=bool)
        cand = np.nonzero(ok & real & (se[nxt, FLAG] == OBST_IF))[0]
        if len(cand):
            ignore[cand] = self._passable(se, cand, nxt[cand], slot[cand], ob)
        return ignore

    def _passable(self, se, idx, j, slot, ob) -> np.ndarray:
        """For followers ``idx`` facing obstacle entries ``j``: may they pass it?"""
        k = (-1.0 - se[j, ID]).astype(np.intp)
        cond = ob.cond[k]
        param = ob.param[k]
        gap = se[j, S] - se[idx, S] - se[j, HALF] - se[idx, HALF]
        v = se[idx, V]
        v2 = v * v
        light = (cond == AMBER) | (cond == RED)
        committed = light & (self.committed[slot] == param)
        # Amber: go on only if a stop would need more than AMBER_DECEL; red: only if a stop is
        # no longer possible. Either way the decision sticks until the vehicle is past.
        go = (cond == AMBER) & (gap < v2 / (2.0 * AMBER_DECEL))
        go |= (cond == RED) & (gap < v2 / (2.0 * RED_COMMITTED_DECEL))
        if go.any():
            self.committed[slot[go]] = param[go]
        ignore = committed | go
        ignore |= (cond == STOP_SIGN) & (self.cleared[slot] == param)
        ignore |= (cond == YIELD) & (self.next_lane[slot] != param)
        ignore |= gap < -2.0  # already past it
        return ignore

    def _search_further(self, se, nxt, ok, pending, slot, ob) -> None:
        """For vehicles whose next entry is beside them (or ignorable), look a few further."""
        idx = np.nonzero(pending)[0]
        total = len(se)
        sl, sd, shw, sid, sflag = se[:, LANE], se[:, D], se[:, HW], se[:, ID], se[:, FLAG]
        conditional = ob.any_conditional
        if len(idx) <= 6:
            # A few: walk along the lane in plain Python (cheaper than vectorised rounds).
            for i in idx.tolist():
                lane, d, hw, me = sl[i], sd[i], shw[i], sid[i]
                for j in range(i + 2, min(i + LOOK + 1, total)):
                    if sl[j] != lane:
                        break
                    if sid[j] == me:
                        continue
                    if not (abs(sd[j] - d) < shw[j] + hw + 0.3 or (shw[j] >= NARROW <= hw)):
                        continue
                    if conditional and sflag[j] == OBST_IF:
                        one, jj = np.array([i]), np.array([j])
                        if self._passable(se, one, jj, slot[one], ob)[0]:
                            continue
                    nxt[i] = j
                    ok[i] = True
                    break
            return
        for k in range(2, LOOK + 1):
            j = np.minimum(idx + k, total - 1)
            both_wide = (shw[j] >= NARROW) & (shw[idx] >= NARROW)
            hit = (
                (idx + k < total)
                & (sl[j] == sl[idx])
                & ((np.abs(sd[j] - sd[idx]) < shw[j] + shw[idx] + 0.3) | both_wide)
                & (sid[j] != sid[idx])
            )
            if conditional:
                obs = np.nonzero(hit & (sflag[j] == OBST_IF))[0]
                if len(obs):
                    hit[obs] &= ~self._passable(se, idx[obs], j[obs], slot[idx[obs]], ob)
            nxt[idx[hit]] = j[hit]
            ok[idx[hit]] = True
            # Done: found one, or ran out of entries in its lane (nothing ahead after all).
            idx = idx[~hit & (idx + k < total - 1) & (sl[j] == sl[idx])]
            if not len(idx):
                break

    def _find_ego_lead(self, se, sid, sflag, ego_row: int) -> None:
        ego_id = -1.0 - ego_row
        pos = np.nonzero(sid == ego_id)[0]
        if not len(pos):
            return
        p = int(pos[0])
        lane, s, d, hw, half = se[p, LANE], se[p, S], se[p, D], se[p, HW], se[p, HALF]
        for j in range(p + 1, min(p + 12, len(se))):
            if se[j, LANE] != lane:
                return
            if sflag[j] >= OBST:
                continue
            wide = se[j, HW] >= NARROW and hw >= NARROW
            if wide or abs(se[j, D] - d) < se[j, HW] + hw + 0.2:
                self.lead_slot = int(sid[j])
                self.lead_serial = int(self.serial[self.lead_slot])
                self.lead_gap = float(se[j, S] - s - se[j, HALF] - half)
                return

    def _update_stop_signs(self, ob, obs_v, gap_v, v) -> None:
        n = self.n
        f = self.f[:n]
        k = np.maximum(obs_v, 0).astype(np.intp)
        sign = (obs_v >= 0) & (ob.cond[k] == STOP_SIGN)
        at_line = sign & (gap_v < 3.0) & (v < 0.1)
        f[:, STOPPED_FOR] = np.where(at_line, f[:, STOPPED_FOR] + self.dt, 0.0)
        done = np.nonzero(f[:, STOPPED_FOR] >= 1.0)[0]
        for i in done.tolist():
            self.cleared[i] = ob.param[k[i]]

    def _advance_lanes(self, idx: np.ndarray) -> None:
        m = self.map
        gone = []
        for i in idx.tolist():
            for _ in range(4):  # short connectors may be crossed within one tick
                lane = int(self.lane[i])
                if self.f[i, S] <= m.lane_end[lane]:
                    break
                nxt = int(self.next_lane[i])
                if nxt < 0:
                    gone.append(i)
                    break
                self.f[i, S] += m.lane_begin[nxt] - m.lane_end[lane]
                self._set_lane(i, nxt)
                self.committed[i] = -1
                self.next_lane[i] = self._choose_next(i, nxt)
        for i in sorted(gone, reverse=True):
            self._remove(i)

    def _filter_motorcycles(self, lead_gap: np.ndarray, lead_v: np.ndarray) -> None:
        n = self.n
        if len(lead_gap) != n:  # vehicles left this tick; decide again next tick
            return
        f = self.f[:n]
        moto = self.kind[:n] == MOTORCYCLE
        lane = self.lane[:n]
        w = self.map.lane_width[lane]
        blocked = moto & (lead_gap < 20.0) & (lead_v < f[:, V] + 1.0) & (lead_v < 8.0)
        # Filter on the boundary with the lane to the right if there is one, else by the kerb.
        has_right = self.map.lane_right[lane] >= 0
        filter_d = np.where(has_right, -0.5 * w, 0.5 * w - 0.45)
        changing = np.abs(f[:, D_TARGET] - f[:, D]) > 1.0
        # Once filtering, a rider keeps that line: moving back could cut across a car beside it.
        target = np.where(blocked, filter_d, f[:, D_TARGET])
        f[:, D_TARGET] = np.where(moto & ~changing, target, f[:, D_TARGET])
        self._lateral_any = True

    def _lane_changes(self, tick: int) -> None:
        """MOBIL for a staggered subset of vehicles (each decides every MOBIL_EVERY ticks)."""
        n = self.n
        m = self.map
        f = self.f[:n]
        lane = self.lane[:n]
        cand = (
            (self.kind[:n] != MOTORCYCLE)
            & (np.abs(f[:, D]) < 0.3)
            & ((np.arange(n) + tick) % MOBIL_EVERY < 6)
            & (f[:, FORCED_UNTIL] <= tick)
            & (tick - f[:, LANE_CHANGED] > LANE_CHANGE_PAUSE_S / self.dt)
            & ((m.lane_left[lane] >= 0) | (m.lane_right[lane] >= 0))
        )
        idx = np.nonzero(cand)[0]
        if not len(idx):
            return
        key = lane * KEY + f[:, S]
        order = np.argsort(key, kind="stable")
        skey = key[order]
        for i in idx.tolist():
            self._mobil_one(i, skey, order)

    def _mobil_one(self, i: int, skey: np.ndarray, order: np.ndarray) -> None:
        m = self.map
        f = self.f
        lane = int(self.lane[i])
        s = float(f[i, S])
        v = float(f[i, V])
        a_now = float(f[i, ACC])
        best, best_gain = -1, 0.0
        lane_ends = self.next_lane[i] < 0 and m.lane_end[lane] - s < 200.0
        for target, bias in ((int(m.lane_left[lane]), 0.3), (int(m.lane_right[lane]), -0.3)):
            if target < 0 or not (m.lane_begin[target] <= s <= m.lane_end[target] - 30.0):
                continue
            if m.lane_dead_end[target]:
                continue  # an acceleration lane that ends: never move into it
            side = "left" if target == m.lane_left[lane] else "right"
            if m.lanes[lane].line_style(side, s) != "dashed":
                continue
            p = int(np.searchsorted(skey, target * KEY + s))
            lead = int(order[p]) if p < len(skey) and self.lane[order[p]] == target else -1
            foll = int(order[p - 1]) if p > 0 and self.lane[order[p - 1]] == target else -1
            if lead >= 0:
                gap_l = float(f[lead, S] - s - f[i, HALF] - f[lead, HALF])
                if gap_l < 2.0:
                    continue
                a_new = self._idm_gap(i, v, gap_l, v - float(f[lead, V]))
            else:
                a_new = self._idm_gap(i, v, math.inf, 0.0)
            ego = self._ego_rows.get(target)
            if ego is not None:
                e_s, e_v, e_half = ego
                if e_s <= s:
                    # The ego follows: never cut in so close that it must brake hard.
                    gap_e = s - e_s - f[i, HALF] - e_half
                    if gap_e < 2.0 or self._idm_gap(i, e_v, gap_e, e_v - v) < -2.0:
                        continue
                else:
                    gap_e = e_s - s - f[i, HALF] - e_half
                    if gap_e < 2.0:
                        continue
                    a_new = min(a_new, self._idm_gap(i, v, gap_e, v - e_v))
            gain_f = 0.0
            if foll >= 0:
                vf = float(f[foll, V])
                gap_f = s - float(f[foll, S]) - f[i, HALF] - f[foll, HALF]
                if gap_f < 2.0:
                    continue
                af_new = self._idm_gap(foll, vf, gap_f, vf - v)
                if af_new < -3.0:
                    continue  # unsafe for the vehicle behind
                gain_f = af_new - float(f[foll, ACC])
            gain = a_new - a_now + 0.3 * gain_f + bias + (2.0 if lane_ends else 0.0)
            if side == "right":
                # Courtesy: make room for the ego waiting to merge from a lane that ends.
                kerb = int(m.lane_left[lane])
                ego = self._ego_rows.get(kerb) if kerb >= 0 and m.lane_dead_end[kerb] else None
                if ego is not None and -20.0 < ego[0] - s < 150.0:
                    gain += 1.0
            if gain > 0.3 and gain > best_gain:
                best, best_gain = target, gain
        if best >= 0:
            w = float(m.lane_width[lane])
            f[i, D] += w if best == m.lane_right[lane] else -w
            f[i, D_TARGET] = 0.0
            f[i, LANE_CHANGED] = self.tick
            self._set_lane(i, best)
            self.next_lane[i] = self._choose_next(i, best)

    def _idm_gap(self, i: int, v: float, gap: float, dv: float) -> float:
        f = self.f[i]
        a, b, T, s0 = float(f[A_MAX]), float(f[B]), float(f[T_HW]), float(f[S0])
        v0 = float(f[V0_EFF])  # own wish and the limit here, refreshed every few ticks
        acc = a * (1.0 - (v / max(v0, 0.5)) ** 4)
        if math.isfinite(gap):
            s_star = s0 + max(0.0, v * T + v * dv / (2.0 * math.sqrt(a * b)))
            acc -= a * (s_star / max(gap, 0.1)) ** 2
        return acc

    # ------------------------------------------------------------------------------ actions

    def brake_hard(self, i: int, decel: float, until_tick: int) -> None:
        self.f[i, FORCED_DECEL] = decel
        self.f[i, FORCED_UNTIL] = until_tick
        self._forced_any = True

    def set_desired(self, i: int, speed: float) -> None:
        self.f[i, V0] = speed
        self._dirty = True

    def change_lane(self, i: int, to: str) -> bool:
        m = self.map
        lane = int(self.lane[i])
        target = int(m.lane_left[lane] if to == "left" else m.lane_right[lane])
        if target < 0:
            return False
        w = float(m.lane_width[lane])
        self.f[i, D] += -w if to == "left" else w
        self.f[i, D_TARGET] = MOTO_KERB_OFFSET if self.kind[i] == MOTORCYCLE else 0.0
        self.f[i, LANE_CHANGED] = self.tick
        self._set_lane(i, target)
        self.next_lane[i] = self._choose_next(i, target)
        return True

    def update_poses(self, exact: bool = True) -> None:
        """World poses of every vehicle (for collisions, drivers and drawing).

        Between drivers' decisions (``exact=False``) the poses are advanced along each
        vehicle's heading by the distance it moved - exact on straights and within millimetres
        on bends for one tick - unless a vehicle changed lane or the set of vehicles changed.
        """
        n = self.n
        if not exact and self._moved is not None and len(self.x) == n:
            ds = self._moved
            self.x = self.x + ds * np.cos(self.heading)
            self.y = self.y + ds * np.sin(self.heading)
            return
        self.x, self.y, self.heading = self.map.poses(self.lane[:n], self.f[:n, S], self.f[:n, D])
