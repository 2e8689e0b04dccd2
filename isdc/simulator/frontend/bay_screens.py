"""What a simulator bay's monitor shows between runs: the waiting screen and "sending".

The waiting screen is read from across the room: the centre's name and the clock at the top,
the bay's name large in the middle, what the bay is doing ("waiting for the next trainee"),
and along the bottom whether the server answers and how many runs wait in the outbox. Calm
colours (the front end's night blue), no flashing: it is on all day.

:func:`waiting_text` is the words (tested on their own); :func:`draw_waiting` lays them out.
Each ``draw_*`` draws into a surface and returns nothing; ``station_screen`` decides when.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pygame
from babel.dates import format_date

from isdc.simulator.frontend import palette as P
from isdc.simulator.frontend.fonts import text, wrap
from isdc.simulator.frontend.screens import dim, fit
from isdc.simulator.frontend.text import tr

CONNECTING, ONLINE, OFFLINE = "connecting", "online", "offline"
# Status colours: calm green, amber (never alarm red: an offline server is not the trainee's
# problem and the runs are safe), grey while the first answer is awaited.
STATUS_COLOURS = {ONLINE: P.HUD_OK, OFFLINE: (232, 160, 40), CONNECTING: P.HUD_DIM}
BAND = (10, 18, 32)


@dataclass(frozen=True)
class BayState:
    """Everything the waiting screen shows."""

    lang: str
    server: str  # the back office's address, shown until the station knows its bay
    station: dict[str, Any] | None  # GET /api/v1/station: name, bay, site; None until known
    connection: str  # CONNECTING | ONLINE | OFFLINE
    retry_in_s: float | None  # OFFLINE: seconds to the next try (None: trying now)
    outbox: int  # runs waiting to upload
    now: datetime
    phase: float = 0.0  # seconds on this screen, for the slow "waiting" dots


@dataclass(frozen=True)
class WaitingText:
    organisation: str
    centre: str
    clock: str
    date: str
    bay: str
    station: str
    headline: str
    help: str
    connection: str
    outbox: str
    hint: str


def waiting_text(state: BayState) -> WaitingText:
    """The words of the waiting screen, in the station's language."""
    lang = state.lang
    info = state.station or {}
    name = info.get("name") or ""
    bay = info.get("bay") or name
    if state.station is None:
        headline = tr("bay_connecting", lang)
        help_line = f"{tr('bay_server', lang)}: {state.server}"
    elif state.connection == OFFLINE:
        headline = tr("bay_waiting_server", lang)
        help_line = tr("bay_waiting_server_help", lang)
    else:
        headline = tr("bay_waiting", lang)
        help_line = tr("bay_waiting_help", lang)
    return WaitingText(
        organisation="KORLANTAS POLRI",
        centre=info.get("site") or "Indonesia Safety Driving Center",
        clock=state.now.strftime("%H:%M"),
        date=format_date(state.now, "EEEE, d MMMM y", locale=lang),
        bay=bay,
        station=f"{tr('bay_station', lang)} {name}" if name and name != bay else "",
        headline=headline,
        help=help_line,
        connection=connection_text(state),
        outbox=outbox_text(state.outbox, lang),
        hint=tr("bay_quit_hint", lang),
    )


def connection_text(state: BayState) -> str:
    lang = state.lang
    if state.connection == ONLINE:
        return tr("bay_online", lang)
    if state.connection == OFFLINE:
        if state.retry_in_s is None or state.retry_in_s < 0.5:
            return f"{tr('bay_offline', lang)} · {tr('bay_retrying_now', lang)}"
        seconds = max(1, math.ceil(state.retry_in_s))
        retry = tr("bay_retry_in", lang).format(n=seconds)
        return f"{tr('bay_offline', lang)} · {retry}"
    return tr("bay_connecting_short", lang)


def outbox_text(count: int, lang: str) -> str:
    if count <= 0:
        return tr("bay_outbox_empty", lang)
    key = "bay_outbox_one" if count == 1 else "bay_outbox_many"
    return tr(key, lang).format(n=count)


def _u(surface: pygame.Surface) -> float:
    return surface.get_height() / 720.0


