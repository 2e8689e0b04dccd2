"""Scenario files: TOML documents that instructors can read and write, checked strictly.

A scenario names its road network, the vehicles, pedestrians and objects on it, the
storyboard of triggered events, the weather and light, the time limit and the goal. Files are
validated against :data:`SCHEMA` before anything is built: a TOML syntax error, an unknown or
misspelt key, a value of the wrong type or out of range is refused with ONE message naming
the file and the key (``roads[0].zones[1].limit_kmh: ...``); references between parts (a lane
that does not exist, an unknown entity) are checked when the road map is built, with the same
kind of message. The format is documented for instructors in ``docs/scenarios.md``.

A file may declare ``[variants.NAME]`` tables that override its top-level keys; the variant is
a scenario of its own with the id ``<id>_<NAME>`` (``braking_zone_wet``), so rubrics,
assignments and telemetry treat it like any other scenario.
"""

from __future__ import annotations

import copy
import hashlib
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BUILTIN_DIR = Path(__file__).resolve().parent / "scenarios"
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_\-]{0,63}$")


class ScenarioError(ValueError):
    """A scenario that cannot be used; the message is one line naming the file and problem."""


# ----------------------------------------------------------------------------- schema


@dataclass(frozen=True)
class Spec:
    """One key's rule: accepted types, required or default, and an extra check."""

    types: tuple[type, ...]
    required: bool = False
    default: Any = None
    check: Callable[[Any], str | None] | None = None
    table: dict[str, Spec] | None = None  # a sub-table with its own keys
    items: Spec | None = None  # the element rule of an array
    any_keys: Spec | None = None  # a table whose keys are free (names) with this value rule


def req(*types: type, check=None, table=None, items=None, any_keys=None) -> Spec:
    return Spec(types, True, None, check, table, items, any_keys)


def opt(default: Any, *types: type, check=None, table=None, items=None, any_keys=None) -> Spec:
    return Spec(types, False, default, check, table, items, any_keys)


NUM = (int, float)


def positive(v: float) -> str | None:
    return None if v > 0 else f"must be positive, got {v}"


def non_negative(v: float) -> str | None:
    return None if v >= 0 else f"must not be negative, got {v}"


def speed_limit(v: float) -> str | None:
    return None if v > 0 else f"a speed limit must be positive, got {v}"


def between(lo: float, hi: float) -> Callable[[Any], str | None]:
    return lambda v: None if lo <= v <= hi else f"must be between {lo:g} and {hi:g}, got {v}"


def one_of(*choices: str) -> Callable[[Any], str | None]:
    return lambda v: None if v in choices else f"must be one of {', '.join(choices)}; got {v!r}"


def point(v: list) -> str | None:
    ok = len(v) == 2 and all(isinstance(c, NUM) and not isinstance(c, bool) for c in v)
    return None if ok else "must be a point [x, y] in metres"


def scenario_id(v: str) -> str | None:
    return None if ID_PATTERN.match(v) else "must be lower-case letters, digits, '_' or '-'"


TEXT = {"id": req(str), "en": req(str)}
PIECE = {"straight": opt(None, *NUM, check=positive), "arc": opt(None, *NUM, check=positive),
         "turn_deg": opt(None, *NUM, check=between(-359, 359))}  # fmt: skip
