"""The wheel/gamepad mapping file: values from raw axes, reading, writing and refusing bad files."""

from __future__ import annotations

from pathlib import Path

import pytest

from isdc.simulator.frontend.mapping import (
    DEFAULT_MAPPING,
    MappingError,
    PedalAxis,
    SteeringAxis,
    WheelMapping,
    default_path,
    load_mapping,
    mapping_to_toml,
    save_mapping,
)


def test_steering_left_is_positive_and_invert_swaps():
    s = SteeringAxis(axis=0)
    assert s.value(-1.0) == pytest.approx(1.0)  # pygame's negative end: full left
    assert s.value(1.0) == pytest.approx(-1.0)
    assert SteeringAxis(axis=0, invert=True).value(-1.0) == pytest.approx(-1.0)


def test_steering_dead_zone_and_rescale():
    s = SteeringAxis(axis=0, dead_zone=0.1)
    assert s.value(0.05) == 0.0
    assert s.value(-0.1) == 0.0
    assert s.value(-0.55) == pytest.approx(0.5)  # (0.55 - 0.1) / 0.9
    assert s.value(-1.0) == pytest.approx(1.0)  # still reaches full lock


def test_steering_uneven_centre_uses_each_side_span():
    s = SteeringAxis(axis=0, low=-0.8, centre=0.1, high=0.9, dead_zone=0.0)
    assert s.value(0.1) == 0.0
    assert s.value(-0.8) == pytest.approx(1.0)
    assert s.value(0.9) == pytest.approx(-1.0)
    assert s.value(0.5) == pytest.approx(-0.5)
    assert s.value(-2.0) == pytest.approx(1.0)  # clipped
    assert s.value(float("nan")) == 0.0


def test_pedal_normal_inverted_and_half_stick():
    trigger = PedalAxis(axis=5, dead_zone=0.0)  # -1 released .. +1 pressed
    assert trigger.value_from_axis(-1.0) == 0.0
    assert trigger.value_from_axis(0.0) == pytest.approx(0.5)
    assert trigger.value_from_axis(1.0) == 1.0
    wheel_pedal = PedalAxis(axis=2, invert=True, dead_zone=0.0)  # +1 released
    assert wheel_pedal.value_from_axis(1.0) == 0.0
    assert wheel_pedal.value_from_axis(-1.0) == 1.0
    # One stick for both pedals: up (negative) is throttle, down is brake.
    up = PedalAxis(axis=1, low=-1.0, high=0.0, invert=True, dead_zone=0.0)
    down = PedalAxis(axis=1, low=0.0, high=1.0, dead_zone=0.0)
    assert (up.value_from_axis(-1.0), down.value_from_axis(-1.0)) == (1.0, 0.0)
    assert (up.value_from_axis(0.6), down.value_from_axis(0.6)) == (0.0, pytest.approx(0.6))


def test_pedal_dead_zone_at_rest_end():
    p = PedalAxis(axis=2, dead_zone=0.1)
    assert p.value_from_axis(-0.85) == 0.0  # 7.5 % of travel: a foot resting on it
    assert p.value_from_axis(1.0) == 1.0


def test_save_then_load_round_trip(tmp_path: Path):
    m = WheelMapping(
        device='Logitech G29 "Driving Force"',
        steering=SteeringAxis(axis=0, low=-0.98, centre=0.01, high=0.97, invert=False),
        throttle=PedalAxis(axis=2, low=-1.0, high=1.0, invert=True, dead_zone=0.03),
        brake=PedalAxis(axis=None, button=4),
        buttons={"confirm": 3, "back": 1, "pause": 9},
    )
    path = save_mapping(m, tmp_path / "sub" / "controls.toml")
    assert load_mapping(path) == m
    assert not [p for p in path.parent.iterdir() if p.name != "controls.toml"]  # no temp left


def test_missing_file_gives_defaults(tmp_path: Path):
    assert load_mapping(tmp_path / "none.toml") == DEFAULT_MAPPING


def test_default_path_follows_environment(monkeypatch, tmp_path: Path):
    monkeypatch.delenv("ISDC_CONTROLS", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    assert default_path() == tmp_path / "isdc" / "controls.toml"
    monkeypatch.setenv("ISDC_CONTROLS", str(tmp_path / "bay3.toml"))
    assert default_path() == tmp_path / "bay3.toml"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("version = 1\n[steering\naxis = 0", "not valid TOML"),
        ("version = 2", "version 2 is not supported"),
        ("colour = 'red'", "unknown key 'colour'"),
        ("[steering]\naxis = -1", "steering.axis: must be an axis/button number"),
        ("[steering]\nwheel = 1", "steering: unknown key 'wheel'"),
        ("[steering]\ninvert = 'yes'", "steering.invert: must be true or false"),
        ("[brake]\ndead_zone = 0.95", "brake.dead_zone: must be between 0 and 0.9"),
        ("[throttle]\nlow = 3", "raw axis values lie between -1 and 1"),
        ("[steering]\nlow = 0.2\ncentre = 0.1", "need low < centre < high"),
        ("[brake]\nlow = 0.5\nhigh = 0.5", "brake: low and high must differ"),
        ("[buttons]\nhonk = 2", "buttons.honk: unknown action"),
    ],
)
def test_bad_files_are_refused_naming_the_key(tmp_path: Path, text: str, message: str):
    path = tmp_path / "controls.toml"
    path.write_text(text)
    with pytest.raises(MappingError, match=message) as err:
        load_mapping(path)
    assert str(path) in str(err.value)


def test_unreadable_file_is_refused(tmp_path: Path):
    path = tmp_path / "controls.toml"
    path.mkdir()  # a folder where the file should be
    with pytest.raises(MappingError, match="cannot read"):
        load_mapping(path)


def test_written_file_is_commented_for_people():
    text = mapping_to_toml(DEFAULT_MAPPING)
    assert text.startswith("# ISDC simulator")
    assert "[steering]" in text and "dead_zone" in text