def _centred(surface: pygame.Surface, s: str, size: int, colour, y: int, bold=False) -> None:
    t = text(fit(s, size, surface.get_width() - int(80 * _u(surface)), bold), size, colour, bold)
    surface.blit(t, t.get_rect(midtop=(surface.get_width() // 2, y)))


def draw_status_bar(surface: pygame.Surface, words: WaitingText, state: BayState) -> None:
    """Connection state (a coloured dot and its words) on the left, the outbox on the right."""
    u = _u(surface)
    w, h = surface.get_size()
    band = pygame.Rect(0, h - int(64 * u), w, int(64 * u))
    pygame.draw.rect(surface, BAND, band)
    pygame.draw.line(surface, (40, 56, 82), band.topleft, band.topright, 2)
    size = int(26 * u)
    cy = band.centery
    x = int(44 * u)
    pygame.draw.circle(surface, STATUS_COLOURS[state.connection], (x, cy), int(10 * u))
    conn = text(fit(words.connection, size, int(w * 0.56)), size, P.HUD_TEXT)
    surface.blit(conn, conn.get_rect(midleft=(x + int(22 * u), cy)))
    colour = (240, 190, 90) if state.outbox > 0 else P.HUD_DIM
    box = text(fit(words.outbox, size, int(w * 0.36)), size, colour, state.outbox > 0)
    surface.blit(box, box.get_rect(midright=(w - int(44 * u), cy)))


def draw_header(surface: pygame.Surface, words: WaitingText) -> None:
    """The centre's identity on the left, the clock and the date on the right."""
    u = _u(surface)
    w = surface.get_width()
    band = pygame.Rect(0, 0, w, int(104 * u))
    pygame.draw.rect(surface, BAND, band)
    pygame.draw.line(surface, P.HUD_ACCENT, band.bottomleft, band.bottomright, 3)
    x = int(44 * u)
    surface.blit(text(words.organisation, int(22 * u), P.HUD_ACCENT, True), (x, int(20 * u)))
    centre = fit(words.centre, int(44 * u), int(w * 0.55), True)
    surface.blit(text(centre, int(44 * u), P.HUD_TEXT, True), (x, int(46 * u)))
    clock = text(words.clock, int(60 * u), P.HUD_TEXT, True)
    surface.blit(clock, clock.get_rect(topright=(w - x, int(12 * u))))
    date = text(words.date, int(24 * u), P.HUD_DIM)
    surface.blit(date, date.get_rect(topright=(w - x, int(66 * u))))


def draw_waiting(surface: pygame.Surface, state: BayState) -> None:
    """The waiting screen: who we are, which bay this is, what it is doing, is all well."""
    words = waiting_text(state)
    u = _u(surface)
    w, h = surface.get_size()
    surface.fill(P.SCREEN_BG)
    draw_header(surface, words)
    if state.station is not None:
        _centred(surface, words.bay, int(112 * u), P.HUD_TEXT, int(186 * u), bold=True)
        if words.station:
            _centred(surface, words.station, int(32 * u), P.HUD_DIM, int(284 * u))
    else:
        _centred(surface, tr("app", state.lang), int(64 * u), P.HUD_TEXT, int(220 * u), bold=True)
    rule_y = int(356 * u)
    pygame.draw.line(surface, P.HUD_ACCENT, (w // 2 - int(70 * u), rule_y),
                     (w // 2 + int(70 * u), rule_y), 3)  # fmt: skip
    size = int(52 * u)
    head = text(words.headline, size, P.HUD_TEXT, True)
    hy = int(398 * u)
    surface.blit(head, head.get_rect(midtop=(w // 2, hy)))
    _dots(surface, head.get_rect(midtop=(w // 2, hy)), state)
    y = int(474 * u)
    for line in wrap(words.help, int(28 * u), int(w * 0.74))[:2]:
        _centred(surface, line, int(28 * u), (196, 206, 222), y)
        y += int(36 * u)
    hint = text(words.hint, int(20 * u), P.HUD_DIM)
    surface.blit(hint, hint.get_rect(bottomright=(w - int(44 * u), h - int(76 * u))))
    draw_status_bar(surface, words, state)


def _dots(surface: pygame.Surface, head: pygame.Rect, state: BayState) -> None:
    """Three dots after the headline that fill one by one: the bay is alive, calmly."""
    u = _u(surface)
    lit = int(state.phase / 0.8) % 4
    r = int(6 * u)
    for k in range(3):
        centre = (head.right + int(22 * u) + k * int(22 * u), head.bottom - int(14 * u))
        colour = P.HUD_ACCENT if k < lit else (60, 72, 96)
        pygame.draw.circle(surface, colour, centre, r)


def draw_sending(
    surface: pygame.Surface, backdrop: pygame.Surface, state: BayState, trainee: str | None
) -> None:
    """Over the dimmed last moment of the run: the run is saved and on its way to the server."""
    u = _u(surface)
    w, h = surface.get_size()
    surface.blit(backdrop, (0, 0))
    dim(surface, 190)
    lang = state.lang
    panel = pygame.Rect(0, 0, int(820 * u), int(260 * u))
    panel.center = (w // 2, h // 2 - int(20 * u))
    pygame.draw.rect(surface, (14, 22, 38), panel, border_radius=16)
    pygame.draw.rect(surface, (60, 76, 104), panel, 2, border_radius=16)
    y = panel.y + int(40 * u)
    if trainee:
        _centred(surface, trainee, int(30 * u), P.HUD_DIM, y)
    y += int(46 * u)
    _centred(surface, tr("bay_sending", lang), int(46 * u), P.HUD_TEXT, y, bold=True)
    # A slow spinner: eight dots, one bright, going round.
    cy = panel.y + int(196 * u)
    lit = int(state.phase / 0.12) % 8
    for k in range(8):
        a = k * math.pi / 4
        c = (w // 2 + int(math.cos(a) * 22 * u), cy + int(math.sin(a) * 22 * u))
        pygame.draw.circle(surface, P.HUD_ACCENT if k == lit else (70, 84, 110), c, int(5 * u))
    draw_status_bar(surface, waiting_text(state), state)


def draw_confirm_quit(surface: pygame.Surface, lang: str) -> None:
    """The "close the station?" question in a panel over whatever is on screen."""
    u = _u(surface)
    w, h = surface.get_size()
    dim(surface, 210)
    panel = pygame.Rect(0, 0, int(760 * u), int(220 * u))
    panel.center = (w // 2, h // 2 - int(20 * u))
    pygame.draw.rect(surface, (14, 22, 38), panel, border_radius=16)
    pygame.draw.rect(surface, P.HUD_ACCENT, panel, 2, border_radius=16)
    _centred(surface, tr("bay_quit_title", lang), int(60 * u), P.HUD_TEXT, panel.y + int(44 * u),
             bold=True)  # fmt: skip
    _centred(surface, tr("bay_quit_help", lang), int(30 * u), P.HUD_TEXT, panel.y + int(136 * u))