ZONE = {
    "from_m": req(*NUM, check=non_negative),
    "to_m": req(*NUM, check=positive),
    "limit_kmh": opt(None, *NUM, check=speed_limit),
    "min_kmh": opt(None, *NUM, check=non_negative),
    "advisory_kmh": opt(None, *NUM, check=speed_limit),
    "school": opt(False, bool),
    "friction": opt(None, *NUM, check=between(0.05, 1.2)),
}
LINE = {
    "between": req(list, items=req(str)),
    "from_m": opt(0.0, *NUM, check=non_negative),
    "to_m": opt(None, *NUM, check=positive),
    "style": req(str, check=one_of("solid", "dashed", "double_solid", "none")),
}
EXTRA_LANE = {
    "id": req(str),
    "direction": opt("forward", str, check=one_of("forward", "backward")),
    "from_m": req(*NUM, check=non_negative),
    "to_m": req(*NUM, check=positive),
}
ROAD = {
    "id": req(str, check=lambda v: None if ":" not in v else "must not contain ':'"),
    "type": req(str, check=one_of("settlement", "urban", "intercity", "toll", "track")),
    "start": req(list, check=point),
    "heading_deg": req(*NUM),
    "pieces": req(list, items=req(dict, table=PIECE)),
    "forward": opt(1, int, check=between(0, 6)),
    "backward": opt(1, int, check=between(0, 6)),
    "lane_width": opt(3.5, *NUM, check=between(2.5, 5.0)),
    "median_m": opt(0.0, *NUM, check=between(0, 30)),
    "shoulder_m": opt(0.5, *NUM, check=between(0, 5)),
    "centre_line": opt("dashed", str, check=one_of("solid", "dashed", "double_solid", "none")),
    "limit_kmh": opt(None, *NUM, check=speed_limit),
    "min_kmh": opt(None, *NUM, check=non_negative),
    "friction": opt(None, *NUM, check=between(0.05, 1.2)),
    "extra_lanes": opt([], list, items=req(dict, table=EXTRA_LANE)),
    "zones": opt([], list, items=req(dict, table=ZONE)),
    "lines": opt([], list, items=req(dict, table=LINE)),
}
CONNECTOR = {
    "id": req(str),
    "from": req(str),
    "to": req(str),
    "junction": opt(None, str),
    "yield_to": opt([], list, items=req(str)),
}
JUNCTION = {"id": req(str), "polygon": opt(None, list, items=req(list, check=point))}
PHASE = {"green": req(list, items=req(str)), "duration_s": req(*NUM, check=positive)}
SIGNAL = {
    "id": req(str),
    "groups": req(dict, any_keys=req(list, items=req(str))),
    "phases": req(list, items=req(dict, table=PHASE)),
    "amber_s": opt(3.0, *NUM, check=non_negative),
    "all_red_s": opt(2.0, *NUM, check=non_negative),
    "start_phase": opt(0, int, check=non_negative),
    "offset_s": opt(0.0, *NUM, check=non_negative),
    "setback_m": opt(1.0, *NUM, check=non_negative),
}
STOP_SIGN = {"lane": req(str), "setback_m": opt(1.0, *NUM, check=non_negative)}
ZEBRA = {
    "id": req(str),
    "road": req(str),
    "at_m": req(*NUM, check=non_negative),
    "width_m": opt(4.0, *NUM, check=between(2, 10)),
    "school": opt(False, bool),
}
VEHICLE_KINDS = ("car", "motorcycle", "truck", "bus")
VEHICLE = {
    "id": opt(None, str),
    "kind": opt("car", str, check=one_of(*VEHICLE_KINDS)),
    "lane": req(str),
    "s": req(*NUM, check=non_negative),
    "lateral_m": opt(0.0, *NUM),
    "speed_kmh": opt(0.0, *NUM, check=non_negative),
    "desired_kmh": opt(None, *NUM, check=positive),
    "headway_s": opt(None, *NUM, check=positive),
    "parked": opt(False, bool),
    "route": opt([], list, items=req(str)),
}
TRAFFIC = {
    "lanes": req(list, items=req(str)),
    "count": opt(0, int, check=between(0, 2000)),
    "from_m": opt(0.0, *NUM, check=non_negative),
    "to_m": opt(None, *NUM, check=positive),
    "mix": opt({"car": 1.0}, dict, any_keys=req(*NUM, check=non_negative)),
    "speed_kmh": opt(None, list, items=req(*NUM, check=positive)),
    "inflow_per_min": opt(0.0, *NUM, check=between(0, 120)),
    "keep_clear_of_ego_m": opt(25.0, *NUM, check=non_negative),
    "min_gap_m": opt(8.0, *NUM, check=positive),
}
OBJECT = {
    "kind": opt("cone", str, check=one_of("cone", "barrier", "bollard")),
    "lane": opt(None, str),
    "s": opt(None, *NUM, check=non_negative),
    "lateral_m": opt([0.0], list, items=req(*NUM)),
    "at": opt(None, list, check=point),
}
PEDESTRIAN = {
    "id": req(str),
    "kind": opt("adult", str, check=one_of("adult", "child", "patrol")),
    "zebra": opt(None, str),
    "road": opt(None, str),
    "at_m": opt(None, *NUM, check=non_negative),
    "side": opt("left", str, check=one_of("left", "right")),
    "along_m": opt(0.0, *NUM),
    "kerb_gap_m": opt(1.0, *NUM, check=non_negative),
    "from": opt(None, list, check=point),
    "to": opt(None, list, check=point),
    "speed_ms": opt(None, *NUM, check=between(0.3, 6)),
    "stop_at": opt(None, *NUM, check=between(0, 1)),
    "hold_s": opt(0.0, *NUM, check=non_negative),
    "return": opt(False, bool),
}
TRIGGER = {
    "kind": req(str, check=one_of("time", "distance", "reach", "ttc", "signal")),
    "at_s": opt(None, *NUM, check=non_negative),
    "m": opt(None, *NUM, check=non_negative),
    "lane": opt(None, str),
    "s": opt(None, *NUM, check=non_negative),
    "at": opt(None, list, check=point),
    "radius_m": opt(3.0, *NUM, check=positive),
    "entity": opt(None, str),
    "below_s": opt(None, *NUM, check=positive),
    "signal": opt(None, str),
    "group": opt(None, str),
    "state": opt(None, str, check=one_of("green", "amber", "red")),
}
ACTION = {
    "kind": req(
        str,
        check=one_of(
            "start_crossing", "brake_hard", "change_signal", "spawn", "set_speed", "change_lane"
        ),
    ),
    "entity": opt(None, str),
    "decel": opt(7.0, *NUM, check=between(0.5, 12)),
    "hold_s": opt(None, *NUM, check=non_negative),
    "signal": opt(None, str),
    "phase": opt(None, int, check=non_negative),
    "vehicle": opt(None, dict, table=VEHICLE),
    "speed_kmh": opt(None, *NUM, check=non_negative),
    "to": opt(None, str, check=one_of("left", "right")),
}
EVENT = {
    "id": req(str),
    "hazard": opt(False, bool),
    "trigger": req(dict, table=TRIGGER),
    "delay_s": opt(0.0, *NUM, check=non_negative),
    "actions": req(list, items=req(dict, table=ACTION)),
}
EGO = {
    "lane": req(str),
    "s": req(*NUM, check=non_negative),
    "lateral_m": opt(0.0, *NUM),
    "speed_kmh": opt(0.0, *NUM, check=non_negative),
    "route": opt([], list, items=req(str)),
}
GOAL = {
    "kind": opt("reach", str, check=one_of("reach", "stop_in_box")),
    "lane": req(str),
    "s": opt(None, *NUM, check=non_negative),
    "line_m": opt(None, *NUM, check=non_negative),
    "box_from_m": opt(None, *NUM, check=non_negative),
    "box_to_m": opt(None, *NUM, check=positive),
    "min_speed_kmh": opt(0.0, *NUM, check=non_negative),
}
SCHEMA: dict[str, Spec] = {
    "id": req(str, check=scenario_id),
    "version": req(int, check=positive),
    "title": req(dict, table=TEXT),
    "brief": req(dict, table=TEXT),
    "time_limit_s": req(*NUM, check=between(1, 7200)),
    "tick_rate": opt(60, int, check=between(10, 1000)),
    "weather": opt("dry", str, check=one_of("dry", "rain")),
    "light": opt("day", str, check=one_of("day", "dusk", "night")),
    "visibility_m": opt(None, *NUM, check=between(5, 2000)),
    "stop_on_collision": opt(True, bool),
    "rubric": opt(None, str, check=scenario_id),
    "ego": req(dict, table=EGO),
    "goal": req(dict, table=GOAL),
    "roads": req(list, items=req(dict, table=ROAD)),
    "connectors": opt([], list, items=req(dict, table=CONNECTOR)),
    "junctions": opt([], list, items=req(dict, table=JUNCTION)),
    "signals": opt([], list, items=req(dict, table=SIGNAL)),
    "stop_signs": opt([], list, items=req(dict, table=STOP_SIGN)),
    "zebras": opt([], list, items=req(dict, table=ZEBRA)),
    "vehicles": opt([], list, items=req(dict, table=VEHICLE)),
    "traffic": opt([], list, items=req(dict, table=TRAFFIC)),
    "objects": opt([], list, items=req(dict, table=OBJECT)),
    "pedestrians": opt([], list, items=req(dict, table=PEDESTRIAN)),
    "events": opt([], list, items=req(dict, table=EVENT)),
    "variants": opt({}, dict, any_keys=req(dict)),
}


