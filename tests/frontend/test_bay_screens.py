"""The bay's waiting and sending screens: their words in both languages, what the pixels show
(status colours, the outbox), and PNGs of every station screen for people to look at."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import numpy as np
import pygame
import pytest

from isdc.simulator import Simulation, load_scenario, make_driver
from isdc.simulator.frontend import bay_screens as B
from isdc.simulator.frontend import palette as P
from isdc.simulator.frontend import screens
from isdc.simulator.frontend.frames import hud_from_sim, save_png
from isdc.simulator.frontend.renderer import Renderer, Scene
from isdc.simulator.frontend.station_screen import draw_summary
from isdc.simulator.station.mode import local_report
from isdc.simulator.station.screens import RunSummary

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "station"
INFO = {"name": "SIM-01", "bay": "Bay Simulator 1", "site": "ISDC Serpong"}
NOW = datetime(2026, 11, 27, 14, 5)
SERVER = "http://10.0.0.5:5000"
ASSIGNMENT = {
    "assignment_id": 7,
    "trainee": {"id": 3, "name": "Budi Santoso", "reference": "3"},
    "scenario": {
        "id": "braking_zone",
        "title": {"id": "Zona pengereman", "en": "Braking zone"},
        "brief": {"id": "", "en": ""},
    },
    "vehicle": "car",
    "seed": 3,
}


def state(lang="id", connection=B.ONLINE, outbox=0, station=INFO, retry=None, phase=2.0):
    return B.BayState(lang, SERVER, station, connection, retry, outbox, NOW, phase)


@pytest.fixture
def surface(pg):
    pygame.font.init()
    return pygame.Surface((1280, 720))


def _pixels(surface: pygame.Surface, rect: pygame.Rect, colour) -> int:
    """How many pixels in ``rect`` are (nearly) ``colour``."""
    rgb = pygame.surfarray.array3d(surface.subsurface(rect)).astype(int)
    return int((np.abs(rgb - np.array(colour)).sum(axis=2) < 12).sum())


def _status_bar(surface: pygame.Surface) -> pygame.Rect:
    return pygame.Rect(0, surface.get_height() - 64, surface.get_width(), 64)


# ----------------------------------------------------------------------------- the words


def test_waiting_names_the_centre_the_bay_and_the_station_in_indonesian() -> None:
    words = B.waiting_text(state())
    assert words.centre == "ISDC Serpong" and words.organisation == "KORLANTAS POLRI"
    assert words.bay == "Bay Simulator 1" and words.station == "Stasiun SIM-01"
    assert words.headline == "Menunggu peserta berikutnya"
    assert words.connection == "Terhubung ke server"
    assert words.outbox == "Semua hasil sudah terkirim"
    assert words.clock == "14:05" and words.date == "Jumat, 27 November 2026"
    assert words.hint == "Esc: tutup stasiun"


def test_waiting_in_english() -> None:
    words = B.waiting_text(state("en", outbox=2))
    assert words.headline == "Waiting for the next trainee"
    assert words.station == "Station SIM-01" and words.date == "Friday, 27 November 2026"
    assert words.outbox == "2 runs waiting to upload"
    assert B.outbox_text(1, "en") == "1 run waiting to upload"
    assert B.outbox_text(3, "id") == "3 run menunggu diunggah"


def test_offline_says_when_the_next_try_is() -> None:
    words = B.waiting_text(state("en", B.OFFLINE, retry=11.2))
    assert words.connection == "Server unreachable · retrying in 12 s"
    assert words.headline == "Waiting for the server"
    idn = B.waiting_text(state("id", B.OFFLINE, retry=0.2))
    assert idn.connection == "Server tidak terjangkau · mencoba lagi ..."


def test_before_the_first_answer_the_screen_shows_the_server_it_tries() -> None:
    words = B.waiting_text(state("en", B.CONNECTING, station=None))
    assert words.headline == "Connecting to the server" and SERVER in words.help
    assert words.centre == "Indonesia Safety Driving Center"
    assert words.connection == "Connecting to the server ..."


def test_a_station_without_a_bay_shows_its_own_name_large() -> None:
    words = B.waiting_text(state(station={"name": "SIM-09", "bay": None, "site": "ISDC Serpong"}))
    assert words.bay == "SIM-09" and words.station == ""


# ----------------------------------------------------------------------------- the pixels


def test_the_status_dot_is_green_online_amber_offline_grey_connecting(surface) -> None:
    bar = _status_bar(surface)
    dot = pygame.Rect(30, bar.y + 18, 28, 28)
    for connection, colour in B.STATUS_COLOURS.items():
        B.draw_waiting(surface, state(connection=connection))
        assert _pixels(surface, dot, colour) > 150, connection
        others = [c for k, c in B.STATUS_COLOURS.items() if k != connection]
        assert all(_pixels(surface, dot, c) == 0 for c in others), connection


def test_waiting_runs_light_the_outbox_corner_amber(surface) -> None:
    bar = _status_bar(surface)
    corner = pygame.Rect(bar.right - 460, bar.y, 460, bar.height)
    amber = (240, 190, 90)
    B.draw_waiting(surface, state(outbox=0))
    assert _pixels(surface, corner, amber) == 0
    B.draw_waiting(surface, state(outbox=2))
    assert _pixels(surface, corner, amber) > 200


def test_the_bay_name_is_large_and_centred(surface) -> None:
    B.draw_waiting(surface, state())
    band = pygame.Rect(0, 186, 1280, 100)  # where the bay's name goes
    rows = pygame.surfarray.array3d(surface.subsurface(band)).astype(int)
    ink = np.abs(rows - np.array(P.HUD_TEXT)).sum(axis=2) < 30
    cols = np.flatnonzero(ink.any(axis=1))
    height = np.flatnonzero(ink.any(axis=0))
    assert cols.size and height.size
    assert height[-1] - height[0] > 60  # readable from across the room
    assert abs((cols[0] + cols[-1]) / 2 - 640) < 8


def test_the_dots_move_so_the_bay_looks_alive(surface) -> None:
    B.draw_waiting(surface, state(phase=0.1))
    first = pygame.surfarray.array3d(surface).copy()
    B.draw_waiting(surface, state(phase=1.7))
    assert (pygame.surfarray.array3d(surface) != first).any()


def test_sending_keeps_the_status_bar_over_the_dimmed_run(surface) -> None:
    backdrop = pygame.Surface(surface.get_size())
    backdrop.fill((200, 200, 200))
    B.draw_sending(surface, backdrop, state("en", B.OFFLINE, retry=3), "Budi Santoso")
    assert _pixels(surface, pygame.Rect(30, 674, 28, 28), B.STATUS_COLOURS[B.OFFLINE]) > 150
    assert surface.get_at((20, 300))[:3] != (200, 200, 200)  # the run is dimmed behind


# ----------------------------------------------------------------------------- the pictures


def last_moment(surface: pygame.Surface, scenario_id: str, driver: str, lang: str):
    """Drive a run to its end headless and leave its last frame in ``surface``, as the window
    does when it hands back to the station; the run's telemetry."""
    sim = Simulation(load_scenario(scenario_id), "car", 3, driver=driver)
    tel = sim.run(make_driver(driver))
    renderer = Renderer(sim.layout, sim.world.vehicle, surface.get_size(), lang=lang)
    renderer.draw(surface, Scene.from_world(sim.world), hud=hud_from_sim(sim, lang), snap=True)
    return tel


