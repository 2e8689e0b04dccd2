"""The wheel/gamepad mapping: which joystick axis steers and which ones are the pedals.

Stored as a small TOML file (``controls.toml``) that ``isdc-sim calibrate`` writes and a person
may edit. Where it lives: ``--controls PATH``, else ``$ISDC_CONTROLS``, else
``$XDG_CONFIG_HOME/isdc/controls.toml`` (``~/.config/isdc/controls.toml``). Raw axis values are
what pygame reports (-1 .. +1); each control says which part of that range it uses, whether it
is inverted and how large a dead zone it ignores, so a wheel with pedals that read +1 at rest, a
gamepad's triggers and a stick used for both pedals are all described the same way.

No pygame here: the mapping is plain data, turned into controls by
:class:`isdc.simulator.frontend.wheel.WheelDriver`.
"""

from __future__ import annotations

import math
import os
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from isdc.telemetry import write_bytes_atomic

MAPPING_VERSION = 1
BUTTON_ACTIONS = ("confirm", "back", "pause")  # screens: start/continue, quit, pause


class MappingError(ValueError):
    """A controls file that cannot be used; the message names the file and the key."""


@dataclass(frozen=True)
class SteeringAxis:
    """Steering from one axis. ``invert`` false: the low end of the range (pygame's negative,
    the usual "left") steers left."""

    axis: int = 0
    low: float = -1.0  # raw value at full lock towards the low end
    centre: float = 0.0  # raw value with the wheel straight
    high: float = 1.0
    invert: bool = False
    dead_zone: float = 0.02  # fraction of the half range ignored around the centre

    def value(self, raw: float) -> float:
        """Steering input, +1 full left .. -1 full right (the core's convention)."""
        if raw != raw:  # NaN from a broken device: straight ahead
            return 0.0
        if raw < self.centre:
            span = self.centre - self.low
            n = (raw - self.centre) / span if span > 0 else 0.0
        else:
            span = self.high - self.centre
            n = (raw - self.centre) / span if span > 0 else 0.0
        n = max(-1.0, min(1.0, n))
        n = math.copysign(_dead(abs(n), self.dead_zone), n)
        # pygame's negative end is "left" on wheels and sticks; the core's left is positive.
        return n if self.invert else -n


@dataclass(frozen=True)
class PedalAxis:
    """A pedal (or trigger, or half a stick) from one axis or a button. ``invert`` false: the
    pedal is released at ``low`` and fully pressed at ``high``; true: the other way round
    (many wheels read +1 released, -1 pressed)."""

    axis: int | None = None
    button: int | None = None  # a gamepad button used as an on/off pedal instead of an axis
    low: float = -1.0
    high: float = 1.0
    invert: bool = False
    dead_zone: float = 0.05  # fraction of the travel ignored at the released end

    def value_from_axis(self, raw: float) -> float:
        if raw != raw or self.high == self.low:
            return 0.0
        p = (raw - self.low) / (self.high - self.low)
        if self.invert:
            p = 1.0 - p
        return _dead(max(0.0, min(1.0, p)), self.dead_zone)


@dataclass(frozen=True)
class WheelMapping:
    """Everything the wheel driver and the screens need to read a joystick."""

    device: str = ""  # joystick name it was calibrated with; picks that device when several
    steering: SteeringAxis = field(default_factory=SteeringAxis)
    # Without a calibration: an Xbox-style pad as SDL reports it (right trigger axis 5 is the
    # throttle, left trigger axis 2 the brake, both -1 released .. +1 pressed).
    throttle: PedalAxis = field(default_factory=lambda: PedalAxis(axis=5))
    brake: PedalAxis = field(default_factory=lambda: PedalAxis(axis=2))
    buttons: dict[str, int] = field(default_factory=lambda: {"confirm": 0, "back": 1})

    def button_action(self, button: int) -> str | None:
        for action, b in self.buttons.items():
            if b == button:
                return action
        return None


DEFAULT_MAPPING = WheelMapping()


def _dead(p: float, dead_zone: float) -> float:
    """Remove a dead zone at 0 and rescale, so the output still reaches 1."""
    if p <= dead_zone:
        return 0.0
    return (p - dead_zone) / (1.0 - dead_zone)


def default_path() -> Path:
    env = os.environ.get("ISDC_CONTROLS")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "isdc" / "controls.toml"


# ----------------------------------------------------------------------------- reading