def check_table(data: dict[str, Any], schema: dict[str, Spec], path: str) -> dict[str, Any]:
    """Validate ``data`` against ``schema``; returns a copy with defaults filled in."""
    out: dict[str, Any] = {}
    for key in data:
        if key not in schema:
            known = ", ".join(sorted(schema))
            raise ScenarioError(f"{_join(path, key)}: unknown key (known keys: {known})")
    for key, spec in schema.items():
        where = _join(path, key)
        if key not in data:
            if spec.required:
                raise ScenarioError(f"{where}: missing")
            out[key] = copy.deepcopy(spec.default)
            continue
        out[key] = check_value(data[key], spec, where)
    return out


def check_value(value: Any, spec: Spec, where: str) -> Any:
    if isinstance(value, bool) and bool not in spec.types:
        raise ScenarioError(f"{where}: expected {_type_names(spec.types)}, got a true/false value")
    if not isinstance(value, spec.types):
        raise ScenarioError(f"{where}: expected {_type_names(spec.types)}, got {value!r}")
    if isinstance(value, int) and not isinstance(value, bool) and float in spec.types:
        value = float(value)
    if spec.check is not None:
        problem = spec.check(value)
        if problem:
            raise ScenarioError(f"{where}: {problem}")
    if spec.table is not None:
        return check_table(value, spec.table, where)
    if spec.any_keys is not None:
        return {k: check_value(v, spec.any_keys, f"{where}.{k}") for k, v in value.items()}
    if spec.items is not None:
        return [check_value(v, spec.items, f"{where}[{i}]") for i, v in enumerate(value)]
    return value


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _type_names(types: tuple[type, ...]) -> str:
    names = {int: "a number", float: "a number", str: "text", bool: "true or false",
             list: "a list", dict: "a table"}  # fmt: skip
    return " or ".join(dict.fromkeys(names[t] for t in types))


