"""Words and numbers for reports in Indonesian and English: labels, units, number formats."""

from __future__ import annotations

import functools
import math
import string

LANGS: tuple[str, ...] = ("id", "en")


def num(value: float, digits: int = 0, lang: str = "en") -> str:
    """A number as a person writes it: Indonesian uses a decimal comma."""
    if value is None or not math.isfinite(value):
        return "-"
    text = f"{value:.{digits}f}"
    return text.replace(".", ",") if lang == "id" else text


@functools.lru_cache(maxsize=512)
def _compile(template: str) -> tuple[str, tuple[tuple[str, str, str], ...]]:
    """A template rewritten so every field is a plain ``{slot}`` filled with pre-formatted
    text, and the (slot, field name, format spec) of each: formatting then costs one C-level
    ``str.format`` call plus one ``format`` per number."""
    pieces = []
    fields = []
    for k, (literal, field, spec, _) in enumerate(string.Formatter().parse(template)):
        pieces.append(literal.replace("{", "{{").replace("}", "}}"))
        if field is not None:
            slot = f"f{k}"
            pieces.append("{" + slot + "}")
            fields.append((slot, field, spec or ""))
    return "".join(pieces), tuple(fields)


def pair(id_fmt: str, en_fmt: str, **values: float | str) -> tuple[str, str]:
    """Format one advice line in both languages with ``str.format``-style placeholders.

    Numbers are written the way each language writes them: ``{speed:.0f}`` gives "52" in both,
    ``{g:.2f}`` gives "0,45" in Indonesian and "0.45" in English. Texts are inserted as given.
    """
    return _render(id_fmt, values, ","), _render(en_fmt, values, ".")


def _render(template: str, values: dict[str, float | str], decimal: str) -> str:
    compiled, fields = _compile(template)
    filled = {}
    for slot, name, spec in fields:
        value = values[name]
        if isinstance(value, str):
            filled[slot] = value
        else:
            text = format(value, spec)
            filled[slot] = text.replace(".", decimal) if decimal != "." else text
    return compiled.format_map(filled)


PART_TITLES: dict[str, dict[str, str]] = {
    "speed": {"id": "Kecepatan", "en": "Speed"},
    "harsh": {"id": "Pengereman/akselerasi/menikung", "en": "Braking/acceleration/cornering"},
    "following": {"id": "Jarak ikut", "en": "Following distance"},
    "lane": {"id": "Menjaga lajur", "en": "Lane keeping"},
    "hazard": {"id": "Respons bahaya", "en": "Hazard response"},
    "smoothness": {"id": "Kehalusan", "en": "Smoothness"},
}

SEVERITY_TITLES: dict[str, dict[str, str]] = {
    "minor": {"id": "ringan", "en": "minor"},
    "major": {"id": "berat", "en": "major"},
    "critical": {"id": "kritis", "en": "critical"},
}

# Labels for deductions and rule factors in the text report.
MEASURE_TITLES: dict[str, dict[str, str]] = {
    "time_over_limit": {"id": "waktu di atas batas", "en": "time over the limit"},
    "time_over_limit_school_zone": {
        "id": "tambahan: waktu di atas batas di zona sekolah",
        "en": "extra: time over the limit in the school zone",
    },
    "max_excess": {"id": "kelebihan terbesar", "en": "largest excess"},
    "max_excess_school_zone": {
        "id": "kelebihan terbesar di zona sekolah (dihitung berlipat)",
        "en": "largest excess in the school zone (counted several times)",
    },
    "harsh_braking": {"id": "pengereman mendadak", "en": "harsh braking"},
    "harsh_accelerating": {"id": "akselerasi mendadak", "en": "harsh acceleration"},
    "harsh_cornering": {"id": "menikung keras", "en": "harsh cornering"},
    "grip_limit": {"id": "batas cengkeraman", "en": "grip limit"},
    "headway_below_rule": {
        "id": "waktu berkendara dengan jarak < aturan",
        "en": "driving time with headway below the rule",
    },
    "headway_below_close": {
        "id": "waktu berkendara dengan jarak < 1 detik",
        "en": "driving time with headway below 1 s",
    },
    "tet": {"id": "waktu TTC kritis (TET)", "en": "time at critical TTC (TET)"},
    "ttc_min": {"id": "TTC terendah", "en": "lowest TTC"},
    "sdlp": {"id": "SDLP (goyangan lajur)", "en": "SDLP (lane weave)"},
    "lane_departures": {"id": "keluar lajur", "en": "lane departures"},
    "reaction_time": {"id": "waktu reaksi", "en": "reaction time"},
    "missed_hazard": {"id": "bahaya tanpa reaksi", "en": "missed hazard"},
    "jerk_rms": {"id": "sentakan (jerk) RMS", "en": "jerk RMS"},
    "steering_reversals": {"id": "koreksi kemudi", "en": "steering reversals"},
    "collision_pedestrian": {"id": "tabrakan pejalan kaki", "en": "pedestrian collision"},
    "collision_vehicle": {"id": "tabrakan kendaraan", "en": "vehicle collision"},
    "collision_static": {"id": "tabrakan benda", "en": "collision with an object"},
    "red_light": {"id": "lampu merah", "en": "red light"},
    "amber_light": {"id": "lampu kuning", "en": "amber light"},
    "stop_sign": {"id": "rambu STOP", "en": "stop sign"},
    "fail_to_yield": {"id": "tidak memberi jalan", "en": "failure to yield"},
    "off_road": {"id": "keluar jalan", "en": "off road"},
    "wrong_side": {"id": "sisi kanan jalan", "en": "wrong side"},
    "solid_line": {"id": "melewati garis utuh", "en": "solid line crossed"},
    "timeout": {"id": "waktu habis", "en": "timeout"},
}

OUTCOME_TITLES: dict[str, dict[str, str]] = {
    "completed": {"id": "selesai", "en": "completed"},
    "timeout": {"id": "waktu habis", "en": "timed out"},
    "collision": {"id": "tabrakan", "en": "collision"},
    "aborted": {"id": "dihentikan", "en": "aborted"},
}

VEHICLE_TITLES: dict[str, dict[str, str]] = {
    "car": {"id": "mobil", "en": "car"},
    "motorcycle": {"id": "sepeda motor", "en": "motorcycle"},
    "truck": {"id": "truk", "en": "truck"},
}


def title_of(table: dict[str, dict[str, str]], key: object, lang: str) -> str:
    """A key's title in a language; unknown keys are shown as they are."""
    entry = table.get(str(key))
    return entry[lang] if entry else str(key)


UNIT_TITLES: dict[str, dict[str, str]] = {
    "%": {"id": "%", "en": "%"},
    "km/h": {"id": "km/jam", "en": "km/h"},
    "s": {"id": "dtk", "en": "s"},
    "m": {"id": "m", "en": "m"},
    "cm": {"id": "cm", "en": "cm"},
    "events": {"id": "kejadian", "en": "events"},
    "per min": {"id": "per menit", "en": "per min"},
    "m/s^3": {"id": "m/dtk³", "en": "m/s³"},
}
