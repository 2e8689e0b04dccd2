"""Colours of the view: ground and road for dry and wet weather, vehicles, people, the HUD.

Colours are chosen for a person at a training station: asphalt mid-grey so white markings and
dark tyres both read, the ZoSS surface the red of the real thing, vehicle colours those common
on Indonesian roads (white, silver, black, red), children in the white shirts of primary school
uniform with bright school bags, the school patrol (PKS) in a high-visibility vest. The ego car
is a blue no traffic car has, so the trainee finds it at a glance.
"""

from __future__ import annotations

from dataclasses import dataclass

Colour = tuple[int, int, int]


@dataclass(frozen=True)
class Ground:
    """The static scene in one kind of weather."""

    grass: Colour
    grass_speckle: tuple[Colour, ...]
    verge: Colour  # beaten earth beside rural roads
    asphalt: Colour
    shoulder: Colour
    junction: Colour
    pavement: Colour  # sidewalks in town
    kerb: Colour
    kerb_dark: Colour  # kerbs in town are painted black and white
    median: Colour
    school: Colour  # ZoSS red surface
    goal_box: Colour
    paint: Colour  # white markings
    paint_yellow: Colour
    tree: Colour
    tree_dark: Colour


DRY = Ground(
    grass=(96, 138, 74),
    grass_speckle=((88, 128, 68), (104, 146, 80), (92, 134, 70)),
    verge=(150, 136, 104),
    asphalt=(84, 86, 91),
    shoulder=(104, 104, 104),
    junction=(82, 84, 89),
    pavement=(196, 192, 182),
    kerb=(232, 232, 226),
    kerb_dark=(44, 44, 46),
    median=(170, 170, 164),
    school=(170, 52, 46),
    goal_box=(66, 120, 80),
    paint=(242, 242, 236),
    paint_yellow=(240, 196, 40),
    tree=(52, 102, 52),
    tree_dark=(40, 82, 42),
)

# A wet road is darker and a little blue; paint and grass lose some brightness under cloud.
WET = Ground(
    grass=(70, 106, 60),
    grass_speckle=((64, 98, 56), (76, 112, 64), (68, 102, 58)),
    verge=(112, 100, 80),
    asphalt=(50, 54, 61),
    shoulder=(66, 68, 72),
    junction=(49, 53, 60),
    pavement=(150, 148, 142),
    kerb=(190, 190, 186),
    kerb_dark=(36, 36, 38),
    median=(126, 128, 126),
    school=(128, 40, 38),
    goal_box=(48, 92, 62),
    paint=(212, 214, 212),
    paint_yellow=(210, 172, 40),
    tree=(40, 80, 44),
    tree_dark=(30, 64, 36),
)

EGO_BODY: Colour = (24, 112, 222)
EGO_ROOF: Colour = (120, 186, 255)
CAR_COLOURS: tuple[Colour, ...] = (
    (236, 236, 232),  # white
    (178, 182, 188),  # silver
    (40, 42, 46),  # black
    (176, 36, 36),  # red
    (112, 116, 122),  # grey
    (44, 70, 110),  # dark blue
    (226, 226, 220),
    (150, 120, 84),  # bronze
)
TRUCK_CABS: tuple[Colour, ...] = ((232, 176, 32), (40, 120, 70), (200, 70, 40), (230, 230, 226))
TRUCK_CARGO: tuple[Colour, ...] = ((150, 104, 60), (70, 110, 70), (170, 170, 176), (58, 82, 120))
BUS_BODIES: tuple[Colour, ...] = ((34, 96, 170), (230, 120, 30), (210, 210, 204), (150, 30, 40))
MOTO_BODIES: tuple[Colour, ...] = ((30, 30, 34), (176, 30, 36), (30, 80, 160), (220, 220, 216))
HELMETS: tuple[Colour, ...] = ((240, 240, 236), (200, 30, 30), (30, 30, 30), (250, 200, 30))
GLASS: Colour = (46, 62, 80)
TYRE: Colour = (24, 24, 26)
HEADLAMP: Colour = (255, 250, 214)
TAIL_LAMP: Colour = (150, 20, 20)
BRAKE_LAMP: Colour = (255, 40, 30)

SKIN: tuple[Colour, ...] = ((120, 82, 56), (156, 110, 74), (96, 66, 46))
HAIR: Colour = (26, 22, 20)
ADULT_CLOTHES: tuple[Colour, ...] = ((60, 64, 80), (120, 50, 50), (70, 90, 60), (190, 180, 150))
CHILD_SHIRT: Colour = (250, 250, 246)  # Indonesian primary school: white shirt ...
CHILD_SHORTS: Colour = (190, 30, 40)  # ... and red shorts or skirt
CHILD_BAG: Colour = (250, 210, 30)  # a bright school bag: readable on the red ZoSS and the zebra
PATROL_VEST: Colour = (200, 240, 30)  # high-visibility lime
PATROL_PADDLE: Colour = (220, 30, 30)

SIGNAL_COLOURS = {"red": (255, 40, 32), "amber": (255, 184, 0), "green": (40, 230, 90)}
SIGNAL_OFF = {"red": (70, 22, 20), "amber": (72, 56, 14), "green": (18, 62, 32)}
SIGNAL_HOUSING: Colour = (28, 30, 32)

NIGHT_AMBIENT: Colour = (34, 38, 62)  # moonlit: shapes barely there without lights
DUSK_AMBIENT: Colour = (150, 132, 150)
RAIN_TINT: Colour = (196, 200, 210)  # overcast: everything a little darker and cooler
RAIN_STREAK: Colour = (190, 200, 215)

HUD_BG: Colour = (16, 20, 28)
HUD_TEXT: Colour = (236, 240, 246)
HUD_DIM: Colour = (150, 160, 176)
HUD_ACCENT: Colour = (255, 200, 40)
HUD_WARN: Colour = (206, 36, 36)
HUD_OK: Colour = (40, 170, 90)
SCREEN_BG: Colour = (14, 26, 44)
