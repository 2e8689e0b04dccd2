"""Rubric files: the built-in ones load, an instructor's own file works, and mistakes are named."""

import pytest

from isdc.scoring import RubricError, available_rubrics, load_rubric, load_rubric_file, score
from isdc.scoring.rubric import BUILTIN_DIR, parse_rubric
from tests.scoring.factory import KMH, drive

BUILTIN = sorted(p.stem for p in BUILTIN_DIR.glob("*.toml") if p.stem != "defaults")


def test_there_is_a_rubric_for_each_built_in_scenario():
    assert set(BUILTIN) >= {
        "urban_intersection",
        "school_zone",
        "toll_merge",
        "emergency_brake",
        "wet_curve",
        "motorcycle_mix",
        "night_pedestrian",
        "braking_zone",
    }
    assert set(BUILTIN) <= set(available_rubrics())


@pytest.mark.parametrize("scenario", BUILTIN)
def test_every_built_in_rubric_loads_and_names_its_scenario(scenario):
    rubric = load_rubric(scenario)
    assert rubric.scenario == scenario
    assert rubric.version and len(rubric.digest) == 16
    assert rubric.title["id"] and rubric.title["en"]
    assert set(rubric.vehicles) >= {"car", "motorcycle", "truck"}
    assert "collision" in rubric.pass_rules.fail_on


def test_a_scenario_without_a_rubric_is_a_clear_error():
    with pytest.raises(RubricError, match="no rubric for scenario 'moon_landing'"):
        load_rubric("moon_landing")
    with pytest.raises(RubricError, match="no rubric"):
        load_rubric("../../etc/passwd")


def test_scoring_a_run_of_an_unknown_scenario_raises_rubric_error():
    with pytest.raises(RubricError, match="moon_landing"):
        score(drive(scenario="moon_landing"))


def test_a_centre_rubric_folder_overrides_the_built_in_one(tmp_path, monkeypatch):
    (tmp_path / "school_zone.toml").write_text(
        '[rubric]\nscenario = "school_zone"\nversion = "serpong-2"\n[pass]\nmark = 90.0\n'
    )
    monkeypatch.setenv("ISDC_RUBRICS", str(tmp_path))
    rubric = load_rubric("school_zone")
    assert rubric.version == "serpong-2" and rubric.pass_rules.mark == 90
    # Everything not stated comes from the defaults.
    assert rubric.factors["red_light"] == 0.70


def test_a_file_named_for_one_scenario_but_written_for_another_is_refused(tmp_path, monkeypatch):
    (tmp_path / "wet_curve.toml").write_text('[rubric]\nscenario = "school_zone"\nversion = 1\n')
    monkeypatch.setenv("ISDC_RUBRICS", str(tmp_path))
    with pytest.raises(RubricError, match="is for scenario 'school_zone', not 'wet_curve'"):
        load_rubric("wet_curve")


def test_a_rubric_for_another_scenario_does_not_score_a_run():
    with pytest.raises(RubricError, match="does not fit a run of scenario 'urban_intersection'"):
        score(drive(), load_rubric("school_zone"))


def test_a_vehicle_the_rubric_does_not_know_is_named():
    with pytest.raises(RubricError, match="no thresholds for vehicle 'tractor'"):
        score(drive(vehicle="tractor"))


def test_the_report_names_the_rubric_version_and_digest():
    report = score(drive(speed=40 * KMH)).to_dict()
    rubric = load_rubric("urban_intersection")
    assert report["rubric"] == {
        "scenario": "urban_intersection",
        "version": rubric.version,
        "digest": rubric.digest,
    }


def test_the_digest_changes_with_the_content_and_only_with_it():
    head = {"rubric": {"scenario": "school_zone", "version": 1}}
    a = parse_rubric(dict(head))
    b = parse_rubric(dict(head))
    c = parse_rubric({**head, "speed": {"tolerance_kmh": 5.0}})
    assert a.digest == b.digest != c.digest


def write(tmp_path, text):
    path = tmp_path / "rubric.toml"
    path.write_text(text)
    return path


HEAD = '[rubric]\nscenario = "school_zone"\nversion = 1\n'


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("this is = = not toml", "is not valid TOML"),
        ("[pass]\nmark = 70.0\n", r"the \[rubric\] table"),
        ("[rubric]\nversion = 1\n", "rubric.scenario must be"),
        ('[rubric]\nscenario = "school_zone"\n', "rubric.version must be"),
        (HEAD + "[speed]\ntolerence_kmh = 3.0\n", "unknown key 'speed.tolerence_kmh'"),
        (HEAD + "[sped]\ntolerance_kmh = 3.0\n", r"unknown section \[sped\]"),
        (HEAD + '[speed]\ntolerance_kmh = "three"\n', "'speed.tolerance_kmh' must be a number"),
        (HEAD + "[speed]\ntolerance_kmh = -1.0\n", "'speed.tolerance_kmh' must be a number >= 0"),
        (HEAD + "[factors]\nred_light = 1.2\n", "'factors.red_light' must be between 0 and 1"),
        (HEAD + "[factors]\nspeeding = 0.5\n", "unknown key 'factors.speeding'"),
        (HEAD + "[pass]\nmark = 150.0\n", "'pass.mark' must be between 0 and 100"),
        (HEAD + '[pass]\nfail_on = ["sneezing"]\n', "unknown event kind 'sneezing'"),
        (HEAD + "[pass]\nrequire_completed = 1\n", "must be true or false"),
        (
            HEAD + "[weights]\nspeed = 0.0\nharsh = 0.0\nfollowing = 0.0\nlane = 0.0\n"
            "hazard = 0.0\nsmoothness = 0.0\n",
            "must not all be zero",
        ),
        (HEAD + "[vehicles.bus]\nwidth_m = 2.5\n", "'vehicles.bus.accelerating_g' is missing"),
        (HEAD + "[harsh]\nhysteresis = 1.0\n", "'harsh.hysteresis' must be below 1"),
        (HEAD + "[harsh.points]\nskidding = 3.0\n", "unknown key 'harsh.points.skidding'"),
        (HEAD + "[following]\nclose_headway_s = 3.0\n", "following headways must satisfy"),
    ],
)
def test_rubric_mistakes_are_refused_with_a_message_naming_them(tmp_path, text, message):
    with pytest.raises(RubricError, match=message):
        load_rubric_file(write(tmp_path, text))


def test_a_missing_rubric_file_is_named(tmp_path):
    with pytest.raises(RubricError, match="rubric file not found"):
        load_rubric_file(tmp_path / "nope.toml")
