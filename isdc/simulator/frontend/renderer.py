"""The renderer: draws one frame of a scene - road tiles, road users, signals, weather, light, HUD.

It reads a :class:`Scene`, a snapshot taken from the world's read-only views
(:meth:`Scene.from_world`) or made from a recording alone (:meth:`Scene.ego_only`), and never
touches the world itself. A frame costs: the visible road tiles blitted, one cached rotated
sprite per road user in view, a few lamp glows, the night light map when it is dark, rain
streaks when it rains, and the HUD.
"""

from __future__ import annotations

import math
import weakref
from dataclasses import dataclass

import numpy as np
import pygame

from isdc.simulator.build import Layout
from isdc.simulator.frontend import palette as P
from isdc.simulator.frontend.camera import Camera, scale_for
from isdc.simulator.frontend.effects import Night, Rain
from isdc.simulator.frontend.hud import Hud, HudState
from isdc.simulator.frontend.scenery import Scenery, TileCache
from isdc.simulator.frontend.sprites import Sprites, lamp_points
from isdc.simulator.vehicle import VehicleParams

CULL_MARGIN_M = 14.0  # a bus's half length and a bit: nothing pops in at the screen edge
_EMPTY = np.zeros(0)


@dataclass(frozen=True)
class Scene:
    """What one frame shows. Arrays are the world's read-only views (or empty)."""

    t: float
    ego_x: float
    ego_y: float
    ego_heading: float
    ego_speed: float
    ego_braking: bool
    veh_kind: tuple[str, ...]
    veh_serial: np.ndarray  # stable per vehicle: its colour
    veh_x: np.ndarray
    veh_y: np.ndarray
    veh_heading: np.ndarray
    veh_length: np.ndarray
    veh_width: np.ndarray
    veh_braking: np.ndarray
    veh_parked: np.ndarray
    ped_kind: tuple[str, ...]
    ped_x: np.ndarray
    ped_y: np.ndarray
    ped_heading: np.ndarray
    ped_walking: np.ndarray
    obj_kind: tuple[str, ...]
    obj_x: np.ndarray
    obj_y: np.ndarray
    obj_heading: np.ndarray
    obj_length: np.ndarray
    obj_width: np.ndarray
    signals: tuple[tuple[float, float, float, str], ...]  # x, y, heading, state

    @staticmethod
    def from_world(world) -> Scene:
        """A snapshot of a :class:`~isdc.simulator.world.World` through its read-only views."""
        ego = world.ego
        v = world.vehicles()
        p = world.pedestrians()
        o = world.objects()
        return Scene(
            t=world.t,
            ego_x=ego.x,
            ego_y=ego.y,
            ego_heading=ego.heading,
            ego_speed=ego.speed,
            ego_braking=ego.controls.brake > 0.05,
            veh_kind=v.kind,
            veh_serial=v.serial,
            veh_x=v.x,
            veh_y=v.y,
            veh_heading=v.heading,
            veh_length=v.length,
            veh_width=v.width,
            veh_braking=v.braking,
            veh_parked=v.parked,
            ped_kind=p.kind,
            ped_x=p.x,
            ped_y=p.y,
            ped_heading=p.heading,
            ped_walking=p.walking,
            obj_kind=o.kind,
            obj_x=o.x,
            obj_y=o.y,
            obj_heading=o.heading,
            obj_length=o.length,
            obj_width=o.width,
            signals=tuple(world.signal_heads()),
        )

    @staticmethod
    def ego_only(
        t: float, x: float, y: float, heading: float, speed: float, braking: bool, layout: Layout
    ) -> Scene:
        """The ego alone on the scenario's road (a recording that cannot be re-simulated)."""
        objs = layout.objects
        arr = lambda f: np.array([f(o) for o in objs], dtype=np.float64)  # noqa: E731
        return Scene(
            t, x, y, heading, speed, braking,
            (), _EMPTY, _EMPTY, _EMPTY, _EMPTY, _EMPTY, _EMPTY, _EMPTY, _EMPTY,
            (), _EMPTY, _EMPTY, _EMPTY, _EMPTY,
            tuple(o.kind for o in objs), arr(lambda o: o.x), arr(lambda o: o.y),
            arr(lambda o: o.heading), arr(lambda o: o.length), arr(lambda o: o.width),
            (),
        )  # fmt: skip