# ----------------------------------------------------------------------------- scenarios


@dataclass
class Scenario:
    """A validated scenario: its data (defaults filled) and where it came from.

    ``layout`` (road map and resolved references) is built once on load, so that a wrong lane
    reference is reported at load time, and shared read-only by every simulation of it.
    """

    data: dict[str, Any]
    source: str  # "builtin" or the file path
    sha256: str
    base_id: str
    variant: str | None = None
    variants: list[str] = field(default_factory=list)
    layout: Any = None

    @property
    def id(self) -> str:
        return str(self.data["id"])

    @property
    def version(self) -> int:
        return int(self.data["version"])

    def title(self, lang: str = "id") -> str:
        return str(self.data["title"][lang])

    def brief(self, lang: str = "id") -> str:
        return str(self.data["brief"][lang])

    @property
    def tick_rate(self) -> int:
        return int(self.data["tick_rate"])

    @property
    def rubric(self) -> str:
        """The scoring rubric (pass mark, weights) this scenario is judged by."""
        return str(self.data["rubric"] or self.id)

    @property
    def time_limit_s(self) -> float:
        return float(self.data["time_limit_s"])

    def header_info(self) -> dict[str, Any]:
        """What a telemetry header records about the scenario (``header["scenario"]``).

        A variant is a scenario of its own (``braking_zone_wet``, with its own rubric); its
        header also names the file's scenario (``base``) and the variant (``variant``).
        """
        info: dict[str, Any] = {
            "id": self.id,
            "version": self.version,
            "title": self.title("en"),
            "source": self.source,
            "sha256": self.sha256,
            "rubric": self.rubric,
        }
        if self.variant:
            info["base"] = self.base_id
            info["variant"] = self.variant
        return info


def builtin_ids() -> list[str]:
    """Ids of the built-in scenarios with their variants, in the order of the ISDC programme."""
    ids = []
    for base in _builtin_order():
        sc = _load_file(BUILTIN_DIR / f"{base}.toml", "builtin", None)
        ids.append(base)
        ids.extend(f"{base}_{v}" for v in sc.variants)
    return ids


