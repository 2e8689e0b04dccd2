"""Rubrics: the per-scenario scoring standard, read from TOML data files and checked strictly.

A rubric file names its scenario and version and states what differs from
``rubrics/defaults.toml``; the two are merged (scenario over defaults) and every key is checked,
so a misspelt key or a factor above 1 is refused with a message naming it rather than silently
ignored. Files are looked up in the folders of the ``ISDC_RUBRICS`` environment variable (an
``os.pathsep``-separated list, for a centre's own rubrics) before the built-in folder.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import re
import tomllib
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from isdc.telemetry import EVENT_KINDS

BUILTIN_DIR = Path(__file__).resolve().parent / "rubrics"
DEFAULTS_FILE = BUILTIN_DIR / "defaults.toml"
ENV_DIRS = "ISDC_RUBRICS"

PARTS: tuple[str, ...] = ("speed", "harsh", "following", "lane", "hazard", "smoothness")
HARSH_KINDS: tuple[str, ...] = ("braking", "accelerating", "cornering", "grip")
FACTOR_KINDS: tuple[str, ...] = (
    "collision_pedestrian",
    "collision_vehicle",
    "collision_static",
    "red_light",
    "amber_light",
    "stop_sign",
    "fail_to_yield",
    "off_road",
    "wrong_side",
    "solid_line",
    "timeout",
)
_SCENARIO_ID = re.compile(r"^[a-z0-9][a-z0-9_\-]{0,63}$")


class RubricError(ValueError):
    """A rubric that is missing or cannot be used; the message names the problem."""


@dataclass(frozen=True)
class PassRules:
    mark: float
    fail_on: tuple[str, ...]
    require_completed: bool
    min_route_completion: float
    max_missing_share: float


@dataclass(frozen=True)
class SpeedRules:
    tolerance_kmh: float
    episode_min_s: float
    school_zone_weight: float
    points_per_pct_time: float
    points_per_kmh_max_excess: float


@dataclass(frozen=True)
class HarshRules:
    min_duration_s: float
    hysteresis: float
    hazard_exempt_s: float
    full_points_ratio: float
    merge_within_s: float
    points: dict[str, float]
    speed_gate_kmh: dict[str, float]


@dataclass(frozen=True)
class VehicleRules:
    width_m: float
    braking_g: float
    accelerating_g: float
    cornering_g: float
    grip_use: float


@dataclass(frozen=True)
class FollowingRules:
    headway_s: float
    close_headway_s: float
    wet_friction_below: float
    wet_headway_factor: float
    follow_within_s: float
    speed_gate_kmh: float
    ttc_critical_s: float
    episode_min_s: float
    short_episode_min_s: float
    points_per_pct_below_headway: float
    points_per_pct_below_close: float
    points_per_s_tet: float
    points_per_s_ttc_deficit: float


@dataclass(frozen=True)
class LaneRules:
    speed_gate_kmh: float
    sdlp_reference_m: float
    points_per_cm_sdlp: float
    departure_min_s: float
    points_per_departure: float


@dataclass(frozen=True)
class HazardRules:
    brake_threshold: float
    expected_reaction_s: float
    response_window_s: float
    missed_points: float
    slow_reaction_s: float
    stopped_below_kmh: float


@dataclass(frozen=True)
class SmoothnessRules:
    jerk_window_s: float
    speed_gate_kmh: float
    jerk_reference: float
    points_per_jerk: float
    reversal_gap: float
    reversal_reference_per_min: float
    points_per_reversal_per_min: float


@dataclass(frozen=True)
class RuleOptions:
    collision_repeat_s: float
    collision_repeat_m: float


@dataclass(frozen=True)
class Rubric:
    """A checked, merged rubric. ``digest`` identifies its exact content (for rescoring)."""

    scenario: str
    version: str
    title: dict[str, str]
    source: str
    digest: str
    pass_rules: PassRules
    weights: dict[str, float]
    speed: SpeedRules
    harsh: HarshRules
    vehicles: dict[str, VehicleRules]
    following: FollowingRules
    lane: LaneRules
    hazard: HazardRules
    smoothness: SmoothnessRules
    factors: dict[str, float]
    rules: RuleOptions

    def vehicle(self, kind: str) -> VehicleRules:
        try:
            return self.vehicles[kind]
        except KeyError:
            known = ", ".join(sorted(self.vehicles))
            raise RubricError(
                f"rubric '{self.scenario}' has no thresholds for vehicle '{kind}' (it has: {known})"
            ) from None


# --------------------------------------------------------------------------- loading


def rubric_dirs() -> list[Path]:
    """Folders searched for ``<scenario>.toml``: $ISDC_RUBRICS first, then the built-in one."""
    extra = [Path(p) for p in os.environ.get(ENV_DIRS, "").split(os.pathsep) if p]
    return [*extra, BUILTIN_DIR]


def find_rubric_file(scenario_id: str) -> Path | None:
    if not _SCENARIO_ID.match(scenario_id):
        return None
    for folder in rubric_dirs():
        candidate = folder / f"{scenario_id}.toml"
        if candidate.is_file():
            return candidate
    return None


def available_rubrics() -> list[str]:
    """Scenario ids that have a rubric in any searched folder."""
    found = {
        p.stem
        for d in rubric_dirs()
        if d.is_dir()
        for p in d.glob("*.toml")
        if p.stem != "defaults"
    }
    return sorted(found)


def load_rubric(scenario_id: str) -> Rubric:
    """The rubric for a scenario id; :class:`RubricError` when there is none or it is broken."""
    path = find_rubric_file(scenario_id)
    if path is None:
        raise RubricError(f"no rubric for scenario '{scenario_id}'")
    rubric = load_rubric_file(path)
    if rubric.scenario != scenario_id:
        raise RubricError(
            f"rubric file {path} is for scenario '{rubric.scenario}', not '{scenario_id}'"
        )
    return rubric


def load_rubric_file(path: str | os.PathLike[str]) -> Rubric:
    """Read one rubric file (merged over the defaults) and check it."""
    return parse_rubric(_read_toml(Path(path)), source=str(path))


def parse_rubric(data: dict[str, Any], source: str = "<rubric>") -> Rubric:
    """Check a rubric given as a dict (the content of a TOML file) and merge it over the defaults."""
    head = data.get("rubric")
    if not isinstance(head, dict):
        raise RubricError(f"{source}: the [rubric] table (scenario, version) is missing")
    scenario = head.get("scenario")
    if not isinstance(scenario, str) or not _SCENARIO_ID.match(scenario):
        raise RubricError(f"{source}: rubric.scenario must be a scenario id such as 'school_zone'")
    version = head.get("version")
    if isinstance(version, bool) or not isinstance(version, str | int) or str(version) == "":
        raise RubricError(f"{source}: rubric.version must be a number or a text")
    title = head.get("title", {})
    if not isinstance(title, dict) or not all(isinstance(v, str) for v in title.values()):
        raise RubricError(f"{source}: rubric.title must be a table of texts (id, en)")
    unknown_head = set(head) - {"scenario", "version", "title", "description"}
    if unknown_head:
        raise RubricError(f"{source}: unknown key 'rubric.{sorted(unknown_head)[0]}'")

    merged = _merge(_read_toml(DEFAULTS_FILE), {k: v for k, v in data.items() if k != "rubric"})
    sections = {
        "pass": PassRules,
        "speed": SpeedRules,
        "harsh": HarshRules,
        "following": FollowingRules,
        "lane": LaneRules,
        "hazard": HazardRules,
        "smoothness": SmoothnessRules,
        "rules": RuleOptions,
    }
    known = {*sections, "weights", "vehicles", "factors"}
    unknown = set(merged) - known
    if unknown:
        raise RubricError(f"{source}: unknown section [{sorted(unknown)[0]}]")
    built = {name: _build(cls, merged.get(name), name, source) for name, cls in sections.items()}
    weights = _number_table(merged.get("weights"), "weights", source, PARTS)
    factors = _number_table(merged.get("factors"), "factors", source, FACTOR_KINDS)
    vehicles_raw = merged.get("vehicles")
    if not isinstance(vehicles_raw, dict) or not vehicles_raw:
        raise RubricError(f"{source}: [vehicles.*] tables are missing")
    vehicles = {
        name: _build(VehicleRules, table, f"vehicles.{name}", source)
        for name, table in vehicles_raw.items()
    }
    rubric = Rubric(
        scenario=scenario,
        version=str(version),
        title={str(k): v for k, v in title.items()},
        source=source,
        digest=_digest(merged, scenario, str(version)),
        pass_rules=built["pass"],
        weights=weights,
        speed=built["speed"],
        harsh=built["harsh"],
        vehicles=vehicles,
        following=built["following"],
        lane=built["lane"],
        hazard=built["hazard"],
        smoothness=built["smoothness"],
        factors=factors,
        rules=built["rules"],
    )
    _check_ranges(rubric, source)
    return rubric


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise RubricError(f"rubric file not found: {path}") from None
    except OSError as exc:
        raise RubricError(f"cannot read rubric file {path}: {exc.strerror}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise RubricError(f"rubric file {path} is not valid TOML ({exc})") from None


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _digest(merged: dict[str, Any], scenario: str, version: str) -> str:
    canonical = json.dumps(
        {"scenario": scenario, "version": version, "rules": merged}, sort_keys=True
    )
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value == value


def _number_table(
    table: Any, name: str, source: str, allowed: tuple[str, ...] | None
) -> dict[str, float]:
    if not isinstance(table, dict):
        raise RubricError(f"{source}: [{name}] must be a table of numbers")
    out: dict[str, float] = {}
    for key, value in table.items():
        if allowed is not None and key not in allowed:
            raise RubricError(f"{source}: unknown key '{name}.{key}' (known: {', '.join(allowed)})")
        if not _is_number(value) or value < 0 or value == float("inf"):
            raise RubricError(f"{source}: '{name}.{key}' must be a number >= 0")
        out[key] = float(value)
    if allowed is not None:
        missing = [k for k in allowed if k not in out]
        if missing:
            raise RubricError(f"{source}: '{name}.{missing[0]}' is missing")
    return out


def _build(cls: type, table: Any, name: str, source: str) -> Any:
    """Build a frozen section dataclass from a TOML table, refusing unknown or mistyped keys."""
    if not isinstance(table, dict):
        raise RubricError(f"{source}: section [{name}] is missing or not a table")
    hints = typing.get_type_hints(cls)
    fields = {f.name for f in dataclasses.fields(cls)}
    unknown = set(table) - fields
    if unknown:
        raise RubricError(f"{source}: unknown key '{name}.{sorted(unknown)[0]}'")
    values: dict[str, Any] = {}
    for field in sorted(fields):
        if field not in table:
            raise RubricError(f"{source}: '{name}.{field}' is missing")
        values[field] = _convert(hints[field], table[field], f"{name}.{field}", source)
    return cls(**values)


def _convert(hint: Any, value: Any, key: str, source: str) -> Any:
    if hint is float:
        if not _is_number(value) or value < 0 or value == float("inf"):
            raise RubricError(f"{source}: '{key}' must be a number >= 0")
        return float(value)
    if hint is bool:
        if not isinstance(value, bool):
            raise RubricError(f"{source}: '{key}' must be true or false")
        return value
    if hint == tuple[str, ...]:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise RubricError(f"{source}: '{key}' must be a list of texts")
        return tuple(value)
    if hint == dict[str, float]:
        allowed = HARSH_KINDS if key.startswith("harsh.") else None
        return _number_table(value, key, source, allowed)
    raise TypeError(f"unsupported rubric field type {hint!r}")  # a programming error


def _check_ranges(r: Rubric, source: str) -> None:
    def fail(msg: str) -> None:
        raise RubricError(f"{source}: {msg}")

    if not 0 <= r.pass_rules.mark <= 100:
        fail("'pass.mark' must be between 0 and 100")
    for kind in r.pass_rules.fail_on:
        if kind not in EVENT_KINDS and kind not in FACTOR_KINDS:
            fail(f"'pass.fail_on' names unknown event kind '{kind}'")
    for key in ("min_route_completion", "max_missing_share"):
        if getattr(r.pass_rules, key) > 1:
            fail(f"'pass.{key}' is a share and must be between 0 and 1")
    if sum(r.weights.values()) <= 0:
        fail("the [weights] must not all be zero")
    for kind, factor in r.factors.items():
        if factor > 1:
            fail(f"'factors.{kind}' must be between 0 and 1 (a factor multiplies the score)")
    if r.harsh.hysteresis >= 1:
        fail("'harsh.hysteresis' must be below 1 (a share of the threshold)")
    if r.harsh.full_points_ratio <= 1:
        fail("'harsh.full_points_ratio' must be above 1")
    for name, v in r.vehicles.items():
        if min(v.braking_g, v.accelerating_g, v.cornering_g, v.grip_use) <= 0:
            fail(f"thresholds of 'vehicles.{name}' must be above 0")
        if v.grip_use > 1:
            fail(f"'vehicles.{name}.grip_use' is a share of the grip limit (0..1)")
    f = r.following
    if not 0 < f.close_headway_s <= f.headway_s <= f.follow_within_s:
        fail("following headways must satisfy 0 < close_headway_s <= headway_s <= follow_within_s")
    if f.wet_headway_factor < 1:
        fail("'following.wet_headway_factor' must be at least 1")
    h = r.hazard
    if not 0 < h.brake_threshold <= 1:
        fail("'hazard.brake_threshold' must be in (0, 1]")
    if not h.expected_reaction_s < h.response_window_s:
        fail("'hazard.expected_reaction_s' must be below 'hazard.response_window_s'")
    if r.smoothness.jerk_window_s <= 0:
        fail("'smoothness.jerk_window_s' must be above 0")
    if r.smoothness.reversal_gap <= 0:
        fail("'smoothness.reversal_gap' must be above 0")