def colour_index(serial: int) -> int:
    """A stable colour for a vehicle (Knuth's multiplicative hash of its serial)."""
    return ((int(serial) * 2654435761) >> 7) & 0xFFFF


# Layouts are dataclasses (unhashable): keyed by id, with a weak reference to notice reuse.
_SCENERY: dict[int, tuple[weakref.ref, dict[float, Scenery]]] = {}


def scenery_for(layout: Layout, scale: float) -> Scenery:
    """The static scene of a layout at a scale, built once and shared by renderers."""
    entry = _SCENERY.get(id(layout))
    if entry is None or entry[0]() is not layout:
        for key in [k for k, (ref, _) in _SCENERY.items() if ref() is None]:
            del _SCENERY[key]
        entry = _SCENERY[id(layout)] = (weakref.ref(layout), {})
    per_layout = entry[1]
    sc = per_layout.get(scale)
    if sc is None:
        sc = per_layout[scale] = Scenery(layout, scale)
    return sc


def kerb_heads(heads: list[tuple[str, str, float, float, float]]) -> list[int]:
    """One signal head per approach: of the heads of one signal group facing the same way close
    together (one per lane), the one on the kerb side, where a driver looks for it."""
    chosen: list[int] = []
    for i, (sig, group, x, y, h) in enumerate(heads):
        twin = None
        for k, j in enumerate(chosen):
            s2, g2, x2, y2, h2 = heads[j]
            same_way = math.cos(h - h2) > 0.95
            if (s2, g2) == (sig, group) and same_way and math.hypot(x - x2, y - y2) < 12.0:
                twin = k
                break
        if twin is None:
            chosen.append(i)
            continue
        j = chosen[twin]
        x2, y2 = heads[j][2], heads[j][3]
        # Further to the left of the direction of travel is nearer the kerb.
        if -math.sin(h) * (x - x2) + math.cos(h) * (y - y2) > 0:
            chosen[twin] = i
    return sorted(chosen)


def max_limit_kmh(layout: Layout) -> float:
    return max(z.limit_kmh for r in layout.road_map.roads for z in r.zones)