def _builtin_order() -> list[str]:
    with open(BUILTIN_DIR / "_order.toml", "rb") as fh:  # a .toml so packaging ships it
        return list(tomllib.load(fh)["order"])


def load_scenario(ref: str | Path) -> Scenario:
    """A scenario by built-in id (``school_zone``, ``braking_zone_wet``) or by file path.

    A path may select a variant with ``path.toml#wet``. Raises :class:`ScenarioError`.
    """
    text = str(ref)
    variant: str | None = None
    if "#" in text:
        text, variant = text.rsplit("#", 1)
    looks_like_path = text.endswith(".toml") or "/" in text or "\\" in text
    if looks_like_path:
        path = Path(text)
        if not path.is_file():
            raise ScenarioError(f"scenario file not found: {text}")
        scenario = _load_file(path, str(path), variant)
    else:
        base, variant = _resolve_builtin(text)
        scenario = _load_file(BUILTIN_DIR / f"{base}.toml", "builtin", variant)
    from isdc.simulator.build import build_layout  # late: the builder needs the whole core

    scenario.layout = build_layout(scenario)
    return scenario


def _resolve_builtin(ref: str) -> tuple[str, str | None]:
    bases = _builtin_order()
    if ref in bases:
        return ref, None
    for base in bases:
        if ref.startswith(base + "_"):
            sc = _load_file(BUILTIN_DIR / f"{base}.toml", "builtin", None)
            name = ref[len(base) + 1 :]
            if name in sc.variants:
                return base, name
    raise ScenarioError(
        f"unknown scenario {ref!r}; built-in scenarios: {', '.join(builtin_ids())} "
        "(or give the path of a .toml file)"
    )


def _load_file(path: Path, source: str, variant: str | None) -> Scenario:
    name = path.name
    try:
        raw_bytes = path.read_bytes()
    except OSError as exc:
        raise ScenarioError(f"{name}: cannot read the scenario file ({exc.strerror})") from None
    try:
        raw = tomllib.loads(raw_bytes.decode("utf-8"))
    except UnicodeDecodeError:
        raise ScenarioError(f"{name}: not a text (UTF-8) file") from None
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"{name}: TOML syntax error: {exc}") from None
    return scenario_from_dict(raw, source=source, variant=variant, name=name, file_bytes=raw_bytes)


def scenario_from_dict(
    raw: dict[str, Any],
    *,
    source: str = "inline",
    variant: str | None = None,
    name: str = "scenario",
    file_bytes: bytes | None = None,
    build: bool = False,
) -> Scenario:
    """Validate a scenario given as a dict (a parsed file, or one made by a script)."""
    try:
        data = check_table(raw, SCHEMA, "")
    except ScenarioError as exc:
        raise ScenarioError(f"{name}: {exc}") from None
    variants = data.pop("variants")
    for vname, override in variants.items():
        if not re.match(r"^[a-z0-9]+$", vname):
            raise ScenarioError(f"{name}: variants.{vname}: a variant name is lower-case letters")
        if "id" in override or "variants" in override:
            raise ScenarioError(f"{name}: variants.{vname}: a variant cannot change 'id'")
    base_id = data["id"]
    if variant is not None:
        if variant not in variants:
            known = ", ".join(variants) or "none"
            raise ScenarioError(f"{name}: no variant {variant!r} (variants: {known})")
        merged = _merge({k: v for k, v in raw.items() if k != "variants"}, variants[variant])
        try:
            data = check_table(merged, SCHEMA, "")
        except ScenarioError as exc:
            raise ScenarioError(f"{name} (variant {variant}): {exc}") from None
        data.pop("variants")
        data["id"] = f"{base_id}_{variant}"
    digest_src = file_bytes if file_bytes is not None else repr(sorted(data.items())).encode()
    scenario = Scenario(
        data=data,
        source=source,
        sha256=hashlib.sha256(digest_src).hexdigest(),
        base_id=base_id,
        variant=variant,
        variants=list(variants),
    )
    if build:
        from isdc.simulator.build import build_layout

        scenario.layout = build_layout(scenario)
    return scenario


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(base)
    for k, v in override.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = _merge(out[k], v)
        else:
            out[k] = copy.deepcopy(v)
    return out