def load_mapping(path: Path | None = None) -> WheelMapping:
    """The mapping in ``path`` (default location when None); the defaults when no file exists."""
    path = path or default_path()
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return DEFAULT_MAPPING
    except OSError as exc:
        raise MappingError(f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise MappingError(f"{path}: not valid TOML ({exc})") from None
    return mapping_from_dict(data, str(path))


def mapping_from_dict(data: dict[str, Any], where: str = "controls") -> WheelMapping:
    version = data.get("version", MAPPING_VERSION)
    if version != MAPPING_VERSION:
        raise MappingError(f"{where}: version {version!r} is not supported (expected 1)")
    known = {"version", "device", "steering", "throttle", "brake", "buttons"}
    _no_unknown(data, known, where)
    device = data.get("device", "")
    if not isinstance(device, str):
        raise MappingError(f"{where}: device: must be text")
    steering = _section(data, "steering", SteeringAxis(), where)
    throttle = _section(data, "throttle", DEFAULT_MAPPING.throttle, where)
    brake = _section(data, "brake", DEFAULT_MAPPING.brake, where)
    buttons = dict(DEFAULT_MAPPING.buttons)
    for action, b in (data.get("buttons") or {}).items():
        if action not in BUTTON_ACTIONS:
            raise MappingError(
                f"{where}: buttons.{action}: unknown action (known: {', '.join(BUTTON_ACTIONS)})"
            )
        if not isinstance(b, int) or isinstance(b, bool) or b < 0:
            raise MappingError(f"{where}: buttons.{action}: must be a button number (0, 1, ...)")
        buttons[action] = b
    if throttle.axis is None and throttle.button is None:
        raise MappingError(f"{where}: throttle: give axis = N or button = N")
    if brake.axis is None and brake.button is None:
        raise MappingError(f"{where}: brake: give axis = N or button = N")
    return WheelMapping(device, steering, throttle, brake, buttons)


def _no_unknown(table: dict[str, Any], known: set[str], where: str) -> None:
    for key in table:
        if key not in known:
            raise MappingError(f"{where}: unknown key {key!r} (known: {', '.join(sorted(known))})")


def _section(data: dict[str, Any], name: str, base, where: str):
    table = data.get(name)
    if table is None:
        return base
    if not isinstance(table, dict):
        raise MappingError(f"{where}: {name}: must be a table ([{name}])")
    fields = base.__dataclass_fields__
    _no_unknown(table, set(fields), f"{where}: {name}")
    values: dict[str, Any] = {}
    for key, value in table.items():
        kind = fields[key].type
        here = f"{where}: {name}.{key}"
        if key in ("axis", "button"):
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise MappingError(f"{here}: must be an axis/button number (0, 1, ...)")
        elif key == "invert":
            if not isinstance(value, bool):
                raise MappingError(f"{here}: must be true or false")
        else:
            if not isinstance(value, int | float) or isinstance(value, bool):
                raise MappingError(f"{here}: must be a number")
            value = float(value)
            if key == "dead_zone" and not 0.0 <= value < 0.9:
                raise MappingError(f"{here}: must be between 0 and 0.9")
            if key in ("low", "high", "centre") and not -1.5 <= value <= 1.5:
                raise MappingError(f"{here}: raw axis values lie between -1 and 1")
        del kind
        values[key] = value
    if name != "steering" and "button" in values and "axis" not in values:
        values["axis"] = None
    result = replace(base, **values)
    if name == "steering" and not result.low < result.centre < result.high:
        raise MappingError(f"{where}: steering: need low < centre < high")
    if name != "steering" and result.axis is not None and result.low == result.high:
        raise MappingError(f"{where}: {name}: low and high must differ")
    return result


# ----------------------------------------------------------------------------- writing


def mapping_to_toml(m: WheelMapping) -> str:
    """The mapping as a commented TOML document (what ``isdc-sim calibrate`` saves)."""
    s = m.steering
    lines = [
        "# ISDC simulator: wheel / gamepad mapping (written by `isdc-sim calibrate`).",
        "# Axes and buttons are numbered from 0 as pygame reports them; raw values lie in -1..1.",
        "# invert = false: steering's low end steers left; a pedal is released at low, pressed",
        "# at high. dead_zone is the fraction of travel ignored (steering: around the centre).",
        f"version = {MAPPING_VERSION}",
        f"device = {_toml_str(m.device)}",
        "",
        "[steering]",
        f"axis = {s.axis}",
        f"low = {_num(s.low)}",
        f"centre = {_num(s.centre)}",
        f"high = {_num(s.high)}",
        f"invert = {_bool(s.invert)}",
        f"dead_zone = {_num(s.dead_zone)}",
    ]
    for name, p in (("throttle", m.throttle), ("brake", m.brake)):
        lines += ["", f"[{name}]"]
        if p.axis is not None:
            lines.append(f"axis = {p.axis}")
        if p.button is not None:
            lines.append(f"button = {p.button}")
        lines += [
            f"low = {_num(p.low)}",
            f"high = {_num(p.high)}",
            f"invert = {_bool(p.invert)}",
            f"dead_zone = {_num(p.dead_zone)}",
        ]
    lines += ["", "[buttons]"]
    lines += [f"{action} = {b}" for action, b in sorted(m.buttons.items())]
    return "\n".join(lines) + "\n"


def save_mapping(m: WheelMapping, path: Path | None = None) -> Path:
    """Write the mapping atomically (temporary file, then rename); creates the folder."""
    path = path or default_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    text = mapping_to_toml(m)
    mapping_from_dict(tomllib.loads(text), str(path))  # never save what we could not read back
    return write_bytes_atomic(path, text.encode("utf-8"))


def _num(v: float) -> str:
    return repr(round(float(v), 4))


def _bool(v: bool) -> str:
    return "true" if v else "false"


def _toml_str(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    escaped = "".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in escaped)
    return f'"{escaped}"'