def test_every_station_screen_is_saved_for_people_to_look_at(surface) -> None:
    """waiting online/offline/connecting, "close?", the brief, sending, the summary; both
    languages."""
    scenario = load_scenario("braking_zone")
    layout = scenario.layout
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    written = []
    for lang in ("id", "en"):
        for name, st in (
            ("waiting-online", state(lang, outbox=0)),
            ("waiting-offline", state(lang, B.OFFLINE, outbox=2, retry=12)),
            ("waiting-connecting", state(lang, B.CONNECTING, station=None)),
        ):
            B.draw_waiting(surface, st)
            written.append(save_png(surface, ARTIFACTS / f"{name}-{lang}.png"))
        B.draw_confirm_quit(surface, lang)  # Esc over the last waiting screen
        written.append(save_png(surface, ARTIFACTS / f"waiting-close-{lang}.png"))
        info = screens.StartInfo(
            title=scenario.title(lang), brief=scenario.brief(lang), trainee="Budi Santoso",
            vehicle="car", weather=layout.weather, light=layout.light,
            visibility_m=layout.visibility, time_limit_s=layout.time_limit_ticks / layout.tick_rate,
            driver="keyboard", lang=lang,
        )  # fmt: skip
        screens.draw_start(surface, info, layout, blink=True)
        written.append(save_png(surface, ARTIFACTS / f"brief-{lang}.png"))
        # A run that fails (speeding, too late on the brakes): findings with advice to show.
        tel = last_moment(surface, "braking_zone", "autopilot-aggressive", lang)
        report = local_report(tel)
        assert report is not None and not report["passed"] and report["findings"]
        backdrop = surface.copy()
        B.draw_sending(surface, backdrop, state(lang), "Budi Santoso")
        written.append(save_png(surface, ARTIFACTS / f"sending-{lang}.png"))
        for name, result in (
            ("summary", RunSummary(report["score"], report["passed"], "u", report=report, run=tel)),
            ("summary-provisional", RunSummary(report["score"], report["passed"],
                                               provisional=True, kept=True, report=report,
                                               run=tel)),
        ):  # fmt: skip
            surface.blit(backdrop, (0, 0))
            draw_summary(surface, ASSIGNMENT, result, lang, 17.2)
            written.append(save_png(surface, ARTIFACTS / f"{name}-{lang}.png"))
    for path in written:
        picture = pygame.image.load(str(path))
        assert picture.get_size() == (1280, 720)
        rgb = pygame.surfarray.array3d(picture).astype(np.int32)
        assert len(np.unique(rgb[..., 0] << 16 | rgb[..., 1] << 8 | rgb[..., 2])) > 20