class Renderer:
    """Draws scenes of one layout into a surface of a fixed size."""

    def __init__(
        self,
        layout: Layout,
        vehicle: VehicleParams,
        size: tuple[int, int] = (1280, 720),
        *,
        lang: str = "id",
        weather: str | None = None,
        light: str | None = None,
        visibility_m: float | None = None,
    ):
        self.layout = layout
        self.vehicle = vehicle
        self.size = size
        self.weather = weather or layout.weather
        self.light = light or layout.light
        if visibility_m is None:
            visibility_m = layout.visibility if light in (None, layout.light) else None
        if visibility_m is None:
            visibility_m = {"day": 250.0, "dusk": 120.0, "night": 60.0}[self.light]
        self.visibility_m = float(visibility_m)
        self.scale = scale_for(max_limit_kmh(layout))
        self.camera = Camera(size[0], size[1], self.scale)
        self.scenery = scenery_for(layout, self.scale)
        self.tiles = TileCache(self.scenery, P.WET if self.weather == "rain" else P.DRY)
        self.sprites = Sprites(self.scale)
        self.night = (
            Night(size, self.scale, self.visibility_m, self.light) if self.light != "day" else None
        )
        self.rain = Rain(size) if self.weather == "rain" else None
        self.hud = Hud(size, lang)
        self._placed = False
        self._fixed: tuple[float, float] | None = None
        self.lamp_r = max(5, round(0.5 * self.scale))
        self.heads_shown = kerb_heads(layout.road_map.signal_heads)

    # ------------------------------------------------------------------------- frame

    def place_camera(self, scene: Scene) -> None:
        self.camera.snap(scene.ego_x, scene.ego_y, scene.ego_heading, scene.ego_speed)
        self._placed = True

    def look_at(self, x: float | None, y: float | None = None) -> None:
        """Hold the camera on a world point (previews, tests); ``None`` follows the ego again."""
        self._fixed = None if x is None or y is None else (x, y)
        if self._fixed is not None:
            self.camera.x, self.camera.y = self._fixed

    def draw(
        self,
        screen: pygame.Surface,
        scene: Scene,
        dt: float = 1 / 60,
        hud: HudState | None = None,
        *,
        snap: bool = False,
    ) -> None:
        """Draw ``scene`` into ``screen``; the camera eases over ``dt`` (or jumps when ``snap``)."""
        if self._fixed is not None:
            self.camera.x, self.camera.y = self._fixed
        elif snap or not self._placed:
            self.place_camera(scene)
        else:
            self.camera.follow(scene.ego_x, scene.ego_y, scene.ego_heading, scene.ego_speed, dt)
        self.tiles.blit_visible(screen, self.camera)
        self._road_users(screen, scene)
        housings = self._signal_housings(screen, scene)
        if self.night is not None:
            self._lights(screen, scene)
        self._signal_lamps(screen, housings)
        if self.rain is not None:
            cam = self.camera
            screen.fill(P.RAIN_TINT, special_flags=pygame.BLEND_MULT)  # overcast
            self.rain.draw(screen, scene.t, cam.x * cam.scale, -cam.y * cam.scale)
        if hud is not None:
            self.hud.draw(screen, hud, (self.weather, self.light, self.visibility_m))

    def _visible(self, x: np.ndarray, y: np.ndarray, margin: float = CULL_MARGIN_M) -> np.ndarray:
        if len(x) == 0:
            return np.zeros(0, dtype=np.intp)
        x0, y0, x1, y1 = self.camera.world_rect(margin)
        return np.flatnonzero((x > x0) & (x < x1) & (y > y0) & (y < y1))

    def _road_users(self, screen: pygame.Surface, sc: Scene) -> None:
        cam = self.camera
        sp = self.sprites
        blits = []
        for i in self._visible(sc.obj_x, sc.obj_y).tolist():
            surf = sp.thing(sc.obj_kind[i], float(sc.obj_length[i]), float(sc.obj_width[i]),
                            float(sc.obj_heading[i]))  # fmt: skip
            blits.append((surf, surf.get_rect(center=cam.to_screen(sc.obj_x[i], sc.obj_y[i]))))
        vis = self._visible(sc.veh_x, sc.veh_y)
        if len(vis):
            # Parked first, then small before large: a bus is never hidden under a scooter.
            order = sorted(vis.tolist(), key=lambda i: (not sc.veh_parked[i], sc.veh_length[i]))
            for i in order:
                surf = sp.vehicle(
                    sc.veh_kind[i], float(sc.veh_length[i]), float(sc.veh_width[i]),
                    float(sc.veh_heading[i]), colour_index(sc.veh_serial[i]),
                    bool(sc.veh_braking[i]),
                )  # fmt: skip
                blits.append((surf, surf.get_rect(center=cam.to_screen(sc.veh_x[i], sc.veh_y[i]))))
        for i in self._visible(sc.ped_x, sc.ped_y).tolist():
            walking = bool(sc.ped_walking[i])
            frame = int(sc.t * 3.2 + i * 0.37) % 2 if walking else 0
            surf = sp.person(sc.ped_kind[i], float(sc.ped_heading[i]), i, frame)
            blits.append((surf, surf.get_rect(center=cam.to_screen(sc.ped_x[i], sc.ped_y[i]))))
        v = self.vehicle
        ego = sp.vehicle(v.name, v.length, v.width, sc.ego_heading, 0, sc.ego_braking, ego=True)
        blits.append((ego, ego.get_rect(center=cam.to_screen(sc.ego_x, sc.ego_y))))
        screen.blits(blits, doreturn=False)

    # ------------------------------------------------------------------------- signals

    def signal_lamp_at(self, head: tuple[float, float, float, str], state: str) -> tuple[int, int]:
        """Screen pixel at the centre of a signal head's ``state`` lamp (red on top)."""
        cx, cy = self._housing_centre(head)
        row = {"red": -1, "amber": 0, "green": 1}[state]
        return round(cx), round(cy + row * 2.4 * self.lamp_r)

    def _housing_centre(self, head: tuple[float, float, float, str]) -> tuple[float, float]:
        x, y, h, _ = head
        # Stand the head on the kerb side of its approach, clear of the carriageway.
        off = 2.6 * self.lamp_r / self.scale
        sx, sy = self.camera.to_screen(x - math.sin(h) * off, y + math.cos(h) * off)
        return sx, sy

    def _signal_housings(self, screen: pygame.Surface, sc: Scene) -> list:
        shown = []
        r = self.lamp_r
        w, hgt = round(2.8 * r), round(7.6 * r)
        if len(sc.signals) != len(self.layout.road_map.signal_heads):
            return shown
        for k in self.heads_shown:
            head = sc.signals[k]
            cx, cy = self._housing_centre(head)
            if not (-hgt < cx < self.size[0] + hgt and -hgt < cy < self.size[1] + hgt):
                continue
            x0, y0 = self.camera.to_screen(head[0], head[1])
            pygame.draw.line(screen, (70, 72, 76), (x0, y0), (cx, cy), max(2, r // 2))
            rect = pygame.Rect(0, 0, w, hgt)
            rect.center = (round(cx), round(cy))
            pygame.draw.rect(screen, (230, 230, 226), rect.inflate(4, 4), border_radius=r)
            pygame.draw.rect(screen, P.SIGNAL_HOUSING, rect, border_radius=r)
            shown.append(head)
        return shown

    def _signal_lamps(self, screen: pygame.Surface, heads: list) -> None:
        r = self.lamp_r
        for head in heads:
            lit = head[3]
            for state in ("red", "amber", "green"):
                c = self.signal_lamp_at(head, state)
                if state == lit:
                    if self.night is not None:
                        self.night.glow(screen, self.night.glow_signal[state], *c)
                    pygame.draw.circle(screen, P.SIGNAL_COLOURS[state], c, r)
                else:
                    pygame.draw.circle(screen, P.SIGNAL_OFF[state], c, r)

    # ------------------------------------------------------------------------- night

    def _lights(self, screen: pygame.Surface, sc: Scene) -> None:
        night = self.night
        assert night is not None
        cam = self.camera
        night.begin()
        v = self.vehicle
        h = sc.ego_heading
        fx, fy = sc.ego_x + math.cos(h) * v.length / 2, sc.ego_y + math.sin(h) * v.length / 2
        night.add_pool(*cam.to_screen(sc.ego_x, sc.ego_y))
        night.add_beam(night.ego_beam, *cam.to_screen(fx, fy), h)
        lamps = []
        reach = 40.0
        for i in self._visible(sc.veh_x, sc.veh_y, reach).tolist():
            if sc.veh_parked[i]:
                continue
            hh = float(sc.veh_heading[i])
            half = float(sc.veh_length[i]) / 2
            bx = float(sc.veh_x[i]) + math.cos(hh) * half
            by = float(sc.veh_y[i]) + math.sin(hh) * half
            night.add_beam(night.car_beam, *cam.to_screen(bx, by), hh)
            lamps.append(i)
        night.apply(screen)
        # Lamps after the darkness: they are light sources, not lit surfaces.
        x0, y0, x1, y1 = cam.world_rect(2.0)
        for i in lamps:
            kind, hh = sc.veh_kind[i], float(sc.veh_heading[i])
            x, y = float(sc.veh_x[i]), float(sc.veh_y[i])
            if not (x0 < x < x1 and y0 < y < y1):
                continue
            self._lamps(screen, kind, float(sc.veh_length[i]), float(sc.veh_width[i]), x, y, hh,
                        bool(sc.veh_braking[i]))  # fmt: skip
        self._lamps(screen, v.name, v.length, v.width, sc.ego_x, sc.ego_y, h, sc.ego_braking)

    def _lamps(self, screen, kind, length, width, x, y, h, braking) -> None:
        night = self.night
        assert night is not None
        front, rear = lamp_points(kind, length, width)
        c, s = math.cos(h), math.sin(h)
        to = self.camera.to_screen
        for a, b in front:
            night.glow(screen, night.glow_head, *to(x + a * c - b * s, y + a * s + b * c))
        glow = night.glow_brake if braking else night.glow_tail
        for a, b in rear:
            night.glow(screen, glow, *to(x + a * c - b * s, y + a * s + b * c))
