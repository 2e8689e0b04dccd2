"""``isdc-sim calibrate``: find a wheel's or gamepad's axes and buttons by asking the person to
move them, show the result live, and save the mapping atomically.

Steps: rest (wheel straight, pedals up: the centre and the noise of every axis), full left, full
right (the steering axis is the one that moved most; its direction says whether it is
inverted), throttle fully down, brake fully down (the axis that moved most from rest, or a
button held), then the buttons to confirm, go back and pause. ENTER or any wheel button
advances an axis step; Esc cancels and nothing is written. The steps are a small state machine
(:class:`Calibrator`) fed with events and joystick samples, so tests drive it without a device.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field
from pathlib import Path

import pygame

from isdc.simulator import cli
from isdc.simulator.frontend import palette as P
from isdc.simulator.frontend.fonts import text, wrap
from isdc.simulator.frontend.mapping import (
    MappingError,
    PedalAxis,
    SteeringAxis,
    WheelMapping,
    default_path,
    save_mapping,
)
from isdc.simulator.frontend.wheel import JoystickLike

MOVED = 0.35  # an axis has to move this much of its -1..1 range to count as the one moved
STEPS = ("rest", "left", "right", "throttle", "brake", "confirm", "back", "pause", "review")

PROMPTS = {
    "rest": {
        "id": "Luruskan setir dan lepaskan semua pedal, lalu tekan ENTER (atau tombol setir).",
        "en": "Hold the wheel straight with every pedal up, then press ENTER (or a wheel button).",
    },
    "left": {
        "id": "Putar setir penuh ke KIRI dan tahan, lalu tekan ENTER.",
        "en": "Turn the wheel fully LEFT and hold it, then press ENTER.",
    },
    "right": {
        "id": "Putar setir penuh ke KANAN dan tahan, lalu tekan ENTER.",
        "en": "Turn the wheel fully RIGHT and hold it, then press ENTER.",
    },
    "throttle": {
        "id": "Luruskan setir. Injak pedal GAS penuh dan tahan, lalu tekan ENTER.",
        "en": "Straighten the wheel. Press the THROTTLE fully and hold it, then press ENTER.",
    },
    "brake": {
        "id": "Lepaskan gas. Injak pedal REM penuh dan tahan, lalu tekan ENTER.",
        "en": "Release the throttle. Press the BRAKE fully and hold it, then press ENTER.",
    },
    "confirm": {
        "id": "Tekan tombol untuk MULAI / KONFIRMASI.",
        "en": "Press the button to START / CONFIRM.",
    },
    "back": {
        "id": "Tekan tombol untuk KEMBALI / KELUAR (ENTER: lewati).",
        "en": "Press the button to GO BACK / QUIT (ENTER: skip).",
    },
    "pause": {
        "id": "Tekan tombol untuk JEDA (ENTER: lewati).",
        "en": "Press the button to PAUSE (ENTER: skip).",
    },
    "review": {
        "id": "Coba setir dan pedal. ENTER: simpan, Esc: batal.",
        "en": "Try the wheel and pedals. ENTER: save, Esc: cancel.",
    },
}


class CalibrationError(ValueError):
    """A step that could not be read (nothing moved); the message says what to do."""


@dataclass
class Calibrator:
    """The calibration steps for one joystick; feed it events and samples."""

    joystick: JoystickLike
    step_index: int = 0
    rest: list[float] = field(default_factory=list)
    noise: list[float] = field(default_factory=list)
    held: dict[str, list[float]] = field(default_factory=dict)
    pedal_buttons: dict[str, int] = field(default_factory=dict)
    buttons: dict[str, int] = field(default_factory=dict)
    problem: str | None = None
    cancelled: bool = False
    saved: bool = False
    _lo: list[float] = field(default_factory=list)
    _hi: list[float] = field(default_factory=list)

    @property
    def step(self) -> str:
        return STEPS[self.step_index]

    @property
    def finished(self) -> bool:
        return self.cancelled or self.saved

    def axes(self) -> list[float]:
        js = self.joystick
        return [float(js.get_axis(i)) for i in range(js.get_numaxes())]

    def pressed_buttons(self) -> list[int]:
        js = self.joystick
        return [i for i in range(js.get_numbuttons()) if js.get_button(i)]

    def sample(self) -> None:
        """Read the joystick once (every frame): the spread of each axis while at rest."""
        values = self.axes()
        if not self._lo:
            self._lo, self._hi = list(values), list(values)
        for i, v in enumerate(values):
            self._lo[i] = min(self._lo[i], v)
            self._hi[i] = max(self._hi[i], v)

    def handle(self, ev: pygame.event.Event, lang: str = "id") -> None:
        if ev.type == pygame.KEYDOWN and ev.key == pygame.K_ESCAPE:
            self.cancelled = True
            return
        enter = ev.type == pygame.KEYDOWN and ev.key in (pygame.K_RETURN, pygame.K_KP_ENTER)
        button = ev.button if ev.type == pygame.JOYBUTTONDOWN else None
        step = self.step
        try:
            if step in ("rest", "left", "right", "throttle", "brake"):
                if enter or button is not None:
                    self._take(step, button)
                    self._advance()
            elif step in ("confirm", "back", "pause"):
                if button is not None:
                    self.buttons[step] = button
                    self._advance()
                elif enter and step != "confirm":
                    self._advance()  # back and pause buttons are optional
            elif step == "review" and enter:
                self.saved = True
        except CalibrationError as exc:
            self.problem = exc.args[0][lang] if isinstance(exc.args[0], dict) else str(exc)

    def _advance(self) -> None:
        self.problem = None
        self.step_index += 1

    def _take(self, step: str, button: int | None) -> None:
        values = self.axes()
        if step == "rest":
            self.rest = values
            self.sample()
            self.noise = [hi - lo for lo, hi in zip(self._lo, self._hi, strict=True)]
            return
        if step in ("throttle", "brake"):
            held = [b for b in self.pressed_buttons() if b != button]
            moved = self._moved(values, exclude=self._steering_axis())
            if moved is None and held:
                self.pedal_buttons[step] = held[0]
                self.held[step] = values
                return
        self.held[step] = values
        if step == "right" and self._steering_axis() is None:
            self.step_index = STEPS.index("left")  # try the wheel again from the left
            raise CalibrationError({
                "id": "Setir tidak terbaca: tidak ada sumbu yang bergerak. Ulangi dari kiri.",
                "en": "No axis moved with the wheel. Try again from the left.",
            })  # fmt: skip
        if step in ("throttle", "brake") and self._moved(values, self._steering_axis()) is None:
            del self.held[step]
            raise CalibrationError({
                "id": "Pedal tidak terbaca: injak penuh lalu tekan ENTER lagi.",
                "en": "That pedal did not move an axis: press it fully, then ENTER again.",
            })  # fmt: skip

    def _moved(self, values: list[float], exclude: int | None) -> int | None:
        best, amount = None, MOVED
        for i, v in enumerate(values):
            if i == exclude or i >= len(self.rest):
                continue
            d = abs(v - self.rest[i])
            if d > amount:
                best, amount = i, d
        return best

    def _steering_axis(self) -> int | None:
        left, right = self.held.get("left"), self.held.get("right")
        if left is None or right is None or not self.rest:
            return None
        best, amount = None, MOVED
        for i in range(min(len(left), len(right), len(self.rest))):
            d = abs(left[i] - right[i])
            if d > amount:
                best, amount = i, d
        return best

    def mapping(self, device: str) -> WheelMapping:
        """The mapping found so far (complete once the pedal steps are done)."""
        axis = self._steering_axis()
        if axis is None:
            raise CalibrationError("steering not calibrated")
        rest = self.rest[axis]
        left, right = self.held["left"][axis], self.held["right"][axis]
        low, high = min(left, right), max(left, right)
        centre = min(max(rest, low + 0.05), high - 0.05)
        noise = self.noise[axis] / max(high - low, 1e-6) if self.noise else 0.0
        steering = SteeringAxis(
            axis=axis, low=round(low, 4), centre=round(centre, 4), high=round(high, 4),
            invert=left > right, dead_zone=round(min(0.2, max(0.02, 3 * noise)), 3),
        )  # fmt: skip
        pedals = {}
        for name in ("throttle", "brake"):
            if name in self.pedal_buttons:
                pedals[name] = PedalAxis(axis=None, button=self.pedal_buttons[name])
                continue
            values = self.held[name]
            pa = self._moved(values, axis)
            assert pa is not None  # _take refused a pedal that moved nothing
            at_rest, down = self.rest[pa], values[pa]
            span = abs(down - at_rest)
            noise = (self.noise[pa] if self.noise else 0.0) / max(span, 1e-6)
            pedals[name] = PedalAxis(
                axis=pa, low=round(min(at_rest, down), 4), high=round(max(at_rest, down), 4),
                invert=down < at_rest, dead_zone=round(min(0.2, max(0.04, 3 * noise)), 3),
            )  # fmt: skip
        buttons = dict(self.buttons)
        return WheelMapping(device, steering, pedals["throttle"], pedals["brake"], buttons)


# ----------------------------------------------------------------------------- window


def _draw(screen: pygame.Surface, cal: Calibrator, device: str, lang: str) -> None:
    w, h = screen.get_size()
    screen.fill(P.SCREEN_BG)
    title = "Kalibrasi setir / gamepad" if lang == "id" else "Wheel / gamepad calibration"
    screen.blit(text(title, 40, P.HUD_TEXT, True), (48, 40))
    screen.blit(text(device, 24, P.HUD_DIM), (48, 90))
    n = STEPS.index(cal.step) + 1
    screen.blit(text(f"{n} / {len(STEPS)}", 24, P.HUD_ACCENT, True), (w - 120, 48))
    y = 150
    for line in wrap(PROMPTS[cal.step][lang], 32, w - 96):
        screen.blit(text(line, 32, (255, 255, 255), True), (48, y))
        y += 40
    if cal.problem:
        screen.blit(text(cal.problem, 26, (255, 140, 130), True), (48, y + 10))
    # Every axis live, so the person sees what moves.
    y = 320
    for i, v in enumerate(cal.axes()):
        screen.blit(text(f"axis {i}", 20, P.HUD_DIM), (48, y))
        bar = pygame.Rect(140, y + 4, 400, 12)
        pygame.draw.rect(screen, (50, 58, 72), bar, border_radius=6)
        x = bar.x + (min(max(v, -1.0), 1.0) + 1.0) / 2.0 * bar.width
        pygame.draw.line(screen, P.HUD_DIM, (bar.centerx, bar.y - 3), (bar.centerx, bar.bottom + 3))
        pygame.draw.circle(screen, P.HUD_ACCENT, (round(x), bar.centery), 8)
        screen.blit(text(f"{v:+.2f}", 20, P.HUD_TEXT), (560, y))
        y += 28
    pressed = cal.pressed_buttons()
    label = ("tombol ditekan: " if lang == "id" else "buttons held: ") + (
        ", ".join(str(b) for b in pressed) or "-"
    )
    screen.blit(text(label, 20, P.HUD_DIM), (48, y + 6))
    if cal.step == "review":
        m = cal.mapping(device)
        from isdc.simulator.frontend.wheel import WheelDriver

        c = WheelDriver(cal.joystick, m).read()
        x0 = 700
        for k, (name, v) in enumerate(
            (("steering", c.steering), ("throttle", c.throttle), ("brake", c.brake))
        ):
            yy = 330 + k * 50
            screen.blit(text(name, 24, P.HUD_TEXT, True), (x0, yy))
            bar = pygame.Rect(x0 + 130, yy + 6, 300, 14)
            pygame.draw.rect(screen, (50, 58, 72), bar, border_radius=7)
            if name == "steering":  # left of centre when steering left
                x = bar.centerx - v * bar.width / 2
                pygame.draw.circle(screen, P.HUD_ACCENT, (round(x), bar.centery), 9)
            elif v > 0:
                pygame.draw.rect(screen, P.HUD_OK if name == "throttle" else P.HUD_WARN,
                                 (bar.x, bar.y, round(bar.width * v), bar.height), border_radius=7)  # fmt: skip


def run_calibration(
    screen: pygame.Surface,
    js: JoystickLike,
    lang: str,
    max_frames: int | None = None,
    calibrator: Calibrator | None = None,
) -> WheelMapping | None:
    """The calibration loop; the mapping, or None when cancelled."""
    cal = calibrator or Calibrator(js)
    device = js.get_name()
    clock = pygame.time.Clock()
    frames = 0
    while not cal.finished:
        for ev in pygame.event.get():
            if ev.type == pygame.QUIT:
                return None
            cal.handle(ev, lang)
            if cal.finished:
                break
        if cal.cancelled:
            return None
        if cal.step == "rest":
            cal.sample()
        _draw(screen, cal, device, lang)
        pygame.display.flip()
        clock.tick(60)
        frames += 1
        if max_frames is not None and frames >= max_frames:
            return None
    return cal.mapping(device) if cal.saved else None


def calibrate_command(args: argparse.Namespace) -> int:
    lang = getattr(args, "lang", "id")
    path = getattr(args, "controls", None) or default_path()
    pygame.display.init()
    pygame.font.init()
    try:
        pygame.joystick.init()
        count = pygame.joystick.get_count()
        if count == 0:
            raise cli.CliError("no wheel or gamepad found: connect one and run calibrate again")
        index = getattr(args, "device", None) or 0
        if not 0 <= index < count:
            raise cli.CliError(f"--device {index}: there are {count} joysticks (0 to {count - 1})")
        js = pygame.joystick.Joystick(index)
        try:
            screen = pygame.display.set_mode((1280, 720))
        except pygame.error as exc:
            raise cli.CliError(f"cannot open a window ({exc})") from None
        pygame.display.set_caption("ISDC - calibrate")
        mapping = run_calibration(screen, js, lang)
    finally:
        pygame.quit()
    if mapping is None:
        raise cli.CliError("calibration cancelled; nothing was saved")
    try:
        saved = save_mapping(mapping, Path(path))
    except (OSError, MappingError) as exc:
        raise cli.CliError(f"cannot save {path}: {getattr(exc, 'strerror', None) or exc}") from None
    print(saved)
    return 0
